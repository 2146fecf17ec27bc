"""Generates realistic data at scale for the benchmarks: institutions spread over Sichuan's counties,
a technology market on top of them, and the live market the matching benchmark ranks.

    python scripts/launch.py manage shell -c "from bench.generate import institutions; institutions(10000)"
    python scripts/launch.py manage shell -c "from bench.generate import market; market(10000)"
    python scripts/launch.py manage shell -c "from bench.generate import matching; matching(10000, 2000)"

Rows are bulk-created with valid credit codes, service fields and some designations, in a database
that already holds the reference data; running it again adds nothing when the rows exist.
"""

import math
import random
import re
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from achievements.choices import AchievementStatus, CooperationMode, SecrecyStatus
from achievements.models import Achievement, FilingSequence
from achievements.policies import filing_number
from core.text import segmentation
from demo.pools.achievements import POOLS as ACHIEVEMENT_POOLS
from demo.pools.market import CONTRACT_FILE_NAME, SERVICE_LISTINGS, TERMS
from demo.pools.market import DEMANDS as DEMAND_POOLS
from demo.specs.achievements import APPLICATIONS as ACHIEVEMENT_APPLICATIONS
from demo.specs.achievements import INDUSTRIES as ACHIEVEMENT_INDUSTRIES
from demo.specs.achievements import OFFERS as ACHIEVEMENT_OFFERS
from demo.specs.achievements import READINESS as ACHIEVEMENT_READINESS
from demo.specs.market import AMOUNT_RANGES, MODE_SUFFIX, PAYMENT_METHODS
from institutions.choices import (
    ClassificationScheme,
    DesignationLevel,
    DesignationStatus,
    MembershipRole,
    OrganisationKind,
    TransferKind,
    TransferLevel,
)
from institutions.identifiers import make_credit_code
from institutions.models import (
    Classification,
    Designation,
    Membership,
    Organisation,
    OrganisationServiceField,
    Region,
)
from institutions.roles import forget_roles
from market.choices import (
    CONTRACT_NO_IP,
    SERVICE_MODES,
    ContractCategory,
    ContractSource,
    ContractStatus,
    DealStatus,
    DemandStatus,
    ListingStatus,
    NumberSource,
    PricingMethod,
)
from market.models import (
    ContractRegistration,
    Deal,
    Demand,
    Listing,
    ListingObjection,
    RegistrationRuleSet,
    RegistrationSequence,
)
from market.policies import (
    category_for_mode,
    decision_due,
    registration_number,
    rule_set_in_force,
    technical_amount,
)
from market.selectors.contracts import rule_set_value
from market.services import contracts as contract_services
from market.services.listings import RESELLABLE_MODES

_PREFIXES = ("成都", "蜀都", "天府", "锦城", "巴蜀", "川西", "川南", "川北", "川东", "西部")
_SUFFIXES = ("技术转移中心", "科技成果转化服务有限公司", "知识产权运营中心", "科技服务中心", "技术市场服务站")


def institutions(count: int, *, seed: int = 2026) -> int:
    """Creates up to ``count`` synthetic transfer institutions named ``基准机构…``; returns how many exist."""
    rng = random.Random(seed)
    counties = list(Region.objects.home().counties().values_list("code", "name"))
    fields = list(Classification.objects.filter(scheme=ClassificationScheme.TECHNOLOGY_FIELD))
    existing = Organisation.objects.filter(name__startswith="基准机构").count()
    rows = []
    for index in range(existing, count):
        code, county = rng.choice(counties)
        rows.append(
            Organisation(
                name=f"基准机构{index:06d}·{county}{rng.choice(_PREFIXES)}{rng.choice(_SUFFIXES)}",
                credit_code=make_credit_code(f"91{code}", f"BM{index:06d}"),
                kind=OrganisationKind.TRANSFER_AGENCY,
                region_id=code,
                is_transfer_institution=True,
                transfer_level=TransferLevel.COUNTY,
                transfer_kind=rng.choice(list(TransferKind.values)),
                services=rng.sample(["transfer", "consulting", "evaluation", "financing", "technical"], 2),
                introduction=f"{county}的技术转移服务机构，提供成果评价、对接撮合与知识产权服务。",
            )
        )
    with transaction.atomic():
        created = Organisation.objects.bulk_create(rows, batch_size=2000)
        OrganisationServiceField.objects.bulk_create(
            [
                OrganisationServiceField(organisation=organisation, classification=field)
                for organisation in created
                for field in rng.sample(fields, 2)
            ],
            batch_size=5000,
        )
        Designation.objects.bulk_create(
            [
                Designation(
                    organisation=organisation,
                    level=DesignationLevel.PROVINCIAL,
                    status=DesignationStatus.ACTIVE,
                    year_granted=rng.randint(2016, 2025),
                )
                for organisation in created
                if rng.random() < 0.05
            ],
            batch_size=2000,
        )
    return existing + len(created)


# --- The market ---------------------------------------------------------------------------------------

MARKET_USER = "bench-market"
SELLER_POOL = 300
ENTERPRISES = 300
BROKERS = 20
QUEUE_SIZE = 200
QUEUE_CITY = "510100"
DISCLOSED_SHARE = 0.04
"""Share of registered deals registered within the disclosure period, so on the board today."""

_ENTERPRISE_PREFIXES = ("川", "蜀", "锦", "天府", "岷江", "嘉陵", "峨眉", "青城", "雅安", "攀西")
_ENTERPRISE_SUFFIXES = (
    "新材料有限公司",
    "智能装备股份有限公司",
    "生物科技有限公司",
    "能源科技有限公司",
    "电子科技有限公司",
    "环保科技有限公司",
    "农业发展有限公司",
    "精密制造有限公司",
)
_ENTERPRISE_ENTITY_TYPES = ("150", "150", "160", "170", "110")
_TITLE_VARIANTS = ("", "", "", "及其产业化应用", "关键技术", "成套工艺", "（第二代）")
_SUMMARY_TAILS = (
    "成果已完成中试验证，可提供工艺包、技术培训和现场指导。",
    "已在省内企业示范应用，技术成熟度较高，可按需定制。",
    "拥有自主知识产权，团队可配合受让方完成产业化落地。",
    "完成小批量试制，关键指标经第三方检测机构测试。",
)
_CONTACTS = ("张老师", "李工", "王经理", "刘老师", "陈工", "杨经理", "赵老师", "黄工", "周经理", "吴老师")
_MODE_WEIGHTS = {
    CooperationMode.TRANSFER: 20,
    CooperationMode.LICENCE_EXCLUSIVE: 8,
    CooperationMode.LICENCE_SOLE: 7,
    CooperationMode.LICENCE_ORDINARY: 15,
    CooperationMode.INVESTMENT: 5,
    CooperationMode.JOINT_DEVELOPMENT: 10,
    CooperationMode.TECHNICAL_SERVICE: 20,
    CooperationMode.TECHNICAL_CONSULTING: 15,
}
_DEMAND_MODES = (
    CooperationMode.JOINT_DEVELOPMENT,
    CooperationMode.JOINT_DEVELOPMENT,
    CooperationMode.TECHNICAL_SERVICE,
    CooperationMode.TECHNICAL_CONSULTING,
    CooperationMode.TRANSFER,
    CooperationMode.LICENCE_ORDINARY,
)
_COOPERATION_MODES = {
    CooperationMode.TECHNICAL_CONSULTING: CooperationMode.TECHNICAL_SERVICE,
}
_MARKET_MODELS = (Achievement, Listing, ListingObjection, Demand, Deal, ContractRegistration)


