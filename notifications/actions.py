"""What a person may do now with a notification: mark it read, while it is their own and unread.

``NOTIFICATION_ACTIONS`` is a ``core.actions.ActionSet``: the notifications page reads ``.may()`` for
its "Mark read" button, the API lists ``.allowed()`` as ``"actions"`` on every notification
(``POST /notifications/mark-read/`` with its id). The service marks only the recipient's unread ones
again. The check reads the row's columns only, so a page of notifications costs no query per row.
"""

from core.actions import ActionSet


def _may_mark_read(actor, notification) -> bool:
    return actor.is_authenticated and notification.recipient_id == actor.pk and notification.read_at is None


NOTIFICATION_ACTIONS = ActionSet(name="Notification", checks={"mark_read": _may_mark_read})
