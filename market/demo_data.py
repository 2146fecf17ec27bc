"""The demo market that ``manage.py seed_demo`` builds after the demo achievements.

About 150 listings of published demo achievements and 15 standalone services of transfer institutions,
about 70 technology demands of the demo enterprises, 160 deals in every state and 60 further inquiries
with their threads — all through the real services (``market.services``), so that numbers, statuses,
search vectors, disclosure windows and the audit trail are what the platform itself produces. Around
120 contracts are registered, spread over the 21 市(州) (sellers and buyers) and the years 2021 to today,
with amounts from tens of thousands to tens of millions of yuan.

History is made by running the services today and then moving the record's own dates back with a
queryset ``update()`` in the same transaction (published, signed, submitted, registered, disclosed,
performed …). A registration number carries the year it was drawn in; for a contract registered in an
earlier year the number the service drew today is replaced by
``policies.registration_number(year=<that year>)`` with that body's serial for that year, drawn from the
same ``RegistrationSequence`` table the service uses (so the service never hands out an old year's
serial twice — it only draws the current year). A few contracts are registered within the disclosure
period, so the disclosure board has entries today.

Every specification is built before anything touches the database, from random generators seeded by
fixed strings, for a given ``today``: the same day gives the same market. Each listing, demand, deal and
inquiry is created in its own transaction and keyed by a natural key (listing: institution + title;
demand: enterprise + title; inquiry: subject + the other party), so a second run creates nothing and an
interrupted run leaves whole records behind. The notifications the workflow sends are deleted before
each commit: demo inboxes start empty and no e-mail goes out.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
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
from achievements import demo_data as achievement_demo
from achievements.models import Achievement
from institutions import demo_data as institution_demo
from institutions.choices import ClassificationScheme, MembershipRole
from institutions.models import Classification, Membership, Organisation
from market import demo_pools, policies
from market.choices import (
    BrokerRole,
    FeeBasis,
    PaymentMethod,
    PricingMethod,
    RejectionReason,
    TransactionMode,
)
from market.models import (
    ContractRegistration,
    Deal,
    DealBroker,
    Demand,
    Inquiry,
    InquiryMessage,
    Listing,
    ListingObjection,
    RegistrationRuleSet,
    RegistrationSequence,
)
from market.services import contracts as contract_services
from market.services import deals as deal_services
from market.services import demands as demand_services
from market.services import inquiries as inquiry_services
from market.services import listings as listing_services
from notifications.models import Notification

SEED = "tianfu-demo-market"
AUDIT_SOURCE = "seed_demo"
FIRST_YEAR = 2021
COUNT_LABELS: dict[str, Callable[[int], str]] = {
    "listings created": lambda n: ngettext("%(count)d listing created", "%(count)d listings created", n),
    "demands created": lambda n: ngettext("%(count)d demand created", "%(count)d demands created", n),
    "deals created": lambda n: ngettext("%(count)d deal created", "%(count)d deals created", n),
    "inquiries created": lambda n: ngettext("%(count)d inquiry created", "%(count)d inquiries created", n),
    "contracts registered": lambda n: ngettext(
        "%(count)d contract registered", "%(count)d contracts registered", n
    ),
}

CITY_CODES = tuple(city.code for city in institution_demo.CITIES)
ORGANISATIONS = {spec.key: spec for spec in institution_demo.organisation_specs()}
ENTERPRISES = [*institution_demo.ENTERPRISES, *institution_demo.CITY_ENTERPRISES]
# Demo logins act for their organisation; every other organisation gets a quiet account (no password,
# no e-mail) named ``market-<key>`` that exists only to act in the demo market.
DEMO_MEMBERS = {"scu_office": "scu-staff", "deyang_heavy": "enterprise", "chengdu_chip": "enterprise-cd"}
# Registrars of the registration bodies: the demo logins for the province and 成都, quiet ones elsewhere.
DEMO_REGISTRARS = {"sc_registration": "registrar", "510100_registration": "registrar-cd"}
# Officials who review demands and resolve objections, by the prefix of the organisation's region.
REVIEWERS = achievement_demo.REVIEWERS
# Brokers (技术经纪人): the demo login and a few quiet ones, by agency.
BROKERS = (
    ("broker", "chengdu_market"),
    ("broker-sc", "sc_centre"),
    ("broker-mianyang", "mianyang_market"),
    ("broker-deyang", "deyang_market"),
    ("broker-yibin", "yibin_market"),
)
BROKER_OF_CITY = {"510700": "broker-mianyang", "510600": "broker-deyang", "511500": "broker-yibin"}

MODE_SUFFIX = {
    TransactionMode.TRANSFER: "专利权转让",
    TransactionMode.LICENCE_EXCLUSIVE: "独占实施许可",
    TransactionMode.LICENCE_SOLE: "排他实施许可",
    TransactionMode.LICENCE_ORDINARY: "普通实施许可",
    TransactionMode.INVESTMENT: "作价投资",
    TransactionMode.JOINT_DEVELOPMENT: "合作开发",
    TransactionMode.TECHNICAL_SERVICE: "技术服务",
    TransactionMode.TECHNICAL_CONSULTING: "技术咨询",
}
# Amounts by mode in units of 10,000 yuan (万元), drawn log-uniformly.
AMOUNT_RANGES = {
    TransactionMode.TRANSFER: (30, 3000),
    TransactionMode.LICENCE_EXCLUSIVE: (50, 1500),
    TransactionMode.LICENCE_SOLE: (30, 800),
    TransactionMode.LICENCE_ORDINARY: (10, 500),
    TransactionMode.INVESTMENT: (300, 5000),
    TransactionMode.JOINT_DEVELOPMENT: (30, 2000),
    TransactionMode.TECHNICAL_SERVICE: (3, 300),
    TransactionMode.TECHNICAL_CONSULTING: (3, 80),
}
PAYMENT_METHODS = {
    TransactionMode.TRANSFER: (PaymentMethod.INSTALMENTS, PaymentMethod.LUMP_SUM),
    TransactionMode.LICENCE_EXCLUSIVE: (PaymentMethod.ROYALTY_WITH_FEE, PaymentMethod.INSTALMENTS),
    TransactionMode.LICENCE_SOLE: (PaymentMethod.ROYALTY_WITH_FEE, PaymentMethod.ROYALTY),
    TransactionMode.LICENCE_ORDINARY: (PaymentMethod.ROYALTY, PaymentMethod.LUMP_SUM),
    TransactionMode.INVESTMENT: (PaymentMethod.LUMP_SUM,),
    TransactionMode.JOINT_DEVELOPMENT: (PaymentMethod.INSTALMENTS,),
    TransactionMode.TECHNICAL_SERVICE: (PaymentMethod.LUMP_SUM, PaymentMethod.INSTALMENTS),
    TransactionMode.TECHNICAL_CONSULTING: (PaymentMethod.LUMP_SUM,),
}
# Contracts registered per year; the current year also gets the recent ones on the disclosure board.
REGISTERED_PER_YEAR = {2021: 14, 2022: 18, 2023: 21, 2024: 24, 2025: 26, 2026: 11}
RECENT_REGISTERED = 6
PERFORMED = 24
UNFINISHED = {"submitted": 8, "rejected": 6, "agreed": 8, "negotiating": 10, "cancelled": 8}
REJECTION_REASONS = (
    RejectionReason.DOCUMENTS_DEFECTIVE,
    RejectionReason.SEALS_DEFECTIVE,
    RejectionReason.UNCLEAR_ESSENTIALS,
    RejectionReason.NOT_TECHNOLOGY_CONTRACT,
    RejectionReason.MAIN_TERMS_UNCLEAR,
    RejectionReason.OTHER,
)
# What happens to the listings no deal uses, in this order; the rest stay on the market (active).
OTHER_LISTING_OUTCOMES = (
    *["draft"] * 6,
    *["publicity"] * 7,
    *["objection_open"] * 3,
    *["objection_dismissed"] * 3,
    *["objection_upheld"] * 2,
    *["withdrawn"] * 5,
    *["expired"] * 8,
)
EXTRA_ACTIVE_LISTINGS = 24
LISTINGS_PER_CITY = {"510100": 46, "510700": 14}
LISTINGS_PER_OTHER_CITY = 6
PLAIN_INQUIRIES = {"open": 40, "closed": 20}
TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def city_of(region_code: str) -> str:
    return region_code[:4] + "00"


def _region(key: str) -> str:
    return ORGANISATIONS[key].region


def _log_amount(rng: random.Random, low: int, high: int) -> Decimal:
    """Yuan, log-uniform between ``low`` and ``high`` 万元, rounded to 1,000 yuan."""
    value = 10 ** rng.uniform(_log10(low), _log10(high)) * 10_000
    return Decimal(max(1, round(value / 1000)) * 1000)


def _log10(value: float) -> float:
    import math

    return math.log10(value)


# --- specifications (pure, deterministic for a given day) ------------------------------------------------


@dataclass(frozen=True)
class ListingSpec:
    """One listing: of a published demo achievement (``achievement`` is its import key) or standalone."""

    title: str
    institution: str
    achievement: str
    field: str
    mode: str
    pricing: str
    price: Decimal | None
    price_max: Decimal | None
    outcome: str  # market (deals decide), draft, publicity, objection_*, withdrawn, expired, active
    published_on: date | None
    listed_days: int
    brokers: tuple[str, ...] = ()
    summary: str = ""
    keywords: tuple[str, ...] = ()

    @property
    def is_resellable(self) -> bool:
        return self.mode in listing_services.RESELLABLE_MODES


@dataclass(frozen=True)
class DemandSpec:
    title: str
    enterprise: str
    field: str
    entry: demo_pools.DemandEntry
    mode: str
    budget_min: Decimal | None
    budget_max: Decimal | None
    required_trl: int | None
    outcome: str  # deal (a deal answers it), published, submitted, returned, draft, closed
    created_on: date
    published_on: date | None
    deadline: date  # the final one; may lie in the past for history
    reason: str = ""


@dataclass(frozen=True)
class BrokerTerms:
    username: str
    side: str  # seller or buyer: who engages
    role: str
    fee_basis: str
    rate_percent: Decimal | None
    fee_amount: Decimal | None
    agreement: str


@dataclass(frozen=True)
class ChainSpec:
    """One inquiry and, unless ``outcome`` is ``open`` or ``closed``, the deal it became."""

    listing: str  # listing title, or ""
    demand: str  # demand title, or ""
    seller: str
    buyer: str
    outcome: str  # open, closed, negotiating, agreed, submitted, rejected, registered, performed, cancelled
    opened_on: date
    messages: tuple[tuple[str, str, bool], ...]  # (side, text, with an attachment)
    mode: str = ""
    amount: Decimal = Decimal(0)
    non_technical: Decimal = Decimal(0)
    corrected_non_technical: Decimal | None = None  # the registrar's correction, if any
    payment_method: str = ""
    disclose_amount: bool = False
    proposed_on: date | None = None
    signed_on: date | None = None
    submitted_on: date | None = None
    decided_on: date | None = None  # registered or refused
    performed_on: date | None = None
    certified_income: Decimal | None = None
    rejection_reason: str = ""
    cancelled_on: date | None = None
    cancelled_after_signing: bool = False
    close_reason: str = ""
    brokers: tuple[BrokerTerms, ...] = ()

    @property
    def is_registered(self) -> bool:
        return self.outcome in ("registered", "performed")

    @property
    def subject(self) -> str:
        return self.listing or self.demand


@dataclass
class MarketSpecs:
    listings: list[ListingSpec] = field(default_factory=list)
    demands: list[DemandSpec] = field(default_factory=list)
    chains: list[ChainSpec] = field(default_factory=list)  # deals, by date of the inquiry
    inquiries: list[ChainSpec] = field(default_factory=list)  # inquiries that stay open or closed


def _published_achievements() -> list[achievement_demo.AchievementSpec]:
    return [spec for spec in achievement_demo.achievement_specs() if spec.outcome == "published"]


def _listing_candidates() -> dict[str, list[achievement_demo.AchievementSpec]]:
    """Published achievements by the city of their filer, capped per city (成都 has most of them)."""
    by_city: dict[str, list] = defaultdict(list)
    for spec in _published_achievements():
        city = city_of(_region(spec.filer))
        if len(by_city[city]) < LISTINGS_PER_CITY.get(city, LISTINGS_PER_OTHER_CITY):
            by_city[city].append(spec)
    return by_city


def _registration_dates(today: date, rng: random.Random) -> list[date]:
    days = []
    last_history_day = today - timedelta(days=settings.MARKET_DISCLOSURE_DAYS + 3)
    for year, count in REGISTERED_PER_YEAR.items():
        start = date(year, 1, 8)
        end = min(date(year, 12, 24), last_history_day)
        if end <= start:
            continue
        span = (end - start).days
        days += [start + timedelta(days=rng.randint(0, span)) for _ in range(count)]
    days += [
        today - timedelta(days=rng.randint(0, settings.MARKET_DISCLOSURE_DAYS - 2))
        for _ in range(RECENT_REGISTERED)
    ]
    return sorted(days)


def _amount(rng: random.Random, mode: str, price: Decimal | None) -> Decimal:
    if price:
        return Decimal(round(float(price) * rng.uniform(0.8, 1.05) / 1000) * 1000)
    return _log_amount(rng, *AMOUNT_RANGES[mode])


def _messages(rng: random.Random, opener: str, count: int, *, demand: bool) -> tuple:
    other = "seller" if opener == "buyer" else "buyer"
    first = rng.choice(demo_pools.DEMAND_ANSWERS if demand else demo_pools.BUYER_OPENINGS)
    messages = [(opener, first, False)]
    replies = list(demo_pools.SELLER_ANSWERS if opener == "buyer" else demo_pools.FOLLOW_UPS)
    follow_ups = list(demo_pools.FOLLOW_UPS if opener == "buyer" else demo_pools.SELLER_ANSWERS)
    for index in range(1, count):
        side = other if index % 2 else opener
        pool = replies if side == other else follow_ups
        text = pool[(index + rng.randint(0, 10)) % len(pool)]
        messages.append((side, text, side == "seller" and rng.random() < 0.2))
    return tuple(messages)


def _brokers(rng: random.Random, seller: str, amount: Decimal) -> tuple[BrokerTerms, ...]:
    if rng.random() > 0.35:
        return ()
    username = BROKER_OF_CITY.get(city_of(_region(seller)), rng.choice(("broker", "broker", "broker-sc")))
    role = rng.choice(BrokerRole.values)
    basis = {
        BrokerRole.INTERMEDIARY: FeeBasis.PERCENT_OF_CONTRACT,
        BrokerRole.COMMISSION_AGENT: FeeBasis.FIXED,
        BrokerRole.AGENT: FeeBasis.PERCENT_OF_RECEIVED,
    }[role]
    rate = Decimal(rng.choice(("2.00", "3.00", "5.00", "8.00"))) if basis != FeeBasis.FIXED else None
    fee = (amount * Decimal("0.04")).quantize(Decimal("1000")) if basis == FeeBasis.FIXED else None
    agreement = demo_pools.BROKER_AGREEMENTS[BrokerRole.values.index(role)]
    side = "seller" if role != BrokerRole.COMMISSION_AGENT or rng.random() < 0.5 else "buyer"
    return (BrokerTerms(username, side, role, basis, rate, fee or None, agreement),)


def _chain_outcomes(today: date, rng: random.Random) -> list[tuple[str, date]]:
    """(outcome, the day that fixes its dates) for every deal: registration day for registered ones."""
    registered = _registration_dates(today, rng)
    old_enough = [day for day in registered if (today - day).days > 150]
    step = max(1, len(old_enough) // PERFORMED)
    performed = set(old_enough[::step][:PERFORMED])
    plan = [("performed" if day in performed else "registered", day) for day in registered]
    for outcome, count in UNFINISHED.items():
        for _ in range(count):
            back = {
                "submitted": rng.randint(1, 40),
                "rejected": rng.randint(3, 45),
                "agreed": rng.randint(0, 20),
                "negotiating": rng.randint(0, 25),
                "cancelled": rng.randint(20, 700),
            }[outcome]
            plan.append((outcome, today - timedelta(days=back)))
    return plan


def _chain_dates(rng: random.Random, outcome: str, day: date, today: date) -> dict:
    """The dates of a deal's steps, working back from the day that fixes them."""
    dates: dict = {}
    if outcome in ("registered", "performed"):
        dates["decided_on"] = day
        dates["submitted_on"] = day - timedelta(days=rng.randint(2, 25))
        dates["signed_on"] = dates["submitted_on"] - timedelta(days=rng.randint(1, 20))
        if outcome == "performed":
            dates["performed_on"] = min(day + timedelta(days=rng.randint(90, 400)), today - timedelta(days=3))
    elif outcome == "submitted":
        dates["submitted_on"] = day
        dates["signed_on"] = day - timedelta(days=rng.randint(1, 15))
    elif outcome == "rejected":
        dates["decided_on"] = day
        dates["submitted_on"] = day - timedelta(days=rng.randint(2, 20))
        dates["signed_on"] = dates["submitted_on"] - timedelta(days=rng.randint(1, 15))
    elif outcome == "agreed":
        dates["signed_on"] = day
    elif outcome == "cancelled":
        dates["cancelled_on"] = day
        if rng.random() < 0.5:
            dates["signed_on"] = day - timedelta(days=rng.randint(5, 30))
    anchor = dates.get("signed_on") or dates.get("cancelled_on") or day
    dates["proposed_on"] = anchor - timedelta(days=rng.randint(0 if outcome == "negotiating" else 1, 15))
    dates["opened_on"] = dates["proposed_on"] - timedelta(days=rng.randint(5, 40))
    return dates


