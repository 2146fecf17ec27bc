"""Writes on listings (挂牌), their publicity period (公示) and objections (异议).

A listing starts as a draft, enters publicity when published (the listing, its owner and its price are
public and anyone signed in may object), becomes active when publicity has closed with no objection
open, and leaves the market when it is sold, expires or is withdrawn. The four functions at the end
are called by the deals and contracts services when a deal on the listing is signed, registered or
cancelled.
"""

import uuid
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.choices import AchievementStatus, CooperationMode
from achievements.models import Achievement
from core import submissions
from core import validators as core_validators
from core.permissions import require
from core.text import search
from institutions.choices import MembershipRole
from institutions.models import Membership, Organisation
from institutions.selectors import organisations as institution_selectors
from market import lock_objects, policies
from market import rules as market_rules
from market.choices import SERVICE_MODES, ListingStatus, ObjectionStatus
from market.models import Deal, Listing, ListingObjection
from market.services import common, matching
from market.tasks import matching as tasks_matching

LISTING_FIELDS = (
    "title",
    "summary",
    "keywords",
    "technology_field",
    "trl",
    "region",
    "transaction_mode",
    "pricing_method",
    "price",
    "price_max",
    "listed_until",
    "contact_name",
    "contact_phone",
    "contact_email",
)
ACHIEVEMENT_DEFAULTS = ("title", "summary", "keywords", "technology_field", "trl", "region")
# Modes whose listing goes back on the market when a deal on it is registered (ordinary licences,
# technical services and consulting); after the others the technology cannot be offered again. A sole
# licence (排他许可) is not among them: a listing takes one (policies.SINGLE_DEAL_MODES).
RESELLABLE_MODES = frozenset(
    {
        CooperationMode.LICENCE_ORDINARY,
        CooperationMode.TECHNICAL_SERVICE,
        CooperationMode.TECHNICAL_CONSULTING,
    }
)
OBJECTION_MIN_LENGTH = 10


def _noun() -> str:
    return _("listing")


def listing_url(listing: Listing) -> str:
    return reverse("market:listing-detail", args=[listing.pk])


def _clean_keywords(keywords: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(word.strip() for word in keywords if word and word.strip()))


def _apply(listing: Listing, data: dict) -> None:
    for name in LISTING_FIELDS:
        if name in data:
            value = data[name]
            if name == "keywords":
                value = _clean_keywords(value or [])
            elif name in ("title", "summary", "contact_name", "contact_phone", "contact_email"):
                value = (value or "").strip()
            setattr(listing, name, value)


def listing_period_check(listed_until) -> None:
    """The end of a listing period: after today and at most ``MARKET_LISTING_MAX_DAYS`` ahead. The
    listing form runs it on the field too, so its error shows with every other one."""
    today = timezone.localdate()
    if listed_until is None:
        return
    if listed_until <= today:
        raise ValidationError(_("The listing period must end in the future."), code="period_ended")
    latest = today + timedelta(days=settings.MARKET_LISTING_MAX_DAYS)
    if listed_until > latest:
        raise ValidationError(
            _("A listing may run for at most %(days)s days, until %(date)s.")
            % {"days": settings.MARKET_LISTING_MAX_DAYS, "date": latest.isoformat()},
            code="period_too_long",
        )


def _check_listed_until(listing: Listing) -> None:
    try:
        listing_period_check(listing.listed_until)
    except ValidationError as error:
        raise ValidationError({"listed_until": error.error_list}) from None


def _check_brokers(brokers) -> list:
    brokers = list(dict.fromkeys(brokers))
    if not brokers:
        return brokers
    with_membership = set(
        Membership.objects.active()
        .filter(user__in=brokers, role=MembershipRole.BROKER)
        .values_list("user_id", flat=True)
    )
    strangers = [user for user in brokers if user.pk not in with_membership]
    if strangers:
        raise ValidationError(
            {
                "brokers": _("%(names)s is not a registered technology broker.")
                % {"names": "、".join(user.get_username() for user in strangers)}
            }
        )
    return brokers


