"""The matching API: who sees which matches (the two parties, their brokers and the officials over
either; an empty list for other readers of the record, 404 for a match they may not see, 403 for
partner systems), a match as the API shows it, the inbox and its filters, feedback (stored, hiding the
match from that side, refused for non-parties with nothing stored, a readable 400) and list query
counts that do not grow with the matches."""

from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.utils import translation
from rest_framework import serializers as drf_serializers
from rest_framework.test import APIClient

from accounts import services as account_services
from achievements.choices import CooperationMode
from institutions.choices import MembershipRole
from institutions.roles import actor_roles
from market.choices import DemandStatus, ListingStatus, MatchSide, MatchVerdict
from market.models import Match, MatchFeedback
from market.selectors import matching as selectors
from market.services import matching
from tests import factories
from tests.achievements import factories as achievement_factories
from tests.market import factories as market_factories
from tests.market.matching.conftest import with_terms

pytestmark = pytest.mark.django_db

URL = "/api/v1/matches/"
NOT_SIGNED_IN = {
    "code": "not_authenticated",
    "detail": "Authentication credentials were not provided.",
    "fields": {},
}
PARTNER_REFUSED = {
    "code": "permission_denied",
    "detail": "Partner systems cannot see matches; they are private to the two parties.",
    "fields": {},
}
NOT_A_PARTY = {
    "code": "permission_denied",
    "detail": "Only the two parties of a match can give feedback on it.",
    "fields": {},
}
NOT_FOUND = {"code": "not_found", "detail": "Not found.", "fields": {}}
INVALID_SUMMARY = "Some fields are not valid; see the messages next to each field."


def demand_matches_url(demand) -> str:
    return f"/api/v1/demands/{demand.pk}/matches/"


def listing_matches_url(listing) -> str:
    return f"/api/v1/listings/{listing.pk}/matches/"


def feedback_url(match) -> str:
    return f"{URL}{match.pk}/feedback/"


def result_ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def timestamp(value) -> str:
    return drf_serializers.DateTimeField().to_representation(value)


def reasons_in(language: str, match) -> list[str]:
    """The explanation the selectors give in ``language``."""
    with translation.override(language):
        return selectors.with_reasons([selectors.match_get(actor=match.demand.created_by, pk=match.pk)])[
            0
        ].reasons


# --- the people around one match ----------------------------------------------------------------


@pytest.fixture
def deyang_official(db):
    """An official over the demand's enterprise (德阳市), not over the seller (成都)."""
    return factories.official_for("510600", username="deyang-official")


@pytest.fixture
def rival(db):
    """A member of another enterprise: may read the published demand and listing, not their matches."""
    return market_factories.enterprise_user(
        market_factories.enterprise("绵阳长虹配套科技有限公司", "510703"), "rival"
    )


@pytest.fixture
def broker(mianyang_institution, anode_listing):
    """A technology broker of another agency, named on the listing."""
    user = market_factories.broker_at(mianyang_institution, "broker")
    anode_listing.brokers.add(user)
    return user


@pytest.fixture
def partner_key(chengdu_institution):
    """The seller institution's own partner system."""
    service_account = factories.UserFactory(username="partner-system")
    factories.MembershipFactory(
        user=service_account, organisation=chengdu_institution, role=MembershipRole.PARTNER
    )
    _api_key, key = account_services.partner_key_issue(user=service_account, name="某高校科研管理系统")
    return key


@pytest.fixture
def client_as(request):
    """An English-speaking API client signed in as the named user fixture, with the partner key for
    ``partner``, or anonymous."""

    def make(name: str, language: str = "en") -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        if name == "partner":
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {request.getfixturevalue('partner_key')}")
        elif name != "anonymous":
            client.force_authenticate(request.getfixturevalue(name))
        return client

    return make


@pytest.fixture
def match(battery_demand, anode_listing, camera_listing, broker) -> Match:
    """The battery demand and the anode listing; the camera listing does not match."""
    matching.demand_match(demand_pk=battery_demand.pk)
    return Match.objects.get()


