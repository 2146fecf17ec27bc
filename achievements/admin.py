"""Django admin for achievements (platform admins). Changes here are audited like any other."""

from django.contrib import admin

from achievements.models import (
    Achievement,
    AchievementContributor,
    AchievementOwner,
    Attachment,
    CatalogueEntry,
    DualUseCatalogue,
    ImportBatch,
    IPAsset,
)


class OwnerInline(admin.TabularInline):
    model = AchievementOwner
    extra = 0
    raw_id_fields = ("organisation",)


class ContributorInline(admin.TabularInline):
    model = AchievementContributor
    extra = 0


class IPAssetInline(admin.TabularInline):
    model = IPAsset
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ("title", "filing_institution", "status", "filing_number", "trl", "published_at")
    list_filter = ("status", "technology_field", "is_dual_use", "achievement_type")
    search_fields = ("title", "filing_number", "filing_institution__name")
    list_select_related = ("filing_institution",)
    raw_id_fields = (
        "filing_institution",
        "created_by",
        "reviewed_by",
        "region",
        "technology_field",
        "industry",
        "strategic_industry",
    )
    readonly_fields = ("filing_number", "submitted_at", "reviewed_at", "published_at")
    inlines = [OwnerInline, ContributorInline, IPAssetInline, AttachmentInline]


class CatalogueEntryInline(admin.TabularInline):
    model = CatalogueEntry
    extra = 0
    raw_id_fields = ("achievement",)


@admin.register(DualUseCatalogue)
class DualUseCatalogueAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "edition", "status", "published_on")
    list_filter = ("kind", "status")
    raw_id_fields = ("created_by",)
    inlines = [CatalogueEntryInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Imports are read here; they are made and confirmed on the import pages."""

    list_display = ("original_name", "institution", "status", "total_rows", "imported_rows", "created_at")
    list_filter = ("status",)
    list_select_related = ("institution",)
    exclude = ("rows",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
