from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin

from accounts.models import PartnerAPIKey, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Platform"), {"fields": ("full_name", "password_changed_at")}),
    )
    list_display = ("username", "full_name", "email", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "full_name", "email")


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    """Platform admins issue keys here (the key is shown once) and revoke them."""

    list_display = (*APIKeyModelAdmin.list_display, "user")
    raw_id_fields = ("user",)
    search_fields = (*APIKeyModelAdmin.search_fields, "user__username")
