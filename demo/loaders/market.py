"""Builds the demo market of ``demo.specs.market`` after the demo achievements.

About 150 listings of published demo achievements and 15 standalone services of transfer institutions,
70 technology demands of the demo enterprises, 160 deals in every state and 60 further inquiries
with their threads — all through the real services (``market.services``), so that numbers, statuses,
search vectors, disclosure windows and the audit trail are what the platform itself produces. 120
contracts are registered, spread over the 21 市(州) (sellers and buyers), on fixed dates in the years
since 2021 and a few within the disclosure period before today, with amounts from tens of thousands to
tens of millions of yuan.

History is made by running the services today and then moving the record's own dates back with a
queryset ``update()`` in the same transaction (published, signed, submitted, registered, disclosed,
performed …). A registration number carries the year it was drawn in; for a contract registered in an
earlier year the number the service drew today is replaced by
``policies.registration_number(year=<that year>)`` with that body's serial for that year, drawn from the
same ``RegistrationSequence`` table the service uses (so the service never hands out an old year's
serial twice — it only draws the current year).

Every specification is built before anything touches the database, the same on any day (its recent
dates moved to today by ``demo.dates``). Each listing, demand, deal and inquiry is created in its own
transaction and keyed by a natural key (listing: institution + title; demand: enterprise + title;
inquiry: subject + the other party), so a second run creates nothing and an interrupted run leaves
whole records behind. The notifications the workflow sends are deleted before each commit: demo inboxes
start empty and no e-mail goes out.
"""

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pghistory
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import ngettext

from accounts import services as account_services
from accounts.models import User
from achievements.models import Achievement
from demo.pools import market as pools
from demo.specs import achievements as achievement_specs
from demo.specs import market as market_specs
from institutions.choices import ClassificationScheme, MembershipRole
from institutions.models import Classification, Membership, Organisation
from market import policies
from market.models import (
    ContractRegistration,
    Deal,
    DealBroker,
    Demand,
    Inquiry,
    InquiryMessage,
    Listing,
    ListingObjection,
    RegistrationCertificate,
    RegistrationRuleSet,
    RegistrationSequence,
)
from market.selectors.contract_lifecycle import certificate_snapshot
from market.services import contract_lifecycle as lifecycle_services
from market.services import contracts as contract_services
from market.services import deals as deal_services
from market.services import demands as demand_services
from market.services import inquiries as inquiry_services
from market.services import listings as listing_services
from notifications.models import Notification

COUNT_LABELS: dict[str, Callable[[int], str]] = {
    "listings created": lambda n: ngettext("%(count)d listing created", "%(count)d listings created", n),
    "demands created": lambda n: ngettext("%(count)d demand created", "%(count)d demands created", n),
    "deals created": lambda n: ngettext("%(count)d deal created", "%(count)d deals created", n),
    "inquiries created": lambda n: ngettext("%(count)d inquiry created", "%(count)d inquiries created", n),
    "contracts registered": lambda n: ngettext(
        "%(count)d contract registered", "%(count)d contracts registered", n
    ),
}


# --- loading -------------------------------------------------------------------------------------------


