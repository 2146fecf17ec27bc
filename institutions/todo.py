"""The institutions' section of the to-do page (``core.todo``), registered in ``AppConfig.ready()``:
demonstration titles applied for that an official decides."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.todo import TodoItem, TodoSection
from institutions.roles import actor_roles
from institutions.selectors import organisations as selectors


def _decides(user) -> bool:
    roles = actor_roles(user)
    return roles.is_official or roles.is_platform_admin


def _item(designation) -> TodoItem:
    return TodoItem(
        title=designation.organisation.name,
        url=reverse("institutions:designations", args=[designation.organisation_id]),
        note=str(designation.get_level_display()),
    )


SECTIONS = [
    TodoSection(
        key="designations_to_decide",
        title=_("Designation applications to decide"),
        queue="institutions:directory",
        queue_query="scope=jurisdiction",
        applies=_decides,
        queryset=lambda user: selectors.designation_applied_queue(actor=user),
        item=_item,
        order=40,
    ),
]
