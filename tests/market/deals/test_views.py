"""Pages of inquiries and deals: the forms, the thread, the deal page with its banner and buttons, who
may see and do what, and fixed query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import limits
from market.choices import DealStatus, InquiryStatus
from market.models import DealBroker, Inquiry
from market.services import deals as services
from market.services import inquiries as inquiry_services
from tests.market import factories as market_factories
from tests.market.deals.conftest import TERMS, client_for, engage

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


# --- opening an inquiry ----------------------------------------------------------------------------


def test_a_buyer_inquires_from_the_listing_page(active_listing, buyer_enterprise, buyer_user):
    client = client_for(buyer_user)
    url = f"/market/listings/{active_listing.pk}/inquire/"

    form_page = client.get(url)
    response = client.post(url, {"buyer": buyer_enterprise.pk, "message": "希望了解中试数据"})

    assert form_page.status_code == 200
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/market/inquiries/{inquiry.pk}/"
    assert inquiry.messages.get().body == "希望了解中试数据"


def test_a_duplicate_inquiry_is_shown_next_to_the_organisation(inquiry, buyer_enterprise, buyer_user):
    response = client_for(buyer_user).post(
        f"/market/listings/{inquiry.listing_id}/inquire/", {"buyer": buyer_enterprise.pk, "message": "再问"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "buyer": ["Your organisation already has an open inquiry here; continue in that thread."]
    }


def test_the_inquiry_form_is_refused_to_the_seller_and_asks_visitors_to_sign_in(
    active_listing, chengdu_staff
):
    url = f"/market/listings/{active_listing.pk}/inquire/"

    seller = client_for(chengdu_staff).get(url)
    visitor = client_for().get(url)

    assert seller.status_code == 403
    assert (visitor.status_code, visitor["Location"].split("?")[0]) == (302, "/accounts/login/")


def test_an_institution_answers_a_demand_from_its_page(
    buyer_enterprise, buyer_user, chengdu_institution, chengdu_staff, active_listing
):
    demand = market_factories.demand(buyer_enterprise, buyer_user)
    client = client_for(chengdu_staff)
    url = f"/market/demands/{demand.pk}/answer/"

    form_page = client.get(url)
    response = client.post(
        url, {"seller": chengdu_institution.pk, "offered_listing": active_listing.pk, "message": "我们有方案"}
    )

    assert form_page.status_code == 200
    assert list(form_page.context["form"].fields["offered_listing"].queryset) == [active_listing]
    inquiry = Inquiry.objects.get()
    assert (response.status_code, inquiry.demand_id, inquiry.seller_id) == (
        302,
        demand.pk,
        chengdu_institution.pk,
    )


# --- the thread ------------------------------------------------------------------------------------


def test_the_thread_shows_messages_and_the_forms_of_a_party(inquiry, chengdu_staff):
    response = client_for(chengdu_staff).get(f"/market/inquiries/{inquiry.pk}/")

    assert response.status_code == 200
    assert [message.body for message in response.context["thread"]] == ["请问是否可以独占许可？"]
    assert response.context["can"] == {"post": True, "close": True, "propose": True}
    assert response.context["propose_form"].initial["title"] == inquiry.listing.title


def test_a_message_with_an_attachment_and_its_download(inquiry, chengdu_staff, buyer_user):
    upload = SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf")

    response = client_for(chengdu_staff).post(
        f"/market/inquiries/{inquiry.pk}/messages/", {"body": "附件请查收", "attachment": upload}
    )

    message = inquiry.messages.order_by("pk").last()
    assert (response.status_code, response["Location"]) == (302, f"/market/inquiries/{inquiry.pk}/#latest")
    download = client_for(buyer_user).get(f"/market/inquiries/{inquiry.pk}/messages/{message.pk}/attachment/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_wrong_attachment_is_shown_next_to_the_field(inquiry, chengdu_staff):
    upload = SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="application/pdf")

    response = client_for(chengdu_staff).post(
        f"/market/inquiries/{inquiry.pk}/messages/", {"body": "看看", "attachment": upload}
    )

    assert response.status_code == 400
    assert response.context["message_form"].errors == {
        "attachment": ["Only PDF, PNG, JPEG and Office documents (Word, Excel, PowerPoint) can be attached."]
    }
    assert inquiry.messages.count() == 1


@pytest.mark.parametrize("who", ["other_buyer", "idle_broker", "chengdu_official"])
def test_outsiders_get_a_404_for_a_thread_and_its_actions(who, request, inquiry):
    client = client_for(request.getfixturevalue(who))
    base = f"/market/inquiries/{inquiry.pk}/"

    responses = [
        client.get(base),
        client.post(f"{base}messages/", {"body": "插话"}),
        client.post(f"{base}close/", {"reason": "关"}),
        client.post(
            f"{base}propose/",
            {"title": "x", "transaction_mode": "transfer", "amount": "1", "payment_method": "lump_sum"},
        ),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.messages.count()) == (InquiryStatus.OPEN, 1)


def test_closing_and_proposing_from_the_thread(active_listing, inquiry, buyer_user, chengdu_staff):
    proposed = client_for(chengdu_staff).post(
        f"/market/inquiries/{inquiry.pk}/propose/",
        {
            "title": "专利实施许可",
            "transaction_mode": "licence_ordinary",
            "amount": "300000",
            "payment_method": "royalty",
        },
    )

    deal = inquiry.deal
    assert (proposed.status_code, proposed["Location"]) == (302, f"/market/deals/{deal.pk}/")
    assert (deal.contract_category, deal.status) == ("licence", DealStatus.NEGOTIATING)
    closed = client_for(buyer_user).post(f"/market/inquiries/{inquiry.pk}/close/", {"reason": "已成交"})
    assert closed.status_code == 400
    assert closed.context["close_form"].non_field_errors() == [
        "The inquiry is Became a deal and cannot become Closed."
    ]


# --- the deal page ---------------------------------------------------------------------------------


def test_the_deal_page_warns_while_publicity_runs_and_refuses_to_sign(
    publicity_listing, buyer_enterprise, buyer_user, chengdu_staff
):
    inquiry = inquiry_services.inquiry_open_for_listing(
        actor=buyer_user, listing=publicity_listing, buyer=buyer_enterprise, message="想要"
    )
    deal = services.deal_propose(actor=buyer_user, inquiry=inquiry, terms=dict(TERMS))
    client = client_for(chengdu_staff)
    end = timezone.localtime(publicity_listing.publicity_ends_at).strftime("%Y-%m-%d %H:%M")
    blocker = f"The listing is still in its publicity period; the deal can be signed after {end}."

    page = client.get(f"/market/deals/{deal.pk}/")
    confirmed = client.post(f"/market/deals/{deal.pk}/confirm/", {"terms_version": 1}, follow=True)

    assert page.context["signing_blocker"] == blocker
    assert "signing-blocker" in page.content.decode()
    assert [str(message) for message in confirmed.context["messages"]] == [blocker]
    deal.refresh_from_db()
    assert (deal.status, deal.seller_confirmed_at) == (DealStatus.NEGOTIATING, None)


def test_confirming_from_the_page_signs_and_links_the_seller_to_the_registration_form(
    negotiating_deal, chengdu_staff, buyer_user
):
    client = client_for(chengdu_staff)

    response = client.post(f"/market/deals/{negotiating_deal.pk}/confirm/", {"terms_version": 1}, follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "Both parties have confirmed: the deal is signed."
    ]
    assert response.context["can"]["contract"] is True
    assert f'href="/market/deals/{negotiating_deal.pk}/contract/"' in response.content.decode()
    buyer_page = client_for(buyer_user).get(f"/market/deals/{negotiating_deal.pk}/")
    assert buyer_page.context["can"]["contract"] is False


def test_changing_terms_cancelling_and_brokers_from_the_page(
    negotiating_deal, chengdu_staff, buyer_user, broker, idle_broker
):
    client = client_for(chengdu_staff)
    base = f"/market/deals/{negotiating_deal.pk}/"

    terms = client.post(
        f"{base}terms/",
        {
            "title": "新名称",
            "transaction_mode": "transfer",
            "amount": "900000",
            "payment_method": "lump_sum",
            "terms": "一次付清",
        },
    )
    engaged = client.post(
        f"{base}brokers/",
        {"broker": broker.pk, "role": "intermediary", "fee_basis": "fixed", "fee_amount": "20000"},
    )
    missing_fee = client.post(
        f"{base}brokers/", {"broker": idle_broker.pk, "role": "agent", "fee_basis": "pct_of_contract"}
    )
    page = client.get(base)
    cancelled = client_for(buyer_user).post(f"{base}cancel/", {"reason": "计划有变"})

    negotiating_deal.refresh_from_db()
    assert (terms.status_code, engaged.status_code, cancelled.status_code) == (302, 302, 302)
    assert missing_fee.status_code == 400
    assert missing_fee.context["broker_form"].errors == {"rate_percent": ["Give the commission rate."]}
    [(engagement, commission)] = page.context["engagements"]
    assert (engagement.broker_id, str(commission)) == (broker.pk, "20000.00")
    assert (negotiating_deal.title, negotiating_deal.status, negotiating_deal.buyer_confirmed_at) == (
        "新名称",
        DealStatus.CANCELLED,
        None,
    )


@pytest.mark.parametrize("who", ["other_buyer", "idle_broker"])
def test_outsiders_get_a_404_for_a_deal_and_its_actions(who, request, negotiating_deal, broker):
    client = client_for(request.getfixturevalue(who))
    base = f"/market/deals/{negotiating_deal.pk}/"

    responses = [
        client.get(base),
        client.post(f"{base}confirm/"),
        client.post(f"{base}cancel/", {"reason": "捣乱"}),
        client.post(
            f"{base}brokers/", {"broker": broker.pk, "role": "agent", "fee_basis": "fixed", "fee_amount": "1"}
        ),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    negotiating_deal.refresh_from_db()
    assert (negotiating_deal.status, negotiating_deal.seller_confirmed_at, DealBroker.objects.count()) == (
        DealStatus.NEGOTIATING,
        None,
        0,
    )


def test_an_engaged_broker_reads_the_deal_but_has_no_buttons(
    negotiating_deal, broker, broker_agency, buyer_enterprise
):
    engage(negotiating_deal, broker, broker_agency, buyer_enterprise)
    client = client_for(broker)

    page = client.get(f"/market/deals/{negotiating_deal.pk}/")
    confirmed = client.post(f"/market/deals/{negotiating_deal.pk}/confirm/", {"terms_version": 1})

    assert page.status_code == 200
    assert page.context["can"] == {
        "edit": False,
        "confirm": False,
        "cancel": False,
        "brokers": False,
        "contract": False,
        "side": None,
    }
    assert confirmed.status_code == 403
    negotiating_deal.refresh_from_db()
    assert negotiating_deal.seller_confirmed_at is None


# --- lists and query counts ------------------------------------------------------------------------


def _deals(count, institution, created_by, buyer_enterprise, buyer_user, broker, agency):
    for number in range(count):
        listing = market_factories.listing(institution, created_by, title=f"挂牌项目{number}")
        inquiry = inquiry_services.inquiry_open_for_listing(
            actor=buyer_user, listing=listing, buyer=buyer_enterprise, message="你好"
        )
        deal = services.deal_propose(actor=buyer_user, inquiry=inquiry, terms=dict(TERMS))
        engage(deal, broker, agency, buyer_enterprise)


def test_my_deals_tabs_and_filters(negotiating_deal, chengdu_staff):
    client = client_for(chengdu_staff)

    selling = client.get("/market/deals/", {"side": "selling"})
    buying = client.get("/market/deals/", {"side": "buying"})
    agreed = client.get("/market/deals/", {"status": "agreed"})

    assert [deal.pk for deal in selling.context["page_obj"]] == [negotiating_deal.pk]
    assert (buying.context["page_obj"].paginator.count, agreed.context["page_obj"].paginator.count) == (0, 0)


# The session, the user, the roles, the count and the page, the navbar's notifications and queues,
# and saving the session (3); deals add their engagements, the thread its brokers and messages.
@pytest.mark.parametrize("count", [1, 5])
def test_my_inquiries_costs_the_same_queries_for_1_and_5(
    count,
    chengdu_institution,
    chengdu_staff,
    buyer_enterprise,
    buyer_user,
    broker,
    broker_agency,
    django_assert_num_queries,
):
    _deals(count, chengdu_institution, chengdu_staff, buyer_enterprise, buyer_user, broker, broker_agency)
    client = client_for(buyer_user)

    with django_assert_num_queries(11):
        response = client.get("/market/inquiries/", {"side": "buying"})

    assert response.context["page_obj"].paginator.count == count


@pytest.mark.parametrize("count", [1, 5])
def test_my_deals_costs_the_same_queries_for_1_and_5(
    count,
    chengdu_institution,
    chengdu_staff,
    buyer_enterprise,
    buyer_user,
    broker,
    broker_agency,
    django_assert_num_queries,
):
    _deals(count, chengdu_institution, chengdu_staff, buyer_enterprise, buyer_user, broker, broker_agency)
    client = client_for(buyer_user)

    with django_assert_num_queries(12):
        response = client.get("/market/deals/", {"side": "buying", "status": "negotiating"})

    assert response.context["page_obj"].paginator.count == count


@pytest.mark.parametrize("count", [1, 5])
def test_the_thread_costs_the_same_queries_for_1_and_5_messages(
    count, inquiry, chengdu_staff, buyer_user, django_assert_num_queries
):
    for number in range(count - 1):
        inquiry_services.message_post(
            actor=chengdu_staff,
            inquiry=inquiry,
            body=f"第{number}条",
            attachment=SimpleUploadedFile(f"{number}.pdf", PDF, content_type="application/pdf"),
        )
    client = client_for(buyer_user)

    with django_assert_num_queries(12):
        response = client.get(f"/market/inquiries/{inquiry.pk}/")

    assert len(response.context["thread"]) == count


def test_the_inquiry_form_sent_twice_opens_one_inquiry(active_listing, buyer_enterprise, buyer_user):
    client = client_for(buyer_user)
    url = f"/market/listings/{active_listing.pk}/inquire/"
    key = client.get(url).context["form"]["submission_key"].value()
    body = {"buyer": buyer_enterprise.pk, "message": "希望了解中试数据", "submission_key": key}

    first = client.post(url, body)
    second = client.post(url, body)

    inquiry = Inquiry.objects.get()
    assert first["Location"] == second["Location"] == f"/market/inquiries/{inquiry.pk}/"
    assert inquiry.messages.count() == 1


def test_the_answer_to_a_demand_sent_twice_opens_one_inquiry(
    buyer_enterprise, buyer_user, chengdu_institution, chengdu_staff
):
    demand = market_factories.demand(buyer_enterprise, buyer_user)
    client = client_for(chengdu_staff)
    url = f"/market/demands/{demand.pk}/answer/"
    key = client.get(url).context["form"]["submission_key"].value()
    body = {"seller": chengdu_institution.pk, "message": "我们有方案", "submission_key": key}

    first = client.post(url, body)
    second = client.post(url, body)

    inquiry = Inquiry.objects.get()
    assert first["Location"] == second["Location"] == f"/market/inquiries/{inquiry.pk}/"


def test_a_message_too_long_is_refused_by_the_form(active_listing, buyer_enterprise, buyer_user):
    response = client_for(buyer_user).post(
        f"/market/listings/{active_listing.pk}/inquire/",
        {"buyer": buyer_enterprise.pk, "message": "长" * (limits.MESSAGE_MAX_LENGTH + 1)},
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["message"]
    assert not Inquiry.objects.exists()
