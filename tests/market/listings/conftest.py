"""Fixtures of the listings slice: a seller institution with a published achievement, buyers, brokers
and partner keys, plus builders for listings through the services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts import services as account_services
from achievements.choices import CooperationMode
from institutions.choices import MembershipRole, OrganisationKind
from market.choices import ListingStatus, PricingMethod
from market.services import listings as services
from tests import factories
from tests.achievements import factories as achievement_factories
from tests.market import factories as market_factories


@pytest.fixture(autouse=True)
def english():
    """Services build their messages in the active language; the tests read them in English (the
    Chinese comes from the translation file)."""
    with translation.override("en"):
        yield


def english_client(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def key_client(key: str) -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Api-Key {key}")


def listing_data(**overrides) -> dict:
    data = {
        "transaction_mode": CooperationMode.TRANSFER,
        "pricing_method": PricingMethod.FIXED,
        "price": Decimal("1200000.00"),
        "listed_until": timezone.localdate() + timedelta(days=180),
        "contact_name": "王老师",
        "contact_phone": "028-85400000",
    }
    data.update(overrides)
    return data


def service_data(**overrides) -> dict:
    data = listing_data(
        title="锂电池材料检测与失效分析技术服务",
        summary="为电池企业提供材料成分检测、失效分析与工艺改进咨询。",
        keywords=["检测", "失效分析"],
        transaction_mode=CooperationMode.TECHNICAL_SERVICE,
        pricing_method=PricingMethod.NEGOTIABLE,
        price=None,
    )
    data.update(overrides)
    return data


@pytest.fixture
def achievement(chengdu_admin, chengdu_official, chengdu_institution):
    return achievement_factories.published(chengdu_admin, chengdu_official, chengdu_institution)


@pytest.fixture
def draft_listing(chengdu_admin, chengdu_institution, achievement):
    return services.listing_create(
        actor=chengdu_admin, institution=chengdu_institution, data=listing_data(), achievement=achievement
    )


@pytest.fixture
def publicity_listing(chengdu_admin, draft_listing):
    return services.listing_publish(actor=chengdu_admin, listing=draft_listing)


@pytest.fixture
def buyer_enterprise(db):
    return market_factories.enterprise()


@pytest.fixture
def buyer(buyer_enterprise):
    return market_factories.enterprise_user(buyer_enterprise, "deyang-buyer")


@pytest.fixture
def outsider(db):
    return factories.UserFactory(username="outsider")


@pytest.fixture
def mianyang_admin(mianyang_institution):
    return factories.admin_of(mianyang_institution, username="mianyang-admin")


@pytest.fixture
def broker(db):
    agency = factories.TransferInstitutionFactory(name="四川技术经纪服务有限公司")
    return market_factories.broker_at(agency, "broker-li")


def make_listing(institution, user, status=ListingStatus.ACTIVE, **overrides):
    listing = market_factories.listing(institution, user, status=status, **overrides)
    services.listing_refresh_search(listing=listing)
    return listing


@pytest.fixture
def partner_user(chengdu_institution):
    """A partner system linked to the 锦江 institution (a PARTNER membership)."""
    user = account_services.user_create(
        username="chengdu-platform", password=None, full_name="成都市技术市场平台"
    )
    factories.MembershipFactory(user=user, organisation=chengdu_institution, role=MembershipRole.PARTNER)
    return user


@pytest.fixture
def partner_key(partner_user):
    _api_key, key = account_services.partner_key_issue(user=partner_user, name="成都平台同步")
    return key


@pytest.fixture
def enterprise_kind():
    return OrganisationKind.ENTERPRISE
