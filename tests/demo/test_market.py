"""``manage.py seed_demo`` builds a plausible demo market through the real services: listings in every
state, demands, inquiries, deals in every state and about 120 registered contracts over the 21 市(州)
and the years since 2021, then the off-platform registrations of those years (``demo.specs.registrations``,
checked in ``test_registrations``), imported; a second run creates nothing. The same market on any day: the specifications
are checked for today, 400 days later and another year, and CI runs this module with the clock 400 days
ahead too.

The specifications are checked without a database; the whole command runs (twice) once for the module,
because it files hundreds of records through the services.
"""

import re
from collections import Counter
from dataclasses import fields, replace
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from itertools import pairwise

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.test import override_settings
from django.utils import timezone, translation

from accounts.models import User
from demo import dates
from demo.specs import institutions as institution_specs
from demo.specs import market as market_specs
from demo.specs import registrations as registration_specs
from institutions.models import AuditEvent
from market import policies
from market.choices import (
    ContractSource,
    ContractStatus,
    DealStatus,
    DemandStatus,
    ListingStatus,
    NumberSource,
    PartyKind,
    RejectionReason,
)
from market.models import (
    ContractAmendment,
    ContractCancellation,
    ContractRegistration,
    Deal,
    DealBroker,
    Demand,
    IncomeCertification,
    Inquiry,
    InquiryMessage,
    Listing,
    ListingObjection,
    Match,
    MatchNotice,
    RegistrationCertificate,
)
from market.rules import contract_registration_refusal
from notifications.models import Notification
from tests.conftest import load_reference_data

TODAY = timezone.localdate()
SPECS = market_specs.market_specs(TODAY)
REGISTERED = [chain for chain in SPECS.chains if chain.is_registered]
IMPORTED = registration_specs.import_specs(TODAY)
CITY_CODES = {city.code for city in institution_specs.CITIES}
# Every year of the demo's history, on fixed dates; the recent contracts fall in the disclosure period.
YEARS = set(range(market_specs.FIRST_YEAR, dates.HISTORY_ENDS.year + 1))
# n working days never span fewer than n calendar days: a contract decided that recently is still disclosed.
RECENT_YEARS = {
    (TODAY - timedelta(days=days)).year for days in range(settings.MARKET_DISCLOSURE_WORKING_DAYS + 1)
}
DEAL_OUTCOMES = {"negotiating", "agreed", "submitted", "registered", "rejected", "performed", "cancelled"}


def city(key: str) -> str:
    return market_specs.city_of(market_specs.ORGANISATIONS[key].region)


def undated(spec):
    return replace(
        spec, **{field.name: None for field in fields(spec) if isinstance(getattr(spec, field.name), date)}
    )


# --- the specifications -------------------------------------------------------------------------------


def test_the_specifications_are_the_same_for_the_same_day():
    again = market_specs.market_specs(TODAY)

    assert again.listings == SPECS.listings
    assert again.demands == SPECS.demands
    assert again.chains == SPECS.chains
    assert again.inquiries == SPECS.inquiries


@pytest.mark.parametrize("day", [TODAY + timedelta(days=400), date(2031, 2, 28), dates.REFERENCE_DAY])
def test_on_any_other_day_only_the_recent_dates_move_with_today(day):
    other = market_specs.market_specs(day)

    for kind in ("listings", "demands", "chains", "inquiries"):
        mine, theirs = getattr(SPECS, kind), getattr(other, kind)
        assert [undated(spec) for spec in theirs] == [undated(spec) for spec in mine], kind
        for spec, moved in zip(mine, theirs, strict=True):
            for field in fields(spec):
                value = getattr(spec, field.name)
                if isinstance(value, date):
                    expected = value if value <= dates.HISTORY_ENDS else value - (TODAY - day)
                    assert getattr(moved, field.name) == expected, (kind, field.name)


def test_there_are_about_150_listings_70_demands_160_deals_and_60_further_inquiries():
    assert len(SPECS.listings) == 148
    assert len({spec.title for spec in SPECS.listings}) == 148
    assert len([spec for spec in SPECS.listings if not spec.achievement]) == 15
    assert len(SPECS.demands) == 70
    assert len(SPECS.chains) == 160
    assert Counter(chain.outcome for chain in SPECS.inquiries) == {"open": 40, "closed": 20}
    for chain in [*SPECS.chains, *SPECS.inquiries]:
        assert 2 <= len(chain.messages) <= 4


