"""Forms of the inquiry and deal pages. Forms check the shape of the input; the services decide and
write, and their ``ValidationError`` is shown next to the field it names
(``core.forms.add_service_errors``)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from achievements.choices import CooperationMode
from core import limits
from core.forms import SubmissionKeyForm
from core.validators import validate_single_line, validate_text
from institutions.choices import MembershipRole
from market.choices import BrokerRole, ContractCategory, DealStatus, FeeBasis, InquiryStatus, PaymentMethod
from market.filters.deals import SIDE_CHOICES

User = get_user_model()


def _with_blank(label, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class InquiryForListingForm(SubmissionKeyForm):
    buyer = OrganisationChoiceField(queryset=None, label=_("Inquire for"), empty_label=None)
    message = forms.CharField(
        label=_("Message to the seller"),
        max_length=limits.MESSAGE_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Say what interests you and what you would like to know."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"].queryset = organisations


class InquiryForDemandForm(SubmissionKeyForm):
    seller = OrganisationChoiceField(queryset=None, label=_("Answer for"), empty_label=None)
    offered_listing = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Offer one of your listings (optional)")
    )
    message = forms.CharField(
        label=_("Message to the enterprise"),
        max_length=limits.MESSAGE_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Describe how your institution can solve the problem."),
    )

    def __init__(self, *args, organisations, listings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seller"].queryset = organisations
        self.fields["offered_listing"].queryset = listings


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=limits.MESSAGE_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, PNG, JPEG or an Office document."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DealTermsForm(forms.Form):
    title = forms.CharField(label=_("Project name"), max_length=200, validators=[validate_single_line])
    transaction_mode = forms.ChoiceField(label=_("Transaction mode"), choices=CooperationMode.choices)
    contract_category = forms.ChoiceField(
        label=_("Contract category"),
        required=False,
        choices=_with_blank(_("As the transaction mode suggests"), ContractCategory.choices),
    )
    amount = forms.DecimalField(label=_("Agreed amount (yuan)"), max_digits=14, decimal_places=2, min_value=0)
    payment_method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)
    terms = forms.CharField(
        label=_("Main terms"),
        required=False,
        max_length=limits.DETAIL_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    disclose_amount = forms.BooleanField(
        label=_("We agree to disclose the amount on the public disclosure board"), required=False
    )

    def terms_data(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("contract_category"):
            data.pop("contract_category", None)
        return data


class DealConfirmForm(forms.Form):
    """The confirm button: it carries the version of the terms the page showed (``Deal.terms_version``)."""

    terms_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class BrokerEngageForm(forms.Form):
    broker = forms.ModelChoiceField(queryset=None, label=_("Broker"))
    role = forms.ChoiceField(label=_("Role"), choices=BrokerRole.choices)
    fee_basis = forms.ChoiceField(label=_("Fee basis"), choices=FeeBasis.choices)
    rate_percent = forms.DecimalField(
        label=_("Rate (%)"), required=False, max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    fee_amount = forms.DecimalField(
        label=_("Fixed fee (yuan)"), required=False, max_digits=14, decimal_places=2, min_value=0
    )
    agreement = forms.CharField(
        label=_("Commission agreement"),
        required=False,
        max_length=limits.DETAIL_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["broker"].queryset = (
            User.objects.filter(
                is_active=True, memberships__role=MembershipRole.BROKER, memberships__is_active=True
            )
            .distinct()
            .order_by("username")
        )
        self.fields["broker"].label_from_instance = lambda user: user.display_name


class InquiryFilterForm(forms.Form):
    """Filters of "my inquiries". Invalid values are ignored: it is a search form."""

    side = forms.ChoiceField(
        label=_("My side"), required=False, choices=_with_blank(_("Any side"), SIDE_CHOICES)
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_with_blank(_("Any status"), InquiryStatus.choices)
    )

    def selector_filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        filters = {}
        if data.get("side"):
            filters["side"] = data["side"]
        if data.get("status"):
            filters["status"] = [data["status"]]
        return filters


def _year_choices():
    this_year = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this_year, this_year - 10, -1)]


class DealFilterForm(forms.Form):
    """Filters of "my deals"; the side is shown as tabs."""

    side = forms.ChoiceField(label=_("My side"), required=False, choices=_with_blank(_("All"), SIDE_CHOICES))
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_with_blank(_("Any status"), DealStatus.choices)
    )
    year = forms.ChoiceField(label=_("Year"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _with_blank(_("Any year"), _year_choices())

    def selector_filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        filters = {}
        for name in ("side", "year"):
            if data.get(name):
                filters[name] = data[name]
        if data.get("status"):
            filters["status"] = [data["status"]]
        return filters
