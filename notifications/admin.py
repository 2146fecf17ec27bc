from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "verb", "title", "created_at", "read_at", "emailed_at")
    list_filter = ("verb",)
    search_fields = ("recipient__username", "title")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)

    def has_add_permission(self, request):
        return False
