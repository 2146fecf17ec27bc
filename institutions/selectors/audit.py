"""Reading the audit trail: what changed, when, by whom, from where (DESIGN.md, Audit).

Platform admins read everything; officials read the history of organisations in their
jurisdiction, of the rows that reference them (memberships, designations, achievements, listings,
deals…) and of those objects' child rows (contributors, IP assets, objections…:
``AuditEventQuerySet.concerning``).

``audit_log`` gives the raw events (pghistory rows); ``audit_entry_groups`` and ``audit_entries`` turn
them into what a person reads: one entry per user action (the events of one request and one object,
rows rewritten with their parent folded into it), with field labels, names and local times.
"""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import BooleanField, Case, CharField, F, Max, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from institutions import tracking
from institutions.choices import DesignationStatus
from institutions.filters import AuditEventFilterSet
from institutions.models import AuditEvent, Designation, Organisation
from institutions.roles import actor_roles

# Changes that carry no meaning for a reader of the history (besides the fields no form edits,
# which ``audit_entries`` hides by their model field).
HIDDEN_DIFF_FIELDS = frozenset(
    {"updated_at", "password_changed_at", "hashed_key", "password", "last_login"}
    # a natural person's identity number (personal data): read only through an audited reveal
    | {"seller_id_number", "buyer_id_number"}
)


def organisation_history(*, actor, organisation: Organisation) -> QuerySet[AuditEvent]:
    """Events of the organisation itself, of rows referencing it (members, designations, fields,
    achievements…) and of their child rows."""
    if not actor.has_perm("institutions.view_history", organisation):
        raise PermissionDenied
    return (
        AuditEvent.objects.concerning([organisation])
        .exclude(_no_visible_change())
        .select_related("user")
        .order_by("-pgh_created_at", "-pgh_id")
    )


def audit_log_reader_check(*, actor):
    """The actor's roles if they may read the audit log (platform admins, officials); else PermissionDenied."""
    roles = actor_roles(actor)
    if not (roles.is_platform_admin or roles.is_official):
        raise PermissionDenied
    return roles


def audit_log(*, actor, filters: dict | None = None) -> QuerySet[AuditEvent]:
    """The whole trail for platform admins; for officials, what concerns their jurisdiction.

    ``filters`` (``AuditEventFilterSet``): object type, actor, date range, institution. The institution
    narrows the jurisdiction, never widens it. Updates that touched only fields no person edits (search
    vectors, match terms, timestamps) are left out.
    """
    roles = audit_log_reader_check(actor=actor)
    # One FilterSet, validated once: its institution decides which events are read at all.
    filterset = AuditEventFilterSet(filters or {}, queryset=AuditEvent.objects.all())
    if not filterset.is_valid():
        return AuditEvent.objects.none()
    institution = filterset.form.cleaned_data.get("institution")
    if roles.is_platform_admin:
        organisations = [institution] if institution else None
    else:
        in_jurisdiction = Organisation.objects.in_regions(roles.jurisdiction_prefixes)
        organisations = list(in_jurisdiction.filter(pk=institution.pk) if institution else in_jurisdiction)
    if organisations == []:
        return AuditEvent.objects.none()
    if organisations is not None:
        filterset.queryset = filterset.queryset.concerning(organisations)
    return (
        filterset.qs.exclude(_no_visible_change())
        .select_related("user")
        .order_by("-pgh_created_at", "-pgh_id")
    )


def _no_visible_change() -> RawSQL:
    """An update whose diff, without the hidden fields, is empty (a recompute, a touch of updated_at)."""
    return RawSQL(
        "(pgh_label = 'update' AND COALESCE(pgh_diff - %s::text[], '{}'::jsonb) = '{}'::jsonb)",
        (sorted(tracking.hidden_field_names()),),
        output_field=BooleanField(),
    )


def visible_changes(event: AuditEvent) -> dict:
    """The event's changed fields as ``{field: [old, new]}``, without bookkeeping fields."""
    diff = event.pgh_diff or {}
    return {name: values for name, values in diff.items() if name not in HIDDEN_DIFF_FIELDS}


