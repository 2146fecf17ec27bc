"""Specifications of the registrations ``seed_demo`` imports (``demo.loaders.registrations``): the
technology contracts registered in Sichuan since 2021 that were not made on the platform, as a
registration body imports its historical records from the national 技术合同管理与服务系统.

Most technology contracts are negotiated offline, a third of them with buyers in other provinces, a
few with foreign buyers or natural persons (DOMAIN §2, §8.3). The demo holds a scaled sample:
``SCALE`` = 1/100 of the province's registrations, in count and in 技术合同成交额 (合同金额), so that the
yearly totals and the mix look like a real province's. Together with the contracts registered on the
platform (``demo.specs.market``, history part), each year's registered contracts add up to
``PROVINCE_TOTALS[year] / SCALE``.

Pure and deterministic: random generators seeded by fixed strings, never by the date; everything lies
in the demo's history (up to ``dates.HISTORY_ENDS``), so the import is the same on any day it is
seeded and nothing is dated after now.

The registration numbers are synthetic: ``YYYY`` + ``9`` + the body's 4-digit city code + a 7-digit
serial. The platform's own numbers (``market.policies.registration_number``) are ``YYYY`` + the body's
6-digit GB/T 2260 code + a 6-digit serial, and no region code begins with 9, so the two never collide.
"""

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from django.conf import settings
from stdnum.cn import ric

from demo import dates
from demo.pools import registrations as pools
from demo.specs import achievements as achievement_specs
from demo.specs import institutions as institution_specs
from demo.specs import market as market_specs
from institutions.identifiers import make_credit_code
from market.choices import (
    CONTRACT_NO_IP,
    ContractCategory,
    ContractSource,
    ContractSubType,
    IPKind,
    LicenceScope,
    PartyKind,
    PaymentMethod,
)
from market.models.contracts import CHINA_COUNTRY_CODE
from market.models.registration_lifecycle import CancellationReason

SEED = "tianfu-demo-registrations"
SCALE = 100
# 技术合同成交额 of Sichuan in 亿元 (DOMAIN §8.3): 2021 is the published 1396.7亿 and 2023 "突破1900亿"
# (taken as 1910亿); 2022 is interpolated between them (1650亿); 2024 and 2025 are extrapolated at
# +10 % a year (2100亿, 2310亿); 2026 is the part up to the end of the demo's history (30 June) of an
# extrapolated 2540亿 — about 40 %, as registrations crowd into the last months of a year. None of
# 2022 and 2024–2026 is a published figure.
PROVINCE_TOTALS = {2021: 1396.7, 2022: 1650, 2023: 1910, 2024: 2100, 2025: 2310, 2026: 1010}
# Contracts registered in the province (2018: 15192; the later counts are estimates in step with the
# amounts): the demo holds 1/SCALE of them, those registered on the platform included.
PROVINCE_COUNTS = {2021: 20000, 2022: 23000, 2023: 27000, 2024: 30000, 2025: 33000, 2026: 14000}
# Registrations cancelled (注销) afterwards, per year, beyond those counted.
CANCELLED_PER_YEAR = 2