def listing_refresh_search(*, listing: Listing) -> None:
    """Rebuilds the search vector from jieba-segmented title (A), keywords (B) and summary (C)."""
    Listing.objects.filter(pk=listing.pk).update(
        match_terms=matching.offer_terms(listing),
        search_vector=search.search_vector(
            title=listing.title, keywords=listing.keywords, text=listing.summary
        ),
    )


def _check_achievement(institution: Organisation, achievement: Achievement) -> None:
    if achievement.status != AchievementStatus.PUBLISHED:
        raise ValidationError(
            {"achievement": _("Only published achievements can be listed on the market.")},
            code="achievement_not_published",
        )
    owned = (
        achievement.filing_institution_id == institution.pk
        or achievement.owners.filter(organisation_id=institution.pk).exists()
    )
    if not owned:
        raise ValidationError(
            {
                "achievement": _("The achievement was neither filed by nor is owned by %(institution)s.")
                % {"institution": institution.name}
            },
            code="achievement_not_owned",
        )


@transaction.atomic
def listing_create(
    *,
    actor,
    institution: Organisation,
    data: dict,
    achievement: Achievement | None = None,
    submission_key: uuid.UUID | None = None,
) -> Listing:
    """Starts a listing as a draft: from a published achievement of the institution (its title, summary,
    keywords, field, readiness level and region are the defaults), or standalone for a technical
    service or consulting offered by a technology-transfer institution. A form sent again with the
    same ``submission_key`` gets the first draft back (``core.submissions``)."""
    require(actor, "market.list_for_organisation", institution)
    if earlier := submissions.submission_claim(key=submission_key, actor=actor, model=Listing):
        return earlier
    listing = Listing(institution=institution, created_by=actor, region_id=institution.region_id)
    if achievement is not None:
        _check_achievement(institution, achievement)
        listing.achievement = achievement
        for name in ACHIEVEMENT_DEFAULTS:
            setattr(listing, name, getattr(achievement, name))
    else:
        mode = data.get("transaction_mode")
        if mode not in SERVICE_MODES:
            raise ValidationError(
                {
                    "achievement": _(
                        "List a published achievement; only technical services and consulting may be "
                        "listed without one."
                    )
                },
                code="achievement_required",
            )
        if not institution.is_transfer_institution:
            raise ValidationError(
                {
                    "transaction_mode": _(
                        "Only technology-transfer institutions may list services without an achievement."
                    )
                },
                code="not_transfer_institution",
            )
    _apply(listing, data)
    brokers = list(dict.fromkeys(data.get("brokers") or []))
    # Every problem at once: the model's rules, the listing period and the brokers.
    core_validators.collect_errors(
        listing.full_clean, partial(_check_listed_until, listing), partial(_check_brokers, brokers)
    )
    listing.save()
    if brokers:
        listing.brokers.set(brokers)
    listing_refresh_search(listing=listing)
    submissions.submission_record(key=submission_key, record=listing)
    return listing


def _not_editable(listing: Listing) -> ValidationError:
    return ValidationError(
        _("Only draft listings can be edited; this one is %(status)s.")
        % {"status": listing.get_status_display()},
        code="not_editable",
    )


@transaction.atomic
def listing_update(*, actor, listing: Listing, data: dict) -> Listing:
    """Edits a draft; only the fields given change (``brokers``, when given, replaces the list)."""
    require(actor, "market.change_listing", listing)
    listing = lock_objects.listing_for_update(listing.pk)
    if listing.status not in policies.LISTING_EDITABLE_STATUSES:
        raise _not_editable(listing)
    if (
        listing.achievement_id is None
        and "transaction_mode" in data
        and data["transaction_mode"] not in (SERVICE_MODES)
    ):
        raise ValidationError(
            {
                "transaction_mode": _(
                    "A listing without an achievement can only offer technical services or consulting."
                )
            }
        )
    _apply(listing, data)
    brokers = list(dict.fromkeys(data.get("brokers") or []))
    core_validators.collect_errors(
        listing.full_clean, partial(_check_listed_until, listing), partial(_check_brokers, brokers)
    )
    if "brokers" in data:
        listing.brokers.set(brokers)
    listing.save()
    listing_refresh_search(listing=listing)
    return listing