def test_a_deal_title_never_repeats_the_word_of_its_mode():
    assert market_specs.deal_title("动力电池检测分析服务", "technical_service") == "动力电池检测分析服务"
    assert market_specs.deal_title("锂电池回收工艺", "technical_service") == "锂电池回收工艺技术服务"
    for chain in SPECS.chains:
        title = market_specs.deal_title(chain.subject, chain.mode)
        for suffix in market_specs.MODE_SUFFIX.values():
            assert f"{suffix[-2:]}{suffix}" not in title, title


def test_every_deal_state_is_there_and_120_contracts_are_registered():
    outcomes = Counter(chain.outcome for chain in SPECS.chains)

    assert set(outcomes) == DEAL_OUTCOMES
    assert outcomes["registered"] + outcomes["performed"] == 120
    assert outcomes["performed"] >= 20
    assert {chain.rejection_reason for chain in SPECS.chains if chain.outcome == "rejected"} <= set(
        RejectionReason.values
    )
    assert any(chain.cancelled_after_signing for chain in SPECS.chains)
    assert any(not chain.cancelled_after_signing for chain in SPECS.chains if chain.outcome == "cancelled")


def test_registered_contracts_cover_all_21_cities_on_both_sides_and_every_year_since_2021():
    assert {city(chain.seller) for chain in REGISTERED} == {*CITY_CODES, "510000"}
    assert {city(chain.buyer) for chain in REGISTERED} == CITY_CODES
    assert {chain.decided_on.year for chain in REGISTERED if chain.decided_on <= dates.HISTORY_ENDS} == YEARS
    assert {chain.decided_on.year for chain in REGISTERED} <= YEARS | RECENT_YEARS
    recent = [
        chain
        for chain in REGISTERED
        if (TODAY - chain.decided_on).days <= settings.MARKET_DISCLOSURE_WORKING_DAYS
    ]
    assert len(recent) == market_specs.RECENT_REGISTERED


def test_amounts_and_dates_are_consistent():
    for chain in REGISTERED:
        technical = chain.amount - (
            chain.corrected_non_technical
            if chain.corrected_non_technical is not None
            else chain.non_technical
        )
        assert Decimal(10_000) <= chain.amount <= Decimal(60_000_000), chain.amount
        assert Decimal(0) < technical <= chain.amount
        assert (
            chain.opened_on <= chain.proposed_on <= chain.signed_on <= chain.submitted_on <= chain.decided_on
        )
        assert chain.decided_on <= TODAY
        if chain.outcome == "performed":
            assert chain.decided_on < chain.performed_on < TODAY
            assert Decimal(0) < chain.certified_income <= technical
    with_costs = [chain for chain in REGISTERED if chain.non_technical or chain.corrected_non_technical]
    assert len(with_costs) >= 10
    assert max(chain.amount for chain in REGISTERED) >= Decimal(10_000_000)
    assert min(chain.amount for chain in REGISTERED) < Decimal(100_000)


def test_no_listing_that_takes_one_deal_is_sold_twice():
    """A listing in 转让, 独占许可, 排他许可 or 作价投资 has one signed deal at a time: the periods its deals
    held it (signed until cancelled, or for good) never overlap."""
    modes = {listing.title: listing.mode for listing in SPECS.listings}
    held: dict[str, list[tuple[date, date]]] = {}
    for chain in SPECS.chains:
        if chain.listing and chain.signed_on and policies.takes_one_deal(modes[chain.listing]):
            end = chain.cancelled_on if chain.outcome == "cancelled" else date.max
            held.setdefault(chain.listing, []).append((chain.signed_on, end))
    overlapping = []
    for title, periods in held.items():
        periods.sort()
        overlapping += [title for (_, end), (start, _) in pairwise(periods) if start < end]

    assert overlapping == []
    assert len(held) >= 20  # the rule is exercised: many such listings have a deal signed


