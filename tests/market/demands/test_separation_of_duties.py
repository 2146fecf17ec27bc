"""Separation of duties in the review of demands (issue 12, item 1): an official who works for the
enterprise, or who prepared or submitted the demand, may not publish or return it."""

import pytest
from django.utils import translation

from institutions.choices import MembershipRole
from institutions.rules import SeparationOfDuties
from market.actions import DEMAND_ACTIONS
from market.choices import DemandStatus
from market.selectors import demands as selectors
from market.services import demands as services
from tests import factories
from tests.market.demands.conftest import draft_demand, submitted_demand

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _decide(decision: str, actor, demand):
    if decision == "approve":
        return services.demand_approve(actor=actor, demand=demand)
    return services.demand_return(actor=actor, demand=demand, reason="请补充预算依据。")


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_an_official_working_for_the_enterprise_may_not_review_its_demand(
    decision, chengdu_enterprise, poster, chengdu_official
):
    factories.MembershipFactory(
        user=chengdu_official, organisation=chengdu_enterprise, role=MembershipRole.STAFF
    )
    demand = submitted_demand(poster, chengdu_enterprise)

    with pytest.raises(SeparationOfDuties) as refusal:
        _decide(decision, chengdu_official, demand)

    assert refusal.value.code == "own_organisation"
    demand.refresh_from_db()
    assert (demand.status, demand.reviewed_by) == (DemandStatus.SUBMITTED, None)
    assert DEMAND_ACTIONS.allowed(chengdu_official, demand) == ["close"]  # as the enterprise's staff


def test_a_platform_admin_who_submitted_a_demand_may_not_publish_it(
    chengdu_enterprise, poster, platform_admin
):
    demand = services.demand_submit(actor=platform_admin, demand=draft_demand(poster, chengdu_enterprise))

    with pytest.raises(SeparationOfDuties) as refusal:
        services.demand_approve(actor=platform_admin, demand=demand)

    assert refusal.value.code == "own_submission"
    demand.refresh_from_db()
    assert (demand.status, demand.submitted_by) == (DemandStatus.SUBMITTED, platform_admin)
    assert "review" not in DEMAND_ACTIONS.allowed(platform_admin, demand)


def test_the_api_refuses_with_the_code(client_as, chengdu_enterprise, poster, chengdu_official):
    factories.MembershipFactory(
        user=chengdu_official, organisation=chengdu_enterprise, role=MembershipRole.STAFF
    )
    demand = submitted_demand(poster, chengdu_enterprise)

    response = client_as("chengdu_official").post(f"/api/v1/demands/{demand.pk}/approve/")

    assert (response.status_code, response.json()["code"]) == (403, "own_organisation")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.SUBMITTED


def test_an_independent_official_publishes(chengdu_enterprise, poster, chengdu_official):
    demand = services.demand_approve(
        actor=chengdu_official, demand=submitted_demand(poster, chengdu_enterprise)
    )

    assert (demand.status, demand.reviewed_by, demand.submitted_by) == (
        DemandStatus.PUBLISHED,
        chengdu_official,
        poster,
    )


def test_the_review_queue_holds_only_what_the_official_may_decide(
    chengdu_enterprise, poster, chengdu_official, province_official
):
    factories.MembershipFactory(
        user=chengdu_official, organisation=chengdu_enterprise, role=MembershipRole.STAFF
    )
    demand = submitted_demand(poster, chengdu_enterprise)

    assert list(selectors.demand_review_queue(actor=chengdu_official)) == []
    assert list(selectors.demand_review_queue(actor=province_official)) == [demand]
