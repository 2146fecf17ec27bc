"""The inquiries and deals API: each endpoint and action, the permission matrix, the error shape and
fixed query counts."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from institutions.roles import forget_roles
from market.choices import DealStatus, InquiryStatus, ListingStatus
from market.models import DealBroker, Inquiry, InquiryMessage
from market.services import deals as services
from market.services import inquiries as inquiry_services
from tests.market import factories as market_factories
from tests.market.deals.conftest import TERMS, api_for, engage

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


# --- inquiries -------------------------------------------------------------------------------------


def test_anonymous_callers_are_turned_away(inquiry, negotiating_deal):
    client = api_for()

    responses = [
        client.get("/api/v1/inquiries/"),
        client.get("/api/v1/deals/"),
        client.post(f"/api/v1/deals/{negotiating_deal.pk}/confirm/"),
    ]

    assert [response.status_code for response in responses] == [401, 401, 401]


def test_a_buyer_opens_an_inquiry_on_a_listing(active_listing, buyer_enterprise, buyer_user):
    response = api_for(buyer_user).post(
        "/api/v1/inquiries/",
        {"listing": active_listing.pk, "buyer": buyer_enterprise.pk, "message": "请问能否现场考察？"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    inquiry = Inquiry.objects.get()
    assert (
        body["id"],
        body["status"],
        body["listing"],
        body["seller"]["id"],
        body["buyer"]["id"],
        body["deal"],
    ) == (
        inquiry.pk,
        "open",
        {"id": active_listing.pk, "title": active_listing.title},
        active_listing.institution_id,
        buyer_enterprise.pk,
        None,
    )
    assert [message["body"] for message in body["messages"]] == ["请问能否现场考察？"]


def test_a_second_open_inquiry_is_a_400_on_the_buyer_field(inquiry, buyer_enterprise, buyer_user):
    response = api_for(buyer_user).post(
        "/api/v1/inquiries/",
        {"listing": inquiry.listing_id, "buyer": buyer_enterprise.pk, "message": "再问"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "buyer": ["Your organisation already has an open inquiry here; continue in that thread."]
    }
    assert Inquiry.objects.count() == 1


def test_either_a_listing_or_a_demand(buyer_enterprise, buyer_user):
    response = api_for(buyer_user).post(
        "/api/v1/inquiries/", {"buyer": buyer_enterprise.pk, "message": "你好"}, format="json"
    )

    assert (response.status_code, response.json()["detail"]) == (400, "Give either a listing or a demand.")


def test_the_seller_cannot_inquire_on_its_own_listing(active_listing, chengdu_staff, chengdu_institution):
    response = api_for(chengdu_staff).post(
        "/api/v1/inquiries/",
        {"listing": active_listing.pk, "buyer": chengdu_institution.pk, "message": "自己问"},
        format="json",
    )

    assert response.status_code == 403
    assert Inquiry.objects.count() == 0


def test_a_draft_listing_is_not_found(chengdu_institution, chengdu_staff, buyer_enterprise, buyer_user):
    draft = market_factories.listing(chengdu_institution, chengdu_staff, status=ListingStatus.DRAFT)

    response = api_for(buyer_user).post(
        "/api/v1/inquiries/",
        {"listing": draft.pk, "buyer": buyer_enterprise.pk, "message": "你好"},
        format="json",
    )

    assert response.status_code == 404
    assert Inquiry.objects.count() == 0


def test_an_institution_answers_a_demand(buyer_enterprise, buyer_user, chengdu_institution, chengdu_staff):
    demand = market_factories.demand(buyer_enterprise, buyer_user)

    response = api_for(chengdu_staff).post(
        "/api/v1/inquiries/",
        {"demand": demand.pk, "seller": chengdu_institution.pk, "message": "我们能解决"},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["demand"], response.json()["buyer"]["id"]) == (
        {"id": demand.pk, "title": demand.title},
        buyer_enterprise.pk,
    )


def test_my_inquiries_by_side(inquiry, buyer_user, chengdu_staff, other_buyer):
    def ids(user, **params):
        return [row["id"] for row in api_for(user).get("/api/v1/inquiries/", params).json()["results"]]

    assert ids(buyer_user) == [inquiry.pk]
    assert ids(buyer_user, side="buying") == [inquiry.pk]
    assert ids(buyer_user, side="selling") == []
    assert ids(chengdu_staff, side="selling", status="open") == [inquiry.pk]
    assert ids(chengdu_staff, status="closed") == []
    assert ids(other_buyer) == []


def test_posting_and_downloading_an_attachment(inquiry, chengdu_staff, buyer_user):
    upload = SimpleUploadedFile("技术说明.pdf", PDF, content_type="application/pdf")

    response = api_for(chengdu_staff).post(
        f"/api/v1/inquiries/{inquiry.pk}/messages/",
        {"body": "请查收", "attachment": upload},
        format="multipart",
    )

    assert response.status_code == 201
    message = InquiryMessage.objects.get(pk=response.json()["id"])
    attachment = response.json()["attachment"]
    assert (attachment["name"], attachment["type"]) == ("技术说明.pdf", "application/pdf")
    download = api_for(buyer_user).get(f"/api/v1/inquiries/{inquiry.pk}/messages/{message.pk}/attachment/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    listed = api_for(buyer_user).get(f"/api/v1/inquiries/{inquiry.pk}/messages/").json()
    assert [row["body"] for row in listed["results"]] == ["请问是否可以独占许可？", "请查收"]


def test_a_wrong_attachment_type_is_a_400(inquiry, chengdu_staff):
    upload = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/pdf")

    response = api_for(chengdu_staff).post(
        f"/api/v1/inquiries/{inquiry.pk}/messages/",
        {"body": "看看", "attachment": upload},
        format="multipart",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["attachment"]
    assert inquiry.messages.count() == 1


@pytest.mark.parametrize("who", ["other_buyer", "idle_broker", "chengdu_official"])
def test_outsiders_do_not_see_a_thread(who, request, inquiry):
    client = api_for(request.getfixturevalue(who))

    responses = [
        client.get(f"/api/v1/inquiries/{inquiry.pk}/"),
        client.post(f"/api/v1/inquiries/{inquiry.pk}/messages/", {"body": "插话"}, format="json"),
        client.post(f"/api/v1/inquiries/{inquiry.pk}/close/", {"reason": "关掉"}, format="json"),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.messages.count()) == (InquiryStatus.OPEN, 1)


def test_a_listing_broker_may_post_but_not_close(inquiry, broker):
    inquiry.listing.brokers.add(broker)
    client = api_for(broker)

    posted = client.post(f"/api/v1/inquiries/{inquiry.pk}/messages/", {"body": "我来撮合"}, format="json")
    closed = client.post(f"/api/v1/inquiries/{inquiry.pk}/close/", {"reason": "关掉"}, format="json")

    assert (posted.status_code, closed.status_code) == (201, 403)
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.OPEN


def test_closing_an_inquiry(inquiry, buyer_user):
    response = api_for(buyer_user).post(
        f"/api/v1/inquiries/{inquiry.pk}/close/", {"reason": "预算不足"}, format="json"
    )

    assert (response.status_code, response.json()["status"], response.json()["closed_reason"]) == (
        200,
        "closed",
        "预算不足",
    )
    again = api_for(buyer_user).post(
        f"/api/v1/inquiries/{inquiry.pk}/close/", {"reason": "再关"}, format="json"
    )
    assert (again.status_code, again.json()["code"]) == (400, "illegal_transition")


def test_proposing_a_deal(inquiry, chengdu_staff):
    response = api_for(chengdu_staff).post(
        f"/api/v1/inquiries/{inquiry.pk}/propose-deal/",
        {"amount": "1500000.00", "payment_method": "lump_sum", "transaction_mode": "licence_ordinary"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (
        body["status"],
        body["contract_category"],
        body["amount"],
        body["signing_blocker"],
        body["buyer_confirmed_at"],
    ) == (
        "negotiating",
        "licence",
        "1500000.00",
        None,
        None,
    )
    assert body["seller_confirmed_at"] is not None
    assert body["title"] == inquiry.listing.title


# --- deals -----------------------------------------------------------------------------------------


def test_a_deal_in_publicity_shows_its_signing_blocker_and_confirming_is_a_400(
    publicity_listing, buyer_enterprise, buyer_user, chengdu_staff
):
    inquiry = inquiry_services.inquiry_open_for_listing(
        actor=buyer_user, listing=publicity_listing, buyer=buyer_enterprise, message="想要"
    )
    deal = services.deal_propose(actor=buyer_user, inquiry=inquiry, terms=dict(TERMS))
    end = timezone.localtime(publicity_listing.publicity_ends_at).strftime("%Y-%m-%d %H:%M")
    message = f"The listing is still in its publicity period; the deal can be signed after {end}."

    shown = api_for(chengdu_staff).get(f"/api/v1/deals/{deal.pk}/")
    confirmed = api_for(chengdu_staff).post(
        f"/api/v1/deals/{deal.pk}/confirm/", {"terms_version": deal.terms_version}, format="json"
    )

    assert shown.json()["signing_blocker"] == message
    assert (confirmed.status_code, confirmed.json()["code"], confirmed.json()["detail"]) == (
        400,
        "signing_blocked",
        message,
    )
    deal.refresh_from_db()
    assert (deal.status, deal.seller_confirmed_at) == (DealStatus.NEGOTIATING, None)


def test_confirming_signs_the_deal(negotiating_deal, chengdu_staff):
    response = api_for(chengdu_staff).post(
        f"/api/v1/deals/{negotiating_deal.pk}/confirm/", {"terms_version": 1}, format="json"
    )

    assert (response.status_code, response.json()["status"]) == (200, "agreed")
    assert response.json()["signed_on"] is not None


def test_changing_terms_clears_the_other_confirmation(negotiating_deal, chengdu_staff):
    response = api_for(chengdu_staff).patch(
        f"/api/v1/deals/{negotiating_deal.pk}/", {"amount": "990000.00", "terms": "一次付清"}, format="json"
    )

    body = response.json()
    assert (response.status_code, body["amount"], body["terms"], body["buyer_confirmed_at"]) == (
        200,
        "990000.00",
        "一次付清",
        None,
    )
    assert body["seller_confirmed_at"] is not None


def test_cancelling_needs_a_reason(negotiating_deal, buyer_user):
    missing = api_for(buyer_user).post(f"/api/v1/deals/{negotiating_deal.pk}/cancel/", {}, format="json")
    done = api_for(buyer_user).post(
        f"/api/v1/deals/{negotiating_deal.pk}/cancel/", {"reason": "改变计划"}, format="json"
    )

    assert (missing.status_code, list(missing.json()["fields"])) == (400, ["reason"])
    assert (done.status_code, done.json()["status"], done.json()["cancelled_reason"]) == (
        200,
        "cancelled",
        "改变计划",
    )


def test_engaging_and_releasing_a_broker(
    negotiating_deal, buyer_user, broker, broker_agency, buyer_enterprise
):
    client = api_for(buyer_user)

    engaged = client.post(
        f"/api/v1/deals/{negotiating_deal.pk}/brokers/",
        {"broker": broker.pk, "role": "intermediary", "fee_basis": "pct_of_contract", "rate_percent": "3.00"},
        format="json",
    )

    assert engaged.status_code == 201
    [row] = engaged.json()["brokers"]
    assert (
        row["broker"]["id"],
        row["agency"]["id"],
        row["engaged_by"]["id"],
        row["role"],
        row["commission"],
    ) == (
        broker.pk,
        broker_agency.pk,
        buyer_enterprise.pk,
        "intermediary",
        "30000.00",
    )
    released = client.post(f"/api/v1/deals/{negotiating_deal.pk}/brokers/{row['id']}/release/")
    assert (released.status_code, released.json()["brokers"]) == (200, [])


def test_an_engaged_broker_sees_the_deal_but_cannot_confirm(
    negotiating_deal, broker, broker_agency, buyer_enterprise
):
    engage(negotiating_deal, broker, broker_agency, buyer_enterprise)
    client = api_for(broker)

    shown = client.get(f"/api/v1/deals/{negotiating_deal.pk}/")
    confirmed = client.post(
        f"/api/v1/deals/{negotiating_deal.pk}/confirm/", {"terms_version": 1}, format="json"
    )
    listed = client.get("/api/v1/deals/", {"side": "brokering"})

    assert (shown.status_code, confirmed.status_code) == (200, 403)
    assert [row["id"] for row in listed.json()["results"]] == [negotiating_deal.pk]
    negotiating_deal.refresh_from_db()
    assert negotiating_deal.status == DealStatus.NEGOTIATING


@pytest.mark.parametrize("who", ["other_buyer", "idle_broker", "chengdu_official"])
def test_outsiders_do_not_see_a_negotiation(who, request, negotiating_deal, other_deal, broker):
    client = api_for(request.getfixturevalue(who))
    path = f"/api/v1/deals/{negotiating_deal.pk}/"

    responses = [
        client.get(path),
        client.patch(path, {"amount": "1.00"}, format="json"),
        client.post(f"{path}confirm/"),
        client.post(f"{path}cancel/", {"reason": "捣乱"}, format="json"),
        client.post(
            f"{path}brokers/",
            {"broker": broker.pk, "role": "agent", "fee_basis": "fixed", "fee_amount": "1"},
            format="json",
        ),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404, 404, 404]
    negotiating_deal.refresh_from_db()
    assert (negotiating_deal.status, negotiating_deal.amount, DealBroker.objects.count()) == (
        DealStatus.NEGOTIATING,
        Decimal("1000000.00"),
        0,
    )


def test_an_official_over_a_party_reads_a_signed_deal_but_cannot_act(
    negotiating_deal, chengdu_staff, chengdu_official
):
    services.deal_confirm(
        actor=chengdu_staff, deal=negotiating_deal, terms_version=negotiating_deal.terms_version
    )
    client = api_for(chengdu_official)

    shown = client.get(f"/api/v1/deals/{negotiating_deal.pk}/")
    cancelled = client.post(f"/api/v1/deals/{negotiating_deal.pk}/cancel/", {"reason": "叫停"}, format="json")

    assert (shown.status_code, cancelled.status_code) == (200, 403)
    negotiating_deal.refresh_from_db()
    assert negotiating_deal.status == DealStatus.AGREED


def test_my_deals_filtered_by_side_status_and_year(negotiating_deal, chengdu_staff, buyer_user):
    def ids(user, **params):
        return [row["id"] for row in api_for(user).get("/api/v1/deals/", params).json()["results"]]

    year = negotiating_deal.created_at.year
    assert ids(chengdu_staff, side="selling") == [negotiating_deal.pk]
    assert ids(chengdu_staff, side="buying") == []
    assert ids(buyer_user, status="negotiating", year=year) == [negotiating_deal.pk]
    assert ids(buyer_user, year=year - 1) == []
    assert ids(buyer_user, status="agreed") == []


# --- query counts ----------------------------------------------------------------------------------


def _inquiries(count, institution, created_by, buyer_enterprise, buyer_user, broker, agency):
    for number in range(count):
        listing = market_factories.listing(institution, created_by, title=f"挂牌项目{number}")
        listing.brokers.add(broker)
        inquiry = inquiry_services.inquiry_open_for_listing(
            actor=buyer_user, listing=listing, buyer=buyer_enterprise, message="你好"
        )
        deal = services.deal_propose(actor=buyer_user, inquiry=inquiry, terms=dict(TERMS))
        engage(deal, broker, agency, buyer_enterprise)


# Authentication of a forced user costs nothing: the roles (1), the count and the page (2) and, for
# deals, the engagements (1).
@pytest.mark.parametrize("count", [1, 5])
def test_the_inquiry_list_costs_the_same_queries_for_1_and_5(
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
    forget_roles(buyer_user)
    client = api_for(buyer_user)

    with django_assert_num_queries(3):
        response = client.get("/api/v1/inquiries/", {"side": "buying"})

    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 5])
def test_the_deal_list_costs_the_same_queries_for_1_and_5(
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

    with django_assert_num_queries(4):
        response = client.get("/api/v1/deals/", {"side": "brokering"})

    assert response.json()["count"] == count
    assert {len(row["brokers"]) for row in response.json()["results"]} == {1}


@pytest.mark.parametrize("count", [1, 5])
def test_the_message_list_costs_the_same_queries_for_1_and_5(
    count, inquiry, buyer_user, chengdu_staff, django_assert_num_queries
):
    for number in range(count - 1):
        inquiry_services.message_post(actor=chengdu_staff, inquiry=inquiry, body=f"第{number}条")
    forget_roles(buyer_user)
    client = api_for(buyer_user)

    # The roles, the thread with its listing's brokers and its messages (3), the count and the page.
    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/inquiries/{inquiry.pk}/messages/")

    assert response.json()["count"] == count
