"""Matching services: what is matched, when, how rows are kept, announced once, and judged."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from core import limits
from core.text import segmentation
from market.choices import DemandStatus, ListingStatus, MatchSide, MatchVerdict
from market.models import Match, MatchFeedback, MatchNotice
from market.selectors import matching as selectors
from market.services import demands as demand_services
from market.services import listings as listing_services
from market.services import matching
from notifications.models import Notification
from tests import factories
from tests.achievements import factories as achievement_factories
from tests.market import factories as market_factories
from tests.market.matching.conftest import with_terms

pytestmark = pytest.mark.django_db


def rows():
    return list(
        Match.objects.order_by("pk").values(
            "pk",
            "demand_id",
            "listing_id",
            "achievement_id",
            "score",
            "factors",
            "matched_terms",
            "demand_rank",
            "listing_rank",
            "found_at",
        )
    )


def test_a_demand_is_matched_with_the_listing_that_answers_it_and_says_why(
    battery_demand, anode_listing, camera_listing
):
    assert matching.demand_match(demand_pk=battery_demand.pk) == 1

    match = Match.objects.get()
    assert (match.demand_id, match.listing_id, match.demand_rank, match.listing_rank) == (
        battery_demand.pk,
        anode_listing.pk,
        1,
        1,
    )
    assert set(match.factors) == {"text", "field", "trl", "budget", "mode", "region", "freshness"}
    assert match.factors["trl"] == 1.0  # TRL 6 for a demand asking 5
    assert match.factors["budget"] == 1.0  # 1.2 million within 1.5 million
    assert match.factors["mode"] == 1.0
    assert match.factors["region"] == 0.6  # 德阳 and 成都: the 成德绵 zone
    assert {"负极材料", "硅碳"} <= set(match.matched_terms)
    with translation.override("en"):
        shown = selectors.with_reasons([selectors.match_get(actor=battery_demand.created_by, pk=match.pk)])[0]
    assert shown.reasons[0].startswith("Shared key words: ")
    assert shown.reasons[1:] == [
        "Same field (New materials and their application)",
        "Maturity TRL6 meets the demand's TRL≥5",
        "Price within the budget",
        "Cooperation mode as wanted",
        "Same demonstration zone",
    ]


def test_refreshing_twice_leaves_identical_rows(battery_demand, anode_listing):
    matching.demand_match(demand_pk=battery_demand.pk)
    first = rows()
    matching.corpus_clear()
    matching.demand_match(demand_pk=battery_demand.pk)
    matching.listing_match(listing_pk=anode_listing.pk)

    assert rows() == first
    assert len(first) == 1


def test_the_recompute_run_twice_leaves_identical_rows_and_agrees_with_the_refresh(
    battery_demand, anode_listing, camera_listing
):
    matching.demand_match(demand_pk=battery_demand.pk)
    refreshed = rows()

    assert matching.match_recompute(chunk_size=1) == 2  # the pair, ranked on each side
    once = rows()
    matching.match_recompute(chunk_size=1)

    assert rows() == once == refreshed


def test_publishing_a_listing_matches_it_on_commit(
    battery_demand, chengdu_institution, seller, django_capture_on_commit_callbacks
):
    listing = market_factories.listing(chengdu_institution, seller, status=ListingStatus.DRAFT)
    listing_services.listing_refresh_search(listing=listing)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        listing_services.listing_publish(actor=seller, listing=listing)

    assert [callback.func.__self__.name for callback in callbacks][:1] == [
        "market.tasks.matching.listing_match_task"
    ]
    assert list(Match.objects.values_list("demand_id", "listing_id", "listing_rank")) == [
        (battery_demand.pk, listing.pk, 1)
    ]


def test_approving_a_demand_matches_it_and_closing_it_removes_its_matches(
    deyang_enterprise, poster, anode_listing, province_official, django_capture_on_commit_callbacks
):
    demand = with_terms(
        market_factories.demand(
            deyang_enterprise,
            poster,
            status=DemandStatus.SUBMITTED,
            title="锂电池负极材料",
            keywords=["负极材料"],
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        demand_services.demand_approve(actor=province_official, demand=demand)
    assert list(Match.objects.values_list("demand_id", "listing_id")) == [(demand.pk, anode_listing.pk)]

    with django_capture_on_commit_callbacks(execute=True):
        demand_services.demand_close(actor=poster, demand=demand)

    assert Match.objects.count() == 0


def test_a_withdrawn_listing_loses_its_matches(
    battery_demand, anode_listing, seller, django_capture_on_commit_callbacks
):
    matching.demand_match(demand_pk=battery_demand.pk)
    with django_capture_on_commit_callbacks(execute=True):
        listing_services.listing_withdraw(actor=seller, listing=anode_listing)

    assert Match.objects.count() == 0


def test_a_new_demand_takes_its_place_in_a_full_listing_list_and_pushes_the_weakest_out(
    settings, deyang_enterprise, poster, anode_listing
):
    settings.MARKET_MATCH_TOP = 1
    weak = with_terms(
        market_factories.demand(deyang_enterprise, poster, title="电池材料检测服务", keywords=["电池"])
    )
    matching.listing_match(listing_pk=anode_listing.pk)
    assert list(Match.objects.values_list("demand_id", "listing_rank")) == [(weak.pk, 1)]

    strong = with_terms(
        market_factories.demand(
            deyang_enterprise,
            poster,
            title="硅碳负极材料产业化",
            keywords=["硅碳", "负极材料", "锂电池"],
            technology_field=market_factories.technology_field("03"),
            required_trl=5,
        )
    )
    matching.demand_match(demand_pk=strong.pk)

    assert set(Match.objects.values_list("demand_id", "listing_rank", "demand_rank")) == {
        (strong.pk, 1, 1),
        (weak.pk, None, 1),  # still the weak demand's best offer, no longer in the listing's top 1
    }


def test_published_achievements_without_a_listing_are_offered_too(
    battery_demand, chengdu_institution, seller, province_official
):
    achievement = achievement_factories.published(seller, province_official, chengdu_institution)

    matching.demand_match(demand_pk=battery_demand.pk)
    assert list(Match.objects.values_list("achievement_id", "listing_id", "demand_rank", "listing_rank")) == [
        (achievement.pk, None, 1, None)
    ]

    # once listed, the achievement is offered through its listing only
    market_factories.listing(chengdu_institution, seller, achievement=achievement)
    matching.match_recompute()
    assert list(Match.objects.values_list("achievement_id", "listing_id")) == [
        (None, achievement.listings.get().pk)
    ]


def test_records_saved_before_matching_get_their_words_before_a_recompute(
    battery_demand, chengdu_institution, seller
):
    listing = market_factories.listing(chengdu_institution, seller)
    assert listing.match_terms == ""

    assert matching.terms_fill_missing() == 1
    listing.refresh_from_db()
    assert "负极材料" in listing.match_terms.split()


def test_a_closed_or_expired_demand_is_not_matched(deyang_enterprise, poster, anode_listing):
    closed = with_terms(
        market_factories.demand(deyang_enterprise, poster, status=DemandStatus.CLOSED, title="负极材料")
    )
    expired = with_terms(
        market_factories.demand(
            deyang_enterprise, poster, title="负极材料", deadline=timezone.localdate() - timedelta(days=1)
        )
    )

    assert matching.demand_match(demand_pk=closed.pk) == 0
    assert matching.demand_match(demand_pk=expired.pk) == 0
    assert matching.listing_match(listing_pk=anode_listing.pk) == 0
    assert Match.objects.count() == 0


# --- notifications ------------------------------------------------------------------------------------


@pytest.fixture
def parties(deyang_enterprise, chengdu_institution):
    enterprise_broker = market_factories.broker_at(deyang_enterprise, "enterprise-broker")
    institution_admin = factories.admin_of(chengdu_institution, username="institution-admin")
    return enterprise_broker, institution_admin


def test_a_strong_match_is_announced_to_both_sides_once(
    settings, battery_demand, anode_listing, poster, seller, parties, django_capture_on_commit_callbacks
):
    settings.MARKET_MATCH_NOTIFY_SCORE = 0.5
    listing_broker = factories.UserFactory(username="listing-broker")
    factories.MembershipFactory(
        user=listing_broker, organisation=factories.TransferInstitutionFactory(), role="broker"
    )
    anode_listing.brokers.add(listing_broker)

    matching.demand_match(demand_pk=battery_demand.pk)
    matching.listing_match(listing_pk=anode_listing.pk)
    matching.match_recompute()

    notified = sorted(
        Notification.objects.filter(verb="match_found").values_list("recipient__username", flat=True)
    )
    assert notified == sorted(
        ["poster", "enterprise-broker", "seller", "institution-admin", "listing-broker"]
    )
    assert MatchNotice.objects.count() == 1
    assert Notification.objects.get(recipient=poster).url == f"/market/demands/{battery_demand.pk}/#matches"


def test_a_run_that_finds_several_strong_matches_sends_each_party_one_message(
    settings, battery_demand, anode_listing, poster, seller, chengdu_institution
):
    settings.MARKET_MATCH_NOTIFY_SCORE = 0.3
    settings.LANGUAGE_CODE = "en"  # the platform language the messages are written in
    second = with_terms(
        market_factories.listing(
            chengdu_institution,
            seller,
            title="硅碳负极材料锂电池快充技术",
            summary="硅碳复合负极材料，比容量480mAh/g，适用于动力锂电池快充。",
            keywords=["锂电池", "负极材料", "硅碳"],
        )
    )

    matching.match_recompute()

    assert MatchNotice.objects.count() == 2
    to_poster = Notification.objects.get(recipient=poster, verb="match_found")
    assert to_poster.title == f"2 strong matches for your demand “{battery_demand.title}”"
    assert to_poster.body.startswith("The best is “")
    # The institution owns both listings: one message for each, as each is its own offer.
    assert (
        sorted(Notification.objects.filter(recipient=seller).values_list("title", flat=True))
        == [f"A demand matches your offer: {battery_demand.title}"] * 2
    )
    assert {anode_listing.pk, second.pk} == set(MatchNotice.objects.values_list("listing_id", flat=True))

    matching.match_recompute()

    assert Notification.objects.filter(verb="match_found").count() == 3


def test_the_recompute_chunks_record_strong_matches_and_the_sender_announces_them_once(
    settings, battery_demand, anode_listing, poster, seller
):
    settings.MARKET_MATCH_NOTIFY_SCORE = 0.5
    for side, pks in matching.match_recompute_plan():
        matching.match_recompute_chunk(side=side, pks=pks)

    assert MatchNotice.objects.filter(sent_at__isnull=True).count() == 1
    assert not Notification.objects.exists()

    assert matching.match_notices_send() == 1
    assert matching.match_notices_send() == 0

    assert MatchNotice.objects.get().sent_at is not None
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted([poster.pk, seller.pk])


def test_a_weak_match_is_not_announced(settings, battery_demand, anode_listing):
    settings.MARKET_MATCH_NOTIFY_SCORE = 0.99

    matching.demand_match(demand_pk=battery_demand.pk)

    assert Match.objects.count() == 1
    assert (MatchNotice.objects.count(), Notification.objects.count()) == (0, 0)


# --- feedback and visibility ---------------------------------------------------------------------------


@pytest.fixture
def match(battery_demand, anode_listing):
    matching.demand_match(demand_pk=battery_demand.pk)
    return Match.objects.select_related("demand", "listing").get()


def test_a_party_dismisses_a_match_with_a_reason_and_it_stays_hidden_from_that_side_only(
    match, poster, seller
):
    feedback = matching.match_feedback(
        actor=poster, match=match, verdict=MatchVerdict.NOT_RELEVANT, reason="price"
    )

    assert (feedback.side, feedback.verdict, feedback.reason, feedback.score) == (
        MatchSide.DEMAND,
        "not_relevant",
        "price",
        match.score,
    )
    assert list(selectors.match_list_for_demand(actor=poster, demand=match.demand)) == []
    assert list(selectors.match_list_for_listing(actor=seller, listing=match.listing)) == [match]
    # a recompute drops and restores nothing the party said
    matching.match_recompute()
    assert list(selectors.match_list_for_demand(actor=poster, demand=match.demand)) == []


def test_a_second_verdict_replaces_the_first(match, poster):
    matching.match_feedback(actor=poster, match=match, verdict=MatchVerdict.NOT_RELEVANT, reason="price")
    matching.match_feedback(actor=poster, match=match, verdict=MatchVerdict.USEFUL, reason="price")

    assert list(MatchFeedback.objects.values_list("side", "verdict", "reason")) == [("demand", "useful", "")]


def test_dismissing_needs_a_reason(match, poster):
    with pytest.raises(ValidationError) as error:
        matching.match_feedback(actor=poster, match=match, verdict=MatchVerdict.NOT_RELEVANT)

    assert "reason" in error.value.message_dict
    assert MatchFeedback.objects.count() == 0


def test_only_the_parties_judge_a_match(match, province_official, mianyang_enterprise_user):
    for outsider in (province_official, mianyang_enterprise_user):
        with pytest.raises(PermissionDenied):
            matching.match_feedback(actor=outsider, match=match, verdict=MatchVerdict.USEFUL)

    assert MatchFeedback.objects.count() == 0


@pytest.fixture
def mianyang_enterprise_user(db):
    return market_factories.enterprise_user(
        market_factories.enterprise("绵阳其他企业有限公司", "510703"), "stranger"
    )


def test_a_demands_matches_are_seen_by_its_party_and_officials_over_it_not_by_other_enterprises(
    match,
    poster,
    seller,
    parties,
    province_official,
    chengdu_official,
    mianyang_official,
    mianyang_enterprise_user,
):
    enterprise_broker, institution_admin = parties
    deyang_official = factories.official_for("510600", username="deyang-official")

    def sees(user):
        return Match.objects.visible_to(user).filter(pk=match.pk).exists()

    for user in (
        poster,
        enterprise_broker,
        seller,
        institution_admin,
        province_official,
        deyang_official,
        chengdu_official,
    ):
        assert sees(user), user.username
    for user in (mianyang_enterprise_user, mianyang_official, factories.UserFactory(username="nobody")):
        assert not sees(user), user.username


def test_the_inbox_holds_each_sides_own_matches(match, poster, seller, province_official):
    assert [(row.pk, row.demand_verdict) for row in selectors.match_inbox(actor=poster)] == [(match.pk, None)]
    assert [row.pk for row in selectors.match_inbox(actor=seller, side=MatchSide.OFFER)] == [match.pk]
    assert list(selectors.match_inbox(actor=seller, side=MatchSide.DEMAND)) == []
    # officials watch through the records' pages; their inbox is for their own records
    assert list(selectors.match_inbox(actor=province_official)) == []


def test_stored_words_and_factors_survive_the_array_literals(battery_demand, anode_listing):
    words = ['引号"词', "反斜杠\\词", "逗号,词", "{花括号}", "NULL"]
    pair = matching.PairRow(
        demand_id=battery_demand.pk,
        listing_id=anode_listing.pk,
        achievement_id=None,
        score=0.5,
        factors=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7),
        matched_terms=words,
    )

    matching._upsert(
        [pair], demand_ranks={matching._key(pair): 1}, listing_ranks={}, rank_fields=["demand_rank"]
    )

    match = Match.objects.get()
    assert match.matched_terms == words
    assert match.factors == {
        "text": 0.1,
        "field": 0.2,
        "trl": 0.3,
        "budget": 0.4,
        "mode": 0.5,
        "region": 0.6,
        "freshness": 0.7,
    }
    assert (match.score, match.demand_rank, match.listing_rank) == (0.5, 1, None)


def _same_items(first, second):
    assert first.keys.tolist() == second.keys.tolist()
    assert first.terms == second.terms
    for name in ("kinds", "fields", "trl", "price_low", "price_high", "modes", "regions", "day"):
        assert getattr(first, name).tolist() == pytest.approx(getattr(second, name).tolist(), nan_ok=True)
    assert (first.counts != second.counts).nnz == 0


def test_a_changed_side_is_patched_to_what_a_fresh_load_gives(
    battery_demand, anode_listing, camera_listing, chengdu_institution, seller
):
    matching.corpus_current()
    newcomer = with_terms(market_factories.listing(chengdu_institution, seller, title="硅碳负极材料量产工艺"))
    camera_listing.title = "基于深度学习的人脸识别考勤终端"
    camera_listing.save()  # a later updated_at
    with_terms(camera_listing)
    type(anode_listing).objects.filter(pk=anode_listing.pk).update(
        status=ListingStatus.WITHDRAWN, updated_at=timezone.now()
    )

    patched = matching.corpus_current()
    matching.corpus_clear()
    fresh = matching.corpus_current()

    assert patched is not fresh
    assert patched.offers.keys.tolist() == sorted([newcomer.pk, camera_listing.pk])
    _same_items(patched.offers, fresh.offers)
    _same_items(patched.demands, fresh.demands)


def test_a_side_cached_too_long_is_loaded_whole_and_one_mostly_changed_too(
    battery_demand, anode_listing, camera_listing, monkeypatch
):
    matching.corpus_current()
    loaded = []
    original = matching._listing_records
    monkeypatch.setattr(
        matching,
        "_listing_records",
        lambda queryset: loaded.append(len(records := original(queryset))) or records,
    )
    monkeypatch.setattr(matching, "CACHE_MAX_AGE_SECONDS", -1)
    matching.corpus_current()
    assert loaded == [2]  # whole, though nothing changed

    monkeypatch.setattr(matching, "CACHE_MAX_AGE_SECONDS", 3600)
    type(anode_listing).objects.filter(pk=anode_listing.pk).update(updated_at=timezone.now())
    matching.corpus_current()
    # The records changed since the newest change cached (the bumped one, and the newest itself, as
    # changes at that same instant may have come after the load): more than a fifth of the side, so
    # the side is loaded whole.
    assert loaded == [2, 2, 2]


def test_a_demand_at_its_longest_is_matched_with_bounded_work(deyang_enterprise, poster, anode_listing):
    # given a demand whose two texts are at their maximum, every sentence with new words
    sentences = "".join(f"第{number}项工艺采用硅碳负极材料提升锂电池循环寿命。" for number in range(400))
    longest = sentences[: limits.SUMMARY_MAX_LENGTH]
    demand = with_terms(
        market_factories.demand(
            deyang_enterprise,
            poster,
            title="动力锂电池高容量负极材料技术需求",
            problem=longest,
            expected_outcome=longest,
            keywords=["锂电池", "负极材料"],
        )
    )

    # when it is refreshed
    matched = matching.demand_match(demand_pk=demand.pk)

    # then the engine compared a bounded number of words (at most a few per character segmented), and
    # the refresh found the listing all the same
    words = demand.match_terms.split()
    assert len(words) <= 2 * 2 * segmentation.SEGMENTED_MAX_CHARACTERS + 100
    assert matched == 1
