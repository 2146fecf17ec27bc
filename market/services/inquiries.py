"""Writes on inquiries (意向): a buyer's interest in a listing or a seller's answer to a demand, and the
private thread between the two parties (and the brokers on the listing or the deal). Each state change
is one atomic, permission-checked function; an open inquiry becomes a deal in ``services.deals``.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import submissions, uploads
from core.permissions import require
from institutions.models import Organisation
from institutions.roles import actor_roles
from market import lock_objects, policies, rules
from market.choices import OPEN_LISTING_STATUSES, DemandStatus, InquiryStatus
from market.models import Demand, Inquiry, InquiryMessage, Listing
from market.services import common

INQUIRY_TRANSITIONS: dict[str, frozenset[str]] = {
    InquiryStatus.OPEN: frozenset({InquiryStatus.CONVERTED, InquiryStatus.CLOSED}),
    InquiryStatus.CONVERTED: frozenset(),
    InquiryStatus.CLOSED: frozenset(),
}
SELLER, BUYER = rules.SELLER, rules.BUYER


# --- helpers ---------------------------------------------------------------------------------------


def side_of(actor, record) -> str | None:
    """``seller`` or ``buyer``: which party of an inquiry or deal the actor works for, if exactly one."""
    return rules.party_side(actor, record)


def other_side_members(actor, record) -> list:
    side = side_of(actor, record)
    if side == SELLER:
        return common.members_of(record.buyer_id)
    if side == BUYER:
        return common.members_of(record.seller_id)
    return common.members_of(record.seller_id, record.buyer_id)


def inquiry_url(inquiry: Inquiry) -> str:
    return reverse("market:inquiry-detail", args=[inquiry.pk])


def lock_inquiry(inquiry: Inquiry) -> Inquiry:
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
def inquiry_open_for_listing(
    *, actor, listing: Listing, buyer: Organisation, message: str, submission_key: uuid.UUID | None = None
) -> Inquiry:
    """A buyer (an enterprise's member) expresses interest in a listing in publicity or on the market.
    Inquiring during publicity is allowed; only signing waits for it to close. A form sent again with
    the same ``submission_key`` gets the first inquiry back (``core.submissions``)."""
    require(actor, "market.inquire_listing", listing)
    if earlier := submissions.submission_claim(key=submission_key, actor=actor, model=Inquiry):
        return earlier
    if buyer is None or buyer.pk not in actor_roles(actor).member_of:
        raise ValidationError({"buyer": _("Choose an organisation you work for.")})
    if buyer.pk == listing.institution_id:
        raise ValidationError({"buyer": _("An organisation cannot inquire on its own listing.")})
    listing = lock_objects.listing_for_update(listing.pk)
    if listing.status not in OPEN_LISTING_STATUSES:
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
            url=inquiry_url(inquiry),
        )
    submissions.submission_record(key=submission_key, record=inquiry)
    return inquiry


@transaction.atomic
def inquiry_open_for_demand(
    *,
    actor,
    demand: Demand,
    seller: Organisation,
    message: str,
    listing: Listing | None = None,
    submission_key: uuid.UUID | None = None,
) -> Inquiry:
    """An institution answers a published demand before its deadline. An offered listing of the seller
    is referred to in the first message (an inquiry concerns either a listing or a demand). A form sent
    again with the same ``submission_key`` gets the first inquiry back (``core.submissions``)."""
    require(actor, "market.answer_demand", demand)
    if earlier := submissions.submission_claim(key=submission_key, actor=actor, model=Inquiry):
        return earlier
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
        listing.institution_id != seller.pk or listing.status not in OPEN_LISTING_STATUSES
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
            url=inquiry_url(inquiry),
        )
    submissions.submission_record(key=submission_key, record=inquiry)
    return inquiry


@transaction.atomic
def message_post(*, actor, inquiry: Inquiry, body: str, attachment=None) -> InquiryMessage:
    """Adds a message (and optionally a file) to an open or converted inquiry's thread."""
    require(actor, "market.take_part_in_inquiry", inquiry)
    inquiry = lock_inquiry(inquiry)
    if inquiry.status not in policies.INQUIRY_MESSAGE_STATUSES:
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
        item.attachment_type = uploads.document_check(attachment, field="attachment")
        item.attachment = uploads.stored_as(attachment, item.attachment_type)
        item.attachment_name = uploads.original_name(attachment, default=_("attachment"))
    item.full_clean()
    item.save()
    inquiry.last_message_at = item.created_at
    inquiry.save(update_fields=["last_message_at"])
    with common.platform_language():
        common.notify(
            recipients=[user for user in other_side_members(actor, inquiry) if user.pk != actor.pk],
            verb="inquiry.message",
            title=_("New message: %(subject)s") % {"subject": inquiry.subject},
            body=body[:200],
            url=inquiry_url(inquiry),
        )
    return item


@transaction.atomic
def inquiry_close(*, actor, inquiry: Inquiry, reason: str) -> Inquiry:
    """Either party ends an open inquiry without a deal."""
    require(actor, "market.manage_inquiry", inquiry)
    inquiry = lock_inquiry(inquiry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the inquiry is closed.")})
    common.move(inquiry, INQUIRY_TRANSITIONS, InquiryStatus.CLOSED, noun=_("inquiry"))
    inquiry.closed_reason = reason
    inquiry.full_clean(validate_constraints=False)
    inquiry.save()
    with common.platform_language():
        common.notify(
            recipients=other_side_members(actor, inquiry),
            verb="inquiry.closed",
            title=_("Inquiry closed: %(subject)s") % {"subject": inquiry.subject},
            body=reason,
            url=inquiry_url(inquiry),
        )
    return inquiry
