"""No double sale (issue 12, item 2): a listing's transaction mode decides how many deals may be signed
on it — 转让, 独占许可, 排他许可 (no territory or field is recorded) and 作价投资 one, 普通许可 and
services many. The rule holds under the listing's lock and by a database constraint; the second buyer
is told why; a signed deal that ends (cancelled, or given up after a refused registration) frees the
listing again, and the audit trail shows it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from achievements.choices import CooperationMode
from institutions.choices import ClassificationScheme
from institutions.models import Classification
from institutions.roles import forget_roles
from market.choices import DealStatus, ListingStatus
from market.models import Deal
from market.selectors import contracts as contract_selectors
from market.selectors import deals as selectors
from market.services import contracts as contract_services
from market.services import deals as services
from market.services import inquiries as inquiry_services
from tests.market import factories as market_factories
from tests.market.deals.conftest import TERMS, api_for, client_for

pytestmark = pytest.mark.django_db

TAKEN = (
    "This listing (Transfer) has already been signed with another buyer, and a listing in this "
    "transaction mode takes only one deal; this deal can be signed only if that one ends."
)


def propose(listing, buyer, user) -> Deal:
    inquiry = inquiry_services.inquiry_open_for_listing(
        actor=user, listing=listing, buyer=buyer, message="我司有意受让该技术。"
    )
    return services.deal_propose(actor=user, inquiry=inquiry, terms=dict(TERMS))


def confirm(deal: Deal, actor) -> Deal:
    return services.deal_confirm(actor=actor, deal=deal, terms_version=deal.terms_version)


@pytest.fixture
def two_deals(active_listing, buyer_enterprise, buyer_user, other_enterprise, other_buyer):
    """Two buyers negotiating on the same listing, each having confirmed its own proposal."""
    return propose(active_listing, buyer_enterprise, buyer_user), propose(
        active_listing, other_enterprise, other_buyer
    )


def listing_of_mode(institution, staff, mode: str):
    return market_factories.listing(institution, staff, status=ListingStatus.ACTIVE, transaction_mode=mode)


def test_a_transfer_is_signed_with_one_buyer_and_the_second_is_told_why(
    two_deals, active_listing, chengdu_staff
):
    first, second = two_deals
    first = confirm(first, chengdu_staff)

    with pytest.raises(ValidationError) as raised:
        confirm(second, chengdu_staff)

    assert (raised.value.code, raised.value.messages) == ("listing_taken", [TAKEN])
    first.refresh_from_db()
    second.refresh_from_db()
    active_listing.refresh_from_db()
    assert (first.status, first.exclusive_listing_id) == (DealStatus.AGREED, active_listing.pk)
    assert (second.status, second.seller_confirmed_at, second.exclusive_listing_id) == (
        DealStatus.NEGOTIATING,
        None,
        None,
    )
    assert active_listing.status == ListingStatus.IN_DEAL


@pytest.mark.parametrize(
    ("mode", "signed"),
    [
        (CooperationMode.TRANSFER, 1),
        (CooperationMode.LICENCE_EXCLUSIVE, 1),
        (CooperationMode.LICENCE_SOLE, 1),
        (CooperationMode.INVESTMENT, 1),
        (CooperationMode.LICENCE_ORDINARY, 2),
        (CooperationMode.TECHNICAL_SERVICE, 2),
        (CooperationMode.JOINT_DEVELOPMENT, 2),
    ],
)
def test_the_listings_mode_decides_how_many_deals_are_signed(
    mode,
    signed,
    chengdu_institution,
    chengdu_staff,
    buyer_enterprise,
    buyer_user,
    other_enterprise,
    other_buyer,
):
    listing = listing_of_mode(chengdu_institution, chengdu_staff, mode)
    deals = [propose(listing, buyer_enterprise, buyer_user), propose(listing, other_enterprise, other_buyer)]

    for deal in deals:
        try:
            confirm(deal, chengdu_staff)
        except ValidationError as error:
            assert error.code == "listing_taken"

    assert Deal.objects.filter(listing=listing).signed().count() == signed
    holders = list(Deal.objects.filter(exclusive_listing=listing).values_list("pk", flat=True))
    assert holders == ([deals[0].pk] if signed == 1 else [])


def test_the_second_deal_shows_why_it_cannot_be_signed_on_its_page_and_in_the_api(
    two_deals, chengdu_staff, other_buyer
):
    first, second = two_deals
    confirm(first, chengdu_staff)

    page = client_for(other_buyer).get(f"/market/deals/{second.pk}/")
    shown = api_for(other_buyer).get(f"/api/v1/deals/{second.pk}/").json()
    first_shown = api_for(chengdu_staff).get(f"/api/v1/deals/{first.pk}/").json()

    assert page.context["signing_blocker"] == TAKEN
    assert TAKEN in page.content.decode()
    assert shown["signing_blocker"] == TAKEN
    assert first_shown["signing_blocker"] is None


def test_the_second_confirmation_through_the_api_is_refused_with_the_message(two_deals, chengdu_staff):
    first, second = two_deals
    confirm(first, chengdu_staff)

    response = api_for(chengdu_staff).post(
        f"/api/v1/deals/{second.pk}/confirm/", {"terms_version": second.terms_version}, format="json"
    )

    assert (response.status_code, response.json()["code"], response.json()["detail"]) == (
        400,
        "listing_taken",
        TAKEN,
    )
    second.refresh_from_db()
    assert (second.status, second.seller_confirmed_at) == (DealStatus.NEGOTIATING, None)


def test_the_list_of_deals_shows_the_blocker_in_the_usual_queries(
    two_deals, chengdu_staff, django_assert_num_queries
):
    first, second = two_deals
    confirm(first, chengdu_staff)
    forget_roles(chengdu_staff)
    client = api_for(chengdu_staff)

    # the roles, the count, the page (the holder is a subquery of it) and the brokers: as before
    with django_assert_num_queries(4):
        listed = client.get("/api/v1/deals/").json()["results"]

    blockers = {row["id"]: row["signing_blocker"] for row in listed}
    assert blockers == {first.pk: None, second.pk: TAKEN}


def test_cancelling_the_signed_deal_frees_the_listing_for_the_other_buyer_and_is_audited(
    two_deals, active_listing, chengdu_staff, buyer_user
):
    first, second = two_deals
    confirm(first, chengdu_staff)

    services.deal_cancel(actor=buyer_user, deal=first, reason="融资未到位")
    active_listing.refresh_from_db()
    freed_status = active_listing.status
    second = confirm(second, chengdu_staff)

    first.refresh_from_db()
    active_listing.refresh_from_db()
    assert freed_status == ListingStatus.ACTIVE
    assert (first.status, first.exclusive_listing_id) == (DealStatus.CANCELLED, None)
    assert (second.status, second.exclusive_listing_id) == (DealStatus.AGREED, active_listing.pk)
    assert active_listing.status == ListingStatus.IN_DEAL
    history = list(
        Deal.pgh_event_model.objects.filter(pgh_obj_id=first.pk)
        .order_by("pgh_id")
        .values_list("status", "exclusive_listing_id")
    )
    assert history[-2:] == [(DealStatus.AGREED, active_listing.pk), (DealStatus.CANCELLED, None)]


def test_a_deal_given_up_after_a_refused_registration_frees_the_listing(
    two_deals, active_listing, chengdu_institution, chengdu_staff, buyer_enterprise, buyer_user
):
    first, second = two_deals
    first = confirm(first, chengdu_staff)
    # the registration of the first deal is refused (未予登记), through the contract services
    for organisation, code in ((chengdu_institution, "024"), (buyer_enterprise, "150")):
        organisation.entity_type = Classification.objects.get(
            scheme=ClassificationScheme.ENTITY_TYPE, code=code
        )
        organisation.save()
    body = market_factories.registration_body("510100")
    registrar = market_factories.registrar_of(body, "chengdu-registrar")
    market_factories.rule_set("miit-2026")
    contract = contract_services.contract_prepare(actor=chengdu_staff, deal=first)
    contract = contract_services.contract_update(
        actor=chengdu_staff,
        contract=contract,
        data={"expected_investment": Decimal("5000000"), "expected_output": Decimal("9000000")},
    )
    contract = contract_services.contract_attach_file(
        actor=chengdu_staff, contract=contract, uploaded_file=pdf()
    )
    contract = contract_services.contract_submit(actor=chengdu_staff, contract=contract)
    contract_services.contract_reject(actor=registrar, contract=contract, reason="seals_defective")
    first.refresh_from_db()
    assert (first.status, first.exclusive_listing_id) == (DealStatus.REJECTED, active_listing.pk)
    with pytest.raises(ValidationError):
        confirm(second, chengdu_staff)

    services.deal_cancel(actor=buyer_user, deal=first, reason="双方决定不再履行")
    second = confirm(second, chengdu_staff)

    first.refresh_from_db()
    assert (first.status, first.exclusive_listing_id) == (DealStatus.CANCELLED, None)
    assert (second.status, second.exclusive_listing_id) == (DealStatus.AGREED, active_listing.pk)
    # the registrar still finds the refusal among the refused ones
    refused = contract_selectors.registration_queue(actor=registrar, tab="refused")
    assert [item.pk for item in refused] == [contract.pk]


def pdf():
    return SimpleUploadedFile(
        "signed.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", content_type="application/pdf"
    )


def test_the_database_refuses_a_second_deal_holding_the_same_listing(
    active_listing, chengdu_institution, chengdu_staff, buyer_enterprise, other_enterprise
):
    market_factories.deal(
        chengdu_institution,
        buyer_enterprise,
        chengdu_staff,
        listing_record=active_listing,
        exclusive_listing=active_listing,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        market_factories.deal(
            chengdu_institution,
            other_enterprise,
            chengdu_staff,
            listing_record=active_listing,
            exclusive_listing=active_listing,
        )

    assert Deal.objects.filter(exclusive_listing=active_listing).count() == 1


@pytest.mark.parametrize("status", [DealStatus.NEGOTIATING, DealStatus.CANCELLED])
def test_only_a_signed_deal_that_has_not_ended_may_hold_its_listing(
    status, active_listing, chengdu_institution, chengdu_staff, buyer_enterprise
):
    with pytest.raises(IntegrityError), transaction.atomic():
        market_factories.deal(
            chengdu_institution,
            buyer_enterprise,
            chengdu_staff,
            status=status,
            listing_record=active_listing,
            exclusive_listing=active_listing,
        )

    assert Deal.objects.count() == 0


def test_a_deal_holds_only_its_own_listing(
    active_listing, chengdu_institution, chengdu_staff, buyer_enterprise
):
    other_listing = market_factories.listing(chengdu_institution, chengdu_staff, title="另一项挂牌技术")

    with pytest.raises(IntegrityError), transaction.atomic():
        market_factories.deal(
            chengdu_institution,
            buyer_enterprise,
            chengdu_staff,
            listing_record=active_listing,
            exclusive_listing=other_listing,
        )


def test_selectors_read_the_holder_without_a_query_per_deal(two_deals, chengdu_staff):
    first, second = two_deals
    confirm(first, chengdu_staff)

    deal = selectors.deal_get(pk=second.pk, actor=chengdu_staff)

    assert deal.listing_held_by_another is True
    assert selectors.deal_get(pk=first.pk, actor=chengdu_staff).listing_held_by_another is False
