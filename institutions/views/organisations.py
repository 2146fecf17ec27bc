"""Pages of the institution network: directory, institution page, network tree, and the forms that
officials and institution admins use. Views are thin: a form validates, a selector reads (applying
visibility), a service writes (checking permission), and the page redirects with a message.
"""

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.forms import add_service_errors
from core.permissions import require
from institutions import forms, rules, services
from institutions.actions import DESIGNATION_ACTIONS, MEMBERSHIP_ACTIONS, ORGANISATION_ACTIONS
from institutions.choices import INSTITUTION_KINDS, DesignationStatus, RegionLevel
from institutions.models import Designation, Membership, Organisation
from institutions.roles import actor_roles
from institutions.selectors import audit
from institutions.selectors import organisations as selectors

DIRECTORY_PAGE_SIZE = 20

# The button of each designation action (``DESIGNATION_ACTIONS``): the status it moves to and its label.
DESIGNATION_BUTTONS = {
    "approve": (DesignationStatus.APPROVED, gettext_lazy("Approve")),
    "activate": (DesignationStatus.ACTIVE, gettext_lazy("Activate")),
    "reinstate": (DesignationStatus.ACTIVE, gettext_lazy("Reinstate")),
    "warn": (DesignationStatus.WARNED, gettext_lazy("Warn")),
    "revoke": (DesignationStatus.REVOKED, gettext_lazy("Revoke")),
}


def _render_fragment_or_page(request, *, page: str, fragment: str, context: dict):
    """An htmx request gets only the part it swaps in; everything else (no JS, reload) the whole page."""
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, fragment if partial else page, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- Directory and network ---------------------------------------------------------------------


@require_GET
def directory(request):
    roles = actor_roles(request.user)
    form = forms.DirectoryFilterForm(
        request.GET, regions=list(selectors.region_list()), may_scope=roles.is_official
    )
    form.is_valid()
    organisations = selectors.organisation_list(
        actor=request.user,
        filters=form.selector_filters(),
        scope=form.selected_scope,
        ordering=form.selected_ordering,
    )
    page_obj = Paginator(organisations, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page_obj, "in_jurisdiction": bool(form.selected_scope)}
    return _render_fragment_or_page(
        request,
        page="institutions/directory.html",
        fragment="institutions/_directory_results.html",
        context=context,
    )


@require_GET
def county_options(request):
    """The ``<option>``s of a city's counties, for the directory's county select (htmx)."""
    city = request.GET.get("city", "")
    counties = []
    if len(city) == 6 and city.isdigit() and city.endswith("00") and not city.endswith("0000"):
        counties = selectors.region_list(filters={"parent": city, "level": RegionLevel.COUNTY})
    return render(request, "institutions/_county_options.html", {"counties": counties, "city": city})


@require_GET
def region_options(request):
    """``<option>``s of the regions of China matching what was typed (code or name), for the datalist of
    a contract party's region code (htmx sends the input under its own name: any one parameter)."""
    text = next((value for value in request.GET.values() if value.strip()), "")
    regions = selectors.region_search(text=text)
    return render(request, "institutions/_region_options.html", {"regions": regions})


def directory_url(region) -> str:
    """The directory filtered to a region (a city, or a county with its city)."""
    if region.level == RegionLevel.COUNTY:
        query = {"city": region.parent_id, "county": region.code}
    elif region.level == RegionLevel.CITY:
        query = {"city": region.code}
    else:
        query = {}
    url = reverse("institutions:directory")
    return f"{url}?{urlencode(query)}" if query else url


