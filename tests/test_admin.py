"""Platform admins reach every model through Django admin; others are sent to the admin's sign-in."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from market.models import DealBroker, InquiryMessage, ListingObjection
from tests.achievements.factories import published
from tests.market import factories as market_factories

pytestmark = pytest.mark.django_db

MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"accounts", "institutions", "achievements", "market", "notifications"}
]


@pytest.fixture
def data(chengdu_staff, chengdu_official, chengdu_institution):
    """A published achievement, and a listing of it sold through a registered deal with a broker."""
    achievement = published(chengdu_staff, chengdu_official, chengdu_institution)
    buyer = market_factories.enterprise()
    buyer_user = market_factories.enterprise_user(buyer, "admin-test-buyer")
    listing = market_factories.listing(chengdu_institution, chengdu_staff, achievement=achievement)
    ListingObjection.objects.create(
        listing=listing, filed_by=buyer_user, reasons="成果权属存在争议，请核实。"
    )
    inquiry = market_factories.inquiry(listing, buyer, buyer_user)
    InquiryMessage.objects.create(inquiry=inquiry, author=buyer_user, body="请提供中试报告。")
    deal = market_factories.deal(
        chengdu_institution, buyer, chengdu_staff, listing_record=listing, inquiry=inquiry
    )
    broker = market_factories.broker_at(chengdu_institution, "admin-test-broker")
    DealBroker.objects.create(
        deal=deal,
        broker=broker,
        agency=chengdu_institution,
        engaged_by=chengdu_institution,
        role="intermediary",
        fee_basis="fixed",
        fee_amount=Decimal("30000"),
    )
    market_factories.contract(deal, registration_body=market_factories.registration_body())
    market_factories.demand(buyer, buyer_user)
    return achievement


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_every_changelist_and_change_page_opens_for_a_platform_admin(client, platform_admin, data, model):
    client.force_login(platform_admin)
    opts = model._meta

    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    instance = model._default_manager.first()
    if instance is not None:
        change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]))
        assert change.status_code == 200


def test_the_domain_models_are_all_registered():
    labels = {model._meta.label for model in MODELS}
    assert {
        "institutions.Organisation",
        "institutions.Membership",
        "institutions.Designation",
        "achievements.Achievement",
        "achievements.DualUseCatalogue",
        "notifications.Notification",
        "market.Listing",
        "market.Demand",
        "market.Deal",
        "market.ContractRegistration",
    } <= labels


def test_staff_of_an_institution_cannot_open_the_admin(client, chengdu_staff):
    client.force_login(chengdu_staff)

    response = client.get(reverse("admin:institutions_organisation_changelist"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
