"""Serializers of the notifications API: a person's own notifications, and marking them read."""

from rest_framework import serializers

from core.api.fields import ActionsField
from notifications.actions import NOTIFICATION_ACTIONS


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    verb = serializers.CharField(read_only=True, help_text="Stable event code, e.g. `achievement.returned`.")
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True, help_text="Path of the page the notification is about.")
    is_read = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)
    actions = ActionsField(NOTIFICATION_ACTIONS)


class NotificationListQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, default=False, help_text="`true`: only notifications not read yet."
    )


class MarkReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_null=True,
        default=None,
        max_length=1000,
        help_text="The notifications to mark read; leave out to mark them all read.",
    )


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True, help_text="How many changed from unread to read.")
    unread_count = serializers.IntegerField(read_only=True)


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField(read_only=True)
