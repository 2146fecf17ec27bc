"""Input and output serializers of the listings API (挂牌, 公示, 异议).

Output serializers read what the selectors joined, prefetched or annotated (the seller, the brokers,
the open-objection count), so a page of listings costs the same number of queries as one. Input
serializers translate ids and codes into objects; the rules live in the services and the model.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from achievements.choices import CooperationMode
from achievements.models import Achievement
from core import limits
from core.api.fields import ActionsField
from core.validators import validate_phone, validate_single_line, validate_text
from institutions.api.serializers import (
    ClassificationReferenceSerializer,
    OrganisationReferenceSerializer,
    RegionReferenceSerializer,
)
from institutions.choices import ClassificationScheme, MembershipRole
from institutions.models import Classification, Organisation
from market import actions as action_sets
from market import policies
from market.choices import ListingStatus, ObjectionStatus, PricingMethod
from market.models import Listing


class ListingPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class ListingAchievementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    filing_number = serializers.CharField(read_only=True, allow_null=True)


class ListingSerializer(serializers.Serializer):
    """A listing as the market shows it: the technology, its seller, its terms and its publicity."""

    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=ListingStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)
    technology_field = ClassificationReferenceSerializer(read_only=True, allow_null=True)
    trl = serializers.IntegerField(read_only=True, allow_null=True, help_text="1–9 (GB/T 22900-2022).")
    region = RegionReferenceSerializer(read_only=True)
    institution = OrganisationReferenceSerializer(read_only=True, help_text="The seller.")
    achievement = ListingAchievementSerializer(
        read_only=True, allow_null=True, help_text="The published achievement listed; null for a service."
    )
    transaction_mode = serializers.ChoiceField(choices=CooperationMode.choices, read_only=True)
    transaction_mode_label = serializers.CharField(source="get_transaction_mode_display", read_only=True)
    pricing_method = serializers.ChoiceField(choices=PricingMethod.choices, read_only=True)
    pricing_method_label = serializers.CharField(source="get_pricing_method_display", read_only=True)
    price = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Yuan: the fixed price, the lowest of a range or an auction's starting price.",
    )
    price_max = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True, help_text="Top of a range (yuan)."
    )
    listed_until = serializers.DateField(read_only=True)
    contact_name = serializers.CharField(read_only=True)
    contact_phone = serializers.CharField(read_only=True)
    contact_email = serializers.CharField(read_only=True)
    brokers = ListingPersonSerializer(many=True, read_only=True)
    publicity_days = serializers.IntegerField(read_only=True, allow_null=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    publicity_ends_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="The end of the publicity period (公示)."
    )
    status_reason = serializers.CharField(read_only=True)
    open_objection_count = serializers.IntegerField(read_only=True)
    signing_blocker = serializers.SerializerMethodField(
        help_text="Why no deal on the listing can be signed now; null when one can."
    )
    can_sign_now = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    actions = ActionsField(action_sets.LISTING_ACTIONS)

    def _blocker(self, listing: Listing) -> str | None:
        return policies.signing_blocker(
            listing_status=listing.status,
            publicity_ends_at=listing.publicity_ends_at,
            open_objections=getattr(listing, "open_objection_count", 0),
            now=timezone.now(),
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_signing_blocker(self, listing: Listing) -> str | None:
        return self._blocker(listing)

    def get_can_sign_now(self, listing: Listing) -> bool:
        return self._blocker(listing) is None


class ObjectionListingSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=ListingStatus.choices, read_only=True)
    institution = OrganisationReferenceSerializer(read_only=True)
    publicity_ends_at = serializers.DateTimeField(read_only=True, allow_null=True)


class ObjectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    listing = ObjectionListingSerializer(read_only=True)
    filed_by = ListingPersonSerializer(read_only=True)
    reasons = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=ObjectionStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    resolution = serializers.CharField(read_only=True)
    resolved_by = ListingPersonSerializer(read_only=True, allow_null=True)
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    actions = ActionsField(action_sets.OBJECTION_ACTIONS)


# --- input ------------------------------------------------------------------------------------


def _brokers():
    return User.objects.filter(memberships__role=MembershipRole.BROKER).distinct()


class ListingInputSerializer(serializers.Serializer):
    """The terms of a listing; only the fields sent change when editing a draft."""

    title = serializers.CharField(max_length=200, required=False, validators=[validate_single_line])
    summary = serializers.CharField(
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
    trl = serializers.IntegerField(min_value=1, max_value=9, required=False, allow_null=True)
    transaction_mode = serializers.ChoiceField(choices=CooperationMode.choices, required=False)
    pricing_method = serializers.ChoiceField(choices=PricingMethod.choices, required=False)
    price = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, help_text="Yuan."
    )
    price_max = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, help_text="Yuan."
    )
    listed_until = serializers.DateField(required=False)
    contact_name = serializers.CharField(max_length=50, required=False, validators=[validate_single_line])
    contact_phone = serializers.CharField(max_length=30, required=False, validators=[validate_phone])
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    brokers = serializers.PrimaryKeyRelatedField(
        queryset=_brokers(),
        many=True,
        required=False,
        help_text="User ids of registered technology brokers.",
    )


class ListingInstitutionInputSerializer(serializers.Serializer):
    institution = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True),
        help_text="Id of the seller: an institution you work for or your partner system is linked to.",
        error_messages={"does_not_exist": _("There is no organisation with the id {pk_value}.")},
    )


class ListingCreateInputSerializer(ListingInstitutionInputSerializer, ListingInputSerializer):
    """A new listing: from a published achievement of the institution, or standalone for a technical
    service or consulting offered by a technology-transfer institution."""

    achievement = serializers.PrimaryKeyRelatedField(
        queryset=Achievement.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of a published achievement of the institution; its facts are the defaults.",
        error_messages={"does_not_exist": _("There is no achievement with the id {pk_value}.")},
    )
    transaction_mode = serializers.ChoiceField(choices=CooperationMode.choices)
    pricing_method = serializers.ChoiceField(choices=PricingMethod.choices)
    listed_until = serializers.DateField()
    contact_name = serializers.CharField(max_length=50, validators=[validate_single_line])
    contact_phone = serializers.CharField(max_length=30, validators=[validate_phone])


class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when officials withdraw a listing.",
    )


class ObjectionInputSerializer(serializers.Serializer):
    reasons = serializers.CharField(
        max_length=limits.SUMMARY_MAX_LENGTH,
        validators=[validate_text],
        help_text="Why the listing should not go ahead; at least 10 characters.",
    )


class ResolveInputSerializer(serializers.Serializer):
    upheld = serializers.BooleanField(help_text="True withdraws the listing; false dismisses the objection.")
    resolution = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        help_text="The decision's reasons, told to the objector and the seller.",
    )