# Category mix by count, as in the national statistics (技术服务 and 技术开发 lead), and the median
# contract amount of each (万元); amounts are lognormal around it (``SIGMA``), then scaled so that the
# year's total is the planned one.
CATEGORY_SHARES = {
    ContractCategory.SERVICE: 0.50,
    ContractCategory.DEVELOPMENT: 0.28,
    ContractCategory.CONSULTING: 0.10,
    ContractCategory.TRANSFER: 0.07,
    ContractCategory.LICENCE: 0.05,
}
MEDIANS = {
    ContractCategory.SERVICE: 100,
    ContractCategory.DEVELOPMENT: 150,
    ContractCategory.CONSULTING: 20,
    ContractCategory.TRANSFER: 150,
    ContractCategory.LICENCE: 80,
}
SIGMA = 1.6
PERSON_MEDIAN, PERSON_SIGMA = 6, 0.8  # 万元: a person buys small services, not scaled
SUB_TYPES = {
    ContractCategory.SERVICE: (
        (ContractSubType.TECHNICAL_SERVICE, 85),
        (ContractSubType.TECHNICAL_TRAINING, 10),
        (ContractSubType.TECHNICAL_INTERMEDIARY, 5),
    ),
    ContractCategory.DEVELOPMENT: (
        (ContractSubType.COMMISSIONED_DEVELOPMENT, 80),
        (ContractSubType.COOPERATIVE_DEVELOPMENT, 20),
    ),
    ContractCategory.CONSULTING: (
        (ContractSubType.FEASIBILITY, 30),
        (ContractSubType.EVALUATION_REPORT, 35),
        (ContractSubType.SPECIAL_SURVEY, 20),
        (ContractSubType.FORECAST, 15),
    ),
    ContractCategory.TRANSFER: (
        (ContractSubType.PATENT_RIGHT, 45),
        (ContractSubType.TECHNICAL_SECRET_TRANSFER, 30),
        (ContractSubType.PATENT_APPLICATION_RIGHT, 10),
        (ContractSubType.OTHER_IP_TRANSFER, 10),
        (ContractSubType.TECHNOLOGY_EQUITY, 5),
    ),
    ContractCategory.LICENCE: (
        (ContractSubType.PATENT_LICENCE, 75),
        (ContractSubType.TECHNICAL_SECRET_LICENCE, 25),
    ),
}
PAYMENT_METHODS = {
    ContractCategory.SERVICE: (PaymentMethod.LUMP_SUM, PaymentMethod.INSTALMENTS),
    ContractCategory.DEVELOPMENT: (
        PaymentMethod.INSTALMENTS,
        PaymentMethod.INSTALMENTS,
        PaymentMethod.LUMP_SUM,
    ),
    ContractCategory.CONSULTING: (PaymentMethod.LUMP_SUM,),
    ContractCategory.TRANSFER: (PaymentMethod.INSTALMENTS, PaymentMethod.LUMP_SUM),
    ContractCategory.LICENCE: (PaymentMethod.ROYALTY_WITH_FEE, PaymentMethod.ROYALTY, PaymentMethod.LUMP_SUM),
}
# Who buys (share of contracts): organisations in Sichuan on and off the platform, in other provinces,
# abroad, and natural persons — about a third of buyers outside Sichuan.
BUYER_SHARES = {"sichuan_platform": 20, "sichuan": 42, "province": 31, "foreign": 3, "person": 4}
# Who sells: demo organisations on the platform (they apply themselves) or Sichuan organisations off it.
PLATFORM_SELLER_SHARE = 0.4
# 买/卖方性质 of a foreign organisation and of a person (JJ-001 entity_type codes).
FOREIGN_ENTITY_TYPE = "300"
PERSON_ENTITY_TYPE = "400"
# JJ-001 codes, of the lists in institutions/data (jj001_plan_category.csv, jj001_socio_economic_goal.csv,
# jj001_trade_subject.csv; the lists' own notes say which codes are unconfirmed): mostly 计划外.
PLAN_CATEGORIES = (("5", 70), ("3", 18), ("1", 6), ("2", 4), ("4", 2))
GOAL_OF_FIELD = {
    "01": "10", "02": "10", "03": "10", "04": "03", "05": "08", "06": "05",
    "07": "02", "08": "01", "09": "05", "10": "09", "11": "10",
}  # fmt: skip
# 交易主体 of the seller (the applicant) by its 买/卖方性质.
TRADE_SUBJECT_OF_ENTITY = {"021": "2", "022": "3", "023": "4", "400": "6"}
IP_TYPES = {
    ContractSubType.PATENT_RIGHT: (IPKind.INVENTION_PATENT, IPKind.UTILITY_MODEL),
    ContractSubType.PATENT_APPLICATION_RIGHT: (IPKind.INVENTION_PATENT,),
    ContractSubType.PATENT_LICENCE: (IPKind.INVENTION_PATENT, IPKind.UTILITY_MODEL),
    ContractSubType.TECHNICAL_SECRET_TRANSFER: (IPKind.TECHNICAL_SECRET,),
    ContractSubType.TECHNICAL_SECRET_LICENCE: (IPKind.TECHNICAL_SECRET,),
    ContractSubType.TECHNOLOGY_EQUITY: (IPKind.INVENTION_PATENT,),
}
# Demo organisations on the platform that also register contracts made off it: its universities and
# institutes (the legal persons, not their transfer offices) and transfer agencies — the provincial
# ones too, registered with the provincial centre.
PLATFORM_SELLERS = (
    "sw_centre",
    "sc_centre",
    *[academy.key for academy in institution_specs.ACADEMIES],
    *[spec.key for spec in institution_specs.CITY_AGENCIES],
)
# The transfer offices of the academies (四川大学 → 四川大学技术转移中心) sell services in their own name:
# that share of the technical service, training and intermediary contracts of their academy.
OFFICE_OF = {
    academy.key: f"{academy.key}_office" for academy in institution_specs.ACADEMIES if academy.office
}
OFFICE_SUB_TYPES = (
    ContractSubType.TECHNICAL_SERVICE,
    ContractSubType.TECHNICAL_TRAINING,
    ContractSubType.TECHNICAL_INTERMEDIARY,
)
OFFICE_SHARE = 0.5
PLATFORM_BUYERS = tuple(spec.key for spec in market_specs.ENTERPRISES)


