"""What each user may do with a demand now: the ``DEMAND_ACTIONS`` matrix, the ``actions`` the API
shows, the same answer on the demand's page, the review queue asked through the rules, and list
endpoints that stay at a constant query count with the actions on every row."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from institutions.roles import forget_roles
from market.actions import DEMAND_ACTIONS
from market.choices import DemandStatus
from tests.market import factories as market_factories
from tests.market.demands.conftest import published_demand, submitted_demand
from tests.market.demands.test_views import client_for, page_url

pytestmark = pytest.mark.django_db

URL = "/api/v1/demands/"
EXPIRED = "expired"  # published, but its answer-by date has passed

# actor → state → the actions allowed, in the set's order
DEMAND_MATRIX = {
    "poster": {
        DemandStatus.DRAFT: ["edit", "submit", "close"],
        DemandStatus.SUBMITTED: ["close"],
        DemandStatus.RETURNED: ["edit", "submit", "close"],
        DemandStatus.PUBLISHED: ["close"],
        EXPIRED: ["close"],
        DemandStatus.CLOSED: [],
    },
    "platform_admin": {
        DemandStatus.DRAFT: ["edit", "submit", "close"],
        DemandStatus.SUBMITTED: ["close", "review"],
        DemandStatus.RETURNED: ["edit", "submit", "close"],
        DemandStatus.PUBLISHED: ["close"],
        EXPIRED: ["close"],
        DemandStatus.CLOSED: [],
    },
    "chengdu_official": {  # over the enterprise (drafts are never shown to them)
        DemandStatus.DRAFT: ["close"],
        DemandStatus.SUBMITTED: ["close", "review"],
        DemandStatus.RETURNED: ["close"],
        DemandStatus.PUBLISHED: ["close"],
        EXPIRED: ["close"],
        DemandStatus.CLOSED: [],
    },
    "mianyang_official": {state: [] for state in (*DemandStatus.values, EXPIRED)},
    "chengdu_staff": {  # a member of an institution: may answer an open demand
        DemandStatus.DRAFT: [],
        DemandStatus.SUBMITTED: [],
        DemandStatus.RETURNED: [],
        DemandStatus.PUBLISHED: ["answer"],
        EXPIRED: [],
        DemandStatus.CLOSED: [],
    },
    "other_poster": {state: [] for state in (*DemandStatus.values, EXPIRED)},
    "outsider": {state: [] for state in (*DemandStatus.values, EXPIRED)},
    "anonymous": {state: [] for state in (*DemandStatus.values, EXPIRED)},
}


def _demand(state, enterprise, poster):
    if state == EXPIRED:
        return market_factories.demand(
            enterprise,
            poster,
            status=DemandStatus.PUBLISHED,
            deadline=timezone.localdate() - timedelta(days=1),
        )
    return market_factories.demand(enterprise, poster, status=state)


@pytest.mark.parametrize("actor_name", list(DEMAND_MATRIX))
def test_the_demand_actions_matrix(request, actor_name, chengdu_enterprise, poster):
    actor = AnonymousUser() if actor_name == "anonymous" else request.getfixturevalue(actor_name)
    for state, expected in DEMAND_MATRIX[actor_name].items():
        demand = _demand(state, chengdu_enterprise, poster)

        assert DEMAND_ACTIONS.allowed(actor, demand) == expected, state
        assert DEMAND_ACTIONS.may(actor, demand) == {name: name in expected for name in DEMAND_ACTIONS.names}


# --- the API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("poster", ["close"]),
        ("chengdu_official", ["close", "review"]),
        ("platform_admin", ["close", "review"]),
    ],
)
def test_a_submitted_demand_carries_the_callers_actions(
    client_as, name, expected, poster, chengdu_enterprise
):
    demand = submitted_demand(poster, chengdu_enterprise)

    assert client_as(name).get(f"{URL}{demand.pk}/").data["actions"] == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("poster", ["close"]),
        ("chengdu_official", ["close"]),
        ("chengdu_staff", ["answer"]),
        ("other_poster", []),
        ("anonymous", []),
    ],
)
def test_a_published_demand_carries_the_callers_actions(
    client_as, name, expected, poster, chengdu_official, chengdu_enterprise
):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    detail = client_as(name).get(f"{URL}{demand.pk}/").data
    board = client_as(name).get(URL).data["results"]

    assert detail["actions"] == expected
    assert [row["actions"] for row in board] == [expected]


def test_the_review_queue_is_asked_through_the_rules(client_as, poster, chengdu_enterprise):
    demand = submitted_demand(poster, chengdu_enterprise)

    official = client_as("chengdu_official").get(URL, {"scope": "review"})
    refused = client_as("poster").get(URL, {"scope": "review"})

    assert [(row["id"], row["actions"]) for row in official.data["results"]] == [
        (demand.pk, ["close", "review"])
    ]
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only officials have a review queue."


def test_the_review_queue_page_is_refused_to_an_enterprise(poster, chengdu_official):
    assert client_for(poster).get("/market/demands/review/").status_code == 403
    assert client_for(chengdu_official).get("/market/demands/review/").status_code == 200


@pytest.mark.parametrize("count", [1, 5])
def test_the_review_queue_with_actions_has_a_constant_query_count(
    count, poster, chengdu_official, chengdu_enterprise, client_as, django_assert_num_queries
):
    for _index in range(count):
        submitted_demand(poster, chengdu_enterprise)
    forget_roles(chengdu_official)
    client = client_as("chengdu_official")

    # the roles, the count and the page with its joins
    with django_assert_num_queries(3):
        response = client.get(URL, {"scope": "review"})

    assert [row["actions"] for row in response.json()["results"]] == [["close", "review"]] * count


# --- the page agrees with the API ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor_name", "state"),
    [
        ("poster", DemandStatus.DRAFT),
        ("poster", DemandStatus.RETURNED),
        ("poster", DemandStatus.PUBLISHED),
        ("chengdu_official", DemandStatus.SUBMITTED),
        ("chengdu_staff", DemandStatus.PUBLISHED),
        ("chengdu_staff", EXPIRED),
        ("anonymous", DemandStatus.PUBLISHED),
    ],
)
def test_the_page_offers_exactly_the_actions_the_api_lists(
    request, client_as, actor_name, state, chengdu_enterprise, poster
):
    demand = _demand(state, chengdu_enterprise, poster)
    user = None if actor_name == "anonymous" else request.getfixturevalue(actor_name)

    api_actions = client_as(actor_name).get(f"{URL}{demand.pk}/").data["actions"]
    page = client_for(user).get(page_url(demand))

    assert [name for name in DEMAND_ACTIONS.names if page.context["can"][name]] == api_actions
    content = page.content.decode()
    assert (f'href="{page_url(demand, "edit/")}"' in content) is ("edit" in api_actions)
    assert (f'action="{page_url(demand, "submit/")}"' in content) is ("submit" in api_actions)
    assert (f'href="{page_url(demand, "answer/")}"' in content) is ("answer" in api_actions)
