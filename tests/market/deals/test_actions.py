"""What each user may do with an inquiry, a deal and a broker's engagement now: the ``INQUIRY_ACTIONS``,
``DEAL_ACTIONS`` and ``DEAL_BROKER_ACTIONS`` matrices, the ``actions`` the API shows, the same answer on the thread's and the deal's pages, and
lists that stay at a constant query count with the actions on every row (a broker's included)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from institutions.roles import actor_roles, forget_roles
from market.actions import DEAL_ACTIONS, DEAL_BROKER_ACTIONS, INQUIRY_ACTIONS
from market.choices import DealStatus, InquiryStatus
from tests.market import factories as market_factories
from tests.market.deals.conftest import api_for, client_for, engage
from tests.market.deals.test_api import _inquiries

pytestmark = pytest.mark.django_db

# --- inquiries -------------------------------------------------------------------------------------

# actor → status → the actions allowed (the inquiry is on a listing ``broker`` is named on)
INQUIRY_MATRIX = {
    "chengdu_staff": {  # the seller
        InquiryStatus.OPEN: ["post", "close", "propose"],
        InquiryStatus.CONVERTED: ["post"],
        InquiryStatus.CLOSED: [],
    },
    "buyer_user": {
        InquiryStatus.OPEN: ["post", "close", "propose"],
        InquiryStatus.CONVERTED: ["post"],
        InquiryStatus.CLOSED: [],
    },
    "platform_admin": {
        InquiryStatus.OPEN: ["post", "close", "propose"],
        InquiryStatus.CONVERTED: ["post"],
        InquiryStatus.CLOSED: [],
    },
    "broker": {InquiryStatus.OPEN: ["post"], InquiryStatus.CONVERTED: ["post"], InquiryStatus.CLOSED: []},
    "idle_broker": {status: [] for status in InquiryStatus.values},
    "chengdu_official": {status: [] for status in InquiryStatus.values},
    "other_buyer": {status: [] for status in InquiryStatus.values},
    "anonymous": {status: [] for status in InquiryStatus.values},
}


def _actor(request, name):
    return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)


@pytest.mark.parametrize("actor_name", list(INQUIRY_MATRIX))
def test_the_inquiry_actions_matrix(
    request, actor_name, active_listing, broker, buyer_enterprise, buyer_user
):
    active_listing.brokers.add(broker)
    actor = _actor(request, actor_name)
    for status, expected in INQUIRY_MATRIX[actor_name].items():
        inquiry = market_factories.inquiry(active_listing, buyer_enterprise, buyer_user, status=status)

        assert INQUIRY_ACTIONS.allowed(actor, inquiry) == expected, status
        assert INQUIRY_ACTIONS.may(actor, inquiry) == {
            name: name in expected for name in INQUIRY_ACTIONS.names
        }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("chengdu_staff", ["post", "close", "propose"]),
        ("buyer_user", ["post", "close", "propose"]),
        ("broker", ["post"]),
        ("platform_admin", ["post", "close", "propose"]),
    ],
)
def test_an_open_inquiry_carries_the_callers_actions(
    request, name, expected, inquiry, active_listing, broker
):
    active_listing.brokers.add(broker)
    client = api_for(request.getfixturevalue(name))

    detail = client.get(f"/api/v1/inquiries/{inquiry.pk}/").data
    rows = client.get("/api/v1/inquiries/").data["results"]

    assert detail["actions"] == expected
    assert [row["actions"] for row in rows] == [expected]


def test_a_private_thread_shows_no_actions_to_outsiders(inquiry, chengdu_official, idle_broker):
    # officials and brokers not on it do not see the thread at all
    assert api_for(chengdu_official).get(f"/api/v1/inquiries/{inquiry.pk}/").status_code == 404
    assert api_for(idle_broker).get("/api/v1/inquiries/").data["count"] == 0
    assert api_for().get(f"/api/v1/inquiries/{inquiry.pk}/").status_code == 401


@pytest.mark.parametrize("count", [1, 5])
def test_a_brokers_inquiry_list_with_actions_costs_the_same_queries_for_1_and_5(
    count,
    chengdu_institution,
    chengdu_staff,
    buyer_enterprise,
    buyer_user,
    broker,
    broker_agency,
    django_assert_num_queries,
):
    _inquiries(count, chengdu_institution, chengdu_staff, buyer_enterprise, buyer_user, broker, broker_agency)
    forget_roles(broker)
    client = api_for(broker)

    # the roles, the count and the page, the listings' brokers and the deals' engagements the rules read
    with django_assert_num_queries(5):
        response = client.get("/api/v1/inquiries/")

    assert [row["actions"] for row in response.json()["results"]] == [["post"]] * count


@pytest.mark.parametrize("name", ["chengdu_staff", "buyer_user", "broker"])
def test_the_thread_page_offers_exactly_the_actions_the_api_lists(
    request, name, inquiry, active_listing, broker
):
    active_listing.brokers.add(broker)
    user = request.getfixturevalue(name)

    api_actions = api_for(user).get(f"/api/v1/inquiries/{inquiry.pk}/").data["actions"]
    page = client_for(user).get(f"/market/inquiries/{inquiry.pk}/")

    assert [name for name in INQUIRY_ACTIONS.names if page.context["can"][name]] == api_actions
    content = page.content.decode()
    assert (f'action="/market/inquiries/{inquiry.pk}/close/"' in content) is ("close" in api_actions)
    assert (f'action="/market/inquiries/{inquiry.pk}/propose/"' in content) is ("propose" in api_actions)


# --- deals -----------------------------------------------------------------------------------------

BUYER_CONFIRMED = "negotiating, the buyer confirmed"

# actor → state → the actions allowed
DEAL_MATRIX = {
    "chengdu_staff": {  # the seller
        DealStatus.NEGOTIATING: ["edit", "confirm", "cancel", "brokers"],
        BUYER_CONFIRMED: ["edit", "confirm", "cancel", "brokers"],
        DealStatus.AGREED: ["cancel", "brokers", "contract"],
        DealStatus.SUBMITTED: ["brokers"],
        DealStatus.REJECTED: ["cancel", "brokers", "contract"],  # refused registration: give up or resubmit
        DealStatus.REGISTERED: [],
        DealStatus.CANCELLED: [],
    },
    "buyer_user": {
        DealStatus.NEGOTIATING: ["edit", "confirm", "cancel", "brokers"],
        BUYER_CONFIRMED: ["edit", "cancel", "brokers"],
        DealStatus.AGREED: ["cancel", "brokers"],
        DealStatus.SUBMITTED: ["brokers"],
        DealStatus.REJECTED: ["cancel", "brokers"],
        DealStatus.REGISTERED: [],
        DealStatus.CANCELLED: [],
    },
    "platform_admin": {  # speaks for no side: neither confirms nor engages brokers
        DealStatus.NEGOTIATING: ["edit", "cancel"],
        BUYER_CONFIRMED: ["edit", "cancel"],
        DealStatus.AGREED: ["cancel", "contract"],
        DealStatus.SUBMITTED: [],
        DealStatus.REJECTED: ["cancel", "contract"],
        DealStatus.REGISTERED: [],
        DealStatus.CANCELLED: [],
    },
    "broker": {},  # engaged on the deal: reads and writes messages, no buttons
    "chengdu_official": {},
    "other_buyer": {},
    "anonymous": {},
}
DEAL_STATES = list(DEAL_MATRIX["chengdu_staff"])


def _deal(state, seller, buyer, created_by):
    if state == BUYER_CONFIRMED:
        return market_factories.deal(
            seller, buyer, created_by, status=DealStatus.NEGOTIATING, buyer_confirmed_at=timezone.now()
        )
    return market_factories.deal(seller, buyer, created_by, status=state)


@pytest.mark.parametrize("actor_name", list(DEAL_MATRIX))
def test_the_deal_actions_matrix(
    request, actor_name, chengdu_institution, buyer_enterprise, buyer_user, broker, broker_agency
):
    actor = _actor(request, actor_name)
    for state in DEAL_STATES:
        deal = _deal(state, chengdu_institution, buyer_enterprise, buyer_user)
        engage(deal, broker, broker_agency, buyer_enterprise)
        expected = DEAL_MATRIX[actor_name].get(state, [])

        assert DEAL_ACTIONS.allowed(actor, deal) == expected, state
        assert DEAL_ACTIONS.may(actor, deal) == {name: name in expected for name in DEAL_ACTIONS.names}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("chengdu_staff", ["cancel", "brokers", "contract"]),
        ("buyer_user", ["cancel", "brokers"]),
        ("broker", []),
        ("chengdu_official", []),  # officials read signed deals in their jurisdiction
    ],
)
def test_a_signed_deal_carries_the_callers_actions(
    request, name, expected, chengdu_institution, buyer_enterprise, buyer_user, broker, broker_agency
):
    deal = market_factories.deal(chengdu_institution, buyer_enterprise, buyer_user, status=DealStatus.AGREED)
    engage(deal, broker, broker_agency, buyer_enterprise)
    client = api_for(request.getfixturevalue(name))

    detail = client.get(f"/api/v1/deals/{deal.pk}/").data
    rows = client.get("/api/v1/deals/").data["results"]

    assert detail["actions"] == expected
    assert [row["actions"] for row in rows] == [expected]


def test_confirming_moves_the_confirm_action_to_the_other_side(negotiating_deal, chengdu_staff, buyer_user):
    url = f"/api/v1/deals/{negotiating_deal.pk}/"

    buyer_before = api_for(buyer_user).get(url).data["actions"]
    seller_before = api_for(chengdu_staff).get(url).data["actions"]

    assert buyer_before == ["edit", "cancel", "brokers"]
    assert seller_before == ["edit", "confirm", "cancel", "brokers"]


@pytest.mark.parametrize("count", [1, 5])
def test_the_deal_list_with_actions_costs_the_same_queries_for_1_and_5(
    count,
    chengdu_institution,
    chengdu_staff,
    buyer_enterprise,
    buyer_user,
    broker,
    broker_agency,
    django_assert_num_queries,
):
    _inquiries(count, chengdu_institution, chengdu_staff, buyer_enterprise, buyer_user, broker, broker_agency)
    forget_roles(chengdu_staff)
    client = api_for(chengdu_staff)

    # the roles, the count and the page, the engagements
    with django_assert_num_queries(4):
        response = client.get("/api/v1/deals/")

    assert [row["actions"] for row in response.json()["results"]] == [
        ["edit", "confirm", "cancel", "brokers"]
    ] * count


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("chengdu_staff", BUYER_CONFIRMED),
        ("buyer_user", BUYER_CONFIRMED),
        ("chengdu_staff", DealStatus.AGREED),
        ("buyer_user", DealStatus.AGREED),
        ("broker", DealStatus.NEGOTIATING),
    ],
)
def test_the_deal_page_offers_exactly_the_actions_the_api_lists(
    request, name, state, chengdu_institution, buyer_enterprise, buyer_user, broker, broker_agency
):
    deal = _deal(state, chengdu_institution, buyer_enterprise, buyer_user)
    engage(deal, broker, broker_agency, buyer_enterprise)
    user = request.getfixturevalue(name)

    api_actions = api_for(user).get(f"/api/v1/deals/{deal.pk}/").data["actions"]
    page = client_for(user).get(f"/market/deals/{deal.pk}/")

    assert [name for name in DEAL_ACTIONS.names if page.context["can"][name]] == api_actions
    content = page.content.decode()
    assert (f'action="/market/deals/{deal.pk}/confirm/"' in content) is ("confirm" in api_actions)
    assert (f'action="/market/deals/{deal.pk}/cancel/"' in content) is ("cancel" in api_actions)


# --- brokers engaged on a deal ---------------------------------------------------------------------

RELEASE_WHILE_CHANGEABLE = {
    DealStatus.NEGOTIATING: ["release"],
    BUYER_CONFIRMED: ["release"],
    DealStatus.AGREED: ["release"],
    DealStatus.SUBMITTED: ["release"],
    DealStatus.REJECTED: ["release"],
    DealStatus.REGISTERED: [],
    DealStatus.CANCELLED: [],
}
# actor → state → the actions allowed on a broker's engagement: a party releases, until registration
DEAL_BROKER_MATRIX = {
    "chengdu_staff": RELEASE_WHILE_CHANGEABLE,
    "buyer_user": RELEASE_WHILE_CHANGEABLE,
    "platform_admin": {},  # speaks for no side
    "broker": {},
    "chengdu_official": {},
    "other_buyer": {},
    "anonymous": {},
}


@pytest.mark.parametrize("actor_name", list(DEAL_BROKER_MATRIX))
def test_the_deal_broker_actions_matrix(
    request,
    actor_name,
    chengdu_institution,
    buyer_enterprise,
    buyer_user,
    broker,
    broker_agency,
    django_assert_num_queries,
):
    actor = _actor(request, actor_name)
    actor_roles(actor)  # loaded once per request
    for state in DEAL_STATES:
        deal = _deal(state, chengdu_institution, buyer_enterprise, buyer_user)
        engagement = engage(deal, broker, broker_agency, buyer_enterprise)
        expected = DEAL_BROKER_MATRIX[actor_name].get(state, [])

        with django_assert_num_queries(0):  # the deal the engagement was made on, and cached roles
            allowed = DEAL_BROKER_ACTIONS.allowed(actor, engagement)

        assert allowed == expected, state
        assert DEAL_BROKER_ACTIONS.may(actor, engagement) == {"release": expected == ["release"]}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("chengdu_staff", ["release"]), ("buyer_user", ["release"]), ("broker", []), ("chengdu_official", [])],
)
def test_the_brokers_of_a_signed_deal_carry_the_callers_actions(
    request, name, expected, chengdu_institution, buyer_enterprise, buyer_user, broker, broker_agency
):
    deal = market_factories.deal(chengdu_institution, buyer_enterprise, buyer_user, status=DealStatus.AGREED)
    engage(deal, broker, broker_agency, buyer_enterprise)
    client = api_for(request.getfixturevalue(name))

    detail = client.get(f"/api/v1/deals/{deal.pk}/").data
    rows = client.get("/api/v1/deals/").data["results"]

    assert [engagement["actions"] for engagement in detail["brokers"]] == [expected]
    assert [[engagement["actions"] for engagement in row["brokers"]] for row in rows] == [[expected]]


def test_the_brokers_of_a_registered_deal_can_no_longer_be_released(
    chengdu_institution, buyer_enterprise, buyer_user, broker, broker_agency, chengdu_staff
):
    deal = market_factories.deal(
        chengdu_institution, buyer_enterprise, buyer_user, status=DealStatus.REGISTERED
    )
    engage(deal, broker, broker_agency, buyer_enterprise)

    detail = api_for(chengdu_staff).get(f"/api/v1/deals/{deal.pk}/").data

    assert [engagement["actions"] for engagement in detail["brokers"]] == [[]]


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("chengdu_staff", DealStatus.AGREED),
        ("buyer_user", DealStatus.NEGOTIATING),
        ("chengdu_staff", DealStatus.REGISTERED),
        ("broker", DealStatus.NEGOTIATING),
    ],
)
def test_the_deal_page_offers_the_releases_the_api_lists(
    request, name, state, chengdu_institution, buyer_enterprise, buyer_user, broker, broker_agency
):
    deal = _deal(state, chengdu_institution, buyer_enterprise, buyer_user)
    engagement = engage(deal, broker, broker_agency, buyer_enterprise)
    user = request.getfixturevalue(name)

    [listed] = api_for(user).get(f"/api/v1/deals/{deal.pk}/").data["brokers"]
    page = client_for(user).get(f"/market/deals/{deal.pk}/")

    [(shown, _commission)] = page.context["engagements"]
    assert [name for name, allowed in shown.actions.items() if allowed] == listed["actions"]
    release = f'action="/market/deals/{deal.pk}/brokers/{engagement.pk}/release/"'
    assert (release in page.content.decode()) is ("release" in listed["actions"])
