"""Pages of the dual-use catalogues (plan clause （十二）): the published editions by kind, each edition as
a dated, printable page, and the desk where provincial officials and platform admins put a draft
together (search published dual-use achievements, add, reorder, remove) and publish it.

Views are thin: forms validate, the selectors in ``achievements.selectors.filings`` and ``catalogues`` read
(a draft is a 404 to anyone who may not manage catalogues), the services in ``catalogues`` write and
check the permission again, and each action redirects with a message.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from achievements.actions import CATALOGUE_ACTIONS, CATALOGUE_ENTRY_ACTIONS
from achievements.choices import AchievementStatus, CatalogueKind, CatalogueStatus, CooperationMode
from achievements.forms import catalogues as forms
from achievements.models import CatalogueEntry, DualUseCatalogue
from achievements.selectors import catalogues as catalogue_selectors
from achievements.selectors import filings as selectors
from achievements.services import catalogues
from core.forms import add_service_errors


def _may_manage(user) -> bool:
    return user.has_perm(catalogues.MANAGE_PERMISSION)


def _require_manager(user) -> None:
    if not _may_manage(user):
        raise PermissionDenied


def _entry_rows(entries, user) -> list[dict]:
    """What the catalogue table shows of each entry; cooperation modes as their labels; its buttons
    (``actions``, the API's ``actions`` of the entry)."""
    return [
        {
            "entry": entry,
            "actions": CATALOGUE_ENTRY_ACTIONS.may(user, entry),
            "achievement": entry.achievement,
            "modes": [
                CooperationMode(mode).label
                for mode in entry.achievement.cooperation_modes
                if mode in CooperationMode.values
            ],
            "is_available": entry.achievement.status == AchievementStatus.PUBLISHED,
        }
        for entry in entries
    ]


def _manage_url(catalogue: DualUseCatalogue, q: str = "") -> str:
    url = reverse("catalogues:manage", args=[catalogue.pk])
    return f"{url}?{urlencode({'q': q})}" if q else url


def _back(catalogue: DualUseCatalogue, q: str = ""):
    """Back to the desk while the catalogue is a draft; to its page once it is published."""
    if catalogue.status == CatalogueStatus.PUBLISHED:
        return redirect("catalogues:detail", pk=catalogue.pk)
    return redirect(_manage_url(catalogue, q))


def _show_errors(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- Reading ---------------------------------------------------------------------------------------


@require_GET
def catalogue_list(request):
    may_manage = _may_manage(request.user)
    found = list(catalogues.catalogue_overview(actor=request.user, include_drafts=may_manage))
    sections = [
        {
            "kind": kind,
            "label": label,
            "catalogues": [
                catalogue
                for catalogue in found
                if catalogue.kind == kind and catalogue.status == CatalogueStatus.PUBLISHED
            ],
        }
        for kind, label in CatalogueKind.choices
    ]
    drafts = [catalogue for catalogue in found if catalogue.status == CatalogueStatus.DRAFT]
    context = {"sections": sections, "drafts": drafts, "may_manage": may_manage}
    return render(request, "achievements/catalogue_list.html", context)


@require_GET
def catalogue_detail(request, pk: int):
    catalogue = catalogues.catalogue_get_with_entries(pk=pk, actor=request.user)
    can = CATALOGUE_ACTIONS.may(request.user, catalogue)
    context = {
        "catalogue": catalogue,
        "rows": _entry_rows(catalogue.entries.all(), request.user),
        "can": can,
        "may_manage": can["edit"],
        "site_address": settings.SITE_URL.rstrip("/"),
    }
    return render(request, "achievements/catalogue_detail.html", context)


# --- Putting a draft together ----------------------------------------------------------------------


@login_required
def catalogue_create(request):
    _require_manager(request.user)
    form = forms.CatalogueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue = catalogues.catalogue_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft catalogue has been created; now add achievements to it."))
            return redirect("catalogues:manage", pk=catalogue.pk)
    status = 400 if form.errors else 200
    return render(request, "achievements/catalogue_form.html", {"form": form}, status=status)


@login_required
def catalogue_manage(request, pk: int):
    """The draft's desk: its details (POST saves them), entries, the achievement search and publishing."""
    _require_manager(request.user)
    catalogue = catalogues.catalogue_get_with_entries(pk=pk, actor=request.user)
    if catalogue.status == CatalogueStatus.PUBLISHED:
        messages.info(request, _("This catalogue has been published and can no longer be changed."))
        return redirect("catalogues:detail", pk=catalogue.pk)
    form = forms.CatalogueForm(request.POST or None, instance=catalogue)
    if request.method == "POST" and form.is_valid():
        try:
            catalogues.catalogue_update(actor=request.user, catalogue=catalogue, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("catalogues:manage", pk=catalogue.pk)
    search_form = forms.CandidateSearchForm(request.GET)
    q = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    candidates = catalogues.catalogue_candidates(catalogue=catalogue, actor=request.user, q=q)
    context = {
        "catalogue": catalogue,
        "form": form,
        "search_form": search_form,
        "q": q,
        "candidates": candidates,
        "rows": _entry_rows(catalogue.entries.all(), request.user),
        "publish_form": forms.PublishForm(),
    }
    if request.htmx and not request.htmx.history_restore_request and request.method == "GET":
        response = render(request, "achievements/catalogue_candidates.html", context)
    else:
        response = render(
            request, "achievements/catalogue_manage.html", context, status=400 if form.errors else 200
        )
    patch_vary_headers(response, ("HX-Request",))
    return response


def _draft_for_action(request, pk: int) -> DualUseCatalogue:
    _require_manager(request.user)
    return catalogue_selectors.catalogue_get(pk=pk, actor=request.user)


def _entry_of(catalogue: DualUseCatalogue, entry_pk: int) -> CatalogueEntry:
    entry = (
        CatalogueEntry.objects.filter(catalogue=catalogue, pk=entry_pk).select_related("achievement").first()
    )
    if entry is None:
        raise Http404
    entry.catalogue = catalogue
    return entry


@login_required
@require_POST
def entry_add(request, pk: int):
    catalogue = _draft_for_action(request, pk)
    form = forms.EntryAddForm(request.POST)
    q = request.POST.get("q", "")[:100]
    if not form.is_valid():
        messages.error(request, _("Choose an achievement to add."))
        return _back(catalogue, q)
    achievement = (
        selectors.achievement_visible_queryset(actor=request.user)
        .filter(pk=form.cleaned_data["achievement"])
        .first()
    )
    if achievement is None:
        messages.error(request, _("That achievement does not exist or is not visible to you."))
        return _back(catalogue, q)
    try:
        catalogues.catalogue_add_entry(
            actor=request.user, catalogue=catalogue, achievement=achievement, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("“%(title)s” has been added.") % {"title": achievement.title})
    return _back(catalogue, q)


@login_required
@require_POST
def entry_remove(request, pk: int, entry_pk: int):
    catalogue = _draft_for_action(request, pk)
    entry = _entry_of(catalogue, entry_pk)
    try:
        catalogues.catalogue_remove_entry(actor=request.user, entry=entry)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("“%(title)s” has been removed.") % {"title": entry.achievement.title})
    return _back(catalogue)


@login_required
@require_POST
def entry_move(request, pk: int, entry_pk: int):
    catalogue = _draft_for_action(request, pk)
    entry = _entry_of(catalogue, entry_pk)
    form = forms.EntryMoveForm(request.POST)
    if not form.is_valid():
        return _back(catalogue)
    order = list(CatalogueEntry.objects.filter(catalogue=catalogue).values_list("pk", flat=True))
    index = order.index(entry.pk)
    other = index - 1 if form.cleaned_data["direction"] == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        try:
            catalogues.catalogue_reorder(actor=request.user, catalogue=catalogue, entry_ids=order)
        except ValidationError as error:
            _show_errors(request, error)
    return _back(catalogue)


@login_required
@require_POST
def catalogue_publish(request, pk: int):
    catalogue = _draft_for_action(request, pk)
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the publication date."))
        return _back(catalogue)
    try:
        catalogue = catalogues.catalogue_publish(
            actor=request.user, catalogue=catalogue, published_on=form.cleaned_data["published_on"]
        )
    except ValidationError as error:
        _show_errors(request, error)
        return _back(catalogue)
    messages.success(request, _("The catalogue has been published."))
    return redirect("catalogues:detail", pk=catalogue.pk)


@login_required
@require_POST
def catalogue_delete(request, pk: int):
    catalogue = _draft_for_action(request, pk)
    try:
        catalogues.catalogue_delete(actor=request.user, catalogue=catalogue)
    except ValidationError as error:
        _show_errors(request, error)
        return _back(catalogue)
    messages.success(request, _("The draft catalogue has been deleted."))
    return redirect("catalogues:list")