def _demand_pool(rng: random.Random) -> list[DemandSpec]:
    """Each demand entry goes to an enterprise in its field, every enterprise getting one first."""
    entries = [(code, entry) for code, pool in demo_pools.DEMANDS.items() for entry in pool]
    unassigned = list(entries)
    owners: dict[str, str] = {}
    for enterprise in ENTERPRISES:
        for code in enterprise.fields:
            match = next((item for item in unassigned if item[0] == code), None)
            if match:
                owners[match[1].title] = enterprise.key
                unassigned.remove(match)
                break
    turn = Counter()
    for code, entry in unassigned:
        candidates = [e.key for e in ENTERPRISES if code in e.fields] or [e.key for e in ENTERPRISES]
        owners[entry.title] = candidates[turn[code] % len(candidates)]
        turn[code] += 1
    specs = []
    for code, entry in entries:
        low = rng.choice((None, 10, 20, 50, 100))
        high = None if low is None else low * rng.choice((2, 3, 5))
        specs.append(
            DemandSpec(
                title=entry.title,
                enterprise=owners[entry.title],
                field=code,
                entry=entry,
                mode=rng.choice(
                    (
                        TransactionMode.JOINT_DEVELOPMENT,
                        TransactionMode.TECHNICAL_SERVICE,
                        TransactionMode.TECHNICAL_SERVICE,
                        TransactionMode.TECHNICAL_CONSULTING,
                        TransactionMode.LICENCE_ORDINARY,
                    )
                ),
                budget_min=None if low is None else Decimal(low * 10_000),
                budget_max=None if high is None else Decimal(high * 10_000),
                required_trl=rng.choice((None, 5, 6, 7)),
                outcome="",
                created_on=date(2000, 1, 1),
                published_on=None,
                deadline=date(2000, 1, 1),
            )
        )
    return specs