@transaction.atomic
def listing_publish(*, actor, listing: Listing) -> Listing:
    """Puts a draft on the market: its publicity period (公示) starts now and lasts the days in force."""
    require(actor, "market.change_listing", listing)
    listing = lock_objects.listing_for_update(listing.pk)
    common.move(listing, policies.LISTING_TRANSITIONS, ListingStatus.PUBLICITY, noun=_noun())
    _check_listed_until(listing)
    now = timezone.now()
    listing.published_at = now
    listing.publicity_days = settings.MARKET_PUBLICITY_DAYS
    listing.publicity_ends_at = policies.publicity_end(now, listing.publicity_days)
    listing.status_reason = ""
    listing.full_clean()
    listing.save()
    with common.platform_language():
        common.notify(
            recipients=institution_selectors.officials_covering(region_code=listing.institution.region_id),
            verb="listing.publicity_started",
            title=_("Publicity started: %(title)s") % {"title": listing.title},
            body=_("%(institution)s published a listing; its publicity runs until %(end)s.")
            % {
                "institution": listing.institution.name,
                "end": timezone.localtime(listing.publicity_ends_at).strftime("%Y-%m-%d %H:%M"),
            },
            url=listing_url(listing),
        )
    tasks_matching.queue_listing_refresh(listing.pk)
    return listing


@transaction.atomic
def listing_withdraw(*, actor, listing: Listing, reason: str = "") -> Listing:
    """Takes a listing off the market: the seller, any time before it is in a deal or sold; or an
    official over the seller, with a reason the seller is told."""
    reason = (reason or "").strip()
    is_seller = actor.has_perm("market.change_listing", listing)
    if not is_seller:
        require(actor, "market.moderate_listing", listing)
        if not reason:
            raise ValidationError({"reason": _("Give the reason for withdrawing the listing.")})
    listing = lock_objects.listing_for_update(listing.pk)
    common.move(listing, policies.LISTING_TRANSITIONS, ListingStatus.WITHDRAWN, noun=_noun())
    listing.status_reason = reason
    listing.save()
    if not is_seller:
        with common.platform_language():
            common.notify(
                recipients=common.members_of(listing.institution_id),
                verb="listing.withdrawn",
                title=_("Your listing was withdrawn: %(title)s") % {"title": listing.title},
                body=_("Officials withdrew the listing. Reason: %(reason)s") % {"reason": reason},
                url=listing_url(listing),
            )
    tasks_matching.queue_listing_refresh(listing.pk)
    return listing


def _open_objections(listing_pk: int, *, excluding: int | None = None) -> int:
    queryset = ListingObjection.objects.filter(listing_id=listing_pk, status=ObjectionStatus.OPEN)
    if excluding is not None:
        queryset = queryset.exclude(pk=excluding)
    return queryset.count()


def _activate(listing: Listing) -> None:
    common.move(listing, policies.LISTING_TRANSITIONS, ListingStatus.ACTIVE, noun=_noun())
    listing.save()
    with common.platform_language():
        common.notify(
            recipients=common.members_of(listing.institution_id),
            verb="listing.active",
            title=_("Publicity closed: %(title)s is listed") % {"title": listing.title},
            body=_(
                "The publicity period ended without an open objection; deals on the listing can now be signed."
            ),
            url=listing_url(listing),
        )