@dataclass(frozen=True)
class PartySpec:
    kind: str  # PartyKind
    name: str
    organisation: str = ""  # the demo organisation's key, for a party on the platform
    name_original: str = ""
    credit_code: str = ""
    id_number: str = ""
    entity_type: str = ""
    country_code: str = CHINA_COUNTRY_CODE
    region_code: str = ""


@dataclass(frozen=True)
class ImportSpec:
    """One imported registration."""

    registration_number: str
    body: str  # key of the registration body
    project_name: str
    category: str
    sub_type: str
    licence_scope: str
    field: str
    ip_type: str
    payment_method: str
    amount: Decimal
    non_technical: Decimal
    expected_investment: Decimal | None
    expected_output: Decimal | None
    plan_category: str
    socio_economic_goal: str
    trade_subject: str
    seller: PartySpec
    buyer: PartySpec
    signed_on: date
    validity_years: int  # the contract runs from its signing for so many years
    submitted_on: date
    registered_on: date
    cancelled_on: date | None = None
    cancel_note: str = ""

    @property
    def technical_amount(self) -> Decimal:
        return self.amount - self.non_technical

    @property
    def is_counted(self) -> bool:
        return self.cancelled_on is None


def _weighted(rng: random.Random, options) -> str:
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]


def _credit_code(region: str, serial: int, category: str = "91") -> str:
    """A synthetic unified social credit code (GB 32100) for an organisation off the platform; the
    stem ``MA7`` never meets the demo organisations' (``demo.specs.institutions._CODE_STEMS``)."""
    return make_credit_code(category + region, f"MA7{serial:05d}")


def _category_of_code(entity_type: str) -> str:
    """Registration authority + category of a credit code: 12 事业单位, 11 机关, 91 企业."""
    if entity_type.startswith("01"):
        return "11"
    if entity_type.startswith("02"):
        return "12"
    return "91"


@cache
def _off_platform(party: pools.Party, serial: int) -> PartySpec:
    return PartySpec(
        kind=PartyKind.ORGANISATION,
        name=party.name,
        credit_code=_credit_code(party.region, serial, _category_of_code(party.entity_type)),
        entity_type=party.entity_type,
        region_code=party.region,
    )


@cache
def _on_platform(key: str) -> PartySpec:
    spec = market_specs.ORGANISATIONS[key]
    return PartySpec(
        kind=PartyKind.PLATFORM,
        organisation=key,
        name=spec.name,
        credit_code=spec.credit_code,
        entity_type=spec.entity_type,
        region_code=spec.region,
    )


def identity_number(rng: random.Random) -> tuple[str, str]:
    """(region, identity number): a synthetic 18-digit resident identity number (GB 11643) with a valid
    birth place, birth date and check digit, drawn until it passes ``stdnum.cn.ric``."""
    while True:
        region = rng.choice(pools.PERSON_REGIONS)
        born = date(1965, 1, 1) + timedelta(days=rng.randint(0, 30 * 365))
        first17 = f"{region}{born:%Y%m%d}{rng.randint(1, 999):03d}"
        number = first17 + ric.calc_check_digit(first17 + "0")
        if ric.is_valid(number):
            return region, number


def _person(rng: random.Random) -> PartySpec:
    region, number = identity_number(rng)
    return PartySpec(
        kind=PartyKind.PERSON,
        name=achievement_specs.person_name(rng),
        id_number=number,
        entity_type=PERSON_ENTITY_TYPE,
        region_code=region,
    )


def _foreign(party: pools.ForeignParty) -> PartySpec:
    return PartySpec(
        kind=PartyKind.FOREIGN,
        name=party.name,
        name_original=party.original,
        entity_type=FOREIGN_ENTITY_TYPE,
        country_code=party.country,
    )


def _body_of(seller: PartySpec) -> str:
    """按地域一次登记: the registration station of the seller's city, the provincial centre for a seller
    at province level."""
    if seller.region_code == institution_specs.PROVINCE:
        return "sc_registration"
    return f"{market_specs.city_of(seller.region_code)}_registration"


def _title(rng: random.Random, field: str, sub_type: str, *, person: bool) -> str:
    subject = rng.choice(pools.PERSON_SUBJECTS if person else pools.SUBJECTS[field])
    if sub_type == ContractSubType.OTHER_IP_TRANSFER:
        word = "植物新品种权转让" if field == "10" else "软件著作权转让"
    else:
        word = rng.choice(pools.TITLE_WORDS[sub_type])
    if subject.endswith(word[:2]):
        return subject + word[2:]
    return subject + word


