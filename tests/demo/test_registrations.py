"""The registrations ``seed_demo`` imports (``demo.specs.registrations``): contracts made off the
platform, registered in Sichuan since 2021, so that each year looks like a real province's (most
contracts off the platform, a third of the buyers outside Sichuan, a few abroad or natural persons) and
adds up to the province's 技术合同成交额 over the demo's scale. Checked without a database; the seeded
rows are checked in ``test_market`` (which runs the command once for the module).
"""

import re
from collections import Counter, defaultdict
from dataclasses import fields, replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from stdnum.cn import ric

from demo import dates
from demo.specs import market as market_specs
from demo.specs import registrations as registration_specs
from demo.specs.institutions import CITIES
from institutions import codes as institution_codes
from institutions.identifiers import is_valid_credit_code
from market.choices import SUB_TYPE_CATEGORY, ContractCategory, PartyKind
from market.models.contracts import CHINA_COUNTRY_CODE

TODAY = timezone.localdate()
SPECS = registration_specs.import_specs(TODAY)
COUNTED = [spec for spec in SPECS if spec.is_counted]
YEARS = list(registration_specs.PROVINCE_TOTALS)
JOURNEY = registration_specs.journey_specs(TODAY)
PLATFORM = [
    chain
    for chain in market_specs.market_specs(TODAY).chains
    if chain.is_registered and chain.decided_on <= dates.HISTORY_ENDS
]


def test_the_import_is_the_same_on_any_day_it_is_seeded():
    """All of it is history: neither a date nor anything else moves with today."""
    for day in (TODAY + timedelta(days=400), date(2031, 2, 28), dates.REFERENCE_DAY):
        assert registration_specs.import_specs(day) == SPECS


def test_nothing_is_dated_after_the_history_and_the_dates_are_in_order():
    for spec in SPECS:
        assert spec.signed_on < spec.submitted_on < spec.registered_on <= dates.HISTORY_ENDS
        assert 1 <= spec.validity_years <= 3
        assert spec.cancelled_on is None or spec.registered_on < spec.cancelled_on <= dates.HISTORY_ENDS
    assert {spec.registered_on.year for spec in SPECS} == set(YEARS)
    assert min(spec.registered_on for spec in SPECS).year == dates.FIRST_YEAR


def test_most_contracts_of_every_year_are_registered_off_the_platform():
    imported = Counter(spec.registered_on.year for spec in COUNTED)
    on_platform = Counter(chain.decided_on.year for chain in PLATFORM)
    on_platform.update(spec.registered_on.year for spec in JOURNEY if spec.is_counted)

    for year in YEARS:
        assert imported[year] > 5 * on_platform[year], year
        # The demo holds 1/SCALE of the province's contracts, those made on the platform included.
        assert imported[year] + on_platform[year] == registration_specs.PROVINCE_COUNTS[year] // 100
    assert len(SPECS) > 1000


