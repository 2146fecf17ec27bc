"""Input and output serializers of the achievement-filing API.

Output serializers read what the selectors joined or prefetched, so a page of achievements costs the
same number of queries as one. What a reader may see of a row (the restricted detail text, the
reasons for a return) is decided by the django-rules permissions the pages use too; those read the
actor's roles, which are cached on the user, so they cost no query per row either. Input serializers
translate codes and ids into objects; the rules live in the services and the models.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from achievements.actions import ACHIEVEMENT_ACTIONS, ATTACHMENT_ACTIONS, IP_ASSET_ACTIONS
from achievements.choices import (
    ACHIEVEMENT_COOPERATION_MODES,
    AchievementStage,
    AchievementStatus,
    AchievementType,
    CooperationMode,
    DetailVisibility,
    IPKind,
    IPStatus,
    OwnerKind,
    PriceType,
    SecrecyStatus,
)
from achievements.models import Achievement, Attachment
from core import limits
from core.api.fields import ActionsField
from core.validators import validate_not_in_future, validate_single_line, validate_text
from institutions.api.serializers import (
    ClassificationReferenceSerializer,
    OrganisationReferenceSerializer,
    RegionReferenceSerializer,
)
from institutions.choices import ClassificationScheme
from institutions.models import Classification, Organisation, Region

# The nine GB/T 22900 levels, read once per process: they are reference data that changes only with a
# new standard (and a deployment). Names are kept whole so that labels follow the request's language.
_trl_levels: dict[int, Classification] = {}


def trl_level(value: int | None) -> Classification | None:
    """The TRL classification entry for a level, from a per-process cache (no query per row)."""
    if value is None:
        return None
    if not _trl_levels:
        _trl_levels.update(
            {
                int(level.code): level
                for level in Classification.objects.filter(scheme=ClassificationScheme.TRL, is_current=True)
            }
        )
    return _trl_levels.get(value)


def _classifications(scheme: str):
    return Classification.objects.filter(scheme=scheme, is_current=True)


# --- parts of an achievement ------------------------------------------------------------------


class CooperationModeSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ACHIEVEMENT_COOPERATION_MODES, read_only=True)
    label = serializers.CharField(read_only=True)


class OwnerSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OwnerKind.choices, read_only=True)
    organisation = OrganisationReferenceSerializer(
        read_only=True, allow_null=True, help_text="The organisation on the platform; null for other owners."
    )
    name = serializers.CharField(
        source="display_name", read_only=True, help_text="The owner's name, whatever kind of owner it is."
    )
    credit_code = serializers.CharField(
        read_only=True, help_text="Of an organisation not on the platform; empty for other owners."
    )
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)


class ContributorSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    affiliation = serializers.CharField(read_only=True)
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True, allow_null=True)
    position = serializers.IntegerField(read_only=True)


class IPAssetSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=IPKind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    number = serializers.CharField(
        read_only=True, help_text="Patent numbers in canonical form, e.g. `ZL202310123456.6`."
    )
    title = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=IPStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    granted_on = serializers.DateField(read_only=True, allow_null=True)
    actions = ActionsField(IP_ASSET_ACTIONS)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    size = serializers.IntegerField(read_only=True, help_text="In bytes.")
    type = serializers.CharField(
        source="content_type", read_only=True, help_text="The type read from the file's content."
    )
    url = serializers.SerializerMethodField(
        help_text="Download address; the file is served to those who may read the achievement's detail."
    )
    uploaded_at = serializers.DateTimeField(read_only=True)
    actions = ActionsField(ATTACHMENT_ACTIONS)

    def get_url(self, attachment: Attachment) -> str:
        path = reverse("api:attachment-detail", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


# --- achievements -----------------------------------------------------------------------------


class AchievementSerializer(serializers.Serializer):
    """An achievement as the database lists it (the public teaser and its facts)."""

    id = serializers.IntegerField(read_only=True)
    filing_number = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Assigned on publication: region code (6) + year (4) + serial (5).",
    )
    status = serializers.ChoiceField(choices=AchievementStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)
    technology_field = ClassificationReferenceSerializer(read_only=True, allow_null=True)
    industry = ClassificationReferenceSerializer(read_only=True, allow_null=True)
    strategic_industry = ClassificationReferenceSerializer(read_only=True, allow_null=True)
    trl = serializers.IntegerField(read_only=True, allow_null=True, help_text="1–9 (GB/T 22900-2022).")
    trl_label = serializers.SerializerMethodField()
    stage = serializers.ChoiceField(choices=AchievementStage.choices, allow_blank=True, read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    achievement_type = serializers.ChoiceField(choices=AchievementType.choices, read_only=True)
    achievement_type_label = serializers.CharField(source="get_achievement_type_display", read_only=True)
    funding_programme = serializers.CharField(read_only=True)
    project_number = serializers.CharField(read_only=True)
    funding_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True, help_text="Yuan."
    )
    completed_on = serializers.DateField(read_only=True, allow_null=True)
    cooperation_modes = serializers.SerializerMethodField()
    price_type = serializers.ChoiceField(choices=PriceType.choices, read_only=True)
    price_type_label = serializers.CharField(source="get_price_type_display", read_only=True)
    indicative_price = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True, help_text="Yuan."
    )
    region = RegionReferenceSerializer(read_only=True)
    filing_institution = OrganisationReferenceSerializer(read_only=True)
    is_dual_use = serializers.BooleanField(read_only=True)
    secrecy_status = serializers.ChoiceField(choices=SecrecyStatus.choices, read_only=True)
    secrecy_status_label = serializers.CharField(source="get_secrecy_status_display", read_only=True)
    owners = OwnerSerializer(many=True, read_only=True)
    contributors = ContributorSerializer(many=True, read_only=True)
    ip_assets = IPAssetSerializer(many=True, read_only=True)
    return_reason = serializers.SerializerMethodField(
        help_text="Why the filing was returned; only for the filing institution and the reviewing officials."
    )
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reviewed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    actions = ActionsField(ACHIEVEMENT_ACTIONS)

    def _user(self):
        request = self.context.get("request")
        return request.user if request is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_trl_label(self, achievement: Achievement) -> str | None:
        level = trl_level(achievement.trl)
        return level.label if level is not None else None

    @extend_schema_field(CooperationModeSerializer(many=True))
    def get_cooperation_modes(self, achievement: Achievement) -> list[dict]:
        return [
            {"code": code, "label": CooperationMode(code).label} for code in achievement.cooperation_modes
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_return_reason(self, achievement: Achievement) -> str | None:
        user = self._user()
        if user is None:
            return None
        if user.has_perm("achievements.change_achievement", achievement) or user.has_perm(
            "achievements.review_achievement", achievement
        ):
            return achievement.return_reason
        return None


class AchievementDetailSerializer(AchievementSerializer):
    """One achievement: the full record, with the detail text for those who may read it."""

    detail = serializers.SerializerMethodField(
        help_text="The full description; null when `detail_restricted` (sign in, or as an enterprise user)."
    )
    detail_restricted = serializers.SerializerMethodField()
    detail_visibility = serializers.ChoiceField(choices=DetailVisibility.choices, read_only=True)
    detail_visibility_label = serializers.CharField(source="get_detail_visibility_display", read_only=True)
    publish_on_approval = serializers.BooleanField(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    def _may_read_detail(self, achievement: Achievement) -> bool:
        user = self._user()
        return user is not None and user.has_perm("achievements.view_achievement_detail", achievement)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_detail(self, achievement: Achievement) -> str | None:
        return achievement.detail if self._may_read_detail(achievement) else None

    def get_detail_restricted(self, achievement: Achievement) -> bool:
        return not self._may_read_detail(achievement)


class AchievementReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    filing_number = serializers.CharField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=AchievementStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    filing_institution = OrganisationReferenceSerializer(read_only=True)


class PossibleDuplicateSerializer(serializers.Serializer):
    achievement = AchievementReferenceSerializer(
        read_only=True,
        allow_null=True,
        help_text="Null for a filing that is not public and not yours to see: it exists, but stays private.",
    )
    reason = serializers.ChoiceField(
        choices=[("patent", _("Same patent number")), ("title", _("Near-identical title"))], read_only=True
    )
    similarity = serializers.FloatField(read_only=True, help_text="0–1; 1 for the same patent number.")


# --- input ------------------------------------------------------------------------------------


class OwnerInputSerializer(serializers.Serializer):
    """An owner: an organisation on the platform by id (``kind`` may be left out), an organisation not on
    the platform by ``name`` and ``credit_code``, or a person by ``name``. The service checks the rest."""

    kind = serializers.ChoiceField(
        choices=OwnerKind.choices,
        required=False,
        help_text="`organisation` when left out and an organisation id is given.",
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of the owning organisation on the platform.",
        error_messages={"does_not_exist": _("There is no organisation with the id {pk_value}.")},
    )
    name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Full name of an organisation not on the platform, or of a person.",
    )
    credit_code = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="Unified social credit code of an organisation not on the platform.",
    )
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=2)

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("kind"):
            if attrs.get("organisation") is None and not attrs.get("name"):
                # The old shape (an organisation id only): say so next to the field, as before.
                raise serializers.ValidationError({"organisation": [_("This field is required.")]})
            attrs["kind"] = (
                OwnerKind.ORGANISATION
                if attrs.get("organisation") is not None
                else OwnerKind.EXTERNAL_ORGANISATION
                if attrs.get("credit_code")
                else OwnerKind.PERSON
            )
        return attrs


class ContributorInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, validators=[validate_single_line])
    affiliation = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", validators=[validate_single_line]
    )
    share_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
    )


class AchievementInputSerializer(serializers.Serializer):
    """What may be sent to edit an achievement: only the fields sent change; codes and ids stand for
    related objects. ``owners`` and ``contributors``, when sent, replace the lists as a whole.

    Edits are validated as a whole, not as DRF's ``partial``, which would skip the required fields of
    each owner and contributor too.
    """

    title = serializers.CharField(max_length=200, required=False, validators=[validate_single_line])
    summary = serializers.CharField(
        max_length=limits.SUMMARY_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        help_text="The public teaser, shown to everyone.",
    )
    detail = serializers.CharField(
        max_length=limits.DETAIL_MAX_LENGTH, validators=[validate_text], required=False, allow_blank=True
    )
    detail_visibility = serializers.ChoiceField(choices=DetailVisibility.choices, required=False)
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=30, validators=[validate_single_line]),
        required=False,
        allow_empty=True,
    )
    technology_field = serializers.SlugRelatedField(
        slug_field="code",
        queryset=_classifications(ClassificationScheme.TECHNOLOGY_FIELD),
        required=False,
        allow_null=True,
        help_text="Technology-field code (技术领域), e.g. `03`.",
        error_messages={"does_not_exist": _("There is no technology field with the code {value}.")},
    )
    industry = serializers.SlugRelatedField(
        slug_field="code",
        queryset=_classifications(ClassificationScheme.INDUSTRY),
        required=False,
        allow_null=True,
        help_text="GB/T 4754 section letter, e.g. `C`.",
        error_messages={"does_not_exist": _("There is no industry with the code {value}.")},
    )
    strategic_industry = serializers.SlugRelatedField(
        slug_field="code",
        queryset=_classifications(ClassificationScheme.STRATEGIC_INDUSTRY),
        required=False,
        allow_null=True,
        help_text="Strategic emerging industry code, e.g. `3`.",
        error_messages={
            "does_not_exist": _("There is no strategic emerging industry with the code {value}.")
        },
    )
    trl = serializers.IntegerField(min_value=1, max_value=9, required=False, allow_null=True)
    stage = serializers.ChoiceField(choices=AchievementStage.choices, required=False, allow_blank=True)
    achievement_type = serializers.ChoiceField(choices=AchievementType.choices, required=False)
    funding_programme = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validate_single_line]
    )
    project_number = serializers.CharField(
        max_length=100, required=False, allow_blank=True, validators=[validate_single_line]
    )
    funding_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, help_text="Yuan."
    )
    completed_on = serializers.DateField(required=False, allow_null=True, validators=[validate_not_in_future])
    cooperation_modes = serializers.ListField(
        child=serializers.ChoiceField(choices=ACHIEVEMENT_COOPERATION_MODES), required=False, allow_empty=True
    )
    price_type = serializers.ChoiceField(choices=PriceType.choices, required=False)
    indicative_price = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, help_text="Yuan."
    )
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.home(),
        required=False,
        help_text="GB/T 2260 region code; the filing institution's region when left out.",
        error_messages={
            "does_not_exist": _("There is no region in the platform's province with the code {pk_value}.")
        },
    )
    is_dual_use = serializers.BooleanField(required=False)
    secrecy_status = serializers.ChoiceField(choices=SecrecyStatus.choices, required=False)
    publish_on_approval = serializers.BooleanField(required=False)
    owners = OwnerInputSerializer(many=True, required=False, help_text="Shares must add up to 100.")
    contributors = ContributorInputSerializer(many=True, required=False)


class AchievementInstitutionInputSerializer(serializers.Serializer):
    institution = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.active(),
        help_text="Id of the filing institution; you must work for it or be its linked partner system.",
        error_messages={"does_not_exist": _("There is no active organisation with the id {pk_value}.")},
    )


class AchievementCreateInputSerializer(AchievementInstitutionInputSerializer, AchievementInputSerializer):
    """What may be sent to file an achievement: a title and a summary at least."""

    title = serializers.CharField(max_length=200, validators=[validate_single_line])
    summary = serializers.CharField(
        max_length=limits.SUMMARY_MAX_LENGTH,
        validators=[validate_text],
        help_text="The public teaser, shown to everyone.",
    )


class ReturnInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        allow_blank=True,
        default="",
        help_text="What must be changed before the filing can be approved (required).",
    )


class DuplicateCheckInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True, validators=[validate_single_line])
    patent_numbers = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list, max_length=50
    )
    exclude = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Id of the filing being edited."
    )


class IPAssetInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IPKind.choices)
    number = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="Patent application number such as ZL202310123456.6, or the registration number.",
    )
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validate_single_line]
    )
    status = serializers.ChoiceField(choices=IPStatus.choices, required=False)
    granted_on = serializers.DateField(required=False, allow_null=True, validators=[validate_not_in_future])


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="PDF, PNG, JPEG or an Office document; the type is read from the content."
    )
