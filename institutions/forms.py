"""Forms of the institution pages. They validate input; the services decide and write."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import limits
from core.validators import validate_text, validate_year_not_in_future
from institutions import policies
from institutions.choices import (
    ClassificationScheme,
    DesignationLevel,
    DesignationStatus,
    MembershipRole,
    OrganisationKind,
    RegionLevel,
    ServiceType,
    TransferKind,
    TransferLevel,
)
from institutions.fields import RegionChoiceField
from institutions.models import Classification, Organisation, Region
from institutions.roles import actor_roles
from institutions.services import OFFICIAL_ONLY_FIELDS, ORGANISATION_EDITABLE_FIELDS

SORT_CHOICES = [
    ("", _("Region")),
    ("name", _("Name (A–Z)")),
    ("-name", _("Name (Z–A)")),
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
]


def _with_blank(label, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class DirectoryFilterForm(forms.Form):
    """The directory's filters. Invalid values are ignored rather than reported: it is a search form."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, English name or credit code")}
        ),
    )
    city = forms.ChoiceField(label=_("City / prefecture"), required=False)
    county = forms.ChoiceField(label=_("County / district"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_with_blank(_("All kinds"), OrganisationKind.choices)
    )
    level = forms.ChoiceField(
        label=_("Network level"), required=False, choices=_with_blank(_("All levels"), TransferLevel.choices)
    )
    transfer_kind = forms.ChoiceField(
        label=_("Institution kind"),
        required=False,
        choices=_with_blank(_("All institution kinds"), TransferKind.choices),
    )
    designation = forms.ChoiceField(
        label=_("Demonstration title"),
        required=False,
        choices=_with_blank(_("Any or none"), DesignationLevel.choices),
    )
    field = forms.ModelChoiceField(
        label=_("Service field"),
        required=False,
        queryset=Classification.objects.none(),
        to_field_name="code",
        empty_label=_("All fields"),
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
    scope = forms.BooleanField(
        label=_("Only my jurisdiction"),
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "jurisdiction"}),
    )

    def __init__(self, data: QueryDict, *, regions: list[Region], may_scope: bool):
        data = data.copy()
        cities = [region for region in regions if region.level == RegionLevel.CITY]
        city_codes = {city.code for city in cities}
        city = data.get("city", "")
        if city not in city_codes:
            city = ""
        # A county left over from another city (the city select just changed) is dropped, not an error.
        counties = [region for region in regions if city and region.parent_id == city]
        if data.get("county") not in {county.code for county in counties}:
            data.pop("county", None)
        super().__init__(data)
        self.fields["city"].choices = _with_blank(_("All cities"), [(c.code, c.name) for c in cities])
        self.fields["county"].choices = _with_blank(
            _("All counties") if city else _("Choose a city first"), [(c.code, c.name) for c in counties]
        )
        self.fields["field"].queryset = Classification.objects.filter(
            scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True
        ).order_by("position", "code")
        self.fields["field"].label_from_instance = lambda classification: classification.label
        if not may_scope:
            del self.fields["scope"]

    def selector_filters(self) -> QueryDict:
        """The cleaned filters in the shape ``OrganisationFilterSet`` reads."""
        data = self.cleaned_data
        filters = QueryDict(mutable=True)
        for name in ("q", "level", "transfer_kind", "designation"):
            if data.get(name):
                filters[name] = data[name]
        if data.get("kind"):
            filters.setlist("kind", [data["kind"]])
        region = data.get("county") or data.get("city")
        if region:
            filters["region"] = region
        if data.get("field"):
            filters["field"] = data["field"].code
        return filters

    @property
    def selected_scope(self) -> str:
        return "jurisdiction" if self.cleaned_data.get("scope") else ""

    @property
    def selected_ordering(self) -> str:
        return self.cleaned_data.get("sort") or ""

    @property
    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields if name not in ("sort", "scope"))


