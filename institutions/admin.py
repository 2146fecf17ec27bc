"""Django admin for the institution network (platform admins). Changes here are audited like any other."""

from django.contrib import admin
from django.db import models

from institutions.models import Classification, Designation, Membership, Organisation, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Regions come from the dated GB/T 2260 table; they are read here, changed by a new data file."""

    list_display = ("code", "name", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Classification)
class ClassificationAdmin(admin.ModelAdmin):
    list_display = ("scheme", "version", "code", "name", "name_en", "is_current")
    list_filter = ("scheme", "version", "is_current")
    search_fields = ("code", "name", "name_en")


# Django admin is the platform operator's last resort (the site and API refuse every self-grant, see
# ``institutions.rules.require_membership_grant``): whoever adds a membership or changes its role here is
# recorded as its grantor, so the membership list and the audit log still show who granted it.
def _record_grantor(request, membership: Membership, changed_fields) -> None:
    if membership.pk is None or "role" in changed_fields or "user" in changed_fields:
        membership.granted_by = request.user


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)
    readonly_fields = ("granted_by",)


class DesignationInline(admin.TabularInline):
    model = Designation
    fk_name = "organisation"
    extra = 0
    raw_id_fields = ("granted_by",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "is_transfer_institution", "transfer_level", "is_active")
    list_filter = ("kind", "is_transfer_institution", "transfer_level", "transfer_kind", "is_active")
    search_fields = ("name", "short_name", "name_en", "credit_code")
    list_select_related = ("region",)
    raw_id_fields = ("region", "parent", "transfer_office", "entity_type")
    # A website typed without its scheme is read as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [MembershipInline, DesignationInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            for inline_form in formset.forms:
                if inline_form.has_changed() and inline_form.instance is not None:
                    _record_grantor(request, inline_form.instance, inline_form.changed_data)
        super().save_formset(request, form, formset, change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "granted_by", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__full_name", "organisation__name")
    list_select_related = ("user", "organisation", "granted_by")
    raw_id_fields = ("user", "organisation")
    readonly_fields = ("granted_by",)

    def save_model(self, request, obj, form, change):
        _record_grantor(request, obj, form.changed_data)
        super().save_model(request, obj, form, change)


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "level", "status", "year_granted", "document_number")
    list_filter = ("level", "status")
    search_fields = ("organisation__name", "document_number")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "granted_by")
