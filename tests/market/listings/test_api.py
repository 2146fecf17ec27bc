"""The listings API: public reads, creating (members and partner systems), the workflow actions and
objections, with the permission matrix of every action and constant query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from market.choices import ListingStatus, ObjectionStatus
from market.models import Listing, ListingObjection
from market.services import listings as services
from tests import factories
from tests.market.listings.conftest import (
    english_client,
    key_client,
    listing_data,
    make_listing,
    service_data,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/listings/"
OBJECTIONS_URL = "/api/v1/objections/"
REASONS = "该技术的专利权属存在争议，请核实。"


def detail_url(listing) -> str:
    return f"{LIST_URL}{listing.pk}/"


def _create_body(institution, **overrides) -> dict:
    body = service_data(listed_until=(timezone.localdate() + timedelta(days=100)).isoformat())
    body.pop("price")
    body.update(institution=institution.pk, **overrides)
    return body


# --- reading --------------------------------------------------------------------------------------


def test_anonymous_reads_the_public_market(chengdu_institution, chengdu_admin):
    active = make_listing(chengdu_institution, chengdu_admin)
    make_listing(chengdu_institution, chengdu_admin, status=ListingStatus.DRAFT)
    make_listing(chengdu_institution, chengdu_admin, status=ListingStatus.WITHDRAWN)
    response = english_client().get(LIST_URL)
    assert response.status_code == 200
    assert response.data["count"] == 1
    row = response.data["results"][0]
    assert row["id"] == active.pk
    assert row["status"] == "active"
    assert row["institution"] == {"id": chengdu_institution.pk, "name": "成都锦江技术转移中心"}
    assert row["open_objection_count"] == 0
    assert row["signing_blocker"] is None
    assert row["can_sign_now"] is True
    assert row["price"] == "1200000.00"


def test_a_listing_in_publicity_shows_its_end_and_why_it_cannot_be_signed(publicity_listing):
    response = english_client().get(detail_url(publicity_listing))
    assert response.status_code == 200
    assert response.data["status"] == "publicity"
    assert response.data["publicity_days"] == 15
    assert response.data["publicity_ends_at"] is not None
    assert response.data["can_sign_now"] is False
    assert response.data["signing_blocker"].startswith("The listing is still in its publicity period")


def test_drafts_are_404_for_others_and_visible_to_the_seller(
    draft_listing, chengdu_staff, mianyang_admin, chengdu_official
):
    assert english_client().get(detail_url(draft_listing)).status_code == 404
    assert english_client(mianyang_admin).get(detail_url(draft_listing)).status_code == 404
    assert english_client(chengdu_official).get(detail_url(draft_listing)).status_code == 404
    assert english_client(chengdu_staff).get(detail_url(draft_listing)).status_code == 200


def test_filters_and_search(chengdu_institution, chengdu_admin, mianyang_institution, mianyang_admin):
    make_listing(chengdu_institution, chengdu_admin, title="工业机器人视觉引导系统", keywords=["机器人"])
    battery = make_listing(mianyang_institution, mianyang_admin)
    client = english_client()
    assert [row["id"] for row in client.get(LIST_URL, {"region": "510700"}).data["results"]] == [battery.pk]
    assert [row["id"] for row in client.get(LIST_URL, {"q": "锂离子电池"}).data["results"]] == [battery.pk]
    assert client.get(LIST_URL, {"transaction_mode": "technical_service"}).data["count"] == 0
    assert client.get(LIST_URL, {"price_min": "2000000"}).data["count"] == 0
    assert client.get(LIST_URL, {"price_max": "2000000"}).data["count"] == 2


def test_scope_mine_needs_sign_in_and_lists_every_status(draft_listing, chengdu_staff):
    assert english_client().get(LIST_URL, {"scope": "mine"}).status_code == 401
    response = english_client(chengdu_staff).get(LIST_URL, {"scope": "mine"})
    assert [row["id"] for row in response.data["results"]] == [draft_listing.pk]


@pytest.mark.parametrize("rows", [1, 5])
def test_the_list_endpoint_has_a_constant_query_count(
    chengdu_institution, chengdu_admin, broker, django_assert_num_queries, rows
):
    for _index in range(rows):
        listing = make_listing(chengdu_institution, chengdu_admin)
        listing.brokers.add(broker)
    client = english_client()
    with django_assert_num_queries(3):  # count, page, brokers
        response = client.get(LIST_URL)
    assert response.data["count"] == rows


# --- creating -------------------------------------------------------------------------------------


def test_a_member_creates_a_listing_from_an_achievement(chengdu_staff, chengdu_institution, achievement):
    body = {**listing_data(), "listed_until": listing_data()["listed_until"].isoformat()}
    body.update(institution=chengdu_institution.pk, achievement=achievement.pk, price="1200000.00")
    response = english_client(chengdu_staff).post(LIST_URL, body, format="json")
    assert response.status_code == 201
    assert response.data["status"] == "draft"
    assert response.data["title"] == achievement.title
    assert response.data["achievement"]["id"] == achievement.pk


def test_invalid_input_is_a_400_with_fields(chengdu_staff, chengdu_institution):
    body = _create_body(chengdu_institution, transaction_mode="transfer")
    response = english_client(chengdu_staff).post(LIST_URL, body, format="json")
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert response.data["fields"] == {
        "achievement": [
            "List a published achievement; only technical services and consulting may be listed without one."
        ]
    }


@pytest.mark.parametrize("who", ["anonymous", "enterprise", "other_institution", "official"])
def test_others_cannot_create(who, chengdu_institution, buyer, mianyang_admin, chengdu_official):
    actor = {
        "anonymous": None,
        "enterprise": buyer,
        "other_institution": mianyang_admin,
        "official": chengdu_official,
    }[who]
    response = english_client(actor).post(LIST_URL, _create_body(chengdu_institution), format="json")
    assert response.status_code == (401 if actor is None else 403)
    assert Listing.objects.count() == 0


def test_a_partner_key_creates_for_its_linked_institution_only(
    partner_key, chengdu_institution, mianyang_institution
):
    client = key_client(partner_key)
    response = client.post(LIST_URL, _create_body(chengdu_institution), format="json")
    assert response.status_code == 201
    assert response.data["institution"]["id"] == chengdu_institution.pk
    response = client.post(LIST_URL, _create_body(mianyang_institution), format="json")
    assert response.status_code == 403
    assert Listing.objects.count() == 1
    assert client.get(LIST_URL).status_code == 200


# --- editing and actions --------------------------------------------------------------------------


def test_partial_update_of_a_draft(draft_listing, chengdu_staff, mianyang_admin):
    url = detail_url(draft_listing)
    assert (
        english_client(mianyang_admin).patch(url, {"contact_name": "李老师"}, format="json").status_code
        == 404
    )
    response = english_client(chengdu_staff).patch(url, {"contact_name": "李老师"}, format="json")
    assert response.status_code == 200
    assert response.data["contact_name"] == "李老师"


def test_publish_permission_matrix(draft_listing, chengdu_admin, buyer, chengdu_official):
    url = f"{detail_url(draft_listing)}publish/"
    assert english_client().post(url).status_code == 401
    assert english_client(buyer).post(url).status_code == 404
    assert english_client(chengdu_official).post(url).status_code == 404
    draft_listing.refresh_from_db()
    assert draft_listing.status == ListingStatus.DRAFT
    response = english_client(chengdu_admin).post(url)
    assert response.status_code == 200
    assert response.data["status"] == "publicity"
    again = english_client(chengdu_admin).post(url)
    assert again.status_code == 400
    assert again.data == {
        "code": "illegal_transition",
        "detail": "The listing is In publicity (公示) and cannot become In publicity (公示).",
        "fields": {},
    }
    patch = english_client(chengdu_admin).patch(
        detail_url(draft_listing), {"contact_name": "李老师"}, format="json"
    )
    assert patch.status_code == 400
    assert patch.data["code"] == "not_editable"


def test_withdraw_permission_matrix(publicity_listing, buyer, mianyang_official, chengdu_official):
    url = f"{detail_url(publicity_listing)}withdraw/"
    assert english_client().post(url, {"reason": "权属争议"}).status_code == 401
    assert english_client(buyer).post(url, {"reason": "权属争议"}).status_code == 403
    assert english_client(mianyang_official).post(url, {"reason": "权属争议"}).status_code == 403
    publicity_listing.refresh_from_db()
    assert publicity_listing.status == ListingStatus.PUBLICITY
    missing = english_client(chengdu_official).post(url, {})
    assert missing.status_code == 400
    assert missing.data["fields"] == {"reason": ["Give the reason for withdrawing the listing."]}
    response = english_client(chengdu_official).post(url, {"reason": "权属争议"})
    assert response.status_code == 200
    assert response.data["status"] == "withdrawn"
    assert response.data["status_reason"] == "权属争议"


# --- objections -----------------------------------------------------------------------------------


def test_filing_an_objection(publicity_listing, buyer, chengdu_staff):
    url = f"{detail_url(publicity_listing)}objections/"
    assert english_client().post(url, {"reasons": REASONS}).status_code == 401
    assert english_client(chengdu_staff).post(url, {"reasons": REASONS}).status_code == 403
    short = english_client(buyer).post(url, {"reasons": "太短"})
    assert short.status_code == 400
    assert short.data["fields"] == {"reasons": ["Explain the objection in at least 10 characters."]}
    response = english_client(buyer).post(url, {"reasons": REASONS})
    assert response.status_code == 201
    assert response.data["status"] == "open"
    assert response.data["listing"]["id"] == publicity_listing.pk
    detail = english_client().get(detail_url(publicity_listing)).data
    assert detail["open_objection_count"] == 1
    assert detail["signing_blocker"] == (
        "An objection to the listing is still open; the deal can be signed once officials resolve it."
    )


def test_who_reads_a_listings_objections(
    publicity_listing, buyer, outsider, chengdu_staff, chengdu_official, mianyang_official
):
    services.objection_file(actor=buyer, listing=publicity_listing, reasons=REASONS)
    url = f"{detail_url(publicity_listing)}objections/"
    assert english_client().get(url).status_code == 401
    assert english_client(outsider).get(url).status_code == 403
    assert english_client(mianyang_official).get(url).status_code == 403
    for reader in (chengdu_staff, chengdu_official):
        response = english_client(reader).get(url)
        assert response.status_code == 200
        assert response.data["count"] == 1


@pytest.fixture
def objection(publicity_listing, buyer):
    return services.objection_file(actor=buyer, listing=publicity_listing, reasons=REASONS)


def test_the_objection_list_shows_the_jurisdiction_and_ones_own(
    objection, buyer, outsider, chengdu_official, mianyang_official
):
    def ids(user):
        return [row["id"] for row in english_client(user).get(OBJECTIONS_URL).data["results"]]

    assert english_client().get(OBJECTIONS_URL).status_code == 401
    assert ids(chengdu_official) == [objection.pk]
    assert ids(buyer) == [objection.pk]
    assert ids(mianyang_official) == []
    assert ids(outsider) == []


def test_resolve_permission_matrix(objection, buyer, chengdu_staff, mianyang_official, chengdu_official):
    url = f"{OBJECTIONS_URL}{objection.pk}/resolve/"
    body = {"upheld": True, "resolution": "经核实专利权属存在争议"}
    assert english_client().post(url, body, format="json").status_code == 401
    assert english_client(buyer).post(url, body, format="json").status_code == 403
    assert english_client(chengdu_staff).post(url, body, format="json").status_code == 404
    assert english_client(mianyang_official).post(url, body, format="json").status_code == 404
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN
    response = english_client(chengdu_official).post(url, body, format="json")
    assert response.status_code == 200
    assert response.data["status"] == "upheld"
    assert Listing.objects.get(pk=objection.listing_id).status == ListingStatus.WITHDRAWN
    again = english_client(chengdu_official).post(url, body, format="json")
    assert again.status_code == 403


@pytest.mark.parametrize("rows", [1, 5])
def test_the_objection_endpoint_has_a_constant_query_count(
    chengdu_institution, chengdu_admin, chengdu_official, django_assert_num_queries, rows
):
    for index in range(rows):
        listing = make_listing(chengdu_institution, chengdu_admin, status=ListingStatus.PUBLICITY)
        objector = factories.UserFactory(username=f"objector-{index}")
        ListingObjection.objects.create(listing=listing, filed_by=objector, reasons=REASONS)
    client = english_client(chengdu_official)
    with django_assert_num_queries(3):  # roles, count, page
        response = client.get(OBJECTIONS_URL)
    assert response.data["count"] == rows
