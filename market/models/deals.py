"""Inquiries (意向), their private message threads, deals (交易) and the brokers on them."""

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from achievements.choices import CooperationMode
from core import limits, uploads
from core.validators import validate_not_in_future
from institutions.models import Organisation
from market.choices import BrokerRole, ContractCategory, DealStatus, FeeBasis, InquiryStatus, PaymentMethod
from market.models.listings import MONEY, Demand, Listing
from market.querysets import DealQuerySet, InquiryQuerySet


@pghistory.track()
class Inquiry(models.Model):
    """A buyer's interest in a listing, or a seller's answer to a demand: a private thread between the
    two organisations (and their brokers) that may become a deal."""

    listing = models.ForeignKey(
        Listing,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("listing"),
    )
    demand = models.ForeignKey(
        Demand,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("demand"),
    )
    seller = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("seller")
    )
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    subject = limits.single_line_field(_("subject"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=InquiryStatus.choices, default=InquiryStatus.OPEN
    )
    closed_reason = limits.bounded_text_field(
        _("why it was closed"), max_length=limits.REASON_MAX_LENGTH, blank=True
    )
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ("-last_message_at", "-pk")
        indexes = [
            models.Index(fields=["seller", "status"], name="market_inquiry_seller"),
            models.Index(fields=["buyer", "status"], name="market_inquiry_buyer"),
        ]
        constraints = [
            limits.length_constraint("closed_reason", limits.REASON_MAX_LENGTH),
            models.CheckConstraint(
                condition=Q(listing__isnull=False, demand__isnull=True)
                | Q(listing__isnull=True, demand__isnull=False),
                name="%(app_label)s_%(class)s_one_subject",
            ),
            models.CheckConstraint(
                condition=~Q(seller=models.F("buyer")), name="%(app_label)s_%(class)s_two_parties"
            ),
            models.UniqueConstraint(
                fields=["listing", "buyer"],
                condition=Q(status="open", listing__isnull=False),
                name="%(app_label)s_%(class)s_one_open_per_listing_buyer",
            ),
            models.UniqueConstraint(
                fields=["demand", "seller"],
                condition=Q(status="open", demand__isnull=False),
                name="%(app_label)s_%(class)s_one_open_per_demand_seller",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


def message_upload_to(instance, filename: str) -> str:
    """``market/messages/<inquiry>/<generated name>``: never the name the uploader gave."""
    return f"market/messages/{instance.inquiry_id}/{uploads.generated_file_name(filename)}"


class InquiryMessage(models.Model):
    """One message in an inquiry thread, optionally with an attachment. Messages are never edited."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = limits.bounded_text_field(_("message"), max_length=limits.MESSAGE_MAX_LENGTH)
    attachment = models.FileField(_("attachment"), upload_to=message_upload_to, blank=True)
    attachment_name = limits.single_line_field(_("attachment name"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=["inquiry", "created_at"], name="market_message_inquiry")]
        constraints = [limits.length_constraint("body", limits.MESSAGE_MAX_LENGTH)]

    def __str__(self) -> str:
        return f"{self.inquiry_id}: {self.body[:30]}"


@pghistory.track()
class Deal(models.Model):
    """A negotiated deal (交易): the agreed terms, signed when both parties have confirmed them, then
    registered as a technology contract (认定登记) and, once performed, closed.

    open (negotiating) → agreed → submitted → registered / rejected (→ submitted again) → performed;
    cancelled before signing.
    """

    inquiry = models.OneToOneField(
        Inquiry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deal",
        verbose_name=_("inquiry"),
    )
    listing = models.ForeignKey(
        Listing,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("listing"),
    )
    demand = models.ForeignKey(
        Demand,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("demand"),
    )
    seller = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="deals_sold", verbose_name=_("seller")
    )
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="deals_bought", verbose_name=_("buyer")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DealStatus.choices, default=DealStatus.NEGOTIATING
    )
    title = limits.single_line_field(_("project name"), max_length=200)
    transaction_mode = models.CharField(_("transaction mode"), max_length=24, choices=CooperationMode.choices)
    contract_category = models.CharField(
        _("contract category"), max_length=12, choices=ContractCategory.choices
    )
    amount = models.DecimalField(_("agreed amount (yuan)"), **MONEY)
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices)
    terms = limits.bounded_text_field(_("main terms"), max_length=limits.DETAIL_MAX_LENGTH, blank=True)
    disclose_amount = models.BooleanField(
        _("the parties agree to disclose the amount"),
        default=False,
        help_text=_("The amount appears on the public disclosure board only with both parties' consent."),
    )
    # Bumped by every change of the terms: a confirmation names the version it saw, so terms changed
    # after a party looked at them are never signed on that party's behalf.
    terms_version = models.PositiveIntegerField(_("version of the terms"), default=1, editable=False)
    seller_confirmed_at = models.DateTimeField(_("seller confirmed at"), null=True, blank=True)
    buyer_confirmed_at = models.DateTimeField(_("buyer confirmed at"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True, validators=[validate_not_in_future])
    performed_on = models.DateField(
        _("performed on"), null=True, blank=True, validators=[validate_not_in_future]
    )
    cancelled_reason = limits.bounded_text_field(
        _("why it was cancelled"), max_length=limits.REASON_MAX_LENGTH, blank=True
    )
    # The listing this deal holds alone: set when a deal on a listing whose transaction mode allows one
    # deal (policies.takes_one_deal: 转让, 独占许可, 排他许可, 作价投资) is signed, cleared when the signed
    # deal ends (cancelled). The listing's mode cannot be part of a constraint on this table, so the
    # claim is a column of its own, unique: the database itself refuses a second sale.
    exclusive_listing = models.ForeignKey(
        Listing,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("listing held alone"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ("-updated_at", "-pk")
        indexes = [
            models.Index(fields=["seller", "status"], name="market_deal_seller"),
            models.Index(fields=["buyer", "status"], name="market_deal_buyer"),
            models.Index(fields=["status", "-updated_at"], name="market_deal_status"),
        ]
        constraints = [
            limits.length_constraint("terms", limits.DETAIL_MAX_LENGTH),
            limits.length_constraint("cancelled_reason", limits.REASON_MAX_LENGTH),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(seller=models.F("buyer")), name="%(app_label)s_%(class)s_two_parties"
            ),
            # One signed deal per listing whose mode sells or licenses the technology to one party.
            models.UniqueConstraint(
                fields=["exclusive_listing"], name="%(app_label)s_%(class)s_one_signed_per_exclusive_listing"
            ),
            # Only a signed deal that has not ended holds a listing, and only its own.
            models.CheckConstraint(
                condition=Q(exclusive_listing__isnull=True)
                | (Q(exclusive_listing=models.F("listing")) & ~Q(status__in=("negotiating", "cancelled"))),
                name="%(app_label)s_%(class)s_exclusive_listing_signed",
            ),
        ]

    def __str__(self) -> str:
        return self.title


@pghistory.track()
class DealBroker(models.Model):
    """A broker (技术经纪人) engaged on a deal, with a role and a commission agreement (DOMAIN §5)."""

    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="broker_engagements", verbose_name=_("deal")
    )
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deal_engagements",
        verbose_name=_("broker"),
    )
    agency = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("broker's agency")
    )
    engaged_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("engaged by (party)")
    )
    role = models.CharField(_("role"), max_length=20, choices=BrokerRole.choices)
    fee_basis = models.CharField(_("fee basis"), max_length=20, choices=FeeBasis.choices)
    rate_percent = models.DecimalField(
        _("rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    fee_amount = models.DecimalField(_("fixed fee (yuan)"), null=True, blank=True, **MONEY)
    agreement = limits.bounded_text_field(
        _("commission agreement"), max_length=limits.DETAIL_MAX_LENGTH, blank=True
    )
    created_at = models.DateTimeField(_("engaged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("broker engagement")
        verbose_name_plural = _("broker engagements")
        ordering = ("pk",)
        constraints = [
            limits.length_constraint("agreement", limits.DETAIL_MAX_LENGTH),
            models.UniqueConstraint(fields=["deal", "broker"], name="%(app_label)s_%(class)s_once_per_deal"),
        ]

    def __str__(self) -> str:
        return f"{self.broker} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.fee_basis == FeeBasis.FIXED and self.fee_amount is None:
            raise ValidationError({"fee_amount": _("Give the fixed fee.")})
        if self.fee_basis != FeeBasis.FIXED and self.rate_percent is None:
            raise ValidationError({"rate_percent": _("Give the commission rate.")})