class OrganisationForm(forms.ModelForm):
    """Registers or edits an organisation. The fields an institution's own admin may not change
    (identity and place, ``OFFICIAL_ONLY_FIELDS``) are shown disabled to them.
    """

    services = forms.MultipleChoiceField(
        label=_("Services offered"),
        required=False,
        choices=ServiceType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The service types of GB/T 34670-2017."),
    )
    website = forms.URLField(
        label=Organisation._meta.get_field("website").verbose_name,
        required=False,
        max_length=200,
        assume_scheme="https",
    )

    class Meta:
        model = Organisation
        fields = [*ORGANISATION_EDITABLE_FIELDS, "service_fields"]
        field_classes = {"region": RegionChoiceField}
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 5}),
            "service_fields": forms.CheckboxSelectMultiple,
            "credit_code": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        roles = actor_roles(actor)
        editing = self.instance.pk is not None
        self.is_official_editor = roles.is_platform_admin or (
            roles.covers_region(self.instance.region_id) if editing else roles.is_official
        )
        regions = Region.objects.home().order_by("code")
        if self.is_official_editor and not roles.is_platform_admin:
            in_jurisdiction = Q(pk__in=[])
            for prefix in roles.jurisdiction_prefixes:
                in_jurisdiction |= Q(code__startswith=prefix)
            regions = regions.filter(in_jurisdiction)
        elif not self.is_official_editor:
            regions = regions.filter(pk=self.instance.region_id)
        self.fields["region"].queryset = regions
        self.fields["region"].empty_label = _("Choose a region")

        parents = Organisation.objects.transfer_institutions().order_by("region_id", "name")
        if editing:
            parents = parents.exclude(pk=self.instance.pk)
        # An inactive parent stays selectable for the institution that already has it.
        self.fields["parent"].queryset = parents.filter(Q(is_active=True) | Q(pk=self.instance.parent_id))
        self.fields["parent"].empty_label = _("None")
        # The same choice for the office transferring this organisation's results.
        self.fields["transfer_office"].queryset = parents.filter(
            Q(is_active=True) | Q(pk=self.instance.transfer_office_id)
        )
        self.fields["transfer_office"].empty_label = _("None")

        classifications = Classification.objects.filter(is_current=True).order_by("position", "code")
        self.fields["entity_type"].queryset = classifications.filter(scheme=ClassificationScheme.ENTITY_TYPE)
        self.fields["service_fields"].queryset = classifications.filter(
            scheme=ClassificationScheme.TECHNOLOGY_FIELD
        )
        for name in ("entity_type", "service_fields"):
            self.fields[name].label_from_instance = lambda classification: classification.label

        if editing and not self.is_official_editor:
            for name in OFFICIAL_ONLY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Only an official may change this.")

    def service_data(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ORGANISATION_EDITABLE_FIELDS
            if name in self.cleaned_data
        }


class MembershipAddForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.STAFF)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError(_("No active user has this username."), code="unknown_user")
        return user


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class DesignationGrantForm(forms.Form):
    """Grants a title. ``levels`` are the levels the actor may grant here (``rules.designation_levels_for``):
    the only ones offered. The service requires the deciding body and document number of a national title.
    """

    level = forms.ChoiceField(label=_("Level"), choices=DesignationLevel.choices)
    year_granted = forms.IntegerField(
        label=_("Year granted"),
        min_value=policies.DESIGNATION_FIRST_YEAR,
        validators=[validate_year_not_in_future],
        initial=lambda: timezone.localdate().year,
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 川科成〔2024〕12号")}),
    )
    decided_by = forms.CharField(
        label=_("Deciding body"),
        max_length=100,
        required=False,
        help_text=_("Required for national titles, with the document number."),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 科学技术部")}),
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's own check: no year after this one (the validator says so on the server).
        self.fields["year_granted"].widget.attrs["max"] = timezone.localdate().year
        self.fields["level"].choices = [
            (value, label) for value, label in DesignationLevel.choices if value in levels
        ]
        if DesignationLevel.NATIONAL not in levels:
            # Only a national title records the Ministry as its deciding body: no field for it otherwise.
            del self.fields["decided_by"]


class DesignationStatusForm(forms.Form):
    """Warn, reinstate or revoke a designation. The service requires the reason for a warning or a
    revocation, and reports a missing one on the ``reason`` field.
    """

    status = forms.ChoiceField(choices=DesignationStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to warn or revoke; kept in the audit trail."),
    )
