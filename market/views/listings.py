"""Pages of listings (挂牌): the public market with search and filters, a listing's page with its
publicity countdown and objections, the listing form, "my listings" and the officials' objection queue.

Views are thin: a form checks the input, a selector reads (what the user may not see is a 404), a
permission check turns away the rest (403), one service writes, and the page redirects with a message.
A service's ``ValidationError`` is shown on the form next to the field it names.
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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from achievements.selectors import filings as achievement_selectors
from core.forms import add_service_errors
from core.permissions import require
from institutions.choices import ClassificationScheme
from institutions.models import Classification, Organisation
from institutions.roles import actor_roles
from institutions.selectors import organisations as institution_selectors
from market import actions, policies
from market.choices import OPEN_LISTING_STATUSES, SERVICE_MODES, ListingStatus
from market.forms import listings as forms
from market.selectors import listings as selectors
from market.services import listings as services
from market.views import matching as matching_views

PAGE_SIZE = 20


def _render_fragment_or_page(request, *, page: str, fragment: str, context: dict):
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, fragment if partial else page, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _technology_fields() -> list[Classification]:
    return list(
        Classification.objects.filter(scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True).order_by(
            "code"
        )
    )


# --- The public market --------------------------------------------------------------------------


@require_GET
def listing_list(request):
    form = forms.ListingFilterForm(
        request.GET, regions=list(institution_selectors.region_list()), fields=_technology_fields()
    )
    form.is_valid()
    listings = selectors.listing_public_list(
        actor=request.user, filters=form.selector_filters(), q=form.query, ordering=form.selected_ordering
    )
    context = {"form": form, "page_obj": _page(request, listings)}
    return _render_fragment_or_page(
        request, page="market/listings/list.html", fragment="market/listings/_results.html", context=context
    )


# --- A listing's page and its workflow ----------------------------------------------------------


def _detail_page(request, listing, *, status: int = 200, **forms_in_context):
    # The buttons are the listing's actions (the API's ``actions``); reading every objection is not one.
    permissions = {
        **actions.LISTING_ACTIONS.may(request.user, listing),
        "see_objections": selectors.may_see_objections(request.user, listing),
    }
    objections = list(selectors.listing_objections(actor=request.user, listing=listing))
    context = {
        "listing": listing,
        "may": permissions,
        "objections": objections,
        "signing_blocker": policies.signing_blocker(
            listing_status=listing.status,
            publicity_ends_at=listing.publicity_ends_at,
            open_objections=listing.open_objection_count,
            now=timezone.now(),
        ),
        "withdraw_form": forms_in_context.get("withdraw_form") or forms.WithdrawForm(),
        "objection_form": forms_in_context.get("objection_form") or forms.ObjectionForm(),
        "resolve_form": forms.ResolveForm(),
        "match_panel": matching_views.listing_panel(request.user, listing),
        # A visitor is offered to sign in and come back where a buyer's member would inquire.
        "sign_in_to_inquire": not request.user.is_authenticated and listing.status in OPEN_LISTING_STATUSES,
    }
    return render(request, "market/listings/detail.html", context, status=status)


@require_GET
def listing_detail(request, pk: int):
    listing = selectors.listing_get(pk=pk, actor=request.user)
    return _detail_page(request, listing)


@login_required
@require_POST
def listing_publish(request, pk: int):
    listing = selectors.listing_get(pk=pk, actor=request.user)
    require(request.user, "market.change_listing", listing)
    try:
        services.listing_publish(actor=request.user, listing=listing)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The listing is published; its publicity period has started."))
    return redirect("market:listing-detail", pk=listing.pk)


@login_required
@require_POST
def listing_withdraw(request, pk: int):
    listing = selectors.listing_get(pk=pk, actor=request.user)
    if not (
        request.user.has_perm("market.change_listing", listing)
        or request.user.has_perm("market.moderate_listing", listing)
    ):
        raise PermissionDenied
    form = forms.WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.listing_withdraw(actor=request.user, listing=listing, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The listing has been withdrawn."))
            return redirect("market:listing-detail", pk=listing.pk)
    return _detail_page(request, listing, withdraw_form=form, status=400)


@login_required
@require_POST
def objection_file(request, pk: int):
    listing = selectors.listing_get(pk=pk, actor=request.user)
    require(request.user, "market.file_objection", listing)
    form = forms.ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.objection_file(actor=request.user, listing=listing, reasons=form.cleaned_data["reasons"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Your objection has been filed; the officials over the seller decide it.")
            )
            return redirect("market:listing-detail", pk=listing.pk)
    return _detail_page(request, listing, objection_form=form, status=400)


# --- Creating and editing -----------------------------------------------------------------------


def _listing_institutions(user, *, achievement=None):
    roles = actor_roles(user)
    ids = (roles.member_of & roles.institution_of) | roles.partner_of
    queryset = Organisation.objects.filter(is_active=True).order_by("name")
    if not roles.is_platform_admin:
        queryset = queryset.filter(pk__in=ids)
    if achievement is not None:
        owners = {achievement.filing_institution_id} | {
            owner.organisation_id for owner in achievement.owners.all()
        }
        queryset = queryset.filter(pk__in=owners)
    else:
        queryset = queryset.filter(is_transfer_institution=True)
    return list(queryset.only("pk", "name", "region_id", "is_transfer_institution"))


@login_required
@require_http_methods(["GET", "POST"])
def listing_create(request):
    achievement = None
    achievement_pk = request.GET.get("achievement") or request.POST.get("achievement")
    if achievement_pk:
        if not str(achievement_pk).isdigit():
            raise PermissionDenied
        achievement = achievement_selectors.achievement_get(pk=int(achievement_pk), actor=request.user)
    institutions = _listing_institutions(request.user, achievement=achievement)
    if not institutions:
        raise PermissionDenied(_("You cannot list this on the market for any institution you work for."))
    choices = Organisation.objects.filter(pk__in=[institution.pk for institution in institutions])
    if request.method == "POST":
        form = forms.ListingForm(request.POST, institutions=choices, service_only=achievement is None)
        if form.is_valid():
            institution = form.cleaned_data["institution"]
            try:
                listing = services.listing_create(
                    actor=request.user,
                    institution=institution,
                    data=form.service_data(),
                    achievement=achievement,
                    submission_key=form.sent_submission_key,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The listing has been saved as a draft. Publish it to start its publicity.")
                )
                return redirect("market:listing-detail", pk=listing.pk)
    else:
        initial = {"institution": institutions[0].pk if len(institutions) == 1 else None}
        if achievement is not None:
            initial.update(
                title=achievement.title,
                summary=achievement.summary,
                keywords=", ".join(achievement.keywords),
                technology_field=achievement.technology_field_id,
                trl=achievement.trl,
            )
        else:
            initial["transaction_mode"] = SERVICE_MODES[0]
        form = forms.ListingForm(initial=initial, institutions=choices, service_only=achievement is None)
    context = {"form": form, "achievement": achievement, "listing": None}
    return render(request, "market/listings/form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request, pk: int):
    listing = selectors.listing_get(pk=pk, actor=request.user)
    require(request.user, "market.change_listing", listing)
    service_only = listing.achievement_id is None
    if request.method == "POST":
        form = forms.ListingForm(request.POST, service_only=service_only)
        if form.is_valid():
            try:
                services.listing_update(actor=request.user, listing=listing, data=form.service_data())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The listing has been saved."))
                return redirect("market:listing-detail", pk=listing.pk)
    else:
        if listing.status not in policies.LISTING_EDITABLE_STATUSES:
            messages.error(request, _("Only draft listings can be edited."))
            return redirect("market:listing-detail", pk=listing.pk)
        form = forms.ListingForm(initial=forms.ListingForm.initial_from(listing), service_only=service_only)
    context = {"form": form, "achievement": listing.achievement, "listing": listing}
    return render(request, "market/listings/form.html", context, status=400 if form.errors else 200)


# --- My listings and the objection queue --------------------------------------------------------


@login_required
@require_GET
def my_listings(request):
    status = request.GET.get("status", "")
    if status not in ListingStatus.values:
        status = ""
    counts = dict(
        selectors.listing_my_list(actor=request.user)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    listings = selectors.listing_my_list(actor=request.user, filters={"status": [status]} if status else None)
    tabs = [("", _("All"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in ListingStatus.choices
    ]
    roles = actor_roles(request.user)
    context = {
        "page_obj": _page(request, listings),
        "status": status,
        "tabs": tabs,
        "may_create": bool((roles.member_of & roles.institution_of) | roles.partner_of),
    }
    return render(request, "market/listings/mine.html", context)


@login_required
@require_GET
def objection_queue(request):
    roles = actor_roles(request.user)
    if not (roles.is_official or roles.is_platform_admin):
        raise PermissionDenied
    queue = selectors.objection_queue(actor=request.user)
    context = {"page_obj": _page(request, queue), "resolve_form": forms.ResolveForm()}
    return render(request, "market/listings/objection_queue.html", context)


@login_required
@require_POST
def objection_resolve(request, pk: int):
    objection = selectors.objection_get(pk=pk, actor=request.user)
    require(request.user, "market.resolve_objection", objection)
    form = forms.ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.objection_resolve(
                actor=request.user,
                objection=objection,
                upheld=form.upheld,
                resolution=form.cleaned_data["resolution"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The objection has been upheld and the listing withdrawn.")
                if form.upheld
                else _("The objection has been dismissed."),
            )
    else:
        messages.error(request, _("Choose a decision and give the resolution."))
    return redirect("market:objection-queue")
