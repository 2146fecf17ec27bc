"""Editing a listing in the browser (issue 11): the edit page of a listing with an end date fills the
date input with a value the browser keeps (ISO, not the Chinese 2027/12/31), so saving without touching
it saves, rather than failing with "该字段是必填项" on a field the user never changed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from market.choices import ListingStatus
from market.models import Listing
from tests import factories
from tests.achievements.factories import published
from tests.browser.test_market_journey import sign_in
from tests.market import factories as market_factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]


def test_a_draft_listing_is_saved_without_touching_its_end_date(page):
    # given a draft listing of the institution, with an end date
    institution = factories.TransferInstitutionFactory(
        name="四川大学技术转移中心", region=factories.region("510107")
    )
    seller = factories.staff_of(institution, username="scu-seller", full_name="王晓川")
    official = factories.official_for("510100", username="chengdu-reviewer", full_name="李审核")
    achievement = published(seller, official, institution)
    listed_until = timezone.localdate() + timedelta(days=200)
    listing = market_factories.listing(
        institution, seller, status=ListingStatus.DRAFT, achievement=achievement, listed_until=listed_until
    )

    # when the seller opens its edit page, changes the contact person only and saves
    sign_in(page, "scu-seller")
    page.goto(f"{page.base_url}/market/listings/{listing.pk}/edit/")
    expect(page.locator("input[name=listed_until]")).to_have_value(listed_until.isoformat())
    page.fill("input[name=contact_name]", "李老师")
    page.click("form:has(input[name=contact_name]) button[type=submit]")

    # then the listing's page shows, and the listing kept its end date
    expect(page).to_have_url(re.compile(rf"/market/listings/{listing.pk}/$"))
    listing = Listing.objects.get(pk=listing.pk)
    assert (listing.contact_name, listing.listed_until) == ("李老师", listed_until)
