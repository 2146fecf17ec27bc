"""Forms of the achievement pages: the public database's filters, the steps of a filing, and the
reviewer's return form. Forms check the shape of the input; the services decide and write, and their
``ValidationError`` is shown next to the field it names (``core.forms.add_service_errors``).
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from achievements.choices import (
    ACHIEVEMENT_COOPERATION_MODES,
    CatalogueKind,
    IPKind,
    IPStatus,
    OwnerKind,
    PriceType,
)
from achievements.models import Achievement, AchievementOwner, IPAsset
from core import limits
from core.forms import DateInput, KeywordsField, SubmissionKeyForm, model_form_field
from core.validators import validate_single_line, validate_text
from institutions import identifiers
from institutions.choices import ClassificationScheme, RegionLevel
from institutions.fields import RegionChoiceField, TaxonomyChoiceField
from institutions.models import Classification, Organisation, Region
from institutions.selectors import organisations as institution_selectors

TAXONOMY_SCHEMES = (
    ClassificationScheme.TECHNOLOGY_FIELD,
    ClassificationScheme.INDUSTRY,
    ClassificationScheme.STRATEGIC_INDUSTRY,
    ClassificationScheme.TRL,
)

SORT_CHOICES = [
    ("", _("Best match")),
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("title", _("Title")),
    ("trl", _("Highest TRL first")),
]


def taxonomy(schemes=TAXONOMY_SCHEMES) -> dict[str, list[Classification]]:
    """The current entries of the achievement taxonomies by scheme, in their order (one query)."""
    return institution_selectors.classification_taxonomy(schemes=schemes)


def trl_choices(entries: list[Classification]) -> list[tuple[int, str]]:
    """``6 · 相关环境中系统/原型演示``: the level with its GB/T 22900 label."""
    return [(int(entry.code), f"{entry.code} · {entry.label}") for entry in entries]


def _with_blank(label, choices) -> list[tuple]:
    return [("", label), *choices]


def _model_field(name: str, **overrides) -> forms.Field:
    """The form field Django derives from the model field (label, help text, length, choices)."""
    return model_form_field(Achievement, name, **overrides)


# --- The public database -------------------------------------------------------------------------


class AchievementFilterForm(forms.Form):
    """The public database's search and filters. Invalid values are ignored: it is a search form."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 石墨烯电池, 工业机器人")}),
    )
    field = forms.ChoiceField(label=_("Technology field"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    strategic_industry = forms.ChoiceField(label=_("Strategic emerging industry"), required=False)
    trl_min = forms.TypedChoiceField(label=_("TRL at least"), required=False, coerce=int, empty_value=None)
    trl_max = forms.TypedChoiceField(label=_("TRL at most"), required=False, coerce=int, empty_value=None)
    city = forms.ChoiceField(label=_("City / prefecture"), required=False)
    county = forms.ChoiceField(label=_("County / district"), required=False)
    cooperation_mode = forms.ChoiceField(
        label=_("Cooperation mode"),
        required=False,
        choices=_with_blank(_("Any cooperation mode"), ACHIEVEMENT_COOPERATION_MODES),
    )
    ip_kind = forms.ChoiceField(
        label=_("IP type"), required=False, choices=_with_blank(_("Any IP type"), IPKind.choices)
    )
    catalogue = forms.ChoiceField(
        label=_("Dual-use catalogue"),
        required=False,
        choices=_with_blank(_("Any or none"), CatalogueKind.choices),
    )
    dual_use = forms.BooleanField(label=_("Dual-use achievements only"), required=False)
    # The filing institution, from its page's "public achievements" link; kept as the filters change.
    institution = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data: QueryDict, *, regions: list[Region], taxonomy: dict[str, list[Classification]]):
        data = data.copy()
        cities = [region for region in regions if region.level == RegionLevel.CITY]
        city = data.get("city", "")
        if city not in {region.code for region in cities}:
            city = ""
        counties = [region for region in regions if city and region.parent_id == city]
        # A county left over from another city (the city select just changed) is dropped, not an error.
        if data.get("county") not in {county.code for county in counties}:
            data.pop("county", None)
        super().__init__(data)
        self.fields["city"].choices = _with_blank(_("All cities"), [(c.code, c.name) for c in cities])
        self.fields["county"].choices = _with_blank(
            _("All counties") if city else _("Choose a city first"), [(c.code, c.name) for c in counties]
        )
        for name, scheme, blank in (
            ("field", ClassificationScheme.TECHNOLOGY_FIELD, _("All fields")),
            ("industry", ClassificationScheme.INDUSTRY, _("All industries")),
            ("strategic_industry", ClassificationScheme.STRATEGIC_INDUSTRY, _("All categories")),
        ):
            self.fields[name].choices = _with_blank(
                blank, [(entry.code, entry.label) for entry in taxonomy.get(scheme, [])]
            )
        levels = [
            (value, str(value)) for value, _label in trl_choices(taxonomy.get(ClassificationScheme.TRL, []))
        ]
        self.fields["trl_min"].choices = _with_blank(_("Any"), levels)
        self.fields["trl_max"].choices = _with_blank(_("Any"), levels)

    def selector_filters(self) -> dict:
        """The cleaned filters in the shape ``AchievementFilterSet`` reads."""
        data = self.cleaned_data
        filters = {}
        for name in ("field", "industry", "strategic_industry", "cooperation_mode", "ip_kind", "catalogue"):
            if data.get(name):
                filters[name] = data[name]
        for name in ("trl_min", "trl_max"):
            if data.get(name) is not None:
                filters[name] = data[name]
        region = data.get("county") or data.get("city")
        if region:
            filters["region"] = region
        if data.get("dual_use"):
            filters["dual_use"] = "true"
        if data.get("institution"):
            filters["institution"] = data["institution"]
        return filters

    @property
    def query(self) -> str:
        return (self.cleaned_data.get("q") or "").strip()

    @property
    def selected_ordering(self) -> str:
        return self.cleaned_data.get("sort") or ""

    @property
    def is_filtered(self) -> bool:
        return any(
            self.cleaned_data.get(name) not in (None, "", False) for name in self.fields if name != "sort"
        )


# --- Filing, step by step -----------------------------------------------------------------------


class StepForm(forms.Form):
    """A step of the filing form: its fields are fields of ``Achievement``, passed on to the service."""

    @classmethod
    def initial_for(cls, achievement: Achievement) -> dict:
        return {name: getattr(achievement, name) for name in cls.base_fields if hasattr(achievement, name)}

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "institution"}


