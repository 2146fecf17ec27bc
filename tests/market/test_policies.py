"""The market's pure rules, tested without a database."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from achievements.choices import CooperationMode
from market import policies
from market.choices import ContractCategory, ContractSubType, DealStatus, ListingStatus

RULES_2000 = policies.RuleSet(
    code="most-2000",
    effective_from=date(2000, 2, 16),
    effective_to=date(2026, 1, 23),
    decision_days=30,
    application_window_days=30,
    categories=("development", "transfer", "licence", "consulting", "service"),
    statistical_categories={"licence": "transfer"},
)
RULES_2026 = policies.RuleSet(
    code="miit-2026",
    effective_from=date(2026, 1, 23),
    effective_to=None,
    decision_days=None,
    application_window_days=30,
    categories=("development", "transfer", "licence", "consulting", "service"),
    statistical_categories={},
)
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are compared in English (the Chinese comes from the catalogue)."""
    with translation.override("en"):
        yield


def facts(**overrides) -> policies.ContractFacts:
    values = {
        "category": ContractCategory.TRANSFER,
        "sub_type": ContractSubType.PATENT_RIGHT,
        "licence_scope": "",
        "signed_on": date(2026, 11, 1),
        "valid_from": date(2026, 11, 1),
        "valid_until": date(2028, 10, 31),
        "contract_amount": Decimal("1200000"),
        "non_technical_amount": Decimal("200000"),
        "expected_investment": Decimal("5000000"),
        "expected_output": Decimal("20000000"),
        "has_contract_file": True,
    }
    values.update(overrides)
    return policies.ContractFacts(**values)


# State machines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (ListingStatus.DRAFT, ListingStatus.PUBLICITY, True),
        (ListingStatus.DRAFT, ListingStatus.ACTIVE, False),
        (ListingStatus.PUBLICITY, ListingStatus.ACTIVE, True),
        (ListingStatus.PUBLICITY, ListingStatus.IN_DEAL, False),
        (ListingStatus.ACTIVE, ListingStatus.IN_DEAL, True),
        (ListingStatus.SOLD, ListingStatus.ACTIVE, False),
        (ListingStatus.WITHDRAWN, ListingStatus.PUBLICITY, False),
    ],
)
def test_listing_transitions(current, target, allowed):
    assert policies.can_move(policies.LISTING_TRANSITIONS, current, target) is allowed


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (DealStatus.NEGOTIATING, DealStatus.AGREED, True),
        (DealStatus.NEGOTIATING, DealStatus.SUBMITTED, False),
        (DealStatus.AGREED, DealStatus.SUBMITTED, True),
        (DealStatus.SUBMITTED, DealStatus.REGISTERED, True),
        (DealStatus.REJECTED, DealStatus.SUBMITTED, True),
        (DealStatus.REJECTED, DealStatus.REGISTERED, False),
        (DealStatus.REGISTERED, DealStatus.PERFORMED, True),
        (DealStatus.REGISTERED, DealStatus.CANCELLED, False),
        (DealStatus.PERFORMED, DealStatus.SUBMITTED, False),
    ],
)
def test_deal_transitions(current, target, allowed):
    assert policies.can_move(policies.DEAL_TRANSITIONS, current, target) is allowed


def test_every_status_has_an_entry_in_its_transition_table():
    assert set(policies.LISTING_TRANSITIONS) == set(ListingStatus.values)
    assert set(policies.DEAL_TRANSITIONS) == set(DealStatus.values)


# Publicity and signing ------------------------------------------------------------------------------


def test_publicity_lasts_the_given_calendar_days():
    assert policies.publicity_end(NOW, 15) == NOW + timedelta(days=15)


def test_signing_waits_for_the_publicity_to_end():
    reason = policies.signing_blocker(
        listing_status=ListingStatus.PUBLICITY,
        publicity_ends_at=NOW + timedelta(days=3),
        open_objections=0,
        now=NOW,
    )

    assert reason == (
        "The listing is still in its publicity period; the deal can be signed after 2026-12-01 18:00."
    )  # local time (Asia/Shanghai), not UTC


