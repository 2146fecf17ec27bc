"""The contract-registration API: preparing, editing, attaching, submitting, registering, refusing and
certifying with the permission matrix (nothing changes on denial), the registrar's queue, the public
disclosure board and rule sets, and query counts that do not grow with the rows."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from institutions.roles import actor_roles
from market.choices import DealStatus
from market.models import ContractRegistration
from market.services import contracts as services
from tests import factories
from tests.market import factories as market_factories
from tests.market.contracts.conftest import pdf_file, submitted_contract

pytestmark = pytest.mark.django_db

URL = "/api/v1/contracts/"
DISCLOSURES = "/api/v1/disclosures/"
NOT_SIGNED_IN = {
    "code": "not_authenticated",
    "detail": "Authentication credentials were not provided.",
    "fields": {},
}
FORBIDDEN = {
    "code": "permission_denied",
    "detail": "You do not have permission to perform this action.",
    "fields": {},
}
NOT_FOUND = {"code": "not_found", "detail": "Not found.", "fields": {}}


def url(contract, suffix: str = "") -> str:
    return f"{URL}{contract.pk}/{suffix}"


def reload(contract):
    return ContractRegistration.objects.select_related("deal").get(pk=contract.pk)


# --- Preparing and editing ------------------------------------------------------------------------


def test_the_seller_prepares_the_form_once(client_as, deal, chengdu_body):
    client = client_as("seller_user")

    first = client.post(URL, {"deal": deal.pk}, format="json")
    second = client.post(URL, {"deal": deal.pk}, format="json")

    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    body = first.json()
    assert body["registration_body"] == {"id": chengdu_body.pk, "name": chengdu_body.name}
    assert body["seller"] == {
        "kind": "platform",
        "organisation": deal.seller_id,
        "name": "成都锦江技术转移中心",
        "name_original": "",
        "country_code": "142",
        "credit_code": deal.seller.credit_code,
        "entity_type": "024",
        "region_code": "510104",
        "id_number": "",
    }
    assert (body["source"], body["deal"], body["applicant"]["id"]) == ("deal", deal.pk, deal.seller_id)
    assert (body["contract_amount"], body["technical_amount"], body["status"], body["deal_status"]) == (
        "1200000.00",
        "1200000.00",
        "draft",
        "agreed",
    )


@pytest.mark.parametrize(
    ("who", "status_code"),
    # A registrar sees a deal only once it is submitted to their body: before that it is not found.
    [("anonymous", 401), ("buyer_user", 403), ("other_party", 404), ("registrar", 404)],
)
def test_only_the_seller_may_prepare(client_as, deal, chengdu_body, who, status_code):
    response = client_as(who).post(URL, {"deal": deal.pk}, format="json")

    assert response.status_code == status_code
    assert ContractRegistration.objects.count() == 0


def test_partial_update_recomputes_the_technical_amount(client_as, contract):
    response = client_as("seller_user").patch(
        url(contract), {"non_technical_amount": "150000.00", "expected_output": "1000"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["technical_amount"] == "1050000.00"


def test_impossible_amounts_are_a_400_next_to_the_field(client_as, contract):
    response = client_as("seller_user").patch(
        url(contract), {"non_technical_amount": "2000000"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "Some fields are not valid; see the messages next to each field.",
        "fields": {"non_technical_amount": ["Non-technical costs cannot exceed the contract amount."]},
    }


@pytest.mark.parametrize(
    ("who", "status_code"), [("anonymous", 401), ("buyer_user", 403), ("other_party", 404)]
)
def test_only_the_seller_edits(client_as, contract, who, status_code):
    response = client_as(who).patch(url(contract), {"project_name": "改"}, format="json")

    assert response.status_code == status_code
    assert reload(contract).project_name == "硅碳负极材料专利权转让"


def test_attach_file_takes_a_pdf(client_as, deal, chengdu_body):
    contract = market_factories.contract(deal, registration_body=chengdu_body)

    response = client_as("seller_user").post(
        url(contract, "attach-file/"), {"file": pdf_file("签字合同.pdf")}
    )

    assert response.status_code == 200
    assert (response.json()["has_contract_file"], response.json()["contract_file_name"]) == (
        True,
        "签字合同.pdf",
    )


# --- Submitting and deciding ----------------------------------------------------------------------


def test_submit_reports_every_problem(client_as, deal, chengdu_body):
    contract = market_factories.contract(deal, registration_body=chengdu_body, expected_output=None)

    response = client_as("seller_user").post(url(contract, "submit/"))

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "expected_investment": ["Transfer contracts must state the expected new investment and output."],
        "contract_file": ["Attach the signed written contract; oral contracts cannot be registered."],
    }
    assert reload(contract).deal.status == DealStatus.AGREED


@pytest.mark.parametrize(
    ("who", "status_code"), [("anonymous", 401), ("buyer_user", 403), ("other_party", 404)]
)
def test_the_buyer_and_others_cannot_submit(client_as, contract, who, status_code):
    response = client_as(who).post(url(contract, "submit/"))

    assert response.status_code == status_code
    assert reload(contract).deal.status == DealStatus.AGREED


def test_the_whole_decision_through_the_api(client_as, contract, registrar):
    seller = client_as("seller_user")
    office = client_as("registrar")

    submitted = seller.post(url(contract, "submit/")).json()
    assert submitted["deal_status"] == "submitted"
    registered = office.post(
        url(contract, "register/"),
        {"version": submitted["version"], "technical_amount": "900000.00", "note": "核定"},
        format="json",
    ).json()
    certified = office.post(
        url(contract, "certify-income/"),
        {"certified_income": "880000.00", "performed_on": timezone.localdate().isoformat()},
        format="json",
    ).json()

    assert re.fullmatch(r"\d{16}", registered["registration_number"])
    assert (registered["declared_technical_amount"], registered["technical_amount"]) == (
        "1000000.00",
        "900000.00",
    )
    assert (certified["deal_status"], certified["certified_income"]) == ("performed", "880000.00")


def test_reject_needs_a_note_for_other(client_as, submitted):
    response = client_as("registrar").post(url(submitted, "reject/"), {"reason": "other"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "note": ["Explain the reason when it is not one of the listed ones."]
    }


def test_reject_with_a_reason(client_as, submitted):
    response = client_as("registrar").post(
        url(submitted, "reject/"), {"reason": "documents_defective"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["deal_status"], response.json()["rejection_reason"]) == (
        "rejected",
        "documents_defective",
    )


def test_an_illegal_transition_is_a_clear_400(client_as, submitted, registrar):
    services.contract_register(actor=registrar, contract=submitted, version=submitted.version)

    response = client_as("registrar").post(url(submitted, "reject/"), {"reason": "void"}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "The registration is Registered and cannot become Not registered (未予登记)."
    )


@pytest.mark.parametrize(
    ("who", "status_code"),
    [
        ("anonymous", 401),
        ("seller_user", 403),
        ("buyer_user", 403),
        ("chengdu_official", 403),
        ("other_registrar", 404),
        ("other_party", 404),
    ],
)
@pytest.mark.parametrize("action", ["register/", "reject/"])
def test_only_a_registrar_of_the_body_decides(client_as, submitted, who, status_code, action):
    response = client_as(who).post(
        url(submitted, action), {"version": submitted.version, "reason": "void"}, format="json"
    )

    assert response.status_code == status_code
    contract = reload(submitted)
    assert contract.deal.status == DealStatus.SUBMITTED
    assert contract.registration_number is None


# --- Lists and the queue --------------------------------------------------------------------------


def test_the_queue_is_for_registrars(client_as, submitted):
    assert client_as("seller_user").get(URL, {"scope": "queue"}).status_code == 403
    assert client_as("other_registrar").get(URL, {"scope": "queue"}).json()["count"] == 0
    assert [row["id"] for row in client_as("registrar").get(URL, {"scope": "queue"}).json()["results"]] == [
        submitted.pk
    ]


def test_an_unknown_scope_is_a_400(client_as, submitted):
    response = client_as("registrar").get(URL, {"scope": "everything"})

    assert response.status_code == 400
    assert response.json()["fields"] == {"scope": ["The scope is “queue” or left out."]}


def test_the_list_shows_what_the_actor_may_see(client_as, submitted, contract_of_other_deal):
    assert [row["id"] for row in client_as("buyer_user").get(URL).json()["results"]] == [submitted.pk]
    assert [row["id"] for row in client_as("other_party").get(URL).json()["results"]] == [
        contract_of_other_deal.pk
    ]
    assert client_as("anonymous").get(URL).status_code == 401


@pytest.fixture
def contract_of_other_deal(mianyang_institution, other_party, chengdu_body):
    other_buyer = market_factories.enterprise(name="绵阳某电子有限公司", region_code="510703")
    deal = market_factories.deal(mianyang_institution, other_buyer, other_party)
    return market_factories.contract(deal, registration_body=chengdu_body)


def many_submitted(count: int, seller, buyer, seller_user, body) -> list:
    return [
        submitted_contract(market_factories.deal(seller, buyer, seller_user), body, days_ago=index)
        for index in range(count)
    ]


@pytest.mark.parametrize("count", [1, 5])
def test_the_queue_endpoint_query_count_does_not_grow(
    count, seller, buyer, seller_user, chengdu_body, registrar, django_assert_num_queries
):
    many_submitted(count, seller, buyer, seller_user, chengdu_body)
    client = APIClient()
    client.force_authenticate(registrar)
    actor_roles(registrar)

    # count, the page with its joins, its corrections, income certifications and current certificates
    with django_assert_num_queries(5):
        response = client.get(URL, {"scope": "queue"})

    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 5])
def test_the_contract_list_query_count_does_not_grow(
    count, seller, buyer, seller_user, chengdu_body, django_assert_num_queries
):
    many_submitted(count, seller, buyer, seller_user, chengdu_body)
    client = APIClient()
    client.force_authenticate(seller_user)
    actor_roles(seller_user)

    # count, the page with its joins, its corrections, income certifications and current certificates
    with django_assert_num_queries(5):
        response = client.get(URL)

    assert response.json()["count"] == count


# --- The public disclosure board and rule sets ----------------------------------------------------


def registered_contract(deal_record, body, registrar_user):
    submitted = submitted_contract(deal_record, body)
    return services.contract_register(actor=registrar_user, contract=submitted, version=submitted.version)


def test_the_disclosure_board_is_public_and_hides_amounts_without_consent(
    seller, buyer, seller_user, chengdu_body, registrar
):
    shown = registered_contract(market_factories.deal(seller, buyer, seller_user), chengdu_body, registrar)
    hidden = registered_contract(
        market_factories.deal(seller, buyer, seller_user, disclose_amount=False, title="保密金额的交易"),
        chengdu_body,
        registrar,
    )

    rows = {row["id"]: row for row in APIClient().get(DISCLOSURES).json()["results"]}

    assert rows[shown.pk]["technical_amount"] == "1000000.00"
    assert rows[hidden.pk]["technical_amount"] is None
    assert set(rows[shown.pk]) == {
        "id",
        "title",
        "seller_name",
        "seller_region_code",
        "buyer_name",
        "buyer_region_code",
        "contract_category",
        "contract_category_label",
        "technology_field",
        "registered_on",
        "disclosure_ends_on",
        "technical_amount",
        "url",
    }


def test_a_deal_leaves_the_board_after_its_period(seller, buyer, seller_user, chengdu_body, registrar):
    contract = registered_contract(market_factories.deal(seller, buyer, seller_user), chengdu_body, registrar)
    ContractRegistration.objects.filter(pk=contract.pk).update(
        disclosure_starts_on=timezone.localdate() - timedelta(days=10),
        disclosure_ends_on=timezone.localdate() - timedelta(days=4),
    )

    assert APIClient().get(DISCLOSURES).json()["count"] == 0
    assert APIClient(HTTP_ACCEPT_LANGUAGE="en").get(f"{DISCLOSURES}{contract.pk}/").json() == NOT_FOUND


def test_the_disclosure_board_filters_by_city_category_and_year(
    seller, buyer, seller_user, chengdu_body, registrar
):
    contract = registered_contract(market_factories.deal(seller, buyer, seller_user), chengdu_body, registrar)
    client = APIClient()
    year = timezone.localdate().year

    assert client.get(DISCLOSURES, {"city": "510600"}).json()["count"] == 1  # the buyer's city (德阳)
    assert client.get(DISCLOSURES, {"city": "510100"}).json()["count"] == 1  # the seller's city
    assert client.get(DISCLOSURES, {"city": "510700"}).json()["count"] == 0
    assert client.get(DISCLOSURES, {"category": "service"}).json()["count"] == 0
    assert client.get(DISCLOSURES, {"year": year - 1}).json()["count"] == 0
    assert (
        client.get(DISCLOSURES, {"year": year, "category": "transfer"}).json()["results"][0]["id"]
        == contract.pk
    )


def test_a_partner_system_reads_the_disclosure_board(seller, buyer, seller_user, chengdu_body, registrar):
    registered_contract(market_factories.deal(seller, buyer, seller_user), chengdu_body, registrar)
    service_account = factories.UserFactory(username="partner-system")
    _api_key, key = account_services.partner_key_issue(user=service_account, name="某高校科研管理系统")

    response = APIClient().get(DISCLOSURES, HTTP_AUTHORIZATION=f"Api-Key {key}")

    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("count", [1, 5])
def test_the_disclosure_endpoint_query_count_does_not_grow(
    count, seller, buyer, seller_user, chengdu_body, registrar, django_assert_num_queries
):
    for _ in range(count):
        registered_contract(market_factories.deal(seller, buyer, seller_user), chengdu_body, registrar)

    with django_assert_num_queries(2):
        response = APIClient().get(DISCLOSURES)

    assert response.json()["count"] == count


def test_the_rule_sets_are_public():
    response = APIClient().get("/api/v1/registration-rule-sets/")

    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["miit-2026", "most-2000"]
    assert APIClient().get("/api/v1/registration-rule-sets/most-2000/").json()["statistical_categories"] == {
        "licence": "transfer"
    }


def test_amounts_in_the_api_are_decimal_strings(client_as, contract):
    assert client_as("seller_user").get(url(contract)).json()["non_technical_amount"] == "200000.00"
    assert Decimal(client_as("seller_user").get(url(contract)).json()["technical_amount"]) == Decimal(
        "1000000"
    )
