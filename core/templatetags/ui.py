"""Form rendering helpers for Tabler (Bootstrap 5) markup, used by every page's forms, and small
display helpers that know no domain."""

import re
from datetime import date, datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import validators

register = template.Library()

_SELECT_WIDGETS = {"select", "selectmultiple", "nullbooleanselect"}


@register.simple_tag
def field_widget(field, **attrs):
    """Renders a bound field's widget with Tabler's classes, marked invalid when it has errors.

    Extra keyword arguments become attributes, with underscores as hyphens (``hx_get`` → ``hx-get``).
    """
    attrs = {name.replace("_", "-"): value for name, value in attrs.items()}
    widget_type = field.widget_type
    if widget_type == "checkbox":
        base = "form-check-input"
    elif widget_type in _SELECT_WIDGETS:
        base = "form-select"
    else:
        base = "form-control"
    classes = [base, *field.field.widget.attrs.get("class", "").split(), *attrs.pop("class", "").split()]
    if field.errors:
        classes.append("is-invalid")
    attrs["class"] = " ".join(dict.fromkeys(name for name in classes if name))
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    return field.as_widget(attrs=attrs)


@register.filter
def page_range(paginator, number):
    """Page numbers around the current one, with ``Paginator.ELLIPSIS`` for the gaps."""
    return paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)


@register.filter
def minutes(duration) -> int:
    """Whole minutes of a ``timedelta`` (0 for anything else)."""
    if isinstance(duration, timedelta):
        return int(duration.total_seconds() // 60)
    return 0


@register.filter
def days_left(end, today=None) -> str:
    """Every countdown on the site, in whole calendar days to a date or datetime (local time):
    "13 days left" (剩余 13 天), "Ends today" on the last day, "Ended" after it; "" without a date.
    ``today`` is for tests; pages leave it out."""
    if isinstance(end, datetime):
        end = timezone.localdate(end)
    if not isinstance(end, date):
        return ""
    days = (end - (today or timezone.localdate())).days
    if days < 0:
        return _("Ended")
    if days == 0:
        return _("Ends today")
    return ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}


@register.filter
def phone_link(value) -> str:
    """A phone number as a ``tel:`` link when it is one (``core.validators.is_phone``); anything else
    (an old record typed before phones were checked) as plain text, never as a link."""
    text = str(value or "").strip()
    if not validators.is_phone(text):
        return conditional_escape(text)
    return format_html('<a href="tel:{}">{}</a>', re.sub(r"[\s]", "", text), text)