@transaction.atomic
def listing_close_publicity(*, listing_pk: int) -> Listing | None:
    """System step: a listing whose publicity has ended with no objection open becomes active.
    Does nothing (and is safe to repeat) otherwise."""
    listing = lock_objects.listing_for_update(listing_pk)
    if listing.status != ListingStatus.PUBLICITY:
        return listing
    if listing.publicity_ends_at is None or listing.publicity_ends_at > timezone.now():
        return listing
    if _open_objections(listing.pk):
        return listing
    _activate(listing)
    return listing


@transaction.atomic
def listing_expire(*, listing_pk: int) -> Listing:
    """System step: an active listing past its listing period expires. Safe to repeat."""
    listing = lock_objects.listing_for_update(listing_pk)
    if listing.status != ListingStatus.ACTIVE or listing.listed_until >= timezone.localdate():
        return listing
    common.move(listing, policies.LISTING_TRANSITIONS, ListingStatus.EXPIRED, noun=_noun())
    listing.save()
    with common.platform_language():
        common.notify(
            recipients=common.members_of(listing.institution_id),
            verb="listing.expired",
            title=_("Listing expired: %(title)s") % {"title": listing.title},
            body=_("The listing period ended on %(date)s.") % {"date": listing.listed_until.isoformat()},
            url=listing_url(listing),
        )
    tasks_matching.queue_listing_refresh(listing.pk)
    return listing


# Objections ----------------------------------------------------------------------------------------


@transaction.atomic
def objection_file(*, actor, listing: Listing, reasons: str) -> ListingObjection:
    """Anyone signed in except the seller objects to a listing during its publicity, with reasons."""
    require(actor, "market.file_objection", listing)
    listing = lock_objects.listing_for_update(listing.pk)
    if listing.status != ListingStatus.PUBLICITY or (
        listing.publicity_ends_at is not None and listing.publicity_ends_at <= timezone.now()
    ):
        raise ValidationError(
            _("Objections can only be filed while the listing is in its publicity period."),
            code="not_in_publicity",
        )
    reasons = (reasons or "").strip()
    if len(reasons) < OBJECTION_MIN_LENGTH:
        raise ValidationError(
            {
                "reasons": _("Explain the objection in at least %(count)s characters.")
                % {"count": OBJECTION_MIN_LENGTH}
            }
        )
    objection = ListingObjection(listing=listing, filed_by=actor, reasons=reasons)
    objection.full_clean()
    objection.save()
    with common.platform_language():
        common.notify(
            recipients=institution_selectors.officials_covering(region_code=listing.institution.region_id),
            verb="listing.objection_filed",
            title=_("Objection to resolve: %(title)s") % {"title": listing.title},
            body=reasons,
            url=reverse("market:objection-queue"),
        )
        common.notify(
            recipients=common.members_of(listing.institution_id),
            verb="listing.objection_filed",
            title=_("An objection was filed against your listing: %(title)s") % {"title": listing.title},
            body=_("No deal on the listing can be signed until officials resolve it."),
            url=listing_url(listing),
        )
    return objection


@transaction.atomic
def objection_resolve(
    *, actor, objection: ListingObjection, upheld: bool, resolution: str
) -> ListingObjection:
    """An official over the seller decides an objection. Upheld: the listing is withdrawn with the
    resolution as the reason. Dismissed: the listing stays, and becomes active if its publicity has
    ended and no other objection is open."""
    require(actor, "market.resolve_objection", objection)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Give the resolution of the objection.")})
    listing = lock_objects.listing_for_update(objection.listing_id)
    objection = lock_objects.objection_for_update(objection.pk)
    market_rules.require_independent(market_rules.objection_resolution_refusal(actor, objection))
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(_("This objection has already been resolved."), code="illegal_transition")
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.resolution = resolution
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.full_clean()
    objection.save()
    if upheld:
        if policies.can_move(policies.LISTING_TRANSITIONS, listing.status, ListingStatus.WITHDRAWN):
            listing.status = ListingStatus.WITHDRAWN
            listing.status_reason = resolution
            listing.save()
    elif (
        listing.status == ListingStatus.PUBLICITY
        and listing.publicity_ends_at is not None
        and listing.publicity_ends_at <= timezone.now()
        and not _open_objections(listing.pk)
    ):
        _activate(listing)
    with common.platform_language():
        if upheld:
            title = _("Objection upheld: %(title)s") % {"title": listing.title}
            body = _("The listing was withdrawn. Resolution: %(resolution)s") % {"resolution": resolution}
        else:
            title = _("Objection dismissed: %(title)s") % {"title": listing.title}
            body = _("The listing stays on the market. Resolution: %(resolution)s") % {
                "resolution": resolution
            }
        common.notify(
            recipients=[objection.filed_by, *common.members_of(listing.institution_id)],
            verb="listing.objection_resolved",
            title=title,
            body=body,
            url=listing_url(listing),
        )
    return objection