@require_GET
def network(request, code: str | None = None):
    region = selectors.region_get(code=code) if code else selectors.region_province()
    if region.level == RegionLevel.COUNTY:
        return redirect(directory_url(region))
    level = selectors.network_level(actor=request.user, region=region)
    nodes = level.nodes
    rows = [
        {
            "node": node,
            "url": (
                reverse("institutions:network_region", args=[node.region.code])
                if node.region.level == RegionLevel.CITY
                else directory_url(node.region)
            ),
        }
        for node in nodes
    ]
    breadcrumbs = []
    ancestor = region.parent
    while ancestor is not None:
        breadcrumbs.insert(0, ancestor)
        ancestor = ancestor.parent
    chart = [
        {
            "name": row["node"].region.name,
            "institutions": row["node"].institution_count,
            "transfer": row["node"].transfer_institution_count,
            "url": row["url"],
        }
        for row in rows
    ]
    context = {
        "region": region,
        "rows": rows,
        "breadcrumbs": breadcrumbs,
        "chart": chart,
        "region_directory_url": directory_url(region),
        "own_level": level,
        "total_institutions": level.own_institution_count + sum(node.institution_count for node in nodes),
        "total_transfer": level.own_transfer_institution_count
        + sum(node.transfer_institution_count for node in nodes),
    }
    return render(request, "institutions/network.html", context)


# --- The institution page ----------------------------------------------------------------------


@require_GET
def organisation_detail(request, pk: int):
    organisation = selectors.organisation_get(pk=pk, actor=request.user)
    timelines = audit.designation_timelines(organisation.all_designations)
    designations = [
        {"designation": designation, "timeline": timelines.get(designation.pk, [])}
        for designation in organisation.all_designations
    ]
    context = {
        "organisation": organisation,
        "designations": designations,
        "can": ORGANISATION_ACTIONS.may(request.user, organisation),
        "directory_url": directory_url(organisation.region),
        # Its filings in the public achievement database (``/achievements/?institution=``).
        "files_achievements": organisation.kind in INSTITUTION_KINDS,
    }
    return render(request, "institutions/detail.html", context)


# --- Registering and editing -------------------------------------------------------------------


