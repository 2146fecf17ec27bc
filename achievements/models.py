"""Research achievements filed by institutions (科技成果汇交): the supply side of the market.

An achievement moves draft → submitted → (returned → submitted …) → approved → published, or is
withdrawn; each move is one service. Published achievements get a platform filing number and appear
in the public database; their search text is segmented with jieba into a ``simple`` tsvector.
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from achievements import identifiers
from achievements.choices import (
    ACHIEVEMENT_COOPERATION_MODES,
    PATENT_KINDS,
    AchievementStage,
    AchievementStatus,
    AchievementType,
    CatalogueKind,
    CatalogueStatus,
    DetailVisibility,
    ImportStatus,
    IPKind,
    IPStatus,
    OwnerKind,
    PriceType,
    SecrecyStatus,
)
from achievements.querysets import AchievementQuerySet
from core import limits, uploads
from core.validators import validate_not_in_future
from institutions.choices import ClassificationScheme
from institutions.models import Classification, Organisation, Region, validate_credit_code


@pghistory.track()
class Achievement(models.Model):
    """A research achievement (科技成果) filed by a technology-transfer institution or its university."""

    filing_institution = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="achievements",
        verbose_name=_("filing institution"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="achievements_created",
        verbose_name=_("filed by"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AchievementStatus.choices, default=AchievementStatus.DRAFT
    )
    filing_number = models.CharField(
        _("filing number"),
        max_length=15,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Assigned on publication: region code (6) + year (4) + serial (5)."),
    )

    title = limits.single_line_field(_("title"), max_length=200)
    summary = limits.bounded_text_field(
        _("summary"),
        max_length=limits.SUMMARY_MAX_LENGTH,
        help_text=_("The public teaser, shown to everyone."),
    )
    detail = limits.bounded_text_field(_("detail"), max_length=limits.DETAIL_MAX_LENGTH, blank=True)
    detail_visibility = models.CharField(
        _("detail visible to"),
        max_length=12,
        choices=DetailVisibility.choices,
        default=DetailVisibility.SIGNED_IN,
    )
    keywords = ArrayField(
        limits.single_line_field(max_length=30), default=list, blank=True, verbose_name=_("keywords")
    )

    technology_field = models.ForeignKey(
        Classification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": ClassificationScheme.TECHNOLOGY_FIELD},
        verbose_name=_("technology field"),
    )
    industry = models.ForeignKey(
        Classification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": ClassificationScheme.INDUSTRY},
        verbose_name=_("industry (GB/T 4754)"),
    )
    strategic_industry = models.ForeignKey(
        Classification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"scheme": ClassificationScheme.STRATEGIC_INDUSTRY},
        verbose_name=_("strategic emerging industry"),
    )
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("1–9 (GB/T 22900-2022)."),
    )
    stage = models.CharField(_("stage"), max_length=10, choices=AchievementStage.choices, blank=True)
    achievement_type = models.CharField(
        _("achievement type"), max_length=12, choices=AchievementType.choices, default=AchievementType.APPLIED
    )

    funding_programme = limits.single_line_field(_("funding programme"), max_length=200, blank=True)
    project_number = limits.single_line_field(_("project number"), max_length=100, blank=True)
    funding_amount = models.DecimalField(
        _("funding amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    completed_on = models.DateField(
        _("completion date"), null=True, blank=True, validators=[validate_not_in_future]
    )

    cooperation_modes = ArrayField(
        models.CharField(max_length=20, choices=ACHIEVEMENT_COOPERATION_MODES),
        default=list,
        blank=True,
        verbose_name=_("cooperation modes offered"),
    )
    price_type = models.CharField(
        _("price"), max_length=12, choices=PriceType.choices, default=PriceType.NEGOTIABLE
    )
    indicative_price = models.DecimalField(
        _("indicative price (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="achievements", verbose_name=_("region")
    )

    is_dual_use = models.BooleanField(_("dual-use (军民两用)"), default=False)
    secrecy_status = models.CharField(
        _("secrecy status"),
        max_length=20,
        choices=SecrecyStatus.choices,
        default=SecrecyStatus.NEVER_CLASSIFIED,
    )
    publish_on_approval = models.BooleanField(_("publish as soon as approved"), default=True)

    return_reason = limits.bounded_text_field(
        _("reason for return"), max_length=limits.REASON_MAX_LENGTH, blank=True
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
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="achievements_reviewed",
        verbose_name=_("reviewed by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Derived for search: jieba-segmented title, keywords and summary, weighted A, B, C.
    search_vector = SearchVectorField(null=True, editable=False)
    # The segmented words the market's matching engine compares (segmentation.match_terms).
    match_terms = models.TextField(blank=True, editable=False)
    # The row of an Excel import this achievement came from, so that a re-upload adds nothing.
    import_key = models.CharField(max_length=64, blank=True, editable=False)

    objects = AchievementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        indexes = [
            GinIndex(fields=["search_vector"], name="achievements_search"),
            models.Index(fields=["status", "-published_at"], name="achievements_status"),
            models.Index(
                fields=["region"], name="achievements_region_pfx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["filing_institution", "status"], name="achievements_institution"),
            GinIndex(fields=["cooperation_modes"], name="achievements_modes"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9),
                name="%(app_label)s_%(class)s_trl_range",
            ),
            models.CheckConstraint(
                condition=~Q(status=AchievementStatus.PUBLISHED) | Q(filing_number__isnull=False),
                name="%(app_label)s_%(class)s_published_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(status=AchievementStatus.PUBLISHED)
                | ~Q(secrecy_status=SecrecyStatus.CLASSIFIED),
                name="%(app_label)s_%(class)s_classified_never_published",
            ),
            models.UniqueConstraint(
                fields=["filing_institution", "import_key"],
                condition=~Q(import_key=""),
                name="%(app_label)s_%(class)s_unique_import_row",
            ),
            limits.length_constraint("summary", limits.SUMMARY_MAX_LENGTH),
            limits.length_constraint("detail", limits.DETAIL_MAX_LENGTH),
            limits.length_constraint("return_reason", limits.REASON_MAX_LENGTH),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.price_type == PriceType.FIXED and self.indicative_price is None:
            errors.setdefault("indicative_price", []).append(
                _("Give the indicative price, or choose negotiable.")
            )
        if self.indicative_price is not None and self.indicative_price < 0:
            errors.setdefault("indicative_price", []).append(_("A price cannot be negative."))
        if self.funding_amount is not None and self.funding_amount < 0:
            errors.setdefault("funding_amount", []).append(_("An amount cannot be negative."))
        if self.secrecy_status != SecrecyStatus.NEVER_CLASSIFIED and not self.is_dual_use:
            errors.setdefault("secrecy_status", []).append(
                _("Only dual-use achievements can have been classified.")
            )
        limit = settings.ACHIEVEMENT_MAX_KEYWORDS
        if len(self.keywords) > limit:
            errors.setdefault("keywords", []).append(_("Give at most %(limit)d keywords.") % {"limit": limit})
        if errors:
            raise ValidationError(errors)

    @property
    def is_publishable(self) -> bool:
        """Only never-classified or declassified content may be published (plan clause （十二）)."""
        return self.secrecy_status != SecrecyStatus.CLASSIFIED


@pghistory.track()
class AchievementOwner(models.Model):
    """Who owns a share of the achievement (权属人; 混合所有制 shares add up to 100 %): exactly one of an
    organisation on the platform, an organisation not on it (its name and unified social credit code),
    or a person (their name). ``kind`` says which; a constraint keeps the other columns empty.
    """

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="owners")
    kind = models.CharField(
        _("kind of owner"), max_length=24, choices=OwnerKind.choices, default=OwnerKind.ORGANISATION
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="achievement_shares",
        null=True,
        blank=True,
        verbose_name=_("owner"),
    )
    name = limits.single_line_field(
        _("owner's name"),
        max_length=200,
        blank=True,
        help_text=_("The full name of an organisation not on the platform, or of a person."),
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("Of an organisation not on the platform (GB 32100-2015, 18 characters)."),
    )
    share_percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0.01), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["achievement_id", "-share_percent", "pk"]
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "organisation"], name="%(app_label)s_%(class)s_unique_owner"
            ),
            models.UniqueConstraint(
                fields=["achievement", "credit_code"],
                condition=Q(kind=OwnerKind.EXTERNAL_ORGANISATION),
                name="%(app_label)s_%(class)s_unique_external_owner",
            ),
            models.CheckConstraint(
                condition=Q(share_percent__gt=0, share_percent__lte=100),
                name="%(app_label)s_%(class)s_share_range",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=OwnerKind.ORGANISATION, organisation__isnull=False, name="", credit_code="")
                    | (
                        Q(kind=OwnerKind.EXTERNAL_ORGANISATION, organisation__isnull=True)
                        & ~Q(name="")
                        & ~Q(credit_code="")
                    )
                    | (Q(kind=OwnerKind.PERSON, organisation__isnull=True, credit_code="") & ~Q(name=""))
                ),
                name="%(app_label)s_%(class)s_exactly_one_owner",
                violation_error_message=_(
                    "An owner is exactly one of an organisation on the platform, an organisation not on "
                    "the platform (name and credit code) or a person (name)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} {self.share_percent}%"

    @property
    def display_name(self) -> str:
        """The owner's name whichever kind of owner it is (the organisation must be loaded with it)."""
        return self.organisation.name if self.organisation_id else self.name

    def clean(self) -> None:
        # Say which column is wrong for the kind chosen, rather than the constraint's one sentence.
        errors = {}
        if self.kind == OwnerKind.ORGANISATION:
            if self.organisation_id is None:
                errors["organisation"] = _("Choose the organisation on the platform.")
            if self.name or self.credit_code:
                errors["name"] = _(
                    "An organisation on the platform is recorded by its account; leave the name and "
                    "credit code empty."
                )
        else:
            if self.organisation_id is not None:
                errors["organisation"] = _("Only an organisation on the platform is chosen from the list.")
            if not self.name:
                errors["name"] = (
                    _("Give the person's full name.")
                    if self.kind == OwnerKind.PERSON
                    else _("Give the organisation's full registered name.")
                )
            if self.kind == OwnerKind.EXTERNAL_ORGANISATION and not self.credit_code:
                errors["credit_code"] = _(
                    "Give the unified social credit code of an organisation not on the platform."
                )
            if self.kind == OwnerKind.PERSON and self.credit_code:
                errors["credit_code"] = _("A person has no unified social credit code; leave it empty.")
        if errors:
            raise ValidationError(errors)


