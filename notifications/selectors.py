"""Reads of notifications: a person sees only their own."""

from django.db.models import QuerySet

from notifications.models import Notification


def notification_list(*, recipient, unread_only: bool = False) -> QuerySet[Notification]:
    queryset = Notification.objects.filter(recipient=recipient)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-pk")


def notification_unread_count(*, recipient) -> int:
    if recipient is None or not recipient.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()
