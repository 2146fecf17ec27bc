"""Writes on inquiries (意向), their private threads, deals (交易) and the brokers engaged on them.

A buyer inquires on a listing (or a seller answers a demand); the two parties, and the brokers on the
listing or the deal, talk in a private thread; either party proposes a deal with terms, and the deal
is signed when both sides have confirmed the same terms — never while the listing's publicity runs or
an objection to it is open. Each state change is one atomic, permission-checked function.
"""

import contextlib
import zipfile
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements import policies as achievement_policies
from institutions.choices import MembershipRole
from institutions.models import Membership, Organisation
from institutions.roles import actor_roles
from institutions.rules import require
from market import lock_objects, policies
from market.choices import DealStatus, DemandStatus, InquiryStatus, ListingStatus
from market.models import Deal, DealBroker, Demand, Inquiry, InquiryMessage, Listing
from market.services import common
from market.services import listings as listing_services

INQUIRY_TRANSITIONS: dict[str, frozenset[str]] = {
    InquiryStatus.OPEN: frozenset({InquiryStatus.CONVERTED, InquiryStatus.CLOSED}),
    InquiryStatus.CONVERTED: frozenset(),
    InquiryStatus.CLOSED: frozenset(),
}
MESSAGE_STATUSES = frozenset({InquiryStatus.OPEN, InquiryStatus.CONVERTED})
DEAL_TERM_FIELDS = (
    "title",
    "transaction_mode",
    "contract_category",
    "amount",
    "payment_method",
    "terms",
    "disclose_amount",
)
# Brokers can be engaged or released until the contract is registered.
BROKER_CHANGE_STATUSES = frozenset(
    {DealStatus.NEGOTIATING, DealStatus.AGREED, DealStatus.SUBMITTED, DealStatus.REJECTED}
)
SELLER = "seller"
BUYER = "buyer"


# --- helpers ---------------------------------------------------------------------------------------


def side_of(actor, record) -> str | None:
    """``seller`` or ``buyer``: which party of an inquiry or deal the actor works for, if exactly one."""
    member_of = actor_roles(actor).member_of
    sides = [
        side
        for side, organisation_id in ((SELLER, record.seller_id), (BUYER, record.buyer_id))
        if organisation_id in member_of
    ]
    return sides[0] if len(sides) == 1 else None


def _other_side_members(actor, record) -> list:
    side = side_of(actor, record)
    if side == SELLER:
        return common.members_of(record.buyer_id)
    if side == BUYER:
        return common.members_of(record.seller_id)
    return common.members_of(record.seller_id, record.buyer_id)


def _engaged_brokers(deal: Deal) -> list:
    return [engagement.broker for engagement in deal.broker_engagements.select_related("broker")]


def _inquiry_url(inquiry: Inquiry) -> str:
    return reverse("market:inquiry-detail", args=[inquiry.pk])


def _deal_url(deal: Deal) -> str:
    return reverse("market:deal-detail", args=[deal.pk])


def _lock_inquiry(inquiry: Inquiry) -> Inquiry:
    return (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("listing", "demand", "seller", "buyer")
        .get(pk=inquiry.pk)
    )


def _first_message(inquiry: Inquiry, actor, message: str) -> None:
    body = (message or "").strip()
    if not body:
        raise ValidationError({"message": _("Write a first message to the other party.")})
    item = InquiryMessage(inquiry=inquiry, author=actor, body=body)
    item.full_clean(exclude=["attachment"])
    item.save()


def _save_inquiry(inquiry: Inquiry, duplicate_field: str) -> None:
    """Saves a new inquiry; the partial unique constraint turns a second open one into a clear error."""
    inquiry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            inquiry.save()
    except IntegrityError as error:
        raise ValidationError(
            {
                duplicate_field: _(
                    "Your organisation already has an open inquiry here; continue in that thread."
                )
            },
            code="duplicate_inquiry",
        ) from error


# --- inquiries -------------------------------------------------------------------------------------


@transaction.atomic
def inquiry_open_for_listing(*, actor, listing: Listing, buyer: Organisation, message: str) -> Inquiry:
    """A buyer (an enterprise's member) expresses interest in a listing in publicity or on the market.
    Inquiring during publicity is allowed; only signing waits for it to close."""
    require(actor, "market.inquire_listing", listing)
    if buyer is None or buyer.pk not in actor_roles(actor).member_of:
        raise ValidationError({"buyer": _("Choose an organisation you work for.")})
    if buyer.pk == listing.institution_id:
        raise ValidationError({"buyer": _("An organisation cannot inquire on its own listing.")})
    listing = lock_objects.listing_for_update(listing.pk)
    if listing.status not in (ListingStatus.PUBLICITY, ListingStatus.ACTIVE):
        raise ValidationError(
            _("This listing is %(status)s and takes no inquiries.")
            % {"status": listing.get_status_display()},
            code="illegal_transition",
        )
    with common.platform_language():
        subject = _("Inquiry about “%(title)s”") % {"title": listing.title}
    inquiry = Inquiry(
        listing=listing,
        seller_id=listing.institution_id,
        buyer=buyer,
        opened_by=actor,
        subject=subject[:200],
        last_message_at=timezone.now(),
    )
    if not (message or "").strip():
        raise ValidationError({"message": _("Write a first message to the other party.")})
    _save_inquiry(inquiry, "buyer")
    _first_message(inquiry, actor, message)
    with common.platform_language():
        common.notify(
            recipients=common.members_of(listing.institution_id) + list(listing.brokers.all()),
            verb="inquiry.opened",
            title=_("New inquiry on your listing: %(title)s") % {"title": listing.title},
            body=_("%(buyer)s is interested and wrote to you.") % {"buyer": buyer.name},
            url=_inquiry_url(inquiry),
        )
    return inquiry


