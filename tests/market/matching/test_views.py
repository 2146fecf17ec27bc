"""Match pages: the 推荐匹配 panel on a demand's and a listing's page (who sees it, what a row says),
the match inbox, feedback from a page (htmx and without JavaScript, with its 403/404 and nothing
stored on denial), the demand's industry, and page query counts that do not grow with the matches."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from institutions.choices import ClassificationScheme
from market.choices import DemandStatus, MatchSide
from market.models import Demand, Match, MatchFeedback
from market.services import matching
from tests import factories
from tests.achievements.factories import classification
from tests.market import factories as market_factories
from tests.market.matching.conftest import with_terms

pytestmark = pytest.mark.django_db

INBOX = "/market/matches/"
LOGIN_URL = "/accounts/login/"
# what the panel says about the battery demand and the anode listing, after the shared words
REASONS_AFTER_TERMS = (
    "Same field (New materials and their application)；Maturity TRL6 meets the demand&#x27;s TRL≥5；"
    "Price within the budget；Cooperation mode as wanted；Same demonstration zone"
)


def client_for(user=None) -> Client:
    """A browser that chose English (so texts can be compared), signed in as ``user``."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def demand_page(demand) -> str:
    return f"/market/demands/{demand.pk}/"


def listing_page(listing) -> str:
    return f"/market/listings/{listing.pk}/"


def feedback_url(match) -> str:
    return f"/market/matches/{match.pk}/feedback/"


def explanation(match) -> str:
    return f"Shared key words: {'、'.join(match.matched_terms)}；{REASONS_AFTER_TERMS}"


def panel_rows(response) -> list[int]:
    panel = response.context["match_panel"]
    return [match.pk for match in panel.matches] if panel is not None else None


@pytest.fixture
def battery_match(battery_demand, anode_listing, camera_listing) -> Match:
    """The anode listing recommended for the battery demand (the camera listing matches nothing)."""
    assert matching.demand_match(demand_pk=battery_demand.pk) == 1
    return Match.objects.get()


@pytest.fixture
def deyang_official(db):
    return factories.official_for("510600", username="deyang-official")


@pytest.fixture
def demand_broker(deyang_enterprise):
    return market_factories.broker_at(deyang_enterprise, "demand-broker")


@pytest.fixture
def listing_broker(anode_listing):
    """A broker of another agency, named on the listing."""
    agency = factories.TransferInstitutionFactory(
        name="绵阳技术经纪事务所", region=factories.region("510703")
    )
    broker = market_factories.broker_at(agency, "listing-broker")
    anode_listing.brokers.add(broker)
    return broker


@pytest.fixture
def other_enterprise_user(db):
    return market_factories.enterprise_user(
        market_factories.enterprise("成都其他企业有限公司", "510107"), "other"
    )


# --- the panel on a demand's page -------------------------------------------------------------


def test_the_demand_page_shows_its_enterprise_the_match_with_the_explanation(battery_match, poster):
    response = client_for(poster).get(demand_page(battery_match.demand))

    assert response.status_code == 200
    assert panel_rows(response) == [battery_match.pk]
    html = response.content.decode()
    assert 'id="matches"' in html
    assert "高安全锂离子电池硅碳负极材料制备技术" in html
    assert 'data-kind="listing">Market listing</span>' in html
    assert "成都锦江技术转移中心" in html
    assert explanation(battery_match) in html
    assert f'data-score="{round(battery_match.score * 100)}"' in html
    assert 'data-action="useful"' in html
    assert 'data-action="not-relevant"' in html
    assert 'href="/market/matches/?side=demand"' in html


@pytest.mark.parametrize(
    ("viewer", "gives_feedback"),
    [("poster", True), ("demand_broker", True), ("deyang_official", False), ("platform_admin", False)],
)
def test_the_demand_panel_is_shown_to_its_party_and_the_officials_over_it(
    request, battery_match, viewer, gives_feedback
):
    response = client_for(request.getfixturevalue(viewer)).get(demand_page(battery_match.demand))

    assert response.status_code == 200
    assert panel_rows(response) == [battery_match.pk]
    html = response.content.decode()
    assert explanation(battery_match) in html
    assert ('data-action="useful"' in html) is gives_feedback


