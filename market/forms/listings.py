"""Forms of the listing pages: the market's search and filters, the listing form, and the short forms
of the workflow (withdraw with a reason, file an objection, resolve one)."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from achievements.choices import CooperationMode
from core import limits
from core.forms import DateInput, SubmissionKeyForm, add_cross_field_errors
from core.validators import validate_phone, validate_single_line, validate_text
from institutions.choices import ClassificationScheme, MembershipRole, RegionLevel
from institutions.models import Classification, Organisation, Region
from market.choices import ListingStatus, PricingMethod
from market.models import Listing
from market.querysets import PUBLIC_LISTING_STATUSES
from market.services import listings as listing_services

SORT_CHOICES = [
    ("", _("Best match / newest")),
    ("newest", _("Newest first")),
    ("price", _("Lowest price first")),
    ("-price", _("Highest price first")),
    ("publicity_ends", _("Publicity ending soonest")),
    ("title", _("Title")),
]


def _with_blank(label, choices) -> list:
    return [("", label), *choices]


class ListingFilterForm(forms.Form):
    """The market's search and filters. Invalid values are ignored: it is a search form."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 锂电池, 工业机器人")}),
    )
    technology_field = forms.ChoiceField(label=_("Technology field"), required=False)
    transaction_mode = forms.ChoiceField(
        label=_("Transaction mode"),
        required=False,
        choices=_with_blank(_("Any transaction mode"), CooperationMode.choices),
    )
    pricing_method = forms.ChoiceField(
        label=_("Pricing"), required=False, choices=_with_blank(_("Any pricing"), PricingMethod.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_with_blank(
            _("Any status"), [(value, ListingStatus(value).label) for value in PUBLIC_LISTING_STATUSES]
        ),
    )
    city = forms.ChoiceField(label=_("City / prefecture"), required=False)
    price_min = forms.DecimalField(label=_("Price from (yuan)"), required=False, min_value=0)
    price_max = forms.DecimalField(label=_("Price up to (yuan)"), required=False, min_value=0)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data: QueryDict, *, regions: list[Region], fields: list[Classification]):
        super().__init__(data)
        cities = [region for region in regions if region.level == RegionLevel.CITY]
        self.fields["city"].choices = _with_blank(_("All cities"), [(c.code, c.name) for c in cities])
        self.fields["technology_field"].choices = _with_blank(
            _("All fields"), [(entry.code, entry.label) for entry in fields]
        )

    def _value(self, name):
        return (
            self.cleaned_data.get(name) if hasattr(self, "cleaned_data") and name not in self.errors else None
        )

    def selector_filters(self) -> dict:
        """The valid filters in the shape ``ListingFilterSet`` reads; invalid ones are left out."""
        filters = {}
        for name in ("technology_field", "transaction_mode", "pricing_method", "status"):
            value = self._value(name)
            if value:
                filters[name] = [value] if name in ("transaction_mode", "pricing_method", "status") else value
        if self._value("city"):
            filters["region"] = self._value("city")
        for name in ("price_min", "price_max"):
            if self._value(name) is not None:
                filters[name] = self._value(name)
        return filters

    @property
    def query(self) -> str:
        return (self._value("q") or "").strip()

    @property
    def selected_ordering(self) -> str:
        return self._value("sort") or ""


def broker_users():
    return (
        User.objects.filter(
            is_active=True, memberships__role=MembershipRole.BROKER, memberships__is_active=True
        )
        .distinct()
        .order_by("username")
    )


class BrokerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user.full_name} ({user.username})" if getattr(user, "full_name", "") else user.username


class ListingForm(SubmissionKeyForm):
    """The listing's terms. For a listing from an achievement the title, summary, keywords, field and
    readiness level start from the achievement."""

    institution = forms.ModelChoiceField(label=_("Seller"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_single_line])
    summary = forms.CharField(
        label=_("Summary"),
        max_length=limits.SUMMARY_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    keywords = forms.CharField(
        label=_("Keywords"), required=False, help_text=_("Separate keywords with commas or spaces.")
    )
    technology_field = forms.ModelChoiceField(
        label=_("Technology field"),
        required=False,
        queryset=Classification.objects.filter(scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True),
    )
    trl = forms.TypedChoiceField(
        label=_("Technology readiness level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_with_blank("—", [(level, str(level)) for level in range(1, 10)]),
    )
    transaction_mode = forms.ChoiceField(label=_("Transaction mode"), choices=CooperationMode.choices)
    pricing_method = forms.ChoiceField(label=_("Pricing"), choices=PricingMethod.choices)
    price = forms.DecimalField(
        label=_("Price (yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("The fixed price, the lowest price of a range, or the starting price of an auction."),
    )
    price_max = forms.DecimalField(
        label=_("Highest price (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    listed_until = forms.DateField(label=_("Listed until"), widget=DateInput())
    contact_name = forms.CharField(
        label=_("Contact person"), max_length=50, validators=[validate_single_line]
    )
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, validators=[validate_phone])
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    brokers = BrokerChoiceField(
        label=_("Brokers"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Registered technology brokers who serve this listing."),
    )

    def __init__(self, *args, institutions=None, service_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if institutions is None:
            del self.fields["institution"]
        else:
            self.fields["institution"].queryset = institutions
            if len(institutions) == 1:
                self.fields["institution"].initial = institutions[0].pk
        self.fields["brokers"].queryset = broker_users()
        if service_only:
            self.fields["transaction_mode"].choices = [
                (value, label)
                for value, label in CooperationMode.choices
                if value in (CooperationMode.TECHNICAL_SERVICE, CooperationMode.TECHNICAL_CONSULTING)
            ]

    def clean_listed_until(self):
        listed_until = self.cleaned_data["listed_until"]
        listing_services.listing_period_check(listed_until)
        return listed_until

    def clean(self) -> dict:
        cleaned_data = super().clean()
        # The price rules of the model, with the field checks: every error shows on the first submit.
        add_cross_field_errors(
            self,
            lambda data: Listing(
                pricing_method=data.get("pricing_method"),
                price=data.get("price"),
                price_max=data.get("price_max"),
            ).clean(),
            inputs=("pricing_method", "price", "price_max"),
        )
        return cleaned_data

    def clean_keywords(self) -> list[str]:
        text = self.cleaned_data.get("keywords") or ""
        return [
            word for word in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if word
        ]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("institution", None)
        data["brokers"] = list(data.get("brokers") or [])
        data["contact_email"] = data.get("contact_email") or ""
        return data

    @staticmethod
    def initial_from(listing) -> dict:
        return {
            "title": listing.title,
            "summary": listing.summary,
            "keywords": ", ".join(listing.keywords),
            "technology_field": listing.technology_field_id,
            "trl": listing.trl,
            "transaction_mode": listing.transaction_mode,
            "pricing_method": listing.pricing_method,
            "price": listing.price,
            "price_max": listing.price_max,
            "listed_until": listing.listed_until,
            "contact_name": listing.contact_name,
            "contact_phone": listing.contact_phone,
            "contact_email": listing.contact_email,
            "brokers": [broker.pk for broker in listing.brokers.all()],
        }


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when officials withdraw a listing; the seller is told."),
    )


class ObjectionForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for the objection"),
        min_length=10,
        max_length=limits.SUMMARY_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At least 10 characters. Officials over the seller decide the objection."),
    )


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("dismiss", _("Dismiss: the listing stays")), ("uphold", _("Uphold: withdraw the listing"))],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        label=_("Resolution"),
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @property
    def upheld(self) -> bool:
        return self.cleaned_data["decision"] == "uphold"