@transaction.atomic
def inquiry_open_for_demand(
    *, actor, demand: Demand, seller: Organisation, message: str, listing: Listing | None = None
) -> Inquiry:
    """An institution answers a published demand before its deadline. An offered listing of the seller
    is referred to in the first message (an inquiry concerns either a listing or a demand)."""
    require(actor, "market.answer_demand", demand)
    roles = actor_roles(actor)
    if seller is None or seller.pk not in (roles.member_of & roles.institution_of):
        raise ValidationError({"seller": _("Choose an institution you work for.")})
    if seller.pk == demand.enterprise_id:
        raise ValidationError({"seller": _("An organisation cannot answer its own demand.")})
    demand = lock_objects.demand_for_update(demand.pk)
    if demand.status != DemandStatus.PUBLISHED or demand.deadline < timezone.localdate():
        raise ValidationError(
            _("This demand no longer takes answers."),
            code="illegal_transition",
        )
    if listing is not None and (
        listing.institution_id != seller.pk
        or listing.status not in (ListingStatus.PUBLICITY, ListingStatus.ACTIVE)
    ):
        raise ValidationError({"listing": _("Offer a listing of your institution that is on the market.")})
    if not (message or "").strip():
        raise ValidationError({"message": _("Write a first message to the other party.")})
    with common.platform_language():
        subject = _("Answer to the demand “%(title)s”") % {"title": demand.title}
        if listing is not None:
            message = (
                message.strip()
                + "\n\n"
                + _("Offered listing: %(title)s (%(url)s)")
                % {"title": listing.title, "url": reverse("market:listing-detail", args=[listing.pk])}
            )
    inquiry = Inquiry(
        demand=demand,
        seller=seller,
        buyer_id=demand.enterprise_id,
        opened_by=actor,
        subject=subject[:200],
        last_message_at=timezone.now(),
    )
    _save_inquiry(inquiry, "seller")
    _first_message(inquiry, actor, message)
    with common.platform_language():
        common.notify(
            recipients=common.members_of(demand.enterprise_id),
            verb="inquiry.opened",
            title=_("An answer to your demand: %(title)s") % {"title": demand.title},
            body=_("%(seller)s answered your demand and wrote to you.") % {"seller": seller.name},
            url=_inquiry_url(inquiry),
        )
    return inquiry


def _attachment_type(uploaded_file) -> str | None:
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    names = None
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded_file) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            names = None
        uploaded_file.seek(0)
    return achievement_policies.sniff_content_type(head, names)


def _check_attachment(uploaded_file) -> str:
    if uploaded_file.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "attachment": _("The file is %(size)s MB; files may be at most %(limit)s MB.")
                % {
                    "size": round(uploaded_file.size / 1024 / 1024, 1),
                    "limit": settings.ATTACHMENT_MAX_BYTES // 1024 // 1024,
                }
            }
        )
    content_type = _attachment_type(uploaded_file)
    if content_type is None:
        raise ValidationError(
            {
                "attachment": _(
                    "Only PDF, PNG, JPEG and Office documents (Word, Excel, PowerPoint) can be attached."
                )
            }
        )
    return content_type


@transaction.atomic
def message_post(*, actor, inquiry: Inquiry, body: str, attachment=None) -> InquiryMessage:
    """Adds a message (and optionally a file) to an open or converted inquiry's thread."""
    require(actor, "market.take_part_in_inquiry", inquiry)
    inquiry = _lock_inquiry(inquiry)
    if inquiry.status not in MESSAGE_STATUSES:
        raise ValidationError(
            _("This inquiry is %(status)s; no more messages can be sent.")
            % {"status": inquiry.get_status_display()},
            code="illegal_transition",
        )
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    item = InquiryMessage(inquiry=inquiry, author=actor, body=body)
    if attachment is not None:
        item.attachment_type = _check_attachment(attachment)
        item.attachment = attachment
        item.attachment_name = attachment.name[:200]
    item.full_clean()
    item.save()
    inquiry.last_message_at = item.created_at
    inquiry.save(update_fields=["last_message_at"])
    with common.platform_language():
        common.notify(
            recipients=[user for user in _other_side_members(actor, inquiry) if user.pk != actor.pk],
            verb="inquiry.message",
            title=_("New message: %(subject)s") % {"subject": inquiry.subject},
            body=body[:200],
            url=_inquiry_url(inquiry),
        )
    return item