READERS = [
    ("anonymous", 401, None),
    ("partner", 403, None),
    ("rival", 200, False),
    ("mianyang_official", 200, False),
    ("poster", 200, True),
    ("seller", 200, True),
    ("broker", 200, True),
    ("deyang_official", 200, True),
    ("chengdu_official", 200, True),
    ("platform_admin", 200, True),
]


# --- the matches of one demand or listing -----------------------------------------------------


@pytest.mark.parametrize(("who", "status_code", "sees_the_match"), READERS)
def test_a_demand_s_matches_are_shown_to_the_parties_and_their_officials(
    client_as, match, battery_demand, who, status_code, sees_the_match
):
    response = client_as(who).get(demand_matches_url(battery_demand))

    assert response.status_code == status_code
    if sees_the_match is not None:
        assert result_ids(response) == ([match.pk] if sees_the_match else [])
    elif who == "anonymous":
        assert response.json() == NOT_SIGNED_IN
    else:
        assert response.json() == PARTNER_REFUSED


@pytest.mark.parametrize(("who", "status_code", "sees_the_match"), READERS)
def test_a_listing_s_matches_are_shown_to_the_parties_and_their_officials(
    client_as, match, anode_listing, who, status_code, sees_the_match
):
    response = client_as(who).get(listing_matches_url(anode_listing))

    assert response.status_code == status_code
    if sees_the_match is not None:
        assert result_ids(response) == ([match.pk] if sees_the_match else [])


def test_the_matches_of_a_record_one_may_not_see_are_a_404(
    client_as, match, poster, deyang_enterprise, seller, chengdu_institution
):
    draft_demand = market_factories.demand(deyang_enterprise, poster, status=DemandStatus.DRAFT)
    draft_listing = market_factories.listing(chengdu_institution, seller, status=ListingStatus.DRAFT)
    rival = client_as("rival")

    assert rival.get(demand_matches_url(draft_demand)).json() == NOT_FOUND
    assert rival.get(listing_matches_url(draft_listing)).json() == NOT_FOUND
    assert rival.get("/api/v1/demands/999999/matches/").status_code == 404
    assert client_as("poster").get(demand_matches_url(draft_demand)).json()["results"] == []


def test_a_match_as_the_api_shows_it(client_as, match, battery_demand, anode_listing, deyang_enterprise):
    reasons = reasons_in("en", match)

    response = client_as("poster").get(demand_matches_url(battery_demand))

    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": match.pk,
                "score": match.score,
                "percent": round(match.score * 100),
                "factors": match.factors,
                "matched_terms": match.matched_terms,
                "reasons": reasons,
                "demand": {
                    "id": battery_demand.pk,
                    "title": "动力锂电池高容量负极材料技术需求",
                    "enterprise": {"id": deyang_enterprise.pk, "name": "德阳储能电池有限公司"},
                    "url": f"/market/demands/{battery_demand.pk}/",
                },
                "offer": {
                    "kind": "listing",
                    "id": anode_listing.pk,
                    "title": "高安全锂离子电池硅碳负极材料制备技术",
                    "owner": {"id": anode_listing.institution_id, "name": "成都锦江技术转移中心"},
                    "url": f"/market/listings/{anode_listing.pk}/",
                },
                "demand_rank": 1,
                "listing_rank": 1,
                "my_side": "demand",
                "my_verdict": None,
                "found_at": timestamp(match.found_at),
                "actions": ["feedback"],
            }
        ],
    }


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_reasons_follow_accept_language(client_as, match, battery_demand, language):
    expected = reasons_in(language, match)

    response = client_as("poster", language=language).get(demand_matches_url(battery_demand))

    assert response.json()["results"][0]["reasons"] == expected
    if language == "en":
        assert expected[:2] == [
            f"Shared key words: {'、'.join(match.matched_terms)}",
            "Same field (New materials and their application)",
        ]


