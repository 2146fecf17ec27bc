"""Demand pages: the public board (filters, search, budget, countdown), a demand's page for every role
with its workflow forms, the demand form, "my demands", the review queue, the permission matrix of
every write page (nothing changed on denial) and list pages whose query count does not grow."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from market.choices import DemandStatus
from market.models import Demand
from tests.market import factories as market_factories
from tests.market.demands.conftest import draft_demand, published_demand, submitted_demand

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
BOARD = "/market/demands/"


def client_for(user=None) -> Client:
    """A browser that chose English (so messages can be compared), signed in as ``user``."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def page_url(demand, suffix: str = "") -> str:
    return f"/market/demands/{demand.pk}/{suffix}"


def listed(response) -> list[str]:
    return [demand.title for demand in response.context["page_obj"].object_list]


def redirects_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(f"{LOGIN_URL}?next=")


def status_of(demand) -> str:
    return Demand.objects.values_list("status", flat=True).get(pk=demand.pk)


# --- the board --------------------------------------------------------------------------------


def test_the_board_shows_open_demands_with_budget_and_countdown(poster, chengdu_enterprise):
    today = timezone.localdate()
    market_factories.demand(chengdu_enterprise, poster, title="区间预算", deadline=today + timedelta(days=3))
    market_factories.demand(chengdu_enterprise, poster, title="面议预算", budget_min=None, budget_max=None)
    market_factories.demand(chengdu_enterprise, poster, title="草稿", status=DemandStatus.DRAFT)
    market_factories.demand(chengdu_enterprise, poster, title="过期", deadline=today - timedelta(days=1))

    response = client_for().get(BOARD)

    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(["区间预算", "面议预算"])
    html = response.content.decode()
    assert "¥500,000 – ¥2,000,000" in html
    assert "Negotiable" in html
    assert "3 days left" in html
    assert "草稿" not in html


def test_the_board_filters_and_searches(
    poster, chengdu_official, chengdu_enterprise, other_poster, mianyang_enterprise
):
    published_demand(poster, chengdu_official, chengdu_enterprise)
    market_factories.demand(
        mianyang_enterprise, other_poster, title="车载传感器标定", cooperation_mode="technical_service"
    )
    market_factories.demand(chengdu_enterprise, poster, title="已关闭需求", status=DemandStatus.CLOSED)
    client = client_for()

    assert listed(client.get(BOARD, {"city": "510700"})) == ["车载传感器标定"]
    assert listed(client.get(BOARD, {"cooperation_mode": "technical_service"})) == ["车载传感器标定"]
    assert listed(client.get(BOARD, {"q": "焊接"})) == ["大型铸锻件智能焊接工艺改进"]
    assert "已关闭需求" in listed(client.get(BOARD, {"include_closed": "on"}))
    assert sorted(listed(client.get(BOARD, {"budget_from": "not-a-number"}))) == sorted(
        ["大型铸锻件智能焊接工艺改进", "车载传感器标定"]
    )


def test_an_htmx_request_gets_the_results_only(poster, chengdu_enterprise):
    market_factories.demand(chengdu_enterprise, poster)

    response = client_for().get(BOARD, HTTP_HX_REQUEST="true")

    assert response.templates[0].name == "market/demands/_results.html"


# --- a demand's page --------------------------------------------------------------------------


def test_a_visitor_reads_a_published_demand_but_not_its_contact(poster, chengdu_official, chengdu_enterprise):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    response = client_for().get(page_url(demand))

    assert response.status_code == 200
    html = response.content.decode()
    assert "现有埋弧焊工艺焊缝一次合格率不足90%" in html
    assert "Sign in to see the contact." in html
    assert "028-66000000" not in html
    assert "Offer a solution" not in html
    assert response.context["can"] == {
        "edit": False,
        "submit": False,
        "close": False,
        "close_needs_reason": True,
        "review": False,
        "answer": False,
        "follow": False,
    }


def test_an_institution_member_is_offered_to_answer(
    chengdu_staff, poster, chengdu_official, chengdu_enterprise
):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    response = client_for(chengdu_staff).get(page_url(demand))

    assert response.context["can"]["answer"] is True
    html = response.content.decode()
    assert "Offer a solution" in html
    assert f'href="/market/demands/{demand.pk}/answer/"' in html
    assert "028-66000000" in html


def test_the_poster_is_not_offered_to_answer_their_own_demand(poster, chengdu_official, chengdu_enterprise):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    response = client_for(poster).get(page_url(demand))

    assert response.context["can"]["answer"] is False
    assert response.context["can"]["close"] is True


@pytest.mark.parametrize(
    ("who", "status_code"),
    [(None, 404), ("other_poster", 404), ("chengdu_official", 404), ("poster", 200)],
)
def test_a_draft_page_is_for_the_enterprise_only(request, who, status_code, poster, chengdu_enterprise):
    demand = draft_demand(poster, chengdu_enterprise)
    user = request.getfixturevalue(who) if who else None

    assert client_for(user).get(page_url(demand)).status_code == status_code


