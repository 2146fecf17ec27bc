"""Django admin for the institution network (platform admins). Changes here are audited like any other."""

from django.contrib import admin

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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


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
    inlines = [MembershipInline, DesignationInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__full_name", "organisation__name")
    list_select_related = ("user", "organisation")
    raw_id_fields = ("user", "organisation")


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "level", "status", "year_granted", "document_number")
    list_filter = ("level", "status")
    search_fields = ("organisation__name", "document_number")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "granted_by")
