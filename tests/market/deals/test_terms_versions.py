"""Signatures bound to the terms seen (issue 12, item 3): every change of a deal's terms bumps
``terms_version``, clears the confirmations and tells the other side what changed; a confirmation
names the version its author saw, and one of terms changed since is refused — 409 with what changed —
by the service, the API and the page alike."""

from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator

from core.versions import Change, StaleVersion
from market.choices import DealStatus
from market.models import Deal
from market.services import deals as services
from notifications.models import Notification
from tests.market.deals.conftest import api_for, client_for

pytestmark = pytest.mark.django_db

AMOUNT_CHANGE = Change(field="amount", label="agreed amount (yuan)", old="1,000,000.00", new="1.00")


@pytest.fixture
def seen_by_seller(negotiating_deal) -> int:
    """The version of the terms the seller's page showed (¥1,000,000, proposed by the buyer)."""
    return negotiating_deal.terms_version


@pytest.fixture
def cut_to_one_yuan(negotiating_deal, buyer_user, seen_by_seller) -> Deal:
    """The buyer then changes the amount to ¥1.00."""
    return services.deal_update_terms(actor=buyer_user, deal=negotiating_deal, terms={"amount": Decimal("1")})


def test_a_change_of_the_terms_bumps_the_version_and_tells_the_other_side_what_changed(
    negotiating_deal, cut_to_one_yuan, chengdu_staff
):
    deal = cut_to_one_yuan

    assert (negotiating_deal.terms_version, deal.terms_version) == (1, 2)
    # notices are written in the platform language (Chinese); the change is shown old → new
    notices = Notification.objects.filter(recipient=chengdu_staff, verb__startswith="deal.").order_by("pk")
    assert list(notices.values_list("verb", flat=True)) == ["deal.proposed", "deal.terms_changed"]
    assert "1,000,000.00 → 1.00" in notices.last().body


def test_a_confirmation_of_terms_changed_since_is_refused_with_what_changed(
    cut_to_one_yuan, chengdu_staff, seen_by_seller
):
    with pytest.raises(StaleVersion) as raised:
        services.deal_confirm(actor=chengdu_staff, deal=cut_to_one_yuan, terms_version=seen_by_seller)

    assert (raised.value.code, raised.value.changes, raised.value.current_version) == (
        "terms_changed",
        [AMOUNT_CHANGE],
        2,
    )
    assert raised.value.messages == [
        "The terms changed after you opened them, so your confirmation was not recorded. What changed: "
        "agreed amount (yuan): 1,000,000.00 → 1.00. Check the current terms and confirm again."
    ]
    deal = Deal.objects.get(pk=cut_to_one_yuan.pk)
    assert (deal.status, deal.seller_confirmed_at, deal.amount) == (
        DealStatus.NEGOTIATING,
        None,
        Decimal("1"),
    )


def test_the_current_version_is_confirmed_and_signs(cut_to_one_yuan, chengdu_staff):
    deal = services.deal_confirm(actor=chengdu_staff, deal=cut_to_one_yuan, terms_version=2)

    assert (deal.status, deal.amount) == (DealStatus.AGREED, Decimal("1.00"))


def test_several_changes_are_listed_against_the_version_seen(negotiating_deal, buyer_user, chengdu_staff):
    deal = services.deal_update_terms(
        actor=buyer_user, deal=negotiating_deal, terms={"amount": Decimal("900000"), "terms": "一次付清。"}
    )
    deal = services.deal_update_terms(
        actor=buyer_user, deal=deal, terms={"payment_method": "lump_sum", "disclose_amount": False}
    )

    with pytest.raises(StaleVersion) as raised:
        services.deal_confirm(actor=chengdu_staff, deal=deal, terms_version=1)

    assert [str(change) for change in raised.value.changes] == [
        "agreed amount (yuan): 1,000,000.00 → 900,000.00",
        "payment method: Lump sum in instalments (一次总算分期支付) → Lump sum, paid at once (一次总算一次总付)",
        "main terms: 首付30%，验收后付清。 → 一次付清。",
        "the parties agree to disclose the amount: Yes → No",
    ]
    assert raised.value.current_version == 3


def test_the_same_terms_again_change_nothing(negotiating_deal, buyer_user, chengdu_staff):
    notified = Notification.objects.count()

    deal = services.deal_update_terms(
        actor=buyer_user, deal=negotiating_deal, terms={"amount": Decimal("1000000")}
    )
    deal = services.deal_confirm(actor=chengdu_staff, deal=deal, terms_version=1)

    assert (deal.terms_version, deal.status) == (1, DealStatus.AGREED)
    assert Notification.objects.count() == notified + 2  # the signing, to each side; no "terms changed"