# --- the command ----------------------------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    return {
        "listings": Listing.objects.count(),
        "objections": ListingObjection.objects.count(),
        "demands": Demand.objects.count(),
        "inquiries": Inquiry.objects.count(),
        "messages": InquiryMessage.objects.count(),
        "deals": Deal.objects.count(),
        "brokers": DealBroker.objects.count(),
        "contracts": ContractRegistration.objects.count(),
        "matches": list(
            Match.objects.order_by("pk").values_list("pk", "score", "demand_rank", "listing_rank")
        ),
        "match_notices": MatchNotice.objects.count(),
        "users": User.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def _seed() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """``seed_demo`` run twice for this module and committed, as the command commits (one transaction per
    record). Afterwards the database is emptied, as after a transactional test, and the reference
    tables are loaded again for the tests that follow. The signed contracts go to a temporary folder."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        try:
            first = _seed()
            before = _row_counts()
            second = _seed()
            yield {"first": first, "second": second, "before": before, "after": _row_counts()}
        finally:
            call_command("flush", interactive=False, verbosity=0)
            load_reference_data()


def test_the_command_reports_what_it_created_and_the_new_logins(db, seeded):
    assert seeded["first"].startswith("Demo data: 300 achievements created, ")
    assert "148 listings created" in seeded["first"]
    assert "160 deals created" in seeded["first"]
    assert "120 contracts registered" in seeded["first"]
    assert f"{len(IMPORTED)} off-platform registrations imported" in seeded["first"]
    for username in ("registrar", "registrar-cd", "enterprise-cd"):
        assert f"\n{username} " in seeded["first"]


def test_a_second_run_creates_nothing(db, seeded):
    assert seeded["after"] == seeded["before"]
    assert seeded["second"].startswith("Demo data: already in place, nothing changed.")


def test_every_open_demand_gets_recommended_offers_with_their_reasons(db, seeded):
    open_demands = Demand.objects.open()
    with_offers = open_demands.filter(matches__demand_rank__isnull=False).distinct()

    assert with_offers.count() == open_demands.count()
    assert Match.objects.filter(listing_rank__isnull=False).values("listing_id").distinct().count() >= 20
    assert all(match.matched_terms for match in Match.objects.filter(demand_rank=1))


def test_the_market_has_the_specified_records_in_every_state(db, seeded):
    deal_statuses = Counter(Deal.objects.values_list("status", flat=True))
    expected = Counter(chain.outcome for chain in SPECS.chains)

    assert deal_statuses == {DealStatus(outcome): count for outcome, count in expected.items()}
    assert set(Listing.objects.values_list("status", flat=True)) == set(ListingStatus.values)
    assert set(Demand.objects.values_list("status", flat=True)) == set(DemandStatus.values)
    assert Listing.objects.count() == len(SPECS.listings)
    assert Demand.objects.count() == len(SPECS.demands)
    assert Inquiry.objects.count() == len(SPECS.chains) + len(SPECS.inquiries)
    assert Counter(ListingObjection.objects.values_list("status", flat=True)) == {
        "open": 3,
        "dismissed": 3,
        "upheld": 2,
    }
    assert DealBroker.objects.count() == sum(len(chain.brokers) for chain in SPECS.chains)
    assert set(DealBroker.objects.values_list("role", flat=True)) == {
        "intermediary",
        "commission_agent",
        "agent",
    }


def test_each_listing_that_takes_one_deal_has_at_most_one_signed_deal_holding_it(db, seeded):
    signed = Counter(
        Deal.objects.signed()
        .filter(listing__transaction_mode__in=policies.SINGLE_DEAL_MODES)
        .values_list("listing_id", flat=True)
    )
    holders = Counter(
        Deal.objects.filter(exclusive_listing__isnull=False).values_list("exclusive_listing_id", flat=True)
    )

    assert signed and max(signed.values()) == 1
    assert holders == signed


def test_registered_contracts_spread_over_cities_and_years_with_16_digit_numbers(db, seeded):
    contracts = (
        ContractRegistration.objects.registered()
        .filter(source=ContractSource.DEAL)
        .select_related("deal", "registration_body")
    )

    assert contracts.count() == 120
    assert {contract.seller_region_code[:4] + "00" for contract in contracts} == {*CITY_CODES, "510000"}
    assert {contract.buyer_region_code[:4] + "00" for contract in contracts} == CITY_CODES
    history = contracts.filter(registered_at__date__lte=dates.HISTORY_ENDS)
    assert {timezone.localtime(contract.registered_at).year for contract in history} == YEARS
    assert {timezone.localtime(contract.registered_at).year for contract in contracts} <= YEARS | RECENT_YEARS
    numbers = [contract.registration_number for contract in contracts]
    assert len(set(numbers)) == 120
    for contract in contracts:
        number = contract.registration_number
        assert re.fullmatch(r"\d{16}", number), number
        assert number[:4] == str(timezone.localtime(contract.registered_at).year), number
        assert number[4:10] == contract.registration_body.region_id, number
        assert contract.technical_amount == contract.contract_amount - contract.non_technical_amount
        assert contract.disclosure_starts_on == timezone.localtime(contract.registered_at).date()
        assert contract.signed_on == contract.deal.signed_on
    assert contracts.filter(technical_amount__lt=F("contract_amount")).count() >= 10


def test_contracts_follow_the_rules_in_force_when_they_were_submitted(db, seeded):
    submitted = ContractRegistration.objects.filter(submitted_at__isnull=False).select_related("rule_set")
    switch = date(2026, 1, 23)

    for contract in submitted:
        day = timezone.localtime(contract.submitted_at).date()
        assert contract.rule_set.code == ("most-2000" if day < switch else "miit-2026"), day
        assert contract.due_on == policies.decision_due(day, 30)


def test_nothing_in_the_demo_market_is_dated_after_now(db, seeded):
    now = timezone.now()
    today = timezone.localdate()

    for objection in ListingObjection.objects.all():
        assert objection.created_at <= now, objection.created_at
        assert objection.resolved_at is None or objection.created_at <= objection.resolved_at <= now
    for listing in Listing.objects.exclude(published_at=None):
        assert listing.created_at <= listing.published_at <= now, listing.title
    for deal in Deal.objects.all():
        assert deal.created_at <= now and deal.updated_at <= now, deal.title
        assert deal.signed_on is None or deal.signed_on <= today, deal.title
    for contract in ContractRegistration.objects.exclude(registered_at=None):
        assert contract.submitted_at <= contract.registered_at <= now, contract.registration_number
        assert contract.signed_on <= today
        # Disclosed (成交公示) are the platform's deals only.
        if contract.source == ContractSource.DEAL:
            assert contract.disclosure_starts_on <= today
        else:
            assert contract.disclosure_starts_on is None
    assert not Demand.objects.filter(published_at__gt=now).exists()
    assert not Inquiry.objects.filter(created_at__gt=now).exists()
    assert not InquiryMessage.objects.filter(created_at__gt=now).exists()


def test_no_title_on_the_disclosure_board_repeats_its_mode(db, seeded):
    titles = list(ContractRegistration.objects.values_list("project_name", flat=True)) + list(
        Deal.objects.values_list("title", flat=True)
    )

    assert "动力电池检测分析服务技术服务" not in titles
    for title in titles:
        for word in ("服务", "咨询", "开发", "转让", "许可", "投资"):
            assert f"{word}技术{word}" not in title and f"{word}{word}" not in title, title


def test_a_few_registered_deals_are_on_the_disclosure_board_today(db, seeded):
    assert ContractRegistration.objects.disclosed().count() == market_specs.RECENT_REGISTERED


def test_every_certificate_in_force_prints_its_contracts_number_and_day(db, seeded):
    from market.models import RegistrationCertificate

    certificates = RegistrationCertificate.objects.filter(superseded_at__isnull=True).select_related(
        "contract"
    )

    assert certificates.exists()
    for certificate in certificates:
        contract = certificate.contract
        assert certificate.snapshot["registration_number"] == contract.registration_number, contract
        registered_on = timezone.localtime(contract.registered_at).date().isoformat()
        assert certificate.snapshot["registered_on"] == registered_on, contract


def test_performed_deals_have_certified_income_and_refused_ones_a_coded_reason(db, seeded):
    performed = ContractRegistration.objects.filter(deal__status=DealStatus.PERFORMED).select_related("deal")
    refused = ContractRegistration.objects.filter(deal__status=DealStatus.REJECTED)

    assert performed.count() == Counter(chain.outcome for chain in SPECS.chains)["performed"]
    for contract in performed:
        assert Decimal(0) < contract.certified_income <= contract.technical_amount
        assert contract.deal.performed_on > timezone.localtime(contract.registered_at).date()
    assert refused.count() == 6
    assert set(refused.values_list("rejection_reason", flat=True)) <= set(RejectionReason.values)
    assert not refused.filter(rejection_reason=RejectionReason.OTHER, rejection_note="").exists()


def test_the_demo_registrars_have_contracts_in_their_queues(db, seeded):
    chengdu = ContractRegistration.objects.filter(registration_body__name="成都市技术合同认定登记站")
    province = ContractRegistration.objects.filter(registration_body__name="四川省技术合同认定登记中心")

    assert chengdu.registered().count() >= 5
    assert province.registered().count() >= 1
    registrar = User.objects.get(username="registrar-cd")
    assert set(chengdu.values_list("registrar", flat=True)) - {None} == {registrar.pk}


def test_the_seed_leaves_no_notifications_and_is_audited_as_seed_demo(db, seeded):
    # The registration rule sets are reference data, loaded before the seed.
    events = AuditEvent.objects.filter(pgh_obj_model__startswith="market.").exclude(
        pgh_obj_model="market.RegistrationRuleSet"
    )

    assert Notification.objects.count() == 0
    assert set(events.values_list("pgh_context__source", flat=True)) == {"seed_demo"}


# --- the off-platform registrations ----------------------------------------------------------------------


def test_the_off_platform_registrations_are_imported_with_their_national_numbers(db, seeded):
    imported = ContractRegistration.objects.filter(source=ContractSource.IMPORT)

    assert imported.count() == len(IMPORTED)
    assert set(imported.values_list("registration_number", flat=True)) == {
        spec.registration_number for spec in IMPORTED
    }
    assert not imported.exclude(number_source=NumberSource.NATIONAL).exists()
    assert not imported.exclude(national_number=F("registration_number")).exists()
    assert not imported.filter(deal__isnull=False).exists()
    assert not imported.filter(registrar__isnull=True).exists()
    cancelled = imported.filter(status=ContractStatus.CANCELLED)
    assert cancelled.count() == len([spec for spec in IMPORTED if not spec.is_counted])
    assert not cancelled.filter(registrar_note="").exists()
    assert set(imported.values_list("status", flat=True)) == {
        ContractStatus.REGISTERED,
        ContractStatus.CANCELLED,
    }
    # The platform's own numbers are year + the body's region code: never one of these.
    platform_numbers = ContractRegistration.objects.filter(number_source=NumberSource.PLATFORM)
    assert not platform_numbers.filter(registration_number__regex=r"^\d{4}9").exists()


def test_imported_rows_are_valid_registrations_of_every_kind_of_party(db, seeded):
    imported = ContractRegistration.objects.filter(source=ContractSource.IMPORT).order_by("pk")
    sample = {}
    for contract in imported:
        sample.setdefault((contract.seller_kind, contract.buyer_kind, contract.status), contract)

    assert {kind for _seller, kind, _status in sample} == set(PartyKind.values)
    for contract in sample.values():
        contract.full_clean()
        if contract.seller_kind == PartyKind.PLATFORM:
            assert contract.applicant_id == contract.seller_organisation_id
        else:
            assert contract.applicant_id is None


def test_registrations_go_to_the_body_of_the_sellers_city_and_its_registrar(db, seeded):
    imported = ContractRegistration.objects.filter(source=ContractSource.IMPORT).select_related(
        "registration_body"
    )
    chengdu_registrar = User.objects.get(username="registrar-cd")

    for contract in imported:
        body_region = contract.registration_body.region_id
        assert body_region in (contract.seller_region_code[:4] + "00", "510000"), contract.registration_number
    chengdu = imported.filter(registration_body__region_id="510100")
    assert chengdu.count() > 100
    assert set(chengdu.values_list("registrar", flat=True)) == {chengdu_registrar.pk}


def test_most_contracts_of_every_year_are_off_the_platform_and_the_years_add_up_as_planned(db, seeded):
    """Each year of the history: 技术合同成交额 of the registered contracts (on the platform or off it) is
    the province's over the demo's scale, so the years stand in the ratio of the province's figures."""
    totals: dict[int, Decimal] = Counter()
    sources: dict[int, Counter] = {year: Counter() for year in registration_specs.PROVINCE_TOTALS}
    history = ContractRegistration.objects.registered().filter(registered_at__date__lte=dates.HISTORY_ENDS)
    for registered_at, amount, source in history.values_list("registered_at", "contract_amount", "source"):
        year = timezone.localtime(registered_at).year
        totals[year] += amount
        sources[year][source] += 1

    for year in registration_specs.PROVINCE_TOTALS:
        assert totals[year] == registration_specs.planned_total(year), year
        assert sources[year][ContractSource.IMPORT] > 5 * sources[year][ContractSource.DEAL], year
    assert totals[2021] == Decimal("1396700000")