@contextmanager
def _explicit_timestamps(models):
    """Lets bulk_create keep the created/updated times the generator sets (auto_now would overwrite them)."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


@cache
def _segmented(text: str) -> str:
    return segmentation.segmented(text)


_VECTOR_SQL = """
    SELECT (setweight(to_tsvector('simple', a), 'A') || setweight(to_tsvector('simple', b), 'B')
            || setweight(to_tsvector('simple', c), 'C'))::text
    FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY AS texts (a, b, c, n)
    ORDER BY n
"""
_vectors: dict[tuple[str, str, str], str] = {}


def _fill_search_vectors(rows, texts) -> None:
    """Sets each row's search vector as the services compute it (jieba-segmented title A, keywords B,
    body C in a ``simple`` tsvector); PostgreSQL builds it once per distinct text, in one query."""
    missing = list({texts(row) for row in rows} - _vectors.keys())
    if missing:
        segmented = [[_segmented(text) for text in column] for column in zip(*missing, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(_VECTOR_SQL, segmented)
            _vectors.update(zip(missing, (vector for (vector,) in cursor.fetchall()), strict=True))
    for row in rows:
        row.search_vector = _vectors[texts(row)]


def _listing_texts(row) -> tuple[str, str, str]:
    return row.title, " ".join(row.keywords), row.summary


def _demand_texts(row) -> tuple[str, str, str]:
    return row.title, " ".join(row.keywords), f"{row.problem} {row.expected_outcome}"


def _user(username: str):
    from accounts.models import User

    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    return user


class _Market:
    """Builds one increment of the synthetic market; the state (serials, pools) comes from the database."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.zone = timezone.get_current_timezone()
        self.user = _user(MARKET_USER)
        self.fields = dict(
            Classification.objects.filter(
                scheme=ClassificationScheme.TECHNOLOGY_FIELD,
                is_current=True,
                code__in=list(ACHIEVEMENT_POOLS),
            ).values_list("code", "pk")
        )
        self.entity_types = dict(
            Classification.objects.filter(scheme=ClassificationScheme.ENTITY_TYPE).values_list("code", "pk")
        )
        self.sellers = self._sellers()
        self.enterprises = self._enterprises()
        self.bodies, self.registrars = self._registration_bodies()
        self.brokers = self._brokers()
        self.rule_sets = [(row, rule_set_value(row)) for row in RegistrationRuleSet.objects.all()]
        self.filing_serials = {
            (row.region_code, row.year): row.last_serial for row in FilingSequence.objects.all()
        }
        self.registration_serials = {
            (row.registration_body_id, row.year): row.last_serial
            for row in RegistrationSequence.objects.filter(registration_body__in=self.bodies.values())
        }

    # Parties ----------------------------------------------------------------------------------------

    def _sellers(self) -> list[Organisation]:
        institutions(SELLER_POOL)
        sellers = list(
            Organisation.objects.filter(name__startswith="基准机构")
            .select_related("entity_type")
            .order_by("name")[:SELLER_POOL]
        )
        untyped = [seller.pk for seller in sellers if seller.entity_type_id is None]
        if untyped:  # a contract needs the parties' legal-entity type (有限责任公司)
            Organisation.objects.filter(pk__in=untyped).update(entity_type_id=self.entity_types["150"])
            sellers = list(
                Organisation.objects.filter(pk__in=[s.pk for s in sellers]).select_related("entity_type")
            )
        return sorted(sellers, key=lambda seller: seller.name)

    def _enterprises(self) -> list[Organisation]:
        existing = Organisation.objects.filter(name__startswith="基准企业").count()
        counties = list(Region.objects.home().counties().values_list("code", "name"))
        rows = []
        for index in range(existing, ENTERPRISES):
            code, county = self.rng.choice(counties)
            rows.append(
                Organisation(
                    name=f"基准企业{index:05d}·{county}{self.rng.choice(_ENTERPRISE_PREFIXES)}"
                    f"{self.rng.choice(_ENTERPRISE_SUFFIXES)}",
                    credit_code=make_credit_code(f"91{code}", f"BQ{index:06d}"),
                    kind=OrganisationKind.ENTERPRISE,
                    entity_type_id=self.entity_types[self.rng.choice(_ENTERPRISE_ENTITY_TYPES)],
                    region_id=code,
                    introduction=f"{county}的科技型企业，长期与高校院所开展产学研合作。",
                )
            )
        Organisation.objects.bulk_create(rows, batch_size=1000)
        return list(
            Organisation.objects.filter(name__startswith="基准企业")
            .select_related("entity_type")
            .order_by("name")
        )

    def _registration_bodies(self) -> tuple[dict[str, Organisation], dict[int, object]]:
        """A contract registration body (技术合同登记机构) in every city, each with a registrar."""
        bodies, registrars = {}, {}
        for index, city in enumerate(Region.objects.home().cities().order_by("code")):
            body, _ = Organisation.objects.get_or_create(
                name=f"基准{city.name}技术合同登记处",
                defaults={
                    "credit_code": make_credit_code(f"12{city.code}", f"BD{index:06d}"),
                    "kind": OrganisationKind.REGISTRATION_BODY,
                    "entity_type_id": self.entity_types["024"],
                    "region": city,
                },
            )
            registrar = _user(f"bench-registrar-{city.code}")
            Membership.objects.get_or_create(
                user=registrar, organisation=body, defaults={"role": MembershipRole.OFFICIAL}
            )
            forget_roles(registrar)
            bodies[city.code] = body
            registrars[body.pk] = registrar
        return bodies, registrars

    def _brokers(self) -> list:
        brokers = []
        for index, agency in enumerate(self.sellers[:BROKERS]):
            broker = _user(f"bench-broker-{index:02d}")
            Membership.objects.get_or_create(
                user=broker, organisation=agency, defaults={"role": MembershipRole.BROKER}
            )
            brokers.append(broker)
        return brokers

    # Helpers ----------------------------------------------------------------------------------------

    def moment(self, day: date) -> datetime:
        """A time in office hours on ``day`` (never in the future)."""
        at = datetime.combine(day, time(self.rng.randint(9, 17), self.rng.randint(0, 59)), tzinfo=self.zone)
        return min(at, self.now)

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def amount(self, mode: str) -> Decimal:
        """Log-uniform in the mode's range (万元), rounded to a thousand yuan."""
        low, high = AMOUNT_RANGES[mode]
        value = math.exp(self.rng.uniform(math.log(low), math.log(high))) * 10_000
        return Decimal(round(value, -3))

    def phone(self) -> str:
        if self.rng.random() < 0.5:
            return f"028-{self.rng.randint(8000_0000, 8799_9999)}"
        return f"1{self.rng.choice('3589')}{self.rng.randint(0, 9)}{self.rng.randint(1000_0000, 9999_9999)}"

    def registration_day(self) -> date:
        """The day a deal was registered: a share within the disclosure period, the rest over 18 months."""
        if self.rng.random() < DISCLOSED_SHARE:
            # n working days never span fewer than n calendar days, nor (Spring Festival included) more than
            # n + 20: the first share is still disclosed, the rest no longer.
            return self.days_ago(0, settings.MARKET_DISCLOSURE_WORKING_DAYS)
        return self.days_ago(settings.MARKET_DISCLOSURE_WORKING_DAYS + 20, 540)

    def _next_filing_number(self, region_code: str, year: int) -> str:
        key = (region_code, year)
        self.filing_serials[key] = self.filing_serials.get(key, 0) + 1
        return filing_number(region_code=region_code, year=year, serial=self.filing_serials[key])

    def _next_registration_number(self, body: Organisation, year: int) -> str:
        key = (body.pk, year)
        self.registration_serials[key] = self.registration_serials.get(key, 0) + 1
        return registration_number(
            region_code=body.region_id, year=year, serial=self.registration_serials[key]
        )

    def save_serials(self) -> None:
        FilingSequence.objects.bulk_create(
            [
                FilingSequence(region_code=r, year=y, last_serial=s)
                for (r, y), s in self.filing_serials.items()
            ],
            update_conflicts=True,
            unique_fields=["region_code", "year"],
            update_fields=["last_serial"],
        )
        RegistrationSequence.objects.bulk_create(
            [
                RegistrationSequence(registration_body_id=b, year=y, last_serial=s)
                for (b, y), s in self.registration_serials.items()
            ],
            update_conflicts=True,
            unique_fields=["registration_body", "year"],
            update_fields=["last_serial"],
        )

    # Listings ---------------------------------------------------------------------------------------

    def listings(self, count: int) -> list[Listing]:
        """``count`` listings on the public market: in publicity, listed, in a deal or sold. Services and
        consulting of transfer institutions are partly standalone; everything else lists a published
        achievement filed by the seller."""
        modes, weights = zip(*_MODE_WEIGHTS.items(), strict=True)
        services = {mode: [e for e in SERVICE_LISTINGS if e.mode == mode] for mode in SERVICE_MODES}
        achievements, listings = [], []
        for _index in range(count):
            seller = self.rng.choice(self.sellers)
            mode = self.rng.choices(modes, weights)[0]
            chance = self.rng.random()
            if chance < 0.2:
                status = ListingStatus.PUBLICITY
            elif chance < 0.24:
                status = ListingStatus.IN_DEAL
            elif mode not in RESELLABLE_MODES and self.rng.random() < 0.3:
                status = ListingStatus.SOLD
            else:
                status = ListingStatus.ACTIVE
            listing = self._listing(seller, mode, status)
            if mode in SERVICE_MODES and self.rng.random() < 0.6:
                entry = self.rng.choice(services[mode])
                listing.title, listing.summary = entry.title, entry.summary
                listing.keywords = entry.keywords.split()
                listing.technology_field_id = self.fields[entry.field]
            else:
                listing.achievement = self._achievement(seller, listing)
                achievements.append(listing.achievement)
            listings.append(listing)
        _fill_search_vectors(achievements, _listing_texts)
        _fill_search_vectors(listings, _listing_texts)
        Achievement.objects.bulk_create(achievements, batch_size=2000)
        for listing in listings:
            listing.achievement_id = listing.achievement.pk if listing.achievement else None
        return Listing.objects.bulk_create(listings, batch_size=2000)

    def _listing(self, seller: Organisation, mode: str, status: str) -> Listing:
        if status == ListingStatus.PUBLICITY:
            published = self.days_ago(0, settings.MARKET_PUBLICITY_DAYS - 1)
        elif status == ListingStatus.SOLD:
            # Sold by a deal registered on registration_day, signed after the publicity closed.
            listing_registered = self.registration_day()
            published = listing_registered - timedelta(days=self.rng.randint(66, 300))
        elif status == ListingStatus.IN_DEAL:
            # Its deal was signed in the last 20 days, after the publicity had closed.
            published = self.days_ago(settings.MARKET_PUBLICITY_DAYS + 30, 700)
        else:
            published = self.days_ago(settings.MARKET_PUBLICITY_DAYS + 1, 700)
        published_at = self.moment(published)
        if status == ListingStatus.SOLD:
            listed_until = published + timedelta(days=self.rng.randint(180, 730))
        else:
            shortest = (self.today - published).days + 10
            listed_until = published + timedelta(days=self.rng.randint(shortest, max(shortest, 730)))
        pricing = self.rng.choices(list(PricingMethod), (40, 15, 40, 5))[0]
        price = price_max = None
        if pricing != PricingMethod.NEGOTIABLE:
            price = self.amount(mode)
        if pricing == PricingMethod.RANGE:
            price_max = (price * Decimal(self.rng.choice(("1.2", "1.5", "2")))).quantize(Decimal(1000))
        listing = Listing(
            institution=seller,
            created_by=self.user,
            status=status,
            region_id=seller.region_id,
            transaction_mode=mode,
            pricing_method=pricing,
            price=price,
            price_max=price_max,
            listed_until=listed_until,
            contact_name=self.rng.choice(_CONTACTS),
            contact_phone=self.phone(),
            publicity_days=settings.MARKET_PUBLICITY_DAYS,
            published_at=published_at,
            publicity_ends_at=published_at + timedelta(days=settings.MARKET_PUBLICITY_DAYS),
            created_at=published_at - timedelta(days=self.rng.randint(1, 10)),
            updated_at=published_at,
        )
        if status == ListingStatus.SOLD:
            listing.registered_on = listing_registered  # read by deals(), not a field
            listing.updated_at = self.moment(listing_registered)
        return listing

    def _achievement(self, seller: Organisation, listing: Listing) -> Achievement:
        field = self.rng.choice(list(ACHIEVEMENT_POOLS))
        entry = self.rng.choice(ACHIEVEMENT_POOLS[field])
        published_at = listing.published_at - timedelta(days=self.rng.randint(20, 400))
        achievement = Achievement(
            filing_institution=seller,
            created_by=self.user,
            status=AchievementStatus.PUBLISHED,
            filing_number=self._next_filing_number(seller.region_id, published_at.year),
            title=f"{entry.title}{self.rng.choice(_TITLE_VARIANTS)}",
            summary=f"{entry.core}{self.rng.choice(_SUMMARY_TAILS)}",
            keywords=entry.keywords.split(),
            technology_field_id=self.fields[field],
            trl=self.rng.randint(4, 9),
            cooperation_modes=[_COOPERATION_MODES.get(listing.transaction_mode, listing.transaction_mode)],
            region_id=seller.region_id,
            is_dual_use=bool(entry.dual_use),
            secrecy_status=SecrecyStatus.DECLASSIFIED
            if entry.dual_use == "declassified"
            else SecrecyStatus.NEVER_CLASSIFIED,
            submitted_at=published_at - timedelta(days=self.rng.randint(5, 20)),
            reviewed_at=published_at,
            published_at=published_at,
            created_at=published_at - timedelta(days=self.rng.randint(21, 60)),
            updated_at=published_at,
        )
        for name in ("title", "summary", "keywords", "technology_field_id", "trl"):
            setattr(listing, name, getattr(achievement, name))
        return achievement

    def brokers_and_objections(self, listings: list[Listing]) -> None:
        """A broker named on one listing in ten; an open objection on a few of those in publicity."""
        Through = Listing.brokers.through
        Through.objects.bulk_create(
            [
                Through(listing_id=listing.pk, user_id=self.rng.choice(self.brokers).pk)
                for listing in listings
                if self.rng.random() < 0.1
            ],
            batch_size=5000,
        )
        objections = []
        for listing in listings:
            if listing.status == ListingStatus.PUBLICITY and self.rng.random() < 0.03:
                filed_at = min(listing.published_at + timedelta(days=self.rng.randint(1, 5)), self.now)
                objections.append(
                    ListingObjection(
                        listing_id=listing.pk,
                        filed_by=self.user,
                        reasons="该成果的核心专利权属存在争议，申请人并非唯一权利人，请核实后再挂牌。",
                        created_at=filed_at,
                    )
                )
        ListingObjection.objects.bulk_create(objections, batch_size=2000)

    # Demands ----------------------------------------------------------------------------------------

    def demands(self, count: int) -> list[Demand]:
        """Published demands answering by a future date, and one in ten closed with a deal."""
        rows = []
        for _index in range(count):
            enterprise = self.rng.choice(self.enterprises)
            field = self.rng.choice(list(DEMAND_POOLS))
            entry = self.rng.choice(DEMAND_POOLS[field])
            closed = self.rng.random() < 0.1
            if closed:
                published = self.days_ago(120, 540)
                deadline = published + timedelta(days=self.rng.randint(60, 180))
            else:
                published = self.days_ago(1, 120)
                deadline = self.today + timedelta(days=self.rng.randint(15, 180))
            published_at = self.moment(published)
            budget_min = Decimal(self.rng.choice((5, 10, 20, 50, 100))) * 10_000
            demand = Demand(
                enterprise=enterprise,
                created_by=self.user,
                status=DemandStatus.CLOSED if closed else DemandStatus.PUBLISHED,
                title=entry.title,
                problem=entry.problem,
                expected_outcome=entry.outcome,
                keywords=entry.keywords.split(),
                technology_field_id=self.fields[field],
                required_trl=self.rng.choice((None, 4, 5, 6, 7)),
                budget_min=budget_min,
                budget_max=budget_min * self.rng.choice((2, 3, 5)),
                deadline=deadline,
                cooperation_mode=self.rng.choice(_DEMAND_MODES),
                region_id=enterprise.region_id,
                contact_name=self.rng.choice(_CONTACTS),
                contact_phone=self.phone(),
                submitted_at=published_at - timedelta(days=self.rng.randint(1, 7)),
                published_at=published_at,
                created_at=published_at - timedelta(days=self.rng.randint(8, 20)),
                updated_at=published_at,
            )
            if closed:
                demand.registered_on = published + timedelta(days=self.rng.randint(30, 55))
                demand.closed_at = demand.updated_at = self.moment(demand.registered_on + timedelta(days=3))
            rows.append(demand)
        _fill_search_vectors(rows, _demand_texts)
        return Demand.objects.bulk_create(rows, batch_size=2000)

    # Deals and their contracts ----------------------------------------------------------------------

    def deals(self, listings: list[Listing], demands: list[Demand], registered: int) -> None:
        """About ``registered`` registered deals: one for each sold listing and each closed demand, the
        rest ordinary licences, services and consulting sold again from listings still on the market;
        an agreed (signed) deal on each listing in a deal."""
        plans = []  # (listing, demand, seller, buyer, mode, registered day or None)
        for listing in listings:
            if listing.status == ListingStatus.SOLD:
                plans.append(
                    (
                        listing,
                        None,
                        listing.institution,
                        None,
                        listing.transaction_mode,
                        listing.registered_on,
                    )
                )
            elif listing.status == ListingStatus.IN_DEAL:
                plans.append((listing, None, listing.institution, None, listing.transaction_mode, None))
        for demand in demands:
            if demand.status == DemandStatus.CLOSED:
                seller = self.rng.choice(self.sellers)
                plans.append(
                    (None, demand, seller, demand.enterprise, demand.cooperation_mode, demand.registered_on)
                )
        latest = self.today - timedelta(days=66)
        resellable = [
            listing
            for listing in listings
            if listing.status == ListingStatus.ACTIVE
            and listing.transaction_mode in RESELLABLE_MODES
            and listing.published_at.date() <= latest
        ]
        done = sum(1 for plan in plans if plan[5] is not None)
        for _index in range(max(0, registered - done) if resellable else 0):
            listing = self.rng.choice(resellable)
            earliest = listing.published_at.date() + timedelta(days=66)
            day = self.registration_day()
            if day < earliest:
                day = earliest + timedelta(days=self.rng.randint(0, (self.today - earliest).days))
            plans.append((listing, None, listing.institution, None, listing.transaction_mode, day))
        self._create(plans)

    def queue(self) -> None:
        """Contracts of 成都 sellers answering demands, submitted and waiting for the 成都 registrar (some
        overdue); the same number whatever the size of the market."""
        body = self.bodies[QUEUE_CITY]
        waiting = ContractRegistration.objects.filter(
            registration_body=body, status=ContractStatus.SUBMITTED
        ).count()
        sellers = [seller for seller in self.sellers if seller.region_id.startswith(QUEUE_CITY[:4])]
        if waiting >= QUEUE_SIZE:
            return
        demands = list(
            Demand.objects.filter(created_by=self.user, status=DemandStatus.PUBLISHED)
            .select_related("enterprise__entity_type")
            .order_by("pk")[:2000]
        )
        plans = []
        for _index in range(QUEUE_SIZE - waiting):
            demand = self.rng.choice(demands)
            plans.append(
                (
                    None,
                    demand,
                    self.rng.choice(sellers),
                    demand.enterprise,
                    demand.cooperation_mode,
                    "submitted",
                )
            )
        self._create(plans)

    def _create(self, plans) -> None:
        deals, contracts = [], []
        for listing, demand, seller, buyer, mode, outcome in plans:
            buyer = buyer or self.rng.choice(self.enterprises)
            amount = self.amount(mode)
            if outcome is None:  # agreed and signed, the registration form not sent yet
                signed_on = self.days_ago(1, 20)
                status, submitted_on, registered_on = DealStatus.AGREED, None, None
            elif outcome == "submitted":
                submitted_on = self.days_ago(0, 40)  # those submitted over 30 days ago are overdue
                signed_on = submitted_on - timedelta(days=self.rng.randint(1, 20))
                status, registered_on = DealStatus.SUBMITTED, None
            else:
                registered_on = outcome
                submitted_on = registered_on - timedelta(days=self.rng.randint(1, 25))
                signed_on = submitted_on - timedelta(days=self.rng.randint(1, 25))
                status = DealStatus.REGISTERED
            signed_at = self.moment(signed_on)
            subject = listing.title if listing else demand.title
            deal = Deal(
                listing=listing,
                demand=demand,
                seller=seller,
                buyer=buyer,
                created_by=self.user,
                status=status,
                title=f"{subject}{MODE_SUFFIX[mode]}"[:200],
                transaction_mode=mode,
                contract_category=category_for_mode(mode)[0],
                amount=amount,
                payment_method=self.rng.choice(PAYMENT_METHODS[mode]),
                terms=TERMS[mode],
                disclose_amount=self.rng.random() < 0.5,
                seller_confirmed_at=signed_at - timedelta(days=self.rng.randint(0, 3)),
                buyer_confirmed_at=signed_at,
                signed_on=signed_on,
                created_at=signed_at - timedelta(days=self.rng.randint(5, 40)),
                updated_at=signed_at,
            )
            deals.append(deal)
            if submitted_on is not None:
                contracts.append(self._contract(deal, submitted_on, registered_on))
        Deal.objects.bulk_create(deals, batch_size=2000)
        for contract in contracts:
            contract.deal_id = contract.deal.pk
        ContractRegistration.objects.bulk_create(contracts, batch_size=2000)

    def _contract(self, deal: Deal, submitted_on: date, registered_on: date | None) -> ContractRegistration:
        seller, buyer = deal.seller, deal.buyer
        body = self.bodies[f"{seller.region_id[:4]}00"]
        rule_set, rules = next(
            (row, value)
            for row, value in self.rule_sets
            if value is rule_set_in_force([v for _r, v in self.rule_sets], submitted_on)
        )
        category, sub_type, licence_scope = category_for_mode(deal.transaction_mode)
        non_technical = Decimal(0)
        if self.rng.random() < 0.3:
            non_technical = (deal.amount * Decimal(self.rng.choice(("0.05", "0.1", "0.2")))).quantize(
                Decimal(100)
            )
        submitted_at = self.moment(submitted_on)
        contract = ContractRegistration(
            deal=deal,
            source=ContractSource.DEAL,
            status=ContractStatus.SUBMITTED,
            applicant=seller,
            seller_organisation=seller,
            buyer_organisation=buyer,
            registration_body=body,
            rule_set=rule_set,
            project_name=deal.title,
            contract_category=category,
            sub_type=sub_type,
            licence_scope=licence_scope,
            signed_on=deal.signed_on,
            valid_from=deal.signed_on,
            valid_until=deal.signed_on.replace(year=deal.signed_on.year + 2, day=min(deal.signed_on.day, 28)),
            contract_amount=deal.amount,
            non_technical_amount=non_technical,
            technical_amount=technical_amount(deal.amount, non_technical),
            payment_method=deal.payment_method,
            ip_type=CONTRACT_NO_IP,
            technology_field_id=(deal.listing or deal.demand).technology_field_id,
            expected_investment=deal.amount * 3 if category == ContractCategory.TRANSFER else None,
            expected_output=deal.amount * 8 if category == ContractCategory.TRANSFER else None,
            contract_file=f"market/contracts/bench/{self.rng.randint(1, 10**9)}.pdf",
            contract_file_name=CONTRACT_FILE_NAME,
            submitted_at=submitted_at,
            due_on=decision_due(
                submitted_on, rules.decision_days or settings.MARKET_REGISTRATION_DECISION_DAYS
            ),
            declared_category=category,
            declared_technical_amount=technical_amount(deal.amount, non_technical),
            created_at=self.moment(deal.signed_on),
            updated_at=submitted_at,
            **{
                f"{side}_{name}": value
                for side, party in (("seller", seller), ("buyer", buyer))
                for name, value in (
                    ("name", party.name),
                    ("credit_code", party.credit_code),
                    ("entity_type", party.entity_type.code),
                    ("region_code", party.region_id),
                )
            },
        )
        if registered_on is not None:
            registered_at = self.moment(registered_on)
            contract.registrar = self.registrars[body.pk]
            contract.registered_at = contract.updated_at = deal.updated_at = registered_at
            contract.registration_number = self._next_registration_number(body, registered_on.year)
            contract.number_source = NumberSource.PLATFORM
            contract.status = ContractStatus.REGISTERED
            contract.disclosure_starts_on, contract.disclosure_ends_on = contract_services.disclosure_window(
                registered_on
            )
        else:
            deal.updated_at = submitted_at
        return contract


