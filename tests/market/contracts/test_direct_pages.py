"""Pages and API of contracts registered without a deal: "My contract registrations", the new form with
parties of every kind, the registrar's paper entry, the masked identity number and its audited reveal,
and the API (direct form, partner systems, 4xx bodies)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from institutions.choices import MembershipRole
from institutions.models import AuditEvent
from market.choices import ContractSource, ContractStatus
from market.models import ContractRegistration
from market.models.contracts import ID_NUMBER_REVEALED
from market.services import contracts as services
from tests import factories
from tests.market import factories as market_factories
from tests.market.contracts.conftest import pdf_file
from tests.market.contracts.test_direct import PERSON_ID, form_data, off_platform_seller, shanghai_buyer

pytestmark = pytest.mark.django_db


def page_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "project_name": "高性能锂电池隔膜制备技术转让",
        "contract_category": "transfer",
        "sub_type": "patent_right",
        "signed_on": (today - timedelta(days=3)).isoformat(),
        "valid_from": (today - timedelta(days=3)).isoformat(),
        "valid_until": (today + timedelta(days=700)).isoformat(),
        "contract_amount": "800000",
        "non_technical_amount": "50000",
        "payment_method": "lump_sum",
        "ip_type": "invention_patent",
        "expected_investment": "1000000",
        "expected_output": "3000000",
        "buyer_kind": "organisation",
        "buyer_name": "上海徐汇精密仪器有限公司",
        "buyer_credit_code": shanghai_buyer()["credit_code"],
        "buyer_region_code": "310104",
        "buyer_entity_type": "150",
        "action": "save",
    }
    data.update(overrides)
    return data


def direct(seller_user, seller, **buyer) -> ContractRegistration:
    return services.contract_open(
        actor=seller_user, applicant=seller, data=form_data(), buyer=buyer or shanghai_buyer()
    )


# Pages --------------------------------------------------------------------------------------------------


def test_the_applicant_opens_a_registration_on_the_page(page_as, seller, chengdu_body, shanghai):
    client = page_as("seller_user")
    assert client.get("/market/contracts/new/").status_code == 200

    response = client.post("/market/contracts/new/", page_data(applicant=seller.pk))

    contract = ContractRegistration.objects.get()
    assert response.status_code == 302
    assert response.url == f"/market/contracts/{contract.pk}/edit/"
    assert (contract.source, contract.buyer_region_code, contract.registration_body) == (
        ContractSource.DIRECT,
        "310104",
        chengdu_body,
    )
    assert client.get(response.url).status_code == 200


def test_party_errors_show_next_to_their_fields(page_as, seller, chengdu_body):
    response = page_as("seller_user").post(
        "/market/contracts/new/",
        page_data(applicant=seller.pk, buyer_credit_code="91510100123456780W", buyer_region_code=""),
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"buyer_credit_code", "buyer_region_code"} <= set(errors)
    assert ContractRegistration.objects.count() == 0


@pytest.mark.parametrize(("who", "status_code"), [("registrar", 403), ("anonymous", 302)])
def test_the_new_page_is_for_members_of_an_organisation(page_as, registrar, who, status_code):
    assert page_as(who).get("/market/contracts/new/").status_code == status_code


def test_the_deal_route_prepares_then_redirects_to_the_form(page_as, deal, chengdu_body):
    response = page_as("seller_user").get(f"/market/deals/{deal.pk}/contract/")

    contract = ContractRegistration.objects.get(deal=deal)
    assert response.status_code == 302
    assert response.url == f"/market/contracts/{contract.pk}/edit/"


def test_the_edit_page_of_a_direct_form_changes_the_buyer(
    page_as, seller, seller_user, chengdu_body, shanghai
):
    contract = direct(seller_user, seller)

    response = page_as("seller_user").post(
        f"/market/contracts/{contract.pk}/edit/",
        page_data(buyer_kind="person", buyer_name="张三", buyer_id_number=PERSON_ID),
    )

    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.buyer_kind, contract.buyer_id_number) == ("person", PERSON_ID)


@pytest.mark.parametrize(
    ("who", "status_code"), [("other_party", 404), ("registrar", 404), ("buyer_user", 404)]
)
def test_only_the_applicant_edits_a_direct_form(
    page_as, seller, seller_user, chengdu_body, who, status_code, shanghai
):
    contract = direct(seller_user, seller)

    assert page_as(who).get(f"/market/contracts/{contract.pk}/edit/").status_code == status_code


def test_the_identity_number_is_masked_and_revealed_with_an_audit_event(
    page_as, client, seller, seller_user, chengdu_body, registrar
):
    contract = direct(seller_user, seller, kind="person", name="张三", id_number=PERSON_ID)
    contract = services.contract_submit(actor=seller_user, contract=_with_file(contract))

    seller_page = page_as("seller_user").get(f"/market/contracts/{contract.pk}/").content.decode()
    assert PERSON_ID not in seller_page
    assert "110105********002X" in seller_page
    assert "data-reveal" not in seller_page
    assert page_as("seller_user").post(f"/market/contracts/{contract.pk}/reveal/buyer/").status_code == 403

    client.force_login(registrar)
    registrar_page = client.get(f"/market/contracts/{contract.pk}/").content.decode()
    assert PERSON_ID not in registrar_page and "data-reveal" in registrar_page
    revealed = client.post(f"/market/contracts/{contract.pk}/reveal/buyer/")
    assert revealed.status_code == 200
    assert PERSON_ID in revealed.content.decode()
    assert AuditEvent.objects.filter(pgh_label=ID_NUMBER_REVEALED, pgh_obj_id=str(contract.pk)).count() == 1


def _with_file(contract):

    contract.contract_file.save("signed.pdf", pdf_file(), save=True)
    return contract


def test_my_registrations_cost_the_same_queries_for_one_or_many(
    page_as, seller, seller_user, chengdu_body, shanghai
):
    client = page_as("seller_user")

    def queries_with(count: int) -> int:
        while ContractRegistration.objects.count() < count:
            number = ContractRegistration.objects.count()
            services.contract_open(
                actor=seller_user,
                applicant=seller,
                data=form_data(project_name=f"合同{number}"),
                buyer=shanghai_buyer(),
            )
        client.get("/market/contracts/")  # warm the per-session caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/market/contracts/?status=draft")
        assert response.context["page_obj"].paginator.count == count
        return len(queries)

    assert queries_with(1) == queries_with(7)


def test_my_registrations_filter_and_page(page_as, seller, seller_user, chengdu_body, shanghai):
    direct(seller_user, seller)
    client = page_as("seller_user")

    assert client.get("/market/contracts/?status=submitted").context["page_obj"].paginator.count == 0
    assert client.get("/market/contracts/?status=draft").context["page_obj"].paginator.count == 1
    assert "New registration" in client.get("/market/contracts/").content.decode()


def test_my_registrations_are_in_chinese_by_default(client, seller_user, seller, chengdu_body, shanghai):
    direct(seller_user, seller)
    client.force_login(seller_user)

    content = client.get("/market/contracts/").content.decode()

    assert "我的合同登记" in content


def test_a_registrar_enters_a_paper_application_on_the_page(page_as, chengdu_body, registrar, shanghai):
    client = page_as("registrar")
    queue = client.get("/market/registration/").content.decode()
    assert "/market/registration/paper/" in queue

    response = client.post(
        "/market/registration/paper/",
        page_data(
            registration_body=chengdu_body.pk,
            **{f"seller_{name}": value for name, value in off_platform_seller().items()},
        ),
    )

    contract = ContractRegistration.objects.get()
    assert response.status_code == 302
    assert (contract.source, contract.prepared_by, contract.applicant) == (
        ContractSource.PAPER,
        registrar,
        None,
    )


def test_applicants_cannot_enter_paper_applications(page_as, seller_user):
    assert page_as("seller_user").get("/market/registration/paper/").status_code == 403


# API ------------------------------------------------------------------------------------------------------

CONTRACTS = "/api/v1/contracts/"


def api_form(applicant, **overrides) -> dict:
    data = {
        key: value for key, value in page_data().items() if not key.startswith("buyer_") and key != "action"
    }
    data.update(applicant=applicant.pk, buyer=shanghai_buyer(), technology_field="03")
    data.update(overrides)
    return data


@pytest.mark.parametrize("body", ["null", "[]", '"text"', "42"])
def test_a_body_that_is_not_an_object_is_a_400(client_as, body):
    response = client_as("seller_user").post(CONTRACTS, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_api_opens_a_direct_form(client_as, seller, chengdu_body, shanghai):
    response = client_as("seller_user").post(CONTRACTS, api_form(seller), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["source"], body["deal"], body["buyer"]["region_code"]) == ("direct", None, "310104")
    assert body["registration_body"]["id"] == chengdu_body.pk


def test_the_api_reports_party_errors_at_once(client_as, seller, chengdu_body):
    response = client_as("seller_user").post(
        CONTRACTS, api_form(seller, buyer={"kind": "foreign", "country_code": "142"}), format="json"
    )

    assert response.status_code == 400
    assert {"buyer_country_code", "buyer_name", "buyer_name_original"} <= set(response.json()["fields"])


@pytest.mark.parametrize(("applicant", "status_code"), [("mine_not", 403), ("missing", 400)])
def test_the_api_refuses_other_applicants(
    client_as, seller, mianyang_institution, chengdu_body, applicant, status_code
):
    target = mianyang_institution if applicant == "mine_not" else type(seller)(pk=999999)

    response = client_as("seller_user").post(CONTRACTS, api_form(target), format="json")

    assert response.status_code == status_code


def test_the_api_masks_identity_numbers_and_patches_parties(
    client_as, seller, seller_user, chengdu_body, shanghai, registrar
):
    contract = direct(seller_user, seller)
    client = client_as("seller_user")

    response = client.patch(
        f"{CONTRACTS}{contract.pk}/",
        {"buyer": {"kind": "person", "name": "张三", "id_number": PERSON_ID}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["buyer"]["id_number"] == "110105********002X"
    assert PERSON_ID not in response.content.decode()
    assert (
        client.post(
            f"{CONTRACTS}{contract.pk}/reveal-id-number/", {"side": "buyer"}, format="json"
        ).status_code
        == 403
    )


def test_a_partner_system_submits_for_an_applicant_it_belongs_to(seller, chengdu_body, shanghai):
    service_account = factories.UserFactory(username="partner-system")
    factories.MembershipFactory(user=service_account, organisation=seller, role=MembershipRole.PARTNER)
    _api_key, key = account_services.partner_key_issue(user=service_account, name="某高校科研管理系统")
    client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}", HTTP_ACCEPT_LANGUAGE="en")

    response = client.post(CONTRACTS, api_form(seller), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == ContractStatus.DRAFT
    contract = ContractRegistration.objects.get(pk=response.json()["id"])
    contract.contract_file.save("signed.pdf", pdf_file(), save=True)
    submitted = client.post(f"{CONTRACTS}{contract.pk}/submit/", format="json")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == ContractStatus.SUBMITTED
    assert client.get(f"{CONTRACTS}?source=direct").json()["count"] == 1


def test_a_partner_system_of_another_organisation_is_refused(
    seller, mianyang_institution, chengdu_body, shanghai
):
    service_account = factories.UserFactory(username="partner-system")
    factories.MembershipFactory(
        user=service_account, organisation=mianyang_institution, role=MembershipRole.PARTNER
    )
    _api_key, key = account_services.partner_key_issue(user=service_account, name="某高校科研管理系统")

    response = APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}").post(CONTRACTS, api_form(seller), format="json")

    assert response.status_code == 403
    assert ContractRegistration.objects.count() == 0


def test_the_deal_path_of_the_api_still_works(client_as, deal, chengdu_body):
    response = client_as("seller_user").post(CONTRACTS, {"deal": deal.pk}, format="json")

    assert response.status_code == 201
    assert response.json()["source"] == "deal"
    _ = market_factories


def test_the_audit_log_never_shows_an_identity_number_but_records_its_reveal(
    seller, seller_user, chengdu_body, registrar, platform_admin
):
    contract = direct(seller_user, seller, kind="person", name="张三", id_number=PERSON_ID)
    admin = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_authenticate(platform_admin)
    admin.post(f"{CONTRACTS}{contract.pk}/reveal-id-number/", {"side": "buyer"}, format="json")

    response = admin.get("/api/v1/audit-events/", {"object_type": "market.ContractRegistration"})

    assert response.status_code == 200
    assert response.json()["count"] >= 1
    assert PERSON_ID not in response.content.decode()
    assert AuditEvent.objects.filter(pgh_label=ID_NUMBER_REVEALED, pgh_obj_id=str(contract.pk)).exists()


def test_opening_a_contract_already_submitted_elsewhere_warns(
    page_as, seller, seller_user, chengdu_body, shanghai
):
    first = _with_file(direct(seller_user, seller))
    services.contract_submit(actor=seller_user, contract=first)
    client = page_as("seller_user")

    response = client.post(
        "/market/contracts/new/",
        page_data(
            applicant=seller.pk,
            signed_on=first.signed_on.isoformat(),
            valid_from=first.valid_from.isoformat(),
            valid_until=first.valid_until.isoformat(),
            non_technical_amount="50000",
        ),
        follow=True,
    )

    content = response.content.decode()
    assert "data-duplicate" in content
    assert chengdu_body.name in content
