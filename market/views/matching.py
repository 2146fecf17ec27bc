"""Pages of supply–demand matches (供需匹配): the 推荐匹配 panel on a demand's and a listing's page, the
match inbox (匹配收件箱) and the feedback a party gives on a match (有用 / 不相关).

Who sees a panel: the record's own party (members and brokers of its organisation, the listing's
brokers), the officials over it and platform admins; only the party gives feedback. Views are thin:
the selectors apply visibility (a match the user may not see is a 404), the service records feedback
(a non-party gets a 403), and a row is re-rendered for htmx or the page redirects without JS.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.forms import add_service_errors
from institutions.roles import actor_roles
from market.choices import DemandStatus, ListingStatus, MatchSide, MatchVerdict
from market.forms import matching as forms
from market.models import Demand, Listing, Match
from market.selectors import matching as selectors
from market.services import matching as services

PANEL_SIZE = 10
PAGE_SIZE = 20
LIVE_LISTING_STATUSES = (ListingStatus.PUBLICITY, ListingStatus.ACTIVE)


# --- rows -----------------------------------------------------------------------------------------


def _rows(matches, *, judging_side=None, side_of=None) -> list[Match]:
    """The matches with their explanation (``with_reasons``) and, for the row template:
    ``judging_side`` (the side the actor gives feedback for, or None: the row has no buttons),
    ``my_verdict`` (that side's current verdict) and ``feedback_form``. ``side_of(match)`` decides
    the side per row when it differs between rows (the inbox)."""
    rows = selectors.with_reasons(matches)
    for match in rows:
        side = side_of(match) if side_of else judging_side
        match.judging_side = side
        match.my_verdict = (
            match.demand_verdict if side == MatchSide.DEMAND else match.offer_verdict if side else None
        )
        match.feedback_form = forms.MatchFeedbackForm(match_pk=match.pk)
    return rows


@dataclass(frozen=True)
class MatchPanel:
    """The 推荐匹配 panel of one record: ``seen_from`` is the record's side (a demand's panel lists
    offers, a listing's lists demands)."""

    seen_from: str
    matches: list[Match]
    has_more: bool
    is_party: bool
    is_live: bool
    next_url: str


def _panel(queryset, *, seen_from: str, is_party: bool, is_live: bool, next_url: str) -> MatchPanel:
    # one row more than shown tells whether there are more, without a count query
    matches = list(queryset[: PANEL_SIZE + 1])
    rows = _rows(matches[:PANEL_SIZE], judging_side=seen_from if is_party else None)
    return MatchPanel(
        seen_from=seen_from,
        matches=rows,
        has_more=len(matches) > PANEL_SIZE,
        is_party=is_party,
        is_live=is_live,
        next_url=f"{next_url}#matches",
    )


def demand_panel(user, demand: Demand) -> MatchPanel | None:
    """The offers recommended for a demand, for those who may see them (else None: no panel)."""
    if not selectors.may_see_demand_matches(user, demand):
        return None
    roles = actor_roles(user)
    return _panel(
        selectors.match_list_for_demand(actor=user, demand=demand),
        seen_from=MatchSide.DEMAND,
        is_party=demand.enterprise_id in roles.member_of | roles.broker_of,
        is_live=demand.status == DemandStatus.PUBLISHED and demand.deadline >= timezone.localdate(),
        next_url=reverse("market:demand-detail", args=[demand.pk]),
    )


def listing_panel(user, listing: Listing) -> MatchPanel | None:
    """The demands recommended for a listing, for those who may see them (else None: no panel)."""
    if not selectors.may_see_listing_matches(user, listing):
        return None
    return _panel(
        selectors.match_list_for_listing(actor=user, listing=listing),
        seen_from=MatchSide.OFFER,
        is_party=selectors.is_listing_party(user, listing),
        is_live=listing.status in LIVE_LISTING_STATUSES,
        next_url=reverse("market:listing-detail", args=[listing.pk]),
    )


# --- the inbox ------------------------------------------------------------------------------------


@login_required
@require_GET
def match_inbox(request):
    form = forms.MatchInboxFilterForm(request.GET)
    form.is_valid()
    arguments = form.selector_arguments()
    matches = selectors.match_inbox(actor=request.user, **arguments)
    roles = actor_roles(request.user)
    organisations = roles.member_of | roles.broker_of

    def side_of(match: Match) -> str:
        # the inbox holds only the actor's own records; the demand side first, as the service decides
        if arguments["side"]:
            return arguments["side"]
        return MatchSide.DEMAND if match.demand.enterprise_id in organisations else MatchSide.OFFER

    page_obj = Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = _rows(page_obj.object_list, side_of=side_of)
    return render(request, "market/matches/inbox.html", {"form": form, "page_obj": page_obj})


# --- feedback -------------------------------------------------------------------------------------


def _next_url(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return reverse("market:match-inbox")


def _row_response(request, match: Match, *, side: str, form=None, status: int = 200):
    row = _rows([match], judging_side=side)[0]
    if form is not None:
        row.feedback_form = form
    context = {
        "match": row,
        "seen_from": side,
        "in_inbox": request.POST.get("layout") == "inbox",
        "next_url": _next_url(request),
    }
    if request.htmx:
        # htmx swaps only 2xx responses, so the row with its errors comes back with 200
        return render(request, "market/matches/_row.html", context)
    return render(request, "market/matches/feedback.html", context, status=status)


@login_required
@require_POST
def match_feedback(request, pk: int):
    match = selectors.match_get(actor=request.user, pk=pk)
    side = services.match_side_of(actor=request.user, match=match)
    if side is None:
        raise PermissionDenied(_("Only the two parties of a match can give feedback on it."))
    form = forms.MatchFeedbackForm(request.POST, match_pk=match.pk)
    if form.is_valid():
        try:
            feedback = services.match_feedback(actor=request.user, match=match, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _feedback_given(request, match, verdict=feedback.verdict, side=side)
    return _row_response(request, match, side=side, form=form, status=400)


def _feedback_given(request, match: Match, *, verdict: str, side: str):
    setattr(match, "demand_verdict" if side == MatchSide.DEMAND else "offer_verdict", verdict)
    if verdict == MatchVerdict.NOT_RELEVANT:
        if request.htmx:
            return HttpResponse("")  # the row is swapped for nothing: hidden
        messages.success(request, _("The match is hidden from your list. Thank you for saying why."))
        return redirect(_next_url(request))
    if request.htmx:
        return _row_response(request, match, side=side)
    messages.success(request, _("The match is marked useful. Thank you."))
    return redirect(_next_url(request))