def _registration_days(rng: random.Random, year: int, count: int) -> list[date]:
    """``count`` registration days in ``year`` up to the end of the history, crowding into the last
    quarter (most contracts are registered before the year's statistics close)."""
    start = date(year, 1, 4)
    end = min(date(year, 12, 28), dates.HISTORY_ENDS)
    span = (end - start).days
    days = []
    for _ in range(count):
        # A triangular draw leaning to the end of the span.
        days.append(start + timedelta(days=round(rng.triangular(0, span, span * 0.85))))
    return sorted(days)


def _platform_history() -> dict[int, tuple[int, Decimal]]:
    """(count, 合同金额) of the contracts registered on the platform in each year of the history."""
    totals: dict[int, tuple[int, Decimal]] = defaultdict(lambda: (0, Decimal(0)))
    for chain in market_specs.market_specs(dates.REFERENCE_DAY).chains:
        if chain.is_registered and chain.decided_on <= dates.HISTORY_ENDS:
            count, amount = totals[chain.decided_on.year]
            totals[chain.decided_on.year] = (count + 1, amount + chain.amount)
    return dict(totals)


def planned_total(year: int) -> Decimal:
    """The year's 技术合同成交额 in the demo (yuan, to 1,000): the province's over ``SCALE``."""
    return Decimal(round(PROVINCE_TOTALS[year] * 100_000_000 / SCALE / 1000) * 1000)


def planned_count(year: int) -> int:
    return round(PROVINCE_COUNTS[year] / SCALE)


def import_specs(today: date) -> tuple[ImportSpec, ...]:
    """Every imported registration, by registration date, for the demo seeded ``today``: all of it is
    history, so it is the same on any day (``dates.dated`` leaves it as it is)."""
    return tuple(dates.dated(spec, today) for spec in _import_specs())


def _import_specs() -> tuple[ImportSpec, ...]:
    return _import_state()[0]


@cache
def _import_state() -> tuple[tuple[ImportSpec, ...], dict[str, int]]:
    """The imported registrations and the serial of the credit code of each organisation off the
    platform (by name), which the registrations made through the services reuse."""
    rng = random.Random(SEED)
    platform = _platform_history()
    for year, (count, amount) in _journey_history().items():
        platform_count, platform_amount = platform.get(year, (0, Decimal(0)))
        platform[year] = (platform_count + count, platform_amount + amount)
    serial_of: Counter = Counter()
    credit_serials: dict[str, int] = {}
    specs: list[ImportSpec] = []
    for year in PROVINCE_TOTALS:
        platform_count, platform_amount = platform.get(year, (0, Decimal(0)))
        counted = planned_count(year) - platform_count
        rows = [_draft(rng, day, credit_serials) for day in _registration_days(rng, year, counted)]
        factor = _scale(rows, planned_total(year) - platform_amount)
        for day in _registration_days(rng, year, CANCELLED_PER_YEAR):
            row = _draft(rng, day, credit_serials)
            value = row["raw_amount"] * (factor if row["scaled"] else 1)
            row["amount"] = Decimal(max(1, round(value / 1000)) * 1000)
            row["cancelled_on"] = min(day + timedelta(days=rng.randint(20, 120)), dates.HISTORY_ENDS)
            row["cancel_note"] = rng.choice(pools.CANCEL_NOTES)
            rows.append(row)
        rows.sort(key=lambda row: row["registered_on"])
        for row in rows:
            serial_of[(year, row["body"])] += 1
            city = _body_region(row["body"])[:4]
            row["registration_number"] = f"{year}9{city}{serial_of[(year, row['body'])]:07d}"
            row["seller"] = _office_instead(row)
            specs.append(_finish(rng, row))
    return tuple(specs), credit_serials


def _office_instead(row: dict) -> PartySpec:
    """A technical service, training or intermediary contract of a university or institute with a
    transfer office is, about every other time, the office's own (四川大学技术转移中心 sells its services
    under its own name); its technology stays the academy's. Drawn by the registration number, apart
    from the main generator, so the rest of the import is as it was."""
    seller = row["seller"]
    office = OFFICE_OF.get(seller.organisation)
    if office is None or row["sub_type"] not in OFFICE_SUB_TYPES:
        return seller
    if random.Random(f"{SEED}:office:{row['registration_number']}").random() >= OFFICE_SHARE:
        return seller
    return _on_platform(office)


def _body_region(body_key: str) -> str:
    return market_specs.ORGANISATIONS[body_key].region


def _in_field(rng: random.Random, pool, field: str):
    """A party of ``pool`` working in ``field`` (any party when none does)."""
    return rng.choice([party for party in pool if field in party.fields] or pool)


