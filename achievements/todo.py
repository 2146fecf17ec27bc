"""The achievements' sections of the to-do page (``core.todo``), registered in ``AppConfig.ready()``:
filings an official reviews, and filings returned to their institution for changes."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from achievements.choices import AchievementStatus
from achievements.selectors import filings as selectors
from core.todo import TodoItem, TodoSection
from institutions.roles import actor_roles


def _reviews(user) -> bool:
    roles = actor_roles(user)
    return roles.is_official or roles.is_platform_admin


def _files(user) -> bool:
    return actor_roles(user).is_institution_member


def _item(achievement) -> TodoItem:
    return TodoItem(
        title=achievement.title,
        url=reverse("achievements:detail", args=[achievement.pk]),
        note=achievement.filing_institution.name,
    )


SECTIONS = [
    TodoSection(
        key="filings_to_review",
        title=_("Filings to review"),
        queue="achievements:review_queue",
        applies=_reviews,
        queryset=lambda user: selectors.achievement_review_queue(actor=user),
        item=_item,
        order=10,
    ),
    TodoSection(
        key="returned_filings",
        title=_("Filings returned for changes"),
        queue="achievements:mine",
        queue_query=f"status={AchievementStatus.RETURNED}",
        applies=_files,
        queryset=lambda user: selectors.achievement_my_list(
            actor=user, filters={"status": [AchievementStatus.RETURNED]}
        ),
        item=_item,
        order=110,
    ),
]