def test_each_year_adds_up_to_the_provinces_total_over_the_scale():
    """技术合同成交额 (合同金额) of the contracts registered in the year, on the platform or off it."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for spec in COUNTED:
        totals[spec.registered_on.year] += spec.amount
    for chain in PLATFORM:
        totals[chain.decided_on.year] += chain.amount
    for spec in JOURNEY:
        if spec.is_counted:
            totals[spec.registered_on.year] += spec.final_amount

    assert registration_specs.SCALE == 100
    assert totals[2021] == Decimal("1396700000")  # 1396.7亿 / 100
    assert totals[2023] > Decimal("1900000000")  # 突破1900亿
    for year in YEARS:
        assert totals[year] == registration_specs.planned_total(year), year
    ratios = [totals[year] / totals[2021] for year in YEARS]
    expected = [Decimal(str(registration_specs.PROVINCE_TOTALS[year] / 1396.7)) for year in YEARS]
    assert [round(ratio, 4) for ratio in ratios] == [round(ratio, 4) for ratio in expected]


def test_technical_services_and_developments_lead_the_mix():
    by_count = Counter(spec.category for spec in SPECS)
    by_amount: Counter = Counter()
    for spec in SPECS:
        by_amount[spec.category] += spec.amount

    assert {category for category, _ in by_count.most_common(2)} == {
        ContractCategory.SERVICE,
        ContractCategory.DEVELOPMENT,
    }
    assert {category for category, _ in by_amount.most_common(2)} == {
        ContractCategory.SERVICE,
        ContractCategory.DEVELOPMENT,
    }
    assert set(by_count) == set(ContractCategory.values)
    for spec in SPECS:
        assert SUB_TYPE_CATEGORY[spec.sub_type] == spec.category
        assert bool(spec.licence_scope) == (spec.category == ContractCategory.LICENCE)


def test_a_third_of_the_buyers_are_outside_sichuan_a_few_abroad_a_few_persons():
    kinds = Counter(spec.buyer.kind for spec in SPECS)
    outside = [
        spec for spec in SPECS if spec.buyer.kind == PartyKind.FOREIGN or spec.buyer.region_code[:2] != "51"
    ]
    other_provinces = [
        spec for spec in SPECS if spec.buyer.region_code and spec.buyer.region_code[:2] != "51"
    ]

    assert 0.30 <= len(outside) / len(SPECS) <= 0.40
    assert 0.01 <= kinds[PartyKind.FOREIGN] / len(SPECS) <= 0.06
    assert 0.01 <= kinds[PartyKind.PERSON] / len(SPECS) <= 0.07
    assert kinds[PartyKind.PLATFORM] and kinds[PartyKind.ORGANISATION]
    provinces = {spec.buyer.region_code[:2] for spec in other_provinces}
    assert {"31", "11", "44", "50", "33", "32"} <= provinces  # 上海, 北京, 广东, 重庆, 浙江, 江苏
    countries = {spec.buyer.country_code for spec in SPECS if spec.buyer.kind == PartyKind.FOREIGN}
    assert {"304", "116", "132", "502"} <= countries


def test_every_party_is_filled_in_as_its_kind_requires():
    for spec in SPECS:
        for party in (spec.seller, spec.buyer):
            assert party.name and re.fullmatch(r"\d{3}", party.entity_type), party
            if party.kind == PartyKind.PLATFORM:
                assert party.organisation in market_specs.ORGANISATIONS
            else:
                assert party.organisation == ""
            if party.kind in (PartyKind.PLATFORM, PartyKind.ORGANISATION):
                assert is_valid_credit_code(party.credit_code), party
                assert re.fullmatch(r"\d{6}", party.region_code) and party.country_code == CHINA_COUNTRY_CODE
                assert party.id_number == party.name_original == ""
            elif party.kind == PartyKind.FOREIGN:
                assert party.country_code != CHINA_COUNTRY_CODE and re.fullmatch(r"\d{3}", party.country_code)
                assert party.name_original and party.name_original != party.name
                assert party.region_code == party.credit_code == party.id_number == ""
                assert party.entity_type == "300"
            else:
                assert party.kind == PartyKind.PERSON
                assert ric.is_valid(party.id_number), party.id_number
                assert party.region_code == party.id_number[:6] and party.entity_type == "400"
                assert party.credit_code == "" and 2 <= len(party.name) <= 3
        # The applicant (seller side) is in Sichuan.
        assert spec.seller.region_code.startswith("51")
        assert spec.seller.kind in (PartyKind.PLATFORM, PartyKind.ORGANISATION)


def test_registration_goes_to_the_body_of_the_sellers_city():
    bodies = Counter(spec.body for spec in SPECS)

    assert set(bodies) == {"sc_registration", *(f"{city.code}_registration" for city in CITIES)}
    assert bodies.most_common(1)[0][0] == "510100_registration"
    for spec in SPECS:
        body = market_specs.ORGANISATIONS[spec.body]
        assert body.kind == "registration_body"
        if spec.seller.region_code == "510000":
            assert spec.body == "sc_registration"
        else:
            assert body.region == spec.seller.region_code[:4] + "00"


def test_numbers_are_16_digits_unique_and_never_of_the_platforms_pattern():
    """The platform's own are year + the body's GB/T 2260 code + serial; no region code starts with 9."""
    numbers = [spec.registration_number for spec in SPECS]

    assert len(set(numbers)) == len(numbers)
    for spec in SPECS:
        number = spec.registration_number
        assert re.fullmatch(r"\d{16}", number), number
        assert number[:4] == str(spec.registered_on.year)
        assert number[4] == "9"
        assert number[5:9] == market_specs.ORGANISATIONS[spec.body].region[:4]


def test_amounts_are_consistent_and_spread_like_a_real_registry():
    amounts = sorted(spec.amount for spec in SPECS)

    for spec in SPECS:
        assert Decimal(0) < spec.technical_amount <= spec.amount
        assert spec.amount % 1000 == 0 and spec.non_technical % 1000 == 0
    deducted = [spec for spec in SPECS if spec.non_technical]
    assert 0.05 <= len(deducted) / len(SPECS) <= 0.3
    # Lognormal: a few large contracts carry much of the value, most are small.
    median = amounts[len(amounts) // 2]
    assert Decimal(200_000) < median < Decimal(3_000_000)
    assert sum(amounts[-len(amounts) // 10 :]) > sum(amounts) / 2
    assert amounts[0] < Decimal(100_000) and amounts[-1] > Decimal(50_000_000)
    persons = [spec.amount for spec in SPECS if spec.buyer.kind == PartyKind.PERSON]
    assert max(persons) < Decimal(1_000_000)


def test_a_few_registrations_were_cancelled_with_a_reason():
    cancelled = [spec for spec in SPECS if not spec.is_counted]

    assert len(cancelled) == registration_specs.CANCELLED_PER_YEAR * len(YEARS)
    assert all(spec.cancel_note for spec in cancelled)
    assert not any(spec.cancel_note for spec in COUNTED)


@pytest.mark.django_db
def test_the_form_codes_are_of_the_jj001_lists():
    """Every code the demo writes is in the code list institutions loads from its dated file."""
    lists = {
        scheme: {code for code, _label in institution_codes.code_choices(scheme)}
        for scheme in ("plan_category", "socio_economic_goal", "trade_subject", "entity_type", "country")
    }
    for spec in SPECS:
        assert spec.plan_category in lists["plan_category"]
        assert spec.socio_economic_goal in lists["socio_economic_goal"]
        assert spec.trade_subject in lists["trade_subject"]
        for party in (spec.seller, spec.buyer):
            assert party.entity_type in lists["entity_type"], party
            assert party.country_code in lists["country"], party
            if party.region_code:
                assert institution_codes.region_is_valid(party.region_code), party
    subjects = {spec.seller.entity_type: spec.trade_subject for spec in SPECS}
    assert subjects.get("022") == "3" and subjects.get("021") == "2" and subjects.get("150") == "1"


@pytest.mark.parametrize("seed", range(5))
def test_a_synthetic_identity_number_passes_the_national_checks(seed):
    import random

    region, number = registration_specs.identity_number(random.Random(seed))

    assert ric.is_valid(number) and number.startswith(region)


def test_no_title_repeats_the_word_of_its_kind():
    for spec in SPECS:
        for word in ("服务", "咨询", "开发", "转让", "许可", "投资"):
            assert f"{word}技术{word}" not in spec.project_name and f"{word}{word}" not in spec.project_name


def test_transfer_offices_sell_technical_services_in_their_own_name():
    offices = [spec for spec in SPECS if spec.seller.organisation.endswith("_office")]

    assert {spec.seller.organisation for spec in offices} >= {"scu_office", "uestc_office", "swjtu_office"}
    assert {spec.sub_type for spec in offices} <= set(registration_specs.OFFICE_SUB_TYPES)
    assert len([spec for spec in offices if spec.seller.organisation == "scu_office"]) >= 5


@pytest.mark.parametrize("day", [TODAY + timedelta(days=400), date(2031, 2, 28), dates.REFERENCE_DAY])
def test_the_journey_is_the_same_on_any_day_only_its_recent_dates_move(day):
    other = registration_specs.journey_specs(day)

    def undated(spec):
        return replace(
            spec, **{f.name: None for f in fields(spec) if isinstance(getattr(spec, f.name), date)}
        )

    assert [undated(spec) for spec in other] == [undated(spec) for spec in JOURNEY]
    for spec, moved in zip(JOURNEY, other, strict=True):
        for field in fields(spec):
            value = getattr(spec, field.name)
            if isinstance(value, date):
                expected = value if value <= dates.HISTORY_ENDS else value - (TODAY - day)
                assert getattr(moved, field.name) == expected, field.name


def test_nothing_in_the_journey_is_dated_after_today_and_registrations_lie_in_the_history():
    for spec in JOURNEY:
        days = [getattr(spec, f.name) for f in fields(spec) if isinstance(getattr(spec, f.name), date)]
        assert max(days) <= TODAY, spec.project_name
        assert spec.signed_on <= spec.opened_on
        assert spec.submitted_on is None or spec.opened_on <= spec.submitted_on
        if spec.registered_on is not None:
            assert spec.submitted_on < spec.registered_on <= dates.HISTORY_ENDS
        for income in spec.incomes:
            assert spec.signed_on <= income.performed_on < income.certified_on <= dates.HISTORY_ENDS
    assert {spec.outcome for spec in JOURNEY} == {"draft", "submitted", "registered"}
    assert {spec.buyer.kind for spec in JOURNEY} == {
        PartyKind.ORGANISATION,
        PartyKind.FOREIGN,
        PartyKind.PERSON,
    }
    assert all(ric.is_valid(spec.buyer.id_number) for spec in JOURNEY if spec.buyer.kind == PartyKind.PERSON)