def _draft(rng: random.Random, registered_on: date, credit_serials: dict[str, int]) -> dict:
    def serial(name: str) -> int:
        return credit_serials.setdefault(name, len(credit_serials) + 1)

    if rng.random() < PLATFORM_SELLER_SHARE:
        seller = _on_platform(rng.choice(PLATFORM_SELLERS))
        fields = market_specs.ORGANISATIONS[seller.organisation].fields or ("06",)
    else:
        party = rng.choice(pools.SICHUAN_SELLERS)
        seller, fields = _off_platform(party, serial(party.name)), party.fields
    field = rng.choice(fields)
    buyer_kind = _weighted(rng, BUYER_SHARES.items())
    person = buyer_kind == "person"
    if buyer_kind == "sichuan_platform":
        keys = [key for key in PLATFORM_BUYERS if field in market_specs.ORGANISATIONS[key].fields]
        buyer = _on_platform(rng.choice(keys or PLATFORM_BUYERS))
    elif buyer_kind == "foreign":
        buyer = _foreign(_in_field(rng, pools.FOREIGN_BUYERS, field))
    elif buyer_kind == "person":
        buyer = _person(rng)
    else:
        pool = pools.SICHUAN_BUYERS if buyer_kind == "sichuan" else pools.OTHER_PROVINCE_BUYERS
        party = _in_field(rng, pool, field)
        buyer = _off_platform(party, serial(party.name))
    if person:
        category = _weighted(
            rng,
            (
                (ContractCategory.SERVICE, 70),
                (ContractCategory.CONSULTING, 20),
                (ContractCategory.TRANSFER, 10),
            ),
        )
    else:
        category = _weighted(rng, CATEGORY_SHARES.items())
    sub_type = _weighted(rng, SUB_TYPES[category])
    if sub_type == ContractSubType.OTHER_IP_TRANSFER and field not in ("01", "10"):
        sub_type = ContractSubType.TECHNICAL_SECRET_TRANSFER
    median, sigma = (PERSON_MEDIAN, PERSON_SIGMA) if person else (MEDIANS[category], SIGMA)
    # Lognormal, cut at 2.5 sigma either side (no single contract outweighs a year).
    draw = max(-2.5, min(2.5, rng.gauss(0, 1)))
    submitted_on = registered_on - timedelta(days=rng.randint(1, 20))
    signed_on = submitted_on - timedelta(days=rng.randint(3, 40))
    return {
        "body": _body_of(seller),
        "seller": seller,
        "buyer": buyer,
        "category": category,
        "sub_type": sub_type,
        "field": field,
        "project_name": _title(rng, field, sub_type, person=person),
        "raw_amount": median * 10_000 * math.exp(sigma * draw),
        "scaled": not person,
        "registered_on": registered_on,
        "submitted_on": submitted_on,
        "signed_on": signed_on,
        "cancelled_on": None,
        "cancel_note": "",
    }


def _scale(rows: list[dict], target: Decimal) -> float:
    """Amounts to 1,000 yuan, those of organisations' contracts scaled so that the rows add up to
    ``target`` exactly (the largest takes the rounding)."""
    fixed = sum(Decimal(round(row["raw_amount"] / 1000) * 1000) for row in rows if not row["scaled"])
    scaled = [row for row in rows if row["scaled"]]
    factor = float(target - fixed) / sum(row["raw_amount"] for row in scaled)
    for row in rows:
        value = row["raw_amount"] * (factor if row["scaled"] else 1)
        row["amount"] = Decimal(max(1, round(value / 1000)) * 1000)
    largest = max(scaled, key=lambda row: row["amount"])
    largest["amount"] += target - sum(row["amount"] for row in rows)
    return factor


