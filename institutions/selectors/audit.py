"""Reading the audit trail: what changed, when, by whom, from where (DESIGN.md, Audit).

Platform admins read everything; officials read the history of organisations in their
jurisdiction (and of the memberships and designations that reference them).
"""

from itertools import groupby

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from institutions.choices import DesignationStatus
from institutions.models import AuditEvent, Designation, Organisation
from institutions.roles import actor_roles

# Changes that carry no meaning for a reader of the history.
HIDDEN_DIFF_FIELDS = frozenset({"updated_at", "password_changed_at", "hashed_key"})


def organisation_history(*, actor, organisation: Organisation) -> QuerySet[AuditEvent]:
    """Events of the organisation itself and of rows referencing it (members, designations, fields)."""
    if not actor.has_perm("institutions.view_history", organisation):
        raise PermissionDenied
    return AuditEvent.objects.references(organisation).select_related("user").order_by("-pgh_created_at")


def audit_log(*, actor) -> QuerySet[AuditEvent]:
    """The whole trail for platform admins; for officials, what concerns their jurisdiction."""
    roles = actor_roles(actor)
    if roles.is_platform_admin:
        queryset = AuditEvent.objects.all()
    elif roles.is_official:
        organisations = Organisation.objects.in_regions(roles.jurisdiction_prefixes)
        queryset = AuditEvent.objects.references(organisations)
    else:
        raise PermissionDenied
    return queryset.select_related("user").order_by("-pgh_created_at")


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
