"""Separation of duties in contract registration (issue 12, item 1): a registrar may not register,
refuse or certify a contract of a party they work for, or one they prepared or submitted themselves."""

from decimal import Decimal

import pytest
from django.utils import timezone

from institutions.choices import MembershipRole
from institutions.roles import forget_roles
from institutions.rules import SeparationOfDuties
from market.actions import CONTRACT_ACTIONS
from market.choices import DealStatus, RejectionReason
from market.services import contract_lifecycle as lifecycle
from market.services import contracts as services
from tests import factories
from tests.market import factories as market_factories
from tests.market.contracts.conftest import pdf_file

pytestmark = pytest.mark.django_db


def completed_form(actor, deal):
    """The registration form prepared and completed through the services, as the seller would."""
    contract = services.contract_prepare(actor=actor, deal=deal)
    contract = services.contract_update(
        actor=actor,
        contract=contract,
        data={
            "technology_field": market_factories.technology_field("03"),
            "expected_investment": Decimal("5000000"),
            "expected_output": Decimal("20000000"),
        },
    )
    return services.contract_attach_file(actor=actor, contract=contract, uploaded_file=pdf_file())


def _decide(decision: str, actor, contract):
    if decision == "register":
        return services.contract_register(actor=actor, contract=contract, version=contract.version)
    return services.contract_reject(
        actor=actor, contract=contract, reason=RejectionReason.OTHER, note="材料不全"
    )


@pytest.mark.parametrize("decision", ["register", "reject"])
@pytest.mark.parametrize("party", ["seller", "buyer"])
def test_a_registrar_working_for_a_party_may_not_decide(request, decision, party, submitted, registrar):
    factories.MembershipFactory(
        user=registrar, organisation=request.getfixturevalue(party), role=MembershipRole.STAFF
    )

    with pytest.raises(SeparationOfDuties) as refusal:
        _decide(decision, registrar, submitted)

    assert refusal.value.code == "own_organisation"
    submitted.refresh_from_db()
    assert (submitted.deal.status, submitted.registrar, submitted.registration_number) == (
        DealStatus.SUBMITTED,
        None,
        None,
    )
    assert CONTRACT_ACTIONS.allowed(registrar, submitted) == []


def test_a_platform_admin_who_prepared_and_submitted_a_contract_may_not_register_it(
    deal, chengdu_body, registrar, platform_admin
):
    contract = completed_form(platform_admin, deal)
    services.contract_submit(actor=platform_admin, contract=contract)

    with pytest.raises(SeparationOfDuties) as refusal:
        services.contract_register(actor=platform_admin, contract=contract, version=contract.version)

    assert refusal.value.code == "own_submission"
    contract.refresh_from_db()
    assert (contract.prepared_by, contract.submitted_by, contract.deal.status) == (
        platform_admin,
        platform_admin,
        DealStatus.SUBMITTED,
    )
    assert "register" not in CONTRACT_ACTIONS.allowed(platform_admin, contract)
    assert CONTRACT_ACTIONS.allowed(registrar, contract) == ["register", "reject"]


def test_certifying_the_income_is_refused_to_a_registrar_who_joined_a_party(submitted, registrar, seller):
    registered = services.contract_register(actor=registrar, contract=submitted, version=submitted.version)
    factories.MembershipFactory(user=registrar, organisation=seller, role=MembershipRole.STAFF)
    forget_roles(registrar)  # the factory bypasses the service, which would forget them

    with pytest.raises(SeparationOfDuties) as refusal:
        lifecycle.income_certify(
            actor=registrar, contract=registered, amount=Decimal("1000000"), performed_on=timezone.localdate()
        )

    assert refusal.value.code == "own_organisation"
    registered.refresh_from_db()
    assert (registered.certified_income, registered.deal.status) == (None, DealStatus.REGISTERED)


def test_the_api_refuses_with_the_code(client_as, submitted, registrar, seller):
    factories.MembershipFactory(user=registrar, organisation=seller, role=MembershipRole.STAFF)

    response = client_as("registrar").post(f"/api/v1/contracts/{submitted.pk}/register/", {}, format="json")

    assert (response.status_code, response.json()["code"]) == (403, "own_organisation")
    submitted.refresh_from_db()
    assert submitted.deal.status == DealStatus.SUBMITTED