def test_a_change_after_the_seller_confirmed_clears_that_confirmation_and_tells_the_seller(
    chengdu_staff, buyer_user, inquiry
):
    # the seller proposes (and so confirms); the buyer changes the amount
    deal = services.deal_propose(
        actor=chengdu_staff,
        inquiry=inquiry,
        terms={"amount": Decimal("500000"), "payment_method": "lump_sum"},
    )
    assert deal.seller_confirmed_at is not None

    deal = services.deal_update_terms(actor=buyer_user, deal=deal, terms={"amount": Decimal("1")})

    assert (deal.seller_confirmed_at, deal.buyer_confirmed_at is not None) == (None, True)
    notice = Notification.objects.filter(recipient=chengdu_staff).order_by("pk").last()
    assert (notice.verb, "500,000.00 → 1.00" in notice.body) == ("deal.terms_changed", True)


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_shows_the_version_and_requires_it_to_confirm(negotiating_deal, chengdu_staff):
    client = api_for(chengdu_staff)

    shown = client.get(f"/api/v1/deals/{negotiating_deal.pk}/").json()
    response = client.post(f"/api/v1/deals/{negotiating_deal.pk}/confirm/", {}, format="json")

    assert shown["terms_version"] == 1
    assert (response.status_code, response.json()["fields"]) == (
        400,
        {"terms_version": ["This field is required."]},
    )
    negotiating_deal.refresh_from_db()
    assert negotiating_deal.seller_confirmed_at is None


def test_a_stale_confirmation_through_the_api_is_a_409_with_what_changed(
    cut_to_one_yuan, chengdu_staff, seen_by_seller
):
    response = api_for(chengdu_staff).post(
        f"/api/v1/deals/{cut_to_one_yuan.pk}/confirm/", {"terms_version": seen_by_seller}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["current_version"], body["fields"]) == ("terms_changed", 2, {})
    assert body["changes"] == [
        {"field": "amount", "label": "agreed amount (yuan)", "old": "1,000,000.00", "new": "1.00"}
    ]
    assert "1,000,000.00 → 1.00" in body["detail"]
    deal = Deal.objects.get(pk=cut_to_one_yuan.pk)
    assert (deal.status, deal.seller_confirmed_at) == (DealStatus.NEGOTIATING, None)


def test_the_schema_documents_the_409_of_confirming():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/deals/{id}/confirm/"]["post"]

    assert operation["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/StaleVersion"
    }
    assert "terms_version" in schema["components"]["schemas"]["DealConfirmInputRequest"]["required"]
    assert set(schema["components"]["schemas"]["StaleVersion"]["properties"]) == {
        "code",
        "detail",
        "fields",
        "changes",
        "current_version",
    }


# --- the page --------------------------------------------------------------------------------------


def test_the_confirm_button_carries_the_version_of_the_terms_shown(negotiating_deal, chengdu_staff):
    page = client_for(chengdu_staff).get(f"/market/deals/{negotiating_deal.pk}/").content.decode()

    assert '<input type="hidden" name="terms_version" value="1">' in page


def test_a_stale_confirmation_from_the_page_is_a_409_showing_what_changed(
    cut_to_one_yuan, chengdu_staff, seen_by_seller
):
    response = client_for(chengdu_staff).post(
        f"/market/deals/{cut_to_one_yuan.pk}/confirm/", {"terms_version": seen_by_seller}
    )

    content = response.content.decode()
    assert response.status_code == 409
    assert response.context["stale"].changes == [AMOUNT_CHANGE]
    assert "data-terms-changed" in content
    assert "<del>1,000,000.00</del> → <ins>1.00</ins>" in content
    assert '<input type="hidden" name="terms_version" value="2">' in content  # confirm what is shown now
    deal = Deal.objects.get(pk=cut_to_one_yuan.pk)
    assert (deal.status, deal.seller_confirmed_at) == (DealStatus.NEGOTIATING, None)


def test_a_confirmation_without_a_version_from_the_page_records_nothing(negotiating_deal, chengdu_staff):
    response = client_for(chengdu_staff).post(f"/market/deals/{negotiating_deal.pk}/confirm/", follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "Reload the page and confirm the terms it shows."
    ]
    negotiating_deal.refresh_from_db()
    assert (negotiating_deal.status, negotiating_deal.seller_confirmed_at) == (DealStatus.NEGOTIATING, None)


def test_saving_the_same_terms_from_the_page_says_nothing_changed(
    negotiating_deal, buyer_user, chengdu_staff
):
    response = client_for(buyer_user).post(
        f"/market/deals/{negotiating_deal.pk}/terms/",
        {
            "title": negotiating_deal.title,
            "transaction_mode": negotiating_deal.transaction_mode,
            "contract_category": negotiating_deal.contract_category,
            "amount": "1000000.00",
            "payment_method": negotiating_deal.payment_method,
            "terms": negotiating_deal.terms,
            "disclose_amount": "on",
        },
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "The terms are the same as before; nothing changed."
    ]
    negotiating_deal.refresh_from_db()
    assert negotiating_deal.terms_version == 1
    assert not Notification.objects.filter(recipient=chengdu_staff, verb="deal.terms_changed").exists()
