"""Versions of what a person reviews before acting on it (optimistic concurrency).

A record whose content another person signs or decides on — a deal's terms, a contract's registration
form — carries an integer version that every change of that content bumps. The form or request that
acts names the version its author saw; when it is no longer the current one the action is refused with
``StaleVersion`` (HTTP 409) listing what changed since, read from the record's audit trail (pghistory
keeps the row as it was after each write), so nobody signs or registers content they never saw.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Change:
    """One field that changed: its name, its label and both values as a person reads them."""

    field: str
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}: {self.old} → {self.new}"

    def as_dict(self) -> dict:
        return {"field": self.field, "label": self.label, "old": self.old, "new": self.new}


class StaleVersion(ValidationError):
    """The version acted on is no longer the current one: nothing was done (HTTP 409). ``changes``
    lists what changed since that version, ``current_version`` is the one to review now."""

    def __init__(self, message: str, *, code: str, changes: list[Change], current_version: int):
        super().__init__(message, code=code)
        self.changes = changes
        self.current_version = current_version


def snapshot(record: models.Model, *, field: str, version: int):
    """The record as it was at ``version`` (the last audit event that recorded it), or None when the
    trail has no such version."""
    return (
        type(record)
        .pgh_event_model.objects.filter(pgh_obj_id=record.pk, **{field: version})
        .order_by("-pgh_id")
        .first()
    )


def _shown(record, model_field: models.Field) -> str:
    value = getattr(record, model_field.attname)
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return f"{value:,.2f}"  # grouped with commas in both languages, as the pages show amounts
    if model_field.is_relation:
        related = getattr(record, model_field.name, None)
        return str(related) if related is not None else str(value)
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def changes_between(before, after: models.Model, fields) -> list[Change]:
    """The fields whose values differ between ``before`` (a record or an audit event of it) and
    ``after``, in the order given."""
    changes = []
    for name in fields:
        model_field = after._meta.get_field(name)
        if getattr(before, model_field.attname) == getattr(after, model_field.attname):
            continue
        changes.append(
            Change(
                field=name,
                label=str(model_field.verbose_name),
                old=_shown(before, model_field),
                new=_shown(after, model_field),
            )
        )
    return changes


def describe(changes: list[Change]) -> str:
    """The changes in one line: "agreed amount (yuan): 500,000.00 → 1.00; …"."""
    return "; ".join(str(change) for change in changes)


def stale_version(
    record: models.Model, *, field: str, seen: int, fields, code: str, lead: str, advice: str
) -> StaleVersion:
    """The refusal of a decision taken on version ``seen`` of ``record`` (its ``field`` has moved on
    since): ``lead``, then what changed among ``fields`` (when the audit trail still holds the version
    seen), then ``advice``."""
    before = snapshot(record, field=field, version=seen)
    changes = changes_between(before, record, fields) if before is not None else []
    message = lead
    if changes:
        message += " " + _("What changed: %(changes)s.") % {"changes": describe(changes)}
    message += " " + advice
    return StaleVersion(message, code=code, changes=changes, current_version=getattr(record, field))
