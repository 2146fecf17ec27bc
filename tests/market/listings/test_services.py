"""Listing services: creation rules, the state machine, publicity, objections and the functions the
deals and contracts slices call."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from achievements.choices import CooperationMode
from market.choices import DealStatus, ListingStatus, ObjectionStatus, PricingMethod
from market.models import Listing, ListingObjection
from market.services import listings as services
from notifications.models import Notification
from tests import factories
from tests.achievements import factories as achievement_factories
from tests.market import factories as market_factories
from tests.market.listings.conftest import listing_data, make_listing, service_data

pytestmark = pytest.mark.django_db

PUBLICITY_MESSAGE_START = "The listing is still in its publicity period"
OBJECTION_MESSAGE = (
    "An objection to the listing is still open; the deal can be signed once officials resolve it."
)


def _messages(error) -> dict:
    return error.value.message_dict


def _end_publicity(listing):
    Listing.objects.filter(pk=listing.pk).update(publicity_ends_at=timezone.now() - timedelta(minutes=1))
    listing.refresh_from_db()
    return listing


# --- create -------------------------------------------------------------------------------------


def test_a_listing_from_an_achievement_copies_its_facts(draft_listing, achievement, chengdu_admin):
    assert draft_listing.status == ListingStatus.DRAFT
    assert draft_listing.achievement == achievement
    assert draft_listing.title == achievement.title
    assert draft_listing.summary == achievement.summary
    assert draft_listing.keywords == achievement.keywords
    assert draft_listing.technology_field_id == achievement.technology_field_id
    assert draft_listing.trl == achievement.trl
    assert draft_listing.region_id == achievement.region_id
    assert draft_listing.created_by == chengdu_admin
    assert Listing.objects.filter(pk=draft_listing.pk, search_vector__isnull=False).exists()


def test_given_data_overrides_the_achievement_defaults(chengdu_admin, chengdu_institution, achievement):
    listing = services.listing_create(
        actor=chengdu_admin,
        institution=chengdu_institution,
        data=listing_data(title="硅碳负极材料专利包转让"),
        achievement=achievement,
    )
    assert listing.title == "硅碳负极材料专利包转让"


def test_only_published_achievements_can_be_listed(chengdu_admin, chengdu_institution):
    draft = achievement_factories.draft(chengdu_admin, chengdu_institution)
    with pytest.raises(ValidationError) as error:
        services.listing_create(
            actor=chengdu_admin, institution=chengdu_institution, data=listing_data(), achievement=draft
        )
    assert _messages(error) == {"achievement": ["Only published achievements can be listed on the market."]}
    assert Listing.objects.count() == 0


def test_an_achievement_of_another_institution_cannot_be_listed(
    achievement, mianyang_institution, mianyang_admin
):
    with pytest.raises(ValidationError) as error:
        services.listing_create(
            actor=mianyang_admin,
            institution=mianyang_institution,
            data=listing_data(),
            achievement=achievement,
        )
    assert _messages(error) == {
        "achievement": ["The achievement was neither filed by nor is owned by 绵阳科技城技术转移中心."]
    }


def test_a_transfer_institution_may_list_a_service_without_an_achievement(chengdu_admin, chengdu_institution):
    listing = services.listing_create(
        actor=chengdu_admin, institution=chengdu_institution, data=service_data()
    )
    assert listing.achievement is None
    assert listing.transaction_mode == CooperationMode.TECHNICAL_SERVICE
    assert listing.price is None
    assert listing.region_id == "510104"


def test_a_transfer_without_an_achievement_is_refused(chengdu_admin, chengdu_institution):
    with pytest.raises(ValidationError) as error:
        services.listing_create(
            actor=chengdu_admin,
            institution=chengdu_institution,
            data=service_data(transaction_mode=CooperationMode.TRANSFER),
        )
    assert _messages(error) == {
        "achievement": [
            "List a published achievement; only technical services and consulting may be listed without one."
        ]
    }


def test_a_university_that_is_no_transfer_institution_cannot_list_a_standalone_service(db):
    university = factories.OrganisationFactory(name="西南测试大学", kind="university")
    admin = factories.admin_of(university, username="uni-admin")
    with pytest.raises(ValidationError) as error:
        services.listing_create(actor=admin, institution=university, data=service_data())
    assert _messages(error) == {
        "transaction_mode": [
            "Only technology-transfer institutions may list services without an achievement."
        ]
    }


def test_enterprise_users_and_outsiders_cannot_list(chengdu_institution, buyer, outsider):
    for actor in (buyer, outsider):
        with pytest.raises(PermissionDenied):
            services.listing_create(actor=actor, institution=chengdu_institution, data=service_data())
    assert Listing.objects.count() == 0


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (0, "The listing period must end in the future."),
        (-3, "The listing period must end in the future."),
    ],
)
def test_listed_until_must_be_in_the_future(chengdu_admin, chengdu_institution, days, message):
    data = service_data(listed_until=timezone.localdate() + timedelta(days=days))
    with pytest.raises(ValidationError) as error:
        services.listing_create(actor=chengdu_admin, institution=chengdu_institution, data=data)
    assert _messages(error) == {"listed_until": [message]}


@override_settings(MARKET_LISTING_MAX_DAYS=30)
def test_listed_until_is_capped(chengdu_admin, chengdu_institution):
    latest = timezone.localdate() + timedelta(days=30)
    services.listing_create(
        actor=chengdu_admin, institution=chengdu_institution, data=service_data(listed_until=latest)
    )
    with pytest.raises(ValidationError) as error:
        services.listing_create(
            actor=chengdu_admin,
            institution=chengdu_institution,
            data=service_data(listed_until=latest + timedelta(days=1)),
        )
    assert _messages(error) == {
        "listed_until": [f"A listing may run for at most 30 days, until {latest.isoformat()}."]
    }


def test_pricing_is_checked_by_the_model(chengdu_admin, chengdu_institution):
    with pytest.raises(ValidationError) as error:
        services.listing_create(
            actor=chengdu_admin,
            institution=chengdu_institution,
            data=service_data(pricing_method=PricingMethod.RANGE, price=Decimal(100), price_max=None),
        )
    assert _messages(error) == {"price_max": ["Give the lowest and the highest price of the range."]}


def test_brokers_must_be_brokers(chengdu_admin, chengdu_institution, broker, outsider):
    listing = services.listing_create(
        actor=chengdu_admin, institution=chengdu_institution, data=service_data(brokers=[broker])
    )
    assert list(listing.brokers.all()) == [broker]
    with pytest.raises(ValidationError) as error:
        services.listing_create(
            actor=chengdu_admin, institution=chengdu_institution, data=service_data(brokers=[outsider])
        )
    assert _messages(error) == {"brokers": ["outsider is not a registered technology broker."]}


# --- update, publish, withdraw ------------------------------------------------------------------


def test_drafts_can_be_edited(chengdu_staff, draft_listing):
    listing = services.listing_update(
        actor=chengdu_staff, listing=draft_listing, data={"contact_name": "李老师"}
    )
    assert listing.contact_name == "李老师"


def test_published_listings_cannot_be_edited(chengdu_admin, publicity_listing):
    with pytest.raises(ValidationError) as error:
        services.listing_update(
            actor=chengdu_admin, listing=publicity_listing, data={"contact_name": "李老师"}
        )
    assert error.value.messages == ["Only draft listings can be edited; this one is In publicity (公示)."]
    assert error.value.code == "not_editable"


def test_others_cannot_edit(mianyang_admin, buyer, chengdu_official, draft_listing):
    for actor in (mianyang_admin, buyer, chengdu_official):
        with pytest.raises(PermissionDenied):
            services.listing_update(actor=actor, listing=draft_listing, data={"contact_name": "李老师"})
    draft_listing.refresh_from_db()
    assert draft_listing.contact_name == "王老师"


@override_settings(MARKET_PUBLICITY_DAYS=20)
def test_publishing_starts_the_publicity_and_tells_the_officials(
    chengdu_admin, draft_listing, chengdu_official, mianyang_official, province_official
):
    before = timezone.now()
    listing = services.listing_publish(actor=chengdu_admin, listing=draft_listing)
    assert listing.status == ListingStatus.PUBLICITY
    assert listing.publicity_days == 20
    assert before <= listing.published_at <= timezone.now()
    assert listing.publicity_ends_at == listing.published_at + timedelta(days=20)
    notified = set(
        Notification.objects.filter(verb="listing.publicity_started").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {"chengdu-official", "province-official"}


def test_publishing_twice_is_an_illegal_transition(chengdu_admin, publicity_listing):
    with pytest.raises(ValidationError) as error:
        services.listing_publish(actor=chengdu_admin, listing=publicity_listing)
    assert error.value.code == "illegal_transition"
    assert error.value.messages == [
        "The listing is In publicity (公示) and cannot become In publicity (公示)."
    ]


def test_only_the_seller_publishes(chengdu_official, buyer, draft_listing):
    for actor in (chengdu_official, buyer):
        with pytest.raises(PermissionDenied):
            services.listing_publish(actor=actor, listing=draft_listing)
    draft_listing.refresh_from_db()
    assert draft_listing.status == ListingStatus.DRAFT


def test_the_seller_withdraws_without_a_reason(chengdu_admin, publicity_listing):
    listing = services.listing_withdraw(actor=chengdu_admin, listing=publicity_listing)
    assert listing.status == ListingStatus.WITHDRAWN
    assert Notification.objects.filter(verb="listing.withdrawn").count() == 0


def test_an_official_withdraws_with_a_reason_and_the_seller_is_told(
    chengdu_official, chengdu_admin, chengdu_staff, publicity_listing
):
    with pytest.raises(ValidationError) as error:
        services.listing_withdraw(actor=chengdu_official, listing=publicity_listing, reason="  ")
    assert _messages(error) == {"reason": ["Give the reason for withdrawing the listing."]}
    listing = services.listing_withdraw(
        actor=chengdu_official, listing=publicity_listing, reason="权属存在争议"
    )
    assert listing.status == ListingStatus.WITHDRAWN
    assert listing.status_reason == "权属存在争议"
    notified = set(
        Notification.objects.filter(verb="listing.withdrawn").values_list("recipient__username", flat=True)
    )
    assert notified == {"chengdu-admin", "chengdu-staff"}


def test_an_official_of_another_city_and_buyers_cannot_withdraw(mianyang_official, buyer, publicity_listing):
    for actor in (mianyang_official, buyer):
        with pytest.raises(PermissionDenied):
            services.listing_withdraw(actor=actor, listing=publicity_listing, reason="权属存在争议")
    publicity_listing.refresh_from_db()
    assert publicity_listing.status == ListingStatus.PUBLICITY


@pytest.mark.parametrize("status", [ListingStatus.IN_DEAL, ListingStatus.SOLD, ListingStatus.EXPIRED])
def test_listings_in_a_deal_or_past_cannot_be_withdrawn(chengdu_institution, chengdu_admin, status):
    listing = make_listing(chengdu_institution, chengdu_admin, status=status)
    with pytest.raises(ValidationError) as error:
        services.listing_withdraw(actor=chengdu_admin, listing=listing)
    assert error.value.code == "illegal_transition"
    assert error.value.messages == [
        f"The listing is {ListingStatus(status).label} and cannot become Withdrawn."
    ]


# --- publicity closing and expiry ---------------------------------------------------------------


def test_publicity_does_not_close_early(publicity_listing):
    listing = services.listing_close_publicity(listing_pk=publicity_listing.pk)
    assert listing.status == ListingStatus.PUBLICITY


def test_publicity_closes_after_its_end_and_the_seller_is_told(publicity_listing):
    _end_publicity(publicity_listing)
    listing = services.listing_close_publicity(listing_pk=publicity_listing.pk)
    assert listing.status == ListingStatus.ACTIVE
    assert Notification.objects.filter(verb="listing.active").count() == 1
    again = services.listing_close_publicity(listing_pk=publicity_listing.pk)
    assert again.status == ListingStatus.ACTIVE
    assert Notification.objects.filter(verb="listing.active").count() == 1


def test_an_open_objection_keeps_the_publicity_open(publicity_listing, buyer):
    services.objection_file(
        actor=buyer, listing=publicity_listing, reasons="该技术的专利权属存在争议，请核实。"
    )
    _end_publicity(publicity_listing)
    assert services.listing_close_publicity(listing_pk=publicity_listing.pk).status == ListingStatus.PUBLICITY


def test_active_listings_expire_after_their_period(chengdu_institution, chengdu_admin):
    listing = make_listing(
        chengdu_institution, chengdu_admin, listed_until=timezone.localdate() - timedelta(days=1)
    )
    current = make_listing(chengdu_institution, chengdu_admin)
    assert services.listing_expire(listing_pk=listing.pk).status == ListingStatus.EXPIRED
    assert services.listing_expire(listing_pk=listing.pk).status == ListingStatus.EXPIRED
    assert services.listing_expire(listing_pk=current.pk).status == ListingStatus.ACTIVE


# --- objections ---------------------------------------------------------------------------------


def test_filing_an_objection_tells_officials_and_the_seller(publicity_listing, buyer, chengdu_official):
    objection = services.objection_file(
        actor=buyer, listing=publicity_listing, reasons="  该技术的专利权属存在争议。 "
    )
    assert objection.status == ObjectionStatus.OPEN
    assert objection.reasons == "该技术的专利权属存在争议。"
    assert objection.filed_by == buyer
    notified = sorted(
        Notification.objects.filter(verb="listing.objection_filed").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == ["chengdu-admin", "chengdu-official"]


def test_objection_reasons_need_ten_characters(publicity_listing, buyer):
    with pytest.raises(ValidationError) as error:
        services.objection_file(actor=buyer, listing=publicity_listing, reasons="权属争议")
    assert _messages(error) == {"reasons": ["Explain the objection in at least 10 characters."]}
    assert ListingObjection.objects.count() == 0


def test_the_seller_and_anonymous_cannot_object(publicity_listing, chengdu_staff):
    from django.contrib.auth.models import AnonymousUser

    for actor in (chengdu_staff, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.objection_file(
                actor=actor, listing=publicity_listing, reasons="该技术的专利权属存在争议。"
            )
    assert ListingObjection.objects.count() == 0


def test_objections_only_during_publicity(chengdu_institution, chengdu_admin, buyer, publicity_listing):
    active = make_listing(chengdu_institution, chengdu_admin)
    with pytest.raises(PermissionDenied):
        services.objection_file(actor=buyer, listing=active, reasons="该技术的专利权属存在争议。")
    _end_publicity(publicity_listing)
    with pytest.raises(ValidationError) as error:
        services.objection_file(actor=buyer, listing=publicity_listing, reasons="该技术的专利权属存在争议。")
    assert error.value.messages == [
        "Objections can only be filed while the listing is in its publicity period."
    ]


@pytest.fixture
def objection(publicity_listing, buyer):
    return services.objection_file(
        actor=buyer, listing=publicity_listing, reasons="该技术的专利权属存在争议。"
    )


def test_an_upheld_objection_withdraws_the_listing(objection, chengdu_official):
    resolved = services.objection_resolve(
        actor=chengdu_official, objection=objection, upheld=True, resolution="经核实专利权属存在争议"
    )
    assert resolved.status == ObjectionStatus.UPHELD
    assert resolved.resolved_by == chengdu_official
    assert resolved.resolved_at is not None
    listing = Listing.objects.get(pk=objection.listing_id)
    assert listing.status == ListingStatus.WITHDRAWN
    assert listing.status_reason == "经核实专利权属存在争议"
    notified = sorted(
        Notification.objects.filter(verb="listing.objection_resolved").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == ["chengdu-admin", "deyang-buyer"]


def test_a_dismissed_objection_during_publicity_leaves_the_listing_in_publicity(objection, chengdu_official):
    services.objection_resolve(
        actor=chengdu_official, objection=objection, upheld=False, resolution="异议理由不成立"
    )
    listing = Listing.objects.get(pk=objection.listing_id)
    assert listing.status == ListingStatus.PUBLICITY
    assert services.listing_signing_blocker(listing=listing).startswith(PUBLICITY_MESSAGE_START)


def test_a_dismissed_objection_after_publicity_activates_the_listing(
    objection, chengdu_official, publicity_listing
):
    _end_publicity(publicity_listing)
    services.objection_resolve(
        actor=chengdu_official, objection=objection, upheld=False, resolution="异议理由不成立"
    )
    listing = Listing.objects.get(pk=objection.listing_id)
    assert listing.status == ListingStatus.ACTIVE
    assert services.listing_signing_blocker(listing=listing) is None


def test_another_open_objection_keeps_the_listing_in_publicity(
    objection, chengdu_official, publicity_listing, outsider
):
    services.objection_file(
        actor=outsider, listing=publicity_listing, reasons="价格明显偏离市场行情，请复核。"
    )
    _end_publicity(publicity_listing)
    services.objection_resolve(
        actor=chengdu_official, objection=objection, upheld=False, resolution="异议理由不成立"
    )
    listing = Listing.objects.get(pk=objection.listing_id)
    assert listing.status == ListingStatus.PUBLICITY
    assert services.listing_signing_blocker(listing=listing) == OBJECTION_MESSAGE


def test_resolving_needs_a_resolution_and_an_official_over_the_seller(
    objection, chengdu_official, mianyang_official, chengdu_admin, buyer
):
    for actor in (mianyang_official, chengdu_admin, buyer):
        with pytest.raises(PermissionDenied):
            services.objection_resolve(actor=actor, objection=objection, upheld=True, resolution="权属争议")
    with pytest.raises(ValidationError) as error:
        services.objection_resolve(actor=chengdu_official, objection=objection, upheld=True, resolution=" ")
    assert _messages(error) == {"resolution": ["Give the resolution of the objection."]}
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN


def test_a_resolved_objection_cannot_be_resolved_again(objection, province_official):
    services.objection_resolve(
        actor=province_official, objection=objection, upheld=False, resolution="不成立"
    )
    objection.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.objection_resolve(
            actor=province_official, objection=objection, upheld=True, resolution="成立"
        )


# --- signing blocker and the deal hooks ----------------------------------------------------------


def test_signing_is_blocked_during_publicity_and_by_an_open_objection(objection, publicity_listing):
    publicity_listing.refresh_from_db()
    assert services.listing_signing_blocker(listing=publicity_listing) == OBJECTION_MESSAGE
    ListingObjection.objects.update(status=ObjectionStatus.DISMISSED)
    assert services.listing_signing_blocker(listing=publicity_listing).startswith(PUBLICITY_MESSAGE_START)


def test_signing_is_free_on_an_active_listing_and_refused_when_withdrawn(chengdu_institution, chengdu_admin):
    active = make_listing(chengdu_institution, chengdu_admin)
    withdrawn = make_listing(chengdu_institution, chengdu_admin, status=ListingStatus.WITHDRAWN)
    assert services.listing_signing_blocker(listing=active) is None
    assert services.listing_signing_blocker(listing=withdrawn) == "The listing is no longer on the market."


def test_mark_in_deal_is_idempotent_and_refuses_a_listing_in_publicity(
    chengdu_institution, chengdu_admin, publicity_listing
):
    active = make_listing(chengdu_institution, chengdu_admin)
    assert services.listing_mark_in_deal(listing=active).status == ListingStatus.IN_DEAL
    assert services.listing_mark_in_deal(listing=active).status == ListingStatus.IN_DEAL
    with pytest.raises(ValidationError) as error:
        services.listing_mark_in_deal(listing=publicity_listing)
    assert error.value.messages == ["The listing is In publicity (公示) and cannot become In a deal."]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (CooperationMode.TRANSFER, ListingStatus.SOLD),
        (CooperationMode.LICENCE_EXCLUSIVE, ListingStatus.SOLD),
        (CooperationMode.INVESTMENT, ListingStatus.SOLD),
        (CooperationMode.LICENCE_ORDINARY, ListingStatus.ACTIVE),
        (CooperationMode.LICENCE_SOLE, ListingStatus.SOLD),  # one licensee: no territory or field recorded
        (CooperationMode.TECHNICAL_SERVICE, ListingStatus.ACTIVE),
        (CooperationMode.TECHNICAL_CONSULTING, ListingStatus.ACTIVE),
    ],
)
def test_mark_sold_by_mode(chengdu_institution, chengdu_admin, mode, expected):
    listing = make_listing(
        chengdu_institution, chengdu_admin, status=ListingStatus.IN_DEAL, transaction_mode=mode
    )
    assert services.listing_mark_sold(listing=listing).status == expected
    listing.refresh_from_db()
    assert listing.status == expected


def test_a_resellable_listing_past_its_period_expires_when_sold(chengdu_institution, chengdu_admin):
    listing = make_listing(
        chengdu_institution,
        chengdu_admin,
        status=ListingStatus.IN_DEAL,
        transaction_mode=CooperationMode.LICENCE_ORDINARY,
        listed_until=timezone.localdate() - timedelta(days=1),
    )
    assert services.listing_mark_sold(listing=listing).status == ListingStatus.EXPIRED


def test_release_returns_the_listing_unless_another_signed_deal_holds_it(
    chengdu_institution, chengdu_admin, buyer_enterprise, buyer
):
    listing = make_listing(chengdu_institution, chengdu_admin, status=ListingStatus.IN_DEAL)
    cancelled = market_factories.deal(
        chengdu_institution, buyer_enterprise, buyer, status=DealStatus.CANCELLED, listing_record=listing
    )
    other = market_factories.deal(
        chengdu_institution, buyer_enterprise, buyer, status=DealStatus.AGREED, listing_record=listing
    )
    assert cancelled.status == DealStatus.CANCELLED
    assert services.listing_release(listing=listing).status == ListingStatus.IN_DEAL
    other.status = DealStatus.CANCELLED
    other.save()
    assert services.listing_release(listing=listing).status == ListingStatus.ACTIVE
    assert services.listing_release(listing=listing).status == ListingStatus.ACTIVE
