"""Fixtures of the contract-registration tests: a signed deal between a 成都 institution (the seller,
the applicant) and a 德阳 enterprise, the 成都 registration body with its registrar, and a 绵阳 body
whose registrar must not touch 成都's contracts."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from rest_framework.test import APIClient

from institutions.choices import ClassificationScheme
from institutions.models import Classification, Region
from market.choices import ContractStatus, DealStatus
from market.models import ContractRegistration
from tests import factories
from tests.market import factories as market_factories

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the Chinese comes from the translation file)."""
    with translation.override("en"):
        yield


def entity_type(code: str) -> Classification:
    return Classification.objects.get(scheme=ClassificationScheme.ENTITY_TYPE, code=code)


def pdf_file(name: str = "contract.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def seller(chengdu_institution):
    chengdu_institution.entity_type = entity_type("024")
    chengdu_institution.save()
    return chengdu_institution


@pytest.fixture
def seller_user(seller):
    return factories.staff_of(seller, username="seller-staff")


@pytest.fixture
def buyer(db):
    organisation = market_factories.enterprise()
    organisation.entity_type = entity_type("150")
    organisation.save()
    return organisation


@pytest.fixture
def buyer_user(buyer):
    return market_factories.enterprise_user(buyer, "buyer-staff")


@pytest.fixture
def chengdu_body(db):
    return market_factories.registration_body("510100")


@pytest.fixture
def registrar(chengdu_body):
    return market_factories.registrar_of(chengdu_body, "chengdu-registrar")


@pytest.fixture
def mianyang_body(db):
    return market_factories.registration_body("510700")


@pytest.fixture
def other_registrar(mianyang_body):
    return market_factories.registrar_of(mianyang_body, "mianyang-registrar")


@pytest.fixture
def other_party(mianyang_institution):
    """Staff of a party of another deal (a 绵阳 institution selling to the same buyer)."""
    return factories.staff_of(mianyang_institution, username="other-deal-staff")


@pytest.fixture
def deal(seller, buyer, seller_user):
    return market_factories.deal(seller, buyer, seller_user)


def filled_contract(deal_record, body, **overrides) -> ContractRegistration:
    """A complete form, with the signed contract attached, ready to submit."""
    contract = market_factories.contract(deal_record, registration_body=body, **overrides)
    contract.contract_file.save("signed.pdf", SimpleUploadedFile("signed.pdf", PDF), save=True)
    contract.contract_file_name = "signed.pdf"
    contract.save()
    return contract


def submitted_contract(deal_record, body, *, days_ago: int = 0, **overrides) -> ContractRegistration:
    """A form submitted ``days_ago`` days ago (deal status submitted)."""
    submitted_at = timezone.now() - timedelta(days=days_ago)
    contract = filled_contract(
        deal_record,
        body,
        submitted_at=submitted_at,
        due_on=timezone.localdate(submitted_at) + timedelta(days=30),
        declared_category=overrides.pop("declared_category", "transfer"),
        declared_technical_amount=deal_record.amount - 200000,
        rule_set=market_factories.rule_set("miit-2026"),
        **{"status": ContractStatus.SUBMITTED, **overrides},
    )
    deal_record.status = DealStatus.SUBMITTED
    deal_record.save()
    return contract


@pytest.fixture
def contract(deal, chengdu_body):
    return filled_contract(deal, chengdu_body)


@pytest.fixture
def submitted(deal, chengdu_body):
    return submitted_contract(deal, chengdu_body)


@pytest.fixture
def client_as(request):
    """An English-speaking API client signed in as the named user fixture (or anonymous)."""

    def make(name: str) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if name != "anonymous":
            client.force_authenticate(request.getfixturevalue(name))
        return client

    return make


def english_client() -> Client:
    """A browser that chose English on the language switcher (pages ignore Accept-Language)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def page_as(client, request):
    """A Django test client signed in as the named user fixture (or anonymous), in English."""

    def make(name: str):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages ignore Accept-Language
        if name != "anonymous":
            client.force_login(request.getfixturevalue(name))
        return client

    return make


@pytest.fixture
def shanghai(db):
    """上海市徐汇区 (310104), from the regions of all China the migrations load."""
    return Region.objects.get(code="310104")