def _with(spec, **changes):
    from dataclasses import replace

    return replace(spec, **changes)


def market_specs(today: date) -> MarketSpecs:
    """The whole demo market for ``today``: the same day always gives the same specifications."""
    rng = random.Random(f"{SEED}:{today.isoformat()[:4]}")
    candidates = _listing_candidates()
    listing_plans: dict[str, dict] = {}  # title → what the listing needs
    listing_state: dict[str, str] = {}
    buyers_on: dict[str, set] = defaultdict(set)
    services = list(demo_pools.SERVICE_LISTINGS)
    demands = _demand_pool(rng)
    demand_used: dict[str, tuple] = {}
    chains: list[ChainSpec] = []
    enterprises_by_city: dict[str, list[str]] = defaultdict(list)
    for enterprise in ENTERPRISES:
        enterprises_by_city[city_of(enterprise.region)].append(enterprise.key)
    buyer_turn = Counter()

    def achievement_listing(spec) -> str:
        title = spec.data["title"]
        if title not in listing_plans:
            modes = spec.data["cooperation_modes"]
            mode = rng.choice(modes)
            price = spec.data["indicative_price"]
            if price is None:
                pricing, low, high = PricingMethod.NEGOTIABLE, None, None
            elif rng.random() < 0.25:
                pricing, low, high = (
                    PricingMethod.RANGE,
                    (price * Decimal("0.8")).quantize(Decimal(1000)),
                    price,
                )
            else:
                pricing, low, high = PricingMethod.FIXED, price, None
            listing_plans[title] = {
                "spec": spec,
                "mode": mode,
                "pricing": pricing,
                "price": low,
                "price_max": high,
                "first_opened": None,
            }
            listing_state[title] = "active"
        return title

    def service_listing(entry) -> str:
        if entry.title not in listing_plans:
            price = _log_amount(rng, *AMOUNT_RANGES[entry.mode]) if rng.random() < 0.6 else None
            listing_plans[entry.title] = {
                "service": entry,
                "mode": entry.mode,
                "pricing": PricingMethod.FIXED if price else PricingMethod.NEGOTIABLE,
                "price": price,
                "price_max": None,
                "first_opened": None,
            }
            listing_state[entry.title] = "active"
        return entry.title

    def free_listing(city: str, buyer: str) -> str | None:
        options = [achievement_listing_title(spec) for spec in candidates.get(city, [])]
        options += [entry.title for entry in services if city_of(_region(entry.institution)) == city]
        rng.shuffle(options)
        for title in options:
            if listing_state.get(title, "active") == "active" and buyer not in buyers_on[title]:
                return title
        return None

    def achievement_listing_title(spec) -> str:
        return spec.data["title"]

    def ensure_plan(title: str) -> None:
        for spec_list in candidates.values():
            for spec in spec_list:
                if spec.data["title"] == title:
                    achievement_listing(spec)
                    return
        service_listing(next(entry for entry in services if entry.title == title))

    plan = _chain_outcomes(today, rng)
    # Sellers go round the 21 cities; buyers too, on a different stride, so both sides reach every city.
    prepared = []
    for index, (outcome, day) in enumerate(plan):
        seller_city = CITY_CODES[index % len(CITY_CODES)]
        if index % 15 == 7:
            # Now and then a provincial institution sells (西南中心, 省技术转移中心): the provincial
            # registration centre, and its demo registrar, get contracts too.
            seller_city = institution_demo.PROVINCE
        buyer_city = CITY_CODES[(index * 8 + 5) % len(CITY_CODES)]
        dates = _chain_dates(rng, outcome, day, today)
        prepared.append((dates["opened_on"], index, outcome, seller_city, buyer_city, dates))
    prepared.sort()
    for opened_on, _index, outcome, seller_city, buyer_city, dates in prepared:
        local = enterprises_by_city[buyer_city]
        buyer = local[buyer_turn[buyer_city] % len(local)]
        buyer_turn[buyer_city] += 1
        listing_title = None
        if rng.random() < 0.65:
            listing_title = free_listing(seller_city, buyer)
        if listing_title:
            ensure_plan(listing_title)
            listing_plan = listing_plans[listing_title]
            seller = (
                listing_plan["spec"].filer if "spec" in listing_plan else listing_plan["service"].institution
            )
            mode = listing_plan["mode"]
            price = listing_plan["price"]
            demand_title = ""
            buyers_on[listing_title].add(buyer)
            if listing_plan["first_opened"] is None or opened_on < listing_plan["first_opened"]:
                listing_plan["first_opened"] = opened_on
        else:
            unused = [
                d
                for d in demands
                if d.title not in demand_used and city_of(_region(d.enterprise)) == buyer_city
            ]
            unused = unused or [d for d in demands if d.title not in demand_used]
            demand = unused[0]
            buyer = demand.enterprise
            seller = "sc_centre" if seller_city == institution_demo.PROVINCE else f"{seller_city}_centre"
            mode, price, demand_title = demand.mode, demand.budget_max, demand.title
            demand_used[demand.title] = (opened_on, outcome, dates)
        amount = _amount(rng, mode, price)
        non_technical = Decimal(0)
        if (
            mode
            in (
                TransactionMode.JOINT_DEVELOPMENT,
                TransactionMode.TECHNICAL_SERVICE,
                TransactionMode.INVESTMENT,
            )
            and rng.random() < 0.4
        ):
            non_technical = (amount * Decimal(rng.choice(("0.05", "0.12", "0.2", "0.3")))).quantize(
                Decimal(1000)
            )
        corrected = None
        if outcome in ("registered", "performed") and rng.random() < 0.08:
            corrected = (amount * Decimal("0.15")).quantize(Decimal(1000))
        technical = amount - (corrected if corrected is not None else non_technical)
        chain = ChainSpec(
            listing=listing_title or "",
            demand=demand_title,
            seller=seller,
            buyer=buyer,
            outcome=outcome,
            opened_on=dates["opened_on"],
            messages=_messages(
                rng, "buyer" if listing_title else "seller", rng.randint(2, 4), demand=not listing_title
            ),
            mode=mode,
            amount=amount,
            non_technical=non_technical,
            corrected_non_technical=corrected,
            payment_method=rng.choice(PAYMENT_METHODS[mode]),
            disclose_amount=rng.random() < 0.7,
            proposed_on=dates["proposed_on"],
            signed_on=dates.get("signed_on"),
            submitted_on=dates.get("submitted_on"),
            decided_on=dates.get("decided_on"),
            performed_on=dates.get("performed_on"),
            certified_income=(technical * Decimal(rng.choice(("0.7", "0.85", "0.95", "1")))).quantize(
                Decimal(1)
            )
            if outcome == "performed"
            else None,
            rejection_reason=REJECTION_REASONS[
                len([c for c in chains if c.outcome == "rejected"]) % len(REJECTION_REASONS)
            ]
            if outcome == "rejected"
            else "",
            cancelled_on=dates.get("cancelled_on"),
            cancelled_after_signing=outcome == "cancelled" and "signed_on" in dates,
            close_reason=rng.choice(demo_pools.CANCEL_REASONS) if outcome == "cancelled" else "",
            brokers=_brokers(rng, seller, amount),
        )
        chains.append(chain)
        if listing_title:
            state = listing_state[listing_title]
            if chain.is_registered:
                state = (
                    "active"
                    if listing_plans[listing_title]["mode"] in listing_services.RESELLABLE_MODES
                    else "sold"
                )
            elif outcome in ("agreed", "submitted", "rejected"):
                state = "in_deal"
            listing_state[listing_title] = state

    specs = MarketSpecs()
    specs.chains = sorted(chains, key=lambda chain: chain.opened_on)
    # Listings: first those deals use, then the others with the outcomes above.
    for title, listing_plan in listing_plans.items():
        published = listing_plan["first_opened"] - timedelta(days=rng.randint(20, 80))
        specs.listings.append(_listing_spec(rng, title, listing_plan, "market", published, today))
    others = [
        spec
        for city in CITY_CODES
        for spec in candidates.get(city, [])
        if spec.data["title"] not in listing_plans
    ]
    rng.shuffle(others)
    # Every standalone service is listed; the achievements fill the rest of the outcomes.
    others = [entry for entry in services if entry.title not in listing_plans] + others
    outcomes = list(OTHER_LISTING_OUTCOMES) + ["active"] * EXTRA_ACTIVE_LISTINGS
    rng.shuffle(outcomes)
    for item, outcome in zip(others, outcomes, strict=False):
        if isinstance(item, demo_pools.ServiceEntry):
            listing_plan = {
                "service": item,
                "mode": item.mode,
                "pricing": PricingMethod.NEGOTIABLE,
                "price": None,
                "price_max": None,
            }
            title = item.title
        else:
            title = item.data["title"]
            listing_plans.pop(title, None)
            achievement_listing(item)
            listing_plan = listing_plans[title]
        back = {
            "draft": None,
            "publicity": rng.randint(1, 12),
            "objection_open": rng.randint(2, 10),
            "objection_dismissed": rng.randint(30, 300),
            "objection_upheld": rng.randint(30, 300),
            "withdrawn": rng.randint(30, 400),
            "expired": rng.randint(500, 1100),
            "active": rng.randint(20, 400),
        }[outcome]
        published = None if back is None else today - timedelta(days=back)
        specs.listings.append(_listing_spec(rng, title, listing_plan, outcome, published, today))
    # Demands: those a deal answers, then the others.
    other_outcomes = iter(
        (
            "published",
            "submitted",
            "returned",
            "published",
            "draft",
            "submitted",
            "closed",
            "published",
            "returned",
            "draft",
            "closed",
            "published",
            "submitted",
        )
    )
    for demand in demands:
        if demand.title in demand_used:
            opened_on, outcome, dates = demand_used[demand.title]
            published = opened_on - timedelta(days=rng.randint(7, 40))
            finished = outcome in ("registered", "performed", "rejected", "cancelled")
            specs.demands.append(
                _with(
                    demand,
                    outcome="deal",
                    created_on=published - timedelta(days=rng.randint(2, 10)),
                    published_on=published,
                    deadline=opened_on + timedelta(days=rng.randint(30, 120))
                    if finished
                    else today + timedelta(days=rng.randint(30, 120)),
                    reason=demo_pools.DEMAND_CLOSED_WITH_DEAL
                    if outcome in ("registered", "performed")
                    else "",
                )
            )
            continue
        outcome = next(other_outcomes, None)
        if outcome is None:
            continue
        created = today - timedelta(days=rng.randint(1, 60))
        reason = {
            "returned": rng.choice(demo_pools.DEMAND_RETURN_REASONS),
            "closed": rng.choice(demo_pools.DEMAND_CLOSE_REASONS),
        }.get(outcome, "")
        specs.demands.append(
            _with(
                demand,
                outcome=outcome,
                created_on=created,
                published_on=created + timedelta(days=2) if outcome in ("published", "closed") else None,
                deadline=today + timedelta(days=rng.randint(20, 150)),
                reason=reason,
            )
        )
    specs.inquiries = _plain_inquiries(rng, specs, today)
    return specs