def market(listings: int, *, seed: int = 2026) -> dict[str, int]:
    """Grows the synthetic market to ``listings`` listings (about one demand for five listings and one
    registered deal for two, each with its registered contract, a share on the disclosure board today),
    plus ``QUEUE_SIZE`` contracts waiting for the 成都 registrar; returns what exists.

    Rows are bulk-created with their search vectors and their own dates, bypassing the services (whose
    rules the data follows: standalone listings are services or consulting of transfer institutions,
    every other listing lists a published achievement filed by its seller, registration numbers follow
    each body's sequence). Running it again with the same size adds nothing."""
    user = _user(MARKET_USER)
    existing = Listing.objects.filter(created_by=user).count()
    rng = random.Random(seed * 1_000_003 + existing)
    with transaction.atomic(), _explicit_timestamps(_MARKET_MODELS):
        build = _Market(rng)
        created = build.listings(max(0, listings - existing)) if listings > existing else []
        build.brokers_and_objections(created)
        demand_count = Demand.objects.filter(created_by=user).count()
        demands = build.demands(max(0, listings // 5 - demand_count))
        registered = Deal.objects.filter(created_by=user, status=DealStatus.REGISTERED).count()
        build.deals(created, demands, max(0, listings // 2 - registered))
        build.queue()
        build.save_serials()
    return market_counts()


def market_counts() -> dict[str, int]:
    today = timezone.localdate()
    user = _user(MARKET_USER)
    chengdu = Organisation.objects.get(name="基准成都市技术合同登记处")
    return {
        "listings": Listing.objects.filter(created_by=user).count(),
        "achievements": Achievement.objects.filter(created_by=user).count(),
        "demands": Demand.objects.filter(created_by=user).count(),
        "deals": Deal.objects.filter(created_by=user).count(),
        "registered contracts": ContractRegistration.objects.registered().count(),
        "disclosed today": ContractRegistration.objects.disclosed(today).count(),
        "waiting for the 成都 registrar": ContractRegistration.objects.filter(
            registration_body=chengdu, status=ContractStatus.SUBMITTED
        ).count(),
    }


def queue_registrar():
    """The registrar of the 成都 registration body, whose queue the benchmark reads."""
    return _user(f"bench-registrar-{QUEUE_CITY}")


# --- The matching benchmark ---------------------------------------------------------------------------
#
# Demands and offers written from per-field vocabularies, so that the words they share look like the
# market's: many pairs on a neighbouring topic, common words in most texts, and a long tail of rare
# terms (model numbers, place names, dictionary terms the demo pools never use).

_OFFER_SUFFIXES = (
    "关键技术",
    "成套装备",
    "制备工艺",
    "检测方法",
    "集成平台",
    "生产线",
    "解决方案",
    "控制技术",
    "模组",
    "新工艺",
    "应用示范",
    "产业化技术",
)
_OFFER_ADJECTIVES = (
    "高性能",
    "高效",
    "低成本",
    "高精度",
    "智能化",
    "绿色",
    "新型",
    "大功率",
    "低功耗",
    "高可靠",
    "轻量化",
    "模块化",
    "国产化",
)
_DEMAND_SUFFIXES = (
    "技术需求",
    "技术攻关",
    "工艺改进",
    "关键技术难题攻关",
    "解决方案征集",
    "国产化替代",
    "设备研发",
    "技术合作",
    "技术升级",
)
_SERVICE_SUFFIXES = (
    "检测服务",
    "中试服务",
    "技术咨询",
    "工艺诊断",
    "测试评价服务",
    "技术培训",
    "定制开发服务",
)
_METRICS = (
    "生产效率",
    "良品率",
    "能耗",
    "综合成本",
    "检测精度",
    "使用寿命",
    "处理能力",
    "响应速度",
    "能量密度",
    "转化率",
    "产品收率",
    "故障率",
)
_CHANGES = ("提高", "降低", "提升", "缩短", "减少")
_PAINS = ("稳定性差", "效率偏低", "成本较高", "长期依赖进口", "能耗偏高", "一致性不足", "自动化程度低")
_DELIVERABLES = ("技术方案", "工艺规范", "工程样机", "示范生产线", "软件系统", "成套装备", "检测标准")
_CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


_SENTENCE_END = re.compile(r"(?<=。)")
_checked_terms = 0


@cache
def _match_part(title: str, keywords: tuple[str, ...], text: str) -> str:
    return segmentation.match_terms(title=title, keywords=keywords, texts=(text,) if text else ())


def _match_terms(title: str, keywords: tuple[str, ...], texts: tuple[str, ...]) -> str:
    """The words the services store on publish (``segmentation.match_terms``), put together from parts
    segmented once each: the title with the keywords, and every sentence of the texts. jieba cuts at
    every 。, so a text's words are its sentences' words in turn; the first records are checked
    against the whole call."""
    global _checked_terms
    parts = [_match_part(title, keywords, "")]
    for text in texts:
        parts.extend(_match_part("", (), sentence) for sentence in _SENTENCE_END.split(text) if sentence)
    terms = " ".join(part for part in parts if part) or "-"
    if _checked_terms < 500:
        _checked_terms += 1
        whole = segmentation.match_terms(title=title, keywords=keywords, texts=texts) or "-"
        assert terms == whole, (title, terms, whole)
    return terms


class _MatchingText:
    """Titles, keywords and texts of offers and demands, field by field.

    Each field's vocabulary is the keywords of its demo achievements, demands and services and the
    terms of the domain dictionary that its demo texts use, drawn with Zipf-like weights (a few terms
    in many records, most in few); one keyword in ten comes from another field. The demo sentences
    are reused beside generated ones, and a rare detail (a model number, a county, a dictionary term
    no demo text uses) is added to most records."""

    def __init__(self, rng: random.Random, counties: list[str]):
        self.rng = rng
        self.counties = counties
        dictionary = [
            line.split()[0]
            for line in segmentation.DICTIONARY.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        self.vocabulary: dict[str, list[str]] = {}
        self.weights: dict[str, list[float]] = {}
        used: set[str] = set()
        for field, entries in ACHIEVEMENT_POOLS.items():
            demands = DEMAND_POOLS.get(field, ())
            services = [entry for entry in SERVICE_LISTINGS if entry.field == field]
            keywords = [word for entry in (*entries, *demands, *services) for word in entry.keywords.split()]
            text = "".join(
                [entry.title + entry.core for entry in entries]
                + [entry.title + entry.problem + entry.outcome for entry in demands]
                + [entry.title + entry.summary for entry in services]
            )
            terms = list(dict.fromkeys([*keywords, *(term for term in dictionary if term in text)]))
            rng.shuffle(terms)
            used.update(terms)
            self.vocabulary[field] = terms
            self.weights[field] = [1 / (place + 1) ** 0.9 for place in range(len(terms))]
        self.rare = [term for term in dictionary if term not in used]
        self.fields = list(ACHIEVEMENT_POOLS)

    def term(self, field: str) -> str:
        if self.rng.random() < 0.1:
            field = self.rng.choice(self.fields)
        return self.rng.choices(self.vocabulary[field], self.weights[field])[0]

    def keywords(self, field: str, seed: str, count: int) -> list[str]:
        words = list(dict.fromkeys(self.rng.sample(seed.split(), min(len(seed.split()), 2))))
        while len(words) < count:
            word = self.term(field)
            if word not in words:
                words.append(word)
        return words

    def rare_detail(self) -> str:
        rng = self.rng
        choice = rng.random()
        if choice < 0.3:
            code = "".join(rng.choices(_CODE_LETTERS, k=2))
            return f"产品型号{code}-{rng.randint(100, 9999)}。"
        if choice < 0.6:
            brand = rng.choice(_ENTERPRISE_PREFIXES) + rng.choice(("科", "创", "达", "华", "联", "信"))
            return f"已在{rng.choice(self.counties)}{brand}公司完成示范应用。"
        if choice < 0.85:
            return f"相关工作涉及{rng.choice(self.rare)}。"
        return f"已获授权发明专利{rng.randint(2, 30)}项。"

    def metric(self) -> str:
        rng = self.rng
        return f"{rng.choice(_METRICS)}{rng.choice(_CHANGES)}{rng.randint(5, 80)}%"

    def offer(self, field: str, trl: int) -> tuple[str, list[str], str]:
        """An achievement's (and its listing's) title, keywords and summary."""
        rng = self.rng
        entry = rng.choice(ACHIEVEMENT_POOLS[field])
        keywords = self.keywords(field, entry.keywords, rng.randint(2, 4))
        first, second = keywords[0], keywords[1]
        shape = rng.random()
        if shape < 0.3:
            title = f"{entry.title}{rng.choice(_TITLE_VARIANTS)}"
        elif shape < 0.55:
            title = f"{first}{second}{rng.choice(_OFFER_SUFFIXES)}"
        elif shape < 0.75:
            title = f"基于{first}的{second}{rng.choice(_OFFER_SUFFIXES)}"
        else:
            title = f"{rng.choice(_OFFER_ADJECTIVES)}{first}{rng.choice(_OFFER_SUFFIXES)}"
        core = entry.core if rng.random() < 0.6 else rng.choice(ACHIEVEMENT_POOLS[field]).core
        sentences = [core]
        shape = rng.random()
        if shape < 0.4:
            sentences.append(f"采用{first}与{self.term(field)}相结合的技术路线，{self.metric()}。")
        elif shape < 0.7:
            sentences.append(f"突破了{second}中的{self.term(field)}难题，关键指标达到国内先进水平。")
        else:
            sentences.append(f"围绕{first}开展系统研究，形成{self.term(field)}{rng.choice(_DELIVERABLES)}。")
        sentences.append(
            rng.choice(ACHIEVEMENT_READINESS[trl]).format(firms=rng.randint(3, 40), value=rng.randint(1, 9))
        )
        if rng.random() < 0.5:
            sentences.append(ACHIEVEMENT_APPLICATIONS[field])
        else:
            sentences.append(f"可应用于{self.term(field)}、{self.term(field)}等场景。")
        if rng.random() < 0.7:
            sentences.append(self.rare_detail())
        sentences.append(rng.choice((*ACHIEVEMENT_OFFERS, *_SUMMARY_TAILS)))
        return title[:200], keywords, "".join(sentences)

    def service(self, field: str) -> tuple[str, list[str], str]:
        """A standalone service or consulting listing of a transfer institution."""
        rng = self.rng
        entry = rng.choice(ACHIEVEMENT_POOLS[field])
        keywords = self.keywords(field, entry.keywords, rng.randint(2, 3))
        title = f"{keywords[0]}{rng.choice(_SERVICE_SUFFIXES)}"
        sentences = [
            f"面向{keywords[1]}相关企业提供{keywords[0]}{rng.choice(_SERVICE_SUFFIXES)}，"
            f"协助企业{self.metric()}。",
            f"服务团队长期从事{self.term(field)}和{self.term(field)}研究。",
        ]
        if rng.random() < 0.5:
            sentences.append(self.rare_detail())
        sentences.append(rng.choice(ACHIEVEMENT_OFFERS))
        return title[:200], keywords, "".join(sentences)

    def demand(self, field: str) -> tuple[str, list[str], str, str]:
        """A demand's title, keywords, problem and expected outcome: half written around one of the
        field's demo demands, half around one of its achievements' subjects."""
        rng = self.rng
        demands = DEMAND_POOLS.get(field) or ()
        if demands and rng.random() < 0.5:
            entry = rng.choice(demands)
            seed, title, problem, outcome = entry.keywords, entry.title, entry.problem, entry.outcome
        else:
            entry = rng.choice(ACHIEVEMENT_POOLS[field])
            seed, title, problem, outcome = entry.keywords, "", "", ""
        keywords = self.keywords(field, seed, rng.randint(2, 3))
        first, second = keywords[0], keywords[1]
        shape = rng.random()
        if not title or shape < 0.5:
            if shape < 0.3:
                title = f"{first}{rng.choice(_DEMAND_SUFFIXES)}"
            elif shape < 0.75:
                title = f"{first}{second}{rng.choice(_DEMAND_SUFFIXES)}"
            else:
                title = f"寻求{first}技术合作"
        if not problem or rng.random() < 0.4:
            if rng.random() < 0.5:
                problem = (
                    f"公司现有{first}工艺{rng.choice(_PAINS)}，{rng.choice(_METRICS)}与同行差距明显，"
                    "难以满足客户要求。"
                )
            else:
                problem = f"企业在{first}方面缺少核心技术，{self.term(field)}长期依赖外部采购。"
        if rng.random() < 0.6:
            problem += self.rare_detail()
        if not outcome or rng.random() < 0.4:
            outcome = f"{self.metric()}以上，形成可推广的{second}{rng.choice(_DELIVERABLES)}。"
        return title[:200], keywords, problem, outcome


class _MatchingMarket(_Market):
    """The market builder over the benchmark's own numbers of institutions and enterprises."""

    def __init__(self, rng: random.Random, *, sellers: int, enterprises: int):
        self.seller_count, self.enterprise_count = sellers, enterprises
        super().__init__(rng)
        counties = list(Region.objects.home().counties().values_list("name", flat=True))
        self.text = _MatchingText(rng, counties)
        self.field_codes = {pk: code for code, pk in self.fields.items()}
        self.industries = dict(
            Classification.objects.filter(
                scheme=ClassificationScheme.INDUSTRY, is_current=True, parent__isnull=True
            ).values_list("code", "pk")
        )

    def _sellers(self) -> list[Organisation]:
        institutions(self.seller_count)
        return list(
            Organisation.objects.filter(name__startswith="基准机构")
            .select_related("entity_type")
            .order_by("name")[: self.seller_count]
        )

    def _enterprises(self) -> list[Organisation]:
        existing = Organisation.objects.filter(name__startswith="基准企业").count()
        counties = list(Region.objects.home().counties().values_list("code", "name"))
        rows = []
        for index in range(existing, self.enterprise_count):
            code, county = self.rng.choice(counties)
            rows.append(
                Organisation(
                    name=f"基准企业{index:05d}·{county}{self.rng.choice(_ENTERPRISE_PREFIXES)}"
                    f"{self.rng.choice(_ENTERPRISE_SUFFIXES)}",
                    credit_code=make_credit_code(f"91{code}", f"BQ{index:06d}"),
                    kind=OrganisationKind.ENTERPRISE,
                    entity_type_id=self.entity_types[self.rng.choice(_ENTERPRISE_ENTITY_TYPES)],
                    region_id=code,
                    introduction=f"{county}的科技型企业，长期与高校院所开展产学研合作。",
                )
            )
        Organisation.objects.bulk_create(rows, batch_size=2000)
        return list(Organisation.objects.filter(name__startswith="基准企业").order_by("name"))

    def members(self) -> int:
        """One active staff member (no e-mail) for each seller and enterprise that has none, who is
        told of strong matches as their organisation's people are; returns how many were added."""
        from accounts.models import User

        staffed = set(
            Membership.objects.filter(role=MembershipRole.STAFF).values_list("organisation_id", flat=True)
        )
        organisations = [
            organisation
            for organisation in [*self.sellers, *self.enterprises]
            if organisation.pk not in staffed
        ]
        users = User.objects.bulk_create(
            [
                User(username=f"bench-member-{organisation.pk}", password=f"!{self.rng.getrandbits(64):x}")
                for organisation in organisations
            ],
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=user, organisation=organisation, role=MembershipRole.STAFF)
                for user, organisation in zip(users, organisations, strict=True)
            ],
            batch_size=2000,
        )
        return len(users)

    def industry(self, field: str) -> int | None:
        """A GB/T 4754 section of the field for most records; some leave it empty."""
        if self.rng.random() < 0.3:
            return None
        return self.industries.get(self.rng.choice(ACHIEVEMENT_INDUSTRIES[field]))

    def live_listings(self, count: int) -> list[Listing]:
        """``count`` listings in publicity or listed, with their achievements (standalone services and
        consulting have none), ``match_terms`` set as the services set them on publish."""
        modes, weights = zip(*_MODE_WEIGHTS.items(), strict=True)
        achievements, listings = [], []
        for _index in range(count):
            seller = self.rng.choice(self.sellers)
            mode = self.rng.choices(modes, weights)[0]
            status = ListingStatus.PUBLICITY if self.rng.random() < 0.2 else ListingStatus.ACTIVE
            listing = self._listing(seller, mode, status)
            if mode in SERVICE_MODES and self.rng.random() < 0.6:
                field = self.rng.choice(self.text.fields)
                listing.title, listing.keywords, listing.summary = self.text.service(field)
                listing.technology_field_id = self.fields[field]
            else:
                achievement = self._achievement(seller, listing)
                field = self.field_codes[achievement.technology_field_id]
                achievement.title, achievement.keywords, achievement.summary = self.text.offer(
                    field, achievement.trl
                )
                achievement.industry_id = self.industry(field)
                achievement.match_terms = _match_terms(
                    achievement.title, tuple(achievement.keywords), (achievement.summary,)
                )
                listing.title, listing.keywords = achievement.title, achievement.keywords
                listing.summary = achievement.summary
                listing.achievement = achievement
                achievements.append(achievement)
            listing.match_terms = _match_terms(listing.title, tuple(listing.keywords), (listing.summary,))
            listings.append(listing)
        Achievement.objects.bulk_create(achievements, batch_size=2000)
        for listing in listings:
            listing.achievement_id = listing.achievement.pk if listing.achievement else None
        return Listing.objects.bulk_create(listings, batch_size=2000)

    def open_demands(self, count: int) -> list[Demand]:
        """``count`` published demands answering by a future date, ``match_terms`` set."""
        rows = []
        for _index in range(count):
            enterprise = self.rng.choice(self.enterprises)
            field = self.rng.choice(self.text.fields)
            title, keywords, problem, outcome = self.text.demand(field)
            published_at = self.moment(self.days_ago(1, 120))
            budget_min = Decimal(self.rng.choice((5, 10, 20, 50, 100))) * 10_000
            rows.append(
                Demand(
                    enterprise=enterprise,
                    created_by=self.user,
                    status=DemandStatus.PUBLISHED,
                    title=title,
                    problem=problem,
                    expected_outcome=outcome,
                    keywords=keywords,
                    technology_field_id=self.fields[field],
                    industry_id=self.industry(field),
                    required_trl=self.rng.choice((None, 4, 5, 6, 7)),
                    budget_min=budget_min,
                    budget_max=budget_min * self.rng.choice((2, 3, 5)),
                    deadline=self.today + timedelta(days=self.rng.randint(15, 180)),
                    cooperation_mode=self.rng.choice(_DEMAND_MODES),
                    region_id=enterprise.region_id,
                    contact_name=self.rng.choice(_CONTACTS),
                    contact_phone=self.phone(),
                    submitted_at=published_at - timedelta(days=self.rng.randint(1, 7)),
                    published_at=published_at,
                    created_at=published_at - timedelta(days=self.rng.randint(8, 20)),
                    updated_at=published_at,
                    match_terms=_match_terms(title, tuple(keywords), (problem, outcome)),
                )
            )
        return Demand.objects.bulk_create(rows, batch_size=2000)


def matching(
    listings: int,
    demands: int,
    *,
    institutions_count: int = 2_000,
    enterprises: int = 5_000,
    seed: int = 2026,
    batch: int = 10_000,
    progress=None,
) -> dict[str, int]:
    """Grows the matching benchmark's market to ``listings`` live listings (in publicity or listed, of
    ``institutions_count`` transfer institutions across the 21 cities) and ``demands`` open demands (of
    ``enterprises`` enterprises, each organisation with a staff member, who is told of strong matches);
    returns what exists. Rows are bulk-created in batches of ``batch``,
    each with ``match_terms`` as the services store them, and without search vectors (matching does not
    read them). ``progress(done, total)`` is called after each batch. Running it again with the same
    sizes adds nothing."""
    live = Listing.objects.filter(status__in=(ListingStatus.PUBLICITY, ListingStatus.ACTIVE))
    existing = live.count()
    existing_demands = Demand.objects.open().count()
    rng = random.Random(seed * 1_000_003 + existing)
    with transaction.atomic(), _explicit_timestamps(_MARKET_MODELS):
        build = _MatchingMarket(rng, sellers=institutions_count, enterprises=enterprises)
        build.members()
        missing, missing_demands = max(0, listings - existing), max(0, demands - existing_demands)
        total, done = missing + missing_demands, 0
        for start in range(0, missing, batch):
            done += len(build.live_listings(min(batch, missing - start)))
            if progress:
                progress(done, total)
        for start in range(0, missing_demands, batch):
            done += len(build.open_demands(min(batch, missing_demands - start)))
            if progress:
                progress(done, total)
        build.save_serials()
    return {
        "listings": live.count(),
        "demands": Demand.objects.open().count(),
        "institutions": Organisation.objects.filter(name__startswith="基准机构").count(),
        "enterprises": Organisation.objects.filter(name__startswith="基准企业").count(),
        "members": Membership.objects.filter(user__username__startswith="bench-member-").count(),
    }
