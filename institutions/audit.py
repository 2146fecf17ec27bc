"""Reading the audit trail: what changed, when, by whom, from where (DESIGN.md, Audit).

Platform admins read everything; officials read the history of organisations in their
jurisdiction (and of the memberships and designations that reference them).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from institutions.models import AuditEvent, Organisation
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