def test_an_unlisted_achievement_is_offered_as_an_achievement(
    client_as, battery_demand, chengdu_admin, chengdu_official, chengdu_institution
):
    achievement = with_terms(
        achievement_factories.published(chengdu_admin, chengdu_official, chengdu_institution)
    )
    matching.demand_match(demand_pk=battery_demand.pk)

    row = client_as("poster").get(demand_matches_url(battery_demand)).json()["results"][0]

    assert row["offer"] == {
        "kind": "achievement",
        "id": achievement.pk,
        "title": "高安全锂离子电池硅碳负极材料制备技术",
        "owner": {"id": chengdu_institution.pk, "name": "成都锦江技术转移中心"},
        "url": f"/achievements/{achievement.pk}/",
    }
    assert (row["demand_rank"], row["listing_rank"], row["my_side"]) == (1, None, "demand")
    assert client_as("chengdu_admin").get(f"{URL}{row['id']}/").json()["my_side"] == "offer"


# --- one match and the inbox ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status_code", "my_side"),
    [
        ("anonymous", 401, None),
        ("partner", 403, None),
        ("rival", 404, None),
        ("mianyang_official", 404, None),
        ("poster", 200, "demand"),
        ("seller", 200, "offer"),
        ("broker", 200, "offer"),
        ("deyang_official", 200, None),
        ("chengdu_official", 200, None),
        ("platform_admin", 200, None),
    ],
)
def test_one_match_is_shown_to_the_parties_and_their_officials(client_as, match, who, status_code, my_side):
    response = client_as(who).get(f"{URL}{match.pk}/")

    assert response.status_code == status_code
    if status_code == 200:
        assert (response.json()["id"], response.json()["my_side"]) == (match.pk, my_side)
    if status_code == 404:
        assert response.json() == NOT_FOUND


@pytest.mark.parametrize(
    ("who", "params", "sees_the_match"),
    [
        ("poster", {}, True),
        ("poster", {"side": "demand"}, True),
        ("poster", {"side": "offer"}, False),
        ("seller", {}, True),
        ("seller", {"side": "offer"}, True),
        ("seller", {"side": "demand"}, False),
        ("broker", {}, True),
        ("poster", {"min_score": "its score"}, True),
        ("poster", {"min_score": "just above it"}, False),
        ("rival", {}, False),
        ("chengdu_official", {}, False),
    ],
)
def test_the_inbox_holds_the_matches_of_one_s_own_records(client_as, match, who, params, sees_the_match):
    thresholds = {"its score": str(match.score), "just above it": str(round(match.score + 0.0001, 4))}
    params = {name: thresholds.get(value, value) for name, value in params.items()}

    response = client_as(who).get(URL, params)

    assert response.status_code == 200
    assert result_ids(response) == ([match.pk] if sees_the_match else [])


def test_the_inbox_refuses_unknown_filters_strangers_and_partner_systems(client_as, match):
    poster = client_as("poster")

    assert poster.get(URL, {"side": "buyer"}).json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {"side": ['"buyer" is not a valid choice.']},
    }
    assert poster.get(URL, {"min_score": "2"}).json()["fields"] == {
        "min_score": ["Ensure this value is less than or equal to 1."]
    }
    assert client_as("anonymous").get(URL).json() == NOT_SIGNED_IN
    assert client_as("partner").get(URL).json() == PARTNER_REFUSED


# --- feedback ---------------------------------------------------------------------------------


def test_a_party_marks_a_match_useful(client_as, match, poster):
    response = client_as("poster").post(feedback_url(match), {"verdict": "useful", "comment": " 很合适 "})

    feedback = MatchFeedback.objects.get()
    assert response.status_code == 200
    assert response.json() == {
        "match": match.pk,
        "side": "demand",
        "side_label": "Demand side",
        "verdict": "useful",
        "verdict_label": "Useful",
        "reason": "",
        "reason_label": "",
        "comment": "很合适",
        "updated_at": timestamp(feedback.updated_at),
    }
    assert (feedback.demand_id, feedback.listing_id, feedback.side, feedback.given_by) == (
        match.demand_id,
        match.listing_id,
        MatchSide.DEMAND,
        poster,
    )
    assert client_as("poster").get(f"{URL}{match.pk}/").json()["my_verdict"] == "useful"
    assert client_as("seller").get(f"{URL}{match.pk}/").json()["my_verdict"] is None


