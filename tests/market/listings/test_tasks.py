"""The beat tasks close publicity and expire listings; running them twice changes nothing more."""

from datetime import timedelta

import pytest
from django.utils import timezone

from market.choices import ListingStatus
from market.models import ListingObjection
from market.tasks import listings as tasks
from notifications.models import Notification
from tests.market.listings.conftest import make_listing

pytestmark = pytest.mark.django_db

REASONS = "该技术的专利权属存在争议，请核实。"


def test_close_publicity_task_is_safe_to_run_twice(chengdu_institution, chengdu_admin, buyer):
    now = timezone.now()
    due = make_listing(
        chengdu_institution,
        chengdu_admin,
        status=ListingStatus.PUBLICITY,
        publicity_ends_at=now - timedelta(hours=1),
    )
    running = make_listing(
        chengdu_institution,
        chengdu_admin,
        status=ListingStatus.PUBLICITY,
        publicity_ends_at=now + timedelta(days=3),
    )
    objected = make_listing(
        chengdu_institution,
        chengdu_admin,
        status=ListingStatus.PUBLICITY,
        publicity_ends_at=now - timedelta(hours=1),
    )
    ListingObjection.objects.create(listing=objected, filed_by=buyer, reasons=REASONS)
    assert tasks.listing_close_publicity_task() == 1
    assert tasks.listing_close_publicity_task() == 0
    for listing, expected in ((due, "active"), (running, "publicity"), (objected, "publicity")):
        listing.refresh_from_db()
        assert listing.status == expected
    assert Notification.objects.filter(verb="listing.active").count() == 1


def test_expire_task_is_safe_to_run_twice(chengdu_institution, chengdu_admin):
    yesterday = timezone.localdate() - timedelta(days=1)
    past = make_listing(chengdu_institution, chengdu_admin, listed_until=yesterday)
    in_deal = make_listing(
        chengdu_institution, chengdu_admin, status=ListingStatus.IN_DEAL, listed_until=yesterday
    )
    current = make_listing(chengdu_institution, chengdu_admin)
    assert tasks.listing_expire_task() == 1
    assert tasks.listing_expire_task() == 0
    for listing, expected in ((past, "expired"), (in_deal, "in_deal"), (current, "active")):
        listing.refresh_from_db()
        assert listing.status == expected
    assert Notification.objects.filter(verb="listing.expired").count() == 1
