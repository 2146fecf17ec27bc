"""Django admin for the market (platform admins). Changes here are audited like any other; the state
machines run through the site and the API, so statuses are read-only here."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, FloatField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from market.choices import MatchFeedbackReason, MatchVerdict
from market.models import (
    ContractImport,
    ContractRegistration,
    Deal,
    DealBroker,
    Demand,
    Inquiry,
    InquiryMessage,
    Listing,
    ListingObjection,
    Match,
    MatchFeedback,
    RegistrationRuleSet,
)
from market.policies import matching as matching_policy


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


FACTOR_LABELS = {
    "text": _("Text relevance"),
    "field": _("Field and industry"),
    "trl": _("Maturity"),
    "budget": _("Budget"),
    "mode": _("Cooperation mode"),
    "region": _("Region"),
    "freshness": _("Freshness"),
}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the platform derives or people give through the site: read here, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    """The engine's matches (recomputed by every run, so read-only)."""

    list_display = ("demand", "offer_title", "score", "demand_rank", "listing_rank", "found_at")
    search_fields = ("demand__title", "listing__title", "achievement__title")
    list_select_related = ("demand", "listing", "achievement")
    date_hierarchy = "found_at"

    @admin.display(description=_("offer"))
    def offer_title(self, match: Match) -> str:
        return match.offer.title


@admin.register(MatchFeedback)
class MatchFeedbackAdmin(ReadOnlyAdmin):
    """What the parties said about their matches, with a report for tuning the weights."""

    list_display = ("side", "verdict", "reason", "demand", "offer_title", "given_by", "updated_at")
    list_filter = ("verdict", "reason", "side")
    search_fields = ("demand__title", "listing__title", "achievement__title", "comment")
    list_select_related = ("demand", "listing", "achievement", "given_by")
    change_list_template = "market/matches/admin_feedback_change_list.html"

    @admin.display(description=_("offer"))
    def offer_title(self, feedback: MatchFeedback) -> str:
        return (feedback.listing or feedback.achievement).title

    def get_urls(self):
        report = path(
            "report/",
            self.admin_site.admin_view(self.report_view),
            name="market_matchfeedback_report",
        )
        return [report, *super().get_urls()]

    def report_view(self, request):
        """反馈统计: counts by verdict and by reason, and the average score (and factor scores) when
        judged, useful against not relevant: one grouped query each."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        factors = {
            name: Avg(Cast(KeyTextTransform(name, "factors"), FloatField()))
            for name in matching_policy.FACTORS
        }
        by_verdict = {
            row["verdict"]: row
            for row in MatchFeedback.objects.order_by()
            .values("verdict")
            .annotate(count=Count("pk"), average_score=Avg("score"), **factors)
        }
        by_reason = dict(
            MatchFeedback.objects.dismissals()
            .order_by()
            .values("reason")
            .annotate(count=Count("pk"))
            .values_list("reason", "count")
        )
        verdicts = []
        for value, label in MatchVerdict.choices:
            row = by_verdict.get(value, {})
            verdicts.append(
                {
                    "value": value,
                    "label": label,
                    "count": row.get("count", 0),
                    "average_score": _percent(row.get("average_score")),
                    "factors": [_percent(row.get(name)) for name in matching_policy.FACTORS],
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Match feedback report"),
            "verdicts": verdicts,
            "reasons": [(label, by_reason.get(value, 0)) for value, label in MatchFeedbackReason.choices],
            "dismissals": sum(by_reason.values()),
            "factor_labels": [FACTOR_LABELS.get(name, name) for name in matching_policy.FACTORS],
            "total": sum(verdict["count"] for verdict in verdicts),
        }
        return TemplateResponse(request, "market/matches/admin_report.html", context)


def _percent(value: float | None) -> int | None:
    return round(value * 100) if value is not None else None


@admin.register(ContractImport)
class ContractImportAdmin(admin.ModelAdmin):
    """Imports are made on the registration pages and the API; read here."""

    list_display = (
        "original_name",
        "registration_body",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "error_count",
        "created_at",
    )
    list_filter = ("status", "registration_body")
    list_select_related = ("registration_body",)
    exclude = ("errors",)
    readonly_fields = [field.name for field in ContractImport._meta.fields if field.name != "errors"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
