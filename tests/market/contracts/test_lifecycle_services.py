"""A registered contract's life (DOMAIN §2.3): corrections (变更) with their history and a new
certificate, cancellation (注销), the second check (复核) of a contract seeking tax exemption with its
separation of duties, income certified per year (技术性收入核定) with the sum cap and the year bounds,
and the number in the national system."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from institutions.rules import SeparationOfDuties
from market.choices import ContractStatus, DealStatus
from market.models import ContractRegistration, IncomeCertification, RegistrationCertificate, SecondCheck
from market.services import contract_lifecycle as lifecycle
from market.services import contracts as services
from notifications.models import Notification
from tests.market import factories as market_factories
from tests.market.contracts.conftest import submitted_contract

pytestmark = pytest.mark.django_db


def reload(contract) -> ContractRegistration:
    return ContractRegistration.objects.get(pk=contract.pk)


@pytest.fixture
def registered(submitted, registrar):
    return services.contract_register(actor=registrar, contract=submitted, version=submitted.version)


@pytest.fixture
def second_registrar(chengdu_body):
    return market_factories.registrar_of(chengdu_body, "chengdu-registrar-2")


# --- Corrections (变更) -----------------------------------------------------------------------------


def test_a_correction_keeps_what_changed_and_why_and_reissues_the_certificate(registered, registrar):
    first = RegistrationCertificate.objects.get(contract=registered)

    amendment = lifecycle.contract_amend(
        actor=registrar,
        contract=registered,
        data={"technical_amount": Decimal("800000"), "project_name": "新名称"},
        reason="技术交易额核减",
    )

    contract = reload(registered)
    assert contract.technical_amount == Decimal("800000.00")
    assert amendment.changes == {
        "project_name": [registered.project_name, "新名称"],
        "technical_amount": ["1000000.00", "800000.00"],
    }
    assert (amendment.reason, amendment.registrar) == ("技术交易额核减", registrar)
    first.refresh_from_db()
    assert first.superseded_at is not None
    current = RegistrationCertificate.objects.get(contract=contract, superseded_at__isnull=True)
    assert current.code != first.code
    assert current.snapshot["technical_amount"] == "800000.00"
    assert apps.get_model("market", "ContractAmendmentEvent").objects.filter(pgh_obj_id=amendment.pk).exists()
    assert Notification.objects.filter(verb="contract.amended").exists()


def test_changing_the_amounts_recomputes_the_technical_amount(registered, registrar):
    lifecycle.contract_amend(
        actor=registrar,
        contract=registered,
        data={"non_technical_amount": Decimal("300000")},
        reason="设备费",
    )

    assert reload(registered).technical_amount == Decimal("900000.00")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"technical_amount": Decimal("1200001")}, "technical_amount"),
        ({"non_technical_amount": Decimal("1300000")}, "non_technical_amount"),
        ({"sub_type": "feasibility"}, "sub_type"),
        ({"valid_until": date(2000, 1, 1)}, "valid_until"),
    ],
)
def test_a_correction_obeys_the_rules_of_registration(registered, registrar, data, field):
    with pytest.raises(ValidationError) as error:
        lifecycle.contract_amend(actor=registrar, contract=registered, data=data, reason="更正")

    assert field in error.value.message_dict
    assert not registered.amendments.exists()


def test_a_correction_needs_a_reason_and_a_change(registered, registrar):
    with pytest.raises(ValidationError) as error:
        lifecycle.contract_amend(
            actor=registrar, contract=registered, data={"project_name": "新"}, reason=" "
        )
    assert error.value.message_dict == {"reason": ["Give the reason."]}
    with pytest.raises(ValidationError) as error:
        lifecycle.contract_amend(
            actor=registrar, contract=registered, data={"project_name": registered.project_name}, reason="无"
        )
    assert error.value.messages == ["Nothing was changed: correct at least one field."]


@pytest.mark.parametrize("who", ["other_registrar", "seller_user", "buyer_user", "chengdu_official"])
def test_only_a_registrar_of_the_body_corrects(request, registered, who):
    with pytest.raises(PermissionDenied):
        lifecycle.contract_amend(
            actor=request.getfixturevalue(who), contract=registered, data={"project_name": "新"}, reason="x"
        )


def test_a_submitted_contract_cannot_be_corrected_this_way(submitted, registrar):
    with pytest.raises(ValidationError) as error:
        lifecycle.contract_amend(actor=registrar, contract=submitted, data={"project_name": "新"}, reason="x")

    assert error.value.code == "illegal_transition"


# --- Cancellation (注销) ----------------------------------------------------------------------------


def test_a_cancelled_registration_is_neither_counted_nor_disclosed(registered, registrar):
    assert ContractRegistration.objects.disclosed().filter(pk=registered.pk).exists()

    cancellation = lifecycle.contract_cancel(
        actor=registrar, contract=registered, reason="terminated", note="双方解除合同"
    )

    contract = reload(registered)
    assert contract.status == ContractStatus.CANCELLED
    assert (cancellation.reason, cancellation.cancelled_by) == ("terminated", registrar)
    assert not ContractRegistration.objects.registered().filter(pk=contract.pk).exists()
    assert not ContractRegistration.objects.disclosed().filter(pk=contract.pk).exists()
    assert Notification.objects.filter(verb="contract.cancelled").exists()
    with pytest.raises(ValidationError):
        lifecycle.contract_cancel(actor=registrar, contract=contract, reason="terminated")


def test_cancelling_for_another_reason_needs_a_note(registered, registrar):
    with pytest.raises(ValidationError) as error:
        lifecycle.contract_cancel(actor=registrar, contract=registered, reason="other")
    assert error.value.message_dict == {"note": ["Give the reason."]}
    with pytest.raises(ValidationError):
        lifecycle.contract_cancel(actor=registrar, contract=registered, reason="whatever")
    assert reload(registered).status == ContractStatus.REGISTERED


def test_the_seller_cannot_cancel(registered, seller_user):
    with pytest.raises(PermissionDenied):
        lifecycle.contract_cancel(actor=seller_user, contract=registered, reason="applicant_request")


# --- Second check (复核) -----------------------------------------------------------------------------


@pytest.fixture
def exempt(deal, chengdu_body, registrar):
    contract = submitted_contract(deal, chengdu_body, tax_exemption_claimed=True)
    return services.contract_register(actor=registrar, contract=contract, version=contract.version)


def test_a_contract_seeking_exemption_waits_for_a_second_check(exempt, registered_check=None):
    assert SecondCheck.objects.get(contract=exempt).status == "pending"


def test_a_contract_not_seeking_exemption_has_no_second_check(registered):
    assert not SecondCheck.objects.filter(contract=registered).exists()


def test_the_registrar_who_registered_it_may_not_check_it(exempt, registrar):
    with pytest.raises(SeparationOfDuties) as refusal:
        lifecycle.second_check_decide(actor=registrar, contract=exempt, confirmed=True)

    assert refusal.value.code == "same_registrar"
    assert SecondCheck.objects.get(contract=exempt).status == "pending"


def test_another_registrar_confirms_or_refuses_with_a_note(exempt, second_registrar):
    with pytest.raises(ValidationError) as error:
        lifecycle.second_check_decide(actor=second_registrar, contract=exempt, confirmed=False)
    assert error.value.message_dict == {"note": ["Give the reason."]}

    check = lifecycle.second_check_decide(
        actor=second_registrar, contract=exempt, confirmed=False, note="非技术转让"
    )

    assert (check.status, check.checked_by, check.note) == ("refused", second_registrar, "非技术转让")
    with pytest.raises(ValidationError):
        lifecycle.second_check_decide(actor=second_registrar, contract=exempt, confirmed=True)


def test_a_conflicted_registrar_may_not_check(exempt, second_registrar, seller):
    from institutions.choices import MembershipRole
    from institutions.roles import forget_roles
    from tests import factories

    factories.MembershipFactory(user=second_registrar, organisation=seller, role=MembershipRole.STAFF)
    forget_roles(second_registrar)

    with pytest.raises(SeparationOfDuties) as refusal:
        lifecycle.second_check_decide(actor=second_registrar, contract=exempt, confirmed=True)

    assert refusal.value.code == "own_organisation"


def test_only_development_and_transfer_contracts_may_seek_exemption(contract, seller_user):
    contract.contract_category, contract.sub_type = "consulting", "feasibility"
    contract.save()

    with pytest.raises(ValidationError) as error:
        services.contract_update(actor=seller_user, contract=contract, data={"tax_exemption_claimed": True})

    assert "tax_exemption_claimed" in error.value.message_dict


# --- Income per year (技术性收入核定) -------------------------------------------------------------------


@pytest.fixture
def multi_year(deal, chengdu_body, registrar):
    today = timezone.localdate()
    signed = date(today.year - 1, 3, 1)
    contract = submitted_contract(
        deal, chengdu_body, signed_on=signed, valid_from=signed, valid_until=date(today.year + 2, 12, 31)
    )
    return services.contract_register(actor=registrar, contract=contract, version=contract.version)


def test_income_is_certified_year_by_year_and_totalled(multi_year, registrar):
    this_year = timezone.localdate().year
    lifecycle.income_certify(
        actor=registrar, contract=multi_year, year=this_year - 1, amount=Decimal("400000")
    )
    contract = reload(multi_year)
    assert contract.deal.status == DealStatus.PERFORMED  # at the first certification
    first_at = contract.certified_at

    latest = lifecycle.income_certify(
        actor=registrar, contract=multi_year, year=this_year, amount=Decimal("500000"), note="第二年"
    )

    contract = reload(multi_year)
    assert contract.certified_income == Decimal("900000.00")
    assert contract.certified_at == latest.certified_at >= first_at
    assert list(IncomeCertification.objects.filter(contract=contract).values_list("year", flat=True)) == [
        this_year - 1,
        this_year,
    ]


def test_the_years_together_never_exceed_the_contract_amount(multi_year, registrar):
    this_year = timezone.localdate().year
    lifecycle.income_certify(
        actor=registrar, contract=multi_year, year=this_year - 1, amount=Decimal("1000000")
    )

    with pytest.raises(ValidationError) as error:
        lifecycle.income_certify(
            actor=registrar, contract=multi_year, year=this_year, amount=Decimal("200001")
        )

    assert error.value.message_dict == {
        "amount": [
            "With the 1000000.00 yuan already certified, the total would exceed the contract amount "
            "(1200000.00 yuan)."
        ]
    }
    assert reload(multi_year).certified_income == Decimal("1000000.00")


@pytest.mark.parametrize("offset", [-2, 1])
def test_a_year_outside_the_contract_or_in_the_future_is_refused(multi_year, registrar, offset):
    this_year = timezone.localdate().year
    with pytest.raises(ValidationError) as error:
        lifecycle.income_certify(
            actor=registrar, contract=multi_year, year=this_year + offset, amount=Decimal("1")
        )

    assert error.value.message_dict == {
        "year": [f"The year must lie between {this_year - 1} and {this_year}."]
    }


def test_a_year_past_the_validity_is_refused(deal, chengdu_body, registrar):
    today = timezone.localdate()
    signed = date(today.year - 3, 1, 10)
    contract = submitted_contract(
        deal, chengdu_body, signed_on=signed, valid_from=signed, valid_until=date(today.year - 2, 6, 30)
    )
    services.contract_register(actor=registrar, contract=contract, version=contract.version)

    with pytest.raises(ValidationError) as error:
        lifecycle.income_certify(actor=registrar, contract=contract, year=today.year - 1, amount=Decimal("1"))

    assert error.value.message_dict == {
        "year": [f"The year must lie between {today.year - 3} and {today.year - 2}."]
    }


def test_a_year_is_certified_once(multi_year, registrar):
    year = timezone.localdate().year
    lifecycle.income_certify(actor=registrar, contract=multi_year, year=year, amount=Decimal("1"))

    with pytest.raises(ValidationError) as error:
        lifecycle.income_certify(actor=registrar, contract=multi_year, year=year, amount=Decimal("1"))

    assert error.value.message_dict == {"year": [f"The income of {year} has already been certified."]}


# --- The national number --------------------------------------------------------------------------


def test_the_national_number_is_recorded_beside_ours(registered, registrar):
    lifecycle.contract_record_national_number(
        actor=registrar, contract=registered, national_number="2026 5101 0400 0123"
    )

    contract = reload(registered)
    assert (contract.national_number, contract.number_source) == ("2026510104000123", "platform")
    assert (
        RegistrationCertificate.objects.get(contract=contract, superseded_at__isnull=True).snapshot[
            "national_number"
        ]
        == "2026510104000123"
    )


@pytest.mark.parametrize("number", ["12345", "abcdefghijklmnop", ""])
def test_a_malformed_national_number_is_refused(registered, registrar, number):
    with pytest.raises(ValidationError) as error:
        lifecycle.contract_record_national_number(
            actor=registrar, contract=registered, national_number=number
        )

    assert error.value.message_dict == {
        "national_number": ["A number of the national system has exactly 16 digits."]
    }


def test_the_seller_cannot_record_a_national_number(registered, seller_user):
    with pytest.raises(PermissionDenied):
        lifecycle.contract_record_national_number(
            actor=seller_user, contract=registered, national_number="2026510104000123"
        )


def test_registration_moves_forward_today(registered):
    assert reload(registered).registered_at.date() <= timezone.now().date() + timedelta(days=1)
