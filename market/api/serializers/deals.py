"""Input and output serializers of the inquiries and deals API.

Output serializers read what the selectors joined, prefetched or annotated (the message count, the
listing's open objections), so a page costs as many queries as one row. Input serializers translate
ids into objects; the rules live in the services.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from achievements.choices import CooperationMode
from core import limits
from core.api.fields import ActionsField
from core.validators import validate_single_line, validate_text
from institutions.api.serializers import OrganisationReferenceSerializer
from institutions.models import Organisation
from market import actions as action_sets
from market.choices import BrokerRole, ContractCategory, DealStatus, FeeBasis, InquiryStatus, PaymentMethod
from market.models import Deal, DealBroker, Demand, Inquiry, InquiryMessage, Listing
from market.selectors import deals as selectors

User = get_user_model()


class SubjectReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class PersonReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)


# --- inquiries -------------------------------------------------------------------------------------


class InquirySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    subject = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=InquiryStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    listing = SubjectReferenceSerializer(read_only=True, allow_null=True)
    demand = SubjectReferenceSerializer(read_only=True, allow_null=True)
    seller = OrganisationReferenceSerializer(read_only=True)
    buyer = OrganisationReferenceSerializer(read_only=True)
    deal = serializers.SerializerMethodField(help_text="The deal it became, if any.")
    closed_reason = serializers.CharField(read_only=True)
    message_count = serializers.IntegerField(read_only=True, allow_null=True, default=None)
    last_message_at = serializers.DateTimeField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    actions = ActionsField(action_sets.INQUIRY_ACTIONS)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_deal(self, inquiry: Inquiry) -> int | None:
        deal = getattr(inquiry, "deal", None) if inquiry.status == InquiryStatus.CONVERTED else None
        return deal.pk if deal is not None else None


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    author = PersonReferenceSerializer(read_only=True)
    body = serializers.CharField(read_only=True)
    attachment = serializers.SerializerMethodField(help_text="The attached file, if any.")
    created_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "name": {"type": "string"},
                "type": {"type": "string"},
                "url": {"type": "string"},
            },
        }
    )
    def get_attachment(self, message: InquiryMessage) -> dict | None:
        if not message.attachment:
            return None
        path = reverse(
            "api:inquiry-message-attachment", kwargs={"pk": message.inquiry_id, "message_pk": message.pk}
        )
        request = self.context.get("request")
        return {
            "name": message.attachment_name,
            "type": message.attachment_type,
            "url": request.build_absolute_uri(path) if request is not None else path,
        }


class InquiryDetailSerializer(InquirySerializer):
    messages = MessageSerializer(many=True, read_only=True)


class InquiryCreateInputSerializer(serializers.Serializer):
    listing = serializers.PrimaryKeyRelatedField(
        queryset=Listing.objects.all(), required=False, allow_null=True, help_text="Inquire on this listing…"
    )
    demand = serializers.PrimaryKeyRelatedField(
        queryset=Demand.objects.all(), required=False, allow_null=True, help_text="…or answer this demand."
    )
    buyer = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="For a listing: the organisation you inquire for.",
    )
    seller = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="For a demand: the institution you answer for.",
    )
    offered_listing = serializers.PrimaryKeyRelatedField(
        queryset=Listing.objects.all(),
        required=False,
        allow_null=True,
        help_text="For a demand: a listing of your institution you offer.",
    )
    message = serializers.CharField(
        max_length=limits.MESSAGE_MAX_LENGTH,
        validators=[validate_text],
        help_text="The first message of the thread.",
    )

    def validate(self, attrs):
        if bool(attrs.get("listing")) == bool(attrs.get("demand")):
            raise serializers.ValidationError(_("Give either a listing or a demand."))
        if attrs.get("listing") and not attrs.get("buyer"):
            raise serializers.ValidationError({"buyer": _("Choose the organisation you inquire for.")})
        if attrs.get("demand") and not attrs.get("seller"):
            raise serializers.ValidationError({"seller": _("Choose the institution you answer for.")})
        return attrs


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=limits.MESSAGE_MAX_LENGTH, validators=[validate_text])
    attachment = serializers.FileField(
        required=False, help_text="PDF, PNG, JPEG or an Office document; the type is read from the content."
    )


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.REASON_MAX_LENGTH, validators=[validate_text])


class DealTermsInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, validators=[validate_single_line])
    transaction_mode = serializers.ChoiceField(choices=CooperationMode.choices, required=False)
    contract_category = serializers.ChoiceField(
        choices=ContractCategory.choices,
        required=False,
        help_text="Defaults to the category the transaction mode suggests.",
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    terms = serializers.CharField(
        max_length=limits.DETAIL_MAX_LENGTH, validators=[validate_text], required=False, allow_blank=True
    )
    disclose_amount = serializers.BooleanField(required=False)


class DealConfirmInputSerializer(serializers.Serializer):
    terms_version = serializers.IntegerField(
        min_value=1,
        help_text="The `terms_version` of the terms you confirm, as you read them on the deal. When the "
        "terms changed since, nothing is recorded: 409 with what changed.",
    )


# --- deals -----------------------------------------------------------------------------------------


class BrokerEngagementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    broker = PersonReferenceSerializer(read_only=True)
    agency = OrganisationReferenceSerializer(read_only=True)
    engaged_by = OrganisationReferenceSerializer(read_only=True)
    role = serializers.ChoiceField(choices=BrokerRole.choices, read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    fee_basis = serializers.ChoiceField(choices=FeeBasis.choices, read_only=True)
    rate_percent = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True, allow_null=True)
    fee_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    commission = serializers.SerializerMethodField(
        help_text="The commission as far as it is known (null for a share of money not yet received)."
    )
    agreement = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    actions = ActionsField(action_sets.DEAL_BROKER_ACTIONS)

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True))
    def get_commission(self, engagement: DealBroker):
        value = selectors.engagement_commission(engagement, self.context["deal"])
        return None if value is None else f"{value:.2f}"


class DealSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=DealStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    inquiry = serializers.IntegerField(source="inquiry_id", read_only=True, allow_null=True)
    listing = SubjectReferenceSerializer(read_only=True, allow_null=True)
    demand = SubjectReferenceSerializer(read_only=True, allow_null=True)
    seller = OrganisationReferenceSerializer(read_only=True)
    buyer = OrganisationReferenceSerializer(read_only=True)
    transaction_mode = serializers.ChoiceField(choices=CooperationMode.choices, read_only=True)
    contract_category = serializers.ChoiceField(choices=ContractCategory.choices, read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, read_only=True)
    terms = serializers.CharField(read_only=True)
    disclose_amount = serializers.BooleanField(read_only=True)
    terms_version = serializers.IntegerField(
        read_only=True, help_text="Bumped by every change of the terms; a confirmation names it."
    )
    seller_confirmed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    buyer_confirmed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    signing_blocker = serializers.SerializerMethodField(
        help_text="Why the deal cannot be signed now (the listing's publicity, an open objection or another "
        "signed deal holding the listing alone), or null."
    )
    signed_on = serializers.DateField(read_only=True, allow_null=True)
    cancelled_reason = serializers.CharField(read_only=True)
    brokers = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    actions = ActionsField(action_sets.DEAL_ACTIONS)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_signing_blocker(self, deal: Deal) -> str | None:
        blocker = selectors.deal_signing_blocker(deal)
        return str(blocker) if blocker else None

    @extend_schema_field(BrokerEngagementSerializer(many=True))
    def get_brokers(self, deal: Deal) -> list:
        return BrokerEngagementSerializer(
            deal.broker_engagements.all(), many=True, context={**self.context, "deal": deal}
        ).data


class BrokerEngageInputSerializer(serializers.Serializer):
    broker = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text="A user with a broker membership."
    )
    role = serializers.ChoiceField(choices=BrokerRole.choices)
    fee_basis = serializers.ChoiceField(choices=FeeBasis.choices)
    rate_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )
    fee_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    agreement = serializers.CharField(
        max_length=limits.DETAIL_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        allow_blank=True,
        default="",
    )
