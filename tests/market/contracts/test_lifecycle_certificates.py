"""The registration certificate (技术合同登记证明): issued at registration with a random verification code,
printable and as a PDF, and verified by anyone on /verify/ and GET /api/v1/certificates/{code}/: valid,
altered (superseded by a correction), cancelled (注销) or unknown; throttled against enumeration."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from market.models import RegistrationCertificate
from market.services import contract_lifecycle as lifecycle
from market.services import contracts as services
from tests.market.contracts.conftest import english_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registered(submitted, registrar):
    return services.contract_register(actor=registrar, contract=submitted, version=submitted.version)


@pytest.fixture
def certificate(registered) -> RegistrationCertificate:
    return RegistrationCertificate.objects.get(contract=registered)


def verify_page(code: str, address: str = "127.0.0.1"):
    return english_client().get(f"/verify/{code}/", REMOTE_ADDR=address)


def verify_api(code: str, address: str = "127.0.0.1"):
    return APIClient(HTTP_ACCEPT_LANGUAGE="en").get(f"/api/v1/certificates/{code}/", REMOTE_ADDR=address)


def test_registration_issues_a_certificate_with_an_unguessable_code(registered, certificate):
    assert len(certificate.code) == 16 and certificate.code.isalnum()
    assert certificate.snapshot["registration_number"] == registered.registration_number
    assert certificate.snapshot["contract_amount"] == "1200000.00"
    assert certificate.reason == "registration"


def test_a_valid_certificate(registered, certificate):
    page = verify_page(certificate.display_code.lower())
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-outcome="valid"' in content
    assert registered.registration_number in content
    assert "1,200,000.00" in content and "1,000,000.00" in content  # 合同金额 and 技术交易额
    assert registered.seller_credit_code not in content

    api = verify_api(certificate.code)
    assert api.status_code == 200
    assert api.json()["outcome"] == "valid"
    assert api.json()["current"]["registration_number"] == registered.registration_number
    assert api.json()["current"]["number_source"] == "platform"


def test_a_corrected_contract_s_old_certificate_is_altered(registered, registrar, certificate):
    lifecycle.contract_amend(
        actor=registrar, contract=registered, data={"technical_amount": Decimal("700000")}, reason="核减"
    )

    content = verify_page(certificate.code).content.decode()
    assert 'data-outcome="altered"' in content
    assert "700,000.00" in content
    api = verify_api(certificate.code).json()
    assert api["outcome"] == "altered"
    assert api["superseded_at"] is not None
    assert (api["printed"]["technical_amount"], api["current"]["technical_amount"]) == (
        "1000000.00",
        "700000.00",
    )
    new = RegistrationCertificate.objects.get(contract=registered, superseded_at__isnull=True)
    assert verify_api(new.code).json()["outcome"] == "valid"


def test_a_cancelled_registration_s_certificate(registered, registrar, certificate):
    lifecycle.contract_cancel(actor=registrar, contract=registered, reason="terminated")

    content = verify_page(certificate.code).content.decode()
    assert 'data-outcome="cancelled"' in content
    assert "The contract was terminated or rescinded" in content
    api = verify_api(certificate.code).json()
    assert (api["outcome"], api["cancellation_reason"]) == ("cancelled", "terminated")


@pytest.mark.parametrize("code", ["ABCDEFGHJKMNPQRS", "not-a-code", "x" * 80])
def test_an_unknown_code(code, registered):
    page = verify_page(code)
    assert page.status_code == 404
    assert 'data-outcome="unknown"' in page.content.decode()
    assert verify_api(code).status_code == 404


def test_the_form_goes_to_the_result_and_refuses_a_malformed_code(certificate):
    client = english_client()
    assert client.get("/verify/").status_code == 200
    response = client.get("/verify/", {"code": certificate.display_code})
    assert response.status_code == 302 and response["Location"] == f"/verify/{certificate.code}/"
    assert client.get("/verify/", {"code": "abc"}).status_code == 400


def test_persons_are_masked_on_the_public_page(deal, chengdu_body, registrar):
    from tests.market.contracts.conftest import submitted_contract

    contract = submitted_contract(
        deal, chengdu_body, buyer_kind="person", buyer_organisation=None, buyer_name="张三丰"
    )
    services.contract_register(actor=registrar, contract=contract, version=contract.version)
    code = RegistrationCertificate.objects.get(contract=contract).code

    content = verify_page(code).content.decode()
    assert "张**" in content and "张三丰" not in content
    assert verify_api(code).json()["current"]["buyer_name"] == "张**"


def test_lookups_are_throttled(settings, certificate, monkeypatch):
    from market.views import contract_lifecycle as views

    monkeypatch.setattr(views, "VERIFY_LIMIT", 3)
    # an address of its own: other tests' lookups (from 127.0.0.1, in parallel workers) do not count here
    address = "198.51.100.7"
    for _ in range(3):
        assert verify_page("ABCDEFGHJKMNPQRS", address).status_code == 404
    assert verify_page(certificate.code, address).status_code == 429
    assert verify_api(certificate.code, address).status_code == 429
    assert verify_page(certificate.code).status_code == 200


def test_the_certificate_page_shows_the_code_and_that_the_number_is_the_platform_s(
    page_as, registered, certificate
):
    content = page_as("seller_user").get(f"/market/contracts/{registered.pk}/certificate/").content.decode()

    assert certificate.display_code in content
    assert 'data-number-source="platform"' in content
    assert "own number, not a number of the national technology contract system" in content


def test_the_certificate_pdf(page_as, registered):
    response = page_as("seller_user").get(f"/market/contracts/{registered.pk}/certificate.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF")
    assert registered.registration_number.encode() in response.content


@pytest.mark.parametrize(
    ("who", "status"), [("other_party", 404), ("other_registrar", 404), ("buyer_user", 200)]
)
def test_who_downloads_the_pdf(page_as, registered, who, status):
    assert page_as(who).get(f"/market/contracts/{registered.pk}/certificate.pdf").status_code == status


def test_the_verification_is_in_the_schema(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/certificates/{code}/" in schema


def test_the_verification_page_is_in_chinese_by_default(client, certificate):
    content = client.get(f"/verify/{certificate.code}/").content.decode()

    assert "有效：登记内容与本证明一致。" in content
    assert "本平台编号，非全国技术合同管理与服务系统编号" in content