def test_an_open_objection_blocks_signing_even_after_publicity():
    reason = policies.signing_blocker(
        listing_status=ListingStatus.ACTIVE,
        publicity_ends_at=NOW - timedelta(days=1),
        open_objections=1,
        now=NOW,
    )

    assert reason.startswith("An objection to the listing is still open")


def test_an_active_listing_without_objections_may_be_signed():
    assert (
        policies.signing_blocker(
            listing_status=ListingStatus.ACTIVE,
            publicity_ends_at=NOW - timedelta(days=1),
            open_objections=0,
            now=NOW,
        )
        is None
    )


def test_a_deal_without_a_listing_has_nothing_to_wait_for():
    assert (
        policies.signing_blocker(listing_status=None, publicity_ends_at=None, open_objections=0, now=NOW)
        is None
    )


def test_a_withdrawn_listing_cannot_be_signed():
    reason = policies.signing_blocker(
        listing_status=ListingStatus.WITHDRAWN,
        publicity_ends_at=NOW - timedelta(days=9),
        open_objections=0,
        now=NOW,
    )

    assert reason == "The listing is no longer on the market."


# Amounts --------------------------------------------------------------------------------------------


def test_technical_amount_is_the_contract_amount_less_non_technical_costs():
    assert policies.technical_amount(Decimal("1200000.00"), Decimal("200000.00")) == Decimal("1000000.00")


@pytest.mark.parametrize(
    ("contract", "non_technical"),
    [(Decimal("100"), Decimal("101")), (Decimal("-1"), Decimal("0")), (Decimal("100"), Decimal("-5"))],
)
def test_impossible_amounts_are_refused(contract, non_technical):
    with pytest.raises(ValueError):
        policies.technical_amount(contract, non_technical)


@given(
    contract=st.decimals(min_value=0, max_value=10**11, places=2),
    share=st.decimals(min_value=0, max_value=1, places=4),
)
def test_technical_amount_never_exceeds_the_contract_or_goes_negative(contract, share):
    non_technical = (contract * share).quantize(Decimal("0.01"))
    non_technical = min(non_technical, contract)

    result = policies.technical_amount(contract, non_technical)

    assert Decimal(0) <= result <= contract
    assert result + non_technical == contract


def test_commission_by_basis():
    amount = Decimal("1200000")
    assert policies.commission(
        fee_basis="fixed", rate_percent=None, fee_amount=Decimal("30000"), contract_amount=amount
    ) == Decimal("30000")
    assert policies.commission(
        fee_basis="pct_of_contract", rate_percent=Decimal("3.5"), fee_amount=None, contract_amount=amount
    ) == Decimal("42000.00")
    assert (
        policies.commission(
            fee_basis="pct_of_received", rate_percent=Decimal("3"), fee_amount=None, contract_amount=amount
        )
        is None
    )


# Registration rules ---------------------------------------------------------------------------------


def test_the_rule_set_in_force_is_chosen_by_date():
    rule_sets = [RULES_2000, RULES_2026]

    assert policies.rule_set_in_force(rule_sets, date(2025, 12, 31)) is RULES_2000
    assert policies.rule_set_in_force(rule_sets, date(2026, 1, 22)) is RULES_2000
    assert policies.rule_set_in_force(rule_sets, date(2026, 1, 23)) is RULES_2026
    assert policies.rule_set_in_force(rule_sets, date(1999, 1, 1)) is None


def test_licences_count_as_transfers_under_the_2000_rules_only():
    assert policies.statistical_category(RULES_2000, ContractCategory.LICENCE) == ContractCategory.TRANSFER
    assert policies.statistical_category(RULES_2026, ContractCategory.LICENCE) == ContractCategory.LICENCE
    assert policies.statistical_category(RULES_2000, ContractCategory.SERVICE) == ContractCategory.SERVICE


def test_a_complete_transfer_contract_has_no_problems():
    assert policies.registration_problems(facts(), RULES_2026, date(2026, 11, 28)) == {}


