"""Regions, organisations, memberships and designations: the institution network (技术转移体系).

Jurisdiction follows GB/T 2260 codes: the province 510000 covers every code starting ``51``, a city
such as 510100 every code starting ``5101``, a county only itself (``Region.jurisdiction_prefix``).
"""

import pghistory
import pghistory.models
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import limits
from core.validators import validate_phone, validate_year_not_in_future
from institutions import identifiers, policies
from institutions.choices import (
    ClassificationScheme,
    DesignationLevel,
    DesignationStatus,
    MembershipRole,
    OrganisationKind,
    RegionLevel,
    ServiceType,
    TransferKind,
    TransferLevel,
)
from institutions.querysets import (
    AuditEventQuerySet,
    MembershipQuerySet,
    OrganisationQuerySet,
    RegionQuerySet,
)


class Region(models.Model):
    """An administrative division (行政区划, GB/T 2260) with its 6-digit code.

    Loaded from a dated code table (``institutions/data/regions_china.csv``); names change over
    time (郫县 → 郫都区), so rows carry ``valid_from`` / ``valid_to`` and are never hard-coded.
    """

    code = models.CharField(
        _("code"),
        max_length=6,
        primary_key=True,
        validators=[RegexValidator(r"^\d{6}$", _("A region code has exactly 6 digits."))],
    )
    name = limits.single_line_field(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["level", "code"], name="institutions_region_level")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=RegionLevel.PROVINCE) | Q(parent__isnull=False),
                name="%(app_label)s_%(class)s_parent_below_province",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def jurisdiction_prefix(self) -> str:
        """The code prefix shared by this region and everything under it."""
        return policies.jurisdiction_prefix(self.code) or self.code

    def covers(self, region_code: str) -> bool:
        return region_code.startswith(self.jurisdiction_prefix)


class Classification(models.Model):
    """One entry of a versioned taxonomy (DOMAIN.md §6): technology fields, industries, entity types.

    Loaded from data files that record their source and date.
    """

    scheme = models.CharField(_("scheme"), max_length=30, choices=ClassificationScheme.choices)
    version = models.CharField(_("version"), max_length=20)
    code = models.CharField(_("code"), max_length=20)
    name = limits.single_line_field(_("name"), max_length=100)
    name_en = limits.single_line_field(_("English name"), max_length=150, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_current = models.BooleanField(_("current version"), default=True)

    class Meta:
        ordering = ["scheme", "position", "code"]
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "version", "code"], name="%(app_label)s_%(class)s_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the active language (Chinese names are the source of truth)."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


def validate_credit_code(value: str) -> None:
    result = identifiers.check_credit_code(value)
    if result.error == "length":
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="credit_code_length",
            params={"count": len(result.code)},
        )
    if result.error == "format":
        raise ValidationError(
            _(
                "This is not a unified social credit code: it may use digits and capital letters "
                "except I, O, Z, S and V, and positions 3–8 must be a region code."
            ),
            code="credit_code_format",
        )
    if result.error == "checksum":
        raise ValidationError(
            _("The last character (check character) does not match; please check the code for typos."),
            code="credit_code_checksum",
        )
    if not result.organisation_code_valid:
        raise ValidationError(
            _(
                "The embedded organisation code (positions 9–17) fails its check digit; "
                "please check the code for typos."
            ),
            code="credit_code_organisation_code",
        )