def _finish(rng: random.Random, row: dict) -> ImportSpec:
    category, sub_type, amount = row["category"], row["sub_type"], row["amount"]
    non_technical = Decimal(0)
    if category in (ContractCategory.DEVELOPMENT, ContractCategory.SERVICE) and rng.random() < 0.3:
        share = Decimal(rng.choice(("0.05", "0.1", "0.15", "0.2", "0.3")))
        non_technical = Decimal(round(amount * share / 1000) * 1000)
    expected = None, None
    if category in (ContractCategory.TRANSFER, ContractCategory.LICENCE, ContractCategory.DEVELOPMENT):
        expected = (
            (amount * rng.choice((2, 3, 5))).quantize(Decimal(10000)),
            (amount * rng.choice((5, 8, 12))).quantize(Decimal(10000)),
        )
    ip_kinds = IP_TYPES.get(sub_type)
    if sub_type == ContractSubType.OTHER_IP_TRANSFER:
        ip_kinds = (IPKind.PLANT_VARIETY if row["field"] == "10" else IPKind.SOFTWARE_COPYRIGHT,)
    elif ip_kinds is None and category == ContractCategory.DEVELOPMENT:
        ip_kinds = (CONTRACT_NO_IP, CONTRACT_NO_IP, IPKind.INVENTION_PATENT, IPKind.SOFTWARE_COPYRIGHT)
    seller = row["seller"]
    return ImportSpec(
        registration_number=row["registration_number"],
        body=row["body"],
        project_name=row["project_name"][:200],
        category=category,
        sub_type=sub_type,
        licence_scope=rng.choice(LicenceScope.values) if category == ContractCategory.LICENCE else "",
        field=row["field"],
        ip_type=rng.choice(ip_kinds) if ip_kinds else CONTRACT_NO_IP,
        payment_method=rng.choice(PAYMENT_METHODS[category]),
        amount=amount,
        non_technical=non_technical,
        expected_investment=expected[0],
        expected_output=expected[1],
        plan_category=_weighted(rng, PLAN_CATEGORIES),
        socio_economic_goal=GOAL_OF_FIELD[row["field"]],
        trade_subject=TRADE_SUBJECT_OF_ENTITY.get(
            seller.entity_type, "5" if seller.entity_type[:2] in ("01", "02", "03") else "1"
        ),
        seller=seller,
        buyer=row["buyer"],
        signed_on=row["signed_on"],
        validity_years=rng.choice((1, 1, 2, 3)),
        submitted_on=row["submitted_on"],
        registered_on=row["registered_on"],
        cancelled_on=row["cancelled_on"],
        cancel_note=row["cancel_note"],
    )


def decision_days(value) -> int:
    """Days to decide under a rule set's value (the setting when the rules leave it open)."""
    return value.decision_days or settings.MARKET_REGISTRATION_DECISION_DAYS


# --- the registration journey of the demo logins ------------------------------------------------------
#
# A handful of registrations of contracts made off the platform, made through the services (not rows)
# so that the demo logins see each step: 四川大学技术转移中心 (``scu-admin``, ``scu-staff``) applies
# directly to 成都市技术合同认定登记站, whose demo registrar ``registrar-cd`` decides; a second registrar
# of the station (``PAPER_REGISTRAR``, a quiet account) enters a paper application for a seller off the
# platform, which ``registrar-cd`` decides (separation of duties). Registered ones lie in the history;
# the draft and those waiting for a decision in the recent part of the calendar (``demo.dates``).

JOURNEY_APPLICANT = "scu_office"
JOURNEY_BODY = "510100_registration"
PAPER_REGISTRAR = "registrar-510100"
SHANGHAI_BUYER = pools.Party("上海徐汇瑞康医疗科技有限公司", "310104", pools.LTD, ("04",))


@dataclass(frozen=True)
class IncomeSpec:
    year: int
    amount: Decimal
    performed_on: date
    certified_on: date


@dataclass(frozen=True)
class JourneySpec:
    """One registration made through the services; ``outcome``: draft, submitted or registered (then
    perhaps with certified income, corrected or cancelled)."""

    project_name: str
    source: str  # ContractSource value: direct (the applicant applies) or paper (a registrar enters it)
    outcome: str
    seller: "PartySpec | pools.Party"  # resolved to a PartySpec by ``journey_specs``
    buyer: "PartySpec | pools.Party"
    category: str
    sub_type: str
    field: str
    amount: Decimal
    non_technical: Decimal
    payment_method: str
    signed_on: date
    validity_years: int
    opened_on: date
    submitted_on: date | None = None
    registered_on: date | None = None
    licence_scope: str = ""
    ip_type: str = CONTRACT_NO_IP
    expected_investment: Decimal | None = None
    expected_output: Decimal | None = None
    corrected_technical: Decimal | None = None  # the registrar's correction of the technical amount
    registrar_note: str = ""
    incomes: tuple[IncomeSpec, ...] = ()
    amended_on: date | None = None
    amendment: tuple[tuple[str, Decimal], ...] = ()  # (field, corrected value)
    amend_reason: str = ""
    cancelled_on: date | None = None
    cancel_reason: str = ""  # CancellationReason value
    cancel_note: str = ""

    @property
    def trade_subject(self) -> str:
        return TRADE_SUBJECT_OF_ENTITY.get(self.seller.entity_type, "5")

    @property
    def is_counted(self) -> bool:
        """Registered and not cancelled: counted in the year's registrations."""
        return self.registered_on is not None and self.cancelled_on is None

    @property
    def final_amount(self) -> Decimal:
        """The contract amount as registered, after any correction."""
        return dict(self.amendment).get("contract_amount", self.amount)


def journey_specs(today: date) -> tuple[JourneySpec, ...]:
    """The registrations made through the services for the demo seeded ``today``."""
    return tuple(
        dates.dated(replace(spec, seller=_resolved(spec.seller), buyer=_resolved(spec.buyer)), today)
        for spec in _journey_specs()
    )