def designation_timelines(designations: list[Designation]) -> dict[int, list[dict]]:
    """Each designation's status changes, oldest first, read from its audit trail (one query)."""
    if not designations:
        return {}
    events = (
        Designation.pgh_event_model.objects.filter(pgh_obj_id__in=[d.pk for d in designations])
        .order_by("pgh_obj_id", "pgh_created_at", "pgh_id")
        .values("pgh_obj_id", "pgh_created_at", "status", "status_reason")
    )
    labels = dict(DesignationStatus.choices)
    timelines: dict[int, list[dict]] = {}
    for designation_id, rows in groupby(events, key=lambda row: row["pgh_obj_id"]):
        steps: list[dict] = []
        for row in rows:
            if steps and steps[-1]["status"] == row["status"]:
                continue
            steps.append(
                {
                    "status": row["status"],
                    "label": labels.get(row["status"], row["status"]),
                    "at": row["pgh_created_at"],
                    "reason": row["status_reason"],
                }
            )
        timelines[designation_id] = steps
    return timelines


# --- entries: what a person reads ----------------------------------------------------------------


@dataclass
class AuditChange:
    """One field of an entry: its label, the value before (None for a created object) and after."""

    field: str
    old: str | None
    new: str


@dataclass
class AuditEntry:
    """One user action on one object (审计记录): the events of one request, folded together."""

    at: datetime
    user: object
    ip: str | None
    request_id: str | None
    action: str
    model: str
    object_type: str
    object_id: str
    label: str
    organisation: str | None
    changes: list[AuditChange] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def action_colour(self) -> str:
        return ACTION_COLOURS.get(self.action, "secondary")


ACTION_LABELS = {
    "insert": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "delete": gettext_lazy("Deleted"),
}
ACTION_COLOURS = {"insert": "green", "update": "blue", "delete": "red"}
# Fields that name an object, in the order they are tried.
_NAME_FIELDS = ("name", "title", "full_name", "username", "number", "filing_number", "code")


def _grouped(queryset: QuerySet) -> QuerySet:
    """Events annotated with their entry: the request (pghistory context) and the object they concern."""
    children = tracking.parents()
    subject_model = Case(
        *(When(pgh_obj_model=child, then=Value(parent.model)) for child, parent in children.items()),
        default=F("pgh_obj_model"),
        output_field=CharField(),
    )
    subject_id = Case(
        *(
            When(pgh_obj_model=child, then=KeyTextTransform(parent.field, "pgh_data"))
            for child, parent in children.items()
        ),
        default=F("pgh_obj_id"),
        output_field=TextField(),
    )
    return queryset.annotate(
        entry_context=Coalesce(Cast("pgh_context_id", TextField()), F("pgh_slug")),
        subject_model=subject_model,
        subject_id=subject_id,
    )


def audit_entry_groups(events: QuerySet[AuditEvent]) -> QuerySet:
    """One row per entry of ``events`` (``audit_log``), newest first: what a page paginates."""
    return (
        _grouped(events)
        .values("entry_context", "subject_model", "subject_id")
        .annotate(at=Max("pgh_created_at"))
        .order_by("-at", "subject_model", "subject_id")
    )


def audit_entries(*, events: QuerySet[AuditEvent], groups) -> list[AuditEntry]:
    """The readable entries of one page of ``audit_entry_groups``: a fixed number of queries.

    One query for the page's events, then one per kind of object their references name.
    """
    groups = list(groups)
    if not groups:
        return []
    condition = Q()
    for group in groups:
        condition |= Q(
            entry_context=group["entry_context"],
            subject_model=group["subject_model"],
            subject_id=group["subject_id"],
        )
    by_group: dict[tuple, list] = {}
    for event in _grouped(events).filter(condition).order_by("pgh_created_at", "pgh_id"):
        by_group.setdefault((event.entry_context, event.subject_model, event.subject_id), []).append(event)
    drafts = [
        _Draft(
            group["subject_model"],
            group["subject_id"],
            by_group.get((group["entry_context"], group["subject_model"], group["subject_id"]), []),
        )
        for group in groups
    ]
    names = _Names(drafts)
    return [draft.entry(names) for draft in drafts if draft.events]


