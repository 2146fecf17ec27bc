"""The navigation bar's bell: the signed-in user's unread notifications.

Lazy: a page that does not show the navigation bar (an htmx fragment) costs no query.
"""

from django.utils.functional import SimpleLazyObject

from notifications import selectors


def navigation_counts(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notification_count": SimpleLazyObject(
            lambda: selectors.notification_unread_count(recipient=user)
        ),
    }