def _resolved(party: "PartySpec | pools.Party") -> PartySpec:
    """A party of the journey: an organisation off the platform gets the credit code it has in the
    import (a new serial when the import has none)."""
    if isinstance(party, PartySpec):
        return party
    serials = _import_state()[1]
    serial = serials.get(party.name) or len(serials) + 1 + [SHANGHAI_BUYER.name].index(party.name)
    return _off_platform(party, serial)


def _party(pool, name: str) -> pools.Party:
    return next(party for party in pool if party.name == name)


def _journey_history() -> dict[int, tuple[int, Decimal]]:
    """(count, 合同金额) of the journey's registrations that count, by year of registration, within the
    history: the import leaves room for them (its years still add up as planned)."""
    totals: dict[int, tuple[int, Decimal]] = defaultdict(lambda: (0, Decimal(0)))
    for spec in _journey_specs():
        if spec.is_counted and spec.registered_on <= dates.HISTORY_ENDS:
            count, amount = totals[spec.registered_on.year]
            totals[spec.registered_on.year] = (count + 1, amount + spec.final_amount)
    return dict(totals)


@cache
def _journey_specs() -> tuple[JourneySpec, ...]:
    office = _on_platform(JOURNEY_APPLICANT)
    direct, paper = ContractSource.DIRECT.value, ContractSource.PAPER.value
    _region, id_number = identity_number(random.Random(f"{SEED}:journey:person"))
    person = PartySpec(
        kind=PartyKind.PERSON,
        name=achievement_specs.person_name(random.Random(f"{SEED}:journey:person-name")),
        id_number=id_number,
        entity_type=PERSON_ENTITY_TYPE,
        region_code=_region,
    )
    german = next(party for party in pools.FOREIGN_BUYERS if party.country == "304" and "04" in party.fields)
    return (
        # Registered, the technical amount corrected by the registrar: its certificate verifies.
        JourneySpec(
            project_name="锂电池正极材料失效分析与寿命评估技术服务",
            source=direct,
            outcome="registered",
            seller=office,
            buyer=_party(pools.SICHUAN_BUYERS, "乐山沙湾冶金材料有限公司"),
            category=ContractCategory.SERVICE,
            sub_type=ContractSubType.TECHNICAL_SERVICE,
            field="03",
            amount=Decimal("680000"),
            non_technical=Decimal("0"),
            payment_method=PaymentMethod.INSTALMENTS,
            signed_on=date(2026, 4, 8),
            validity_years=1,
            opened_on=date(2026, 4, 13),
            submitted_on=date(2026, 4, 15),
            registered_on=date(2026, 4, 24),
            corrected_technical=Decimal("598000"),
            registrar_note="合同价款中含检测耗材及设备使用费8.2万元，不属于技术性收入，核减技术交易额。",
        ),
        # Submitted, waiting for registrar-cd: a buyer in Shanghai, off the platform.
        JourneySpec(
            project_name="骨科植入物表面抗菌涂层委托开发",
            source=direct,
            outcome="submitted",
            seller=office,
            buyer=SHANGHAI_BUYER,
            category=ContractCategory.DEVELOPMENT,
            sub_type=ContractSubType.COMMISSIONED_DEVELOPMENT,
            field="04",
            amount=Decimal("1500000"),
            non_technical=Decimal("120000"),
            payment_method=PaymentMethod.INSTALMENTS,
            signed_on=date(2026, 11, 12),
            validity_years=2,
            opened_on=date(2026, 11, 18),
            submitted_on=date(2026, 11, 23),
            expected_investment=Decimal("3000000"),
            expected_output=Decimal("12000000"),
        ),
        # A draft with a foreign (German) buyer, its name in the original language.
        JourneySpec(
            project_name="可降解镁合金血管支架专利实施许可",
            source=direct,
            outcome="draft",
            seller=office,
            buyer=_foreign(german),
            category=ContractCategory.LICENCE,
            sub_type=ContractSubType.PATENT_LICENCE,
            licence_scope="ordinary",
            ip_type=IPKind.INVENTION_PATENT,
            field="04",
            amount=Decimal("2400000"),
            non_technical=Decimal("0"),
            payment_method=PaymentMethod.ROYALTY_WITH_FEE,
            signed_on=date(2026, 11, 20),
            validity_years=3,
            opened_on=date(2026, 11, 26),
            expected_investment=Decimal("8000000"),
            expected_output=Decimal("30000000"),
        ),
        # Registered, with a natural person as the buyer (the identity number is masked on the pages).
        JourneySpec(
            project_name="川西民宿建筑节能改造技术服务",
            source=direct,
            outcome="registered",
            seller=office,
            buyer=person,
            category=ContractCategory.SERVICE,
            sub_type=ContractSubType.TECHNICAL_SERVICE,
            field="06",
            amount=Decimal("60000"),
            non_technical=Decimal("0"),
            payment_method=PaymentMethod.LUMP_SUM,
            signed_on=date(2026, 5, 6),
            validity_years=1,
            opened_on=date(2026, 5, 9),
            submitted_on=date(2026, 5, 12),
            registered_on=date(2026, 5, 19),
        ),
        # Registered in 2024, technical income certified for 2024 and 2025.
        JourneySpec(
            project_name="医学影像辅助诊断模型委托开发",
            source=direct,
            outcome="registered",
            seller=office,
            buyer=_party(pools.SICHUAN_BUYERS, "四川省人民医院"),
            category=ContractCategory.DEVELOPMENT,
            sub_type=ContractSubType.COMMISSIONED_DEVELOPMENT,
            ip_type=IPKind.SOFTWARE_COPYRIGHT,
            field="04",
            amount=Decimal("1200000"),
            non_technical=Decimal("80000"),
            payment_method=PaymentMethod.INSTALMENTS,
            signed_on=date(2024, 3, 12),
            validity_years=3,
            opened_on=date(2024, 3, 20),
            submitted_on=date(2024, 3, 25),
            registered_on=date(2024, 4, 2),
            expected_investment=Decimal("2400000"),
            expected_output=Decimal("9600000"),
            incomes=(
                IncomeSpec(2024, Decimal("480000"), date(2024, 12, 20), date(2025, 1, 15)),
                IncomeSpec(2025, Decimal("560000"), date(2025, 12, 18), date(2026, 1, 20)),
            ),
        ),
        # Registered, then corrected (变更) after a supplementary agreement.
        JourneySpec(
            project_name="钠离子电池正极材料专利组合技术中介服务",
            source=direct,
            outcome="registered",
            seller=office,
            buyer=_party(pools.SICHUAN_BUYERS, "广安岳池化工有限公司"),
            category=ContractCategory.SERVICE,
            sub_type=ContractSubType.TECHNICAL_INTERMEDIARY,
            field="03",
            amount=Decimal("300000"),
            non_technical=Decimal("0"),
            payment_method=PaymentMethod.LUMP_SUM,
            signed_on=date(2025, 5, 26),
            validity_years=1,
            opened_on=date(2025, 6, 3),
            submitted_on=date(2025, 6, 4),
            registered_on=date(2025, 6, 10),
            amended_on=date(2025, 9, 16),
            amendment=(("contract_amount", Decimal("360000")),),
            amend_reason="双方签订补充协议，增加两项专利的对接服务，合同金额由30万元调整为36万元。",
        ),
        # Registered, then cancelled (注销) when the parties rescinded the contract.
        JourneySpec(
            project_name="页岩气压裂返排液处理工艺技术咨询",
            source=direct,
            outcome="registered",
            seller=office,
            buyer=_party(pools.SICHUAN_BUYERS, "内江威远页岩气开发有限公司"),
            category=ContractCategory.CONSULTING,
            sub_type=ContractSubType.FEASIBILITY,
            field="08",
            amount=Decimal("150000"),
            non_technical=Decimal("0"),
            payment_method=PaymentMethod.LUMP_SUM,
            signed_on=date(2025, 7, 22),
            validity_years=1,
            opened_on=date(2025, 7, 28),
            submitted_on=date(2025, 7, 30),
            registered_on=date(2025, 8, 5),
            cancelled_on=date(2025, 10, 21),
            cancel_reason=CancellationReason.TERMINATED.value,
            cancel_note="合同双方已协议解除合同，经申请方申请，予以注销登记。",
        ),
        # A paper application entered by the station's second registrar for a seller off the platform,
        # waiting for registrar-cd.
        JourneySpec(
            project_name="重组胶原蛋白敷料临床适配性委托开发",
            source=paper,
            outcome="submitted",
            seller=_party(pools.SICHUAN_SELLERS, "成都锦瑞生物技术有限公司"),
            buyer=_party(pools.SICHUAN_BUYERS, "成都市第三人民医院"),
            category=ContractCategory.DEVELOPMENT,
            sub_type=ContractSubType.COMMISSIONED_DEVELOPMENT,
            field="04",
            amount=Decimal("850000"),
            non_technical=Decimal("50000"),
            payment_method=PaymentMethod.INSTALMENTS,
            signed_on=date(2026, 11, 10),
            validity_years=2,
            opened_on=date(2026, 11, 19),
            submitted_on=date(2026, 11, 19),
            expected_investment=Decimal("1700000"),
            expected_output=Decimal("6800000"),
        ),
    )
