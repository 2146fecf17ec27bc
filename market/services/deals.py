"""Writes on deals (交易) and the brokers engaged on them.

Either party turns an open inquiry into a deal with terms; the deal is signed when both sides have
confirmed the same terms — never while the listing's publicity runs or an objection to it is open, and
never twice on a listing whose transaction mode gives the technology to one party. Every change of the
terms bumps ``terms_version``; a confirmation names the version its author saw and is refused (409, with
what changed) when the terms changed since. Each state change is one atomic, permission-checked function.
"""

import contextlib
import copy
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import versions
from core.permissions import require
from institutions.choices import MembershipRole
from institutions.models import Membership
from market import lock_objects, policies
from market.choices import DealStatus, InquiryStatus
from market.models import Deal, DealBroker, Inquiry
from market.services import common, inquiries
from market.services import listings as listing_services

DEAL_TERM_FIELDS = (
    "title",
    "transaction_mode",
    "contract_category",
    "amount",
    "payment_method",
    "terms",
    "disclose_amount",
)
SELLER, BUYER = inquiries.SELLER, inquiries.BUYER


# --- helpers ---------------------------------------------------------------------------------------


def _engaged_brokers(deal: Deal) -> list:
    return [engagement.broker for engagement in deal.broker_engagements.select_related("broker")]


def _deal_url(deal: Deal) -> str:
    return reverse("market:deal-detail", args=[deal.pk])


# --- deals -----------------------------------------------------------------------------------------


def _apply_terms(deal: Deal, terms: dict) -> None:
    unknown = set(terms) - set(DEAL_TERM_FIELDS)
    if unknown:
        raise ValidationError({name: _("This is not a term of a deal.") for name in sorted(unknown)})
    for name in DEAL_TERM_FIELDS:
        if name in terms:
            value = terms[name]
            if isinstance(value, str) and name != "terms":
                value = value.strip()
            setattr(deal, name, value)
    if "transaction_mode" in terms and not terms.get("contract_category") and deal.transaction_mode:
        # An unknown mode is reported by full_clean() on the field itself.
        with contextlib.suppress(KeyError):
            deal.contract_category = policies.category_for_mode(deal.transaction_mode)[0]


def _check_terms(deal: Deal) -> None:
    """Field-level checks the database would otherwise refuse as a whole row."""
    if deal.amount is not None and not isinstance(deal.amount, str) and deal.amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})


def _confirm_side(deal: Deal, side: str | None, now) -> None:
    if side == SELLER:
        deal.seller_confirmed_at = now
    elif side == BUYER:
        deal.buyer_confirmed_at = now


@transaction.atomic
def deal_propose(*, actor, inquiry: Inquiry, terms: dict) -> Deal:
    """Either party turns an open inquiry into a deal with the proposed terms; the proposer's side is
    confirmed at once, the other side must confirm."""
    require(actor, "market.manage_inquiry", inquiry)
    inquiry = inquiries.lock_inquiry(inquiry)
    common.move(inquiry, inquiries.INQUIRY_TRANSITIONS, InquiryStatus.CONVERTED, noun=_("inquiry"))
    subject = inquiry.listing or inquiry.demand
    deal = Deal(
        inquiry=inquiry,
        listing=inquiry.listing,
        demand=inquiry.demand,
        seller_id=inquiry.seller_id,
        buyer_id=inquiry.buyer_id,
        created_by=actor,
        status=DealStatus.NEGOTIATING,
        title=subject.title,
        transaction_mode=inquiry.listing.transaction_mode
        if inquiry.listing
        else inquiry.demand.cooperation_mode,
    )
    deal.contract_category = policies.category_for_mode(deal.transaction_mode)[0]
    _apply_terms(deal, dict(terms))
    _check_terms(deal)
    _confirm_side(deal, inquiries.side_of(actor, inquiry), timezone.now())
    deal.full_clean()
    deal.save()
    inquiry.save(update_fields=["status"])
    with common.platform_language():
        common.notify(
            recipients=inquiries.other_side_members(actor, deal),
            verb="deal.proposed",
            title=_("Deal proposed: %(title)s") % {"title": deal.title},
            body=_("Check the terms and confirm them, or propose changes."),
            url=_deal_url(deal),
        )
    return deal


def _lock_deal(deal: Deal) -> Deal:
    # Listing before deal, the order lock_objects documents.
    if deal.listing_id:
        lock_objects.listing_for_update(deal.listing_id)
    return lock_objects.deal_for_update(deal.pk)


def _require_negotiating(deal: Deal) -> None:
    if deal.status != DealStatus.NEGOTIATING:
        raise ValidationError(
            _("The terms of a deal that is %(status)s cannot change; only deals under negotiation can.")
            % {"status": deal.get_status_display()},
            code="illegal_transition",
        )


