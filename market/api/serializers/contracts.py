"""Input and output serializers of contract registration, the disclosure board and the rule sets.

Output serializers read what the selectors joined, so a page costs the same queries as one row. The
disclosure serializer shows only what may be public: the technical amount only with the parties'
consent (``deal.disclose_amount``). Input serializers translate codes and ids; the rules live in the
services.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import limits
from core.api.fields import ActionsField
from core.validators import validate_not_in_future, validate_single_line, validate_text
from institutions.api.serializers import ClassificationReferenceSerializer, OrganisationReferenceSerializer
from institutions.choices import ClassificationScheme
from institutions.models import Classification
from market import actions as action_sets
from market import policies
from market.api.serializers import contract_lifecycle as lifecycle
from market.choices import (
    CONTRACT_IP_TYPES,
    ContractCategory,
    ContractSource,
    ContractStatus,
    ContractSubType,
    DealStatus,
    LicenceScope,
    NumberSource,
    PartyKind,
    PaymentMethod,
    RejectionReason,
)
from market.models import ContractRegistration
from market.selectors import contract_lifecycle as lifecycle_selectors
from market.selectors import contracts as contract_selectors

MONEY = {"max_digits": 14, "decimal_places": 2}


class PartySerializer(serializers.Serializer):
    """A party as snapshotted on the registration form."""

    kind = serializers.ChoiceField(choices=PartyKind.choices, read_only=True)
    organisation = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The organisation on the platform, if it is one."
    )
    name = serializers.CharField(read_only=True)
    name_original = serializers.CharField(
        read_only=True, help_text="A foreign party's name in the original language."
    )
    country_code = serializers.CharField(read_only=True, help_text="国别代码 (customs, 3 digits; 142 China).")
    credit_code = serializers.CharField(read_only=True, help_text="统一社会信用代码.")
    entity_type = serializers.CharField(read_only=True, help_text="买/卖方性质 code of form JJ-001.")
    region_code = serializers.CharField(read_only=True, help_text="GB/T 2260 region code (6 digits).")
    id_number = serializers.CharField(
        read_only=True,
        help_text="A natural person's resident identity number, always masked (e.g. 510104********123X): "
        "personal data.",
    )


def _party(contract: ContractRegistration, side: str) -> dict:
    return {
        "kind": getattr(contract, f"{side}_kind"),
        "organisation": getattr(contract, f"{side}_organisation_id"),
        "name": getattr(contract, f"{side}_name"),
        "name_original": getattr(contract, f"{side}_name_original"),
        "country_code": getattr(contract, f"{side}_country_code"),
        "credit_code": getattr(contract, f"{side}_credit_code"),
        "entity_type": getattr(contract, f"{side}_entity_type"),
        "region_code": getattr(contract, f"{side}_region_code"),
        "id_number": policies.mask_id_number(getattr(contract, f"{side}_id_number")),
    }


class ContractSerializer(serializers.Serializer):
    """A registration form (表号 JJ-001) with the registrar's decision."""

    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=ContractStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source = serializers.ChoiceField(
        choices=ContractSource.choices, read_only=True, help_text="How the registration came to the platform."
    )
    deal = serializers.IntegerField(
        source="deal_id", read_only=True, allow_null=True, help_text="The platform deal, if it came from one."
    )
    deal_status = serializers.ChoiceField(
        source="deal.status", choices=DealStatus.choices, read_only=True, allow_null=True, default=None
    )
    applicant = OrganisationReferenceSerializer(read_only=True, allow_null=True)
    registration_body = OrganisationReferenceSerializer(read_only=True, allow_null=True)
    rule_set = serializers.CharField(source="rule_set.code", read_only=True, allow_null=True, default=None)
    project_name = serializers.CharField(read_only=True)
    contract_category = serializers.ChoiceField(choices=ContractCategory.choices, read_only=True)
    contract_category_label = serializers.CharField(source="get_contract_category_display", read_only=True)
    sub_type = serializers.ChoiceField(choices=ContractSubType.choices, read_only=True)
    licence_scope = serializers.ChoiceField(choices=LicenceScope.choices, read_only=True, allow_blank=True)
    signed_on = serializers.DateField(read_only=True)
    valid_from = serializers.DateField(read_only=True)
    valid_until = serializers.DateField(read_only=True)
    contract_amount = serializers.DecimalField(read_only=True, **MONEY)
    non_technical_amount = serializers.DecimalField(read_only=True, **MONEY)
    technical_amount = serializers.DecimalField(
        read_only=True, help_text="技术交易额 = contract amount − non-technical costs.", **MONEY
    )
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, read_only=True)
    ip_type = serializers.ChoiceField(choices=CONTRACT_IP_TYPES, read_only=True)
    technology_field = ClassificationReferenceSerializer(read_only=True, allow_null=True)
    expected_investment = serializers.DecimalField(read_only=True, allow_null=True, **MONEY)
    expected_output = serializers.DecimalField(read_only=True, allow_null=True, **MONEY)
    seller = serializers.SerializerMethodField()
    buyer = serializers.SerializerMethodField()
    has_contract_file = serializers.SerializerMethodField()
    contract_file_name = serializers.CharField(read_only=True)
    version = serializers.IntegerField(
        read_only=True, help_text="Bumped by every change the applicant makes; a registration names it."
    )
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    due_on = serializers.DateField(read_only=True, allow_null=True)
    is_late_application = serializers.SerializerMethodField()
    declared_category = serializers.CharField(
        read_only=True, help_text="The category as the seller declared it."
    )
    declared_technical_amount = serializers.DecimalField(read_only=True, allow_null=True, **MONEY)
    registration_number = serializers.CharField(
        read_only=True, allow_null=True, help_text="16 digits; opaque, never parsed."
    )
    number_source = serializers.ChoiceField(
        choices=NumberSource.choices,
        read_only=True,
        allow_blank=True,
        help_text="“platform”: this platform's own number, not one of the national system.",
    )
    national_number = serializers.CharField(
        read_only=True, help_text="The contract's number in the national 技术合同管理与服务系统, if recorded."
    )
    plan_category = serializers.CharField(read_only=True, help_text="计划类别 code.")
    socio_economic_goal = serializers.CharField(read_only=True, help_text="社会经济目标 code.")
    trade_subject = serializers.CharField(read_only=True, help_text="交易主体 code.")
    registered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    registrar_note = serializers.CharField(read_only=True)
    rejected_at = serializers.DateTimeField(read_only=True, allow_null=True)
    rejection_reason = serializers.ChoiceField(
        choices=RejectionReason.choices, read_only=True, allow_blank=True
    )
    rejection_note = serializers.CharField(read_only=True)
    disclosure_starts_on = serializers.DateField(read_only=True, allow_null=True)
    disclosure_ends_on = serializers.DateField(read_only=True, allow_null=True)
    certified_income = serializers.DecimalField(read_only=True, allow_null=True, **MONEY)
    certified_at = serializers.DateTimeField(read_only=True, allow_null=True)
    tax_exemption_claimed = serializers.BooleanField(
        read_only=True,
        help_text="The applicant seeks tax exemption (技术开发/技术转让 only): a second check follows.",
    )
    second_check = serializers.SerializerMethodField()
    cancellation = serializers.SerializerMethodField()
    certificate = serializers.SerializerMethodField()
    amendments = serializers.SerializerMethodField()
    income_certifications = serializers.SerializerMethodField()
    actions = ActionsField(action_sets.CONTRACT_ACTIONS)

    @extend_schema_field(lifecycle.SecondCheckSerializer(allow_null=True))
    def get_second_check(self, contract: ContractRegistration):
        check = lifecycle_selectors.second_check_of(contract)
        return lifecycle.SecondCheckSerializer(check).data if check else None

    @extend_schema_field(lifecycle.CancellationSerializer(allow_null=True))
    def get_cancellation(self, contract: ContractRegistration):
        cancellation = lifecycle_selectors.cancellation_of(contract)
        return lifecycle.CancellationSerializer(cancellation).data if cancellation else None

    @extend_schema_field(lifecycle.CertificateReferenceSerializer(allow_null=True))
    def get_certificate(self, contract: ContractRegistration):
        certificate = lifecycle_selectors.current_certificate(contract)
        return lifecycle.CertificateReferenceSerializer(certificate).data if certificate else None

    @extend_schema_field(lifecycle.AmendmentSerializer(many=True))
    def get_amendments(self, contract: ContractRegistration):
        return lifecycle.AmendmentSerializer(contract.amendments.all(), many=True).data

    @extend_schema_field(lifecycle.IncomeCertificationSerializer(many=True))
    def get_income_certifications(self, contract: ContractRegistration):
        return lifecycle.IncomeCertificationSerializer(contract.income_certifications.all(), many=True).data

    @extend_schema_field(PartySerializer)
    def get_seller(self, contract: ContractRegistration) -> dict:
        return _party(contract, "seller")

    @extend_schema_field(PartySerializer)
    def get_buyer(self, contract: ContractRegistration) -> dict:
        return _party(contract, "buyer")

    def get_has_contract_file(self, contract: ContractRegistration) -> bool:
        return bool(contract.contract_file)

    def get_is_late_application(self, contract: ContractRegistration) -> bool:
        return contract_selectors.is_late(contract)


