"""Audit trail pages: an institution's history and the audit log (审计日志; DESIGN.md, Audit).

``institutions.selectors.audit`` decides who may read which events and turns them into entries a
person reads (one per user action, field labels, names, local time); these views only paginate,
filter and render them.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from institutions import exporting
from institutions.actions import ORGANISATION_ACTIONS
from institutions.filters import AuditEventFilterSet
from institutions.models import AuditEvent
from institutions.selectors import audit
from institutions.selectors import organisations as selectors

AUDIT_PAGE_SIZE = 25


def _page(request, events):
    page_obj = Paginator(audit.audit_entry_groups(events), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return page_obj, audit.audit_entries(events=events, groups=page_obj.object_list)


def _filters(request) -> dict:
    return {name: request.GET[name] for name in AuditEventFilterSet.base_filters if request.GET.get(name)}


@login_required
@require_GET
def organisation_history(request, pk: int):
    organisation = selectors.organisation_get(pk=pk, actor=request.user)
    events = audit.organisation_history(actor=request.user, organisation=organisation)
    page_obj, entries = _page(request, events)
    context = {
        "organisation": organisation,
        "page_obj": page_obj,
        "rows": entries,
        "can": ORGANISATION_ACTIONS.may(request.user, organisation),
    }
    return render(request, "institutions/history.html", context)


@login_required
@require_GET
def audit_log(request):
    filters = _filters(request)
    events = audit.audit_log(actor=request.user, filters=filters)
    page_obj, entries = _page(request, events)
    filterset = AuditEventFilterSet(filters or None, queryset=AuditEvent.objects.none(), request=request)
    context = {
        "page_obj": page_obj,
        "rows": entries,
        "filter_form": filterset.form,
        "filtered": bool(filters),
    }
    return render(request, "audit/log.html", context)


@login_required
@require_GET
def audit_log_export(request):
    events = audit.audit_log(actor=request.user, filters=_filters(request))
    return exporting.export_response(events)
