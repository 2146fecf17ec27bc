"""Pages of technology demands (技术需求 / 难题): the public board, a demand's page with its workflow
actions, the demand form, an enterprise's demands and the officials' review queue.

Views are thin: a form checks the input, a selector reads (what the user may not see is a 404), a
permission check turns away the rest (403), one service writes, and the page redirects with a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.forms import add_service_errors
from core.permissions import require
from institutions.choices import ClassificationScheme
from institutions.models import Organisation
from institutions.roles import actor_roles
from institutions.selectors import organisations as institution_selectors
from market import actions, policies
from market.choices import DemandStatus
from market.forms import demands as forms
from market.models import Demand
from market.selectors import demands as selectors
from market.services import demands as services
from market.views import matching as matching_views

PAGE_SIZE = 20


def _technology_fields():
    return institution_selectors.classification_taxonomy(schemes=(ClassificationScheme.TECHNOLOGY_FIELD,))[
        ClassificationScheme.TECHNOLOGY_FIELD
    ]


def _with_countdown(demands: list[Demand]) -> list[Demand]:
    """Adds ``days_left`` (negative once the answer-by date has passed) for the deadline countdown."""
    today = timezone.localdate()
    for demand in demands:
        demand.days_left = (demand.deadline - today).days
    return demands


def _page(request, queryset):
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = _with_countdown(list(page_obj.object_list))
    return page_obj


def _render_fragment_or_page(request, *, page: str, fragment: str, context: dict):
    """An htmx request gets only the results it swaps in; everything else the whole page."""
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, fragment if partial else page, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- The public board ------------------------------------------------------------------------------


@require_GET
def demand_list(request):
    form = forms.DemandFilterForm(
        request.GET, regions=list(institution_selectors.region_list()), fields=_technology_fields()
    )
    form.is_valid()
    demands = selectors.demand_public_list(
        actor=request.user, filters=form.selector_filters(), q=form.query, ordering=form.selected_ordering
    )
    context = {"form": form, "page_obj": _page(request, demands)}
    return _render_fragment_or_page(
        request, page="market/demands/list.html", fragment="market/demands/_results.html", context=context
    )


# --- A demand's page and its workflow ----------------------------------------------------------------


def _detail_page(request, demand: Demand, *, return_form=None, close_form=None, status: int = 200):
    _with_countdown([demand])
    context = {
        "demand": demand,
        # the demand's actions (the API's ``actions``), and two readings that are not actions
        "can": {
            **actions.DEMAND_ACTIONS.may(request.user, demand),
            "close_needs_reason": not request.user.has_perm("market.change_demand", demand),
            "follow": request.user.has_perm("market.view_demand_review", demand),
        },
        "return_form": return_form or forms.DemandReturnForm(),
        "close_form": close_form or forms.DemandCloseForm(),
        "match_panel": matching_views.demand_panel(request.user, demand),
    }
    return render(request, "market/demands/detail.html", context, status=status)


@require_GET
def demand_detail(request, pk: int):
    demand = selectors.demand_get(pk=pk, actor=request.user)
    return _detail_page(request, demand)


def _workflow_action(request, pk: int, *, permission: str, service, success: str):
    demand = selectors.demand_get(pk=pk, actor=request.user)
    require(request.user, permission, demand)
    try:
        service(actor=request.user, demand=demand)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("market:demand-detail", pk=demand.pk)


@login_required
@require_POST
def demand_submit(request, pk: int):
    return _workflow_action(
        request,
        pk,
        permission="market.change_demand",
        service=services.demand_submit,
        success=_(
            "The demand has been submitted for review; the officials of your region have been notified."
        ),
    )


@login_required
@require_POST
def demand_approve(request, pk: int):
    return _workflow_action(
        request,
        pk,
        permission="market.review_demand",
        service=services.demand_approve,
        success=_("The demand is now on the public board; the enterprise has been notified."),
    )


@login_required
@require_POST
def demand_return(request, pk: int):
    demand = selectors.demand_get(pk=pk, actor=request.user)
    require(request.user, "market.review_demand", demand)
    form = forms.DemandReturnForm(request.POST)
    if form.is_valid():
        try:
            services.demand_return(actor=request.user, demand=demand, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The demand has been returned; the enterprise has been told why."))
            return redirect("market:demand-detail", pk=demand.pk)
    return _detail_page(request, demand, return_form=form, status=400)


@login_required
@require_POST
def demand_close(request, pk: int):
    demand = selectors.demand_get(pk=pk, actor=request.user)
    if not (
        request.user.has_perm("market.change_demand", demand)
        or request.user.has_perm("market.review_demand", demand)
    ):
        raise PermissionDenied
    form = forms.DemandCloseForm(request.POST)
    if form.is_valid():
        try:
            services.demand_close(actor=request.user, demand=demand, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The demand has been closed."))
            return redirect("market:demand-detail", pk=demand.pk)
    return _detail_page(request, demand, close_form=form, status=400)


# --- Posting and editing -----------------------------------------------------------------------------


def _posting_enterprises(user) -> list[Organisation]:
    """The enterprises the user may post demands for."""
    roles = actor_roles(user)
    if not roles.enterprise_of:
        return []
    return list(
        Organisation.objects.filter(pk__in=roles.enterprise_of, is_active=True).only(
            "pk", "name", "region_id"
        )
    )


@login_required
def demand_create(request):
    enterprises = _posting_enterprises(request.user)
    if not enterprises:
        raise PermissionDenied(_("Only members of an enterprise can post technology demands."))
    form = forms.DemandForm(request.POST or None, enterprises=enterprises, fields=_technology_fields())
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.demand_create(
                actor=request.user,
                enterprise=form.cleaned_data["enterprise"],
                data=form.service_data(),
                submission_key=form.sent_submission_key,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The draft has been saved. Submit it for review when it is complete.")
            )
            return redirect("market:demand-detail", pk=demand.pk)
    return render(request, "market/demands/form.html", {"form": form, "demand": None})


@login_required
def demand_edit(request, pk: int):
    demand = selectors.demand_get(pk=pk, actor=request.user)
    require(request.user, "market.change_demand", demand)
    if demand.status not in policies.DEMAND_EDITABLE_STATUSES:
        messages.info(
            request,
            _("Only drafts and returned demands can be edited; this one is %(status)s.")
            % {"status": demand.get_status_display()},
        )
        return redirect("market:demand-detail", pk=demand.pk)
    form = forms.DemandForm(
        request.POST or None, initial=forms.DemandForm.initial_for(demand), fields=_technology_fields()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_update(actor=request.user, demand=demand, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The demand has been saved."))
            return redirect("market:demand-detail", pk=demand.pk)
    return render(request, "market/demands/form.html", {"form": form, "demand": demand})


# --- My demands and the review queue -----------------------------------------------------------------


@login_required
@require_GET
def my_demands(request):
    status = request.GET.get("status", "")
    if status not in DemandStatus.values:
        status = ""
    counts = dict(
        selectors.demand_my_list(actor=request.user)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    demands = selectors.demand_my_list(actor=request.user, filters={"status": [status]} if status else None)
    tabs = [("", _("All"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in DemandStatus.choices
    ]
    context = {
        "page_obj": _page(request, demands),
        "status": status,
        "tabs": tabs,
        "may_post": bool(actor_roles(request.user).enterprise_of),
    }
    return render(request, "market/demands/mine.html", context)


@login_required
@require_GET
def review_queue(request):
    require(request.user, "market.view_demand_review_queue")
    queue = selectors.demand_review_queue(actor=request.user)
    return render(request, "market/demands/review_queue.html", {"page_obj": _page(request, queue)})