class ContractPrepareInputSerializer(serializers.Serializer):
    deal = serializers.IntegerField(help_text="The id of a signed (agreed) deal of which you are the seller.")


class PartyInputSerializer(serializers.Serializer):
    """A party of a contract made off the platform; the fields of other kinds are ignored."""

    kind = serializers.ChoiceField(
        choices=PartyKind.choices,
        help_text="platform: `organisation` (its profile gives the rest); organisation (anywhere in China): "
        "`name`, `credit_code`, `region_code`, `entity_type`; foreign: `country_code` (not 142), `name` "
        "(Chinese), `name_original`, `entity_type`; person: `name`, `id_number`.",
    )
    organisation = serializers.IntegerField(required=False, allow_null=True, help_text="Organisation id.")
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=200, validators=[validate_single_line]
    )
    name_original = serializers.CharField(
        required=False, allow_blank=True, max_length=200, validators=[validate_single_line]
    )
    credit_code = serializers.CharField(
        required=False, allow_blank=True, max_length=18, help_text="统一社会信用代码."
    )
    id_number = serializers.CharField(
        required=False, allow_blank=True, max_length=18, help_text="居民身份证号码 (personal data)."
    )
    entity_type = serializers.CharField(
        required=False, allow_blank=True, max_length=3, help_text="买/卖方性质 code."
    )
    country_code = serializers.CharField(
        required=False, allow_blank=True, max_length=3, help_text="国别代码."
    )
    region_code = serializers.CharField(
        required=False, allow_blank=True, max_length=6, help_text="GB/T 2260 code."
    )


