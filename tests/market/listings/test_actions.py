"""What each user may do with a listing (and an objection) now: the ``LISTING_ACTIONS`` and
``OBJECTION_ACTIONS`` matrices, the ``actions`` the API shows, the same answer on the page, and list
endpoints that stay at a constant query count with the actions on every row."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from institutions.roles import forget_roles
from market.actions import LISTING_ACTIONS, OBJECTION_ACTIONS
from market.choices import ListingStatus, ObjectionStatus
from market.models import ListingObjection
from tests.market.listings.conftest import english_client, make_listing
from tests.market.listings.test_pages import client_for

pytestmark = pytest.mark.django_db

REASONS = "该技术的专利权属存在争议，请核实。"

# actor → status → the actions allowed, in the set's order
LISTING_MATRIX = {
    "chengdu_staff": {  # the seller
        ListingStatus.DRAFT: ["edit", "publish", "withdraw"],
        ListingStatus.PUBLICITY: ["withdraw"],
        ListingStatus.ACTIVE: ["withdraw"],
        ListingStatus.IN_DEAL: [],
        ListingStatus.SOLD: [],
        ListingStatus.WITHDRAWN: [],
    },
    "platform_admin": {
        ListingStatus.DRAFT: ["edit", "publish", "withdraw"],
        ListingStatus.PUBLICITY: ["withdraw", "object"],
        ListingStatus.ACTIVE: ["withdraw"],
        ListingStatus.IN_DEAL: [],
        ListingStatus.SOLD: [],
        ListingStatus.WITHDRAWN: [],
    },
    "chengdu_official": {  # over the seller: withdraws with a reason (drafts are never shown to them)
        ListingStatus.DRAFT: ["withdraw"],
        ListingStatus.PUBLICITY: ["withdraw", "object"],
        ListingStatus.ACTIVE: ["withdraw"],
        ListingStatus.IN_DEAL: [],
        ListingStatus.SOLD: [],
        ListingStatus.WITHDRAWN: [],
    },
    "mianyang_official": {  # another jurisdiction
        ListingStatus.DRAFT: [],
        ListingStatus.PUBLICITY: ["object"],
        ListingStatus.ACTIVE: [],
        ListingStatus.IN_DEAL: [],
        ListingStatus.SOLD: [],
        ListingStatus.WITHDRAWN: [],
    },
    "buyer": {  # a member of an enterprise
        ListingStatus.DRAFT: [],
        ListingStatus.PUBLICITY: ["object", "inquire"],
        ListingStatus.ACTIVE: ["inquire"],
        ListingStatus.IN_DEAL: [],
        ListingStatus.SOLD: [],
        ListingStatus.WITHDRAWN: [],
    },
    "outsider": {  # signed in, a member of nothing
        ListingStatus.DRAFT: [],
        ListingStatus.PUBLICITY: ["object"],
        ListingStatus.ACTIVE: [],
        ListingStatus.IN_DEAL: [],
        ListingStatus.SOLD: [],
        ListingStatus.WITHDRAWN: [],
    },
    "anonymous": {status: [] for status in ListingStatus.values},
}


def _actor(request, name):
    return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)


@pytest.mark.parametrize("actor_name", list(LISTING_MATRIX))
def test_the_listing_actions_matrix(request, actor_name, chengdu_institution, chengdu_admin):
    actor = _actor(request, actor_name)
    for status, expected in LISTING_MATRIX[actor_name].items():
        listing = make_listing(chengdu_institution, chengdu_admin, status=status)

        assert LISTING_ACTIONS.allowed(actor, listing) == expected, status
        assert LISTING_ACTIONS.may(actor, listing) == {
            name: name in expected for name in LISTING_ACTIONS.names
        }


@pytest.mark.parametrize(
    ("actor_name", "status", "expected"),
    [
        ("chengdu_official", ObjectionStatus.OPEN, ["resolve"]),
        ("platform_admin", ObjectionStatus.OPEN, ["resolve"]),
        ("chengdu_official", ObjectionStatus.DISMISSED, []),
        ("mianyang_official", ObjectionStatus.OPEN, []),
        ("outsider", ObjectionStatus.OPEN, []),  # the objector
        ("chengdu_staff", ObjectionStatus.OPEN, []),  # the seller
    ],
)
def test_the_objection_actions_matrix(
    request, actor_name, status, expected, chengdu_institution, chengdu_admin
):
    listing = make_listing(chengdu_institution, chengdu_admin, status=ListingStatus.PUBLICITY)
    objection = ListingObjection.objects.create(
        listing=listing, filed_by=request.getfixturevalue("outsider"), reasons=REASONS, status=status
    )

    assert OBJECTION_ACTIONS.allowed(request.getfixturevalue(actor_name), objection) == expected


# --- the API ---------------------------------------------------------------------------------------


def test_a_listing_in_publicity_carries_the_callers_actions(
    publicity_listing, chengdu_staff, chengdu_official, buyer
):
    url = f"/api/v1/listings/{publicity_listing.pk}/"

    assert english_client(chengdu_staff).get(url).data["actions"] == ["withdraw"]
    assert english_client(chengdu_official).get(url).data["actions"] == ["withdraw", "object"]
    assert english_client(buyer).get(url).data["actions"] == ["object", "inquire"]
    assert english_client().get(url).data["actions"] == []


def test_the_seller_is_offered_to_edit_and_publish_a_draft_and_the_answer_follows_the_state(
    draft_listing, chengdu_staff
):
    client = english_client(chengdu_staff)
    url = f"/api/v1/listings/{draft_listing.pk}/"

    before = client.get(url).data["actions"]
    published = client.post(f"{url}publish/").data["actions"]

    assert before == ["edit", "publish", "withdraw"]
    assert published == ["withdraw"]


def test_every_row_of_the_market_carries_its_actions(chengdu_institution, chengdu_admin, buyer):
    active = make_listing(chengdu_institution, chengdu_admin)
    in_deal = make_listing(chengdu_institution, chengdu_admin, status=ListingStatus.IN_DEAL)

    rows = english_client(buyer).get("/api/v1/listings/").data["results"]

    assert {row["id"]: row["actions"] for row in rows} == {active.pk: ["inquire"], in_deal.pk: []}


def test_objections_carry_the_resolve_action_for_the_official_only(
    publicity_listing, chengdu_official, outsider
):
    objection = ListingObjection.objects.create(listing=publicity_listing, filed_by=outsider, reasons=REASONS)
    url = f"/api/v1/objections/{objection.pk}/"

    assert english_client(chengdu_official).get(url).data["actions"] == ["resolve"]
    assert english_client(outsider).get(url).data["actions"] == []
    listed = english_client(chengdu_official).get(f"/api/v1/listings/{publicity_listing.pk}/objections/")
    assert [row["actions"] for row in listed.data["results"]] == [["resolve"]]


@pytest.mark.parametrize("rows", [1, 5])
def test_the_sellers_list_with_actions_has_a_constant_query_count(
    chengdu_institution, chengdu_admin, chengdu_staff, broker, django_assert_num_queries, rows
):
    for _index in range(rows):
        make_listing(chengdu_institution, chengdu_admin, status=ListingStatus.DRAFT).brokers.add(broker)
    forget_roles(chengdu_staff)
    client = english_client(chengdu_staff)

    with django_assert_num_queries(4):  # roles, count, page, brokers
        response = client.get("/api/v1/listings/", {"scope": "mine"})

    assert [row["actions"] for row in response.data["results"]] == [["edit", "publish", "withdraw"]] * rows


@pytest.mark.parametrize("rows", [1, 5])
def test_the_officials_market_with_actions_has_a_constant_query_count(
    chengdu_institution, chengdu_admin, chengdu_official, django_assert_num_queries, rows
):
    for _index in range(rows):
        make_listing(chengdu_institution, chengdu_admin)
    forget_roles(chengdu_official)
    client = english_client(chengdu_official)

    with django_assert_num_queries(4):  # roles, count, page, brokers
        response = client.get("/api/v1/listings/")

    assert [row["actions"] for row in response.data["results"]] == [["withdraw"]] * rows


# --- the page agrees with the API ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor_name", "status"),
    [
        ("chengdu_staff", ListingStatus.DRAFT),
        ("chengdu_staff", ListingStatus.ACTIVE),
        ("chengdu_official", ListingStatus.PUBLICITY),
        ("buyer", ListingStatus.PUBLICITY),
        ("buyer", ListingStatus.ACTIVE),
        ("outsider", ListingStatus.IN_DEAL),
        ("anonymous", ListingStatus.ACTIVE),
    ],
)
def test_the_page_offers_exactly_the_actions_the_api_lists(
    request, actor_name, status, chengdu_institution, chengdu_admin
):
    listing = make_listing(chengdu_institution, chengdu_admin, status=status)
    user = None if actor_name == "anonymous" else request.getfixturevalue(actor_name)

    api_actions = english_client(user).get(f"/api/v1/listings/{listing.pk}/").data["actions"]
    page = client_for(user).get(reverse("market:listing-detail", args=[listing.pk]))

    offered = [name for name in LISTING_ACTIONS.names if page.context["may"][name]]
    assert offered == api_actions
    content = page.content.decode()
    buttons = {
        "publish": reverse("market:listing-publish", args=[listing.pk]),
        "edit": reverse("market:listing-edit", args=[listing.pk]),
        "withdraw": reverse("market:listing-withdraw", args=[listing.pk]),
        "object": reverse("market:objection-file", args=[listing.pk]),
        "inquire": reverse("market:inquiry-create-for-listing", args=[listing.pk]),
    }
    for name, url in buttons.items():
        assert (f'"{url}"' in content) is (name in api_actions), name


def test_a_mianyang_official_gets_no_withdraw_form(chengdu_institution, chengdu_admin, mianyang_official):
    listing = make_listing(chengdu_institution, chengdu_admin)

    page = client_for(mianyang_official).get(reverse("market:listing-detail", args=[listing.pk]))

    assert page.status_code == 200
    assert reverse("market:listing-withdraw", args=[listing.pk]) not in page.content.decode()