def test_buyers_are_in_other_provinces_abroad_and_natural_persons(db, seeded):
    registered = ContractRegistration.objects.registered()
    other_provinces = registered.filter(buyer_kind=PartyKind.ORGANISATION).exclude(
        buyer_region_code__startswith="51"
    )
    foreign = registered.filter(buyer_kind=PartyKind.FOREIGN)
    persons = registered.filter(buyer_kind=PartyKind.PERSON)

    assert other_provinces.count() > registered.count() / 4
    assert {"31", "11", "44", "50", "33", "32"} <= {
        code[:2] for code in other_provinces.values_list("buyer_region_code", flat=True)
    }
    assert foreign.exists() and not foreign.filter(buyer_name_original="").exists()
    assert not foreign.filter(buyer_country_code="142").exists()
    assert persons.exists() and not persons.filter(buyer_id_number="").exists()
    assert set(persons.values_list("buyer_entity_type", flat=True)) == {"400"}


# --- the registration journey of the demo logins ------------------------------------------------------

JOURNEY = {spec.project_name: spec for spec in registration_specs.journey_specs(TODAY)}


def _journey(title_start: str) -> ContractRegistration:
    (title,) = [title for title in JOURNEY if title.startswith(title_start)]
    return ContractRegistration.objects.get(
        project_name=title, source__in=(ContractSource.DIRECT, ContractSource.PAPER)
    )


