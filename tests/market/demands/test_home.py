"""The market home page: the latest listings, open demands and current disclosures (amounts only
where the parties consented), the headline numbers of the year, shortcuts by role, and a query count
that does not grow with the rows."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from market.choices import DealStatus, DemandStatus, ListingStatus
from market.models import Listing
from market.selectors import home as selectors
from market.services import contracts as contract_services
from tests.market import factories as market_factories

pytestmark = pytest.mark.django_db

HOME = "/market/"


@pytest.fixture(autouse=True)
def mid_june():
    """The headline numbers count the calendar year, and one contract was registered 20 days ago: on a
    day in June it falls in this year whatever day the suite runs (in early January it would not)."""
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=True):
        yield


def client_for(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def registered_contract(
    seller, buyer, created_by, *, number: int, disclose_amount: bool = True, days_ago: int = 1
):
    deal = market_factories.deal(
        seller,
        buyer,
        created_by,
        status=DealStatus.REGISTERED,
        disclose_amount=disclose_amount,
        title=f"成交项目{number}",
    )
    registered_at = timezone.now() - timedelta(days=days_ago)
    today = timezone.localdate()
    return market_factories.contract(
        deal,
        project_name=f"成交项目{number}",
        registration_number=f"{today.year}510100{number:06d}",
        registered_at=registered_at,
        submitted_at=registered_at - timedelta(days=3),
        disclosure_starts_on=today - timedelta(days=days_ago),
        disclosure_ends_on=contract_services.disclosure_window(today - timedelta(days=days_ago))[1],
    )


@pytest.fixture
def market(chengdu_institution, chengdu_admin, chengdu_enterprise, poster):
    """Two listings on the market and one draft, an open and a closed demand, two deals being
    disclosed (one keeps its amount private) and one whose disclosure has ended."""
    market_factories.listing(chengdu_institution, chengdu_admin, title="挂牌中的技术")
    market_factories.listing(
        chengdu_institution, chengdu_admin, title="公示中的技术", status=ListingStatus.PUBLICITY
    )
    market_factories.listing(chengdu_institution, chengdu_admin, title="草稿技术", status=ListingStatus.DRAFT)
    market_factories.demand(chengdu_enterprise, poster, title="在征需求")
    market_factories.demand(chengdu_enterprise, poster, title="已关闭需求", status=DemandStatus.CLOSED)
    registered_contract(chengdu_institution, chengdu_enterprise, chengdu_admin, number=1)
    registered_contract(
        chengdu_institution, chengdu_enterprise, chengdu_admin, number=2, disclose_amount=False
    )
    registered_contract(chengdu_institution, chengdu_enterprise, chengdu_admin, number=3, days_ago=20)


def test_the_home_selector(market, outsider):
    home = selectors.market_home(actor=outsider)

    assert [listing.title for listing in home["listings"]] == ["公示中的技术", "挂牌中的技术"]
    assert [demand.title for demand in home["demands"]] == ["在征需求"]
    assert sorted((row.title, row.amount) for row in home["disclosures"]) == [
        ("成交项目1", Decimal("1000000.00")),
        ("成交项目2", None),
    ]
    assert home["disclosures"][0].seller == "成都锦江技术转移中心"
    assert home["disclosures"][0].buyer == "成都智造装备有限公司"
    assert home["counts"] == {
        "listings": 2,
        "demands": 1,
        "registered_deals": 3,
        "registered_contract_amount": Decimal("3600000.00"),
        "registered_technical_amount": Decimal("3000000.00"),
        "year": timezone.localdate().year,
    }


def test_a_visitor_sees_the_market(market):
    response = client_for().get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "挂牌中的技术",
        "公示中的技术",
        "在征需求",
        "成交项目1",
        "成交项目2",
        "¥1,000,000",
        "Not disclosed",
    ):
        assert text in html
    for text in ("草稿技术", "已关闭需求", "成交项目3", "Your market"):
        assert text not in html
    assert 'formaction="/market/demands/"' in html
    assert 'action="/market/listings/"' in html
    assert 'href="/market/disclosures/"' in html


def test_an_enterprise_user_gets_shortcuts_to_their_demands(poster):
    html = client_for(poster).get(HOME).content.decode()

    assert 'data-shortcut="my-demands"' in html
    assert 'data-shortcut="registration-queue"' not in html
    assert 'data-shortcut="my-listings"' not in html


def test_a_registrar_gets_the_registration_queue(db):
    body = market_factories.registration_body("510100")
    registrar = market_factories.registrar_of(body, "registrar")

    html = client_for(registrar).get(HOME).content.decode()

    assert 'data-shortcut="registration-queue"' in html


def test_institution_staff_get_their_listings_and_deals(chengdu_staff):
    html = client_for(chengdu_staff).get(HOME).content.decode()

    assert 'data-shortcut="my-listings"' in html
    assert 'data-shortcut="my-deals"' in html
    assert 'data-shortcut="my-demands"' not in html


# The latest listings, demands and disclosures, the two counts and the year's registrations.
@pytest.mark.parametrize("count", [1, 5])
def test_the_home_page_costs_the_same_queries_for_1_and_5_of_each(
    count, chengdu_institution, chengdu_admin, chengdu_enterprise, poster, django_assert_num_queries
):
    for number in range(count):
        market_factories.listing(chengdu_institution, chengdu_admin, title=f"技术{number}")
        market_factories.demand(chengdu_enterprise, poster, title=f"需求{number}")
        registered_contract(chengdu_institution, chengdu_enterprise, chengdu_admin, number=number + 1)
    client = client_for()

    with django_assert_num_queries(6):
        response = client.get(HOME)

    assert len(response.context["listings"]) == count
    assert len(response.context["demands"]) == count
    assert len(response.context["disclosures"]) == count


# As above, plus the session, the user, their roles, the navigation's counts and the saved session.
@pytest.mark.parametrize("count", [1, 5])
def test_an_officials_home_page_costs_the_same_queries(
    count,
    chengdu_institution,
    chengdu_admin,
    chengdu_enterprise,
    poster,
    chengdu_official,
    django_assert_num_queries,
):
    for number in range(count):
        market_factories.listing(chengdu_institution, chengdu_admin, title=f"技术{number}")
        market_factories.demand(chengdu_enterprise, poster, title=f"需求{number}")
    client = client_for(chengdu_official)

    with django_assert_num_queries(OFFICIAL_HOME_QUERIES):
        response = client.get(HOME)

    assert len(response.context["listings"]) == count


OFFICIAL_HOME_QUERIES = 14


def test_the_home_counts_listings_on_the_market_as_the_board_and_the_api_do(market, outsider):
    """One count, one name: the home's "on the market" is what the board and the API list (a listing in
    a deal or sold stays on the board), not the listings open for inquiries."""
    seller = Listing.objects.get(title="挂牌中的技术")
    market_factories.listing(
        seller.institution, seller.created_by, title="洽谈中的技术", status=ListingStatus.IN_DEAL
    )
    market_factories.listing(
        seller.institution, seller.created_by, title="已成交的技术", status=ListingStatus.SOLD
    )
    client = client_for(outsider)

    home = client.get(HOME)
    board = client.get("/market/listings/")
    api = client.get("/api/v1/listings/")

    assert home.context["counts"]["listings"] == 4
    assert board.context["page_obj"].paginator.count == 4
    assert api.json()["count"] == 4
    assert (
        'data-count="listings"><a class="text-reset" href="/market/listings/">4</a>' in home.content.decode()
    )
    assert "Technologies on the market" in home.content.decode()
