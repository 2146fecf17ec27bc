"""Demand services: the state machine (illegal moves refused with a clear message), validation with
messages by field, permissions by role and jurisdiction (nothing changed on denial), notifications
and the search index."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import override

from market.choices import DemandStatus
from market.models import Demand
from market.selectors import demands as selectors
from market.services import demands as services
from notifications.models import Notification
from tests import factories
from tests.market.demands.conftest import demand_data, draft_demand, published_demand, submitted_demand

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError) -> dict[str, list[str]]:
    return {field: [str(message) for message in errors] for field, errors in error.message_dict.items()}


# --- creating and editing ---------------------------------------------------------------------


def test_an_enterprise_member_drafts_a_demand_in_the_enterprise_region(poster, chengdu_enterprise):
    with override("en"):
        demand = draft_demand(poster, chengdu_enterprise, keywords=[" 智能焊接 ", "铸锻件", "智能焊接"])

    demand.refresh_from_db()
    assert (demand.status, demand.enterprise, demand.created_by) == (
        DemandStatus.DRAFT,
        chengdu_enterprise,
        poster,
    )
    assert demand.region_id == "510107"
    assert demand.keywords == ["智能焊接", "铸锻件"]
    assert demand.search_vector is not None


def test_a_demand_can_be_placed_in_another_region(poster, chengdu_enterprise):
    demand = draft_demand(poster, chengdu_enterprise, region=factories.region("510104"))

    assert demand.region_id == "510104"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"deadline": "today"}, {"deadline": ["The answer-by date must be in the future."]}),
        (
            {"budget_min": Decimal("3000000"), "budget_max": Decimal("1000000")},
            {"budget_max": ["The upper end of the budget must not be below the lower."]},
        ),
        (
            {"budget_min": Decimal("-1"), "budget_max": None},
            {"budget_min": ["The budget cannot be negative."]},
        ),
        ({"keywords": ["一", "二", "三", "四", "五", "六"]}, {"keywords": ["Give at most 5 keywords."]}),
    ],
)
def test_invalid_terms_are_refused_with_a_message_by_field(poster, chengdu_enterprise, overrides, expected):
    if overrides.get("deadline") == "today":
        overrides["deadline"] = timezone.localdate()

    with override("en"), pytest.raises(ValidationError) as caught:
        draft_demand(poster, chengdu_enterprise, **overrides)

    assert _messages(caught.value) == expected
    assert Demand.objects.count() == 0


def test_a_negotiable_budget_has_neither_end(poster, chengdu_enterprise):
    demand = draft_demand(poster, chengdu_enterprise, budget_min=None, budget_max=None)

    assert (demand.budget_min, demand.budget_max) == (None, None)


@pytest.mark.parametrize("who", ["chengdu_staff", "outsider", "other_poster"])
def test_only_members_of_the_enterprise_post_for_it(request, who, chengdu_enterprise):
    with pytest.raises(PermissionDenied):
        draft_demand(request.getfixturevalue(who), chengdu_enterprise)

    assert Demand.objects.count() == 0


def test_an_institution_cannot_post_a_demand_for_itself(chengdu_staff, chengdu_institution):
    with pytest.raises(PermissionDenied):
        draft_demand(chengdu_staff, chengdu_institution)

    assert Demand.objects.count() == 0


def test_the_poster_edits_a_draft(poster, chengdu_enterprise):
    demand = draft_demand(poster, chengdu_enterprise)

    services.demand_update(actor=poster, demand=demand, data={"title": "新标题", "budget_max": None})

    demand.refresh_from_db()
    assert (demand.title, demand.budget_max) == ("新标题", None)


def test_another_enterprise_cannot_edit(poster, other_poster, chengdu_enterprise):
    demand = draft_demand(poster, chengdu_enterprise)

    with pytest.raises(PermissionDenied):
        services.demand_update(actor=other_poster, demand=demand, data={"title": "改掉"})

    demand.refresh_from_db()
    assert demand.title == "大型铸锻件智能焊接工艺改进"


def test_a_submitted_demand_cannot_be_edited(poster, chengdu_enterprise):
    demand = submitted_demand(poster, chengdu_enterprise)

    with override("en"), pytest.raises(ValidationError) as caught:
        services.demand_update(actor=poster, demand=demand, data={"title": "改掉"})

    assert caught.value.messages == [
        "Only drafts and returned demands can be edited; this one is Submitted for review."
    ]
    assert caught.value.code == "not_editable"


# --- the review -------------------------------------------------------------------------------


def test_submission_notifies_the_officials_over_the_enterprise(
    poster, chengdu_enterprise, chengdu_official, mianyang_official, province_official
):
    demand = draft_demand(poster, chengdu_enterprise)

    services.demand_submit(actor=poster, demand=demand)

    demand.refresh_from_db()
    assert demand.status == DemandStatus.SUBMITTED
    assert demand.submitted_at is not None
    notified = Notification.objects.filter(verb="demand.submitted")
    assert sorted(notified.values_list("recipient__username", flat=True)) == [
        "chengdu-official",
        "province-official",
    ]
    assert {n.url for n in notified} == {f"/market/demands/{demand.pk}/"}


def test_a_draft_whose_deadline_passed_cannot_be_submitted(poster, chengdu_enterprise):
    demand = draft_demand(poster, chengdu_enterprise)
    Demand.objects.filter(pk=demand.pk).update(deadline=timezone.localdate() - timedelta(days=1))

    with override("en"), pytest.raises(ValidationError) as caught:
        services.demand_submit(actor=poster, demand=demand)

    assert _messages(caught.value) == {"deadline": ["The answer-by date must be in the future."]}
    demand.refresh_from_db()
    assert demand.status == DemandStatus.DRAFT


def test_the_official_over_it_publishes_and_the_enterprise_is_told(
    poster, chengdu_enterprise, chengdu_official
):
    demand = submitted_demand(poster, chengdu_enterprise)

    services.demand_approve(actor=chengdu_official, demand=demand)

    demand.refresh_from_db()
    assert (demand.status, demand.reviewed_by) == (DemandStatus.PUBLISHED, chengdu_official)
    assert demand.published_at is not None
    assert list(
        Notification.objects.filter(verb="demand.published").values_list("recipient__username", flat=True)
    ) == ["poster"]


@pytest.mark.parametrize("who", ["mianyang_official", "poster", "other_poster", "chengdu_staff", "outsider"])
def test_only_an_official_over_the_enterprise_approves(request, who, chengdu_enterprise):
    demand = submitted_demand(request.getfixturevalue("poster"), chengdu_enterprise)

    with pytest.raises(PermissionDenied):
        services.demand_approve(actor=request.getfixturevalue(who), demand=demand)

    demand.refresh_from_db()
    assert (demand.status, demand.published_at) == (DemandStatus.SUBMITTED, None)
    assert not Notification.objects.filter(verb="demand.published").exists()


def test_a_return_needs_a_reason(poster, chengdu_enterprise, chengdu_official):
    demand = submitted_demand(poster, chengdu_enterprise)

    with override("en"), pytest.raises(ValidationError) as caught:
        services.demand_return(actor=chengdu_official, demand=demand, reason="  ")

    assert _messages(caught.value) == {
        "reason": ["Please say what must be changed before the demand can be published."]
    }
    demand.refresh_from_db()
    assert demand.status == DemandStatus.SUBMITTED


def test_a_returned_demand_is_edited_and_resubmitted(poster, chengdu_enterprise, chengdu_official):
    demand = submitted_demand(poster, chengdu_enterprise)

    services.demand_return(actor=chengdu_official, demand=demand, reason="请补充预算依据。")
    returned = Demand.objects.get(pk=demand.pk)
    services.demand_update(actor=poster, demand=returned, data={"budget_min": Decimal("800000")})
    services.demand_submit(actor=poster, demand=returned)

    demand.refresh_from_db()
    assert (demand.status, demand.return_reason, demand.budget_min) == (
        DemandStatus.SUBMITTED,
        "请补充预算依据。",
        Decimal("800000.00"),
    )
    returned_notice = Notification.objects.get(verb="demand.returned")
    assert (returned_notice.recipient.username, returned_notice.body) == ("poster", "请补充预算依据。")


def test_the_return_reason_is_cleared_on_approval(poster, chengdu_enterprise, chengdu_official):
    demand = submitted_demand(poster, chengdu_enterprise)
    services.demand_return(actor=chengdu_official, demand=demand, reason="请补充预算依据。")
    services.demand_submit(actor=poster, demand=Demand.objects.get(pk=demand.pk))

    services.demand_approve(actor=chengdu_official, demand=Demand.objects.get(pk=demand.pk))

    assert Demand.objects.get(pk=demand.pk).return_reason == ""


@pytest.mark.parametrize(
    ("status", "service", "message"),
    [
        (
            DemandStatus.DRAFT,
            "approve",
            "The demand is Draft and cannot become Published.",
        ),
        (
            DemandStatus.PUBLISHED,
            "approve",
            "The demand is Published and cannot become Published.",
        ),
        (
            DemandStatus.PUBLISHED,
            "return",
            "The demand is Published and cannot become Returned for changes.",
        ),
        (
            DemandStatus.PUBLISHED,
            "submit",
            "The demand is Published and cannot become Submitted for review.",
        ),
        (
            DemandStatus.CLOSED,
            "close",
            "The demand is Closed and cannot become Closed.",
        ),
        (
            DemandStatus.CLOSED,
            "submit",
            "The demand is Closed and cannot become Submitted for review.",
        ),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_message(
    platform_admin, chengdu_enterprise, poster, status, service, message
):
    from tests.market import factories as market_factories

    demand = market_factories.demand(chengdu_enterprise, poster, status=status)
    calls = {
        "approve": lambda: services.demand_approve(actor=platform_admin, demand=demand),
        "return": lambda: services.demand_return(actor=platform_admin, demand=demand, reason="不行"),
        "submit": lambda: services.demand_submit(actor=platform_admin, demand=demand),
        "close": lambda: services.demand_close(actor=platform_admin, demand=demand),
    }

    with override("en"), pytest.raises(ValidationError) as caught:
        calls[service]()

    assert caught.value.messages == [message]
    assert caught.value.code == "illegal_transition"
    demand.refresh_from_db()
    assert demand.status == status


# --- closing ----------------------------------------------------------------------------------


def test_the_poster_closes_without_a_reason(poster, chengdu_official, chengdu_enterprise):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    services.demand_close(actor=poster, demand=demand)

    demand.refresh_from_db()
    assert demand.status == DemandStatus.CLOSED
    assert demand.closed_at is not None
    assert not Notification.objects.filter(verb="demand.closed").exists()


def test_an_official_closes_with_a_reason_and_the_enterprise_is_told(
    poster, chengdu_official, chengdu_enterprise
):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    with override("en"), pytest.raises(ValidationError) as caught:
        services.demand_close(actor=chengdu_official, demand=demand)
    assert _messages(caught.value) == {"reason": ["Please say why the demand is being closed."]}
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.PUBLISHED

    services.demand_close(actor=chengdu_official, demand=demand, reason="需求已由企业自行解决。")

    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.CLOSED
    notice = Notification.objects.get(verb="demand.closed")
    assert (notice.recipient.username, notice.body) == ("poster", "需求已由企业自行解决。")


@pytest.mark.parametrize("who", ["mianyang_official", "other_poster", "chengdu_staff", "outsider"])
def test_others_cannot_close(request, who, poster, chengdu_official, chengdu_enterprise):
    demand = published_demand(poster, chengdu_official, chengdu_enterprise)

    with pytest.raises(PermissionDenied):
        services.demand_close(actor=request.getfixturevalue(who), demand=demand, reason="关闭")

    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.PUBLISHED


# --- search -----------------------------------------------------------------------------------


def test_the_board_finds_demands_by_chinese_words(poster, chengdu_official, chengdu_enterprise, outsider):
    welding = published_demand(poster, chengdu_official, chengdu_enterprise)
    water = published_demand(
        poster,
        chengdu_official,
        chengdu_enterprise,
        **demand_data(
            title="工业污水深度处理技术",
            problem="电镀园区污水重金属超标。",
            expected_outcome="出水达到一级A标准。",
            keywords=["污水处理"],
        ),
    )

    assert list(selectors.demand_public_list(actor=outsider, filters={}, q="焊接")) == [welding]
    assert list(selectors.demand_public_list(actor=outsider, filters={}, q="污水处理")) == [water]
    assert list(selectors.demand_public_list(actor=outsider, filters={}, q="量子")) == []
