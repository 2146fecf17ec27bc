"""Forms of a registered contract's life: the registrar's correction (变更), cancellation (注销), second
check (复核), income certification per year (技术性收入核定) and national number; and the public
verification form of a certificate. They check the input's shape; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import limits
from core.forms import DateInput
from core.validators import validate_not_in_future, validate_single_line, validate_text
from market.choices import ContractCategory, ContractSubType, LicenceScope
from market.models import ContractRegistration
from market.models.registration_lifecycle import CancellationReason
from market.services.contract_lifecycle import AMENDABLE_FIELDS

_DATE = DateInput()
_MONEY = {"max_digits": 14, "decimal_places": 2}


def _money(label, required=True, help_text=""):
    return forms.DecimalField(
        label=label,
        min_value=0,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        **_MONEY,
    )


def _reason(label, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _name(label, required=True):
    return forms.CharField(label=label, max_length=200, required=required, validators=[validate_single_line])


class AmendForm(forms.Form):
    """A correction (变更) of the registered contract; pre-filled with the registration as it stands."""

    project_name = _name(_("Project name"))
    contract_category = forms.ChoiceField(label=_("Contract category"), choices=ContractCategory.choices)
    sub_type = forms.ChoiceField(label=_("Sub-type"), choices=ContractSubType.choices)
    licence_scope = forms.ChoiceField(
        label=_("Licence scope"), choices=[("", "—"), *LicenceScope.choices], required=False
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=_DATE, validators=[validate_not_in_future])
    valid_from = forms.DateField(label=_("Valid from"), widget=_DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=_DATE)
    contract_amount = _money(_("Contract amount (yuan)"))
    non_technical_amount = _money(_("Non-technical costs (yuan)"))
    technical_amount = _money(
        _("Technical transaction amount (yuan)"),
        required=False,
        help_text=_("Leave as it is to follow the contract amount less the non-technical costs."),
    )
    seller_name = _name(_("Seller name"))
    seller_name_original = _name(_("Seller name in the original language"), required=False)
    buyer_name = _name(_("Buyer name"))
    buyer_name_original = _name(_("Buyer name in the original language"), required=False)
    reason = _reason(_("Reason for the correction"))

    @classmethod
    def for_contract(cls, contract: ContractRegistration, data=None):
        return cls(data, initial={name: getattr(contract, name) for name in AMENDABLE_FIELDS}, prefix="amend")

    def service_data(self, contract: ContractRegistration) -> dict:
        """Only what differs from the registration as it stands."""
        data = {}
        for name in AMENDABLE_FIELDS:
            value = self.cleaned_data.get(name)
            if name == "technical_amount" and value is None:
                continue
            if value is None:
                value = ""
            if value != getattr(contract, name):
                data[name] = value
        return data


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("Choose a reason")), *CancellationReason.choices]
    )
    note = _reason(_("Explanation"), required=False, help_text=_("Required when the reason is “Other”."))

    prefix = "cancel"


class SecondCheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("confirmed", _("Confirm")), ("refused", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = _reason(_("Note"), required=False, help_text=_("Required when refusing."))

    prefix = "check"

    def service_arguments(self) -> dict:
        return {"confirmed": self.cleaned_data["outcome"] == "confirmed", "note": self.cleaned_data["note"]}


class IncomeForm(forms.Form):
    """技术性收入核定 for one year of performance."""

    year = forms.IntegerField(label=_("Year of performance"), min_value=1990, max_value=2200)
    amount = _money(_("Certified technical income (yuan)"))
    performed_on = forms.DateField(
        label=_("Performed on"), widget=_DATE, required=False, validators=[validate_not_in_future]
    )
    note = _reason(_("Note"), required=False)

    prefix = "income"


class NationalNumberForm(forms.Form):
    national_number = forms.CharField(
        label=_("Number in the national system"),
        max_length=30,
        help_text=_("The 16-digit number the contract has in the national 技术合同管理与服务系统."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    prefix = "national"


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The 16 characters printed on the certificate, with or without dashes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