def test_not_relevant_hides_the_match_from_that_side_only(client_as, match, battery_demand, anode_listing):
    poster, seller = client_as("poster"), client_as("seller")

    response = poster.post(
        feedback_url(match), {"verdict": "not_relevant", "reason": "price", "comment": "超出预算"}
    )

    assert (response.status_code, response.json()["reason_label"]) == (200, "Price does not fit the budget")
    assert result_ids(poster.get(demand_matches_url(battery_demand))) == []
    assert result_ids(poster.get(URL)) == []
    assert poster.get(f"{URL}{match.pk}/").json()["my_verdict"] == "not_relevant"
    assert result_ids(seller.get(listing_matches_url(anode_listing))) == [match.pk]
    assert result_ids(seller.get(URL)) == [match.pk]
    assert result_ids(client_as("deyang_official").get(demand_matches_url(battery_demand))) == []


def test_a_later_verdict_replaces_the_earlier_one(client_as, match):
    poster = client_as("poster")

    poster.post(feedback_url(match), {"verdict": "not_relevant", "reason": "region"})
    poster.post(feedback_url(match), {"verdict": "useful"})

    assert list(MatchFeedback.objects.values_list("side", "verdict", "reason")) == [
        (MatchSide.DEMAND, MatchVerdict.USEFUL, "")
    ]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"verdict": "not_relevant"}, {"reason": ["Say why the match is not relevant."]}),
        ({"verdict": "not_relevant", "reason": ""}, {"reason": ["Say why the match is not relevant."]}),
        ({"verdict": "maybe"}, {"verdict": ['"maybe" is not a valid choice.']}),
        ({"verdict": "not_relevant", "reason": "boring"}, {"reason": ['"boring" is not a valid choice.']}),
        ({}, {"verdict": ["This field is required."]}),
    ],
)
def test_invalid_feedback_is_a_400_with_a_readable_message(client_as, match, body, fields):
    response = client_as("poster").post(feedback_url(match), body, format="json")

    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": INVALID_SUMMARY, "fields": fields}
    assert MatchFeedback.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status_code", "body"),
    [
        ("anonymous", 401, NOT_SIGNED_IN),
        ("partner", 403, PARTNER_REFUSED),
        ("rival", 404, NOT_FOUND),
        ("mianyang_official", 404, NOT_FOUND),
        ("deyang_official", 403, NOT_A_PARTY),
        ("chengdu_official", 403, NOT_A_PARTY),
        ("platform_admin", 403, NOT_A_PARTY),
    ],
)
def test_only_the_parties_judge_a_match(client_as, match, who, status_code, body):
    response = client_as(who).post(feedback_url(match), {"verdict": "not_relevant"}, format="json")

    assert response.status_code == status_code
    assert response.json() == body
    assert MatchFeedback.objects.count() == 0
    assert Match.objects.get().pk == match.pk


@pytest.mark.parametrize(("who", "side"), [("poster", "demand"), ("seller", "offer"), ("broker", "offer")])
def test_each_party_judges_for_its_side(client_as, match, who, side):
    response = client_as(who).post(feedback_url(match), {"verdict": "useful"}, format="json")

    assert (response.status_code, response.json()["side"]) == (200, side)
    assert list(MatchFeedback.objects.values_list("side", flat=True)) == [side]


# --- query counts -----------------------------------------------------------------------------


def _anode_listings(count: int, institution, seller) -> None:
    """``count`` listings answering the battery demand (the fixtures' anode listing among them)."""
    for number in range(count):
        with_terms(
            market_factories.listing(
                institution,
                seller,
                title=f"高安全锂离子电池硅碳负极材料制备技术（第{number + 1}代）",
                price=Decimal("1000000") + number,
            )
        )


def _battery_demands(count: int, enterprise, poster) -> list:
    return [
        with_terms(
            market_factories.demand(
                enterprise,
                poster,
                title=f"动力锂电池高容量负极材料技术需求（{number + 1}）",
                problem="现有石墨负极比容量不足，快充性能差，希望引进硅碳负极材料技术提升电池能量密度。",
                expected_outcome="负极比容量不低于450mAh/g，循环寿命满足动力电池要求。",
                keywords=["锂电池", "负极材料", "硅碳"],
                technology_field=market_factories.technology_field("03"),
                required_trl=5,
                budget_min=Decimal("500000"),
                budget_max=Decimal("1500000"),
                cooperation_mode=CooperationMode.TRANSFER,
            )
        )
        for number in range(count)
    ]