def _display(field_object, value, names: "_Names") -> str:
    """A stored value as a person reads it: names for references, labels for choices, 是/否, local time."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field_object is None:
        return str(value)
    if field_object.is_relation and field_object.many_to_one:
        return names.get(field_object.related_model, value)
    if field_object.choices:
        return str(dict(field_object.flatchoices).get(value, value))
    if isinstance(field_object, ArrayField):
        choices = dict(field_object.base_field.flatchoices) if field_object.base_field.choices else {}
        return "、".join(str(choices.get(item, item)) for item in value)
    if isinstance(field_object, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return date_format(timezone.localtime(moment), "Y-m-d H:i")
    if isinstance(field_object, models.JSONField):
        return "" if not value else str(value)
    return str(value)


class _Names:
    """Names of the objects a page's entries refer to: one query per kind of object."""

    def __init__(self, drafts):
        wanted: dict[type, set] = {}
        for draft in drafts:
            draft.collect(wanted)
        self._names: dict[type, dict] = {}
        for model, ids in wanted.items():
            ids = {str(pk) for pk in ids if pk not in (None, "")}
            if ids:
                self._names[model] = _load_names(model, ids)

    def get(self, model, pk, default=None) -> str:
        found = self._names.get(model, {}).get(str(pk))
        if found is not None:
            return found
        return default if default is not None else f"#{pk}"


def _name_field(model) -> str | None:
    names = {field.name for field in model._meta.concrete_fields}
    return next((name for name in _NAME_FIELDS if name in names), None)


def _load_names(model, ids: set[str]) -> dict[str, str]:
    if model is get_user_model():
        rows = model.objects.filter(pk__in=ids).values_list("pk", "full_name", "username")
        return {str(pk): full_name or username for pk, full_name, username in rows}
    name = _name_field(model)
    if name is None:
        return {
            str(pk): f"{model._meta.verbose_name} #{pk}"
            for pk in model.objects.filter(pk__in=ids).values_list("pk", flat=True)
        }
    return {str(pk): str(value) for pk, value in model.objects.filter(pk__in=ids).values_list("pk", name)}