class BasicsForm(SubmissionKeyForm, StepForm):
    institution = forms.ChoiceField(label=_("Filing institution"))
    title = _model_field("title")
    summary = _model_field("summary", widget=forms.Textarea(attrs={"rows": 4}))
    detail = _model_field(
        "detail",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Technical detail, test results, application prospects. Shown only to the readers you choose below."
        ),
    )
    detail_visibility = _model_field("detail_visibility", widget=forms.RadioSelect)
    keywords = KeywordsField(
        max_keywords=settings.ACHIEVEMENT_MAX_KEYWORDS,
        label=_("Keywords"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 锂离子电池、负极材料、硅碳")}),
    )

    def __init__(self, *args, institutions: list[Organisation] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keywords"].help_text = _("Up to %(limit)d keywords, separated by 、 or commas.") % {
            "limit": settings.ACHIEVEMENT_MAX_KEYWORDS
        }
        if institutions is None:
            del self.fields["institution"]
            return
        self.institutions = {str(organisation.pk): organisation for organisation in institutions}
        field = self.fields["institution"]
        field.choices = [(organisation.pk, organisation.name) for organisation in institutions]
        if len(institutions) == 1:
            field.initial = institutions[0].pk
            field.widget = forms.HiddenInput()

    def clean_institution(self) -> Organisation:
        return self.institutions[self.cleaned_data["institution"]]


class ClassificationForm(StepForm):
    technology_field = TaxonomyChoiceField(label=_("Technology field"), required=False)
    industry = TaxonomyChoiceField(label=_("Industry (GB/T 4754)"), required=False)
    strategic_industry = TaxonomyChoiceField(label=_("Strategic emerging industry"), required=False)
    trl = forms.TypedChoiceField(
        label=_("Technology readiness level (GB/T 22900-2022)"), required=False, coerce=int, empty_value=None
    )
    stage = _model_field("stage")
    achievement_type = _model_field("achievement_type")
    is_dual_use = _model_field("is_dual_use")
    secrecy_status = _model_field(
        "secrecy_status",
        help_text=_("Only never-classified or declassified content may be filed for publication."),
    )

    def __init__(self, *args, taxonomy: dict[str, list[Classification]], **kwargs):
        super().__init__(*args, **kwargs)
        for name, scheme, blank in (
            ("technology_field", ClassificationScheme.TECHNOLOGY_FIELD, _("Choose a field")),
            ("industry", ClassificationScheme.INDUSTRY, _("Choose an industry")),
            ("strategic_industry", ClassificationScheme.STRATEGIC_INDUSTRY, _("None")),
        ):
            self.fields[name].set_entries(taxonomy[scheme], blank)
        self.fields["trl"].choices = _with_blank(
            _("Choose a level"), trl_choices(taxonomy[ClassificationScheme.TRL])
        )
        self.fields["stage"].choices = _with_blank(_("Not stated"), self.fields["stage"].choices[1:])

    @classmethod
    def initial_for(cls, achievement: Achievement) -> dict:
        initial = super().initial_for(achievement)
        for name in ("technology_field", "industry", "strategic_industry"):
            initial[name] = getattr(achievement, f"{name}_id")
        return initial


class TermsForm(StepForm):
    funding_programme = _model_field(
        "funding_programme", widget=forms.TextInput(attrs={"placeholder": _("e.g. 四川省重点研发计划")})
    )
    project_number = _model_field("project_number")
    funding_amount = _model_field("funding_amount", min_value=Decimal(0))
    completed_on = _model_field("completed_on", widget=DateInput())
    cooperation_modes = forms.MultipleChoiceField(
        label=_("Cooperation modes offered"),
        required=False,
        choices=ACHIEVEMENT_COOPERATION_MODES,
        widget=forms.CheckboxSelectMultiple,
    )
    price_type = forms.ChoiceField(
        label=_("Price"), choices=PriceType.choices, initial=PriceType.NEGOTIABLE, widget=forms.RadioSelect
    )
    indicative_price = _model_field(
        "indicative_price", min_value=Decimal(0), help_text=_("In yuan; required for an indicative price.")
    )
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.home().order_by("code"),
        empty_label=None,
        help_text=_("Where the achievement is, by default the filing institution's region."),
    )
    publish_on_approval = _model_field("publish_on_approval")

    @classmethod
    def initial_for(cls, achievement: Achievement) -> dict:
        initial = super().initial_for(achievement)
        initial["region"] = achievement.region_id
        return initial


