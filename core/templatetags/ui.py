"""Form rendering helpers for Tabler (Bootstrap 5) markup, used by every page's forms, and small
display helpers that know no domain."""

from datetime import timedelta

from django import template

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