@pytest.mark.parametrize("viewer", ["anonymous", "other_enterprise_user", "seller", "mianyang_official"])
def test_nobody_else_sees_the_demand_panel_and_the_page_still_renders(request, battery_match, viewer):
    user = None if viewer == "anonymous" else request.getfixturevalue(viewer)

    response = client_for(user).get(demand_page(battery_match.demand))

    assert response.status_code == 200
    assert response.context["match_panel"] is None
    html = response.content.decode()
    assert "动力锂电池高容量负极材料技术需求" in html
    assert 'id="matches"' not in html
    assert "高安全锂离子电池硅碳负极材料制备技术" not in html


def test_a_demand_without_matches_explains_when_they_appear(battery_demand, camera_listing, poster):
    matching.demand_match(demand_pk=battery_demand.pk)

    response = client_for(poster).get(demand_page(battery_demand))

    assert panel_rows(response) == []
    assert (
        "Matches appear within seconds of publishing and are refreshed every night"
        in response.content.decode()
    )


def test_a_draft_demand_says_matches_come_once_it_is_published(deyang_enterprise, poster):
    draft = market_factories.demand(deyang_enterprise, poster, status=DemandStatus.DRAFT)

    response = client_for(poster).get(demand_page(draft))

    assert panel_rows(response) == []
    assert "Matches are found once the demand is published" in response.content.decode()


def test_the_panel_shows_ten_and_sends_the_rest_to_the_inbox(
    battery_demand, poster, chengdu_institution, seller
):
    for number in range(11):
        with_terms(
            market_factories.listing(chengdu_institution, seller, title=f"硅碳负极材料制备技术{number}")
        )
    assert matching.demand_match(demand_pk=battery_demand.pk) == 11

    response = client_for(poster).get(demand_page(battery_demand))

    assert len(panel_rows(response)) == 10
    assert response.context["match_panel"].has_more is True
    html = response.content.decode()
    assert "Only the best 10 matches are shown here." in html
    assert "See them all in the match inbox" in html


# --- the panel on a listing's page ------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "gives_feedback"),
    [("seller", True), ("listing_broker", True), ("chengdu_official", False), ("platform_admin", False)],
)
def test_the_listing_panel_is_shown_to_its_party_and_the_officials_over_it(
    request, battery_match, viewer, gives_feedback
):
    response = client_for(request.getfixturevalue(viewer)).get(listing_page(battery_match.listing))

    assert response.status_code == 200
    assert panel_rows(response) == [battery_match.pk]
    html = response.content.decode()
    assert 'data-kind="demand">Demand</span>' in html
    assert "动力锂电池高容量负极材料技术需求" in html
    assert "德阳储能电池有限公司" in html
    assert explanation(battery_match) in html
    assert ('data-action="useful"' in html) is gives_feedback
    assert ('href="/market/matches/?side=offer"' in html) is gives_feedback


@pytest.mark.parametrize("viewer", ["anonymous", "poster", "other_enterprise_user", "mianyang_official"])
def test_nobody_else_sees_the_listing_panel_and_the_page_still_renders(request, battery_match, viewer):
    user = None if viewer == "anonymous" else request.getfixturevalue(viewer)

    response = client_for(user).get(listing_page(battery_match.listing))

    assert response.status_code == 200
    assert response.context["match_panel"] is None
    html = response.content.decode()
    assert "高安全锂离子电池硅碳负极材料制备技术" in html
    assert 'id="matches"' not in html
    assert "动力锂电池高容量负极材料技术需求" not in html


# --- the inbox ----------------------------------------------------------------------------------


def inbox_rows(response) -> list[tuple[int, str]]:
    return [(match.pk, match.judging_side) for match in response.context["page_obj"].object_list]


