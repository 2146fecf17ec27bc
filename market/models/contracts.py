"""Technology-contract registration (技术合同认定登记) and the disclosure of registered deals."""

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import limits, uploads
from core.validators import validate_not_in_future
from institutions.models import Organisation
from market.choices import (
    CONTRACT_IP_TYPES,
    ContractCategory,
    ContractSource,
    ContractStatus,
    ContractSubType,
    LicenceScope,
    NumberSource,
    PartyKind,
    PaymentMethod,
    RejectionReason,
)
from market.models.deals import Deal
from market.models.listings import MONEY, _technology_field
from market.querysets import ContractQuerySet


@pghistory.track()
class RegistrationRuleSet(models.Model):
    """A version of the registration rules (DOMAIN §2.1), in force from ``effective_from`` until the
    day before ``effective_to``. A contract is judged under the version in force on its reference date
    (the application date by default; ``MARKET_RULE_SET_REFERENCE_DATE``). Loaded from
    ``market/data/registration_rule_sets.json``."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = limits.single_line_field(_("name"), max_length=200)
    source = limits.single_line_field(_("source"), max_length=300)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until (exclusive)"), null=True, blank=True)
    decision_days = models.PositiveSmallIntegerField(
        _("days to decide"),
        null=True,
        blank=True,
        help_text=_("Empty: the MARKET_REGISTRATION_DECISION_DAYS setting applies."),
    )
    application_window_days = models.PositiveSmallIntegerField(
        _("days after signing to apply"), null=True, blank=True
    )
    categories = models.JSONField(_("registrable categories"), default=list)
    statistical_categories = models.JSONField(_("statistical category of each category"), default=dict)
    note = limits.bounded_text_field(_("note"), max_length=limits.REASON_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("registration rule set")
        verbose_name_plural = _("registration rule sets")
        ordering = ("-effective_from",)
        constraints = [
            limits.length_constraint("note", limits.REASON_MAX_LENGTH),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=models.F("effective_from")),
                name="%(app_label)s_%(class)s_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RegistrationSequence(models.Model):
    """The last serial a registration body gave in a year; drawn under a row lock."""

    registration_body = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration_body", "year"], name="%(app_label)s_%(class)s_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_body_id}/{self.year}: {self.last_serial}"


def contract_upload_to(instance, filename: str) -> str:
    """``market/contracts/<generated name>``: never the name the uploader gave (nor a deal's id, as most
    contracts are made off the platform)."""
    return f"market/contracts/{uploads.generated_file_name(filename)}"


# 国别代码 of China in the customs country table (the code list ``country`` in institutions' data).
CHINA_COUNTRY_CODE = "142"


# The categories whose contracts may seek tax exemption (技术开发、技术转让; 财税〔2016〕36号).
TAX_EXEMPT_CATEGORIES = frozenset({ContractCategory.DEVELOPMENT, ContractCategory.TRANSFER})

registration_number_validator = RegexValidator(r"^\d{16}$", _("A registration number has exactly 16 digits."))
country_code_validator = RegexValidator(r"^\d{3}$", _("A country code has exactly 3 digits."))
identity_number_validator = RegexValidator(
    r"^\d{17}[\dX]$", _("A resident identity number has 17 digits and a final digit or X.")
)
form_code_validator = RegexValidator(
    r"^[0-9A-Z]{1,4}$", _("A code of the form has 1 to 4 digits or capitals.")
)
national_number_validator = RegexValidator(
    r"^[0-9A-Za-z-]{1,30}$", _("A national system number has up to 30 letters, digits or hyphens.")
)


# The audit event recorded when someone reads a natural person's full identity number (personal data).
ID_NUMBER_REVEALED = "id_number.revealed"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    pghistory.ManualEvent(ID_NUMBER_REVEALED),
)
class ContractRegistration(models.Model):
    """The registration form (表号 JJ-001) of a technology contract, its handling by the registration
    body and, for a deal made on the platform, the disclosure (成交公示) of the registered deal.

    Any technology contract signed by a party in Sichuan may be registered: a deal on the platform
    pre-fills the form, but most contracts are negotiated elsewhere and opened directly by the applicant
    (the seller side), entered by a registrar from a paper application or imported. Each party is an
    organisation on the platform, one off it (anywhere in China), a foreign party or a natural person.
    The applicant submits the form with the signed contract; the registrar may correct the category and
    the technical transaction amount (技术交易额 = 合同金额 − 非技术性费用) before registering it with a
    16-digit number, or refuse it with a coded reason (未予登记). After performance the registrar
    records the certified technical income (核定技术性收入).
    """

    deal = models.OneToOneField(
        Deal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract",
        verbose_name=_("deal"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=10, choices=ContractSource.choices, default=ContractSource.DIRECT
    )
    # The seller-side organisation on the platform that applies (研究开发人, 让与人/许可人, 受托人, 培训人,
    # 中介人); empty only for a paper or imported registration of an applicant not on the platform.
    applicant = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract_applications",
        verbose_name=_("applicant"),
    )
    registration_body = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts_to_register",
        verbose_name=_("registration body"),
    )
    rule_set = models.ForeignKey(
        RegistrationRuleSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rules applied"),
    )
    project_name = limits.single_line_field(_("project name"), max_length=200)
    contract_category = models.CharField(
        _("contract category"), max_length=12, choices=ContractCategory.choices
    )
    sub_type = models.CharField(_("sub-type"), max_length=30, choices=ContractSubType.choices)
    licence_scope = models.CharField(
        _("licence scope"), max_length=10, choices=LicenceScope.choices, blank=True
    )
    signed_on = models.DateField(_("signed on"), validators=[validate_not_in_future])
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    contract_amount = models.DecimalField(_("contract amount (yuan)"), **MONEY)
    non_technical_amount = models.DecimalField(
        _("non-technical costs (yuan)"),
        default=0,
        help_text=_("Equipment, instruments, parts and materials; not part of the technical amount."),
        **MONEY,
    )
    technical_amount = models.DecimalField(
        _("technical transaction amount (yuan)"),
        help_text=_("Contract amount less non-technical costs, unless the registrar set it otherwise."),
        **MONEY,
    )
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices)
    ip_type = models.CharField(_("intellectual property"), max_length=20, choices=CONTRACT_IP_TYPES)
    technology_field = _technology_field()
    plan_category = models.CharField(
        _("plan category code (计划类别)"), max_length=4, blank=True, validators=[form_code_validator]
    )
    socio_economic_goal = models.CharField(
        _("socio-economic goal code (社会经济目标)"),
        max_length=4,
        blank=True,
        validators=[form_code_validator],
    )
    trade_subject = models.CharField(
        _("trading party code (交易主体)"), max_length=4, blank=True, validators=[form_code_validator]
    )
    expected_investment = models.DecimalField(
        _("expected new investment (yuan)"), null=True, blank=True, **MONEY
    )
    expected_output = models.DecimalField(_("expected new output (yuan)"), null=True, blank=True, **MONEY)
    # The applicant declares that a 技术开发 or 技术转让 contract seeks tax exemption: once registered, it
    # waits for a second check (复核) by another registrar (market.models.registration_lifecycle).
    tax_exemption_claimed = models.BooleanField(
        _("seeks tax exemption"),
        default=False,
        help_text=_(
            "Technology development and transfer contracts only: a second registrar checks the registration."
        ),
    )
    seller_kind = models.CharField(
        _("seller kind"), max_length=12, choices=PartyKind.choices, default=PartyKind.PLATFORM
    )
    seller_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seller on the platform"),
    )
    seller_name = limits.single_line_field(_("seller name"), max_length=200)
    seller_name_original = limits.single_line_field(
        _("seller name in the original language"), max_length=200, blank=True
    )
    seller_credit_code = models.CharField(_("seller credit code"), max_length=18, blank=True)
    seller_id_number = models.CharField(
        _("seller identity number"), max_length=18, blank=True, validators=[identity_number_validator]
    )
    seller_entity_type = models.CharField(_("seller legal-entity type code"), max_length=3)
    seller_country_code = models.CharField(_("seller country code"), max_length=3, default=CHINA_COUNTRY_CODE)
    seller_region_code = models.CharField(_("seller region code"), max_length=6, blank=True)
    buyer_kind = models.CharField(
        _("buyer kind"), max_length=12, choices=PartyKind.choices, default=PartyKind.PLATFORM
    )
    buyer_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("buyer on the platform"),
    )
    buyer_name = limits.single_line_field(_("buyer name"), max_length=200)
    buyer_name_original = limits.single_line_field(
        _("buyer name in the original language"), max_length=200, blank=True
    )
    buyer_credit_code = models.CharField(_("buyer credit code"), max_length=18, blank=True)
    buyer_id_number = models.CharField(
        _("buyer identity number"), max_length=18, blank=True, validators=[identity_number_validator]
    )
    buyer_entity_type = models.CharField(_("buyer legal-entity type code"), max_length=3)
    buyer_country_code = models.CharField(_("buyer country code"), max_length=3, default=CHINA_COUNTRY_CODE)
    buyer_region_code = models.CharField(_("buyer region code"), max_length=6, blank=True)
    contract_file = models.FileField(_("signed contract"), upload_to=contract_upload_to, blank=True)
    contract_file_name = limits.single_line_field(_("file name"), max_length=200, blank=True)
    # The contract's identity across registration bodies (``market.policies.duplicate_key``): set when
    # the form is submitted; unique among submitted and registered forms, so a contract registered once
    # cannot be registered again elsewhere, even by two submissions at the same moment.
    duplicate_key = models.CharField(_("duplicate-check key"), max_length=64, blank=True, editable=False)
    # Bumped by every change the applicant makes to the form: the registrar's decision names the version
    # the registrar reviewed, so a form changed after it was opened is never registered unseen.
    version = models.PositiveIntegerField(_("version of the form"), default=1, editable=False)

    # Who prepared the form and who last submitted it: they may not register or refuse it (separation
    # of duties), nor may a member of either party.
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    due_on = models.DateField(_("decision due"), null=True, blank=True)
    declared_category = models.CharField(
        _("category as declared"), max_length=12, choices=ContractCategory.choices, blank=True
    )
    declared_technical_amount = models.DecimalField(
        _("technical amount as declared"), null=True, blank=True, **MONEY
    )
    registrar = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrar"),
    )
    registrar_note = limits.bounded_text_field(
        _("registrar's note"), max_length=limits.REASON_MAX_LENGTH, blank=True
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    registration_number = models.CharField(
        _("registration number"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        validators=[registration_number_validator],
    )
    number_source = models.CharField(
        _("number assigned by"), max_length=10, choices=NumberSource.choices, blank=True
    )
    # Where the contract is also recorded in the national 技术合同管理与服务系统: its number there, kept
    # beside ours and never derived from it.
    national_number = models.CharField(
        _("number in the national system"), max_length=30, blank=True, validators=[national_number_validator]
    )
    rejected_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    rejection_reason = models.CharField(
        _("reason for refusal"), max_length=30, choices=RejectionReason.choices, blank=True
    )
    rejection_note = limits.bounded_text_field(
        _("explanation of the refusal"), max_length=limits.REASON_MAX_LENGTH, blank=True
    )
    disclosure_starts_on = models.DateField(_("disclosed from"), null=True, blank=True)
    disclosure_ends_on = models.DateField(_("disclosed until"), null=True, blank=True)
    certified_income = models.DecimalField(
        _("certified technical income (yuan)"), null=True, blank=True, **MONEY
    )
    certified_at = models.DateTimeField(_("income certified at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract registration")
        verbose_name_plural = _("contract registrations")
        ordering = ("-submitted_at", "-pk")
        indexes = [
            models.Index(fields=["registration_body", "due_on"], name="market_contract_queue"),
            # The board asks for periods ending today or later (few rows); the start is always past.
            models.Index(
                fields=["disclosure_ends_on", "disclosure_starts_on"], name="market_contract_disclosed"
            ),
            models.Index(fields=["-registered_at"], name="market_contract_registered"),
            models.Index(fields=["status", "registration_body"], name="market_contract_status"),
            models.Index(fields=["applicant", "status"], name="market_contract_applicant"),
        ]
        constraints = [
            limits.length_constraint("registrar_note", limits.REASON_MAX_LENGTH),
            limits.length_constraint("rejection_note", limits.REASON_MAX_LENGTH),
            models.CheckConstraint(
                condition=Q(contract_amount__gte=0)
                & Q(non_technical_amount__gte=0)
                & Q(non_technical_amount__lte=models.F("contract_amount")),
                name="%(app_label)s_%(class)s_amounts_consistent",
            ),
            models.CheckConstraint(
                condition=Q(technical_amount__gte=0) & Q(technical_amount__lte=models.F("contract_amount")),
                name="%(app_label)s_%(class)s_technical_amount_bounded",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(registration_number__isnull=True) | Q(registration_number__regex=r"^\d{16}$"),
                name="%(app_label)s_%(class)s_registration_number_16_digits",
            ),
            models.CheckConstraint(
                condition=Q(registration_number__isnull=True) | ~Q(number_source=""),
                name="%(app_label)s_%(class)s_number_has_source",
            ),
            models.CheckConstraint(
                condition=Q(source=ContractSource.DEAL, deal__isnull=False)
                | (~Q(source=ContractSource.DEAL) & Q(deal__isnull=True)),
                name="%(app_label)s_%(class)s_deal_iff_from_deal",
            ),
            models.UniqueConstraint(
                fields=["duplicate_key"],
                condition=Q(status__in=[ContractStatus.SUBMITTED, ContractStatus.REGISTERED])
                & ~Q(duplicate_key=""),
                name="market_contract_registered_once",
                violation_error_message=_("This contract is already submitted or registered."),
            ),
            models.CheckConstraint(
                condition=Q(seller_organisation__isnull=False) | ~Q(seller_kind=PartyKind.PLATFORM),
                name="%(app_label)s_%(class)s_seller_on_platform_linked",
            ),
            models.CheckConstraint(
                condition=Q(buyer_organisation__isnull=False) | ~Q(buyer_kind=PartyKind.PLATFORM),
                name="%(app_label)s_%(class)s_buyer_on_platform_linked",
            ),
        ]

    def __str__(self) -> str:
        return self.registration_number or self.project_name

    @property
    def party_organisation_ids(self) -> list[int]:
        """The organisations on the platform that are party to the contract (the applicant included)."""
        ids = (self.applicant_id, self.seller_organisation_id, self.buyer_organisation_id)
        return list(dict.fromkeys(pk for pk in ids if pk is not None))

    @property
    def is_corrected(self) -> bool:
        return bool(self.declared_category) and (
            self.declared_category != self.contract_category
            or self.declared_technical_amount != self.technical_amount
        )

    def clean(self) -> None:
        errors = {}
        amounts_known = self.non_technical_amount is not None and self.contract_amount is not None
        if amounts_known and self.non_technical_amount > self.contract_amount:
            errors["non_technical_amount"] = _("Non-technical costs cannot exceed the contract amount.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The contract cannot end before it starts.")
        if (
            self.tax_exemption_claimed
            and self.status in (ContractStatus.DRAFT, ContractStatus.REJECTED)
            and self.contract_category not in TAX_EXEMPT_CATEGORIES
        ):
            errors["tax_exemption_claimed"] = _(
                "Only technology development and technology transfer contracts may seek tax exemption."
            )
        if errors:
            raise ValidationError(errors)
