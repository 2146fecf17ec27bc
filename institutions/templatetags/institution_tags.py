"""Small display helpers for the institution pages."""

from datetime import timedelta

from django import template

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
def minutes(duration) -> int:
    if isinstance(duration, timedelta):
        return int(duration.total_seconds() // 60)
    return 0


@register.filter
def status_colour(status: str) -> str:
    """A Tabler colour name for a designation status badge."""
    return _STATUS_COLOURS.get(status, "secondary")


@register.filter
def designation_colour(level: str) -> str:
    return "red" if level == DesignationLevel.NATIONAL else "orange"