def test_the_inbox_lists_the_actors_own_matches_from_either_side(battery_match, poster, seller):
    demand_side = client_for(poster).get(INBOX)
    offer_side = client_for(seller).get(INBOX)

    assert demand_side.status_code == 200
    assert inbox_rows(demand_side) == [(battery_match.pk, MatchSide.DEMAND)]
    assert "For your demand:" in demand_side.content.decode()
    assert explanation(battery_match) in demand_side.content.decode()
    assert inbox_rows(offer_side) == [(battery_match.pk, MatchSide.OFFER)]
    offer_html = offer_side.content.decode()
    assert "For your listing:" in offer_html
    assert "动力锂电池高容量负极材料技术需求" in offer_html


@pytest.mark.parametrize("viewer", ["other_enterprise_user", "deyang_official", "mianyang_official"])
def test_the_inbox_holds_nothing_of_others_not_even_for_officials(request, battery_match, viewer):
    response = client_for(request.getfixturevalue(viewer)).get(INBOX)

    assert response.status_code == 200
    assert inbox_rows(response) == []
    assert "No matches yet" in response.content.decode()


def test_the_inbox_filters_by_side_and_lowest_score(battery_match, poster):
    Match.objects.filter(pk=battery_match.pk).update(score=0.65)
    client = client_for(poster)
    mine = [(battery_match.pk, MatchSide.DEMAND)]

    assert inbox_rows(client.get(INBOX, {"side": "demand"})) == mine
    assert inbox_rows(client.get(INBOX, {"side": "offer"})) == []
    assert inbox_rows(client.get(INBOX, {"min_score": "60"})) == mine
    assert inbox_rows(client.get(INBOX, {"min_score": "70"})) == []
    # invalid filters are ignored
    assert inbox_rows(client.get(INBOX, {"side": "both", "min_score": "65"})) == mine


def test_the_inbox_needs_signing_in():
    response = client_for().get(INBOX)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={INBOX}"


def test_the_navigation_leads_to_the_inbox(poster):
    html = client_for(poster).get("/market/demands/mine/").content.decode()

    assert '<a class="dropdown-item" href="/market/matches/" data-nav="match-inbox">Match inbox</a>' in html


# --- feedback -----------------------------------------------------------------------------------


def feedback_rows() -> list[tuple]:
    return list(
        MatchFeedback.objects.values_list("side", "verdict", "reason", "comment", "given_by__username")
    )