class OwnerForm(forms.Form):
    """One owner row: an organisation on the platform (found by name or credit code), an organisation
    not on it (name and credit code, checked as the model checks them) or a person (name)."""

    kind = forms.ChoiceField(
        label=_("Kind of owner"), choices=OwnerKind.choices, initial=OwnerKind.ORGANISATION, required=False
    )
    organisation = forms.CharField(
        label=_("Name"),
        max_length=200,
        # With htmx, typing fills the page's datalist with matching organisations; without, the exact
        # name or credit code is typed.
        widget=forms.TextInput(
            attrs={
                "list": "organisation-suggestions",
                "autocomplete": "off",
                "placeholder": _("Organisation or person"),
                "hx-get": reverse_lazy("achievements:organisation_suggestions"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#organisation-suggestions",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        ),
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("18 characters, for an organisation not on the platform."),
    )
    share_percent = forms.DecimalField(
        label=_("Share (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
    )

    def has_changed(self) -> bool:
        # A blank row is blank whatever kind is chosen in it (browsers post the select's first choice).
        return any(name in self.changed_data for name in ("organisation", "credit_code", "share_percent"))

    def clean(self) -> dict:
        data = super().clean()
        data["kind"] = data.get("kind") or OwnerKind.ORGANISATION
        text = (data.get("organisation") or "").strip()
        if not text:
            return data
        # A missing or invalid share has its own message; the owner is still checked, so that every
        # problem of the row shows at once.
        owner = AchievementOwner(kind=data["kind"], share_percent=data.get("share_percent") or Decimal(100))
        if data["kind"] == OwnerKind.ORGANISATION:
            owner.organisation = (
                Organisation.objects.filter(Q(name=text) | Q(credit_code=text.upper()), is_active=True)
                .only("pk", "name")
                .first()
            )
            if owner.organisation is None:
                self.add_error(
                    "organisation",
                    ValidationError(
                        _(
                            "No registered organisation has this name or credit code; choose one from the "
                            "suggestions, or choose “Organisation not on the platform” and give its credit code."
                        ),
                        code="unknown_organisation",
                    ),
                )
                return data
        else:
            owner.name = text
            owner.credit_code = identifiers.compact(data.get("credit_code") or "")
        # The model's own checks (exactly one kind of owner, the credit code), next to the fields.
        try:
            owner.full_clean(exclude=["achievement"], validate_constraints=False)
        except ValidationError as error:
            for name, errors in error.error_dict.items():
                field = {"name": "organisation"}.get(name, name)
                self.add_error(field if field in self.fields else None, errors)
            return data
        if "share_percent" in data:
            data["owner"] = owner
        return data

    def owner_data(self) -> dict:
        """The row as the service's ``OwnerShare`` arguments."""
        owner = self.cleaned_data["owner"]
        return {
            "organisation": owner.organisation,
            "share_percent": owner.share_percent,
            "kind": owner.kind,
            "name": owner.name,
            "credit_code": owner.credit_code,
        }


class BaseOwnerFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen = set()
        for form in self._owner_forms():
            owner = form.cleaned_data["owner"]
            identity = (
                owner.kind,
                owner.organisation.pk if owner.organisation else owner.credit_code or owner.name,
            )
            if identity in seen:
                raise ValidationError(
                    _("%(name)s is listed twice; each owner may appear only once.")
                    % {"name": owner.display_name}
                )
            seen.add(identity)

    def _owner_forms(self) -> list[OwnerForm]:
        return [
            form
            for form in self.forms
            if form.cleaned_data and "owner" in form.cleaned_data and not self._should_delete_form(form)
        ]

    def owners(self) -> list[dict]:
        """Every owner row kept, as the service's ``OwnerShare`` arguments, in the order shown."""
        return [form.owner_data() for form in self._owner_forms()]


OwnerFormSet = forms.formset_factory(OwnerForm, formset=BaseOwnerFormSet, extra=1, can_delete=True)


class ContributorForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50, validators=[validate_single_line])
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200, required=False)
    share_percent = forms.DecimalField(
        label=_("Contribution (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        required=False,
    )


class BaseContributorFormSet(forms.BaseFormSet):
    def contributors(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


ContributorFormSet = forms.formset_factory(
    ContributorForm, formset=BaseContributorFormSet, extra=1, can_delete=True
)


def _ip_field(name: str, **overrides) -> forms.Field:
    return model_form_field(IPAsset, name, **overrides)


class IPAssetForm(forms.Form):
    kind = forms.ChoiceField(label=_("IP type"), choices=_with_blank(_("Choose a type"), IPKind.choices))
    number = _ip_field(
        "number",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": "ZL202310123456.6"}
        ),
    )
    title = _ip_field("title")
    status = forms.ChoiceField(label=_("Status"), choices=IPStatus.choices, initial=IPStatus.GRANTED)
    granted_on = _ip_field("granted_on", widget=DateInput())


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, PNG, JPEG or Office documents (Word, Excel, PowerPoint), at most %(limit)d MB."
        ) % {"limit": settings.ATTACHMENT_MAX_BYTES // 1024 // 1024}


# --- Review -------------------------------------------------------------------------------------


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Say what must be changed; the filing institution sees this and it is kept in the audit trail."
        ),
    )
