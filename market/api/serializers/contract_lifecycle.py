"""Serializers of a registered contract's life after registration (corrections, cancellation, second
check, income per year, certificates) and of the public verification of a certificate."""

from django.urls import reverse
from rest_framework import serializers

from core import limits
from core.validators import validate_not_in_future, validate_single_line, validate_text
from market.choices import ContractCategory, ContractSubType, LicenceScope, NumberSource
from market.models.registration_lifecycle import CancellationReason, SecondCheckStatus
from market.selectors import contract_lifecycle as lifecycle_selectors

MONEY = {"max_digits": 14, "decimal_places": 2}


def _person(user) -> str:
    return (getattr(user, "full_name", "") or user.username) if user is not None else ""


class AmendmentSerializer(serializers.Serializer):
    changes = serializers.DictField(
        child=serializers.ListField(
            child=serializers.CharField(allow_blank=True), min_length=2, max_length=2
        ),
        read_only=True,
        help_text="`{field: [old, new]}`, values as text.",
    )
    reason = serializers.CharField(read_only=True)
    registrar = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    def get_registrar(self, amendment) -> str:
        return _person(amendment.registrar)


class IncomeCertificationSerializer(serializers.Serializer):
    year = serializers.IntegerField(read_only=True)
    amount = serializers.DecimalField(read_only=True, **MONEY)
    performed_on = serializers.DateField(read_only=True, allow_null=True)
    note = serializers.CharField(read_only=True)
    certified_by = serializers.SerializerMethodField()
    certified_at = serializers.DateTimeField(read_only=True)

    def get_certified_by(self, certification) -> str:
        return _person(certification.certified_by)


class SecondCheckSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SecondCheckStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    checked_by = serializers.SerializerMethodField()
    checked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    note = serializers.CharField(read_only=True)

    def get_checked_by(self, check) -> str:
        return _person(check.checked_by)


class CancellationSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CancellationReason.choices, read_only=True)
    reason_label = serializers.CharField(source="get_reason_display", read_only=True)
    note = serializers.CharField(read_only=True)
    cancelled_at = serializers.DateTimeField(read_only=True)


class CertificateReferenceSerializer(serializers.Serializer):
    code = serializers.CharField(source="display_code", read_only=True, help_text="The verification code.")
    issued_at = serializers.DateTimeField(read_only=True)
    verify_url = serializers.SerializerMethodField()

    def get_verify_url(self, certificate) -> str:
        return reverse("certificate-verify-code", args=[certificate.code])


# Input -----------------------------------------------------------------------------------------------


class AmendInputSerializer(serializers.Serializer):
    project_name = serializers.CharField(max_length=200, required=False, validators=[validate_single_line])
    contract_category = serializers.ChoiceField(choices=ContractCategory.choices, required=False)
    sub_type = serializers.ChoiceField(choices=ContractSubType.choices, required=False)
    licence_scope = serializers.ChoiceField(choices=LicenceScope.choices, required=False, allow_blank=True)
    signed_on = serializers.DateField(required=False, validators=[validate_not_in_future])
    valid_from = serializers.DateField(required=False)
    valid_until = serializers.DateField(required=False)
    contract_amount = serializers.DecimalField(required=False, min_value=0, **MONEY)
    non_technical_amount = serializers.DecimalField(required=False, min_value=0, **MONEY)
    technical_amount = serializers.DecimalField(
        required=False,
        min_value=0,
        help_text="0 to the contract amount; else it follows the amounts.",
        **MONEY,
    )
    seller_name = serializers.CharField(max_length=200, required=False, validators=[validate_single_line])
    seller_name_original = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validate_single_line]
    )
    buyer_name = serializers.CharField(max_length=200, required=False, validators=[validate_single_line])
    buyer_name_original = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validate_single_line]
    )
    reason = serializers.CharField(max_length=limits.REASON_MAX_LENGTH, validators=[validate_text])


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CancellationReason.choices)
    note = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for `other`.",
    )


class SecondCheckInputSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField(help_text="`true` confirms, `false` refuses (with a note).")
    note = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        allow_blank=True,
        default="",
    )


class CertifyIncomeInputSerializer(serializers.Serializer):
    """One year's certification. `certified_income` and `performed_on` alone (the former single
    certification) certify the year of `performed_on`."""

    year = serializers.IntegerField(
        required=False, min_value=1990, max_value=2200, help_text="Default: the year of `performed_on`."
    )
    certified_income = serializers.DecimalField(min_value=0, help_text="核定技术性收入 in yuan.", **MONEY)
    performed_on = serializers.DateField(required=False, allow_null=True, validators=[validate_not_in_future])
    note = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        allow_blank=True,
        default="",
    )

    def validate(self, attrs):
        if attrs.get("year") is None and attrs.get("performed_on") is None:
            raise serializers.ValidationError({"year": ["Give the year of performance (or `performed_on`)."]})
        return attrs

    def service_arguments(self) -> dict:
        data = self.validated_data
        return {
            "year": data.get("year"),
            "amount": data["certified_income"],
            "performed_on": data.get("performed_on"),
            "note": data.get("note", ""),
        }


class NationalNumberInputSerializer(serializers.Serializer):
    national_number = serializers.CharField(max_length=30, help_text="16 digits.")


# Public verification -----------------------------------------------------------------------------------


class VerifiedDataSerializer(serializers.Serializer):
    registration_number = serializers.CharField()
    number_source = serializers.ChoiceField(
        choices=NumberSource.choices, help_text="“platform”: this platform's own, not a national number."
    )
    national_number = serializers.CharField(allow_blank=True)
    project_name = serializers.CharField()
    seller_name = serializers.CharField(help_text="A natural person's name is masked.")
    buyer_name = serializers.CharField(help_text="A natural person's name is masked.")
    contract_category = serializers.ChoiceField(choices=ContractCategory.choices)
    sub_type = serializers.ChoiceField(choices=ContractSubType.choices)
    contract_amount = serializers.DecimalField(help_text="合同金额 (yuan).", **MONEY)
    technical_amount = serializers.DecimalField(help_text="技术交易额 (yuan).", **MONEY)
    registered_on = serializers.DateField()
    registration_body = serializers.CharField()


class CertificateVerificationSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[("valid", "valid"), ("altered", "altered"), ("cancelled", "cancelled")],
        help_text="`valid`: stands as printed; `altered`: superseded by a correction (see `superseded_at` and "
        "`current`); `cancelled`: the registration was cancelled (注销).",
    )
    code = serializers.CharField()
    issued_at = serializers.DateTimeField()
    superseded_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancellation_reason = serializers.ChoiceField(choices=CancellationReason.choices, allow_null=True)
    printed = VerifiedDataSerializer(help_text="What the certificate held prints.")
    current = VerifiedDataSerializer(help_text="The registration as it stands.")


def verification_data(verification) -> dict:
    cancellation = lifecycle_selectors.cancellation_of(verification.contract)
    return {
        "outcome": verification.outcome,
        "code": verification.certificate.display_code,
        "issued_at": verification.certificate.issued_at,
        "superseded_at": verification.certificate.superseded_at,
        "cancelled_at": cancellation.cancelled_at if cancellation else None,
        "cancellation_reason": cancellation.reason if cancellation else None,
        "printed": verification.printed,
        "current": verification.current,
    }