@transaction.atomic
def inquiry_close(*, actor, inquiry: Inquiry, reason: str) -> Inquiry:
    """Either party ends an open inquiry without a deal."""
    require(actor, "market.manage_inquiry", inquiry)
    inquiry = _lock_inquiry(inquiry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the inquiry is closed.")})
    common.move(inquiry, INQUIRY_TRANSITIONS, InquiryStatus.CLOSED, noun=_("inquiry"))
    inquiry.closed_reason = reason
    inquiry.full_clean(validate_constraints=False)
    inquiry.save()
    with common.platform_language():
        common.notify(
            recipients=_other_side_members(actor, inquiry),
            verb="inquiry.closed",
            title=_("Inquiry closed: %(subject)s") % {"subject": inquiry.subject},
            body=reason,
            url=_inquiry_url(inquiry),
        )
    return inquiry


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
    inquiry = _lock_inquiry(inquiry)
    common.move(inquiry, INQUIRY_TRANSITIONS, InquiryStatus.CONVERTED, noun=_("inquiry"))
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
    _confirm_side(deal, side_of(actor, inquiry), timezone.now())
    deal.full_clean()
    deal.save()
    inquiry.save(update_fields=["status"])
    with common.platform_language():
        common.notify(
            recipients=_other_side_members(actor, deal),
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
    """Changes the terms under negotiation: both confirmations are cleared and the editor's side
    confirms the new terms."""
    require(actor, "market.negotiate_deal", deal)
    deal = _lock_deal(deal)
    _require_negotiating(deal)
    _apply_terms(deal, dict(terms))
    _check_terms(deal)
    deal.seller_confirmed_at = None
    deal.buyer_confirmed_at = None
    _confirm_side(deal, side_of(actor, deal), timezone.now())
    deal.full_clean()
    deal.save()
    with common.platform_language():
        common.notify(
            recipients=_other_side_members(actor, deal),
            verb="deal.terms_changed",
            title=_("Deal terms changed: %(title)s") % {"title": deal.title},
            body=_("The terms were changed; check them and confirm again."),
            url=_deal_url(deal),
        )
    return deal


def deal_signing_blocker(*, deal: Deal) -> str | None:
    """Why the deal cannot be signed now (the listing's publicity or an open objection), or None."""
    if not deal.listing_id:
        return None
    return listing_services.listing_signing_blocker(listing=deal.listing)


@transaction.atomic
def deal_confirm(*, actor, deal: Deal) -> Deal:
    """Records the actor's side's confirmation of the terms; with both sides confirmed the deal is
    signed (negotiating → agreed), unless the listing's publicity runs or an objection is open — then
    nothing changes and the reason is given."""
    require(actor, "market.negotiate_deal", deal)
    deal = _lock_deal(deal)
    _require_negotiating(deal)
    side = side_of(actor, deal)
    if side is None:
        raise ValidationError(
            _("Only a member of the seller or of the buyer can confirm the terms."), code="no_side"
        )
    if (deal.seller_confirmed_at if side == SELLER else deal.buyer_confirmed_at) is not None:
        raise ValidationError(_("Your side has already confirmed these terms."), code="already_confirmed")
    other_confirmed = (deal.buyer_confirmed_at if side == SELLER else deal.seller_confirmed_at) is not None
    if other_confirmed:
        blocker = deal_signing_blocker(deal=deal)
        if blocker:
            raise ValidationError(blocker, code="signing_blocked")
    now = timezone.now()
    _confirm_side(deal, side, now)
    if not other_confirmed:
        deal.full_clean()
        deal.save()
        with common.platform_language():
            common.notify(
                recipients=_other_side_members(actor, deal),
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
    """Either party cancels a deal under negotiation or signed but not yet submitted; a signed deal
    releases its listing."""
    require(actor, "market.negotiate_deal", deal)
    deal = _lock_deal(deal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the deal is cancelled.")})
    was_signed = deal.status == DealStatus.AGREED
    common.move(deal, policies.DEAL_TRANSITIONS, DealStatus.CANCELLED, noun=_("deal"))
    deal.cancelled_reason = reason
    deal.full_clean()
    deal.save()
    if was_signed and deal.listing_id:
        listing_services.listing_release(listing=deal.listing)
    with common.platform_language():
        common.notify(
            recipients=_other_side_members(actor, deal) + _engaged_brokers(deal),
            verb="deal.cancelled",
            title=_("Deal cancelled: %(title)s") % {"title": deal.title},
            body=reason,
            url=_deal_url(deal),
        )
    return deal


# --- brokers ---------------------------------------------------------------------------------------


def _require_brokers_changeable(deal: Deal) -> None:
    if deal.status not in BROKER_CHANGE_STATUSES:
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
    side = side_of(actor, deal)
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