def test_the_transfer_office_sees_its_registrations_and_their_history(db, seeded, client):
    client.force_login(User.objects.get(username="scu-admin"))
    office = ContractRegistration.objects.filter(applicant__name="四川大学技术转移中心")

    journey = office.filter(project_name__in=JOURNEY)
    assert journey.count() == len(JOURNEY) - 1  # the paper application is another seller's
    assert set(journey.values_list("status", flat=True)) == {
        ContractStatus.DRAFT,
        ContractStatus.SUBMITTED,
        ContractStatus.REGISTERED,
        ContractStatus.CANCELLED,
    }
    assert set(journey.values_list("source", flat=True)) == {ContractSource.DIRECT}
    assert set(journey.values_list("buyer_kind", flat=True)) == {
        PartyKind.ORGANISATION,
        PartyKind.FOREIGN,
        PartyKind.PERSON,
    }
    foreign = journey.get(buyer_kind=PartyKind.FOREIGN)
    assert (foreign.buyer_country_code, foreign.buyer_name_original) == ("304", "Hansa Medizintechnik GmbH")
    shanghai = journey.get(status=ContractStatus.SUBMITTED)
    assert (shanghai.buyer_kind, shanghai.buyer_region_code) == (PartyKind.ORGANISATION, "310104")
    # Imported history: the office sells technical services in its own name.
    imported = office.filter(source=ContractSource.IMPORT)
    assert imported.count() >= 5
    assert set(imported.values_list("contract_category", flat=True)) == {"service"}

    direct = client.get("/market/contracts/", {"source": "direct"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    history = client.get("/market/contracts/", {"source": "import"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert direct.status_code == history.status_code == 200
    for contract in journey:
        assert contract.project_name in direct.content.decode()
    assert imported.order_by("-created_at", "-pk").first().project_name in history.content.decode()


def test_the_natural_persons_identity_number_is_masked_on_the_contract_page(db, seeded, client):
    contract = ContractRegistration.objects.get(
        applicant__name="四川大学技术转移中心", buyer_kind=PartyKind.PERSON, source=ContractSource.DIRECT
    )
    client.force_login(User.objects.get(username="scu-staff"))

    page = client.get(f"/market/contracts/{contract.pk}/").content.decode()

    assert contract.buyer_id_number not in page
    assert policies.mask_id_number(contract.buyer_id_number) in page


def test_the_chengdu_registrars_queue_holds_the_direct_and_the_paper_application(db, seeded, client):
    registrar = User.objects.get(username="registrar-cd")
    direct = _journey("骨科植入物")
    paper = _journey("重组胶原蛋白")
    client.force_login(registrar)

    page = client.get("/market/registration/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert direct.status == paper.status == ContractStatus.SUBMITTED
    assert paper.source == ContractSource.PAPER and paper.applicant is None
    assert paper.seller_kind == PartyKind.ORGANISATION and paper.seller_region_code.startswith("5101")
    assert direct.project_name in page and paper.project_name in page
    # Entered by the station's other registrar: registrar-cd may decide it, who entered it may not.
    assert paper.prepared_by.username == registration_specs.PAPER_REGISTRAR
    assert paper.prepared_by.memberships.filter(
        organisation=paper.registration_body, role="official", is_active=True
    ).exists()
    assert contract_registration_refusal(paper.prepared_by, paper) is not None
    assert contract_registration_refusal(registrar, paper) is None
    assert contract_registration_refusal(registrar, direct) is None


def test_a_certificate_of_the_demo_verifies_as_valid(db, seeded, client):
    contract = _journey("锂电池正极材料")
    certificate = RegistrationCertificate.objects.get(contract=contract, superseded_at=None)

    page = client.get(f"/verify/{certificate.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert contract.status == ContractStatus.REGISTERED
    assert contract.declared_technical_amount == Decimal("680000")
    assert contract.technical_amount == Decimal("598000")  # corrected by the registrar
    assert page.status_code == 200
    assert page.context["verification"].outcome == "valid"
    assert contract.registration_number in page.content.decode()


def test_the_lifecycle_pages_have_income_a_correction_and_a_cancellation(db, seeded):
    certified = _journey("医学影像")
    amended = _journey("钠离子电池")
    cancelled = _journey("页岩气压裂")

    assert list(IncomeCertification.objects.filter(contract=certified).values_list("year", flat=True)) == [
        2024,
        2025,
    ]
    assert certified.certified_income == Decimal("1040000")
    assert certified.registration_number.startswith("2024510100")
    amendment = ContractAmendment.objects.get(contract=amended)
    assert amendment.reason and amendment.changes["contract_amount"] == ["300000.00", "360000.00"]
    certificates = RegistrationCertificate.objects.filter(contract=amended).order_by("pk")
    assert [c.superseded_at is None for c in certificates] == [False, True]
    assert cancelled.status == ContractStatus.CANCELLED
    assert ContractCancellation.objects.get(contract=cancelled).note


def test_separation_of_duties_holds_in_the_journey(db, seeded):
    registrar = User.objects.get(username="registrar-cd")
    contracts = ContractRegistration.objects.filter(project_name__in=JOURNEY)

    assert contracts.count() == len(JOURNEY)
    for contract in contracts.exclude(registrar=None):
        assert contract.registrar == registrar
        assert registrar.pk not in (contract.prepared_by_id, contract.submitted_by_id)
        assert contract_registration_refusal(registrar, contract) is None
    for contract in contracts.exclude(submitted_by=None):
        assert contract.submitted_by_id == contract.prepared_by_id


def test_nothing_in_the_journey_is_dated_after_now(db, seeded):
    now = timezone.now()
    contracts = ContractRegistration.objects.filter(project_name__in=JOURNEY)

    for contract in contracts:
        assert contract.created_at <= now and contract.updated_at <= now, contract.project_name
        assert contract.signed_on <= TODAY
        if contract.submitted_at:
            assert contract.created_at <= contract.submitted_at <= now
        if contract.registered_at:
            assert contract.submitted_at <= contract.registered_at <= now
    assert not IncomeCertification.objects.filter(contract__in=contracts, certified_at__gt=now).exists()
    assert not ContractAmendment.objects.filter(contract__in=contracts, created_at__gt=now).exists()
    assert not ContractCancellation.objects.filter(contract__in=contracts, cancelled_at__gt=now).exists()
    assert not RegistrationCertificate.objects.filter(contract__in=contracts, issued_at__gt=now).exists()