# Called by the deals and contracts services ---------------------------------------------------------


def listing_signing_blocker(*, listing: Listing) -> str | None:
    """Why no deal on the listing can be signed now (publicity running, an objection open, off the
    market), or None when it can."""
    return policies.signing_blocker(
        listing_status=listing.status,
        publicity_ends_at=listing.publicity_ends_at,
        open_objections=_open_objections(listing.pk),
        now=timezone.now(),
    )


@transaction.atomic
def listing_mark_in_deal(*, listing: Listing) -> Listing:
    """A deal on the listing was signed: active → in a deal (nothing changes if it already is)."""
    listing = lock_objects.listing_for_update(listing.pk)
    if listing.status == ListingStatus.IN_DEAL:
        return listing
    common.move(listing, policies.LISTING_TRANSITIONS, ListingStatus.IN_DEAL, noun=_noun())
    listing.save()
    tasks_matching.queue_listing_refresh(listing.pk)
    return listing


@transaction.atomic
def listing_mark_sold(*, listing: Listing) -> Listing:
    """The contract of a deal on the listing was registered. A transfer, an exclusive licence or an
    investment sells the technology for good; other modes put it back on the market while its
    listing period lasts (and let it expire otherwise)."""
    listing = lock_objects.listing_for_update(listing.pk)
    if listing.status == ListingStatus.SOLD:
        return listing
    if listing.status == ListingStatus.ACTIVE:
        common.move(listing, policies.LISTING_TRANSITIONS, ListingStatus.IN_DEAL, noun=_noun())
    if listing.transaction_mode in RESELLABLE_MODES:
        if listing.status == ListingStatus.IN_DEAL:
            common.move(listing, policies.LISTING_TRANSITIONS, ListingStatus.ACTIVE, noun=_noun())
            if listing.listed_until < timezone.localdate():
                common.move(listing, policies.LISTING_TRANSITIONS, ListingStatus.EXPIRED, noun=_noun())
    else:
        common.move(listing, policies.LISTING_TRANSITIONS, ListingStatus.SOLD, noun=_noun())
    listing.save()
    tasks_matching.queue_listing_refresh(listing.pk)
    return listing


@transaction.atomic
def listing_release(*, listing: Listing) -> Listing:
    """A signed deal on the listing was cancelled: back on the market unless another signed deal that
    is not cancelled holds it. Call it after the cancelled deal's status is saved."""
    listing = lock_objects.listing_for_update(listing.pk)
    if listing.status != ListingStatus.IN_DEAL:
        return listing
    if Deal.objects.filter(listing_id=listing.pk).signed().exists():
        return listing
    common.move(listing, policies.LISTING_TRANSITIONS, ListingStatus.ACTIVE, noun=_noun())
    listing.save()
    tasks_matching.queue_listing_refresh(listing.pk)
    return listing


__all__ = [
    "listing_close_publicity",
    "listing_create",
    "listing_expire",
    "listing_mark_in_deal",
    "listing_mark_sold",
    "listing_publish",
    "listing_release",
    "listing_signing_blocker",
    "listing_update",
    "listing_withdraw",
    "objection_file",
    "objection_resolve",
]
