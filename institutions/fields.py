"""Form fields for the institution network's reference data, used by the forms of every app: regions
(GB/T 2260) shown as the province's tree, and the entries of one classification scheme."""

from django import forms

from institutions.choices import RegionLevel
from institutions.models import Classification, Region

_REGION_INDENT = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2}


class RegionChoiceField(forms.ModelChoiceField):
    """Regions indented by level, in code order, so the select reads as the province's tree."""

    def label_from_instance(self, region: Region) -> str:
        return "\u3000" * _REGION_INDENT.get(region.level, 0) + region.name


class TaxonomyChoiceField(forms.ChoiceField):
    """A select of one taxonomy's entries, already loaded; cleans to the ``Classification``."""

    def set_entries(self, entries: list[Classification], blank_label) -> None:
        self.entries = {str(entry.pk): entry for entry in entries}
        self.choices = [("", blank_label), *((entry.pk, entry.label) for entry in entries)]

    def clean(self, value) -> Classification | None:
        value = super().clean(value)
        return self.entries.get(str(value)) if value else None