def test_the_official_publishes_from_the_page(poster, chengdu_official, chengdu_enterprise):
    demand = submitted_demand(poster, chengdu_enterprise)
    client = client_for(chengdu_official)

    page = client.get(page_url(demand))
    response = client.post(page_url(demand, "approve/"), follow=True)

    assert page.context["can"]["review"] is True
    assert status_of(demand) == DemandStatus.PUBLISHED
    assert (
        "The demand is now on the public board; the enterprise has been notified."
        in response.content.decode()
    )


def test_a_return_without_a_reason_shows_the_error_next_to_the_field(
    poster, chengdu_official, chengdu_enterprise
):
    demand = submitted_demand(poster, chengdu_enterprise)

    response = client_for(chengdu_official).post(page_url(demand, "return/"), {"reason": ""})

    assert response.status_code == 400
    assert response.context["return_form"].errors == {"reason": ["This field is required."]}
    assert status_of(demand) == DemandStatus.SUBMITTED


def test_the_official_returns_and_the_poster_sees_why(poster, chengdu_official, chengdu_enterprise):
    demand = submitted_demand(poster, chengdu_enterprise)

    client_for(chengdu_official).post(page_url(demand, "return/"), {"reason": "请补充验收指标。"})
    response = client_for(poster).get(page_url(demand))

    assert status_of(demand) == DemandStatus.RETURNED
    assert "请补充验收指标。" in response.content.decode()
    assert response.context["can"]["edit"] is True


@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, "login"), ("mianyang_official", 404), ("poster", 403), ("chengdu_staff", 404)],
)
def test_approving_is_refused_to_others(request, who, expected, poster, chengdu_enterprise):
    demand = submitted_demand(poster, chengdu_enterprise)
    user = request.getfixturevalue(who) if who else None

    response = client_for(user).post(page_url(demand, "approve/"))

    if expected == "login":
        assert redirects_to_login(response)
    else:
        assert response.status_code == expected
    assert status_of(demand) == DemandStatus.SUBMITTED


def test_the_poster_submits_and_closes(poster, chengdu_official, chengdu_enterprise):
    demand = draft_demand(poster, chengdu_enterprise)
    client = client_for(poster)

    client.post(page_url(demand, "submit/"))
    assert status_of(demand) == DemandStatus.SUBMITTED

    client.post(page_url(demand, "close/"), {"reason": ""})
    assert status_of(demand) == DemandStatus.CLOSED


def test_an_official_must_give_a_reason_to_close(poster, chengdu_official, chengdu_enterprise):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    response = client_for(chengdu_official).post(page_url(demand, "close/"), {"reason": ""})

    assert response.status_code == 400
    assert response.context["close_form"].errors == {"reason": ["Please say why the demand is being closed."]}
    assert status_of(demand) == DemandStatus.PUBLISHED


def test_another_enterprise_cannot_close(other_poster, poster, chengdu_official, chengdu_enterprise):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    response = client_for(other_poster).post(page_url(demand, "close/"), {"reason": "关闭"})

    assert response.status_code == 403
    assert status_of(demand) == DemandStatus.PUBLISHED


# --- posting and editing ----------------------------------------------------------------------


def _form_data(**overrides) -> dict:
    data = {
        "title": "工业污水深度处理技术",
        "problem": "电镀园区污水重金属超标。",
        "expected_outcome": "出水达到一级A标准。",
        "keywords": "污水处理、重金属",
        "technology_field": "",
        "required_trl": "",
        "budget_min": "100000",
        "budget_max": "",
        "deadline": (timezone.localdate() + timedelta(days=45)).isoformat(),
        "cooperation_mode": "technical_service",
        "region": "",
        "contact_name": "钱工",
        "contact_phone": "028-88000000",
    }
    data.update(overrides)
    return data


def test_an_enterprise_member_posts_a_demand(poster, chengdu_enterprise):
    client = client_for(poster)

    form_page = client.get("/market/demands/new/")
    response = client.post("/market/demands/new/", _form_data(enterprise=chengdu_enterprise.pk))

    assert form_page.status_code == 200
    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url(demand)
    assert (demand.status, demand.region_id, demand.keywords, demand.budget_min, demand.budget_max) == (
        DemandStatus.DRAFT,
        "510107",
        ["污水处理", "重金属"],
        Decimal("100000.00"),
        None,
    )


def test_the_services_refusals_are_shown_next_to_the_field(poster, chengdu_enterprise):
    response = client_for(poster).post(
        "/market/demands/new/",
        _form_data(enterprise=chengdu_enterprise.pk, deadline=timezone.localdate().isoformat()),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"deadline": ["The answer-by date must be in the future."]}
    assert Demand.objects.count() == 0


def test_the_form_shows_the_field_and_the_terms_errors_together(poster, chengdu_enterprise):
    # given a bad phone, a past answer-by date and a budget upside down
    data = _form_data(
        enterprise=chengdu_enterprise.pk,
        contact_phone="abc",
        deadline=timezone.localdate().isoformat(),
        budget_min="500000",
        budget_max="100000",
    )

    # when the form is submitted once
    response = client_for(poster).post("/market/demands/new/", data)

    # then every error shows at once, each once, and nothing is saved
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert sorted(errors) == ["budget_max", "contact_phone", "deadline"]
    assert errors["budget_max"] == ["The upper end of the budget must not be below the lower."]
    assert Demand.objects.count() == 0