class _Draft:
    """The events of one entry, sorted oldest first, before names are known."""

    def __init__(self, subject_model: str, subject_id: str, events: list):
        self.model = tracking.model_for(subject_model)
        self.model_label = subject_model
        self.subject_id = subject_id
        self.events = events
        self.own = [event for event in events if event.pgh_obj_model == subject_model]
        self.children = [event for event in events if event.pgh_obj_model != subject_model]

    def _fields(self, model) -> dict:
        return tracking.visible_fields(model) if model is not None else {}

    def collect(self, wanted: dict) -> None:
        """Registers the ids this entry needs named."""
        if self.model is None:
            return
        if not self.own or _name_field(self.model) is None:
            wanted.setdefault(self.model, set()).add(self.subject_id)
        for event in self.events:
            model = tracking.model_for(event.pgh_obj_model)
            fields = self._fields(model)
            data = event.pgh_data or {}
            before = {key: pair[0] for key, pair in (event.pgh_diff or {}).items()}
            for key, field_object in fields.items():
                if field_object.many_to_one:
                    for value in (data.get(key), before.get(key)):
                        if value is not None:
                            wanted.setdefault(field_object.related_model, set()).add(value)

    def _label(self, names: _Names) -> str:
        if self.own:
            data = self.own[-1].pgh_data or {}
            name = _name_field(self.model) if self.model is not None else None
            if name and data.get(name):
                return str(data[name])
            if self.model is not None:
                fields = self._fields(self.model)
                parts = [
                    _display(fields[key], data.get(key), names)
                    for key in fields
                    if fields[key].many_to_one or fields[key].choices
                ][:3]
                if parts:
                    return " · ".join(parts)
        if self.model is None:
            return f"#{self.subject_id}"
        return names.get(self.model, self.subject_id)

    def _organisation(self, names: _Names) -> str | None:
        """The institution the object belongs to: the first reference to one (a membership's
        organisation, an achievement's filing institution), named with the page's other names."""
        if self.model is Organisation:
            return None
        for event in (*self.own[-1:], *self.children):
            fields = self._fields(tracking.model_for(event.pgh_obj_model))
            for key, field_object in fields.items():
                value = (event.pgh_data or {}).get(key)
                if field_object.many_to_one and field_object.related_model is Organisation and value:
                    return names.get(Organisation, value)
        return None

    def _action(self) -> str:
        if not self.own:
            return "update"
        if self.own[-1].pgh_label == "delete":
            return "delete"
        if self.own[0].pgh_label == "insert":
            return "insert"
        return "update"

    def _own_changes(self, action: str, names: _Names) -> list[AuditChange]:
        fields = self._fields(self.model)
        final = self.own[-1].pgh_data or {}
        if action == "delete":
            return []
        if action == "insert":
            return [
                AuditChange(
                    capfirst(field_object.verbose_name), None, _display(field_object, final.get(key), names)
                )
                for key, field_object in fields.items()
                if final.get(key) not in (None, "", [], {}, False)
            ]
        before: dict = {}
        for event in self.own:
            for key, (old, _new) in (event.pgh_diff or {}).items():
                before.setdefault(key, old)
        return [
            AuditChange(
                capfirst(field_object.verbose_name),
                _display(field_object, before[key], names),
                _display(field_object, final.get(key), names),
            )
            for key, field_object in fields.items()
            if key in before and before[key] != final.get(key)
        ]

    def _child_changes(self, names: _Names) -> list[AuditChange]:
        changes = []
        by_model: dict[str, list] = {}
        for event in self.children:
            by_model.setdefault(event.pgh_obj_model, []).append(event)
        for label, events in by_model.items():
            parent = tracking.parents().get(label)
            model = tracking.model_for(label)
            if parent is None or model is None:
                continue
            fields = {key: value for key, value in self._fields(model).items() if key != parent.field}
            if parent.item_field:
                fields = {parent.item_field: model._meta.get_field(parent.item_field)}

            def content(data: dict, fields=fields) -> tuple:
                return tuple(str(data.get(key)) for key in fields)

            def item(data: dict, fields=fields) -> str:
                values = [
                    _display(field_object, data.get(key), names) for key, field_object in fields.items()
                ]
                return " · ".join(value for value in values if value != "—")

            removed, added = [], []
            for event in events:
                data = event.pgh_data or {}
                if event.pgh_label == "delete":
                    removed.append(data)
                elif event.pgh_label == "insert":
                    added.append(data)
                else:
                    previous = {**data, **{key: pair[0] for key, pair in (event.pgh_diff or {}).items()}}
                    removed.append(previous)
                    added.append(data)
            # A row deleted and recreated with the same content (a save rewriting them all) is no change.
            for data in list(removed):
                match = next((other for other in added if content(other) == content(data)), None)
                if match is not None:
                    removed.remove(data)
                    added.remove(match)
            if removed or added:
                changes.append(
                    AuditChange(
                        capfirst(parent.label),
                        "、".join(item(data) for data in removed) or "—",
                        "、".join(item(data) for data in added) or "—",
                    )
                )
        return changes

    def entry(self, names: _Names) -> AuditEntry:
        last = self.events[-1]
        action = self._action()
        changes = self._own_changes(action, names) if self.own else []
        changes += self._child_changes(names)
        return AuditEntry(
            at=timezone.localtime(last.pgh_created_at),
            user=next((event.user for event in reversed(self.events) if event.user is not None), None),
            ip=last.ip,
            request_id=last.request_id,
            action=action,
            model=self.model_label,
            object_type=capfirst(self.model._meta.verbose_name)
            if self.model is not None
            else self.model_label,
            object_id=self.subject_id,
            label=self._label(names),
            organisation=self._organisation(names),
            changes=changes,
        )