@transaction.atomic
def deal_update_terms(*, actor, deal: Deal, terms: dict) -> Deal:
    """Changes the terms under negotiation: the version of the terms is bumped, both confirmations are
    cleared, the editor's side confirms the new terms and the other side is told what changed. The
    same terms again change nothing."""
    require(actor, "market.negotiate_deal", deal)
    deal = _lock_deal(deal)
    _require_negotiating(deal)
    before = copy.copy(deal)
    _apply_terms(deal, dict(terms))
    _check_terms(deal)
    deal.full_clean()
    changes = versions.changes_between(before, deal, DEAL_TERM_FIELDS)
    if not changes:
        return deal  # the same terms again: nothing to confirm anew
    deal.terms_version += 1
    deal.seller_confirmed_at = None
    deal.buyer_confirmed_at = None
    _confirm_side(deal, inquiries.side_of(actor, deal), timezone.now())
    deal.save()
    with common.platform_language():
        common.notify(
            recipients=inquiries.other_side_members(actor, deal),
            verb="deal.terms_changed",
            title=_("Deal terms changed: %(title)s") % {"title": deal.title},
            body=_(
                "The terms were changed (%(changes)s); any confirmation is cleared: check them and "
                "confirm again."
            )
            % {"changes": versions.describe(changes)},
            url=_deal_url(deal),
        )
    return deal


def _listing_held_by_another(deal: Deal) -> bool:
    """Whether another signed deal holds the deal's listing alone (``Deal.exclusive_listing``)."""
    return Deal.objects.filter(exclusive_listing_id=deal.listing_id).exclude(pk=deal.pk).exists()


def _stale_terms(deal: Deal, seen_version: int) -> versions.StaleVersion:
    return versions.stale_version(
        deal,
        field="terms_version",
        seen=seen_version,
        fields=DEAL_TERM_FIELDS,
        code="terms_changed",
        lead=_("The terms changed after you opened them, so your confirmation was not recorded."),
        advice=_("Check the current terms and confirm again."),
    )


def _claim_listing(deal: Deal) -> None:
    """A deal on a listing that takes one deal is being signed: it holds the listing alone, or — if
    another signed deal already does — it is refused with a message the buyer understands. Runs under
    the listing's row lock (``_lock_deal``), so two confirmations on two deals cannot both pass; the
    unique ``exclusive_listing`` column is the database's own guarantee."""
    if not deal.listing_id or not policies.takes_one_deal(deal.listing.transaction_mode):
        return
    if _listing_held_by_another(deal):
        raise ValidationError(
            policies.listing_taken_message(deal.listing.transaction_mode), code="listing_taken"
        )
    deal.exclusive_listing_id = deal.listing_id


@transaction.atomic
def deal_confirm(*, actor, deal: Deal, terms_version: int) -> Deal:
    """Records the actor's side's confirmation of the terms at ``terms_version`` (the version they saw);
    with both sides confirmed the deal is signed (negotiating → agreed), unless the listing's publicity
    runs, an objection is open or another signed deal holds the listing alone — then nothing changes and
    the reason is given. Terms changed since ``terms_version`` are refused with what changed (409)."""
    require(actor, "market.negotiate_deal", deal)
    deal = _lock_deal(deal)
    _require_negotiating(deal)
    if terms_version != deal.terms_version:
        raise _stale_terms(deal, terms_version)
    side = inquiries.side_of(actor, deal)
    if side is None:
        raise ValidationError(
            _("Only a member of the seller or of the buyer can confirm the terms."), code="no_side"
        )
    if (deal.seller_confirmed_at if side == SELLER else deal.buyer_confirmed_at) is not None:
        raise ValidationError(_("Your side has already confirmed these terms."), code="already_confirmed")
    other_confirmed = (deal.buyer_confirmed_at if side == SELLER else deal.seller_confirmed_at) is not None
    if other_confirmed:
        blocker = listing_services.listing_signing_blocker(listing=deal.listing) if deal.listing_id else None
        if blocker:
            raise ValidationError(blocker, code="signing_blocked")
        _claim_listing(deal)
    now = timezone.now()
    _confirm_side(deal, side, now)
    if not other_confirmed:
        deal.full_clean()
        deal.save()
        with common.platform_language():
            common.notify(
                recipients=inquiries.other_side_members(actor, deal),
                verb="deal.confirmed",
                title=_("Terms confirmed by the other party: %(title)s") % {"title": deal.title},
                body=_("Confirm the terms too to sign the deal."),
                url=_deal_url(deal),
            )
        return deal
    common.move(deal, policies.DEAL_TRANSITIONS, DealStatus.AGREED, noun=_("deal"))
    deal.signed_on = timezone.localdate()
    deal.full_clean()
    deal.save()
    if deal.listing_id:
        listing_services.listing_mark_in_deal(listing=deal.listing)
    with common.platform_language():
        title = _("Deal signed: %(title)s") % {"title": deal.title}
        common.notify(
            recipients=common.members_of(deal.buyer_id) + _engaged_brokers(deal),
            verb="deal.signed",
            title=title,
            body=_("Both parties confirmed the terms; the seller now applies for contract registration."),
            url=_deal_url(deal),
        )
        common.notify(
            recipients=common.members_of(deal.seller_id),
            verb="deal.signed",
            title=title,
            body=_("Fill in the contract registration form and submit it with the signed contract."),
            url=reverse("market:contract-edit", args=[deal.pk]),
        )
    return deal


