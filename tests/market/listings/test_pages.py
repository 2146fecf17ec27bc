"""Listing pages: the public market, a listing's page and its forms, the listing form, my listings and
the objection queue, with their 403s and constant query counts."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from market.choices import ListingStatus, ObjectionStatus
from market.models import Listing, ListingObjection
from market.services import listings as services
from tests import factories
from tests.market.listings.conftest import make_listing

pytestmark = pytest.mark.django_db

REASONS = "该技术的专利权属存在争议，请核实。"


def client_for(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def test_the_market_lists_public_listings_with_a_publicity_badge(
    publicity_listing, chengdu_institution, chengdu_admin
):
    make_listing(chengdu_institution, chengdu_admin, title="草稿中的技术", status=ListingStatus.DRAFT)
    response = client_for().get(reverse("market:listing-list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert publicity_listing.title in content
    assert "草稿中的技术" not in content
    assert 'data-status="publicity"' in content
    assert response.context["page_obj"].paginator.count == 1


def test_the_market_filters_and_an_htmx_request_gets_the_results_only(chengdu_institution, chengdu_admin):
    make_listing(chengdu_institution, chengdu_admin)
    url = reverse("market:listing-list")
    assert (
        client_for().get(url, {"transaction_mode": "technical_service"}).context["page_obj"].paginator.count
        == 0
    )
    assert client_for().get(url, {"price_min": "not a number"}).context["page_obj"].paginator.count == 1
    partial = client_for().get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert partial.templates[0].name == "market/listings/_results.html"


@pytest.mark.parametrize("rows", [1, 5])
def test_the_market_page_has_a_constant_query_count(
    chengdu_institution, chengdu_admin, broker, django_assert_num_queries, rows
):
    for _index in range(rows):
        make_listing(chengdu_institution, chengdu_admin).brokers.add(broker)
    client = client_for()
    # regions, technology fields, count, page, brokers
    with django_assert_num_queries(5):
        response = client.get(reverse("market:listing-list"))
    assert response.status_code == 200


def test_the_detail_page_shows_countdown_objection_form_and_interest_button(publicity_listing, buyer):
    response = client_for(buyer).get(reverse("market:listing-detail", args=[publicity_listing.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "In publicity until" in content
    assert reverse("market:objection-file", args=[publicity_listing.pk]) in content
    assert reverse("market:inquiry-create-for-listing", args=[publicity_listing.pk]) in content
    assert response.context["may"]["object"] is True
    assert response.context["may"]["withdraw"] is False


def test_the_seller_sees_edit_publish_and_withdraw_on_a_draft(draft_listing, chengdu_staff):
    response = client_for(chengdu_staff).get(reverse("market:listing-detail", args=[draft_listing.pk]))
    assert response.status_code == 200
    may = response.context["may"]
    assert (may["edit"], may["publish"], may["withdraw"], may["object"], may["inquire"]) == (
        True,
        True,
        True,
        False,
        False,
    )


def test_drafts_are_404_for_others(draft_listing, buyer):
    assert client_for(buyer).get(reverse("market:listing-detail", args=[draft_listing.pk])).status_code == 404
    assert client_for().get(reverse("market:listing-detail", args=[draft_listing.pk])).status_code == 404


def test_publishing_from_the_page(draft_listing, chengdu_staff, buyer):
    url = reverse("market:listing-publish", args=[draft_listing.pk])
    assert client_for().post(url).status_code == 302
    assert client_for(buyer).post(url).status_code == 404
    draft_listing.refresh_from_db()
    assert draft_listing.status == ListingStatus.DRAFT
    response = client_for(chengdu_staff).post(url)
    assert response.status_code == 302
    draft_listing.refresh_from_db()
    assert draft_listing.status == ListingStatus.PUBLICITY


def test_filing_an_objection_from_the_page(publicity_listing, buyer, chengdu_staff):
    url = reverse("market:objection-file", args=[publicity_listing.pk])
    assert client_for(chengdu_staff).post(url, {"reasons": REASONS}).status_code == 403
    short = client_for(buyer).post(url, {"reasons": "太短"})
    assert short.status_code == 400
    assert short.context["objection_form"].errors == {
        "reasons": ["Ensure this value has at least 10 characters (it has 2)."]
    }
    assert ListingObjection.objects.count() == 0
    response = client_for(buyer).post(url, {"reasons": REASONS})
    assert response.status_code == 302
    assert ListingObjection.objects.get().filed_by == buyer


def test_an_official_withdraws_with_a_reason_from_the_page(
    publicity_listing, chengdu_official, mianyang_official
):
    url = reverse("market:listing-withdraw", args=[publicity_listing.pk])
    assert client_for(mianyang_official).post(url, {"reason": "权属争议"}).status_code == 403
    missing = client_for(chengdu_official).post(url, {"reason": ""})
    assert missing.status_code == 400
    assert missing.context["withdraw_form"].errors == {
        "reason": ["Give the reason for withdrawing the listing."]
    }
    assert client_for(chengdu_official).post(url, {"reason": "权属争议"}).status_code == 302
    publicity_listing.refresh_from_db()
    assert publicity_listing.status == ListingStatus.WITHDRAWN


def test_the_create_form_from_an_achievement(chengdu_staff, chengdu_institution, achievement):
    url = reverse("market:listing-create") + f"?achievement={achievement.pk}"
    page = client_for(chengdu_staff).get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["title"] == achievement.title
    listed_until = (timezone.localdate() + timedelta(days=90)).isoformat()
    body = {
        "institution": chengdu_institution.pk,
        "title": achievement.title,
        "summary": achievement.summary,
        "keywords": "锂离子电池, 负极材料",
        "transaction_mode": "transfer",
        "pricing_method": "fixed",
        "price": "",
        "listed_until": listed_until,
        "contact_name": "王老师",
        "contact_phone": "028-85400000",
    }
    invalid = client_for(chengdu_staff).post(url, body)
    assert invalid.status_code == 400
    assert invalid.context["form"].errors == {
        "price": ["Give the price (for an auction, the starting price)."]
    }
    response = client_for(chengdu_staff).post(url, {**body, "price": "800000"})
    assert response.status_code == 302
    listing = Listing.objects.get()
    assert (listing.achievement, listing.keywords, listing.status) == (
        achievement,
        ["锂离子电池", "负极材料"],
        "draft",
    )


def test_the_listing_form_shows_every_error_on_the_first_submit(
    chengdu_staff, chengdu_institution, achievement
):
    # given a form with a bad e-mail, a bad phone, a price range upside down and a period too long
    url = reverse("market:listing-create") + f"?achievement={achievement.pk}"
    too_far = timezone.localdate() + timedelta(days=settings.MARKET_LISTING_MAX_DAYS + 1)
    body = {
        "institution": chengdu_institution.pk,
        "title": achievement.title,
        "summary": achievement.summary,
        "transaction_mode": "transfer",
        "pricing_method": "range",
        "price": "900000",
        "price_max": "500000",
        "listed_until": too_far.isoformat(),
        "contact_name": "王老师",
        "contact_phone": "abc",
        "contact_email": "not-an-address",
    }

    # when it is submitted once
    response = client_for(chengdu_staff).post(url, body)

    # then every problem is shown together, and nothing is saved
    assert response.status_code == 400
    assert sorted(response.context["form"].errors) == [
        "contact_email",
        "contact_phone",
        "listed_until",
        "price_max",
    ]
    assert response.context["form"].errors["price_max"] == ["The highest price must not be below the lowest."]
    assert Listing.objects.count() == 0


def test_the_listing_service_reports_the_price_period_and_brokers_together(
    chengdu_staff, chengdu_institution, achievement, outsider
):
    data = {
        "title": "锂电池负极材料",
        "summary": "技术摘要",
        "transaction_mode": "transfer",
        "pricing_method": "range",
        "price": 900000,
        "price_max": 500000,
        "listed_until": timezone.localdate(),
        "contact_name": "王老师",
        "contact_phone": "abc",
        "brokers": [outsider],
    }

    with pytest.raises(ValidationError) as caught:
        services.listing_create(
            actor=chengdu_staff, institution=chengdu_institution, achievement=achievement, data=data
        )

    assert sorted(caught.value.message_dict) == ["brokers", "contact_phone", "listed_until", "price_max"]
    assert Listing.objects.count() == 0


def test_the_create_form_is_403_for_enterprise_users(buyer, achievement):
    assert client_for(buyer).get(reverse("market:listing-create")).status_code == 403
    assert (
        client_for(buyer).get(reverse("market:listing-create") + f"?achievement={achievement.pk}").status_code
        == 403
    )


def test_the_standalone_form_offers_services_only(chengdu_staff):
    response = client_for(chengdu_staff).get(reverse("market:listing-create"))
    assert response.status_code == 200
    assert [value for value, _label in response.context["form"].fields["transaction_mode"].choices] == [
        "technical_service",
        "technical_consulting",
    ]


def test_editing_a_draft_and_403_for_others(draft_listing, chengdu_staff, mianyang_admin):
    url = reverse("market:listing-edit", args=[draft_listing.pk])
    assert client_for(mianyang_admin).get(url).status_code == 404
    page = client_for(chengdu_staff).get(url)
    assert page.status_code == 200
    data = {key: value for key, value in page.context["form"].initial.items() if value is not None}
    data.update(
        contact_name="李老师",
        keywords="锂离子电池",
        brokers=[],
        listed_until=data["listed_until"].isoformat(),
    )
    data.pop("brokers")
    data["technology_field"] = draft_listing.technology_field_id
    response = client_for(chengdu_staff).post(url, data)
    assert response.status_code == 302
    draft_listing.refresh_from_db()
    assert draft_listing.contact_name == "李老师"


def test_my_listings_has_status_tabs(draft_listing, publicity_listing, chengdu_staff, buyer):
    response = client_for(chengdu_staff).get(reverse("market:my-listings"))
    assert response.status_code == 200
    tabs = {value: count for value, _label, count in response.context["tabs"]}
    assert tabs[""] == 1
    assert tabs["publicity"] == 1
    drafts = client_for(chengdu_staff).get(reverse("market:my-listings"), {"status": "draft"})
    assert drafts.context["page_obj"].paginator.count == 0
    assert client_for(buyer).get(reverse("market:my-listings")).context["page_obj"].paginator.count == 0
    assert client_for().get(reverse("market:my-listings")).status_code == 302


@pytest.mark.parametrize("rows", [1, 5])
def test_my_listings_has_a_constant_query_count(
    chengdu_institution, chengdu_staff, django_assert_num_queries, rows
):
    for _index in range(rows):
        make_listing(chengdu_institution, chengdu_staff)
    client = client_for(chengdu_staff)
    client.get(reverse("market:my-listings"))
    with django_assert_num_queries(13):
        response = client.get(reverse("market:my-listings"))
    assert response.status_code == 200


def test_the_objection_queue_and_resolving(
    publicity_listing, buyer, chengdu_official, mianyang_official, chengdu_staff
):
    objection = services.objection_file(actor=buyer, listing=publicity_listing, reasons=REASONS)
    assert client_for(chengdu_staff).get(reverse("market:objection-queue")).status_code == 403
    assert (
        client_for(mianyang_official)
        .get(reverse("market:objection-queue"))
        .context["page_obj"]
        .paginator.count
        == 0
    )
    page = client_for(chengdu_official).get(reverse("market:objection-queue"))
    assert page.status_code == 200
    assert list(page.context["page_obj"]) == [objection]
    url = reverse("market:objection-resolve", args=[objection.pk])
    assert (
        client_for(mianyang_official).post(url, {"decision": "uphold", "resolution": "成立"}).status_code
        == 404
    )
    assert (
        client_for(chengdu_official)
        .post(url, {"decision": "dismiss", "resolution": "异议不成立"})
        .status_code
        == 302
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED


@pytest.mark.parametrize("rows", [1, 5])
def test_the_objection_queue_has_a_constant_query_count(
    chengdu_institution, chengdu_admin, chengdu_official, django_assert_num_queries, rows
):
    for index in range(rows):
        listing = make_listing(chengdu_institution, chengdu_admin, status=ListingStatus.PUBLICITY)
        ListingObjection.objects.create(
            listing=listing, filed_by=factories.UserFactory(username=f"o-{index}"), reasons=REASONS
        )
    client = client_for(chengdu_official)
    client.get(reverse("market:objection-queue"))
    with django_assert_num_queries(10):
        response = client.get(reverse("market:objection-queue"))
    assert response.status_code == 200


def test_the_listing_form_sent_twice_makes_one_draft(chengdu_staff, chengdu_institution, achievement):
    # given the form as the browser received it, with its submission key
    client = client_for(chengdu_staff)
    url = reverse("market:listing-create") + f"?achievement={achievement.pk}"
    key = client.get(url).context["form"]["submission_key"].value()
    body = {
        "institution": chengdu_institution.pk,
        "title": achievement.title,
        "summary": achievement.summary,
        "transaction_mode": "transfer",
        "pricing_method": "fixed",
        "price": "800000",
        "listed_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "contact_name": "王老师",
        "contact_phone": "028-85400000",
        "submission_key": key,
    }

    # when it is sent twice
    first = client.post(url, body)
    second = client.post(url, body)

    # then one listing exists and both sendings lead to it
    listing = Listing.objects.get()
    assert first["Location"] == second["Location"] == reverse("market:listing-detail", args=[listing.pk])
