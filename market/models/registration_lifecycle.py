"""What happens to a registered technology contract (技术合同认定登记, DOMAIN §2.3) after registration:
corrections (变更) by a registrar with their reason, cancellation (注销), the second check (复核) of a
contract claiming tax exemption, the certification of technical income per year of performance
(技术性收入核定) and the registration certificates (技术合同登记证明) with their verification codes."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import limits
from market.models.contracts import ContractRegistration
from market.models.listings import MONEY


class CancellationReason(models.TextChoices):
    """Why a registration is cancelled (注销)."""

    TERMINATED = "terminated", _("The contract was terminated or rescinded")
    NOT_TECHNOLOGY = "not_technology", _("Not a technology contract after all")
    FALSE_DECLARATION = "false_declaration", _("Registered on false or incomplete information")
    DUPLICATE = "duplicate", _("Registered twice")
    APPLICANT_REQUEST = "applicant_request", _("At the applicant's request")
    OTHER = "other", _("Other (explained in the note)")


class SecondCheckStatus(models.TextChoices):
    """The second check (复核) of a contract claiming tax exemption, by another registrar."""

    PENDING = "pending", _("Awaiting the second check")
    CONFIRMED = "confirmed", _("Confirmed by the second check")
    REFUSED = "refused", _("Refused by the second check")


class CertificateReason(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    CORRECTION = "correction", _("Correction")
    NATIONAL_NUMBER = "national_number", _("Number in the national system recorded")


@pghistory.track()
class ContractAmendment(models.Model):
    """A correction (变更) of a registered contract by a registrar of its body: what changed
    (``{field: [old, new]}``, values as text) and why."""

    contract = models.ForeignKey(
        ContractRegistration, on_delete=models.PROTECT, related_name="amendments", verbose_name=_("contract")
    )
    changes = models.JSONField(_("changes"), default=dict)
    reason = limits.bounded_text_field(_("reason"), max_length=limits.REASON_MAX_LENGTH)
    registrar = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrar")
    )
    created_at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract correction")
        verbose_name_plural = _("contract corrections")
        ordering = ("-created_at", "-pk")
        constraints = [
            limits.length_constraint("reason", limits.REASON_MAX_LENGTH),
            models.CheckConstraint(condition=~Q(reason=""), name="%(app_label)s_%(class)s_reason_given"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} @ {self.created_at:%Y-%m-%d}"


@pghistory.track()
class ContractCancellation(models.Model):
    """The cancellation (注销) of a registered contract: it no longer counts nor is disclosed."""

    contract = models.OneToOneField(
        ContractRegistration,
        on_delete=models.PROTECT,
        related_name="cancellation",
        verbose_name=_("contract"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=CancellationReason.choices)
    note = limits.bounded_text_field(_("note"), max_length=limits.REASON_MAX_LENGTH, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("cancelled by")
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract cancellation")
        verbose_name_plural = _("contract cancellations")
        constraints = [limits.length_constraint("note", limits.REASON_MAX_LENGTH)]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.reason}"


@pghistory.track()
class SecondCheck(models.Model):
    """The second check (复核) of a registered 技术开发/技术转让 contract whose applicant claims tax
    exemption: by a registrar of the body other than the one who registered it."""

    contract = models.OneToOneField(
        ContractRegistration,
        on_delete=models.PROTECT,
        related_name="second_check",
        verbose_name=_("contract"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SecondCheckStatus.choices, default=SecondCheckStatus.PENDING
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    note = limits.bounded_text_field(_("note"), max_length=limits.REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("second check")
        verbose_name_plural = _("second checks")
        indexes = [models.Index(fields=["status", "created_at"], name="market_second_check_queue")]
        constraints = [
            limits.length_constraint("note", limits.REASON_MAX_LENGTH),
            models.CheckConstraint(
                condition=Q(status=SecondCheckStatus.PENDING)
                | Q(checked_by__isnull=False, checked_at__isnull=False),
                name="%(app_label)s_%(class)s_decided_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.status}"


@pghistory.track()
class IncomeCertification(models.Model):
    """The technical income certified (技术性收入核定) for one year of a contract's performance."""

    contract = models.ForeignKey(
        ContractRegistration,
        on_delete=models.PROTECT,
        related_name="income_certifications",
        verbose_name=_("contract"),
    )
    year = models.PositiveSmallIntegerField(_("year of performance"))
    amount = models.DecimalField(_("certified technical income (yuan)"), **MONEY)
    performed_on = models.DateField(_("performed on"), null=True, blank=True)
    note = limits.bounded_text_field(_("note"), max_length=limits.REASON_MAX_LENGTH, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("certified by")
    )
    certified_at = models.DateTimeField(_("certified at"), auto_now_add=True)

    class Meta:
        verbose_name = _("income certification")
        verbose_name_plural = _("income certifications")
        ordering = ("year",)
        constraints = [
            limits.length_constraint("note", limits.REASON_MAX_LENGTH),
            models.UniqueConstraint(fields=["contract", "year"], name="%(app_label)s_%(class)s_one_per_year"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}/{self.year}: {self.amount}"


@pghistory.track()
class RegistrationCertificate(models.Model):
    """One issue of a contract's registration certificate (技术合同登记证明): at registration and again
    after each correction. ``code`` is the random verification code printed on it; ``snapshot`` what it
    prints; ``superseded_at`` when a later issue replaced it."""

    contract = models.ForeignKey(
        ContractRegistration,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("contract"),
    )
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    reason = models.CharField(_("issued for"), max_length=20, choices=CertificateReason.choices)
    snapshot = models.JSONField(_("what it prints"), default=dict)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration certificate")
        verbose_name_plural = _("registration certificates")
        ordering = ("-issued_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(superseded_at__isnull=True),
                name="%(app_label)s_%(class)s_one_current",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9A-Z]{16}$"), name="%(app_label)s_%(class)s_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        """The code as printed: four groups of four."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
