"""What the audit trail records (DESIGN.md, Audit): the tracked models and their event tables, the
fields a person edits, and the rows a save rewrites together with a parent object.

A field is shown to readers when a person could edit it: not the primary key, not ``editable=False``
(search vectors, match terms, import keys, ``auto_now`` timestamps), not a secret. The rows of an
M2M's through model belong to the object declaring the field; other child rows that a save rewrites
(an achievement's owners and contributors) are registered by their app with ``child_register`` in
``AppConfig.ready()``, so this lower app names no model of a higher one.

Officials read the trail of their jurisdiction's organisations: the events of rows that reference one
(``organisation_columns``) and of the rows of objects that do, found through their parent
(``parent_columns``: an achievement's contributors and IP assets, a listing's objections).
"""

import functools
from dataclasses import dataclass

import pghistory.models
from django.apps import apps
from django.db import models
from django.utils.text import capfirst

# Fields that are editable in Django's sense but are secrets or bookkeeping of the sign-in.
SECRET_FIELDS = frozenset(
    {"password", "hashed_key", "password_changed_at", "last_login", "seller_id_number", "buyer_id_number"}
)

_children: dict[str, str] = {}


@dataclass(frozen=True)
class Parent:
    """Where a child row's events are shown: in the entry of ``model`` whose pk is in ``field``."""

    model: str
    field: str
    label: str
    # The field that names one row (the other side of a through model); None: its visible fields.
    item_field: str | None


def child_register(model_label: str, parent_field: str) -> None:
    """Declares rows of ``model_label`` part of the object their FK ``parent_field`` points to."""
    _children[model_label] = parent_field
    parents.cache_clear()


@functools.cache
def tracked_models() -> dict[str, list[type[models.Model]]]:
    """Each tracked model's label with its event models."""
    result: dict[str, list] = {}
    for model in apps.get_models():
        if issubclass(model, pghistory.models.Event) and model.pgh_tracked_model is not None:
            result.setdefault(model.pgh_tracked_model._meta.label, []).append(model)
    return result


@functools.cache
def parents() -> dict[str, Parent]:
    """Child model label → its parent, for through models and the registered children."""
    tracked = tracked_models()
    result = {}
    for model in apps.get_models():
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through._meta.label in tracked:
                result[through._meta.label] = Parent(
                    model=model._meta.label,
                    field=through._meta.get_field(m2m.m2m_field_name()).attname,
                    label=m2m.verbose_name,
                    item_field=through._meta.get_field(m2m.m2m_reverse_field_name()).attname,
                )
    for label, field_name in _children.items():
        foreign_key = apps.get_model(label)._meta.get_field(field_name)
        result[label] = Parent(
            model=foreign_key.related_model._meta.label,
            field=foreign_key.attname,
            label=apps.get_model(label)._meta.verbose_name_plural,
            item_field=None,
        )
    return result


def model_for(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


@functools.cache
def visible_fields(model: type[models.Model]) -> dict[str, models.Field]:
    """The fields of ``model`` a reader is shown, by column name (``reviewer_id``, not ``reviewer``)."""
    return {
        field.attname: field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.editable and field.name not in SECRET_FIELDS
    }


@functools.cache
def hidden_field_names() -> frozenset[str]:
    """Column names hidden in every tracked model that has them (an update changing only these is noise)."""
    hidden, shown = set(), set()
    for label in tracked_models():
        model = model_for(label)
        fields = visible_fields(model)
        shown.update(fields)
        hidden.update(field.attname for field in model._meta.concrete_fields if field.attname not in fields)
    return frozenset(hidden - shown)


def object_type_choices() -> list[tuple[str, str]]:
    """The kinds of object a reader can filter by (child rows are filtered with their parent)."""
    choices = [
        (label, capfirst(model_for(label)._meta.verbose_name))
        for label in tracked_models()
        if label not in parents()
    ]
    return sorted(choices, key=lambda choice: (choice[0].split(".")[0], str(choice[1])))


def event_models(object_type: str) -> list[type[models.Model]]:
    """The event tables of ``object_type`` and of the rows shown as part of it."""
    tracked = tracked_models()
    labels = [object_type, *(child for child, parent in parents().items() if parent.model == object_type)]
    return [event_model for label in labels for event_model in tracked.get(label, [])]


ORGANISATION_MODEL = "institutions.Organisation"


@functools.cache
def organisation_columns(event_model: type[models.Model]) -> tuple[str, ...]:
    """The columns of an event table that hold an organisation's id (its own ``pgh_obj_id`` for an
    organisation's events, ``organisation_id``, ``seller_id``…)."""
    return tuple(
        field.column
        for field in event_model._meta.fields
        if field.is_relation
        and field.related_model is not None
        and field.related_model._meta.label == ORGANISATION_MODEL
    )


@functools.cache
def parent_columns(event_model: type[models.Model]) -> tuple[tuple[str, type[models.Model]], ...]:
    """The columns of an event table that point to a tracked object whose own events name an
    organisation, each with that object's event table: an achievement contributor's ``achievement_id``
    with the achievements' events. One level: every child row in the project hangs off such a parent."""
    tracked = tracked_models()
    result = []
    for field in event_model._meta.fields:
        if not field.is_relation or field.name.startswith("pgh_") or field.related_model is None:
            continue
        label = field.related_model._meta.label
        if label == ORGANISATION_MODEL:
            continue
        for parent_event_model in tracked.get(label, []):
            if organisation_columns(parent_event_model):
                result.append((field.column, parent_event_model))
    return tuple(result)
