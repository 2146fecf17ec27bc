"""The admin of matches and feedback: read-only lists, and the feedback report (反馈统计) with counts by
verdict and by reason and the average score of useful against not-relevant matches."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from market.choices import MatchVerdict
from market.models import Match, MatchFeedback
from market.services import matching
from tests.market import factories as market_factories
from tests.market.matching.conftest import with_terms

pytestmark = pytest.mark.django_db

REPORT = "/admin/market/matchfeedback/report/"


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def judged(battery_demand, anode_listing, chengdu_institution, seller, poster) -> dict:
    """Two matches of the battery demand: the anode listing (useful to the enterprise, not relevant to
    the seller: too far) and a dearer one (not relevant to the enterprise: the price)."""
    dear = with_terms(
        market_factories.listing(
            chengdu_institution, seller, title="硅碳负极材料规模化制备技术", price=Decimal("4000000.00")
        )
    )
    assert matching.demand_match(demand_pk=battery_demand.pk) == 2
    anode = Match.objects.get(listing=anode_listing)
    dearer = Match.objects.get(listing=dear)
    matching.match_feedback(actor=poster, match=anode, verdict=MatchVerdict.USEFUL)
    matching.match_feedback(actor=seller, match=anode, verdict=MatchVerdict.NOT_RELEVANT, reason="region")
    matching.match_feedback(
        actor=poster, match=dearer, verdict=MatchVerdict.NOT_RELEVANT, reason="price", comment="超出预算"
    )
    return {"anode": anode, "dearer": dearer}


def test_the_report_counts_verdicts_and_reasons_and_compares_the_scores(
    judged, platform_admin, django_assert_num_queries
):
    anode, dearer = judged["anode"], judged["dearer"]
    client = client_for(platform_admin)

    # the session, the user, the verdicts with their averages, the reasons, the user's roles (the
    # navigation's context) and saving the session (savepoint, update, release)
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(REPORT)

    assert response.status_code == 200
    verdicts = {row["value"]: (row["count"], row["average_score"]) for row in response.context["verdicts"]}
    assert verdicts == {
        "useful": (1, round(anode.score * 100)),
        "not_relevant": (2, round((anode.score + dearer.score) / 2 * 100)),
    }
    assert dict(response.context["reasons"]) == {
        "Different technology or problem": 0,
        "Different field or industry": 0,
        "Not mature enough": 0,
        "Price does not fit the budget": 1,
        "Cooperation mode does not fit": 0,
        "Too far away": 1,
        "Already in contact or known": 0,
        "Other reason": 0,
    }
    assert response.context["total"] == 3
    useful_row = next(row for row in response.context["verdicts"] if row["value"] == "useful")
    assert useful_row["factors"] == [round(anode.factors[name] * 100) for name in FACTORS]
    html = response.content.decode()
    assert "Match feedback report" in html
    assert '<tr data-verdict="not_relevant">' in html


def test_the_report_of_no_feedback_shows_zeros(platform_admin):
    response = client_for(platform_admin).get(REPORT)

    assert response.status_code == 200
    assert [(row["value"], row["count"], row["average_score"]) for row in response.context["verdicts"]] == [
        ("useful", 0, None),
        ("not_relevant", 0, None),
    ]
    assert response.context["total"] == 0


def test_the_feedback_list_links_to_the_report_and_filters_by_verdict(judged, platform_admin):
    client = client_for(platform_admin)

    changelist = client.get("/admin/market/matchfeedback/")
    dismissals = client.get("/admin/market/matchfeedback/", {"verdict__exact": "not_relevant"})

    assert changelist.status_code == 200
    assert f'href="{REPORT}"' in changelist.content.decode()
    assert changelist.context["cl"].result_count == 3
    assert sorted(dismissals.context["cl"].result_list.values_list("reason", flat=True)) == [
        "price",
        "region",
    ]


def test_feedback_and_matches_are_read_only_in_the_admin(judged, platform_admin):
    client = client_for(platform_admin)
    feedback = MatchFeedback.objects.first()

    assert client.get("/admin/market/matchfeedback/add/").status_code == 403
    assert client.get("/admin/market/match/add/").status_code == 403
    change = client.post(f"/admin/market/matchfeedback/{feedback.pk}/change/", {"verdict": "useful"})
    assert change.status_code == 403
    assert MatchFeedback.objects.filter(verdict="not_relevant").count() == 2


def test_the_match_list_shows_scores_and_ranks_and_searches_by_title(judged, platform_admin):
    client = client_for(platform_admin)

    everything = client.get("/admin/market/match/")
    found = client.get("/admin/market/match/", {"q": "规模化"})

    assert everything.status_code == 200
    assert everything.context["cl"].result_count == 2
    assert [match.pk for match in found.context["cl"].result_list] == [judged["dearer"].pk]
    html = found.content.decode()
    assert "硅碳负极材料规模化制备技术" in html
    assert f"{judged['dearer'].score}" in html


def test_the_report_is_for_platform_admins_only(poster):
    response = client_for(poster).get(REPORT)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


FACTORS = ("text", "field", "trl", "budget", "mode", "region", "freshness")
REPORT_QUERIES = 8