@pytest.mark.parametrize(("who", "expected"), [(None, "login"), ("chengdu_staff", 403), ("outsider", 403)])
def test_only_enterprise_members_get_the_form(request, who, expected):
    user = request.getfixturevalue(who) if who else None

    response = client_for(user).get("/market/demands/new/")

    if expected == "login":
        assert redirects_to_login(response)
    else:
        assert response.status_code == expected


def test_the_poster_edits_a_draft(poster, chengdu_enterprise):
    demand = draft_demand(poster, chengdu_enterprise)
    client = client_for(poster)

    form_page = client.get(page_url(demand, "edit/"))
    client.post(page_url(demand, "edit/"), _form_data(title="改后的标题"))

    assert form_page.context["form"].initial["title"] == "大型铸锻件智能焊接工艺改进"
    demand.refresh_from_db()
    assert (demand.title, demand.region_id) == ("改后的标题", "510107")


def test_a_published_demand_is_not_edited(poster, chengdu_official, chengdu_enterprise):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    response = client_for(poster).post(page_url(demand, "edit/"), _form_data(title="改掉"))

    assert response.status_code == 302
    assert Demand.objects.get(pk=demand.pk).title == "大型铸锻件智能焊接工艺改进"


def test_another_enterprise_cannot_edit(other_poster, poster, chengdu_official, chengdu_enterprise):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    response = client_for(other_poster).post(page_url(demand, "edit/"), _form_data(title="改掉"))

    assert response.status_code == 403
    assert Demand.objects.get(pk=demand.pk).title == "大型铸锻件智能焊接工艺改进"


# --- my demands and the review queue ----------------------------------------------------------


def test_my_demands_count_by_status(poster, chengdu_enterprise, other_poster, mianyang_enterprise):
    draft_demand(poster, chengdu_enterprise, title="我的草稿")
    submitted_demand(poster, chengdu_enterprise, title="我的待审")
    draft_demand(other_poster, mianyang_enterprise, title="别人的草稿")

    response = client_for(poster).get("/market/demands/mine/", {"status": "submitted"})

    assert listed(response) == ["我的待审"]
    tabs = {value: count for value, _label, count in response.context["tabs"]}
    assert tabs == {"": 2, "draft": 1, "submitted": 1, "returned": 0, "published": 0, "closed": 0}


def test_the_review_queue_is_for_officials_and_their_jurisdiction(
    poster, other_poster, chengdu_enterprise, mianyang_enterprise, chengdu_official
):
    submitted_demand(poster, chengdu_enterprise, title="成都待审")
    submitted_demand(other_poster, mianyang_enterprise, title="绵阳待审")

    assert listed(client_for(chengdu_official).get("/market/demands/review/")) == ["成都待审"]
    assert client_for(poster).get("/market/demands/review/").status_code == 403


# --- query counts -----------------------------------------------------------------------------


def _published(count: int, enterprise, poster) -> None:
    for number in range(count):
        market_factories.demand(enterprise, poster, title=f"需求{number}")


# A visitor's board: the technology fields, the regions, the count and the page.
@pytest.mark.parametrize("count", [1, 5])
def test_the_board_costs_the_same_queries_for_1_and_5_demands(
    count, poster, chengdu_enterprise, django_assert_num_queries
):
    _published(count, chengdu_enterprise, poster)

    with django_assert_num_queries(4):
        response = client_for().get(BOARD, {"city": "510100", "sort": "deadline"})

    assert response.context["page_obj"].paginator.count == count


# The session, the user, their roles, the counts by status, the count and the page, the unread
# notifications, the to-do badge's counts, the user menu's organisations, and saving the session
# (savepoint, update, release).
@pytest.mark.parametrize("count", [1, 5])
def test_my_demands_cost_the_same_queries_for_1_and_5(
    count, poster, chengdu_enterprise, django_assert_num_queries
):
    _published(count, chengdu_enterprise, poster)
    client = client_for(poster)

    with django_assert_num_queries(MY_DEMANDS_QUERIES):
        response = client.get("/market/demands/mine/")

    assert response.context["page_obj"].paginator.count == count


# The session, the user, their roles, the count and the page, the navigation's counts and the saved
# session: the same for one demand and for five.
@pytest.mark.parametrize("count", [1, 5])
def test_the_review_queue_costs_the_same_queries_for_1_and_5(
    count, poster, chengdu_enterprise, chengdu_official, django_assert_num_queries
):
    for number in range(count):
        market_factories.demand(
            chengdu_enterprise,
            poster,
            title=f"待审{number}",
            status=DemandStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
    client = client_for(chengdu_official)

    with django_assert_num_queries(REVIEW_QUEUE_QUERIES):
        response = client.get("/market/demands/review/")

    assert response.context["page_obj"].paginator.count == count


MY_DEMANDS_QUERIES = 12
REVIEW_QUEUE_QUERIES = 10
