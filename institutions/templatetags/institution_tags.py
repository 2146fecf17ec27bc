"""Display helpers for the institution network's data (regions, services, designations, entity types),
used by the pages of every app that shows them. Amounts are in ``core``'s ``money`` library."""

from django import template
from django.utils.translation import get_language

from institutions import reference_data
from institutions.choices import DesignationLevel, DesignationStatus, RegionLevel, ServiceType

register = template.Library()

_STATUS_COLOURS = {
    DesignationStatus.APPLIED: "secondary",
    DesignationStatus.APPROVED: "info",
    DesignationStatus.ACTIVE: "success",
    DesignationStatus.WARNED: "warning",
    DesignationStatus.REVOKED: "danger",
}


@register.filter
def region_label(region) -> str:
    """``成都市 · 锦江区`` for a county, the name alone for a city or the province."""
    if region is None:
        return ""
    if region.level == RegionLevel.COUNTY and region.parent_id:
        return f"{region.parent.name} · {region.name}"
    return region.name


@register.filter
def service_labels(services) -> list[str]:
    """The display names of GB/T 34670 service codes, in the standard's order."""
    chosen = set(services or ())
    return [choice.label for choice in ServiceType if choice.value in chosen]


@register.filter
def status_colour(status: str) -> str:
    """A Tabler colour name for a designation status badge."""
    return _STATUS_COLOURS.get(status, "secondary")


@register.filter
def designation_colour(level: str) -> str:
    return {DesignationLevel.NATIONAL: "red", DesignationLevel.PROVINCIAL: "orange"}.get(level, "yellow")


@register.filter
def region_name(code: str) -> str:
    """``510107`` → ``武侯区`` for region codes kept as snapshots (the code itself if unknown)."""
    return reference_data.region_names().get(code, code) if code else ""


@register.filter
def entity_type_name(code: str) -> str:
    """``022`` → ``高等院校`` (English pages: ``Higher education institution``)."""
    names = reference_data.entity_type_names().get(code)
    if names is None:
        return code or ""
    return names[0] if get_language().startswith("zh") else names[1]