def _listing_spec(rng, title, listing_plan, outcome, published, today) -> ListingSpec:
    if "spec" in listing_plan:
        spec = listing_plan["spec"]
        institution, achievement, field_code = spec.filer, spec.import_key, spec.field
        summary, keywords = "", ()
    else:
        entry = listing_plan["service"]
        institution, achievement, field_code = entry.institution, "", entry.field
        summary, keywords = entry.summary, tuple(entry.keywords.split())
    pricing = listing_plan["pricing"]
    if outcome == "active" and pricing == PricingMethod.FIXED and rng.random() < 0.15:
        pricing = PricingMethod.AUCTION
    if outcome == "expired":
        listed_days = rng.randint(180, 365)
    elif outcome == "market":
        listed_days = rng.randint(365, 730)
    else:
        listed_days = settings.MARKET_LISTING_MAX_DAYS - 5
    city = city_of(_region(institution))
    brokers = ()
    if rng.random() < 0.3 or institution == "chengdu_market":
        brokers = (BROKER_OF_CITY.get(city, "broker"),)
    return ListingSpec(
        title=title,
        institution=institution,
        achievement=achievement,
        field=field_code,
        mode=listing_plan["mode"],
        pricing=pricing,
        price=listing_plan["price"],
        price_max=listing_plan["price_max"] if pricing == PricingMethod.RANGE else None,
        outcome=outcome,
        published_on=published,
        listed_days=listed_days,
        brokers=brokers,
        summary=summary,
        keywords=keywords,
    )