def test_not_relevant_through_htmx_removes_the_row_and_stores_the_reason(battery_match, poster):
    client = client_for(poster)

    response = client.post(
        feedback_url(battery_match),
        {"verdict": "not_relevant", "reason": "price", "comment": " 预算不够 ", "next": "/market/demands/1/"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response.content == b""
    assert feedback_rows() == [("demand", "not_relevant", "price", "预算不够", "poster")]
    assert panel_rows(client.get(demand_page(battery_match.demand))) == []
    assert inbox_rows(client.get(INBOX)) == []


def test_not_relevant_without_javascript_redirects_back_with_a_message(battery_match, seller):
    next_url = f"{listing_page(battery_match.listing)}#matches"

    response = client_for(seller).post(
        feedback_url(battery_match),
        {"verdict": "not_relevant", "reason": "region", "next": next_url},
        follow=True,
    )

    assert response.redirect_chain == [(next_url, 302)]
    assert feedback_rows() == [("offer", "not_relevant", "region", "", "seller")]
    assert panel_rows(response) == []
    assert "The match is hidden from your list. Thank you for saying why." in response.content.decode()


def test_useful_through_htmx_returns_the_row_marked_useful(battery_match, poster):
    response = client_for(poster).post(
        feedback_url(battery_match),
        {"verdict": "useful", "layout": "inbox", "next": INBOX},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response.templates[0].name == "market/matches/_row.html"
    html = response.content.decode()
    assert 'data-verdict="useful">Marked useful</span>' in html
    assert 'data-action="useful"' not in html
    assert "For your demand:" in html
    assert feedback_rows() == [("demand", "useful", "", "", "poster")]


def test_the_inbox_shows_the_actors_verdict(battery_match, poster, seller):
    client_for(poster).post(feedback_url(battery_match), {"verdict": "useful", "next": INBOX})

    mine = client_for(poster).get(INBOX).content.decode()
    theirs = client_for(seller).get(INBOX).content.decode()

    assert "Marked useful" in mine
    assert "Marked useful" not in theirs
    assert 'data-action="useful"' in theirs


def test_not_relevant_without_a_reason_shows_the_error_next_to_the_field(battery_match, poster):
    response = client_for(poster).post(
        feedback_url(battery_match), {"verdict": "not_relevant", "reason": ""}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert '<details class="match-dismiss" open>' in html
    assert (
        f'<div class="invalid-feedback d-block" id="id_match_{battery_match.pk}_reason_errors">'
        "Say why the match is not relevant.</div>"
    ) in html
    assert MatchFeedback.objects.count() == 0


def test_without_javascript_an_error_comes_back_on_a_page_of_its_own(battery_match, poster):
    response = client_for(poster).post(
        feedback_url(battery_match),
        {"verdict": "not_relevant", "reason": "", "next": demand_page(battery_match.demand)},
    )

    assert response.status_code == 400
    assert response.templates[0].name == "market/matches/feedback.html"
    assert "Say why the match is not relevant." in response.content.decode()
    assert MatchFeedback.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {"verdict": "great"},
        {"verdict": "not_relevant", "reason": "boring"},
        {"verdict": "useful", "comment": "长" * 501},
        {},
    ],
    ids=["unknown verdict", "unknown reason", "long comment", "nothing"],
)
def test_malformed_feedback_is_a_form_error_and_stores_nothing(battery_match, poster, data):
    response = client_for(poster).post(feedback_url(battery_match), data)

    assert response.status_code == 400
    assert MatchFeedback.objects.count() == 0


@pytest.mark.parametrize("viewer", ["deyang_official", "chengdu_official", "platform_admin"])
def test_who_may_see_but_is_no_party_gets_a_403_and_nothing_is_stored(request, battery_match, viewer):
    response = client_for(request.getfixturevalue(viewer)).post(
        feedback_url(battery_match), {"verdict": "not_relevant", "reason": "price"}
    )

    assert response.status_code == 403
    assert MatchFeedback.objects.count() == 0


@pytest.mark.parametrize("viewer", ["other_enterprise_user", "mianyang_official"])
def test_who_may_not_see_the_match_gets_a_404_and_nothing_is_stored(request, battery_match, viewer):
    response = client_for(request.getfixturevalue(viewer)).post(
        feedback_url(battery_match), {"verdict": "useful"}
    )

    assert response.status_code == 404
    assert MatchFeedback.objects.count() == 0


def test_feedback_needs_signing_in_and_a_post(battery_match, poster):
    anonymous = client_for().post(feedback_url(battery_match), {"verdict": "useful"})
    get = client_for(poster).get(feedback_url(battery_match))

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(f"{LOGIN_URL}?next=")
    assert get.status_code == 405
    assert MatchFeedback.objects.count() == 0


def test_feedback_never_returns_to_another_site(battery_match, poster):
    response = client_for(poster).post(
        feedback_url(battery_match), {"verdict": "useful", "next": "https://evil.example.com/"}
    )

    assert response.status_code == 302
    assert response["Location"] == INBOX


def test_the_listings_broker_gives_feedback_for_the_offer_side(battery_match, listing_broker):
    client_for(listing_broker).post(feedback_url(battery_match), {"verdict": "useful"})

    assert feedback_rows() == [("offer", "useful", "", "", "listing-broker")]


# --- the demand's industry ----------------------------------------------------------------------


def test_a_demand_is_posted_with_its_industry_and_shows_it(deyang_enterprise, poster):
    industry = classification(ClassificationScheme.INDUSTRY, "C")
    client = client_for(poster)
    form = client.get("/market/demands/new/")
    assert f'<option value="{industry.pk}">{industry.label}</option>' in form.content.decode()

    response = client.post(
        "/market/demands/new/",
        {
            "enterprise": deyang_enterprise.pk,
            "title": "动力锂电池高容量负极材料技术需求",
            "problem": "现有石墨负极比容量不足。",
            "expected_outcome": "负极比容量不低于450mAh/g。",
            "industry": industry.pk,
            "budget_min": "500000",
            "budget_max": "1500000",
            "deadline": "2099-12-31",
            "cooperation_mode": "transfer",
            "contact_name": "赵工",
            "contact_phone": "0838-2200000",
        },
        follow=True,
    )

    demand = Demand.objects.get()
    assert demand.industry_id == industry.pk
    assert demand.budget_max == Decimal("1500000")
    assert (
        f'<div class="datagrid-content demand-industry">{industry.label}</div>' in response.content.decode()
    )
    edit = client.get(f"/market/demands/{demand.pk}/edit/").content.decode()
    assert f'<option value="{industry.pk}" selected>{industry.label}</option>' in edit


# --- query counts -------------------------------------------------------------------------------


def _offers(count: int, institution, user) -> None:
    for number in range(count):
        with_terms(market_factories.listing(institution, user, title=f"硅碳负极材料制备技术{number}"))


def _demands(count: int, enterprise, user) -> None:
    for number in range(count):
        with_terms(
            market_factories.demand(
                enterprise,
                user,
                title=f"锂电池硅碳负极材料技术需求{number}",
                problem="希望引进硅碳负极材料技术提升锂电池能量密度。",
                keywords=["锂电池", "负极材料", "硅碳"],
                technology_field=market_factories.technology_field("03"),
                required_trl=5,
                budget_max=Decimal("1500000"),
                cooperation_mode="transfer",
            )
        )


@pytest.mark.parametrize("count", [1, 5])
def test_the_demand_page_with_its_panel_costs_the_same_queries_for_1_and_5_matches(
    count, battery_demand, poster, chengdu_institution, seller, django_assert_num_queries
):
    _offers(count, chengdu_institution, seller)
    assert matching.demand_match(demand_pk=battery_demand.pk) == count
    client = client_for(poster)

    with django_assert_num_queries(DEMAND_PAGE_QUERIES):
        response = client.get(demand_page(battery_demand))

    assert len(panel_rows(response)) == count


@pytest.mark.parametrize("count", [1, 5])
def test_the_listing_page_with_its_panel_costs_the_same_queries_for_1_and_5_matches(
    count, anode_listing, seller, deyang_enterprise, poster, django_assert_num_queries
):
    _demands(count, deyang_enterprise, poster)
    assert matching.listing_match(listing_pk=anode_listing.pk) == count
    client = client_for(seller)

    with django_assert_num_queries(LISTING_PAGE_QUERIES):
        response = client.get(listing_page(anode_listing))

    assert len(panel_rows(response)) == count


@pytest.mark.parametrize("count", [1, 5])
def test_the_inbox_costs_the_same_queries_for_1_and_5_matches(
    count, battery_demand, poster, chengdu_institution, seller, django_assert_num_queries
):
    _offers(count, chengdu_institution, seller)
    matching.demand_match(demand_pk=battery_demand.pk)
    client = client_for(poster)

    with django_assert_num_queries(INBOX_QUERIES):
        response = client.get(INBOX)

    assert response.context["page_obj"].paginator.count == count


# Each: the session, the user and their roles; the page's record (the listing also its brokers and
# objections); the matches in one query with both sides' verdicts (the inbox: their count and the
# page); the unread notifications, the to-do badge's counts, the user menu's organisations; and
# saving the session (savepoint, update, release).
DEMAND_PAGE_QUERIES = 11
LISTING_PAGE_QUERIES = 13
INBOX_QUERIES = 11
