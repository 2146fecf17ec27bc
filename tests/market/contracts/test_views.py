"""Pages of contract registration: the seller's form, the contract page with the registrar's forms,
the certificate, the registrar's queue and the public disclosure board, with permissions and query
counts that do not grow with the rows."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from market.choices import DealStatus
from market.models import ContractRegistration
from market.services import contracts as services
from tests.market import factories as market_factories
from tests.market.contracts.conftest import english_client, pdf_file, submitted_contract

pytestmark = pytest.mark.django_db


def reload(contract):
    return ContractRegistration.objects.select_related("deal").get(pk=contract.pk)


def form_data(contract, **overrides) -> dict:
    data = {
        "project_name": contract.project_name,
        "contract_category": contract.contract_category,
        "sub_type": contract.sub_type,
        "licence_scope": contract.licence_scope,
        "signed_on": contract.signed_on.isoformat(),
        "valid_from": contract.valid_from.isoformat(),
        "valid_until": contract.valid_until.isoformat(),
        "contract_amount": str(contract.contract_amount),
        "non_technical_amount": str(contract.non_technical_amount),
        "payment_method": contract.payment_method,
        "ip_type": contract.ip_type,
        "technology_field": contract.technology_field_id or "",
        "expected_investment": "5000000",
        "expected_output": "20000000",
        "action": "save",
    }
    data.update(overrides)
    return data


# --- The seller's form ----------------------------------------------------------------------------


def test_the_first_visit_creates_the_prefilled_form(page_as, deal, chengdu_body):
    response = page_as("seller_user").get(f"/market/deals/{deal.pk}/contract/", follow=True)

    assert response.status_code == 200
    contract = ContractRegistration.objects.get(deal=deal)
    assert response.redirect_chain == [(f"/market/contracts/{contract.pk}/edit/", 302)]
    assert contract.registration_body == chengdu_body
    assert response.context["problems"] == [
        (
            "expected new investment (yuan)",
            "Transfer contracts must state the expected new investment and output.",
        ),
        ("signed contract", "Attach the signed written contract; oral contracts cannot be registered."),
    ]
    assert "1,200,000.00" in response.content.decode()


def test_the_seller_saves_uploads_and_submits_in_one_go(page_as, deal, chengdu_body, registrar):
    client = page_as("seller_user")
    client.get(f"/market/deals/{deal.pk}/contract/")
    contract = ContractRegistration.objects.get(deal=deal)

    response = client.post(
        f"/market/contracts/{contract.pk}/edit/",
        {**form_data(contract, non_technical_amount="100000", action="submit"), "upload": pdf_file()},
    )

    assert response.status_code == 302
    assert response.url == f"/market/contracts/{contract.pk}/"
    contract = reload(contract)
    assert contract.deal.status == DealStatus.SUBMITTED
    assert str(contract.technical_amount) == "1100000.00"
    assert contract.contract_file_name == "contract.pdf"


def test_service_errors_are_shown_next_to_the_field(page_as, contract):
    response = page_as("seller_user").post(
        f"/market/contracts/{contract.pk}/edit/", form_data(contract, non_technical_amount="1300000")
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "non_technical_amount": ["Non-technical costs cannot exceed the contract amount."]
    }
    assert str(reload(contract).non_technical_amount) == "200000.00"


def test_a_party_without_entity_type_sees_why(page_as, deal, buyer, chengdu_body):
    buyer.entity_type = None
    buyer.save()

    response = page_as("seller_user").get(f"/market/deals/{deal.pk}/contract/")

    assert response.status_code == 400
    assert "has no legal-entity type" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status_code"), [("buyer_user", 403), ("other_party", 404), ("anonymous", 302)]
)
def test_only_the_seller_opens_the_form(page_as, deal, chengdu_body, who, status_code):
    response = page_as(who).get(f"/market/deals/{deal.pk}/contract/")

    assert response.status_code == status_code
    assert ContractRegistration.objects.count() == 0


def test_a_submitted_form_redirects_to_the_contract(page_as, submitted):
    response = page_as("seller_user").get(f"/market/deals/{submitted.deal_id}/contract/")

    assert response.status_code == 302
    assert response.url == f"/market/contracts/{submitted.pk}/"


# --- The contract page and the registrar's decisions ----------------------------------------------


def test_the_registrar_registers_with_a_correction_shown_as_declared_to_registered(page_as, submitted):
    client = page_as("registrar")

    response = client.post(
        f"/market/contracts/{submitted.pk}/register/",
        {
            "version": submitted.version,
            "contract_category": "licence",
            "sub_type": "patent_licence",
            "non_technical_amount": "200000",
            "note": "",
        },
    )
    page = client.get(f"/market/contracts/{submitted.pk}/").content.decode()

    assert response.status_code == 302
    assert reload(submitted).deal.status == DealStatus.REGISTERED
    assert "declared Technology transfer → registered Technology licence" in page


def test_a_refusal_with_other_needs_a_note_on_the_page(page_as, submitted):
    response = page_as("registrar").post(
        f"/market/contracts/{submitted.pk}/reject/", {"reason": "other", "note": ""}
    )

    assert response.status_code == 400
    assert response.context["reject_form"].errors == {
        "note": ["Explain the reason when it is not one of the listed ones."]
    }
    assert reload(submitted).deal.status == DealStatus.SUBMITTED


def test_the_seller_sees_the_refusal_reason(page_as, submitted, registrar):
    services.contract_reject(actor=registrar, contract=submitted, reason="seals_defective")

    page = page_as("seller_user").get(f"/market/contracts/{submitted.pk}/").content.decode()

    assert "Seals are incomplete or do not match the parties" in page


@pytest.mark.parametrize(
    ("who", "status_code"), [("seller_user", 403), ("other_registrar", 404), ("chengdu_official", 403)]
)
def test_only_the_registrar_of_the_body_decides_on_the_page(page_as, submitted, who, status_code):
    response = page_as(who).post(
        f"/market/contracts/{submitted.pk}/register/", {"contract_category": "transfer"}
    )

    assert response.status_code == status_code
    assert reload(submitted).registration_number is None


# --- The certificate ------------------------------------------------------------------------------


def test_the_certificate_exists_only_after_registration(page_as, submitted, registrar):
    assert page_as("seller_user").get(f"/market/contracts/{submitted.pk}/certificate/").status_code == 404

    contract = services.contract_register(actor=registrar, contract=submitted, version=submitted.version)
    response = page_as("seller_user").get(f"/market/contracts/{submitted.pk}/certificate/")

    assert response.status_code == 200
    page = response.content.decode()
    assert contract.registration_number in page
    assert "@media print" in page
    assert contract.seller_credit_code in page and contract.buyer_credit_code in page


@pytest.mark.parametrize(
    ("who", "status_code"),
    [
        ("buyer_user", 200),
        ("registrar", 200),
        ("chengdu_official", 200),
        ("other_registrar", 404),
        ("other_party", 404),
        ("anonymous", 302),
    ],
)
def test_who_sees_the_certificate(page_as, submitted, registrar, who, status_code):
    services.contract_register(actor=registrar, contract=submitted, version=submitted.version)

    assert page_as(who).get(f"/market/contracts/{submitted.pk}/certificate/").status_code == status_code


# --- The registrar's queue ------------------------------------------------------------------------


def test_the_queue_shows_deadlines_and_late_applications(page_as, seller, buyer, seller_user, chengdu_body):
    overdue = submitted_contract(market_factories.deal(seller, buyer, seller_user), chengdu_body, days_ago=32)
    signed_on = timezone.localdate() - timedelta(days=50)
    late = submitted_contract(
        market_factories.deal(seller, buyer, seller_user, title="迟到的申请"),
        chengdu_body,
        days_ago=2,
        signed_on=signed_on,
        valid_from=signed_on,
    )

    response = page_as("registrar").get("/market/registration/")

    page = response.content.decode()
    assert [contract.pk for contract, _ in response.context["rows"]] == [overdue.pk, late.pk]
    assert "overdue by 2 days" in page
    assert "28 days left" in page
    assert page.count("data-late") == 1
    assert response.context["tabs"][:2] == [("waiting", "Waiting", 2), ("overdue", "Overdue", 1)]


@time_machine.travel(datetime(2026, 9, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_the_queue_and_the_contract_page_count_down_in_the_sites_one_wording(
    page_as, seller, buyer, seller_user, chengdu_body
):
    due_today = submitted_contract(
        market_factories.deal(seller, buyer, seller_user), chengdu_body, days_ago=30
    )
    due_tomorrow = submitted_contract(
        market_factories.deal(seller, buyer, seller_user, title="明日到期"), chengdu_body, days_ago=29
    )
    client = page_as("registrar")

    queue = client.get("/market/registration/").content.decode()
    detail = client.get(f"/market/contracts/{due_today.pk}/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese_queue = client.get("/market/registration/").content.decode()

    assert (due_today.due_on, due_tomorrow.due_on) == (date(2026, 9, 30), date(2026, 10, 1))
    assert "0 days left" not in queue + detail
    assert '<span class="badge bg-blue-lt" data-days-left>Ends today</span>' in queue
    assert '<span class="badge bg-blue-lt" data-days-left>1 day left</span>' in queue
    assert '<span class="badge bg-blue-lt">Ends today</span>' in detail
    assert "今日截止" in chinese_queue and "剩余 1 天" in chinese_queue


def test_the_queue_filters_by_tab_and_city(page_as, submitted, registrar):
    services.contract_register(actor=registrar, contract=submitted, version=submitted.version)
    client = page_as("registrar")

    assert client.get("/market/registration/").context["page_obj"].paginator.count == 0
    assert client.get("/market/registration/", {"tab": "registered"}).context["page_obj"].paginator.count == 1
    assert (
        client.get("/market/registration/", {"tab": "registered", "city": "510700"})
        .context["page_obj"]
        .paginator.count
        == 0
    )


@pytest.mark.parametrize("who", ["seller_user", "chengdu_official"])
def test_the_queue_is_only_for_registrars(page_as, who):
    assert page_as(who).get("/market/registration/").status_code == 403


@pytest.mark.parametrize("count", [1, 5])
def test_the_queue_page_query_count_does_not_grow(
    count, seller, buyer, seller_user, chengdu_body, registrar, django_assert_num_queries
):
    for index in range(count):
        submitted_contract(market_factories.deal(seller, buyer, seller_user), chengdu_body, days_ago=index)
    client = english_client()
    client.force_login(registrar)
    client.get("/market/registration/")  # warm up per-process caches

    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        response = client.get("/market/registration/")

    assert response.context["page_obj"].paginator.count == count


# session, user, roles, navbar notifications and registration badge, tab counts, paginator count, the page with its joins, the
# city choices of the filter form and the base template's per-user reads: the same for 1 and 5 rows.
QUEUE_PAGE_QUERIES = 15  # with the corrections, certifications and certificates of the rows
DISCLOSURE_PAGE_QUERIES = 3


# --- The disclosure board -------------------------------------------------------------------------


def registered(seller, buyer, seller_user, body, registrar_user, **deal_fields):
    deal = market_factories.deal(seller, buyer, seller_user, **deal_fields)
    submitted = submitted_contract(deal, body)
    return services.contract_register(actor=registrar_user, contract=submitted, version=submitted.version)


def test_a_visitor_sees_the_board_with_amounts_only_by_consent(
    seller, buyer, seller_user, chengdu_body, registrar
):
    shown = registered(seller, buyer, seller_user, chengdu_body, registrar)
    hidden = registered(
        seller, buyer, seller_user, chengdu_body, registrar, disclose_amount=False, title="金额保密"
    )

    response = english_client().get("/market/disclosures/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-disclosure="{shown.pk}"' in page and f'data-disclosure="{hidden.pk}"' in page
    assert "1,000,000.00" in page
    assert page.count("Not disclosed") == 1
    detail = english_client().get(f"/market/disclosures/{hidden.pk}/").content.decode()
    assert "Not disclosed" in detail and "1,000,000.00" not in detail


def test_a_deal_is_not_listed_after_its_disclosure_period(
    seller, buyer, seller_user, chengdu_body, registrar
):
    contract = registered(seller, buyer, seller_user, chengdu_body, registrar)
    ContractRegistration.objects.filter(pk=contract.pk).update(
        disclosure_starts_on=timezone.localdate() - timedelta(days=8),
        disclosure_ends_on=timezone.localdate() - timedelta(days=1),
    )

    client = Client()
    assert client.get("/market/disclosures/").context["page_obj"].paginator.count == 0
    assert client.get(f"/market/disclosures/{contract.pk}/").status_code == 404


def test_the_board_filters_by_city(seller, buyer, seller_user, chengdu_body, registrar):
    registered(seller, buyer, seller_user, chengdu_body, registrar)
    client = Client()

    assert client.get("/market/disclosures/", {"city": "510600"}).context["page_obj"].paginator.count == 1
    assert client.get("/market/disclosures/", {"city": "510700"}).context["page_obj"].paginator.count == 0


def test_htmx_gets_only_the_results(seller, buyer, seller_user, chengdu_body, registrar):
    registered(seller, buyer, seller_user, chengdu_body, registrar)

    response = Client().get("/market/disclosures/", HTTP_HX_REQUEST="true")

    assert next(template.name for template in response.templates) == "market/disclosures/_results.html"


@pytest.mark.parametrize("count", [1, 5])
def test_the_disclosure_board_query_count_does_not_grow(
    count, seller, buyer, seller_user, chengdu_body, registrar, django_assert_num_queries
):
    for _ in range(count):
        registered(seller, buyer, seller_user, chengdu_body, registrar)
    client = english_client()
    client.get("/market/disclosures/")

    with django_assert_num_queries(DISCLOSURE_PAGE_QUERIES):
        response = client.get("/market/disclosures/")

    assert response.context["page_obj"].paginator.count == count
