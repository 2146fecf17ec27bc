"""Forms of the demand pages: the board's filters, the demand form and the officials' reason forms.
Forms check the shape of the input; the services decide, and their ``ValidationError`` is shown next
to the field it names (``core.forms.add_service_errors``)."""

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from achievements.choices import CooperationMode
from core import limits
from core.forms import DateInput, KeywordsField, SubmissionKeyForm, add_cross_field_errors, model_form_field
from core.validators import validate_text
from institutions.choices import ClassificationScheme, RegionLevel
from institutions.fields import RegionChoiceField, TaxonomyChoiceField
from institutions.models import Classification, Organisation, Region
from institutions.selectors import organisations as institution_selectors
from market.models import Demand
from market.services import demands as demand_services

SORT_CHOICES = [
    ("", _("Best match")),
    ("newest", _("Newest first")),
    ("deadline", _("Answer-by date, soonest first")),
    ("budget", _("Largest budget first")),
]
DATE_INPUT = DateInput()


def _with_blank(label, choices) -> list[tuple]:
    return [("", label), *choices]


def _model_field(name: str, **overrides) -> forms.Field:
    return model_form_field(Demand, name, **overrides)


class DemandFilterForm(forms.Form):
    """The board's search and filters. Invalid values are ignored: it is a search form."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 智能焊接, 污水处理")}),
    )
    technology_field = forms.ChoiceField(label=_("Technology field"), required=False)
    cooperation_mode = forms.ChoiceField(
        label=_("Preferred cooperation mode"),
        required=False,
        choices=_with_blank(_("Any cooperation mode"), CooperationMode.choices),
    )
    city = forms.ChoiceField(label=_("City / prefecture"), required=False)
    budget_from = forms.DecimalField(
        label=_("Budget from (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    budget_to = forms.DecimalField(
        label=_("Budget up to (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    deadline_after = forms.DateField(label=_("Answer by, from"), required=False, widget=DATE_INPUT)
    deadline_before = forms.DateField(label=_("Answer by, until"), required=False, widget=DATE_INPUT)
    include_closed = forms.BooleanField(label=_("Include closed and expired demands"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data: QueryDict, *, regions: list[Region], fields: list[Classification]):
        super().__init__(data)
        self.fields["city"].choices = _with_blank(
            _("All cities"),
            [(region.code, region.name) for region in regions if region.level == RegionLevel.CITY],
        )
        self.fields["technology_field"].choices = _with_blank(
            _("All fields"), [(entry.code, entry.label) for entry in fields]
        )

    def selector_filters(self) -> dict:
        """The valid filters in the shape ``DemandBoardFilterSet`` reads; invalid ones are dropped."""
        data = getattr(self, "cleaned_data", {})
        filters: dict = {}
        for name in ("technology_field", "cooperation_mode"):
            if data.get(name):
                filters[name] = data[name]
        if data.get("city"):
            filters["region"] = data["city"]
        for name in ("budget_from", "budget_to"):
            if data.get(name) is not None:
                filters[name] = data[name]
        for name in ("deadline_after", "deadline_before"):
            if data.get(name):
                filters[name] = data[name].isoformat()
        if data.get("include_closed"):
            filters["include_closed"] = "true"
        return filters

    @property
    def query(self) -> str:
        return (getattr(self, "cleaned_data", {}).get("q") or "").strip()

    @property
    def selected_ordering(self) -> str:
        return getattr(self, "cleaned_data", {}).get("sort") or ""


class DemandForm(SubmissionKeyForm):
    """Posts or edits a demand. ``enterprise`` is asked only when posting for one of several."""

    enterprise = forms.ChoiceField(label=_("Enterprise"))
    title = _model_field("title")
    problem = _model_field(
        "problem",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The technical problem: the current state, what has been tried, the constraints."),
    )
    expected_outcome = _model_field(
        "expected_outcome",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What a solution must achieve, with measurable targets where possible."),
    )
    keywords = KeywordsField(
        max_keywords=settings.ACHIEVEMENT_MAX_KEYWORDS,
        label=_("Keywords"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 智能焊接、铸锻件")}),
    )
    technology_field = TaxonomyChoiceField(label=_("Technology field"), required=False)
    industry = TaxonomyChoiceField(
        label=_("Industry (GB/T 4754)"),
        required=False,
        help_text=_("The industry the solution is for; it helps find matching technologies."),
    )
    required_trl = forms.TypedChoiceField(
        label=_("Lowest readiness level wanted"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_with_blank(_("Any"), [(level, str(level)) for level in range(1, 10)]),
    )
    budget_min = _model_field("budget_min", min_value=0)
    budget_max = _model_field(
        "budget_max",
        min_value=0,
        help_text=_("Leave both budget fields empty for a negotiable budget (面议)."),
    )
    deadline = _model_field("deadline", widget=DATE_INPUT)
    cooperation_mode = _model_field("cooperation_mode")
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.home().order_by("code"),
        required=False,
        empty_label=_("The enterprise's region"),
    )
    contact_name = _model_field("contact_name")
    contact_phone = _model_field("contact_phone")

    def __init__(
        self,
        *args,
        enterprises: list[Organisation] | None = None,
        fields: list[Classification],
        industries: list[Classification] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["technology_field"].set_entries(fields, _("Choose a field"))
        if industries is None:
            industries = institution_selectors.classification_taxonomy(
                schemes=(ClassificationScheme.INDUSTRY,)
            )[ClassificationScheme.INDUSTRY]
        self.fields["industry"].set_entries(industries, _("Choose an industry"))
        if enterprises is None:
            del self.fields["enterprise"]
            return
        self.enterprises = {str(organisation.pk): organisation for organisation in enterprises}
        field = self.fields["enterprise"]
        field.choices = [(organisation.pk, organisation.name) for organisation in enterprises]
        if len(enterprises) == 1:
            field.initial = enterprises[0].pk
            field.widget = forms.HiddenInput()

    def clean(self) -> dict:
        cleaned_data = super().clean()
        # The demand's terms (answer-by date, budget range) with the field checks: every error at once.
        add_cross_field_errors(
            self,
            lambda data: demand_services.demand_check_terms(
                Demand(**{name: data.get(name) for name in ("deadline", "budget_min", "budget_max")})
            ),
            inputs=(),
        )
        return cleaned_data

    def clean_enterprise(self) -> Organisation:
        return self.enterprises[self.cleaned_data["enterprise"]]

    @classmethod
    def initial_for(cls, demand: Demand) -> dict:
        initial = {
            name: getattr(demand, name)
            for name in cls.base_fields
            if name not in ("enterprise", "submission_key")
        }
        initial["technology_field"] = demand.technology_field_id
        initial["industry"] = demand.industry_id
        initial["region"] = demand.region_id
        return initial

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "enterprise"}


class DemandReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what must be changed; the enterprise sees this and it is kept in the audit trail."),
    )


class DemandCloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing"),
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when an official closes the demand; the enterprise is told."),
    )
