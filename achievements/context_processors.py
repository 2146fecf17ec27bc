"""The navigation bar's review-queue badge for officials (lazy: no query unless the bar is drawn)."""

from django.utils.functional import SimpleLazyObject

from achievements.selectors import filings as selectors
from institutions.roles import actor_roles


def review_queue(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = actor_roles(user)
    if not (roles.is_official or roles.is_platform_admin):
        return {}
    return {
        "review_queue_count": SimpleLazyObject(lambda: selectors.achievement_review_queue(actor=user).count())
    }
