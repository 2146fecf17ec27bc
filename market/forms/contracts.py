"""Forms of contract registration: the seller's registration form and the registrar's decisions.
They check the input's shape; the rules (amounts, categories, states) live in the services."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import limits
from core.forms import DateInput
from core.validators import validate_single_line, validate_text
from institutions import codes as institution_codes
from institutions.choices import ClassificationScheme
from institutions.models import Classification, Organisation
from market import codes, policies
from market.choices import ContractCategory, ContractSubType, PartyKind, RejectionReason
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
        # JJ-001's own codes (计划类别, 社会经济目标, 交易主体): chosen from their code lists
        for name, scheme in codes.FORM_CODE_FIELDS.items():
            if name in self.fields:
                self.fields[name] = forms.ChoiceField(
                    label=self.fields[name].label,
                    choices=[("", _("Not stated")), *institution_codes.code_choices(scheme)],
                    required=False,
                )

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


# --- Contracts made off the platform: parties of every kind ------------------------------------------

PARTY_TEXT_FIELDS = {
    "name": (_("Name (in Chinese)"), 200),
    "name_original": (_("Name in the original language"), 200),
    "credit_code": (_("Unified social credit code (统一社会信用代码)"), 18),
    "id_number": (_("Resident identity number (居民身份证号码)"), 18),
    "country_code": (_("Country code (国别代码, customs, 3 digits)"), 3),
    "region_code": (_("Region code (GB/T 2260, 6 digits)"), 6),
}
# Which fields each kind of party fills in (the page hides the others when scripts run).
PARTY_KIND_FIELDS = {
    "organisation": "platform",
    "name": "organisation,foreign,person",
    "name_original": "foreign",
    "credit_code": "organisation",
    "id_number": "person",
    "country_code": "foreign",
    "region_code": "organisation",
    "entity_type": "organisation,foreign",
}


def _entity_type_choices():
    return [
        ("", _("Choose a type")),
        *(
            (row.code, f"{row.code} {row.label}")
            for row in Classification.objects.filter(scheme=ClassificationScheme.ENTITY_TYPE, is_current=True)
        ),
    ]


def _add_party_fields(form: forms.Form, side: str, contract: ContractRegistration | None) -> None:
    form.fields[f"{side}_kind"] = forms.ChoiceField(
        label=_("Kind of party"), choices=PartyKind.choices, initial=PartyKind.ORGANISATION
    )
    form.fields[f"{side}_organisation"] = forms.ModelChoiceField(
        label=_("Organisation on the platform"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    for name, (label, max_length) in PARTY_TEXT_FIELDS.items():
        form.fields[f"{side}_{name}"] = forms.CharField(
            label=label, max_length=max_length, required=False, validators=[validate_single_line]
        )
    # the region code is suggested as one types a code or a place name (regions of all China, htmx)
    form.fields[f"{side}_region_code"].widget.attrs.update(
        {
            "list": f"{side}-region-options",
            "autocomplete": "off",
            "inputmode": "search",
            "hx-get": reverse("institutions:region_options"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{side}-region-options",
            "hx-swap": "innerHTML",
        }
    )
    form.fields[f"{side}_region_code"].help_text = _(
        "Type the code or the name of the county or city, e.g. 徐汇."
    )
    form.fields[f"{side}_entity_type"] = forms.ChoiceField(
        label=_("Legal-entity type (买/卖方性质)"), choices=_entity_type_choices(), required=False
    )
    if contract is not None:
        for name in ("kind", *PARTY_TEXT_FIELDS, "entity_type"):
            form.initial.setdefault(f"{side}_{name}", getattr(contract, f"{side}_{name}"))
        form.initial[f"{side}_organisation"] = getattr(contract, f"{side}_organisation_id")
        stored = getattr(contract, f"{side}_id_number")
        form.initial[f"{side}_id_number"] = ""
        if stored:
            # personal data: never sent back to the browser
            form.fields[f"{side}_id_number"].help_text = _("On file: %(masked)s. Leave empty to keep it.") % {
                "masked": policies.mask_id_number(stored)
            }


def party_data(form: forms.Form, side: str, contract: ContractRegistration | None = None) -> dict:
    """A party's input for the services (``market.services.contracts.party_fields``)."""
    data = {
        name: form.cleaned_data.get(f"{side}_{name}") or ""
        for name in ("kind", *PARTY_TEXT_FIELDS, "entity_type")
    }
    organisation = form.cleaned_data.get(f"{side}_organisation")
    data["organisation"] = organisation.pk if organisation else None
    if contract is not None and not data["id_number"]:
        data["id_number"] = getattr(contract, f"{side}_id_number")
    return data


class DirectContractForm(ContractForm):
    """The registration form of a contract made off the platform: the JJ-001 fields, the buyer of any
    kind and — on a new form of someone in several organisations — which of them applies."""

    party_sides = ("buyer",)

    def __init__(self, *args, applicants=None, **kwargs):
        super().__init__(*args, **kwargs)
        contract = self.instance if self.instance.pk else None
        for side in self.party_sides:
            _add_party_fields(self, side, contract)
        if applicants is not None:
            self.fields["applicant"] = forms.ModelChoiceField(
                label=_("Applicant (the seller side)"), queryset=applicants, empty_label=None
            )

    def parties(self) -> dict:
        contract = self.instance if self.instance.pk else None
        return {side: party_data(self, side, contract) for side in self.party_sides}


class PaperContractForm(DirectContractForm):
    """A paper application entered by a registrar: the seller too is of any kind (on the platform, off
    it, or a person) in the body's area."""

    party_sides = ("seller", "buyer")

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seller_kind"].choices = [
            choice for choice in PartyKind.choices if choice[0] != PartyKind.FOREIGN
        ]
        if bodies is not None:
            self.fields["registration_body"] = forms.ModelChoiceField(
                label=_("Registration body"), queryset=bodies, empty_label=None
            )
