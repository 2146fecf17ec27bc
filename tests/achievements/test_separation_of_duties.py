"""Separation of duties in the review of filings (issue 12, item 1): nobody approves or returns a filing
of an organisation they are a member of, or one they prepared or submitted themselves."""

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from achievements.actions import ACHIEVEMENT_ACTIONS
from achievements.choices import AchievementStatus
from achievements.selectors import filings as selectors
from achievements.services import filings as services
from institutions import services as institution_services
from institutions.choices import MembershipRole
from institutions.models import Membership
from institutions.rules import SeparationOfDuties
from tests.achievements import factories

pytestmark = pytest.mark.django_db

OWN_ORGANISATION = (
    "This was put forward by an organisation you are a member of, so you may not review, approve or "
    "register it; another official must decide."
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def official_on_staff(chengdu_institution, chengdu_admin, chengdu_official):
    """The 成都 official, made staff of the institution by its admin (a grant he could not make)."""
    institution_services.membership_add(
        actor=chengdu_admin,
        organisation=chengdu_institution,
        user=chengdu_official,
        role=MembershipRole.STAFF,
    )
    return chengdu_official


@pytest.fixture
def submitted_by_staff(chengdu_institution, chengdu_staff):
    achievement = factories.draft(chengdu_staff, chengdu_institution)
    return services.achievement_submit(actor=chengdu_staff, achievement=achievement)


def _decide(decision: str, actor, achievement):
    if decision == "approve":
        return services.achievement_approve(actor=actor, achievement=achievement)
    return services.achievement_return(actor=actor, achievement=achievement, reason="请补充知识产权证明。")


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_an_official_on_the_institutions_staff_may_not_decide_its_filing(
    decision, official_on_staff, submitted_by_staff
):
    with pytest.raises(SeparationOfDuties) as refusal:
        _decide(decision, official_on_staff, submitted_by_staff)

    assert (refusal.value.code, str(refusal.value)) == ("own_organisation", OWN_ORGANISATION)
    submitted_by_staff.refresh_from_db()
    assert (submitted_by_staff.status, submitted_by_staff.reviewed_by) == (AchievementStatus.SUBMITTED, None)


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_who_prepared_and_submitted_a_filing_may_not_decide_it_after_leaving(
    decision, chengdu_institution, chengdu_admin, official_on_staff
):
    # given a filing he prepared and submitted as staff, then left the institution
    achievement = factories.draft(official_on_staff, chengdu_institution)
    services.achievement_submit(actor=official_on_staff, achievement=achievement)
    institution_services.membership_remove(
        actor=chengdu_admin,
        membership=Membership.objects.get(user=official_on_staff, organisation=chengdu_institution),
    )

    with pytest.raises(SeparationOfDuties) as refusal:
        _decide(decision, official_on_staff, achievement)

    assert refusal.value.code == "own_submission"
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.SUBMITTED


def test_a_platform_admin_who_submitted_a_filing_may_not_approve_it(
    chengdu_institution, chengdu_staff, platform_admin
):
    achievement = factories.draft(chengdu_staff, chengdu_institution)
    services.achievement_submit(actor=platform_admin, achievement=achievement)

    with pytest.raises(SeparationOfDuties) as refusal:
        services.achievement_approve(actor=platform_admin, achievement=achievement)

    assert refusal.value.code == "own_submission"
    achievement.refresh_from_db()
    assert (achievement.status, achievement.submitted_by) == (AchievementStatus.SUBMITTED, platform_admin)


def test_an_independent_official_approves(submitted_by_staff, chengdu_official, chengdu_staff):
    approved = services.achievement_approve(actor=chengdu_official, achievement=submitted_by_staff)

    assert (approved.status, approved.reviewed_by, approved.submitted_by) == (
        AchievementStatus.PUBLISHED,
        chengdu_official,
        chengdu_staff,
    )


def test_the_review_actions_are_not_offered_to_a_conflicted_official(
    official_on_staff, submitted_by_staff, province_official
):
    # as staff he may withdraw the filing; deciding it is for another official
    assert ACHIEVEMENT_ACTIONS.allowed(official_on_staff, submitted_by_staff) == ["withdraw"]
    assert ACHIEVEMENT_ACTIONS.allowed(province_official, submitted_by_staff) == ["approve", "return"]


def test_the_api_refuses_with_the_code_and_lists_no_review_action(official_on_staff, submitted_by_staff):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(official_on_staff)
    url = f"/api/v1/achievements/{submitted_by_staff.pk}/"

    listed = client.get(url).json()["actions"]
    approved = client.post(f"{url}approve/")
    returned = client.post(f"{url}return/", {"reason": "请补充。"}, format="json")

    assert listed == ["withdraw"]
    assert (approved.status_code, approved.json()) == (
        403,
        {"code": "own_organisation", "detail": OWN_ORGANISATION, "fields": {}},
    )
    assert (returned.status_code, returned.json()["code"]) == (403, "own_organisation")
    submitted_by_staff.refresh_from_db()
    assert submitted_by_staff.status == AchievementStatus.SUBMITTED


def test_the_page_explains_why_there_is_no_review_panel(client, official_on_staff, submitted_by_staff):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(official_on_staff)

    page = client.get(f"/achievements/{submitted_by_staff.pk}/")
    refused = client.post(f"/achievements/{submitted_by_staff.pk}/approve/")

    assert page.context["can"]["review"] is False
    assert page.context["review_refusal"] == OWN_ORGANISATION
    assert (refused.status_code, OWN_ORGANISATION in refused.content.decode()) == (403, True)
    submitted_by_staff.refresh_from_db()
    assert submitted_by_staff.status == AchievementStatus.SUBMITTED


def test_the_review_queue_holds_only_what_the_official_may_decide(
    official_on_staff, submitted_by_staff, province_official
):
    assert list(selectors.achievement_review_queue(actor=official_on_staff)) == []
    assert list(selectors.achievement_review_queue(actor=province_official)) == [submitted_by_staff]
