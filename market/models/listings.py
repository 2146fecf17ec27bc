"""Listings (挂牌), their publicity period (公示) and objections (异议), and technology demands (技术需求)."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from achievements.choices import CooperationMode
from achievements.models import Achievement
from core import limits
from core.validators import validate_phone
from institutions.choices import ClassificationScheme
from institutions.models import Classification, Organisation, Region
from market.choices import DemandStatus, ListingStatus, ObjectionStatus, PricingMethod
from market.querysets import DemandQuerySet, ListingQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}


def _technology_field(related_name: str = "+"):
    return models.ForeignKey(
        Classification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        limit_choices_to={"scheme": ClassificationScheme.TECHNOLOGY_FIELD},
        verbose_name=_("technology field"),
    )


@pghistory.track()
class Listing(models.Model):
    """A technology offered on the market (挂牌): from a published achievement, or — for technical
    services and consulting — standalone by a transfer institution.

    Publishing starts the publicity period (公示): the listing, its owner and its proposed price are
    public and objections may be filed; no deal can be signed until it has closed. The publicity
    length in force is frozen onto the listing when it is published.
    """

    institution = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="listings", verbose_name=_("seller")
    )
    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("achievement"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    title = limits.single_line_field(_("title"), max_length=200)
    summary = limits.bounded_text_field(_("summary"), max_length=limits.SUMMARY_MAX_LENGTH)
    keywords = ArrayField(
        limits.single_line_field(max_length=30), default=list, blank=True, verbose_name=_("keywords")
    )
    technology_field = _technology_field()
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    transaction_mode = models.CharField(_("transaction mode"), max_length=24, choices=CooperationMode.choices)
    pricing_method = models.CharField(_("pricing"), max_length=12, choices=PricingMethod.choices)
    price = models.DecimalField(_("price (yuan)"), null=True, blank=True, **MONEY)
    price_max = models.DecimalField(_("highest price (yuan)"), null=True, blank=True, **MONEY)
    listed_until = models.DateField(_("listed until"))
    contact_name = limits.single_line_field(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30, validators=[validate_phone])
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    brokers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="brokered_listings", verbose_name=_("brokers")
    )

    publicity_days = models.PositiveSmallIntegerField(_("publicity days"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    publicity_ends_at = models.DateTimeField(_("publicity ends at"), null=True, blank=True)
    status_reason = limits.bounded_text_field(
        _("reason for the last status change"), max_length=limits.REASON_MAX_LENGTH, blank=True
    )
    search_vector = SearchVectorField(null=True, editable=False)
    # The segmented words the matching engine compares (segmentation.match_terms).
    match_terms = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ("-published_at", "-pk")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="market_listing_status_pub"),
            # The default order of every list ("newest"): public listings span several statuses, so
            # (status, -published_at) cannot give it and the whole market would be sorted per page.
            models.Index(fields=["-published_at", "-id"], name="market_listing_newest"),
            models.Index(fields=["institution", "status"], name="market_listing_inst_status"),
            models.Index(fields=["region", "status"], name="market_listing_region_status"),
            GinIndex(fields=["search_vector"], name="market_listing_search"),
        ]
        constraints = [
            limits.length_constraint("summary", limits.SUMMARY_MAX_LENGTH),
            limits.length_constraint("status_reason", limits.REASON_MAX_LENGTH),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="%(app_label)s_%(class)s_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(price_max__isnull=True)
                | Q(price__isnull=False, price_max__gte=models.F("price")),
                name="%(app_label)s_%(class)s_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.pricing_method in (PricingMethod.FIXED, PricingMethod.AUCTION) and self.price is None:
            errors["price"] = _("Give the price (for an auction, the starting price).")
        if self.pricing_method == PricingMethod.RANGE and (self.price is None or self.price_max is None):
            errors["price_max"] = _("Give the lowest and the highest price of the range.")
        if self.pricing_method != PricingMethod.RANGE:
            self.price_max = None
        if self.pricing_method == PricingMethod.NEGOTIABLE:
            self.price = None
        if self.price is not None and self.price_max is not None and self.price_max < self.price:
            errors["price_max"] = _("The highest price must not be below the lowest.")
        if errors:
            raise ValidationError(errors)


@pghistory.track()
class ListingObjection(models.Model):
    """An objection (异议) filed during a listing's publicity; officials over the seller resolve it."""

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="objections", verbose_name=_("listing")
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    reasons = limits.bounded_text_field(_("reasons"), max_length=limits.SUMMARY_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    resolution = limits.bounded_text_field(_("resolution"), max_length=limits.REASON_MAX_LENGTH, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["listing", "status"], name="market_objection_listing")]
        constraints = [
            limits.length_constraint("reasons", limits.SUMMARY_MAX_LENGTH),
            limits.length_constraint("resolution", limits.REASON_MAX_LENGTH),
        ]

    def __str__(self) -> str:
        return f"{self.listing} · {self.get_status_display()}"


