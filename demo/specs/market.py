"""Specifications of the demo market: which listings, demands, inquiries, deals and registered
contracts ``seed_demo`` builds, with their dates, amounts, parties and outcomes; ``demo.loaders.market``
loads them through the services.

They are built once, pure and deterministic, for the reference day of ``demo.dates`` (from random
generators seeded by fixed strings, never by the date), and ``market_specs(today)`` moves their recent
dates to today with ``dates.on``: the same market, down to every count, title, amount, party and state,
whatever day it is seeded. Contracts are registered on fixed dates in each year since 2021
(``REGISTERED_PER_YEAR``), a few more within the disclosure period before today.
"""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from itertools import cycle, islice

from django.conf import settings

from achievements.choices import CooperationMode
from demo import dates
from demo.pools import market as pools
from demo.specs import achievements as achievement_specs
from demo.specs import institutions as institution_specs
from market import policies
from market.choices import BrokerRole, FeeBasis, PaymentMethod, PricingMethod, RejectionReason
from market.services import listings as listing_services

SEED = "tianfu-demo-market"
AUDIT_SOURCE = "seed_demo"
FIRST_YEAR = dates.FIRST_YEAR

CITY_CODES = tuple(city.code for city in institution_specs.CITIES)
ORGANISATIONS = {spec.key: spec for spec in institution_specs.organisation_specs()}
ENTERPRISES = [*institution_specs.ENTERPRISES, *institution_specs.CITY_ENTERPRISES]
# Demo logins act for their organisation; every other organisation gets a quiet account (no password,
# no e-mail) named ``market-<key>`` that exists only to act in the demo market.
DEMO_MEMBERS = {"scu_office": "scu-staff", "deyang_heavy": "enterprise", "chengdu_chip": "enterprise-cd"}
# Registrars of the registration bodies: the demo logins for the province and 成都, quiet ones elsewhere.
DEMO_REGISTRARS = {"sc_registration": "registrar", "510100_registration": "registrar-cd"}
# Officials who review demands and resolve objections, by the prefix of the organisation's region.
REVIEWERS = achievement_specs.REVIEWERS
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
    CooperationMode.TRANSFER: "专利权转让",
    CooperationMode.LICENCE_EXCLUSIVE: "独占实施许可",
    CooperationMode.LICENCE_SOLE: "排他实施许可",
    CooperationMode.LICENCE_ORDINARY: "普通实施许可",
    CooperationMode.INVESTMENT: "作价投资",
    CooperationMode.JOINT_DEVELOPMENT: "合作开发",
    CooperationMode.TECHNICAL_SERVICE: "技术服务",
    CooperationMode.TECHNICAL_CONSULTING: "技术咨询",
}


def deal_title(subject: str, mode: str) -> str:
    """A deal's title: its subject and the mode's word (``MODE_SUFFIX``), unless the subject already
    ends with that word ("动力电池检测分析服务" is a service already, not "…服务技术服务")."""
    suffix = MODE_SUFFIX[mode]
    if subject.endswith(suffix[-2:]):
        return subject[:200]
    return f"{subject}{suffix}"[:200]