@pghistory.track()
class AchievementContributor(models.Model):
    """A person who made the achievement (完成人), with their contribution share."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="contributors")
    name = limits.single_line_field(_("name"), max_length=50)
    affiliation = limits.single_line_field(_("affiliation"), max_length=200, blank=True)
    share_percent = models.DecimalField(
        _("contribution (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        ordering = ["achievement_id", "position", "pk"]
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")

    def __str__(self) -> str:
        return self.name


def validate_ip_number(kind: str, number: str) -> str:
    """Checks a patent application number and returns it in canonical form; other kinds as given."""
    if kind not in PATENT_KINDS:
        return number.strip()
    result = identifiers.check_patent_number(number)
    if result.error == "format":
        raise ValidationError(
            {
                "number": _(
                    "This is not a Chinese patent application number: expected e.g. ZL202310123456.6 "
                    "(year, type, 7-digit serial, check character)."
                )
            },
            code="patent_number_format",
        )
    if result.error == "checksum":
        raise ValidationError(
            {
                "number": _(
                    "The check character after the dot does not match; please check the number for typos."
                )
            },
            code="patent_number_checksum",
        )
    expected = {
        IPKind.INVENTION_PATENT: "invention",
        IPKind.UTILITY_MODEL: "utility_model",
        IPKind.DESIGN_PATENT: "design",
    }[kind]
    if result.patent_type != expected:
        raise ValidationError(
            {"number": _("The type digit of this number does not match the kind of patent chosen.")},
            code="patent_number_type",
        )
    return result.number


@pghistory.track()
class IPAsset(models.Model):
    """An intellectual-property right behind an achievement (知识产权): patent, copyright, secret …"""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="ip_assets")
    kind = models.CharField(_("kind"), max_length=20, choices=IPKind.choices)
    number = limits.single_line_field(
        _("number"),
        max_length=40,
        blank=True,
        help_text=_("Patent application number such as ZL202310123456.6, or the registration number."),
    )
    title = limits.single_line_field(_("title"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=IPStatus.choices, default=IPStatus.GRANTED)
    granted_on = models.DateField(_("granted on"), null=True, blank=True, validators=[validate_not_in_future])

    class Meta:
        ordering = ["achievement_id", "kind", "pk"]
        verbose_name = _("IP asset")
        verbose_name_plural = _("IP assets")
        indexes = [models.Index(fields=["number"], name="achievements_ip_number")]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "kind", "number"],
                condition=~Q(number=""),
                name="%(app_label)s_%(class)s_unique_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number or self.title or self.get_kind_display()

    def clean(self) -> None:
        if self.kind in PATENT_KINDS and not self.number:
            raise ValidationError({"number": _("Give the patent application number.")})
        if self.number:
            self.number = validate_ip_number(self.kind, self.number)
            self._refuse_a_repeated_number()

    def _refuse_a_repeated_number(self) -> None:
        """Says in words what the unique constraint on (achievement, kind, number) would only name; the
        number is canonical by now, so ``202310123456.6`` and ``ZL202310123456.6`` are the same one.
        A field error here also keeps ``full_clean`` from reporting the constraint by its name."""
        if self.achievement_id is None:
            return
        listed = (
            IPAsset.objects.filter(achievement_id=self.achievement_id, kind=self.kind, number=self.number)
            .exclude(pk=self.pk)
            .exists()
        )
        if listed:
            raise ValidationError(
                {
                    "number": ValidationError(
                        _(
                            "%(kind)s %(number)s is already listed among this achievement's IP; "
                            "each number is listed once."
                        ),
                        code="ip_number_repeated",
                        params={"kind": self.get_kind_display(), "number": self.number},
                    )
                }
            )


def attachment_upload_to(instance, filename: str) -> str:
    """``achievements/2027/03/<generated name>``: never the name the uploader gave (``original_name``)."""
    return f"achievements/{timezone.now():%Y/%m}/{uploads.generated_file_name(filename)}"


def import_upload_to(instance, filename: str) -> str:
    return f"imports/{timezone.now():%Y/%m}/{uploads.generated_file_name(filename)}"


@pghistory.track()
class Attachment(models.Model):
    """A file attached to an achievement: PDF, image or office document, checked by its content."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_upload_to)
    original_name = limits.single_line_field(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["achievement_id", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


@pghistory.track()
class DualUseCatalogue(models.Model):
    """A dated edition of one of the two dual-use catalogues, gathered by officials (plan （十二）)."""

    kind = models.CharField(_("catalogue"), max_length=20, choices=CatalogueKind.choices)
    title = limits.single_line_field(_("title"), max_length=200)
    edition = limits.single_line_field(_("edition"), max_length=50, help_text=_("For example 2026年第一批."))
    introduction = limits.bounded_text_field(
        _("introduction"), max_length=limits.SUMMARY_MAX_LENGTH, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CatalogueStatus.choices, default=CatalogueStatus.DRAFT
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    achievements = models.ManyToManyField(
        Achievement, through="CatalogueEntry", related_name="catalogues", verbose_name=_("achievements")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("dual-use catalogue")
        verbose_name_plural = _("dual-use catalogues")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "edition"], name="%(app_label)s_%(class)s_unique_edition"
            ),
            models.CheckConstraint(
                condition=~Q(status=CatalogueStatus.PUBLISHED) | Q(published_on__isnull=False),
                name="%(app_label)s_%(class)s_published_has_date",
            ),
            limits.length_constraint("introduction", limits.SUMMARY_MAX_LENGTH),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.edition}）"


@pghistory.track()
class CatalogueEntry(models.Model):
    catalogue = models.ForeignKey(DualUseCatalogue, on_delete=models.CASCADE, related_name="entries")
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="catalogue_entries")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    note = limits.single_line_field(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["catalogue_id", "position", "pk"]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "achievement"], name="%(app_label)s_%(class)s_unique_entry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.catalogue_id} · {self.achievement_id}"


class FilingSequence(models.Model):
    """The last filing-number serial used per region and year; rows are locked while a number is drawn."""

    region_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year"], name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code}/{self.year}: {self.last_serial}"


class ImportBatch(models.Model):
    """An uploaded Excel file of achievements: checked row by row in Celery, then imported on confirmation."""

    institution = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to=import_upload_to)
    original_name = limits.single_line_field(_("file name"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    # [{"row": 3, "column": "标题", "field": "title", "message": "…"}, …]
    errors = models.JSONField(default=list, blank=True)
    # The checked rows, ready to import: [{"row": 2, "key": "…", "data": {...}}, …]
    rows = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.original_name

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
