"""The cast of the deals tests: a 成都 institution selling, a 德阳 enterprise buying, a party of another
deal, brokers engaged and not, officials, and listings in publicity and on the market."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from institutions.choices import OrganisationKind
from market.choices import DealStatus, ListingStatus
from market.models import DealBroker
from market.services import deals as services
from market.services import inquiries as inquiry_services
from tests import factories
from tests.market import factories as market_factories


def client_for(user=None) -> Client:
    """A browser that chose English, signed in as ``user``."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def api_for(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def buyer_enterprise(db):
    return market_factories.enterprise("德阳测试装备有限公司", "510603")


@pytest.fixture
def buyer_user(buyer_enterprise):
    return market_factories.enterprise_user(buyer_enterprise, "deyang-buyer")


@pytest.fixture
def other_enterprise(db):
    return market_factories.enterprise("绵阳其他科技有限公司", "510703")


@pytest.fixture
def other_buyer(other_enterprise):
    """A member of the buyer of ANOTHER deal on the same listing."""
    return market_factories.enterprise_user(other_enterprise, "other-buyer")


@pytest.fixture
def broker_agency(db):
    return factories.OrganisationFactory(
        name="四川技术经纪服务有限公司",
        kind=OrganisationKind.TRANSFER_AGENCY,
        region=factories.region("510104"),
    )


@pytest.fixture
def broker(broker_agency):
    return market_factories.broker_at(broker_agency, "broker-li")


@pytest.fixture
def idle_broker(broker_agency):
    """A broker who is not engaged on the deal."""
    return market_factories.broker_at(broker_agency, "broker-wang")


@pytest.fixture
def active_listing(chengdu_institution, chengdu_staff):
    return market_factories.listing(chengdu_institution, chengdu_staff, status=ListingStatus.ACTIVE)


@pytest.fixture
def publicity_listing(chengdu_institution, chengdu_staff):
    return market_factories.listing(
        chengdu_institution, chengdu_staff, status=ListingStatus.PUBLICITY, title="公示中的挂牌项目"
    )


@pytest.fixture
def inquiry(active_listing, buyer_enterprise, buyer_user):
    return inquiry_services.inquiry_open_for_listing(
        actor=buyer_user, listing=active_listing, buyer=buyer_enterprise, message="请问是否可以独占许可？"
    )


TERMS = {
    "title": "硅碳负极材料专利权转让",
    "amount": Decimal("1000000.00"),
    "payment_method": "instalments",
    "terms": "首付30%，验收后付清。",
    "disclose_amount": True,
}


@pytest.fixture
def negotiating_deal(inquiry, buyer_user):
    """Proposed by the buyer: the buyer's side has confirmed, the seller's has not."""
    return services.deal_propose(actor=buyer_user, inquiry=inquiry, terms=dict(TERMS))


@pytest.fixture
def other_deal(active_listing, chengdu_institution, other_enterprise, other_buyer):
    return market_factories.deal(
        chengdu_institution, other_enterprise, other_buyer, status=DealStatus.NEGOTIATING, listing_record=None
    )


def engage(deal, broker, agency, engaged_by) -> DealBroker:
    return DealBroker.objects.create(
        deal=deal,
        broker=broker,
        agency=agency,
        engaged_by=engaged_by,
        role="intermediary",
        fee_basis="pct_of_contract",
        rate_percent=Decimal("3.00"),
    )


@pytest.fixture(autouse=True)
def english():
    """Service messages are compared in English (the translations come from the catalogue)."""
    with translation.override("en"):
        yield