def _client(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    actor_roles(user)  # loaded once per user object; the request reuses it
    return client


@pytest.mark.parametrize("count", [1, 4])
def test_a_demand_s_matches_query_count_does_not_grow(
    count, battery_demand, chengdu_institution, seller, poster, django_assert_num_queries
):
    _anode_listings(count, chengdu_institution, seller)
    matching.demand_match(demand_pk=battery_demand.pk)
    client = _client(poster)

    # the demand, the count and the page with its joins and verdicts
    with django_assert_num_queries(3):
        response = client.get(demand_matches_url(battery_demand))

    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 4])
def test_a_listing_s_matches_query_count_does_not_grow(
    count, anode_listing, deyang_enterprise, poster, broker, django_assert_num_queries
):
    for demand in _battery_demands(count, deyang_enterprise, poster):
        matching.demand_match(demand_pk=demand.pk)
    client = _client(broker)

    # the listing, the count, the page, and which of the page's listings the broker is named on
    with django_assert_num_queries(4):
        response = client.get(listing_matches_url(anode_listing))

    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 4])
def test_the_inbox_query_count_does_not_grow(
    count, battery_demand, chengdu_institution, seller, django_assert_num_queries
):
    _anode_listings(count, chengdu_institution, seller)
    matching.demand_match(demand_pk=battery_demand.pk)
    client = _client(seller)

    # the count and the page
    with django_assert_num_queries(2):
        response = client.get(URL, {"side": "offer", "min_score": "0.3"})

    assert response.json()["count"] == count


# --- the schema -------------------------------------------------------------------------------


def test_the_schema_documents_the_matching_endpoints(tmp_path):
    schema_file = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file))

    paths = yaml.safe_load(schema_file.read_text(encoding="utf-8"))["paths"]
    responses = {
        (path, method): set(operation["responses"])
        for path, operations in paths.items()
        if "matches" in path
        for method, operation in operations.items()
    }
    assert responses == {
        ("/api/v1/demands/{id}/matches/", "get"): {"200", "400", "401", "403", "404", "406", "429"},
        ("/api/v1/listings/{id}/matches/", "get"): {"200", "400", "401", "403", "404", "406", "429"},
        ("/api/v1/matches/", "get"): {"200", "400", "401", "403", "406", "429"},
        ("/api/v1/matches/{id}/", "get"): {"200", "401", "403", "404", "406", "429"},
        ("/api/v1/matches/{id}/feedback/", "post"): {
            "200",
            "400",
            "401",
            "403",
            "404",
            "406",
            "409",
            "415",
            "429",
        },
    }
    inbox_parameters = {parameter["name"] for parameter in paths["/api/v1/matches/"]["get"]["parameters"]}
    assert inbox_parameters == {"side", "min_score", "page", "page_size"}
    undocumented_privacy = [
        path
        for path, operations in paths.items()
        if "matches" in path
        for operation in operations.values()
        if "partner systems get a 403" not in operation["description"]
    ]
    assert undocumented_privacy == []


# --- actions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("poster", ["feedback"]),
        ("seller", ["feedback"]),
        ("broker", ["feedback"]),
        ("chengdu_official", []),
        ("platform_admin", []),
    ],
)
def test_only_the_parties_are_offered_to_judge_a_match(client_as, match, who, expected):
    shown = client_as(who).get(f"{URL}{match.pk}/").json()["actions"]
    judged = client_as(who).post(f"{URL}{match.pk}/feedback/", {"verdict": "useful"}, format="json")

    assert shown == expected
    assert judged.status_code == (200 if expected else 403)


def test_the_inbox_carries_the_actions_on_every_row(client_as, match):
    rows = client_as("poster").get(URL).json()["results"]

    assert [(row["id"], row["actions"]) for row in rows] == [(match.pk, ["feedback"])]
