"""The demand API: who reads what (anonymous reads published only, drafts stay with the enterprise),
the permission matrix of every write with nothing changed on denial, the error shape, filters,
partner systems and list query counts that do not grow with the rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from institutions.choices import MembershipRole
from institutions.roles import actor_roles
from market.choices import DemandStatus
from market.models import Demand
from tests import factories
from tests.market import factories as market_factories
from tests.market.demands.conftest import draft_demand, published_demand, submitted_demand

pytestmark = pytest.mark.django_db

URL = "/api/v1/demands/"
NOT_SIGNED_IN = {
    "code": "not_authenticated",
    "detail": "Authentication credentials were not provided.",
    "fields": {},
}
FORBIDDEN = {
    "code": "permission_denied",
    "detail": "You do not have permission to perform this action.",
    "fields": {},
}
NOT_FOUND = {"code": "not_found", "detail": "Not found.", "fields": {}}
INVALID_SUMMARY = "Some fields are not valid; see the messages next to each field."


def detail_url(demand, suffix: str = "") -> str:
    return f"{URL}{demand.pk}/{suffix}"


def result_ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def payload(enterprise, **overrides) -> dict:
    data = {
        "enterprise": enterprise.pk,
        "title": "大型铸锻件智能焊接工艺改进",
        "problem": "现有埋弧焊工艺焊缝一次合格率不足90%。",
        "expected_outcome": "焊缝一次合格率达到98%以上。",
        "keywords": ["智能焊接", "铸锻件"],
        "technology_field": "02",
        "required_trl": 5,
        "budget_min": "500000.00",
        "budget_max": "2000000.00",
        "deadline": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "cooperation_mode": "joint_development",
        "contact_name": "赵工",
        "contact_phone": "028-66000000",
    }
    data.update(overrides)
    return data


def state(demand) -> tuple:
    demand.refresh_from_db()
    return (demand.status, demand.title, demand.published_at, demand.closed_at, demand.return_reason)


# --- reading ----------------------------------------------------------------------------------


def test_anonymous_visitors_read_published_demands_only(
    client_as, poster, chengdu_official, chengdu_enterprise
):
    published = published_demand(poster, chengdu_official, chengdu_enterprise)
    draft = draft_demand(poster, chengdu_enterprise, title="草稿需求")
    submitted = submitted_demand(poster, chengdu_enterprise, title="待审需求")
    visitor = client_as("anonymous")

    listed = visitor.get(URL)
    shown = visitor.get(detail_url(published))

    assert listed.status_code == 200
    assert result_ids(listed) == [published.pk]
    assert shown.status_code == 200
    body = shown.json()
    assert (body["status"], body["status_label"], body["title"]) == (
        "published",
        "Published",
        published.title,
    )
    assert body["enterprise"] == {"id": chengdu_enterprise.pk, "name": "成都智造装备有限公司"}
    assert body["region"] == {"code": "510107", "name": "武侯区"}
    assert (body["budget_min"], body["budget_max"]) == ("500000.00", "2000000.00")
    assert body["technology_field"]["code"] == "02"
    assert body["return_reason"] == ""
    assert visitor.get(detail_url(draft)).json() == NOT_FOUND
    assert visitor.get(detail_url(submitted)).status_code == 404


@pytest.mark.parametrize(
    ("who", "status_code"),
    [
        ("poster", 200),
        ("other_poster", 404),
        ("chengdu_official", 404),
        ("chengdu_staff", 404),
        ("platform_admin", 200),
    ],
)
def test_a_draft_is_visible_to_its_enterprise_only(client_as, poster, chengdu_enterprise, who, status_code):
    draft = draft_demand(poster, chengdu_enterprise)

    assert client_as(who).get(detail_url(draft)).status_code == status_code


@pytest.mark.parametrize(
    ("who", "status_code"),
    [
        ("chengdu_official", 200),
        ("province_official", 200),
        ("mianyang_official", 404),
        ("other_poster", 404),
    ],
)
def test_a_submitted_demand_is_visible_to_the_officials_over_it(
    client_as, poster, chengdu_enterprise, who, status_code
):
    demand = submitted_demand(poster, chengdu_enterprise)

    assert client_as(who).get(detail_url(demand)).status_code == status_code


def test_the_return_reason_is_shown_to_the_enterprise_and_the_officials_only(
    client_as, poster, chengdu_official, chengdu_enterprise
):
    from market.services import demands as services

    demand = submitted_demand(poster, chengdu_enterprise)
    services.demand_return(actor=chengdu_official, demand=demand, reason="请补充预算依据。")

    assert client_as("poster").get(detail_url(demand)).json()["return_reason"] == "请补充预算依据。"
    assert client_as("chengdu_official").get(detail_url(demand)).json()["return_reason"] == "请补充预算依据。"


def test_closed_and_expired_demands_are_left_off_the_board_unless_asked_for(
    client_as, poster, chengdu_enterprise
):
    open_demand = market_factories.demand(chengdu_enterprise, poster, title="在征需求")
    expired = market_factories.demand(
        chengdu_enterprise, poster, title="过期需求", deadline=timezone.localdate() - timedelta(days=1)
    )
    closed = market_factories.demand(
        chengdu_enterprise, poster, title="已关闭需求", status=DemandStatus.CLOSED
    )
    visitor = client_as("anonymous")

    assert result_ids(visitor.get(URL)) == [open_demand.pk]
    assert sorted(result_ids(visitor.get(URL, {"include_closed": "true"}))) == sorted(
        [open_demand.pk, expired.pk, closed.pk]
    )


def test_the_board_filters(client_as, poster, other_poster, chengdu_enterprise, mianyang_enterprise):
    today = timezone.localdate()
    welding = market_factories.demand(chengdu_enterprise, poster, deadline=today + timedelta(days=30))
    sensors = market_factories.demand(
        mianyang_enterprise,
        other_poster,
        title="车载传感器标定",
        technology_field=market_factories.technology_field("01"),
        cooperation_mode="technical_service",
        budget_min=Decimal("100000"),
        budget_max=Decimal("300000"),
        deadline=today + timedelta(days=120),
    )
    negotiable = market_factories.demand(
        chengdu_enterprise, poster, title="面议需求", budget_min=None, budget_max=None
    )
    visitor = client_as("anonymous")

    def ids(**params):
        return sorted(result_ids(visitor.get(URL, params)))

    assert ids(technology_field="01") == [sensors.pk]
    assert ids(cooperation_mode="technical_service") == [sensors.pk]
    assert ids(region="510700") == [sensors.pk]
    assert ids(region="510100") == sorted([welding.pk, negotiable.pk])
    assert ids(budget_from="1000000") == [welding.pk]
    assert ids(budget_to="400000") == sorted([sensors.pk])
    assert ids(deadline_before=(today + timedelta(days=60)).isoformat()) == [welding.pk]
    assert ids(deadline_after=(today + timedelta(days=100)).isoformat()) == [sensors.pk]
    assert result_ids(visitor.get(URL, {"ordering": "deadline"})) == [welding.pk, negotiable.pk, sensors.pk]
    assert result_ids(visitor.get(URL, {"ordering": "budget"})) == [welding.pk, sensors.pk, negotiable.pk]


def test_my_demands_and_the_review_queue(
    client_as, poster, chengdu_official, chengdu_enterprise, mianyang_enterprise, other_poster
):
    mine_draft = draft_demand(poster, chengdu_enterprise)
    mine_submitted = submitted_demand(poster, chengdu_enterprise, title="待审需求")
    theirs = submitted_demand(other_poster, mianyang_enterprise, title="绵阳待审需求")

    mine = client_as("poster").get(URL, {"scope": "mine"})
    queue = client_as("chengdu_official").get(URL, {"scope": "review"})

    assert sorted(result_ids(mine)) == sorted([mine_draft.pk, mine_submitted.pk])
    assert result_ids(queue) == [mine_submitted.pk]
    assert theirs.pk not in result_ids(queue)
    assert client_as("anonymous").get(URL, {"scope": "mine"}).json() == NOT_SIGNED_IN
    assert client_as("poster").get(URL, {"scope": "review"}).json() == {
        "code": "permission_denied",
        "detail": "Only officials have a review queue.",
        "fields": {},
    }
    assert client_as("poster").get(URL, {"scope": "other"}).status_code == 400


# --- posting ----------------------------------------------------------------------------------


def test_an_enterprise_member_posts_a_demand(client_as, poster, chengdu_enterprise):
    response = client_as("poster").post(URL, payload(chengdu_enterprise), format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["region"]["code"], body["keywords"]) == (
        "draft",
        "510107",
        ["智能焊接", "铸锻件"],
    )
    demand = Demand.objects.get()
    assert (demand.created_by, demand.enterprise, demand.required_trl) == (poster, chengdu_enterprise, 5)


@pytest.mark.parametrize(
    ("who", "status_code"),
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("chengdu_staff", 403),
        ("other_poster", 403),
        ("chengdu_official", 403),
    ],
)
def test_only_members_of_the_enterprise_post_for_it(client_as, chengdu_enterprise, who, status_code):
    response = client_as(who).post(URL, payload(chengdu_enterprise), format="json")

    assert response.status_code == status_code
    assert Demand.objects.count() == 0


def test_an_institution_member_cannot_post_a_demand(client_as, chengdu_institution):
    response = client_as("chengdu_staff").post(URL, payload(chengdu_institution), format="json")

    assert response.json() == FORBIDDEN
    assert Demand.objects.count() == 0


def test_invalid_input_is_a_400_with_messages_by_field(client_as, chengdu_enterprise, poster):
    response = client_as("poster").post(
        URL,
        payload(
            chengdu_enterprise,
            deadline=timezone.localdate().isoformat(),
            budget_min="3000000",
            budget_max="1000000",
        ),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {
            "deadline": ["The answer-by date must be in the future."],
            "budget_max": ["The upper end of the budget must not be below the lower."],
        },
    }
    assert Demand.objects.count() == 0


def test_missing_fields_and_unknown_codes_are_named(client_as, chengdu_enterprise, poster):
    response = client_as("poster").post(
        URL, {"enterprise": chengdu_enterprise.pk, "technology_field": "zz"}, format="json"
    )

    fields = response.json()["fields"]
    assert fields["technology_field"] == ["There is no technology field with the code zz."]
    assert fields["title"] == ["This field is required."]
    assert fields["deadline"] == ["This field is required."]


# --- editing ----------------------------------------------------------------------------------


def test_the_poster_edits_a_draft(client_as, poster, chengdu_enterprise):
    demand = draft_demand(poster, chengdu_enterprise)

    response = client_as("poster").patch(
        detail_url(demand), {"title": "新标题", "budget_max": None}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["budget_max"]) == ("新标题", None)


@pytest.mark.parametrize(
    ("who", "status_code"),
    [("anonymous", 401), ("other_poster", 403), ("chengdu_official", 403), ("chengdu_staff", 403)],
)
def test_another_company_cannot_edit_a_demand(
    client_as, poster, chengdu_official, chengdu_enterprise, who, status_code
):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)
    before = state(demand)

    response = client_as(who).patch(detail_url(demand), {"title": "改掉"}, format="json")

    assert response.status_code == status_code
    assert state(demand) == before


def test_another_company_does_not_even_see_a_draft_to_edit(client_as, poster, chengdu_enterprise):
    demand = draft_demand(poster, chengdu_enterprise)
    before = state(demand)

    response = client_as("other_poster").patch(detail_url(demand), {"title": "改掉"}, format="json")

    assert response.json() == NOT_FOUND
    assert state(demand) == before


def test_a_published_demand_is_not_editable(client_as, poster, chengdu_official, chengdu_enterprise):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    response = client_as("poster").patch(detail_url(demand), {"title": "改掉"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "not_editable",
        "detail": "Only drafts and returned demands can be edited; this one is Published.",
        "fields": {},
    }


# --- the workflow -----------------------------------------------------------------------------


def test_the_workflow_through_the_api(client_as, poster, chengdu_official, chengdu_enterprise):
    enterprise, official = client_as("poster"), client_as("chengdu_official")
    demand_id = enterprise.post(URL, payload(chengdu_enterprise), format="json").json()["id"]

    submitted = enterprise.post(f"{URL}{demand_id}/submit/")
    returned = official.post(f"{URL}{demand_id}/return/", {"reason": "请补充验收指标。"}, format="json")
    resubmitted = enterprise.post(f"{URL}{demand_id}/submit/")
    approved = official.post(f"{URL}{demand_id}/approve/")
    closed = enterprise.post(f"{URL}{demand_id}/close/", {}, format="json")

    assert [r.status_code for r in (submitted, returned, resubmitted, approved, closed)] == [200] * 5
    assert [r.json()["status"] for r in (submitted, returned, resubmitted, approved, closed)] == [
        "submitted",
        "returned",
        "submitted",
        "published",
        "closed",
    ]
    assert returned.json()["return_reason"] == "请补充验收指标。"
    assert approved.json()["published_at"] is not None


@pytest.mark.parametrize(
    ("who", "status_code"),
    [
        ("anonymous", 401),
        ("outsider", 404),
        ("poster", 403),
        ("other_poster", 404),
        ("mianyang_official", 404),
        ("chengdu_staff", 404),
    ],
)
def test_only_an_official_over_the_enterprise_approves_or_returns(
    client_as, poster, chengdu_enterprise, who, status_code
):
    demand = submitted_demand(poster, chengdu_enterprise)
    before = state(demand)
    client = client_as(who)

    approve = client.post(detail_url(demand, "approve/"))
    give_back = client.post(detail_url(demand, "return/"), {"reason": "不行"}, format="json")

    assert (approve.status_code, give_back.status_code) == (status_code, status_code)
    assert state(demand) == before


def test_an_official_of_another_city_cannot_approve_a_published_demand_either(
    client_as, poster, chengdu_official, chengdu_enterprise
):
    demand = submitted_demand(poster, chengdu_enterprise)
    # Seen on the public board once published, it is still not theirs to decide.
    response = client_as("mianyang_official").post(detail_url(demand, "approve/"))
    assert response.status_code == 404

    published = published_demand(poster, chengdu_official, chengdu_enterprise, title="已发布需求")
    before = state(published)
    close = client_as("mianyang_official").post(
        detail_url(published, "close/"), {"reason": "关"}, format="json"
    )
    assert close.json() == FORBIDDEN
    assert state(published) == before


def test_a_return_without_a_reason_is_refused(client_as, poster, chengdu_enterprise):
    demand = submitted_demand(poster, chengdu_enterprise)

    response = client_as("chengdu_official").post(detail_url(demand, "return/"), {}, format="json")

    assert response.json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {"reason": ["Please say what must be changed before the demand can be published."]},
    }
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.SUBMITTED


def test_an_official_closes_with_a_reason(client_as, poster, chengdu_official, chengdu_enterprise):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)
    official = client_as("chengdu_official")

    without = official.post(detail_url(demand, "close/"), {}, format="json")
    with_reason = official.post(detail_url(demand, "close/"), {"reason": "企业已自行解决。"}, format="json")

    assert without.json()["fields"] == {"reason": ["Please say why the demand is being closed."]}
    assert with_reason.json()["status"] == "closed"


def test_an_illegal_transition_is_a_400_naming_both_states(
    client_as, poster, chengdu_official, chengdu_enterprise
):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    response = client_as("chengdu_official").post(detail_url(demand, "approve/"))

    assert response.status_code == 400
    assert response.json() == {
        "code": "illegal_transition",
        "detail": "The demand is Published and cannot become Published.",
        "fields": {},
    }


# --- partner systems --------------------------------------------------------------------------


@pytest.fixture
def partner_key(chengdu_institution):
    service_account = factories.UserFactory(username="partner-system")
    factories.MembershipFactory(
        user=service_account, organisation=chengdu_institution, role=MembershipRole.PARTNER
    )
    _api_key, key = account_services.partner_key_issue(user=service_account, name="某高校科研管理系统")
    return key


def test_a_partner_system_reads_the_board_but_cannot_post(
    partner_key, poster, chengdu_official, chengdu_enterprise
):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Api-Key {partner_key}")

    listed = client.get(URL)
    posted = client.post(URL, payload(chengdu_enterprise), format="json")

    assert result_ids(listed) == [demand.pk]
    assert client.get(detail_url(demand)).status_code == 200
    assert posted.status_code == 403
    assert Demand.objects.count() == 1


# --- query counts -----------------------------------------------------------------------------


def _demands(count: int, enterprise, poster) -> None:
    for number in range(count):
        market_factories.demand(enterprise, poster, title=f"需求{number}")


@pytest.mark.parametrize("count", [1, 5])
def test_board_query_count_does_not_grow(count, poster, chengdu_enterprise, django_assert_num_queries):
    _demands(count, chengdu_enterprise, poster)
    client = APIClient()

    # the count and the page with its joins
    with django_assert_num_queries(2):
        response = client.get(URL)

    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 5])
def test_filtered_board_query_count_does_not_grow(
    count, poster, chengdu_enterprise, django_assert_num_queries
):
    _demands(count, chengdu_enterprise, poster)
    client = APIClient()

    # the technology-field lookup, the count and the page
    with django_assert_num_queries(3):
        response = client.get(URL, {"technology_field": "02", "region": "510100", "ordering": "budget"})

    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 5])
def test_my_demands_query_count_does_not_grow(count, poster, chengdu_enterprise, django_assert_num_queries):
    _demands(count, chengdu_enterprise, poster)
    client = APIClient()
    client.force_authenticate(poster)
    actor_roles(poster)  # loaded once per user object; the request reuses it

    with django_assert_num_queries(2):
        response = client.get(URL, {"scope": "mine"})

    assert response.json()["count"] == count