class ContractInputSerializer(serializers.Serializer):
    project_name = serializers.CharField(max_length=200, required=False, validators=[validate_single_line])
    contract_category = serializers.ChoiceField(choices=ContractCategory.choices, required=False)
    sub_type = serializers.ChoiceField(choices=ContractSubType.choices, required=False)
    licence_scope = serializers.ChoiceField(choices=LicenceScope.choices, required=False, allow_blank=True)
    signed_on = serializers.DateField(required=False, validators=[validate_not_in_future])
    valid_from = serializers.DateField(required=False)
    valid_until = serializers.DateField(required=False)
    contract_amount = serializers.DecimalField(required=False, min_value=0, **MONEY)
    non_technical_amount = serializers.DecimalField(required=False, min_value=0, **MONEY)
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    ip_type = serializers.ChoiceField(choices=CONTRACT_IP_TYPES, required=False)
    technology_field = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Classification.objects.filter(scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True),
        required=False,
        allow_null=True,
        help_text="Technology-field code.",
    )
    expected_investment = serializers.DecimalField(required=False, allow_null=True, min_value=0, **MONEY)
    expected_output = serializers.DecimalField(required=False, allow_null=True, min_value=0, **MONEY)
    plan_category = serializers.CharField(
        required=False, allow_blank=True, max_length=4, help_text="计划类别 code."
    )
    socio_economic_goal = serializers.CharField(
        required=False, allow_blank=True, max_length=4, help_text="社会经济目标 code."
    )
    trade_subject = serializers.CharField(
        required=False, allow_blank=True, max_length=4, help_text="交易主体 code."
    )
    seller = PartyInputSerializer(
        required=False, help_text="Paper applications only; a direct application's seller is the applicant."
    )
    buyer = PartyInputSerializer(
        required=False, help_text="Not for a platform deal (its parties are its own)."
    )

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        parties = {side: data.pop(side) for side in ("seller", "buyer") if side in data}
        return {"data": data, "parties": parties}