@login_required
def organisation_create(request):
    require(request.user, "institutions.add_organisation")
    form = forms.OrganisationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=request.user,
                data=form.service_data(),
                service_fields=form.cleaned_data["service_fields"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s has been registered.") % {"name": organisation.name})
            return redirect("institutions:detail", pk=organisation.pk)
    return render(request, "institutions/form.html", {"form": form, "organisation": None})


@login_required
def organisation_edit(request, pk: int):
    organisation = selectors.organisation_get(pk=pk, actor=request.user)
    require(request.user, "institutions.change_organisation", organisation)
    # The form works on a copy so that a rejected edit never touches the object the service checks.
    form = forms.OrganisationForm(request.POST or None, instance=copy(organisation), actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=request.user,
                organisation=organisation,
                data=form.service_data(),
                service_fields=form.cleaned_data["service_fields"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("institutions:detail", pk=organisation.pk)
    context = {
        "form": form,
        "organisation": organisation,
        "can": ORGANISATION_ACTIONS.may(request.user, organisation),
    }
    return render(request, "institutions/form.html", context)


# --- Members -----------------------------------------------------------------------------------


def _members_page(request, organisation: Organisation, add_form, status: int = 200):
    memberships = list(selectors.membership_list(organisation=organisation))
    for membership in memberships:
        membership.actions = MEMBERSHIP_ACTIONS.may(request.user, membership)
    context = {
        "organisation": organisation,
        "memberships": memberships,
        "add_form": add_form,
        "role_form": forms.MembershipRoleForm(),
        "can": ORGANISATION_ACTIONS.may(request.user, organisation),
    }
    return render(request, "institutions/members.html", context, status=status)


def _member_of(organisation: Organisation, membership_pk: int) -> Membership:
    membership = selectors.membership_list(organisation=organisation).filter(pk=membership_pk).first()
    if membership is None:
        raise Http404
    return membership


@login_required
def members(request, pk: int):
    organisation = selectors.organisation_get(pk=pk, actor=request.user)
    rules.require_manage_members(request.user, organisation)
    add_form = forms.MembershipAddForm(request.POST or None)
    if request.method == "POST" and add_form.is_valid():
        try:
            membership = services.membership_add(
                actor=request.user,
                organisation=organisation,
                user=add_form.cleaned_data["username"],
                role=add_form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(add_form, error, aliases={"user": "username"})
        except rules.SeparationOfDuties as refusal:
            add_form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("%(user)s is now a member (%(role)s).")
                % {"user": membership.user.display_name, "role": membership.get_role_display()},
            )
            return redirect("institutions:members", pk=organisation.pk)
    return _members_page(request, organisation, add_form)


@login_required
@require_POST
def member_change_role(request, pk: int, membership_pk: int):
    organisation = selectors.organisation_get(pk=pk, actor=request.user)
    rules.require_manage_members(request.user, organisation)
    membership = _member_of(organisation, membership_pk)
    form = forms.MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            membership = services.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except rules.SeparationOfDuties as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s.")
                % {"user": membership.user.display_name, "role": membership.get_role_display()},
            )
    return redirect("institutions:members", pk=organisation.pk)


@login_required
@require_POST
def member_remove(request, pk: int, membership_pk: int):
    organisation = selectors.organisation_get(pk=pk, actor=request.user)
    rules.require_manage_members(request.user, organisation)
    membership = _member_of(organisation, membership_pk)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(user)s is no longer a member.") % {"user": membership.user.display_name}
        )
    return redirect("institutions:members", pk=organisation.pk)


# --- Designations ------------------------------------------------------------------------------


def _status_form_prefix(designation: Designation) -> str:
    return f"designation-{designation.pk}"


def _designations_page(request, organisation, grant_form, failed_status_form=None, failed_pk=None):
    timelines = audit.designation_timelines(organisation.all_designations)
    rows = []
    for designation in organisation.all_designations:
        form = (
            failed_status_form
            if designation.pk == failed_pk
            else forms.DesignationStatusForm(prefix=_status_form_prefix(designation))
        )
        # A title of another level offers nothing: its own authority decides it (rules.py).
        actions = [
            DESIGNATION_BUTTONS[name] for name in DESIGNATION_ACTIONS.allowed(request.user, designation)
        ]
        rows.append(
            {
                "designation": designation,
                "form": form,
                "actions": actions,
                "timeline": timelines.get(designation.pk, []),
            }
        )
    context = {
        "organisation": organisation,
        "rows": rows,
        "grant_form": grant_form,
        "may_grant": bool(grant_form.fields["level"].choices),
        "can": ORGANISATION_ACTIONS.may(request.user, organisation),
    }
    status = 400 if (failed_status_form is not None or grant_form.errors) else 200
    return render(request, "institutions/designations.html", context, status=status)


def _grant_form(request, organisation, data=None) -> forms.DesignationGrantForm:
    """The grant form, offering only the levels the user may grant to this institution."""
    return forms.DesignationGrantForm(data, levels=rules.designation_levels_for(request.user, organisation))


@login_required
def designations(request, pk: int):
    organisation = selectors.organisation_get(pk=pk, actor=request.user)
    require(request.user, "institutions.manage_designations", organisation)
    grant_form = _grant_form(request, organisation, request.POST or None)
    if request.method == "POST" and grant_form.is_valid():
        try:
            designation = services.designation_grant(
                actor=request.user, organisation=organisation, **grant_form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(grant_form, error)
        else:
            messages.success(
                request,
                _("%(title)s recorded for %(year)s.")
                % {"title": designation.get_level_display(), "year": designation.year_granted},
            )
            return redirect("institutions:designations", pk=organisation.pk)
    return _designations_page(request, organisation, grant_form)


@login_required
@require_POST
def designation_change_status(request, pk: int, designation_pk: int):
    organisation = selectors.organisation_get(pk=pk, actor=request.user)
    require(request.user, "institutions.manage_designations", organisation)
    designation = next((d for d in organisation.all_designations if d.pk == designation_pk), None)
    if designation is None:
        raise Http404
    form = forms.DesignationStatusForm(request.POST, prefix=_status_form_prefix(designation))
    if form.is_valid():
        try:
            designation = services.designation_change_status(
                actor=request.user,
                designation=designation,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(title)s is now %(status)s.")
                % {"title": designation.get_level_display(), "status": designation.get_status_display()},
            )
            return redirect("institutions:designations", pk=organisation.pk)
    return _designations_page(
        request,
        organisation,
        _grant_form(request, organisation),
        failed_status_form=form,
        failed_pk=designation.pk,
    )
