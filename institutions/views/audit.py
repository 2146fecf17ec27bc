"""Audit trail pages: an institution's history and the audit log (审计日志; DESIGN.md, Audit).

``institutions.selectors.audit`` decides who may read which events; this module only turns events into table
rows, resolving the few ids a reader needs as names with at most one query per kind of object.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from institutions.actions import ORGANISATION_ACTIONS
from institutions.models import Classification, Organisation
from institutions.selectors import audit
from institutions.selectors import organisations as selectors

AUDIT_PAGE_SIZE = 25

ACTION_LABELS = {
    "insert": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "delete": gettext_lazy("Deleted"),
    "service_field.add": gettext_lazy("Service field added"),
    "service_field.remove": gettext_lazy("Service field removed"),
}
ACTION_COLOURS = {"insert": "green", "update": "blue", "delete": "red"}
# Bookkeeping columns that tell a reader nothing.
_HIDDEN_FIELDS = frozenset({"id", "created_at", "updated_at", "password_changed_at"})


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _display_value(field, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        choices = (
            dict(field.base_field.flatchoices)
            if isinstance(field, ArrayField) and field.base_field.choices
            else {}
        )
        return "、".join(str(choices.get(item, item)) for item in value)
    return str(value)


class _Names:
    """Names of the users, organisations and classifications the events on one page refer to."""

    def __init__(self, events):
        user_ids, organisation_ids, classification_ids = set(), set(), set()
        for event in events:
            data = event.pgh_data or {}
            if data.get("user_id"):
                user_ids.add(data["user_id"])
            if data.get("organisation_id"):
                organisation_ids.add(data["organisation_id"])
            if data.get("classification_id"):
                classification_ids.add(data["classification_id"])
        self.users = self._load(get_user_model(), user_ids, "username")
        self.organisations = self._load(Organisation, organisation_ids, "name")
        self.classifications = self._load(Classification, classification_ids, "name")

    @staticmethod
    def _load(model, ids, field: str) -> dict:
        if not ids:
            return {}
        return dict(model.objects.filter(pk__in=ids).values_list("pk", field))


def _object_label(event, model, names: _Names) -> str:
    data = event.pgh_data or {}
    model_name = model._meta.model_name if model is not None else ""
    if model_name == "membership":
        role = _display_value(_field(model, "role"), data.get("role"))
        user = names.users.get(data.get("user_id"), f"#{data.get('user_id')}")
        return _("%(user)s · %(role)s") % {"user": user, "role": role}
    if model_name == "designation":
        level = _display_value(_field(model, "level"), data.get("level"))
        return _("%(level)s (%(year)s)") % {"level": level, "year": data.get("year_granted", "")}
    if data.get("classification_id"):
        return names.classifications.get(data["classification_id"], f"#{data['classification_id']}")
    return str(data.get("name") or data.get("username") or f"#{event.pgh_obj_id}")


def audit_rows(events) -> list[dict]:
    """Table rows for a page of ``AuditEvent``s: when, who, from where, what, and what changed."""
    events = list(events)
    names = _Names(events)
    rows = []
    for event in events:
        model = _model(event.pgh_obj_model)
        if model is not None and model._meta.auto_created:
            # The service-field link table: name it after the field, not "Organisation-classification".
            what = Organisation._meta.get_field("service_fields").verbose_name
        else:
            what = model._meta.verbose_name if model is not None else event.pgh_obj_model
        changes = [
            {
                "field": getattr(_field(model, name), "verbose_name", name),
                "old": _display_value(_field(model, name), values[0]),
                "new": _display_value(_field(model, name), values[1]),
            }
            for name, values in audit.visible_changes(event).items()
            if name not in _HIDDEN_FIELDS
        ]
        organisation_id = (event.pgh_data or {}).get("organisation_id")
        rows.append(
            {
                "event": event,
                "user": event.user,
                "ip": event.ip,
                "what": what,
                "action": ACTION_LABELS.get(event.pgh_label, event.pgh_label),
                "action_colour": ACTION_COLOURS.get(event.pgh_label, "secondary"),
                "label": _object_label(event, model, names),
                "organisation": names.organisations.get(organisation_id),
                "changes": changes,
            }
        )
    return rows


@login_required
@require_GET
def organisation_history(request, pk: int):
    organisation = selectors.organisation_get(pk=pk, actor=request.user)
    events = audit.organisation_history(actor=request.user, organisation=organisation)
    page_obj = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "page_obj": page_obj,
        "rows": audit_rows(page_obj),
        "can": ORGANISATION_ACTIONS.may(request.user, organisation),
    }
    return render(request, "institutions/history.html", context)


@login_required
@require_GET
def audit_log(request):
    events = audit.audit_log(actor=request.user)
    page_obj = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page_obj": page_obj, "rows": audit_rows(page_obj)})
