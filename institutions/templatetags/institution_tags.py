"""Small display helpers for the institution pages."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

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


def _grouped(amount: Decimal) -> str:
    text = f"{amount:,.2f}"
    return text[:-3] if text.endswith(".00") else text


@register.filter
def yuan(value) -> str:
    """An amount in yuan as every page shows it: ``¥1,200,000`` or ``¥1,200,000.50``.

    Grouped with commas in both languages (Django's Chinese number format does not group at all)."""
    if value is None or value == "":
        return ""
    return f"¥{_grouped(Decimal(value))}"


@register.filter
def yuan_compact(value) -> str:
    """A large amount for headline figures: ``2,813.93万元`` / ``1.25亿元`` in Chinese, ``¥28.14 million``
    in English."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    if get_language().startswith("zh"):
        if abs(amount) >= 100_000_000:
            return f"{_grouped((amount / 100_000_000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))}亿元"
        if abs(amount) >= 10_000:
            return f"{_grouped((amount / 10_000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))}万元"
        return f"{_grouped(amount)}元"
    if abs(amount) >= 1_000_000:
        return f"¥{_grouped((amount / 1_000_000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))} million"
    return f"¥{_grouped(amount)}"


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
