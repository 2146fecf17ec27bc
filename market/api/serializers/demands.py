"""Input and output serializers of the technology-demand API (技术需求).

Output serializers read what the selectors joined (enterprise, region, technology field), so a page
of demands costs the same queries as one. Input serializers translate codes and ids into objects; the
rules (deadline in the future, budget range, keywords) live in the services.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from achievements.choices import CooperationMode
from core import limits
from core.api.fields import ActionsField
from core.validators import validate_phone, validate_single_line, validate_text
from institutions.api.serializers import (
    ClassificationReferenceSerializer,
    OrganisationReferenceSerializer,
    RegionReferenceSerializer,
)
from institutions.choices import ClassificationScheme
from institutions.models import Classification, Organisation, Region
from market import actions as action_sets
from market.choices import DemandStatus

_MONEY = {"max_digits": 14, "decimal_places": 2}


class DemandSerializer(serializers.Serializer):
    """A demand as the board lists it."""

    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=DemandStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    title = serializers.CharField(read_only=True)
    problem = serializers.CharField(read_only=True, help_text="The problem to solve (难题).")
    expected_outcome = serializers.CharField(read_only=True)
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)
    technology_field = ClassificationReferenceSerializer(read_only=True, allow_null=True)
    industry = ClassificationReferenceSerializer(
        read_only=True, allow_null=True, help_text="GB/T 4754-2017 industry section."
    )
    required_trl = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Lowest readiness level wanted (1–9)."
    )
    budget_min = serializers.DecimalField(
        read_only=True,
        allow_null=True,
        help_text="Yuan; null with `budget_max` null means negotiable (面议).",
        **_MONEY,
    )
    budget_max = serializers.DecimalField(read_only=True, allow_null=True, help_text="Yuan.", **_MONEY)
    deadline = serializers.DateField(read_only=True, help_text="Answers are wanted by this day.")
    cooperation_mode = serializers.ChoiceField(choices=CooperationMode.choices, read_only=True)
    cooperation_mode_label = serializers.CharField(source="get_cooperation_mode_display", read_only=True)
    region = RegionReferenceSerializer(read_only=True)
    enterprise = OrganisationReferenceSerializer(read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    actions = ActionsField(action_sets.DEMAND_ACTIONS)


class DemandDetailSerializer(DemandSerializer):
    """One demand, with its contact and its review trail (the reason for a return is shown to the
    enterprise and the officials over it only)."""

    contact_name = serializers.CharField(read_only=True)
    contact_phone = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    return_reason = serializers.SerializerMethodField(
        help_text="Why the officials returned it; empty for readers outside the enterprise and the officials."
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_return_reason(self, demand) -> str:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return ""
        if user.has_perm("market.view_demand_review", demand):
            return demand.return_reason
        return ""


class DemandInputSerializer(serializers.Serializer):
    """What may be sent to edit a demand: only the fields sent change."""

    title = serializers.CharField(max_length=200, required=False, validators=[validate_single_line])
    problem = serializers.CharField(
        max_length=limits.SUMMARY_MAX_LENGTH, validators=[validate_text], required=False
    )
    expected_outcome = serializers.CharField(
        max_length=limits.SUMMARY_MAX_LENGTH, validators=[validate_text], required=False
    )
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=30, validators=[validate_single_line]),
        required=False,
        allow_empty=True,
    )
    technology_field = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Classification.objects.filter(scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True),
        required=False,
        allow_null=True,
        help_text="Technology-field code (技术领域), e.g. `03`.",
        error_messages={"does_not_exist": _("There is no technology field with the code {value}.")},
    )
    industry = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Classification.objects.filter(scheme=ClassificationScheme.INDUSTRY, is_current=True),
        required=False,
        allow_null=True,
        help_text="GB/T 4754-2017 industry section letter, e.g. `C` (制造业).",
        error_messages={"does_not_exist": _("There is no industry section with the code {value}.")},
    )
    required_trl = serializers.IntegerField(min_value=1, max_value=9, required=False, allow_null=True)
    budget_min = serializers.DecimalField(
        required=False, allow_null=True, min_value=0, help_text="Yuan.", **_MONEY
    )
    budget_max = serializers.DecimalField(
        required=False, allow_null=True, min_value=0, help_text="Yuan.", **_MONEY
    )
    deadline = serializers.DateField(required=False, help_text="Must be in the future.")
    cooperation_mode = serializers.ChoiceField(choices=CooperationMode.choices, required=False)
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.home(),
        required=False,
        help_text="GB/T 2260 region code; the enterprise's region when left out.",
        error_messages={
            "does_not_exist": _("There is no region in the platform's province with the code {pk_value}.")
        },
    )
    contact_name = serializers.CharField(max_length=50, required=False, validators=[validate_single_line])
    contact_phone = serializers.CharField(max_length=30, required=False, validators=[validate_phone])


class DemandEnterpriseInputSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.active(),
        help_text="Id of the enterprise posting the demand; you must work for it.",
        error_messages={"does_not_exist": _("There is no active organisation with the id {pk_value}.")},
    )


class DemandCreateInputSerializer(DemandEnterpriseInputSerializer, DemandInputSerializer):
    """What may be sent to post a demand (as a draft)."""

    title = serializers.CharField(max_length=200, validators=[validate_single_line])
    problem = serializers.CharField(max_length=limits.SUMMARY_MAX_LENGTH, validators=[validate_text])
    expected_outcome = serializers.CharField(max_length=limits.SUMMARY_MAX_LENGTH, validators=[validate_text])
    deadline = serializers.DateField(help_text="Must be in the future.")
    cooperation_mode = serializers.ChoiceField(choices=CooperationMode.choices)
    contact_name = serializers.CharField(max_length=50, validators=[validate_single_line])
    contact_phone = serializers.CharField(max_length=30, validators=[validate_phone])


class DemandReturnInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        allow_blank=True,
        default="",
        help_text="What must be changed before the demand can be published (required).",
    )


class DemandCloseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        allow_blank=True,
        default="",
        help_text="Why it is closed: optional for the enterprise, required for an official.",
    )
