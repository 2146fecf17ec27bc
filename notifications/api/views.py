"""REST API of notifications: everyone reads and marks only their own."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from notifications import selectors, services
from notifications.api import serializers
from notifications.models import Notification


@extend_schema_view(
    list=extend_schema(
        summary="My notifications",
        description="Newest first.",
        parameters=[serializers.NotificationListQuerySerializer],
        tags=["notifications"],
    ),
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's notifications (站内通知)."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.NotificationSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        query = serializers.NotificationListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.notification_list(
            recipient=self.request.user, unread_only=query.validated_data["unread"]
        )

    @extend_schema(
        summary="Mark notifications read",
        description="The given ones, or all when `ids` is left out; others' notifications are ignored.",
        request=serializers.MarkReadInputSerializer,
        responses={200: serializers.MarkReadResultSerializer},
        tags=["notifications"],
    )
    @action(detail=False, methods=["post"], url_path="mark-read", url_name="mark-read")
    def mark_read(self, request):
        serializer = serializers.MarkReadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notification_mark_read(
            recipient=request.user, notification_ids=serializer.validated_data["ids"]
        )
        unread_count = selectors.notification_unread_count(recipient=request.user)
        return Response({"marked": marked, "unread_count": unread_count})

    @extend_schema(
        summary="How many notifications are unread",
        responses={200: serializers.UnreadCountSerializer},
        tags=["notifications"],
    )
    @action(detail=False, methods=["get"], url_path="unread-count", url_name="unread-count")
    def unread_count(self, request):
        return Response({"unread_count": selectors.notification_unread_count(recipient=request.user)})
