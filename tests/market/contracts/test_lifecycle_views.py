"""The registered contract's page: the correction history, income by year, the second check and the
registrar's forms, by role and body; the API's actions; the page's query count with several
corrections and certifications."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from market.choices import ContractStatus
from market.models import ContractRegistration
from market.services import contract_lifecycle as lifecycle
from market.services import contracts as services
from tests.market.contracts.conftest import submitted_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(submitted, registrar):
    return services.contract_register(actor=registrar, contract=submitted, version=submitted.version)


def page(contract) -> str:
    return f"/market/contracts/{contract.pk}/"


def test_the_registrar_corrects_on_the_page(page_as, registered):
    client = page_as("registrar")
    data = {
        f"amend-{name}": value
        for name, value in client.get(page(registered)).context["amend_form"].initial.items()
    }
    data = {key: "" if value is None else str(value) for key, value in data.items()}
    data.update({"amend-technical_amount": "600000.00", "amend-reason": "核减技术交易额"})

    response = client.post(f"{page(registered)}amend/", data)

    assert response.status_code == 302
    content = client.get(page(registered)).content.decode()
    assert "data-amendment" in content and "核减技术交易额" in content
    assert ContractRegistration.objects.get(pk=registered.pk).technical_amount == Decimal("600000.00")


def test_a_bad_correction_shows_the_error(page_as, registered):
    client = page_as("registrar")
    response = client.post(f"{page(registered)}amend/", {"amend-reason": ""})
    assert response.status_code == 400
    assert response.context["amend_form"].errors


@pytest.mark.parametrize(
    "path", ["amend/", "cancel/", "certify-income/", "national-number/", "second-check/"]
)
@pytest.mark.parametrize(
    ("who", "status"), [("seller_user", 403), ("other_registrar", 404), ("buyer_user", 403)]
)
def test_only_the_body_s_registrars_post(page_as, registered, path, who, status):
    assert page_as(who).post(f"{page(registered)}{path}", {}).status_code == status
    assert ContractRegistration.objects.get(pk=registered.pk).status == ContractStatus.REGISTERED


def test_cancel_and_certify_on_the_page(page_as, registered):
    client = page_as("registrar")
    year = timezone.localdate().year
    assert (
        client.post(
            f"{page(registered)}certify-income/", {"income-year": year, "income-amount": "1000"}
        ).status_code
        == 302
    )
    assert f'data-income-year="{year}"' in client.get(page(registered)).content.decode()
    assert client.post(f"{page(registered)}cancel/", {"cancel-reason": "duplicate"}).status_code == 302
    assert "data-cancellation" in client.get(page(registered)).content.decode()


def test_the_api_corrects_cancels_and_certifies(client_as, registered):
    office = client_as("registrar")
    url = f"/api/v1/contracts/{registered.pk}/"

    bad = office.post(f"{url}amend/", {"technical_amount": "9999999.00", "reason": "x"}, format="json")
    assert bad.status_code == 400 and "technical_amount" in bad.json()["fields"]
    amended = office.post(
        f"{url}amend/", {"project_name": "更正后的项目", "reason": "名称有误"}, format="json"
    )
    assert amended.status_code == 200
    body = amended.json()
    assert body["amendments"][0]["changes"]["project_name"][1] == "更正后的项目"
    assert body["certificate"]["code"]
    certified = office.post(
        f"{url}certify-income/",
        {"year": timezone.localdate().year, "certified_income": "1000.00"},
        format="json",
    ).json()
    assert certified["income_certifications"][0]["amount"] == "1000.00"
    assert office.post(f"{url}national-number/", {"national_number": "12"}, format="json").status_code == 400
    cancelled = office.post(f"{url}cancel/", {"reason": "duplicate"}, format="json").json()
    assert (cancelled["status"], cancelled["cancellation"]["reason"]) == ("cancelled", "duplicate")
    assert (
        client_as("seller_user").post(f"{url}cancel/", {"reason": "duplicate"}, format="json").status_code
        == 403
    )


def test_the_api_second_check_refuses_the_same_registrar(client_as, deal, chengdu_body, registrar):
    contract = submitted_contract(deal, chengdu_body, tax_exemption_claimed=True)
    services.contract_register(actor=registrar, contract=contract, version=contract.version)

    response = client_as("registrar").post(
        f"/api/v1/contracts/{contract.pk}/second-check/", {"confirmed": True}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (403, "same_registrar")


def test_the_second_check_is_a_to_do_of_another_registrar(page_as, deal, chengdu_body, registrar):
    from market.selectors.contract_lifecycle import second_check_queue
    from tests.market import factories as market_factories

    other = market_factories.registrar_of(chengdu_body, "chengdu-registrar-2")
    contract = submitted_contract(deal, chengdu_body, tax_exemption_claimed=True)
    services.contract_register(actor=registrar, contract=contract, version=contract.version)

    assert list(second_check_queue(actor=other)) == [ContractRegistration.objects.get(pk=contract.pk)]
    assert list(second_check_queue(actor=registrar)) == []


def _page_queries(client, contract) -> int:
    client.get(page(contract))  # warm up per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page(contract)).status_code == 200
    return len(queries)


def test_the_page_query_count_does_not_grow_with_corrections_and_certifications(
    page_as, deal, chengdu_body, registrar, seller, buyer, seller_user
):
    from datetime import date

    from tests.market import factories as market_factories

    client = page_as("registrar")
    counts = []
    for many in (1, 3):
        today = timezone.localdate()
        signed = date(today.year - 2, 1, 5)
        contract = submitted_contract(
            market_factories.deal(seller, buyer, seller_user),
            chengdu_body,
            signed_on=signed,
            valid_from=signed,
            valid_until=date(today.year, 12, 31),
        )
        services.contract_register(actor=registrar, contract=contract, version=contract.version)
        for index in range(many):
            lifecycle.contract_amend(
                actor=registrar,
                contract=contract,
                data={"project_name": f"项目{index}"},
                reason=f"第{index}次",
            )
            lifecycle.income_certify(
                actor=registrar, contract=contract, year=today.year - 2 + index, amount=Decimal("1000")
            )
        counts.append(_page_queries(client, contract))

    assert counts[0] == counts[1]