def test_registration_problems_name_each_field():
    problems = policies.registration_problems(
        facts(
            sub_type=ContractSubType.TECHNICAL_TRAINING,
            signed_on=date(2026, 12, 5),
            expected_investment=None,
            has_contract_file=False,
        ),
        RULES_2026,
        date(2026, 11, 28),
    )

    assert set(problems) == {"sub_type", "signed_on", "expected_investment", "contract_file"}
    assert problems["contract_file"] == [
        "Attach the signed written contract; oral contracts cannot be registered."
    ]


def test_a_licence_must_say_its_scope():
    problems = policies.registration_problems(
        facts(category=ContractCategory.LICENCE, sub_type=ContractSubType.PATENT_LICENCE),
        RULES_2026,
        date(2026, 11, 28),
    )

    assert problems == {"licence_scope": ["Say whether the licence is exclusive, sole or ordinary."]}


def test_a_category_the_rule_set_does_not_register_is_refused():
    narrow = policies.RuleSet(**{**RULES_2026.__dict__, "categories": ("development", "transfer")})

    problems = policies.registration_problems(
        facts(category=ContractCategory.SERVICE, sub_type=ContractSubType.TECHNICAL_SERVICE),
        narrow,
        date(2026, 11, 28),
    )

    assert list(problems) == ["contract_category"]


def test_without_rules_in_force_nothing_can_be_registered():
    assert list(policies.registration_problems(facts(), None, date(1999, 1, 1))) == ["__all__"]


def test_a_late_application_is_flagged():
    assert policies.is_late_application(RULES_2026, date(2026, 10, 1), date(2026, 11, 28)) is True
    assert policies.is_late_application(RULES_2026, date(2026, 11, 1), date(2026, 11, 28)) is False


def test_the_decision_is_due_thirty_days_after_acceptance():
    assert policies.decision_due(date(2026, 11, 28), 30) == date(2026, 12, 28)
    assert policies.is_overdue(date(2026, 12, 28), date(2026, 12, 29)) is True
    assert policies.is_overdue(date(2026, 12, 28), date(2026, 12, 28)) is False
    assert policies.is_overdue(None, date(2026, 12, 28)) is False


def test_registration_numbers_have_sixteen_digits():
    number = policies.registration_number(region_code="510100", year=2026, serial=42)

    assert number == "2026510100000042"
    assert len(number) == 16 and number.isdigit()


@pytest.mark.parametrize(("region", "serial"), [("5101", 1), ("510100", 0), ("510100", 1_000_000)])
def test_impossible_registration_numbers_are_refused(region, serial):
    with pytest.raises(ValueError):
        policies.registration_number(region_code=region, year=2026, serial=serial)


@pytest.mark.parametrize(
    ("mode", "ip_type", "expected"),
    [
        (CooperationMode.TRANSFER, "invention_patent", ContractSubType.PATENT_RIGHT),
        (CooperationMode.TRANSFER, "software_copyright", ContractSubType.OTHER_IP_TRANSFER),
        (CooperationMode.TRANSFER, "none", ContractSubType.TECHNICAL_SECRET_TRANSFER),
        (CooperationMode.LICENCE_ORDINARY, "utility_model", ContractSubType.PATENT_LICENCE),
        (CooperationMode.LICENCE_EXCLUSIVE, "technical_secret", ContractSubType.TECHNICAL_SECRET_LICENCE),
        (CooperationMode.INVESTMENT, "invention_patent", ContractSubType.TECHNOLOGY_EQUITY),
    ],
)
def test_the_suggested_sub_type_follows_the_ip(mode, ip_type, expected):
    assert policies.category_for_mode(mode, ip_type)[1] == expected


@pytest.mark.parametrize("mode", CooperationMode.values)
def test_every_transaction_mode_suggests_a_consistent_contract(mode):
    category, sub_type, scope = policies.category_for_mode(mode)

    assert (
        policies.registration_problems(
            facts(category=category, sub_type=sub_type, licence_scope=scope), RULES_2026, date(2026, 11, 28)
        )
        == {}
    )