@pghistory.track()
class Organisation(models.Model):
    """A legal entity on the platform (机构): university, institute, enterprise, transfer agency,
    government S&T department or contract registration body.

    Technology-transfer institutions (技术转移机构) also carry their level in the 省、市、县 network,
    their kind, the institution above them (``parent``, the 上下联动 link), the fields they serve and
    the GB/T 34670 services they offer. A university or institute names the transfer institution that
    transfers its results (``transfer_office``, e.g. 四川大学 → 四川大学技术转移中心); the office's page
    names the organisations it serves (依托单位).
    """

    name = limits.single_line_field(_("name"), max_length=200, unique=True)
    short_name = limits.single_line_field(_("short name"), max_length=50, blank=True)
    name_en = limits.single_line_field(_("English name"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_(
            "18 characters, as printed on the business licence or registration certificate (GB 32100-2015)."
        ),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    entity_type = models.ForeignKey(
        Classification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": ClassificationScheme.ENTITY_TYPE},
        verbose_name=_("legal-entity type"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("region")
    )
    address = limits.single_line_field(_("address"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_phone = models.CharField(
        _("office phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    introduction = limits.bounded_text_field(
        _("introduction"), max_length=limits.SUMMARY_MAX_LENGTH, blank=True
    )

    is_transfer_institution = models.BooleanField(_("technology-transfer institution"), default=False)
    transfer_level = models.CharField(
        _("network level"), max_length=10, choices=TransferLevel.choices, blank=True
    )
    transfer_kind = models.CharField(
        _("institution kind"), max_length=20, choices=TransferKind.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent institution"),
    )
    transfer_office = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="served_organisations",
        verbose_name=_("technology-transfer office"),
        help_text=_(
            "The technology-transfer institution that transfers this organisation's results, "
            "e.g. 四川大学技术转移中心 for 四川大学."
        ),
    )
    service_fields = models.ManyToManyField(
        Classification,
        through="OrganisationServiceField",
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": ClassificationScheme.TECHNOLOGY_FIELD},
        verbose_name=_("service fields"),
    )
    services = ArrayField(
        models.CharField(max_length=20, choices=ServiceType.choices),
        default=list,
        blank=True,
        verbose_name=_("services offered"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            # Jurisdiction filters are prefix matches on the region code (LIKE '5101%').
            models.Index(
                fields=["region"], name="institutions_org_region_pfx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["kind", "name"], name="institutions_org_kind"),
            models.Index(
                fields=["transfer_level", "transfer_kind"],
                name="institutions_org_transfer",
                condition=Q(is_transfer_institution=True),
            ),
        ]
        constraints = [
            limits.length_constraint("introduction", limits.SUMMARY_MAX_LENGTH),
            models.CheckConstraint(
                condition=Q(is_transfer_institution=False) | (~Q(transfer_level="") & ~Q(transfer_kind="")),
                name="%(app_label)s_%(class)s_transfer_fields_required",
            ),
            models.CheckConstraint(
                condition=Q(is_transfer_institution=True) | (Q(transfer_level="") & Q(transfer_kind="")),
                name="%(app_label)s_%(class)s_transfer_fields_only_for_institutions",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="%(app_label)s_%(class)s_not_own_parent"
            ),
            models.CheckConstraint(
                condition=~Q(transfer_office=models.F("pk")),
                name="%(app_label)s_%(class)s_not_own_transfer_office",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.is_transfer_institution:
            if not self.transfer_level:
                errors.setdefault("transfer_level", []).append(
                    _("Choose the network level of a technology-transfer institution.")
                )
            if not self.transfer_kind:
                errors.setdefault("transfer_kind", []).append(
                    _("Choose the kind of technology-transfer institution.")
                )
        else:
            self.transfer_level = ""
            self.transfer_kind = ""
            self.parent = None
        if self.parent_id is not None:
            if self.pk and self.parent_id == self.pk:
                errors.setdefault("parent", []).append(_("An institution cannot be its own parent."))
            elif not self.parent.is_transfer_institution:
                errors.setdefault("parent", []).append(
                    _("The parent must itself be a technology-transfer institution.")
                )
            elif self.pk and self.pk in self.parent.ancestor_ids():
                errors.setdefault("parent", []).append(
                    _("This parent would make a loop in the institution network.")
                )
        if self.transfer_office_id is not None:
            if self.pk and self.transfer_office_id == self.pk:
                errors.setdefault("transfer_office", []).append(
                    _("An organisation cannot be its own technology-transfer office.")
                )
            elif not self.transfer_office.is_transfer_institution:
                errors.setdefault("transfer_office", []).append(
                    _("The technology-transfer office must be a technology-transfer institution.")
                )
        if errors:
            raise ValidationError(errors)

    def ancestor_ids(self, *, limit: int = 10) -> list[int]:
        """Ids of the institutions above this one (the network is at most a few levels deep)."""
        ids: list[int] = []
        node = self.parent
        while node is not None and len(ids) < limit:
            ids.append(node.pk)
            node = node.parent
        return ids


@pghistory.track()
class OrganisationServiceField(models.Model):
    """A technology field an institution serves (服务领域); a model of its own so changes are audited."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    classification = models.ForeignKey(Classification, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("service field")
        verbose_name_plural = _("service fields")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "classification"], name="%(app_label)s_%(class)s_unique_field"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.classification_id}"


@pghistory.track()
class Membership(models.Model):
    """A user's role in an organisation (成员). An official is a member of a government S&T department,
    whose region is their jurisdiction; an enterprise user a member of an enterprise; and so on.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # Who granted the membership or its current role (separation of duties: never the member; for a
    # government department or registration body, an official of the department above or a platform
    # admin). Empty for memberships made before it was recorded and for the platform's own seeding.
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "role", "user_id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="%(app_label)s_%(class)s_unique_member"
            ),
        ]
        indexes = [models.Index(fields=["user", "role"], name="institutions_member_role")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    def clean(self) -> None:
        kind = self.organisation.kind if self.organisation_id else None
        official_kinds = {OrganisationKind.GOVERNMENT_DEPARTMENT, OrganisationKind.REGISTRATION_BODY}
        if self.role == MembershipRole.OFFICIAL and kind not in official_kinds:
            raise ValidationError(
                {"role": _("Officials must belong to a government S&T department or registration body.")}
            )


@pghistory.track()
class Designation(models.Model):
    """A demonstration-institution title (技术转移示范机构), national, provincial or city, with its
    life: applied → approved → active → warned → revoked. Every change is kept in the audit trail.

    National titles are decided by the Ministry (科学技术部) and only recorded here, so they carry the
    deciding body (``decided_by``) and its document number (文号); ``granted_by`` is the department
    that granted or recorded the title.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="designations", verbose_name=_("institution")
    )
    level = models.CharField(_("level"), max_length=10, choices=DesignationLevel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DesignationStatus.choices, default=DesignationStatus.ACTIVE
    )
    year_granted = models.PositiveSmallIntegerField(
        _("year granted"),
        validators=[MinValueValidator(policies.DESIGNATION_FIRST_YEAR), validate_year_not_in_future],
    )
    document_number = limits.single_line_field(_("document number"), max_length=100, blank=True)
    decided_by = limits.single_line_field(
        _("deciding body"),
        max_length=100,
        blank=True,
        help_text=_("The body that decided the title; required for national titles (e.g. 科学技术部)."),
    )
    granted_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations_granted",
        verbose_name=_("recorded by department"),
    )
    status_reason = limits.bounded_text_field(
        _("reason for the last status change"), max_length=limits.REASON_MAX_LENGTH, blank=True
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year_granted", "organisation_id"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            limits.length_constraint("status_reason", limits.REASON_MAX_LENGTH),
            models.UniqueConstraint(
                fields=["organisation", "level"],
                condition=~Q(status=DesignationStatus.REVOKED),
                name="%(app_label)s_%(class)s_one_live_per_level",
                violation_error_message=_("This institution already holds this designation."),
            ),
            models.CheckConstraint(
                condition=~Q(level=DesignationLevel.NATIONAL) | (~Q(decided_by="") & ~Q(document_number="")),
                name="%(app_label)s_%(class)s_national_decision_recorded",
                violation_error_message=_(
                    "A national title is recorded with the body that decided it and the document number."
                ),
            ),
        ]
        indexes = [models.Index(fields=["level", "status"], name="institutions_desig_status")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_level_display()} ({self.year_granted})"

    def clean(self) -> None:
        if self.organisation_id and not self.organisation.is_transfer_institution:
            raise ValidationError(
                _("Only technology-transfer institutions can be designated demonstration institutions.")
            )
        if self.level == DesignationLevel.NATIONAL:
            # The constraint says the same; these say it next to the fields that are missing.
            missing = {}
            if not self.decided_by.strip():
                missing["decided_by"] = _("A national title needs the body that decided it, e.g. 科学技术部.")
            if not self.document_number.strip():
                missing["document_number"] = _(
                    "A national title needs the number of the deciding document (文号)."
                )
            if missing:
                raise ValidationError(missing)


class AuditEvent(pghistory.models.Events):
    """One entry of the audit trail (审计日志), read across every tracked table.

    The event tables themselves are append-only (a trigger refuses UPDATE and DELETE); this proxy
    adds the request context the middleware records: who, from which address, in which request.
    """

    user = pghistory.ProxyField(
        "pgh_context__user",
        models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True),
    )
    ip = pghistory.ProxyField("pgh_context__ip", models.TextField(null=True))
    request_id = pghistory.ProxyField("pgh_context__request_id", models.TextField(null=True))
    url = pghistory.ProxyField("pgh_context__url", models.TextField(null=True))

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