def _plain_inquiries(rng: random.Random, specs: MarketSpecs, today: date) -> list[ChainSpec]:
    """Inquiries on listings and demands that are still taking them; they stay open or were closed."""
    targets = []
    for listing in specs.listings:
        if listing.outcome in ("active", "publicity", "objection_open", "objection_dismissed"):
            targets.append(("listing", listing.title, listing.institution, listing.published_on))
    for demand in specs.demands:
        if demand.outcome == "published":
            targets.append(("demand", demand.title, demand.enterprise, demand.published_on))
    inquiries = []
    wanted = ["open"] * PLAIN_INQUIRIES["open"] + ["closed"] * PLAIN_INQUIRIES["closed"]
    taken = set()
    turn = 0
    for index, outcome in enumerate(wanted):
        kind, title, owner, published = targets[index % len(targets)]
        if kind == "listing":
            for _ in range(len(ENTERPRISES)):
                buyer = ENTERPRISES[turn % len(ENTERPRISES)].key
                turn += 1
                if (title, buyer) not in taken:
                    break
            seller = owner
            taken.add((title, buyer))
        else:
            candidates = [f"{code}_centre" for code in CITY_CODES]
            for _ in range(len(candidates)):
                seller = candidates[turn % len(candidates)]
                turn += 1
                if (title, seller) not in taken:
                    break
            buyer = owner
            taken.add((title, seller))
        room = max(1, (today - published).days - 1) if published else 1
        opened = today - timedelta(days=rng.randint(0, min(room, 60)))
        inquiries.append(
            ChainSpec(
                listing=title if kind == "listing" else "",
                demand=title if kind == "demand" else "",
                seller=seller,
                buyer=buyer,
                outcome=outcome,
                opened_on=opened,
                messages=_messages(
                    rng,
                    "buyer" if kind == "listing" else "seller",
                    rng.randint(2, 4),
                    demand=kind == "demand",
                ),
                close_reason=rng.choice(demo_pools.CLOSE_REASONS) if outcome == "closed" else "",
            )
        )
    return inquiries


