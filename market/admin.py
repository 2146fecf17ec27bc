"""Django admin for the market (platform admins). Changes here are audited like any other; the state
machines run through the site and the API, so statuses are read-only here."""

from django.contrib import admin

from market.models import (
    ContractRegistration,
    Deal,
    DealBroker,
    Demand,
    Inquiry,
    InquiryMessage,
    Listing,
    ListingObjection,
    RegistrationRuleSet,
)


class ObjectionInline(admin.TabularInline):
    model = ListingObjection
    extra = 0
    fields = ("filed_by", "status", "reasons", "resolution", "resolved_by", "resolved_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "institution",
        "status",
        "transaction_mode",
        "pricing_method",
        "price",
        "published_at",
    )
    list_filter = ("status", "transaction_mode", "pricing_method", "technology_field")
    search_fields = ("title", "institution__name")
    list_select_related = ("institution",)
    raw_id_fields = ("institution", "achievement", "created_by", "region", "technology_field", "brokers")
    readonly_fields = ("status", "published_at", "publicity_ends_at", "publicity_days")
    inlines = [ObjectionInline]


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    list_display = ("title", "enterprise", "status", "cooperation_mode", "budget_max", "deadline")
    list_filter = ("status", "cooperation_mode", "technology_field")
    search_fields = ("title", "enterprise__name")
    list_select_related = ("enterprise",)
    raw_id_fields = ("enterprise", "created_by", "reviewed_by", "region", "technology_field")
    readonly_fields = ("status", "submitted_at", "published_at", "closed_at")


class MessageInline(admin.TabularInline):
    model = InquiryMessage
    extra = 0
    fields = ("author", "body", "attachment_name", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ("subject", "seller", "buyer", "status", "last_message_at")
    list_filter = ("status",)
    search_fields = ("subject", "seller__name", "buyer__name")
    list_select_related = ("seller", "buyer")
    raw_id_fields = ("listing", "demand", "seller", "buyer", "opened_by")
    readonly_fields = ("status",)
    inlines = [MessageInline]


class BrokerInline(admin.TabularInline):
    model = DealBroker
    extra = 0
    raw_id_fields = ("broker", "agency", "engaged_by")


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ("title", "seller", "buyer", "status", "amount", "signed_on")
    list_filter = ("status", "contract_category", "transaction_mode")
    search_fields = ("title", "seller__name", "buyer__name")
    list_select_related = ("seller", "buyer")
    raw_id_fields = ("inquiry", "listing", "demand", "seller", "buyer", "created_by")
    readonly_fields = ("status", "seller_confirmed_at", "buyer_confirmed_at", "signed_on")
    inlines = [BrokerInline]


@admin.register(ContractRegistration)
class ContractRegistrationAdmin(admin.ModelAdmin):
    list_display = (
        "project_name",
        "registration_number",
        "registration_body",
        "contract_category",
        "technical_amount",
        "due_on",
        "registered_at",
    )
    list_filter = ("contract_category", "registration_body", "rejection_reason")
    search_fields = ("project_name", "registration_number", "seller_name", "buyer_name")
    list_select_related = ("registration_body", "deal")
    raw_id_fields = ("deal", "registration_body", "rule_set", "registrar", "technology_field")
    readonly_fields = ("registration_number", "registered_at", "submitted_at", "due_on", "rejected_at")


@admin.register(RegistrationRuleSet)
class RegistrationRuleSetAdmin(admin.ModelAdmin):
    """Loaded from market/data/registration_rule_sets.json; read here, changed in the data file."""

    list_display = ("name", "code", "effective_from", "effective_to", "decision_days")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
