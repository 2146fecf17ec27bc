"""Amounts read the same way on every page: grouped with commas, in yuan, 万元/亿元 in Chinese headlines."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import get_language

register = template.Library()


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