# --- loading -------------------------------------------------------------------------------------------


def _moment(day: date, rng: random.Random) -> datetime:
    """A plausible office-hours moment on ``day`` in the platform's time zone."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(day, time(9, 0), tzinfo=tz) + timedelta(minutes=rng.randint(0, 8 * 60))


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
        self._created_listings: dict[int, ListingSpec] = {}

    def run(self) -> None:
        specs = market_specs_cache(self.today)
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
            username: self._ensure_member(username, key, MembershipRole.BROKER) for username, key in BROKERS
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
        return random.Random(":".join([SEED, *map(str, parts)]))

    def _ensure_member(self, username: str, organisation_key: str, role: str) -> User:
        user = self.users.get(username) or User.objects.filter(username=username).first()
        if user is None:
            rng = self._rng("user", username)
            user = account_services.user_create(
                username=username, password=None, full_name=achievement_demo.person_name(rng)
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
            if organisation_key in DEMO_MEMBERS:
                user = self.users[DEMO_MEMBERS[organisation_key]]
            else:
                user = self._ensure_member(
                    "market-" + organisation_key.replace("_", "-"), organisation_key, MembershipRole.STAFF
                )
            self._members[organisation_key] = user
        return self._members[organisation_key]

    def registrar(self, body: Organisation) -> User:
        key = next(spec.key for spec in ORGANISATIONS.values() if spec.credit_code == body.credit_code)
        username = DEMO_REGISTRARS.get(key) or "registrar-" + key.removesuffix("_registration")
        if username in self.users:
            return self.users[username]
        if key not in self._members:
            self._members[key] = self._ensure_member(username, key, MembershipRole.OFFICIAL)
        return self._members[key]

    def reviewer(self, organisation_key: str) -> User:
        region = _region(organisation_key)
        return next(self.users[name] for prefix, name in REVIEWERS if region.startswith(prefix))

    def _inquiry_key(self, spec: ChainSpec) -> tuple:
        seller, buyer = self.organisations[spec.seller], self.organisations[spec.buyer]
        if spec.listing:
            listing = self.listings.get((seller.pk, spec.listing))
            return (listing.pk if listing else None, None, seller.pk, buyer.pk)
        demand = self.demands.get((buyer.pk, spec.demand))
        return (None, demand.pk if demand else None, seller.pk, buyer.pk)

    # --- listings -----------------------------------------------------------------------------------

    def _load_listing(self, spec: ListingSpec) -> None:
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
            "contact_name": achievement_demo.person_name(rng),
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
            objector = self.member(rng.choice(ENTERPRISES).key)
            objection = listing_services.objection_file(
                actor=objector, listing=listing, reasons=rng.choice(demo_pools.OBJECTION_REASONS)
            )
            if spec.outcome != "objection_open":
                upheld = spec.outcome == "objection_upheld"
                listing_services.objection_resolve(
                    actor=self.reviewer(spec.institution),
                    objection=objection,
                    upheld=upheld,
                    resolution=rng.choice(
                        demo_pools.OBJECTION_UPHELD if upheld else demo_pools.OBJECTION_DISMISSED
                    ),
                )
        published_at = _moment(spec.published_on, rng)
        ends_at = policies.publicity_end(published_at, settings.MARKET_PUBLICITY_DAYS)
        Listing.objects.filter(pk=listing.pk).update(
            created_at=published_at - timedelta(days=rng.randint(1, 10)),
            published_at=published_at,
            publicity_ends_at=ends_at,
        )
        if objection is not None:
            filed = published_at + timedelta(days=rng.randint(1, 10), hours=2)
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
                actor=actor, listing=listing, reason=rng.choice(demo_pools.WITHDRAW_REASONS)
            )
        self._created_listings[listing.pk] = spec

    def _finish_listing(self, listing_pk: int, spec: ListingSpec) -> None:
        """Once the deals are in: the listing's real period, and expiry when it has passed."""
        if spec.published_on is None:
            return
        Listing.objects.filter(pk=listing_pk).update(
            listed_until=spec.published_on + timedelta(days=spec.listed_days)
        )
        listing_services.listing_expire(listing_pk=listing_pk)

    # --- demands ------------------------------------------------------------------------------------

    def _load_demand(self, spec: DemandSpec) -> None:
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
                "contact_name": achievement_demo.person_name(rng),
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

    def _load_chain(self, spec: ChainSpec) -> None:
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
                SimpleUploadedFile(demo_pools.MESSAGE_ATTACHMENT_NAME, TINY_PDF) if attached else None
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
        end = max(end, start + timedelta(minutes=count))
        step = (end - start) / max(1, count)
        return [start + step * index for index in range(count)]

    def _load_deal(self, spec: ChainSpec, rng: random.Random, inquiry: Inquiry, actors: dict) -> None:
        title = f"{spec.subject}{MODE_SUFFIX[spec.mode]}"[:200]
        proposer = "buyer" if spec.listing else "seller"
        other = "seller" if proposer == "buyer" else "buyer"
        deal = deal_services.deal_propose(
            actor=actors[proposer],
            inquiry=inquiry,
            terms={
                "title": title,
                "amount": spec.amount,
                "payment_method": spec.payment_method,
                "terms": demo_pools.TERMS[spec.mode],
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
            deal = deal_services.deal_confirm(actor=actors[other], deal=deal)
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
                actor=actors["buyer"], demand=demand, reason=demo_pools.DEMAND_CLOSED_WITH_DEAL
            )
        if spec.demand:
            self._date_demand(spec)

    def _date_demand(self, spec: ChainSpec) -> None:
        demand = self.demands[(self.organisations[spec.buyer].pk, spec.demand)]
        for demand_spec in market_specs_cache(self.today).demands:
            if demand_spec.title == spec.demand:
                updates = {"deadline": demand_spec.deadline}
                if spec.outcome in ("registered", "performed"):
                    updates["closed_at"] = _moment(
                        spec.decided_on + timedelta(days=3), self._rng("closed", spec.demand)
                    )
                Demand.objects.filter(pk=demand.pk).update(**updates)
                return

    def _load_contract(
        self, spec: ChainSpec, rng: random.Random, deal: Deal, seller_actor: User
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
            uploaded_file=SimpleUploadedFile(demo_pools.CONTRACT_FILE_NAME, TINY_PDF, "application/pdf"),
        )
        contract = contract_services.contract_submit(actor=seller_actor, contract=contract)
        registrar = self.registrar(contract.registration_body)
        if spec.outcome == "rejected":
            note = demo_pools.REJECTION_NOTES.get(spec.rejection_reason, "")
            contract = contract_services.contract_reject(
                actor=registrar, contract=contract, reason=spec.rejection_reason, note=note
            )
        elif spec.is_registered:
            corrected = spec.corrected_non_technical is not None
            contract = contract_services.contract_register(
                actor=registrar,
                contract=contract,
                non_technical_amount=spec.corrected_non_technical,
                note=demo_pools.REGISTRAR_NOTES[0] if corrected else "",
            )
            self.counts["contracts registered"] += 1
            if spec.outcome == "performed":
                contract = contract_services.contract_certify_income(
                    actor=registrar,
                    contract=contract,
                    certified_income=spec.certified_income,
                    performed_on=self.today,
                )
        return self._date_contract(spec, rng, contract)

    def _date_contract(
        self, spec: ChainSpec, rng: random.Random, contract: ContractRegistration
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
            starts, ends = policies.disclosure_window(spec.decided_on, settings.MARKET_DISCLOSURE_DAYS)
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


_SPECS_CACHE: dict[date, MarketSpecs] = {}


def market_specs_cache(today: date) -> MarketSpecs:
    if today not in _SPECS_CACHE:
        _SPECS_CACHE[today] = market_specs(today)
    return _SPECS_CACHE[today]


def load(*, organisations: dict[str, Organisation], users: dict[str, User]) -> MarketLoader:
    """Builds the missing demo market, each record in its own transaction, audited as ``seed_demo``."""
    loader = MarketLoader(organisations=organisations, users=users)
    with pghistory.context(source=AUDIT_SOURCE):
        loader.run()
    return loader
