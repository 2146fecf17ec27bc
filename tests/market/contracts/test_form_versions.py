"""Registrations bound to the form reviewed (issue 12, item 3): every change the applicant makes to the
registration form bumps its ``version``; the registrar's register form and API call name the version
the registrar reviewed, and a form changed since is not registered — 409 with what changed."""

from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator

from core.versions import StaleVersion
from market.choices import DealStatus
from market.models import ContractRegistration
from market.services import contracts as services
from tests.market import factories as market_factories
from tests.market.contracts.conftest import pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_registrar(chengdu_body):
    return market_factories.registrar_of(chengdu_body, "chengdu-registrar-2")


@pytest.fixture
def opened_version(submitted) -> int:
    """The version the registrar's page showed when the registrar opened the submitted form."""
    return submitted.version


@pytest.fixture
def changed_after_opening(submitted, opened_version, second_registrar, seller_user) -> ContractRegistration:
    """Meanwhile a colleague refuses it, and the applicant lowers the amount and submits it again."""
    services.contract_reject(actor=second_registrar, contract=submitted, reason="seals_defective")
    contract = services.contract_update(
        actor=seller_user, contract=submitted, data={"contract_amount": Decimal("900000.00")}
    )
    return services.contract_submit(actor=seller_user, contract=contract)


def reload(contract) -> ContractRegistration:
    return ContractRegistration.objects.select_related("deal").get(pk=contract.pk)


def test_the_applicants_changes_bump_the_version(contract, seller_user):
    first = contract.version

    updated = services.contract_update(
        actor=seller_user, contract=contract, data={"contract_amount": Decimal("900000.00")}
    )
    same = services.contract_update(
        actor=seller_user, contract=updated, data={"contract_amount": Decimal("900000.00")}
    )
    attached = services.contract_attach_file(actor=seller_user, contract=same, uploaded_file=pdf_file())

    assert (first, updated.version, same.version, attached.version) == (1, 2, 2, 3)


def test_a_form_changed_after_the_registrar_opened_it_is_not_registered(
    changed_after_opening, opened_version, registrar
):
    with pytest.raises(StaleVersion) as raised:
        services.contract_register(actor=registrar, contract=changed_after_opening, version=opened_version)

    assert (raised.value.code, raised.value.current_version) == ("form_changed", 2)
    assert [str(change) for change in raised.value.changes] == [
        "contract amount (yuan): 1,200,000.00 → 900,000.00"
    ]
    contract = reload(changed_after_opening)
    assert (contract.deal.status, contract.registration_number) == (DealStatus.SUBMITTED, None)


def test_the_current_version_is_registered(changed_after_opening, registrar):
    services.contract_register(actor=registrar, contract=changed_after_opening, version=2)

    contract = reload(changed_after_opening)
    assert (contract.deal.status, contract.contract_amount) == (DealStatus.REGISTERED, Decimal("900000.00"))


def test_a_stale_registration_through_the_api_is_a_409_with_what_changed(
    changed_after_opening, opened_version, client_as
):
    response = client_as("registrar").post(
        f"/api/v1/contracts/{changed_after_opening.pk}/register/",
        {"version": opened_version, "note": "核定"},
        format="json",
    )

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["current_version"]) == ("form_changed", 2)
    assert body["changes"] == [
        {
            "field": "contract_amount",
            "label": "contract amount (yuan)",
            "old": "1,200,000.00",
            "new": "900,000.00",
        }
    ]
    assert reload(changed_after_opening).registration_number is None


def test_the_api_requires_the_version_and_shows_it(submitted, client_as):
    office = client_as("registrar")

    shown = office.get(f"/api/v1/contracts/{submitted.pk}/").json()
    response = office.post(f"/api/v1/contracts/{submitted.pk}/register/", {"note": "核定"}, format="json")

    assert shown["version"] == 1
    assert (response.status_code, response.json()["fields"]) == (
        400,
        {"version": ["This field is required."]},
    )
    assert reload(submitted).registration_number is None


def test_the_register_form_carries_the_version_and_a_stale_one_is_a_409_page(
    changed_after_opening, opened_version, page_as
):
    client = page_as("registrar")

    page = client.get(f"/market/contracts/{changed_after_opening.pk}/").content.decode()
    response = client.post(
        f"/market/contracts/{changed_after_opening.pk}/register/",
        {
            "version": opened_version,
            "contract_category": "transfer",
            "sub_type": changed_after_opening.sub_type,
            "non_technical_amount": "200000",
            "note": "",
        },
    )

    content = response.content.decode()
    assert 'name="version" value="2"' in page
    assert response.status_code == 409
    assert "data-form-changed" in content
    assert "<del>1,200,000.00</del> → <ins>900,000.00</ins>" in content
    assert 'name="version" value="2"' in content  # the form to register what is shown now
    assert reload(changed_after_opening).registration_number is None


def test_the_schema_documents_the_409_of_registering():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/contracts/{id}/register/"]["post"]

    assert operation["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/StaleVersion"
    }
    assert "version" in schema["components"]["schemas"]["ContractRegisterInputRequest"]["required"]
