"""What a visitor expects of a listing's page: the publicity countdown in days, an offer to sign in to
inquire that brings them back, and the links between a listing and its achievement."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from market.choices import ListingStatus
from market.services import listings as services
from tests.market.listings.conftest import listing_data, make_listing

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def chinese_client(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    if user is not None:
        client.force_login(user)
    return client


def test_the_publicity_countdown_counts_days(chengdu_admin, draft_listing):
    # given a listing published at 10:00 on a pinned day (200 days before its listing period ends, so the
    # period is valid whatever day the suite runs), seen two days later
    published = datetime.combine(
        draft_listing.listed_until - timedelta(days=200), time(10), tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
    with time_machine.travel(published, tick=False):
        listing = services.listing_publish(actor=chengdu_admin, listing=draft_listing)
    with time_machine.travel(published + timedelta(days=2), tick=False):
        # when a visitor opens it, in Chinese and in English
        chinese = chinese_client().get(reverse("market:listing-detail", args=[listing.pk])).content.decode()
        english = client_for().get(reverse("market:listing-detail", args=[listing.pk])).content.decode()
        board = chinese_client().get(reverse("market:listing-list")).content.decode()

    # then the countdown is in days (15 days of publicity, two gone), never "1 周，6 日"
    assert '<span class="ms-1" data-countdown>(剩余 13 天)</span>' in chinese
    assert "(13 days left)" in english
    assert '<span class="text-secondary" data-countdown>剩余 13 天</span>' in board


def test_a_visitor_is_offered_to_sign_in_to_inquire_and_come_back(publicity_listing, buyer):
    path = reverse("market:listing-detail", args=[publicity_listing.pk])

    visitor = chinese_client().get(path).content.decode()
    member = chinese_client(buyer).get(path).content.decode()

    assert (
        f'href="/accounts/login/?next=/market/listings/{publicity_listing.pk}/" data-sign-in-to-inquire>登录后咨询</a>'
        in visitor
    )
    assert "data-sign-in-to-inquire" not in member
    assert reverse("market:inquiry-create-for-listing", args=[publicity_listing.pk]) in member


def test_no_sign_in_to_inquire_on_a_sold_listing(chengdu_institution, chengdu_admin):
    sold = make_listing(chengdu_institution, chengdu_admin, status=ListingStatus.SOLD)

    page = client_for().get(reverse("market:listing-detail", args=[sold.pk])).content.decode()

    assert "data-sign-in-to-inquire" not in page


def test_a_listing_and_its_achievement_link_to_each_other(publicity_listing, achievement, chengdu_staff):
    # given a second listing of the achievement that is still a draft
    draft = services.listing_create(
        actor=chengdu_staff,
        institution=publicity_listing.institution,
        data=listing_data(),
        achievement=achievement,
    )

    listing_page = (
        client_for().get(reverse("market:listing-detail", args=[publicity_listing.pk])).content.decode()
    )
    achievement_page = client_for().get(f"/achievements/{achievement.pk}/").content.decode()
    staff_view = client_for(chengdu_staff).get(f"/achievements/{achievement.pk}/")

    assert f'href="/achievements/{achievement.pk}/"' in listing_page
    assert (
        f'href="/market/listings/{publicity_listing.pk}/" data-listing="{publicity_listing.pk}"'
        in achievement_page
    )
    # only what is on the market, for the seller's staff too
    assert f'data-listing="{draft.pk}"' not in achievement_page
    assert [listing.pk for listing in staff_view.context["listings"]] == [publicity_listing.pk]
