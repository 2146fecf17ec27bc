"""Forms of contract registration: the seller's registration form and the registrar's decisions.
They check the input's shape; the rules (amounts, categories, states) live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import limits
from core.forms import DateInput
from core.validators import validate_text
from institutions.choices import ClassificationScheme
from institutions.models import Classification
from market.choices import ContractCategory, ContractSubType, RejectionReason
from market.models import ContractRegistration
from market.services.contracts import CONTRACT_FIELDS

_DATE = DateInput()
_MONEY = {"max_digits": 14, "decimal_places": 2}


def _blank(label, choices):
    return [("", label), *choices]


class ContractForm(forms.ModelForm):
    """The registration form (表号 JJ-001) as the seller fills it in, with the signed contract."""

    upload = forms.FileField(
        label=_("Signed contract"),
        required=False,
        help_text=_("PDF, or a scan as PNG or JPEG. Oral contracts cannot be registered."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    class Meta:
        model = ContractRegistration
        fields = list(CONTRACT_FIELDS)
        widgets = {
            "signed_on": _DATE,
            "valid_from": _DATE,
            "valid_until": _DATE,
            "contract_amount": forms.NumberInput(
                attrs={"step": "0.01", "min": "0", "data-amount": "contract"}
            ),
            "non_technical_amount": forms.NumberInput(
                attrs={"step": "0.01", "min": "0", "data-amount": "non-technical"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technology_field"].queryset = Classification.objects.filter(
            scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True
        ).order_by("code")
        self.fields["licence_scope"].required = False

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in CONTRACT_FIELDS if name in self.cleaned_data}


class RegisterForm(forms.Form):
    """The registrar registers the contract, correcting the classification or the amounts if needed; the
    form carries the version of the registration form the registrar reviewed."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    contract_category = forms.ChoiceField(label=_("Contract category"), choices=ContractCategory.choices)
    sub_type = forms.ChoiceField(label=_("Sub-type"), choices=ContractSubType.choices)
    non_technical_amount = forms.DecimalField(
        label=_("Non-technical costs (yuan)"),
        min_value=0,
        **_MONEY,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    technical_amount = forms.DecimalField(
        label=_("Technical transaction amount (yuan)"),
        min_value=0,
        required=False,
        help_text=_("Leave empty to use the contract amount less the non-technical costs."),
        **_MONEY,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @classmethod
    def for_contract(cls, contract: ContractRegistration, data=None):
        initial = {
            "version": contract.version,
            "contract_category": contract.contract_category,
            "sub_type": contract.sub_type,
            "non_technical_amount": contract.non_technical_amount,
        }
        return cls(data, initial=initial)

    def service_arguments(self, contract: ContractRegistration) -> dict:
        data = self.cleaned_data
        arguments = {"version": data["version"], "note": data["note"]}
        if data["contract_category"] != contract.contract_category:
            arguments["contract_category"] = data["contract_category"]
        if data["sub_type"] != contract.sub_type:
            arguments["sub_type"] = data["sub_type"]
        if data["non_technical_amount"] != contract.non_technical_amount:
            arguments["non_technical_amount"] = data["non_technical_amount"]
        if data["technical_amount"] is not None:
            arguments["technical_amount"] = data["technical_amount"]
        return arguments


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=_blank(_("Choose a reason"), RejectionReason.choices)
    )
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        help_text=_("Required when the reason is “Other reason”."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
