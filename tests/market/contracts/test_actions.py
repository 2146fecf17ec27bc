"""What each user may do with a registration form now: the ``CONTRACT_ACTIONS`` matrix, the
``actions`` the API shows (also in the answer to an action), the same answer on the form's page, and
lists that stay at a constant query count with the actions on every row."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from institutions.roles import forget_roles
from market.actions import CONTRACT_ACTIONS
from market.choices import DealStatus
from tests.market import factories as market_factories
from tests.market.contracts.conftest import filled_contract, submitted_contract

pytestmark = pytest.mark.django_db

URL = "/api/v1/contracts/"

# what an independent registrar of the body may do with a registered contract (a performed deal's too:
# income is certified year by year)
AFTER_REGISTRATION = ["certify", "amend", "cancel", "national_number"]
# actor → the deal's status → the actions allowed
CONTRACT_MATRIX = {
    "seller_user": {
        DealStatus.AGREED: ["edit", "submit"],
        DealStatus.REJECTED: ["edit", "submit"],
    },
    "platform_admin": {
        DealStatus.AGREED: ["edit", "submit"],
        DealStatus.REJECTED: ["edit", "submit"],
        DealStatus.SUBMITTED: ["register", "reject"],
        DealStatus.REGISTERED: AFTER_REGISTRATION,
        DealStatus.PERFORMED: AFTER_REGISTRATION,
    },
    "registrar": {  # of the body it is submitted to
        DealStatus.SUBMITTED: ["register", "reject"],
        DealStatus.REGISTERED: AFTER_REGISTRATION,
        DealStatus.PERFORMED: AFTER_REGISTRATION,
    },
    "other_registrar": {},
    "buyer_user": {},  # the buyer reads the form; the seller applies
    "chengdu_official": {},
    "anonymous": {},
}
STATES = [
    DealStatus.AGREED,
    DealStatus.REJECTED,
    DealStatus.SUBMITTED,
    DealStatus.REGISTERED,
    DealStatus.PERFORMED,
]


@pytest.mark.parametrize("actor_name", list(CONTRACT_MATRIX))
def test_the_contract_actions_matrix(request, actor_name, seller, buyer, seller_user, chengdu_body):
    actor = AnonymousUser() if actor_name == "anonymous" else request.getfixturevalue(actor_name)
    for state in STATES:
        contract = filled_contract(
            market_factories.deal(seller, buyer, seller_user, status=state), chengdu_body
        )
        expected = CONTRACT_MATRIX[actor_name].get(state, [])

        assert CONTRACT_ACTIONS.allowed(actor, contract) == expected, state
        assert CONTRACT_ACTIONS.may(actor, contract) == {
            name: name in expected for name in CONTRACT_ACTIONS.names
        }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("seller_user", ["edit", "submit"]),
        ("buyer_user", []),
    ],
)
def test_a_form_being_prepared_carries_the_callers_actions(client_as, name, expected, contract):
    detail = client_as(name).get(f"{URL}{contract.pk}/").data
    rows = client_as(name).get(URL).data["results"]

    assert detail["actions"] == expected
    assert [row["actions"] for row in rows] == [expected]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("registrar", ["register", "reject"]), ("seller_user", []), ("chengdu_official", [])],
)
def test_a_submitted_form_carries_the_callers_actions(client_as, name, expected, submitted):
    assert client_as(name).get(f"{URL}{submitted.pk}/").data["actions"] == expected


def test_the_answer_to_an_action_carries_the_actions_that_follow(client_as, submitted):
    office = client_as("registrar")

    registered = office.post(
        f"{URL}{submitted.pk}/register/", {"version": submitted.version, "note": "核定"}, format="json"
    )

    assert registered.status_code == 200
    assert registered.json()["actions"] == AFTER_REGISTRATION


def test_officials_and_registrars_see_only_submitted_forms(
    client_as, contract, seller, buyer, seller_user, chengdu_body
):
    submitted = submitted_contract(market_factories.deal(seller, buyer, seller_user), chengdu_body)
    assert client_as("chengdu_official").get(f"{URL}{contract.pk}/").status_code == 404
    assert client_as("registrar").get(f"{URL}{contract.pk}/").status_code == 404
    assert client_as("other_registrar").get(f"{URL}{submitted.pk}/").status_code == 404
    assert client_as("anonymous").get(f"{URL}{submitted.pk}/").status_code == 401


@pytest.mark.parametrize("count", [1, 5])
def test_the_queue_with_actions_has_a_constant_query_count(
    count, seller, buyer, seller_user, chengdu_body, registrar, client_as, django_assert_num_queries
):
    for index in range(count):
        submitted_contract(market_factories.deal(seller, buyer, seller_user), chengdu_body, days_ago=index)
    forget_roles(registrar)
    client = client_as("registrar")

    # the roles, the count and the page with its joins, corrections, certifications and certificates
    with django_assert_num_queries(6):
        response = client.get(URL, {"scope": "queue"})

    assert [row["actions"] for row in response.json()["results"]] == [["register", "reject"]] * count


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("seller_user", DealStatus.AGREED),
        ("seller_user", DealStatus.SUBMITTED),
        ("registrar", DealStatus.SUBMITTED),
        ("registrar", DealStatus.REGISTERED),
        ("chengdu_official", DealStatus.SUBMITTED),
    ],
)
def test_the_page_offers_exactly_the_actions_the_api_lists(
    client_as, page_as, name, state, seller, buyer, seller_user, chengdu_body
):
    deal = market_factories.deal(seller, buyer, seller_user)
    if state == DealStatus.AGREED:
        contract = filled_contract(deal, chengdu_body)
    else:
        contract = submitted_contract(deal, chengdu_body)
    if state == DealStatus.REGISTERED:
        deal.status = DealStatus.REGISTERED
        deal.save()
        contract.registration_number = "5101002026000001"
        contract.number_source = "platform"
        contract.status = "registered"
        contract.registered_at = timezone.now()
        contract.save()

    api_actions = client_as(name).get(f"{URL}{contract.pk}/").data["actions"]
    page = page_as(name).get(f"/market/contracts/{contract.pk}/")

    assert page.status_code == 200
    assert [name for name in CONTRACT_ACTIONS.names if page.context["can"][name]] == api_actions
    content = page.content.decode()
    for action, path in (("register", "register/"), ("reject", "reject/"), ("certify", "certify-income/")):
        assert (f'action="/market/contracts/{contract.pk}/{path}"' in content) is (action in api_actions), (
            action
        )
    assert (f'href="/market/contracts/{contract.pk}/edit/"' in content) is ("edit" in api_actions)
