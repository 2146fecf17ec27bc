"""Services of inquiries, threads, deals and brokers: the state machines, signing only after publicity
and with no open objection, the confirmations, attachments, and who may do what."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from market.choices import DealStatus, DemandStatus, InquiryStatus, ListingStatus, ObjectionStatus
from market.models import Deal, DealBroker, Inquiry, InquiryMessage, ListingObjection
from market.services import deals as services
from market.services import demands as demand_services
from market.services import inquiries as inquiry_services
from notifications.models import Notification
from tests.market import factories as market_factories
from tests.market.deals.conftest import TERMS, engage

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def pdf(name="offer.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def titles_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True))


# --- inquiries -------------------------------------------------------------------------------------


def test_a_buyer_inquires_on_a_listing_and_the_seller_and_its_brokers_are_told(
    active_listing, buyer_enterprise, buyer_user, chengdu_staff, broker
):
    active_listing.brokers.add(broker)

    inquiry = inquiry_services.inquiry_open_for_listing(
        actor=buyer_user, listing=active_listing, buyer=buyer_enterprise, message="  请问价格可议吗？ "
    )

    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.seller_id, inquiry.buyer_id, inquiry.opened_by_id) == (
        InquiryStatus.OPEN,
        active_listing.institution_id,
        buyer_enterprise.pk,
        buyer_user.pk,
    )
    assert list(inquiry.messages.values_list("body", "author_id")) == [("请问价格可议吗？", buyer_user.pk)]
    assert list(Notification.objects.filter(recipient=chengdu_staff).values_list("verb", "url")) == [
        ("inquiry.opened", f"/market/inquiries/{inquiry.pk}/")
    ]
    assert len(titles_for(broker)) == 1
    assert titles_for(buyer_user) == []


def test_inquiring_during_publicity_is_allowed(publicity_listing, buyer_enterprise, buyer_user):
    inquiry = inquiry_services.inquiry_open_for_listing(
        actor=buyer_user, listing=publicity_listing, buyer=buyer_enterprise, message="公示期内先沟通。"
    )

    assert inquiry.status == InquiryStatus.OPEN


@pytest.mark.parametrize("status", [ListingStatus.IN_DEAL, ListingStatus.SOLD, ListingStatus.WITHDRAWN])
def test_a_listing_off_the_market_takes_no_inquiries(
    status, chengdu_institution, chengdu_staff, buyer_enterprise, buyer_user
):
    listing = market_factories.listing(chengdu_institution, chengdu_staff, status=status)

    with pytest.raises(ValidationError) as raised:
        inquiry_services.inquiry_open_for_listing(
            actor=buyer_user, listing=listing, buyer=buyer_enterprise, message="你好"
        )

    assert raised.value.code == "illegal_transition"
    assert Inquiry.objects.count() == 0


def test_a_second_open_inquiry_by_the_same_buyer_is_refused_clearly(inquiry, buyer_enterprise, buyer_user):
    with pytest.raises(ValidationError) as raised:
        inquiry_services.inquiry_open_for_listing(
            actor=buyer_user, listing=inquiry.listing, buyer=buyer_enterprise, message="再问一次"
        )

    assert raised.value.message_dict == {
        "buyer": ["Your organisation already has an open inquiry here; continue in that thread."]
    }
    assert Inquiry.objects.count() == 1
    assert InquiryMessage.objects.count() == 1


def test_after_closing_the_buyer_may_inquire_again(inquiry, buyer_enterprise, buyer_user):
    inquiry_services.inquiry_close(actor=buyer_user, inquiry=inquiry, reason="暂不考虑")

    again = inquiry_services.inquiry_open_for_listing(
        actor=buyer_user, listing=inquiry.listing, buyer=buyer_enterprise, message="重新考虑了"
    )

    assert (again.status, Inquiry.objects.count()) == (InquiryStatus.OPEN, 2)


def test_the_first_message_is_required(active_listing, buyer_enterprise, buyer_user):
    with pytest.raises(ValidationError) as raised:
        inquiry_services.inquiry_open_for_listing(
            actor=buyer_user, listing=active_listing, buyer=buyer_enterprise, message=" "
        )

    assert raised.value.message_dict == {"message": ["Write a first message to the other party."]}
    assert Inquiry.objects.count() == 0


def test_a_buyer_may_inquire_only_for_an_organisation_they_work_for(
    active_listing, buyer_user, other_enterprise
):
    with pytest.raises(ValidationError) as raised:
        inquiry_services.inquiry_open_for_listing(
            actor=buyer_user, listing=active_listing, buyer=other_enterprise, message="你好"
        )

    assert raised.value.message_dict == {"buyer": ["Choose an organisation you work for."]}
    assert Inquiry.objects.count() == 0


def test_the_seller_cannot_inquire_on_its_own_listing(active_listing, chengdu_staff, chengdu_institution):
    with pytest.raises(PermissionDenied):
        inquiry_services.inquiry_open_for_listing(
            actor=chengdu_staff, listing=active_listing, buyer=chengdu_institution, message="自己问自己"
        )

    assert Inquiry.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "official", "broker"])
def test_people_without_an_organisation_cannot_inquire(
    who, active_listing, buyer_enterprise, chengdu_official, broker
):
    actor = {"anonymous": AnonymousUser(), "official": chengdu_official, "broker": broker}[who]

    with pytest.raises(PermissionDenied):
        inquiry_services.inquiry_open_for_listing(
            actor=actor, listing=active_listing, buyer=buyer_enterprise, message="你好"
        )

    assert Inquiry.objects.count() == 0


def test_an_institution_answers_a_published_demand_offering_a_listing(
    buyer_enterprise, buyer_user, chengdu_institution, chengdu_staff, active_listing
):
    demand = market_factories.demand(buyer_enterprise, buyer_user)

    inquiry = inquiry_services.inquiry_open_for_demand(
        actor=chengdu_staff,
        demand=demand,
        seller=chengdu_institution,
        message="我们有成熟方案。",
        listing=active_listing,
    )

    assert (inquiry.demand_id, inquiry.listing_id, inquiry.seller_id, inquiry.buyer_id) == (
        demand.pk,
        None,
        chengdu_institution.pk,
        buyer_enterprise.pk,
    )
    body = inquiry.messages.get().body
    assert body.startswith("我们有成熟方案。\n\n")
    assert f"/market/listings/{active_listing.pk}/" in body
    assert len(titles_for(buyer_user)) == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": DemandStatus.CLOSED},
        {"status": DemandStatus.SUBMITTED},
        {"deadline": timezone.localdate() - timedelta(days=1)},
    ],
)
def test_a_demand_that_is_not_open_takes_no_answers(
    overrides, buyer_enterprise, buyer_user, chengdu_institution, chengdu_staff
):
    demand = market_factories.demand(buyer_enterprise, buyer_user, **overrides)

    with pytest.raises(ValidationError) as raised:
        inquiry_services.inquiry_open_for_demand(
            actor=chengdu_staff, demand=demand, seller=chengdu_institution, message="你好"
        )

    assert raised.value.messages == ["This demand no longer takes answers."]
    assert Inquiry.objects.count() == 0


def test_an_enterprise_cannot_answer_a_demand(buyer_enterprise, buyer_user, other_buyer, other_enterprise):
    demand = market_factories.demand(buyer_enterprise, buyer_user)

    with pytest.raises(PermissionDenied):
        inquiry_services.inquiry_open_for_demand(
            actor=other_buyer, demand=demand, seller=other_enterprise, message="你好"
        )

    assert Inquiry.objects.count() == 0


# --- messages --------------------------------------------------------------------------------------


def test_a_party_posts_a_message_with_a_pdf_and_the_other_side_is_told(inquiry, chengdu_staff, buyer_user):
    message = inquiry_services.message_post(
        actor=chengdu_staff, inquiry=inquiry, body="附上技术说明。", attachment=pdf()
    )

    inquiry.refresh_from_db()
    assert (message.attachment_name, message.attachment_type, message.author_id) == (
        "offer.pdf",
        "application/pdf",
        chengdu_staff.pk,
    )
    assert inquiry.last_message_at == message.created_at
    assert len(titles_for(buyer_user)) == 1


def test_an_attachment_of_the_wrong_type_is_refused(inquiry, chengdu_staff):
    with pytest.raises(ValidationError) as raised:
        inquiry_services.message_post(
            actor=chengdu_staff,
            inquiry=inquiry,
            body="看看这个",
            attachment=pdf("run.exe", b"MZ\x90\x00binary"),
        )

    assert raised.value.message_dict == {
        "attachment": ["Only PDF, PNG, JPEG and Office documents (Word, Excel, PowerPoint) can be attached."]
    }
    assert inquiry.messages.count() == 1


def test_an_attachment_over_the_size_limit_is_refused(inquiry, chengdu_staff, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = pdf("big.pdf", PDF + b"0" * (2 * 1024 * 1024))

    with pytest.raises(ValidationError) as raised:
        inquiry_services.message_post(actor=chengdu_staff, inquiry=inquiry, body="大文件", attachment=big)

    assert raised.value.message_dict == {"attachment": ["The file is 2.0 MB; files may be at most 1 MB."]}
    assert inquiry.messages.count() == 1


def test_a_broker_on_the_listing_may_post(inquiry, broker):
    inquiry.listing.brokers.add(broker)

    inquiry_services.message_post(actor=broker, inquiry=inquiry, body="我来协助双方沟通。")

    assert inquiry.messages.count() == 2


@pytest.mark.parametrize("who", ["anonymous", "other_buyer", "idle_broker", "chengdu_official"])
def test_outsiders_cannot_post_in_a_thread(who, request, inquiry):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        inquiry_services.message_post(actor=actor, inquiry=inquiry, body="插一句")

    assert inquiry.messages.count() == 1


def test_no_messages_in_a_closed_thread(inquiry, buyer_user):
    inquiry_services.inquiry_close(actor=buyer_user, inquiry=inquiry, reason="不合适")

    with pytest.raises(ValidationError) as raised:
        inquiry_services.message_post(actor=buyer_user, inquiry=inquiry, body="还在吗")

    assert raised.value.messages == ["This inquiry is Closed; no more messages can be sent."]
    assert raised.value.code == "illegal_transition"


def test_closing_twice_is_an_illegal_transition(inquiry, buyer_user):
    inquiry_services.inquiry_close(actor=buyer_user, inquiry=inquiry, reason="不合适")

    with pytest.raises(ValidationError) as raised:
        inquiry_services.inquiry_close(actor=buyer_user, inquiry=inquiry, reason="再关一次")

    assert raised.value.messages == ["The inquiry is Closed and cannot become Closed."]
    inquiry.refresh_from_db()
    assert inquiry.closed_reason == "不合适"


def test_closing_needs_a_reason(inquiry, buyer_user):
    with pytest.raises(ValidationError) as raised:
        inquiry_services.inquiry_close(actor=buyer_user, inquiry=inquiry, reason="")

    assert raised.value.message_dict == {"reason": ["Say why the inquiry is closed."]}
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.OPEN


def test_a_broker_cannot_close_an_inquiry(inquiry, broker):
    inquiry.listing.brokers.add(broker)

    with pytest.raises(PermissionDenied):
        inquiry_services.inquiry_close(actor=broker, inquiry=inquiry, reason="我说了算")

    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.OPEN


# --- proposing and confirming ----------------------------------------------------------------------


def test_proposing_turns_the_inquiry_into_a_deal_confirmed_by_the_proposer(
    negotiating_deal, inquiry, chengdu_staff
):
    inquiry.refresh_from_db()
    deal = negotiating_deal

    assert inquiry.status == InquiryStatus.CONVERTED
    assert (deal.status, deal.listing_id, deal.seller_id, deal.buyer_id, deal.inquiry_id) == (
        DealStatus.NEGOTIATING,
        inquiry.listing_id,
        inquiry.seller_id,
        inquiry.buyer_id,
        inquiry.pk,
    )
    assert (deal.transaction_mode, deal.contract_category, deal.amount) == (
        "transfer",
        "transfer",
        Decimal("1000000.00"),
    )
    assert deal.buyer_confirmed_at is not None
    assert deal.seller_confirmed_at is None
    assert len(titles_for(chengdu_staff)) == 2  # the inquiry, then the proposal


def test_the_contract_category_follows_the_transaction_mode_by_default(inquiry, chengdu_staff):
    deal = services.deal_propose(
        actor=chengdu_staff, inquiry=inquiry, terms={**TERMS, "transaction_mode": "licence_sole"}
    )

    assert (deal.contract_category, deal.seller_confirmed_at is not None, deal.buyer_confirmed_at) == (
        "licence",
        True,
        None,
    )


def test_proposing_on_a_converted_inquiry_is_illegal(negotiating_deal, inquiry, chengdu_staff):
    with pytest.raises(ValidationError) as raised:
        services.deal_propose(actor=chengdu_staff, inquiry=inquiry, terms=dict(TERMS))

    assert raised.value.messages == ["The inquiry is Became a deal and cannot become Became a deal."]
    assert Deal.objects.count() == 1


def test_invalid_terms_are_refused_by_field_and_the_inquiry_stays_open(inquiry, buyer_user):
    with pytest.raises(ValidationError) as raised:
        services.deal_propose(actor=buyer_user, inquiry=inquiry, terms={**TERMS, "amount": Decimal("-1")})

    assert raised.value.message_dict == {"amount": ["The amount cannot be negative."]}
    inquiry.refresh_from_db()
    assert (inquiry.status, Deal.objects.count()) == (InquiryStatus.OPEN, 0)


def test_both_confirmations_sign_the_deal_and_mark_the_listing_in_deal(
    negotiating_deal, chengdu_staff, buyer_user, broker, broker_agency, chengdu_institution
):
    engage(negotiating_deal, broker, broker_agency, chengdu_institution)

    deal = services.deal_confirm(
        actor=chengdu_staff, deal=negotiating_deal, terms_version=negotiating_deal.terms_version
    )

    deal.refresh_from_db()
    deal.listing.refresh_from_db()
    assert (deal.status, deal.signed_on, deal.listing.status) == (
        DealStatus.AGREED,
        timezone.localdate(),
        ListingStatus.IN_DEAL,
    )
    seller_note = Notification.objects.filter(recipient=chengdu_staff, verb="deal.signed").get()
    assert seller_note.url == f"/market/deals/{deal.pk}/contract/"
    assert Notification.objects.filter(recipient=buyer_user, verb="deal.signed").count() == 1
    assert Notification.objects.filter(recipient=broker, verb="deal.signed").count() == 1


def test_confirming_again_on_the_same_side_is_refused(negotiating_deal, buyer_user):
    with pytest.raises(ValidationError) as raised:
        services.deal_confirm(
            actor=buyer_user, deal=negotiating_deal, terms_version=negotiating_deal.terms_version
        )

    assert raised.value.messages == ["Your side has already confirmed these terms."]
    negotiating_deal.refresh_from_db()
    assert (negotiating_deal.status, negotiating_deal.seller_confirmed_at) == (DealStatus.NEGOTIATING, None)


def _negotiating_on(listing, buyer_enterprise, buyer_user):
    inquiry = inquiry_services.inquiry_open_for_listing(
        actor=buyer_user, listing=listing, buyer=buyer_enterprise, message="想要这个技术"
    )
    return services.deal_propose(actor=buyer_user, inquiry=inquiry, terms=dict(TERMS))


def test_signing_is_refused_while_publicity_runs_and_nothing_changes(
    publicity_listing, buyer_enterprise, buyer_user, chengdu_staff
):
    deal = _negotiating_on(publicity_listing, buyer_enterprise, buyer_user)
    notifications_before = Notification.objects.count()

    with pytest.raises(ValidationError) as raised:
        services.deal_confirm(actor=chengdu_staff, deal=deal, terms_version=deal.terms_version)

    end = timezone.localtime(publicity_listing.publicity_ends_at).strftime("%Y-%m-%d %H:%M")
    assert raised.value.messages == [
        f"The listing is still in its publicity period; the deal can be signed after {end}."
    ]
    assert raised.value.code == "signing_blocked"
    deal.refresh_from_db()
    publicity_listing.refresh_from_db()
    assert (deal.status, deal.seller_confirmed_at, deal.signed_on, publicity_listing.status) == (
        DealStatus.NEGOTIATING,
        None,
        None,
        ListingStatus.PUBLICITY,
    )
    assert Notification.objects.count() == notifications_before


def test_signing_is_refused_while_an_objection_is_open_and_nothing_changes(
    negotiating_deal, chengdu_staff, other_buyer
):
    ListingObjection.objects.create(
        listing=negotiating_deal.listing, filed_by=other_buyer, reasons="权属有争议"
    )

    with pytest.raises(ValidationError) as raised:
        services.deal_confirm(
            actor=chengdu_staff, deal=negotiating_deal, terms_version=negotiating_deal.terms_version
        )

    assert raised.value.messages == [
        "An objection to the listing is still open; the deal can be signed once officials resolve it."
    ]
    negotiating_deal.refresh_from_db()
    negotiating_deal.listing.refresh_from_db()
    assert (
        negotiating_deal.status,
        negotiating_deal.seller_confirmed_at,
        negotiating_deal.listing.status,
    ) == (
        DealStatus.NEGOTIATING,
        None,
        ListingStatus.ACTIVE,
    )


def test_a_dismissed_objection_no_longer_blocks_signing(negotiating_deal, chengdu_staff, other_buyer):
    ListingObjection.objects.create(
        listing=negotiating_deal.listing,
        filed_by=other_buyer,
        reasons="误会",
        status=ObjectionStatus.DISMISSED,
    )

    deal = services.deal_confirm(
        actor=chengdu_staff, deal=negotiating_deal, terms_version=negotiating_deal.terms_version
    )

    assert deal.status == DealStatus.AGREED


def test_the_first_confirmation_during_publicity_is_recorded(publicity_listing, buyer_enterprise, buyer_user):
    inquiry = inquiry_services.inquiry_open_for_listing(
        actor=buyer_user, listing=publicity_listing, buyer=buyer_enterprise, message="想要这个技术"
    )
    deal = services.deal_propose(actor=buyer_user, inquiry=inquiry, terms=dict(TERMS))

    assert (deal.status, deal.buyer_confirmed_at is not None) == (DealStatus.NEGOTIATING, True)


def test_a_deal_answering_a_demand_has_no_publicity_to_wait_for(
    buyer_enterprise, buyer_user, chengdu_institution, chengdu_staff
):
    demand = market_factories.demand(buyer_enterprise, buyer_user)
    inquiry = inquiry_services.inquiry_open_for_demand(
        actor=chengdu_staff, demand=demand, seller=chengdu_institution, message="可以合作开发"
    )
    deal = services.deal_propose(
        actor=chengdu_staff,
        inquiry=inquiry,
        terms={"amount": Decimal("800000"), "payment_method": "lump_sum"},
    )

    deal = services.deal_confirm(actor=buyer_user, deal=deal, terms_version=deal.terms_version)

    assert (deal.status, deal.title, deal.transaction_mode, deal.contract_category, deal.demand_id) == (
        DealStatus.AGREED,
        demand.title,
        "joint_development",
        "development",
        demand.pk,
    )


def test_confirming_a_signed_deal_is_an_illegal_transition(negotiating_deal, chengdu_staff):
    services.deal_confirm(
        actor=chengdu_staff, deal=negotiating_deal, terms_version=negotiating_deal.terms_version
    )

    with pytest.raises(ValidationError) as raised:
        services.deal_confirm(
            actor=chengdu_staff, deal=negotiating_deal, terms_version=negotiating_deal.terms_version
        )

    assert raised.value.code == "illegal_transition"
    assert raised.value.messages == [
        "The terms of a deal that is Agreed and signed cannot change; only deals under negotiation can."
    ]


# --- changing terms --------------------------------------------------------------------------------


def test_editing_the_terms_clears_both_confirmations_and_reconfirms_the_editor(
    negotiating_deal, chengdu_staff, buyer_user
):
    deal = services.deal_update_terms(
        actor=chengdu_staff,
        deal=negotiating_deal,
        terms={"amount": Decimal("1100000"), "transaction_mode": "licence_exclusive"},
    )

    deal.refresh_from_db()
    assert (deal.amount, deal.contract_category, deal.buyer_confirmed_at) == (
        Decimal("1100000.00"),
        "licence",
        None,
    )
    assert deal.seller_confirmed_at is not None
    assert Notification.objects.filter(recipient=buyer_user, verb="deal.terms_changed").count() == 1


def test_the_terms_of_a_signed_deal_cannot_change(chengdu_institution, buyer_enterprise, buyer_user):
    deal = market_factories.deal(chengdu_institution, buyer_enterprise, buyer_user, status=DealStatus.AGREED)

    with pytest.raises(ValidationError) as raised:
        services.deal_update_terms(actor=buyer_user, deal=deal, terms={"amount": Decimal("1")})

    assert raised.value.code == "illegal_transition"
    deal.refresh_from_db()
    assert deal.amount == Decimal("1200000.00")


def test_unknown_terms_are_refused(negotiating_deal, buyer_user):
    with pytest.raises(ValidationError) as raised:
        services.deal_update_terms(actor=buyer_user, deal=negotiating_deal, terms={"status": "agreed"})

    assert raised.value.message_dict == {"status": ["This is not a term of a deal."]}


# --- cancelling ------------------------------------------------------------------------------------


def test_cancelling_a_negotiation(negotiating_deal, chengdu_staff, buyer_user):
    deal = services.deal_cancel(actor=chengdu_staff, deal=negotiating_deal, reason="价格谈不拢")

    assert (deal.status, deal.cancelled_reason) == (DealStatus.CANCELLED, "价格谈不拢")
    assert Notification.objects.filter(recipient=buyer_user, verb="deal.cancelled").count() == 1


def test_cancelling_a_signed_deal_releases_the_listing(negotiating_deal, chengdu_staff, buyer_user):
    services.deal_confirm(
        actor=chengdu_staff, deal=negotiating_deal, terms_version=negotiating_deal.terms_version
    )

    services.deal_cancel(actor=buyer_user, deal=negotiating_deal, reason="资金未到位")

    negotiating_deal.listing.refresh_from_db()
    assert negotiating_deal.listing.status == ListingStatus.ACTIVE


@pytest.mark.parametrize("status", [DealStatus.CANCELLED, DealStatus.SUBMITTED, DealStatus.REGISTERED])
def test_cancelling_after_submission_or_twice_is_illegal(
    status, chengdu_institution, buyer_enterprise, buyer_user
):
    deal = market_factories.deal(chengdu_institution, buyer_enterprise, buyer_user, status=status)

    with pytest.raises(ValidationError) as raised:
        services.deal_cancel(actor=buyer_user, deal=deal, reason="不要了")

    assert raised.value.code == "illegal_transition"
    deal.refresh_from_db()
    assert deal.status == status


# --- brokers ---------------------------------------------------------------------------------------


def test_a_party_engages_a_broker_and_the_commission_follows_the_agreement(
    negotiating_deal, buyer_user, buyer_enterprise, broker, broker_agency
):
    engagement = services.broker_engage(
        actor=buyer_user,
        deal=negotiating_deal,
        broker=broker,
        role="agent",
        fee_basis="pct_of_contract",
        rate_percent=Decimal("2.50"),
        agreement="按合同额2.5%支付佣金",
    )

    assert (engagement.agency_id, engagement.engaged_by_id, engagement.role) == (
        broker_agency.pk,
        buyer_enterprise.pk,
        "agent",
    )
    from market.selectors import deals as selectors

    assert selectors.engagement_commission(engagement, negotiating_deal) == Decimal("25000.00")
    assert Notification.objects.filter(recipient=broker, verb="deal.broker_engaged").count() == 1


def test_only_a_broker_can_be_engaged(negotiating_deal, buyer_user, other_buyer):
    with pytest.raises(ValidationError) as raised:
        services.broker_engage(
            actor=buyer_user,
            deal=negotiating_deal,
            broker=other_buyer,
            role="agent",
            fee_basis="fixed",
            fee_amount=Decimal("1000"),
        )

    assert raised.value.message_dict == {"broker": ["This user is not a registered broker."]}
    assert DealBroker.objects.count() == 0


def test_a_fixed_fee_needs_its_amount(negotiating_deal, buyer_user, broker):
    with pytest.raises(ValidationError) as raised:
        services.broker_engage(
            actor=buyer_user, deal=negotiating_deal, broker=broker, role="agent", fee_basis="fixed"
        )

    assert raised.value.message_dict == {"fee_amount": ["Give the fixed fee."]}
    assert DealBroker.objects.count() == 0


def test_a_broker_is_engaged_once(negotiating_deal, buyer_user, broker):
    arguments = {"role": "agent", "fee_basis": "fixed", "fee_amount": Decimal("5000")}
    services.broker_engage(actor=buyer_user, deal=negotiating_deal, broker=broker, **arguments)

    with pytest.raises(ValidationError) as raised:
        services.broker_engage(actor=buyer_user, deal=negotiating_deal, broker=broker, **arguments)

    assert raised.value.message_dict == {"broker": ["This broker is already engaged on the deal."]}
    assert DealBroker.objects.count() == 1


def test_no_broker_changes_after_registration(
    chengdu_institution, buyer_enterprise, buyer_user, broker, broker_agency
):
    deal = market_factories.deal(
        chengdu_institution, buyer_enterprise, buyer_user, status=DealStatus.REGISTERED
    )
    engagement = engage(deal, broker, broker_agency, buyer_enterprise)

    with pytest.raises(ValidationError) as raised:
        services.broker_release(actor=buyer_user, engagement=engagement)

    assert raised.value.messages == ["Brokers cannot be changed on a deal that is Registered."]
    assert DealBroker.objects.count() == 1


def test_a_party_releases_a_broker(negotiating_deal, buyer_user, broker, broker_agency, buyer_enterprise):
    engagement = engage(negotiating_deal, broker, broker_agency, buyer_enterprise)

    services.broker_release(actor=buyer_user, engagement=engagement)

    assert DealBroker.objects.count() == 0
    assert Notification.objects.filter(recipient=broker, verb="deal.broker_released").count() == 1


# --- the permission matrix of the deal actions ------------------------------------------------------

DEAL_ACTIONS = {
    "confirm": lambda actor, deal, **_: services.deal_confirm(
        actor=actor, deal=deal, terms_version=deal.terms_version
    ),
    "update_terms": lambda actor, deal, **_: services.deal_update_terms(
        actor=actor, deal=deal, terms={"amount": Decimal("1")}
    ),
    "cancel": lambda actor, deal, **_: services.deal_cancel(actor=actor, deal=deal, reason="不要了"),
    "engage": lambda actor, deal, broker, **_: services.broker_engage(
        actor=actor, deal=deal, broker=broker, role="agent", fee_basis="fixed", fee_amount=Decimal("1")
    ),
}


@pytest.mark.parametrize("action", list(DEAL_ACTIONS))
@pytest.mark.parametrize(
    "who", ["anonymous", "other_buyer", "idle_broker", "chengdu_official", "engaged_broker"]
)
def test_outsiders_cannot_act_on_a_deal_and_nothing_changes(
    who, action, request, negotiating_deal, other_deal, broker, broker_agency, buyer_enterprise, idle_broker
):
    engage(negotiating_deal, broker, broker_agency, buyer_enterprise)
    actor = {
        "anonymous": AnonymousUser(),
        "engaged_broker": broker,
    }.get(who) or request.getfixturevalue(who)
    before = Deal.objects.values().get(pk=negotiating_deal.pk)

    with pytest.raises(PermissionDenied):
        DEAL_ACTIONS[action](actor, negotiating_deal, broker=idle_broker)

    assert Deal.objects.values().get(pk=negotiating_deal.pk) == before
    assert DealBroker.objects.count() == 1


def test_the_platform_admin_may_cancel_but_not_confirm_for_a_side(negotiating_deal, platform_admin):
    with pytest.raises(ValidationError) as raised:
        services.deal_confirm(
            actor=platform_admin, deal=negotiating_deal, terms_version=negotiating_deal.terms_version
        )

    assert raised.value.code == "no_side"
    deal = services.deal_cancel(actor=platform_admin, deal=negotiating_deal, reason="违规")
    assert deal.status == DealStatus.CANCELLED


def test_an_attachment_is_stored_under_a_generated_name_with_its_detected_extension(inquiry, chengdu_staff):
    message = inquiry_services.message_post(
        actor=chengdu_staff, inquiry=inquiry, body="附上报价。", attachment=pdf("报价\r\n单.html")
    )

    assert message.attachment_name == "报价 单.html"
    assert re.fullmatch(rf"market/messages/{inquiry.pk}/[0-9a-f]{{32}}\.pdf", message.attachment.name)


def test_a_demand_title_with_a_line_break_is_refused_and_nothing_changes(buyer_user, buyer_enterprise):
    # A line break in a title once reached the reviewers' notification e-mail subject (BadHeaderError).
    demand = market_factories.demand(buyer_enterprise, buyer_user, status=DemandStatus.DRAFT)

    with pytest.raises(ValidationError) as error:
        demand_services.demand_update(actor=buyer_user, demand=demand, data={"title": "求购\n第二行"})

    assert list(error.value.message_dict) == ["title"]
    demand.refresh_from_db()
    assert demand.title == "大型铸锻件智能焊接工艺改进"