def _moment(day: date, rng: random.Random) -> datetime:
    """A plausible office-hours moment on ``day`` in the platform's time zone, never later than now: seeded
    before today's office hours are over, today's moments fall, in the same order, in the hours already
    past (a demo never shows a message, deal or registration dated later than the reader's clock)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    opening = datetime.combine(day, time(9, 0), tzinfo=tz)
    moment = opening + timedelta(minutes=rng.randint(0, 8 * 60))
    now = timezone.now()
    if moment <= now:
        return moment
    midnight = datetime.combine(day, time(0, 0), tzinfo=tz)
    if now <= midnight:
        return now
    return midnight + (now - midnight) * ((moment - opening) / timedelta(hours=8))


class MarketLoader:
    """Builds the missing parts of the demo market through the services; remembers what it did."""

    def __init__(
        self, *, organisations: dict[str, Organisation], users: dict[str, User], today: date | None = None
    ):
        self.organisations = organisations
        self.users = users
        self.today = today or timezone.localdate()
        self.counts: Counter[str] = Counter()
        self._members: dict[str, User] = {}
        self._fields: dict[str, Classification] = {}
        self.listings: dict[str, Listing] = {}
        self.demands: dict[str, Demand] = {}
        self._created_listings: dict[int, market_specs.ListingSpec] = {}

    def run(self) -> None:
        self.specs = specs = market_specs.market_specs(self.today)
        self._fields = {
            entry.code: entry
            for entry in Classification.objects.filter(
                scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True
            )
        }
        self._rule_sets = [
            (rule_set, contract_services.contract_selectors.rule_set_value(rule_set))
            for rule_set in RegistrationRuleSet.objects.all()
        ]
        self._brokers = {
            username: self._ensure_member(username, key, MembershipRole.BROKER)
            for username, key in market_specs.BROKERS
        }
        self.listings = {
            (listing.institution_id, listing.title): listing
            for listing in Listing.objects.filter(title__in=[spec.title for spec in specs.listings])
        }
        for spec in specs.listings:
            if (self.organisations[spec.institution].pk, spec.title) not in self.listings:
                self._in_transaction(self._load_listing, spec)
        self.demands = {
            (demand.enterprise_id, demand.title): demand
            for demand in Demand.objects.filter(title__in=[spec.title for spec in specs.demands])
        }
        for spec in specs.demands:
            if (self.organisations[spec.enterprise].pk, spec.title) not in self.demands:
                self._in_transaction(self._load_demand, spec)
        # An inquiry is keyed by what it is about and the other party: one per listing and buyer, or per
        # demand and seller, in the demo.
        existing = set(Inquiry.objects.values_list("listing_id", "demand_id", "seller_id", "buyer_id"))
        for spec in [*specs.chains, *specs.inquiries]:
            if self._inquiry_key(spec) in existing:
                continue
            self._in_transaction(self._load_chain, spec)
        for listing_pk, spec in self._created_listings.items():
            self._in_transaction(self._finish_listing, listing_pk, spec)

    # --- helpers ------------------------------------------------------------------------------------

    def _in_transaction(self, function, *args) -> None:
        # One transaction per record: the services' own atomic blocks become savepoints of it.
        with transaction.atomic():
            mark = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
            function(*args)
            # The workflow notified everyone of every step; for demo data that is noise, and deleted
            # before the commit no e-mail goes out.
            Notification.objects.filter(pk__gt=mark).delete()

    def _rng(self, *parts) -> random.Random:
        return random.Random(":".join([market_specs.SEED, *map(str, parts)]))

    def _ensure_member(self, username: str, organisation_key: str, role: str) -> User:
        user = self.users.get(username) or User.objects.filter(username=username).first()
        if user is None:
            rng = self._rng("user", username)
            user = account_services.user_create(
                username=username, password=None, full_name=achievement_specs.person_name(rng)
            )
            self.counts["users created"] += 1
        organisation = self.organisations[organisation_key]
        membership = Membership.objects.filter(user=user, organisation=organisation).first()
        if membership is None:
            membership = Membership(user=user, organisation=organisation, role=role)
            self.counts["memberships created"] += 1
        elif membership.role != role or not membership.is_active:
            membership.role, membership.is_active = role, True
            self.counts["memberships restored"] += 1
        else:
            return user
        membership.full_clean()
        membership.save()
        return user

    def member(self, organisation_key: str) -> User:
        """Who acts for the organisation: its demo login, or a quiet staff account."""
        if organisation_key not in self._members:
            if organisation_key in market_specs.DEMO_MEMBERS:
                user = self.users[market_specs.DEMO_MEMBERS[organisation_key]]
            else:
                user = self._ensure_member(
                    "market-" + organisation_key.replace("_", "-"), organisation_key, MembershipRole.STAFF
                )
            self._members[organisation_key] = user
        return self._members[organisation_key]

    def registrar(self, body: Organisation) -> User:
        key = next(
            spec.key for spec in market_specs.ORGANISATIONS.values() if spec.credit_code == body.credit_code
        )
        username = market_specs.DEMO_REGISTRARS.get(key) or "registrar-" + key.removesuffix("_registration")
        if username in self.users:
            return self.users[username]
        if key not in self._members:
            self._members[key] = self._ensure_member(username, key, MembershipRole.OFFICIAL)
        return self._members[key]

    def reviewer(self, organisation_key: str) -> User:
        region = market_specs.region_of(organisation_key)
        return next(self.users[name] for prefix, name in market_specs.REVIEWERS if region.startswith(prefix))

    def _inquiry_key(self, spec: market_specs.ChainSpec) -> tuple:
        seller, buyer = self.organisations[spec.seller], self.organisations[spec.buyer]
        if spec.listing:
            listing = self.listings.get((seller.pk, spec.listing))
            return (listing.pk if listing else None, None, seller.pk, buyer.pk)
        demand = self.demands.get((buyer.pk, spec.demand))
        return (None, demand.pk if demand else None, seller.pk, buyer.pk)

    # --- listings -----------------------------------------------------------------------------------

    def _load_listing(self, spec: market_specs.ListingSpec) -> None:
        rng = self._rng("listing", spec.title)
        institution = self.organisations[spec.institution]
        actor = self.member(spec.institution)
        achievement = Achievement.objects.get(import_key=spec.achievement) if spec.achievement else None
        data = {
            "transaction_mode": spec.mode,
            "pricing_method": spec.pricing,
            "price": spec.price,
            "price_max": spec.price_max,
            "listed_until": self.today + timedelta(days=settings.MARKET_LISTING_MAX_DAYS - 5),
            "contact_name": achievement_specs.person_name(rng),
            "contact_phone": f"028-{rng.randint(8500_0000, 8799_9999)}",
            "brokers": [self._brokers[username] for username in spec.brokers],
        }
        if achievement is None:
            data.update(
                title=spec.title,
                summary=spec.summary,
                keywords=list(spec.keywords),
                technology_field=self._fields[spec.field],
            )
        listing = listing_services.listing_create(
            actor=actor, institution=institution, data=data, achievement=achievement
        )
        self.counts["listings created"] += 1
        self.listings[(institution.pk, listing.title)] = listing
        if spec.outcome == "draft":
            Listing.objects.filter(pk=listing.pk).update(
                created_at=_moment(self.today - timedelta(days=rng.randint(1, 20)), rng)
            )
            return
        listing = listing_services.listing_publish(actor=actor, listing=listing)
        objection = None
        if spec.outcome.startswith("objection_"):
            objector = self.member(rng.choice(market_specs.ENTERPRISES).key)
            objection = listing_services.objection_file(
                actor=objector, listing=listing, reasons=rng.choice(pools.OBJECTION_REASONS)
            )
            if spec.outcome != "objection_open":
                upheld = spec.outcome == "objection_upheld"
                listing_services.objection_resolve(
                    actor=self.reviewer(spec.institution),
                    objection=objection,
                    upheld=upheld,
                    resolution=rng.choice(pools.OBJECTION_UPHELD if upheld else pools.OBJECTION_DISMISSED),
                )
        published_at = _moment(spec.published_on, rng)
        ends_at = policies.publicity_end(published_at, settings.MARKET_PUBLICITY_DAYS)
        Listing.objects.filter(pk=listing.pk).update(
            created_at=published_at - timedelta(days=rng.randint(1, 10)),
            published_at=published_at,
            publicity_ends_at=ends_at,
        )
        if objection is not None:
            # Filed during the publicity, and before now (between publication and now when it is recent).
            elapsed = timezone.now() - published_at
            filed = published_at + min(timedelta(days=rng.randint(1, 10), hours=2), elapsed * 0.8)
            ListingObjection.objects.filter(pk=objection.pk).update(
                created_at=filed,
                resolved_at=None
                if spec.outcome == "objection_open"
                else filed + timedelta(days=rng.randint(2, 5)),
            )
        if ends_at < timezone.now():
            listing_services.listing_close_publicity(listing_pk=listing.pk)
        if spec.outcome == "withdrawn":
            listing_services.listing_withdraw(
                actor=actor, listing=listing, reason=rng.choice(pools.WITHDRAW_REASONS)
            )
        self._created_listings[listing.pk] = spec

    def _finish_listing(self, listing_pk: int, spec: market_specs.ListingSpec) -> None:
        """Once the deals are in: the listing's real period, and expiry when it has passed."""
        if spec.published_on is None:
            return
        Listing.objects.filter(pk=listing_pk).update(listed_until=spec.listed_until)
        listing_services.listing_expire(listing_pk=listing_pk)

    # --- demands ------------------------------------------------------------------------------------

    def _load_demand(self, spec: market_specs.DemandSpec) -> None:
        rng = self._rng("demand", spec.title)
        enterprise = self.organisations[spec.enterprise]
        actor = self.member(spec.enterprise)
        demand = demand_services.demand_create(
            actor=actor,
            enterprise=enterprise,
            data={
                "title": spec.title,
                "problem": spec.entry.problem,
                "expected_outcome": spec.entry.outcome,
                "keywords": spec.entry.keywords.split(),
                "technology_field": self._fields[spec.field],
                "required_trl": spec.required_trl,
                "budget_min": spec.budget_min,
                "budget_max": spec.budget_max,
                "deadline": max(spec.deadline, self.today + timedelta(days=30)),
                "cooperation_mode": spec.mode,
                "contact_name": achievement_specs.person_name(rng),
                "contact_phone": f"0{rng.randint(810, 839)}-{rng.randint(2200_000, 2899_999)}",
            },
        )
        self.counts["demands created"] += 1
        self.demands[(enterprise.pk, demand.title)] = demand
        created_at = _moment(spec.created_on, rng)
        updates = {"created_at": created_at}
        if spec.outcome != "draft":
            demand = demand_services.demand_submit(actor=actor, demand=demand)
            updates["submitted_at"] = created_at + timedelta(hours=rng.randint(2, 30))
        reviewer = self.reviewer(spec.enterprise)
        if spec.outcome == "returned":
            demand = demand_services.demand_return(actor=reviewer, demand=demand, reason=spec.reason)
        if spec.outcome in ("deal", "published", "closed"):
            demand = demand_services.demand_approve(actor=reviewer, demand=demand)
            updates["published_at"] = _moment(spec.published_on, rng)
        if spec.outcome == "closed":
            demand = demand_services.demand_close(actor=actor, demand=demand, reason=spec.reason)
            updates["closed_at"] = updates["published_at"] + timedelta(days=rng.randint(3, 20))
        Demand.objects.filter(pk=demand.pk).update(**updates)

    # --- inquiries and deals ------------------------------------------------------------------------

    def _load_chain(self, spec: market_specs.ChainSpec) -> None:
        rng = self._rng("chain", spec.subject, spec.seller, spec.buyer)
        seller, buyer = self.organisations[spec.seller], self.organisations[spec.buyer]
        actors = {"seller": self.member(spec.seller), "buyer": self.member(spec.buyer)}
        _first_side, first_text, _attached = spec.messages[0]
        if spec.listing:
            listing = self.listings[(seller.pk, spec.listing)]
            inquiry = inquiry_services.inquiry_open_for_listing(
                actor=actors["buyer"], listing=listing, buyer=buyer, message=first_text
            )
        else:
            demand = self.demands[(buyer.pk, spec.demand)]
            inquiry = inquiry_services.inquiry_open_for_demand(
                actor=actors["seller"], demand=demand, seller=seller, message=first_text
            )
        self.counts["inquiries created"] += 1
        for side, text, attached in spec.messages[1:]:
            attachment = (
                SimpleUploadedFile(pools.MESSAGE_ATTACHMENT_NAME, market_specs.TINY_PDF) if attached else None
            )
            inquiry_services.message_post(
                actor=actors[side], inquiry=inquiry, body=text, attachment=attachment
            )
        opened_at = _moment(spec.opened_on, rng)
        last_day = spec.proposed_on or min(
            self.today, spec.opened_on + timedelta(days=len(spec.messages) * 3)
        )
        message_times = self._spread(opened_at, _moment(last_day, rng), len(spec.messages))
        for message, moment in zip(inquiry.messages.order_by("pk"), message_times, strict=True):
            InquiryMessage.objects.filter(pk=message.pk).update(created_at=moment)
        Inquiry.objects.filter(pk=inquiry.pk).update(created_at=opened_at, last_message_at=message_times[-1])
        if spec.outcome == "open":
            return
        if spec.outcome == "closed":
            inquiry_services.inquiry_close(actor=actors["buyer"], inquiry=inquiry, reason=spec.close_reason)
            return
        self._load_deal(spec, rng, inquiry, actors)

    def _spread(self, start: datetime, end: datetime, count: int) -> list[datetime]:
        """``count`` moments from ``start`` towards ``end``, in order and a minute apart at least, but
        never later than now (a conversation opened moments ago is squeezed into the time since)."""
        end = min(max(end, start + timedelta(minutes=count)), timezone.now())
        start = min(start, end)
        step = (end - start) / max(1, count)
        return [start + step * index for index in range(count)]

    def _load_deal(
        self, spec: market_specs.ChainSpec, rng: random.Random, inquiry: Inquiry, actors: dict
    ) -> None:
        title = market_specs.deal_title(spec.subject, spec.mode)
        proposer = "buyer" if spec.listing else "seller"
        other = "seller" if proposer == "buyer" else "buyer"
        deal = deal_services.deal_propose(
            actor=actors[proposer],
            inquiry=inquiry,
            terms={
                "title": title,
                "amount": spec.amount,
                "payment_method": spec.payment_method,
                "terms": pools.TERMS[spec.mode],
                "disclose_amount": spec.disclose_amount,
            },
        )
        self.counts["deals created"] += 1
        engagements = []
        for terms in spec.brokers:
            engagements.append(
                deal_services.broker_engage(
                    actor=actors[terms.side],
                    deal=deal,
                    broker=self._brokers[terms.username],
                    role=terms.role,
                    fee_basis=terms.fee_basis,
                    rate_percent=terms.rate_percent,
                    fee_amount=terms.fee_amount,
                    agreement=terms.agreement,
                )
            )
        proposed_at = _moment(spec.proposed_on, rng)
        deal_dates = {
            "created_at": proposed_at,
            f"{proposer}_confirmed_at": proposed_at,
            "updated_at": proposed_at,
        }
        if spec.signed_on is not None:
            deal = deal_services.deal_confirm(
                actor=actors[other], deal=deal, terms_version=deal.terms_version
            )
            signed_at = _moment(spec.signed_on, rng)
            deal_dates.update(
                {f"{other}_confirmed_at": signed_at, "signed_on": spec.signed_on, "updated_at": signed_at}
            )
        if spec.outcome == "cancelled":
            deal = deal_services.deal_cancel(actor=actors["buyer"], deal=deal, reason=spec.close_reason)
            deal_dates["updated_at"] = _moment(spec.cancelled_on, rng)
        contract = None
        if spec.submitted_on is not None:
            contract = self._load_contract(spec, rng, deal, actors["seller"])
            deal_dates["updated_at"] = contract.updated_at
            deal_dates["performed_on"] = spec.performed_on
        Deal.objects.filter(pk=deal.pk).update(**deal_dates)
        if engagements:
            DealBroker.objects.filter(pk__in=[e.pk for e in engagements]).update(
                created_at=proposed_at + timedelta(hours=3)
            )
        if spec.demand and spec.outcome in ("registered", "performed"):
            demand = self.demands[(self.organisations[spec.buyer].pk, spec.demand)]
            demand_services.demand_close(
                actor=actors["buyer"], demand=demand, reason=pools.DEMAND_CLOSED_WITH_DEAL
            )
        if spec.demand:
            self._date_demand(spec)

    def _date_demand(self, spec: market_specs.ChainSpec) -> None:
        demand = self.demands[(self.organisations[spec.buyer].pk, spec.demand)]
        for demand_spec in self.specs.demands:
            if demand_spec.title == spec.demand:
                updates = {"deadline": demand_spec.deadline}
                if spec.outcome in ("registered", "performed"):
                    updates["closed_at"] = _moment(
                        spec.decided_on + timedelta(days=3), self._rng("closed", spec.demand)
                    )
                Demand.objects.filter(pk=demand.pk).update(**updates)
                return

    def _load_contract(
        self, spec: market_specs.ChainSpec, rng: random.Random, deal: Deal, seller_actor: User
    ) -> ContractRegistration:
        contract = contract_services.contract_prepare(actor=seller_actor, deal=deal)
        contract = contract_services.contract_update(
            actor=seller_actor,
            contract=contract,
            data={
                "non_technical_amount": spec.non_technical,
                "expected_investment": (spec.amount * Decimal(rng.choice((2, 3, 5)))).quantize(
                    Decimal(10000)
                ),
                "expected_output": (spec.amount * Decimal(rng.choice((5, 8, 12)))).quantize(Decimal(10000)),
            },
        )
        contract = contract_services.contract_attach_file(
            actor=seller_actor,
            contract=contract,
            uploaded_file=SimpleUploadedFile(
                pools.CONTRACT_FILE_NAME, market_specs.TINY_PDF, "application/pdf"
            ),
        )
        contract = contract_services.contract_submit(actor=seller_actor, contract=contract)
        registrar = self.registrar(contract.registration_body)
        if spec.outcome == "rejected":
            note = pools.REJECTION_NOTES.get(spec.rejection_reason, "")
            contract = contract_services.contract_reject(
                actor=registrar, contract=contract, reason=spec.rejection_reason, note=note
            )
        elif spec.is_registered:
            corrected = spec.corrected_non_technical is not None
            contract = contract_services.contract_register(
                actor=registrar,
                contract=contract,
                version=contract.version,
                non_technical_amount=spec.corrected_non_technical,
                note=pools.REGISTRAR_NOTES[0] if corrected else "",
            )
            self.counts["contracts registered"] += 1
            if spec.outcome == "performed":
                lifecycle_services.income_certify(
                    actor=registrar, contract=contract, amount=spec.certified_income, performed_on=self.today
                )
                contract.refresh_from_db()
        return self._date_contract(spec, rng, contract)

    def _date_contract(
        self, spec: market_specs.ChainSpec, rng: random.Random, contract: ContractRegistration
    ) -> ContractRegistration:
        """Moves the contract's dates to the history the specification tells."""
        submitted_at = _moment(spec.submitted_on, rng)
        rule_set, value = self._rule_set_on(spec.submitted_on)
        decision_days = value.decision_days or settings.MARKET_REGISTRATION_DECISION_DAYS
        updates = {
            "signed_on": spec.signed_on,
            "valid_from": spec.signed_on,
            "valid_until": contract_services._years_later(spec.signed_on, contract_services.VALIDITY_YEARS),
            "submitted_at": submitted_at,
            "due_on": policies.decision_due(spec.submitted_on, decision_days),
            "rule_set": rule_set,
            "created_at": _moment(spec.signed_on, rng),
            "updated_at": submitted_at,
        }
        if spec.outcome == "rejected":
            updates["rejected_at"] = updates["updated_at"] = _moment(spec.decided_on, rng)
        if spec.is_registered:
            registered_at = _moment(spec.decided_on, rng)
            starts, ends = contract_services.disclosure_window(spec.decided_on)
            updates.update(
                registered_at=registered_at,
                updated_at=registered_at,
                disclosure_starts_on=starts,
                disclosure_ends_on=ends,
            )
            if spec.decided_on.year != self.today.year:
                updates["registration_number"] = self._number_for_year(
                    contract.registration_body, spec.decided_on.year
                )
        if spec.outcome == "performed":
            certified_at = _moment(spec.performed_on + timedelta(days=rng.randint(5, 30)), rng)
            certified_at = min(certified_at, timezone.now())
            updates.update(certified_at=certified_at, updated_at=certified_at)
        ContractRegistration.objects.filter(pk=contract.pk).update(**updates)
        contract.refresh_from_db()
        if spec.is_registered:
            # the certificate was issued on registration: it prints the number and the day the contract has now
            RegistrationCertificate.objects.filter(contract=contract).update(
                issued_at=contract.registered_at, snapshot=certificate_snapshot(contract)
            )
        return contract

    def _rule_set_on(self, day: date):
        value = policies.rule_set_in_force([value for _rule_set, value in self._rule_sets], day)
        return next((rule_set, v) for rule_set, v in self._rule_sets if v is value)

    def _number_for_year(self, body: Organisation, year: int) -> str:
        """The body's next number of an earlier year, from the same sequence table the service uses."""
        RegistrationSequence.objects.get_or_create(registration_body=body, year=year)
        sequence = RegistrationSequence.objects.select_for_update().get(registration_body=body, year=year)
        sequence.last_serial += 1
        sequence.save(update_fields=["last_serial"])
        return policies.registration_number(
            region_code=body.region_id, year=year, serial=sequence.last_serial
        )


def load(*, organisations: dict[str, Organisation], users: dict[str, User]) -> MarketLoader:
    """Builds the missing demo market, each record in its own transaction, audited as ``seed_demo``."""
    loader = MarketLoader(organisations=organisations, users=users)
    with pghistory.context(source=market_specs.AUDIT_SOURCE):
        loader.run()
    return loader