# Amounts by mode in units of 10,000 yuan (万元), drawn log-uniformly.
AMOUNT_RANGES = {
    CooperationMode.TRANSFER: (30, 3000),
    CooperationMode.LICENCE_EXCLUSIVE: (50, 1500),
    CooperationMode.LICENCE_SOLE: (30, 800),
    CooperationMode.LICENCE_ORDINARY: (10, 500),
    CooperationMode.INVESTMENT: (300, 5000),
    CooperationMode.JOINT_DEVELOPMENT: (30, 2000),
    CooperationMode.TECHNICAL_SERVICE: (3, 300),
    CooperationMode.TECHNICAL_CONSULTING: (3, 80),
}
PAYMENT_METHODS = {
    CooperationMode.TRANSFER: (PaymentMethod.INSTALMENTS, PaymentMethod.LUMP_SUM),
    CooperationMode.LICENCE_EXCLUSIVE: (PaymentMethod.ROYALTY_WITH_FEE, PaymentMethod.INSTALMENTS),
    CooperationMode.LICENCE_SOLE: (PaymentMethod.ROYALTY_WITH_FEE, PaymentMethod.ROYALTY),
    CooperationMode.LICENCE_ORDINARY: (PaymentMethod.ROYALTY, PaymentMethod.LUMP_SUM),
    CooperationMode.INVESTMENT: (PaymentMethod.LUMP_SUM,),
    CooperationMode.JOINT_DEVELOPMENT: (PaymentMethod.INSTALMENTS,),
    CooperationMode.TECHNICAL_SERVICE: (PaymentMethod.LUMP_SUM, PaymentMethod.INSTALMENTS),
    CooperationMode.TECHNICAL_CONSULTING: (PaymentMethod.LUMP_SUM,),
}
# Contracts registered per year, on fixed dates (2026's up to the end of the demo's history); then the
# recent ones, on the disclosure board today.
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
# How many listings and demands the demo has: those the deals use, then the others above (listings:
# the rest active; demands: in the order of OTHER_DEMAND_OUTCOMES, round again if need be).
LISTINGS = 148
DEMANDS = 70
OTHER_DEMAND_OUTCOMES = (
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
LISTINGS_PER_CITY = {"510100": 46, "510700": 14}
LISTINGS_PER_OTHER_CITY = 6
PLAIN_INQUIRIES = {"open": 40, "closed": 20}
TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def city_of(region_code: str) -> str:
    return region_code[:4] + "00"


def region_of(key: str) -> str:
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
    listed_until: date | None  # the end of its listing period, once published
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
    entry: pools.DemandEntry
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


def _published_achievements() -> list[achievement_specs.AchievementSpec]:
    return [spec for spec in achievement_specs.achievement_specs() if spec.outcome == "published"]


def _listing_candidates() -> dict[str, list[achievement_specs.AchievementSpec]]:
    """Published achievements by the city of their filer, capped per city (成都 has most of them)."""
    by_city: dict[str, list] = defaultdict(list)
    for spec in _published_achievements():
        city = city_of(region_of(spec.filer))
        if len(by_city[city]) < LISTINGS_PER_CITY.get(city, LISTINGS_PER_OTHER_CITY):
            by_city[city].append(spec)
    return by_city


def _registration_dates(rng: random.Random) -> list[date]:
    """Fixed days in each year of the history, then recent days within the disclosure period."""
    days = []
    for year, count in REGISTERED_PER_YEAR.items():
        start = date(year, 1, 8)
        end = min(date(year, 12, 24), dates.HISTORY_ENDS)
        span = (end - start).days
        days += [start + timedelta(days=rng.randint(0, span)) for _ in range(count)]
    days += [
        dates.REFERENCE_DAY - timedelta(days=rng.randint(0, settings.MARKET_DISCLOSURE_WORKING_DAYS))
        for _ in range(RECENT_REGISTERED)
    ]
    return sorted(days)


def _amount(rng: random.Random, mode: str, price: Decimal | None) -> Decimal:
    if price:
        return Decimal(round(float(price) * rng.uniform(0.8, 1.05) / 1000) * 1000)
    return _log_amount(rng, *AMOUNT_RANGES[mode])


def _messages(rng: random.Random, opener: str, count: int, *, demand: bool) -> tuple:
    other = "seller" if opener == "buyer" else "buyer"
    first = rng.choice(pools.DEMAND_ANSWERS if demand else pools.BUYER_OPENINGS)
    messages = [(opener, first, False)]
    replies = list(pools.SELLER_ANSWERS if opener == "buyer" else pools.FOLLOW_UPS)
    follow_ups = list(pools.FOLLOW_UPS if opener == "buyer" else pools.SELLER_ANSWERS)
    for index in range(1, count):
        side = other if index % 2 else opener
        pool = replies if side == other else follow_ups
        text = pool[(index + rng.randint(0, 10)) % len(pool)]
        messages.append((side, text, side == "seller" and rng.random() < 0.2))
    return tuple(messages)


def _brokers(rng: random.Random, seller: str, amount: Decimal) -> tuple[BrokerTerms, ...]:
    if rng.random() > 0.35:
        return ()
    username = BROKER_OF_CITY.get(city_of(region_of(seller)), rng.choice(("broker", "broker", "broker-sc")))
    role = rng.choice(BrokerRole.values)
    basis = {
        BrokerRole.INTERMEDIARY: FeeBasis.PERCENT_OF_CONTRACT,
        BrokerRole.COMMISSION_AGENT: FeeBasis.FIXED,
        BrokerRole.AGENT: FeeBasis.PERCENT_OF_RECEIVED,
    }[role]
    rate = Decimal(rng.choice(("2.00", "3.00", "5.00", "8.00"))) if basis != FeeBasis.FIXED else None
    fee = (amount * Decimal("0.04")).quantize(Decimal("1000")) if basis == FeeBasis.FIXED else None
    agreement = pools.BROKER_AGREEMENTS[BrokerRole.values.index(role)]
    side = "seller" if role != BrokerRole.COMMISSION_AGENT or rng.random() < 0.5 else "buyer"
    return (BrokerTerms(username, side, role, basis, rate, fee or None, agreement),)


def _chain_outcomes(rng: random.Random) -> list[tuple[str, date]]:
    """(outcome, the day that fixes its dates) for every deal: registration day for registered ones.
    Contracts performed are among those registered two months or more before the history ends."""
    today = dates.REFERENCE_DAY
    registered = _registration_dates(rng)
    old_enough = [day for day in registered if (dates.HISTORY_ENDS - day).days > 60]
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


def _chain_dates(rng: random.Random, outcome: str, day: date) -> dict:
    """The dates of a deal's steps, working back from the day that fixes them (a contract is performed
    within the history, so its certified income stays in the year it was earned)."""
    steps: dict = {}
    if outcome in ("registered", "performed"):
        steps["decided_on"] = day
        steps["submitted_on"] = day - timedelta(days=rng.randint(2, 25))
        steps["signed_on"] = steps["submitted_on"] - timedelta(days=rng.randint(1, 20))
        if outcome == "performed":
            steps["performed_on"] = min(day + timedelta(days=rng.randint(90, 400)), dates.HISTORY_ENDS)
    elif outcome == "submitted":
        steps["submitted_on"] = day
        steps["signed_on"] = day - timedelta(days=rng.randint(1, 15))
    elif outcome == "rejected":
        steps["decided_on"] = day
        steps["submitted_on"] = day - timedelta(days=rng.randint(2, 20))
        steps["signed_on"] = steps["submitted_on"] - timedelta(days=rng.randint(1, 15))
    elif outcome == "agreed":
        steps["signed_on"] = day
    elif outcome == "cancelled":
        steps["cancelled_on"] = day
        if rng.random() < 0.5:
            steps["signed_on"] = day - timedelta(days=rng.randint(5, 30))
    anchor = steps.get("signed_on") or steps.get("cancelled_on") or day
    steps["proposed_on"] = anchor - timedelta(days=rng.randint(0 if outcome == "negotiating" else 1, 15))
    steps["opened_on"] = steps["proposed_on"] - timedelta(days=rng.randint(5, 40))
    return steps


def _demand_pool(rng: random.Random) -> list[DemandSpec]:
    """Each demand entry goes to an enterprise in its field, every enterprise getting one first."""
    entries = [(code, entry) for code, pool in pools.DEMANDS.items() for entry in pool]
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
                        CooperationMode.JOINT_DEVELOPMENT,
                        CooperationMode.TECHNICAL_SERVICE,
                        CooperationMode.TECHNICAL_SERVICE,
                        CooperationMode.TECHNICAL_CONSULTING,
                        CooperationMode.LICENCE_ORDINARY,
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
    """The demo market seeded ``today``: the market of the reference day with its recent dates moved to
    today (``dates.on``); every other field is the same on any day."""
    reference = _reference_specs(settings.MARKET_DISCLOSURE_WORKING_DAYS, settings.MARKET_LISTING_MAX_DAYS)
    return MarketSpecs(
        listings=[dates.dated(spec, today) for spec in reference.listings],
        demands=[dates.dated(spec, today) for spec in reference.demands],
        chains=[dates.dated(spec, today) for spec in reference.chains],
        inquiries=[dates.dated(spec, today) for spec in reference.inquiries],
    )


@cache
def _reference_specs(disclosure_days: int, listing_max_days: int) -> MarketSpecs:
    """The whole demo market on ``dates.REFERENCE_DAY``, built once per process (keyed by the two
    settings it reads); callers get copies from ``market_specs``."""
    today = dates.REFERENCE_DAY
    rng = random.Random(f"{SEED}:{today.year}")
    candidates = _listing_candidates()
    listing_plans: dict[str, dict] = {}  # title → what the listing needs
    listing_state: dict[str, str] = {}
    buyers_on: dict[str, set] = defaultdict(set)
    services = list(pools.SERVICE_LISTINGS)
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
        options += [entry.title for entry in services if city_of(region_of(entry.institution)) == city]
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

    plan = _chain_outcomes(rng)
    # Sellers go round the 21 cities; buyers too, on a different stride, so both sides reach every city.
    prepared = []
    for index, (outcome, day) in enumerate(plan):
        seller_city = CITY_CODES[index % len(CITY_CODES)]
        if index % 15 == 7:
            # Now and then a provincial institution sells (西南中心, 省技术转移中心): the provincial
            # registration centre, and its demo registrar, get contracts too.
            seller_city = institution_specs.PROVINCE
        buyer_city = CITY_CODES[(index * 8 + 5) % len(CITY_CODES)]
        steps = _chain_dates(rng, outcome, day)
        prepared.append((steps["opened_on"], index, outcome, seller_city, buyer_city, steps))
    prepared.sort()
    for opened_on, _index, outcome, seller_city, buyer_city, steps in prepared:
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
                if d.title not in demand_used and city_of(region_of(d.enterprise)) == buyer_city
            ]
            unused = unused or [d for d in demands if d.title not in demand_used]
            demand = unused[0]
            buyer = demand.enterprise
            seller = "sc_centre" if seller_city == institution_specs.PROVINCE else f"{seller_city}_centre"
            mode, price, demand_title = demand.mode, demand.budget_max, demand.title
            demand_used[demand.title] = (opened_on, outcome, steps)
        amount = _amount(rng, mode, price)
        non_technical = Decimal(0)
        if (
            mode
            in (
                CooperationMode.JOINT_DEVELOPMENT,
                CooperationMode.TECHNICAL_SERVICE,
                CooperationMode.INVESTMENT,
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
            opened_on=steps["opened_on"],
            messages=_messages(
                rng, "buyer" if listing_title else "seller", rng.randint(2, 4), demand=not listing_title
            ),
            mode=mode,
            amount=amount,
            non_technical=non_technical,
            corrected_non_technical=corrected,
            payment_method=rng.choice(PAYMENT_METHODS[mode]),
            disclose_amount=rng.random() < 0.7,
            proposed_on=steps["proposed_on"],
            signed_on=steps.get("signed_on"),
            submitted_on=steps.get("submitted_on"),
            decided_on=steps.get("decided_on"),
            performed_on=steps.get("performed_on"),
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
            cancelled_on=steps.get("cancelled_on"),
            cancelled_after_signing=outcome == "cancelled" and "signed_on" in steps,
            close_reason=rng.choice(pools.CANCEL_REASONS) if outcome == "cancelled" else "",
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
            elif chain.cancelled_after_signing and policies.takes_one_deal(mode):
                # It held the listing alone from its signing to its cancellation: no later inquiry's
                # deal may be signed in between, and the demo gives the listing no other deal at all.
                state = "held"
            listing_state[listing_title] = state

    specs = MarketSpecs()
    specs.chains = sorted(chains, key=lambda chain: chain.opened_on)
    # Listings: first those deals use, then the others with the outcomes above.
    for title, listing_plan in listing_plans.items():
        published = listing_plan["first_opened"] - timedelta(days=rng.randint(20, 80))
        specs.listings.append(_listing_spec(rng, title, listing_plan, "market", published))
    others = [
        spec
        for city in CITY_CODES
        for spec in candidates.get(city, [])
        if spec.data["title"] not in listing_plans
    ]
    rng.shuffle(others)
    # Every standalone service is listed; the achievements fill the rest of the outcomes.
    others = [entry for entry in services if entry.title not in listing_plans] + others
    wanted = LISTINGS - len(listing_plans)
    if not len(OTHER_LISTING_OUTCOMES) <= wanted <= len(others):
        raise ValueError(f"{len(listing_plans)} listings in deals leave no room for {LISTINGS} in all")
    outcomes = list(OTHER_LISTING_OUTCOMES) + ["active"] * (wanted - len(OTHER_LISTING_OUTCOMES))
    rng.shuffle(outcomes)
    for item, outcome in zip(others[:wanted], outcomes, strict=True):
        if isinstance(item, pools.ServiceEntry):
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
        specs.listings.append(_listing_spec(rng, title, listing_plan, outcome, published))
    # Demands: those a deal answers, then the others.
    other_outcomes = iter(islice(cycle(OTHER_DEMAND_OUTCOMES), max(0, DEMANDS - len(demand_used))))
    for demand in demands:
        if demand.title in demand_used:
            opened_on, outcome, steps = demand_used[demand.title]
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
                    reason=pools.DEMAND_CLOSED_WITH_DEAL if outcome in ("registered", "performed") else "",
                )
            )
            continue
        outcome = next(other_outcomes, None)
        if outcome is None:
            continue
        created = today - timedelta(days=rng.randint(1, 60))
        reason = {
            "returned": rng.choice(pools.DEMAND_RETURN_REASONS),
            "closed": rng.choice(pools.DEMAND_CLOSE_REASONS),
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
    if len(specs.demands) != DEMANDS:
        raise ValueError(f"{len(specs.demands)} demands instead of {DEMANDS}")
    specs.inquiries = _plain_inquiries(rng, specs, today)
    return specs


def _listing_spec(rng, title, listing_plan, outcome, published) -> ListingSpec:
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
    city = city_of(region_of(institution))
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
        listed_until=None if published is None else published + timedelta(days=listed_days),
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
                close_reason=rng.choice(pools.CLOSE_REASONS) if outcome == "closed" else "",
            )
        )
    return inquiries