@transaction.atomic
def deal_cancel(*, actor, deal: Deal, reason: str) -> Deal:
    """Either party cancels a deal under negotiation, signed but not yet submitted, or refused
    registration (未予登记) and given up; a signed deal that ends frees its listing."""
    require(actor, "market.negotiate_deal", deal)
    deal = _lock_deal(deal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the deal is cancelled.")})
    was_signed = deal.status in (DealStatus.AGREED, DealStatus.REJECTED)
    common.move(deal, policies.DEAL_TRANSITIONS, DealStatus.CANCELLED, noun=_("deal"))
    deal.cancelled_reason = reason
    deal.exclusive_listing = None
    deal.full_clean()
    deal.save()
    if was_signed and deal.listing_id:
        listing_services.listing_release(listing=deal.listing)
    with common.platform_language():
        common.notify(
            recipients=inquiries.other_side_members(actor, deal) + _engaged_brokers(deal),
            verb="deal.cancelled",
            title=_("Deal cancelled: %(title)s") % {"title": deal.title},
            body=reason,
            url=_deal_url(deal),
        )
    return deal


# --- brokers ---------------------------------------------------------------------------------------


def _require_brokers_changeable(deal: Deal) -> None:
    if deal.status not in policies.DEAL_BROKER_CHANGE_STATUSES:
        raise ValidationError(
            _("Brokers cannot be changed on a deal that is %(status)s.")
            % {"status": deal.get_status_display()},
            code="illegal_transition",
        )


@transaction.atomic
def broker_engage(
    *,
    actor,
    deal: Deal,
    broker,
    role: str,
    fee_basis: str,
    rate_percent: Decimal | None = None,
    fee_amount: Decimal | None = None,
    agreement: str = "",
) -> DealBroker:
    """A party engages a broker (技术经纪人) on the deal as 居间, 行纪 or 代理 with a commission agreement."""
    require(actor, "market.negotiate_deal", deal)
    deal = _lock_deal(deal)
    _require_brokers_changeable(deal)
    side = inquiries.side_of(actor, deal)
    if side is None:
        raise ValidationError(
            _("Only a member of the seller or of the buyer can engage a broker."), code="no_side"
        )
    membership = (
        Membership.objects.active()
        .filter(user=broker, role=MembershipRole.BROKER)
        .select_related("organisation")
        .order_by("pk")
        .first()
        if broker is not None
        else None
    )
    if membership is None:
        raise ValidationError({"broker": _("This user is not a registered broker.")})
    if any(engagement.broker_id == broker.pk for engagement in deal.broker_engagements.all()):
        raise ValidationError({"broker": _("This broker is already engaged on the deal.")})
    engagement = DealBroker(
        deal=deal,
        broker=broker,
        agency=membership.organisation,
        engaged_by_id=deal.seller_id if side == SELLER else deal.buyer_id,
        role=role,
        fee_basis=fee_basis,
        rate_percent=rate_percent,
        fee_amount=fee_amount,
        agreement=(agreement or "").strip(),
    )
    engagement.full_clean()
    engagement.save()
    with common.platform_language():
        common.notify(
            recipients=[broker],
            verb="deal.broker_engaged",
            title=_("You were engaged on a deal: %(title)s") % {"title": deal.title},
            body=_("Role: %(role)s.") % {"role": engagement.get_role_display()},
            url=_deal_url(deal),
        )
    return engagement


@transaction.atomic
def broker_release(*, actor, engagement: DealBroker) -> None:
    """A party ends a broker's engagement before the contract is registered."""
    require(actor, "market.negotiate_deal", engagement.deal)
    deal = _lock_deal(engagement.deal)
    _require_brokers_changeable(deal)
    engagement = DealBroker.objects.select_related("broker").get(pk=engagement.pk, deal=deal)
    broker = engagement.broker
    engagement.delete()
    with common.platform_language():
        common.notify(
            recipients=[broker],
            verb="deal.broker_released",
            title=_("Your engagement on a deal ended: %(title)s") % {"title": deal.title},
            url=_deal_url(deal),
        )