@pghistory.track()
class Demand(models.Model):
    """A technology demand or problem (技术需求 / 难题) posted by an enterprise and reviewed by the
    officials over it before it appears on the public board."""

    enterprise = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="demands", verbose_name=_("enterprise")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("posted by")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DemandStatus.choices, default=DemandStatus.DRAFT
    )
    title = limits.single_line_field(_("title"), max_length=200)
    problem = limits.bounded_text_field(_("problem to solve"), max_length=limits.SUMMARY_MAX_LENGTH)
    expected_outcome = limits.bounded_text_field(_("expected outcome"), max_length=limits.SUMMARY_MAX_LENGTH)
    keywords = ArrayField(
        limits.single_line_field(max_length=30), default=list, blank=True, verbose_name=_("keywords")
    )
    technology_field = _technology_field()
    industry = models.ForeignKey(
        Classification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": ClassificationScheme.INDUSTRY},
        verbose_name=_("industry (GB/T 4754)"),
    )
    required_trl = models.PositiveSmallIntegerField(
        _("lowest readiness level wanted"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    budget_min = models.DecimalField(_("budget from (yuan)"), null=True, blank=True, **MONEY)
    budget_max = models.DecimalField(_("budget up to (yuan)"), null=True, blank=True, **MONEY)
    deadline = models.DateField(_("answer by"))
    cooperation_mode = models.CharField(
        _("preferred cooperation mode"), max_length=24, choices=CooperationMode.choices
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    contact_name = limits.single_line_field(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30, validators=[validate_phone])

    return_reason = limits.bounded_text_field(
        _("reason for return"), max_length=limits.REASON_MAX_LENGTH, blank=True
    )
    status_reason = limits.bounded_text_field(
        _("reason for the last status change"), max_length=limits.REASON_MAX_LENGTH, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Who last submitted it: with ``created_by``, the people who may not review it (separation of duties).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    # The segmented words the matching engine compares (segmentation.match_terms).
    match_terms = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ("-published_at", "-pk")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="market_demand_status_pub"),
            models.Index(fields=["enterprise", "status"], name="market_demand_ent_status"),
            models.Index(fields=["region", "status"], name="market_demand_region_status"),
            GinIndex(fields=["search_vector"], name="market_demand_search"),
        ]
        constraints = [
            limits.length_constraint("problem", limits.SUMMARY_MAX_LENGTH),
            limits.length_constraint("expected_outcome", limits.SUMMARY_MAX_LENGTH),
            limits.length_constraint("return_reason", limits.REASON_MAX_LENGTH),
            limits.length_constraint("status_reason", limits.REASON_MAX_LENGTH),
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_max__gte=models.F("budget_min")),
                name="%(app_label)s_%(class)s_budget_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.budget_min is not None and self.budget_max is not None and self.budget_max < self.budget_min:
            raise ValidationError(
                {"budget_max": _("The upper end of the budget must not be below the lower.")}
            )