class ContractOpenInputSerializer(ContractInputSerializer):
    """A contract made off the platform, opened by a member of the applicant (the seller side)."""

    applicant = serializers.IntegerField(
        help_text="The id of your organisation, the seller side, that applies."
    )
    buyer = PartyInputSerializer()


class RevealInputSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=[("seller", "seller"), ("buyer", "buyer")])


class RevealedIdNumberSerializer(serializers.Serializer):
    side = serializers.CharField(read_only=True)
    id_number = serializers.CharField(read_only=True)


class ContractFileInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The signed contract: PDF, PNG or JPEG, read from the content.")


class ContractRegisterInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The form's `version` as you reviewed it; a form changed since gets 409."
    )
    contract_category = serializers.ChoiceField(
        choices=ContractCategory.choices, required=False, help_text="Only to correct the declared category."
    )
    sub_type = serializers.ChoiceField(choices=ContractSubType.choices, required=False)
    non_technical_amount = serializers.DecimalField(
        required=False, help_text="Corrected non-technical costs; the technical amount follows.", **MONEY
    )
    technical_amount = serializers.DecimalField(
        required=False, help_text="Sets the technical amount directly (0 to the contract amount).", **MONEY
    )
    note = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        allow_blank=True,
        default="",
    )


class ContractRejectInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RejectionReason.choices)
    note = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for `other`.",
    )


class DisclosureSerializer(serializers.Serializer):
    """A registered deal as the public disclosure board (成交公示) shows it."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(source="project_name", read_only=True)
    seller_name = serializers.CharField(read_only=True)
    seller_region_code = serializers.CharField(read_only=True)
    buyer_name = serializers.CharField(read_only=True)
    buyer_region_code = serializers.CharField(read_only=True)
    contract_category = serializers.ChoiceField(choices=ContractCategory.choices, read_only=True)
    contract_category_label = serializers.CharField(source="get_contract_category_display", read_only=True)
    technology_field = ClassificationReferenceSerializer(read_only=True, allow_null=True)
    registered_on = serializers.SerializerMethodField()
    disclosure_ends_on = serializers.DateField(read_only=True)
    technical_amount = serializers.SerializerMethodField(
        help_text="Null unless both parties agreed to disclose the amount."
    )
    url = serializers.SerializerMethodField()

    def get_registered_on(self, contract: ContractRegistration) -> str:
        return contract.disclosure_starts_on.isoformat()

    @extend_schema_field(serializers.DecimalField(allow_null=True, **MONEY))
    def get_technical_amount(self, contract: ContractRegistration):
        if not contract.deal.disclose_amount:
            return None
        return serializers.DecimalField(**MONEY).to_representation(contract.technical_amount)

    def get_url(self, contract: ContractRegistration) -> str:
        return reverse("market:disclosure-detail", args=[contract.pk])


class RegistrationRuleSetSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    effective_from = serializers.DateField(read_only=True)
    effective_to = serializers.DateField(read_only=True, allow_null=True, help_text="Exclusive.")
    decision_days = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Null: the platform setting (30 days by default) applies."
    )
    application_window_days = serializers.IntegerField(read_only=True, allow_null=True)
    categories = serializers.ListField(child=serializers.CharField(), read_only=True)
    statistical_categories = serializers.DictField(child=serializers.CharField(), read_only=True)
    note = serializers.CharField(read_only=True)
