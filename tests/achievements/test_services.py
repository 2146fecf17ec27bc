"""Achievement filing: the workflow, its rules and who may act."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from achievements.choices import AchievementStatus, IPKind, SecrecyStatus
from achievements.models import Achievement, IPAsset
from achievements.services import filings as services
from notifications.models import Notification
from tests import factories
from tests.achievements.factories import draft, published

pytestmark = pytest.mark.django_db


def test_a_filing_goes_from_draft_through_review_to_publication(
    chengdu_staff, chengdu_official, chengdu_institution
):
    achievement = draft(chengdu_staff, chengdu_institution)
    assert achievement.status == AchievementStatus.DRAFT

    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    assert Notification.objects.filter(recipient=chengdu_official, verb="achievement.submitted").count() == 1

    services.achievement_return(actor=chengdu_official, achievement=achievement, reason="请补充中试数据")
    achievement.refresh_from_db()
    assert (achievement.status, achievement.return_reason) == (AchievementStatus.RETURNED, "请补充中试数据")
    assert Notification.objects.filter(recipient=chengdu_staff, verb="achievement.returned").count() == 1

    services.achievement_update(
        actor=chengdu_staff, achievement=achievement, data={"detail": "补充：中试良率98%。"}
    )
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    services.achievement_approve(actor=chengdu_official, achievement=achievement)

    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.PUBLISHED
    assert achievement.filing_number.startswith(f"510104{achievement.published_at.year}")
    assert len(achievement.filing_number) == 15


def test_filing_numbers_count_up_per_region_and_year(chengdu_staff, chengdu_official, chengdu_institution):
    first = published(chengdu_staff, chengdu_official, chengdu_institution)
    second = published(chengdu_staff, chengdu_official, chengdu_institution, title="工业机器人视觉引导系统")

    assert int(second.filing_number) == int(first.filing_number) + 1


def test_submission_needs_shares_adding_up_to_100(chengdu_staff, chengdu_institution):
    other = factories.OrganisationFactory()
    achievement = draft(
        chengdu_staff,
        chengdu_institution,
        owners=[
            services.OwnerShare(chengdu_institution, Decimal(60)),
            services.OwnerShare(other, Decimal(30)),
        ],
    )

    with pytest.raises(ValidationError) as raised:
        services.achievement_submit(actor=chengdu_staff, achievement=achievement)

    assert "owners" in raised.value.message_dict
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.DRAFT


def test_classified_content_cannot_be_submitted(chengdu_staff, chengdu_institution):
    achievement = draft(
        chengdu_staff, chengdu_institution, is_dual_use=True, secrecy_status=SecrecyStatus.CLASSIFIED
    )

    with pytest.raises(ValidationError) as raised:
        services.achievement_submit(actor=chengdu_staff, achievement=achievement)

    assert "secrecy_status" in raised.value.message_dict


def test_a_return_needs_a_reason(chengdu_staff, chengdu_official, chengdu_institution):
    achievement = draft(chengdu_staff, chengdu_institution)
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)

    with pytest.raises(ValidationError):
        services.achievement_return(actor=chengdu_official, achievement=achievement, reason="  ")

    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.SUBMITTED


def test_illegal_transitions_are_refused(chengdu_staff, chengdu_official, chengdu_institution):
    achievement = draft(chengdu_staff, chengdu_institution)

    with pytest.raises(ValidationError) as raised:
        services.achievement_approve(actor=chengdu_official, achievement=achievement)

    assert raised.value.code == "illegal_transition"
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.DRAFT


@pytest.mark.parametrize("actor_fixture", ["mianyang_official", "chengdu_staff", "chengdu_admin"])
def test_only_officials_over_the_institution_review(
    request, actor_fixture, chengdu_staff, chengdu_institution
):
    achievement = draft(chengdu_staff, chengdu_institution)
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    actor = request.getfixturevalue(actor_fixture)

    with pytest.raises(PermissionDenied):
        services.achievement_approve(actor=actor, achievement=achievement)

    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.SUBMITTED


def test_staff_of_another_institution_cannot_file_or_edit(
    chengdu_staff, chengdu_institution, mianyang_institution
):
    outsider = factories.staff_of(mianyang_institution)

    with pytest.raises(PermissionDenied):
        draft(outsider, chengdu_institution)
    achievement = draft(chengdu_staff, chengdu_institution)
    with pytest.raises(PermissionDenied):
        services.achievement_update(actor=outsider, achievement=achievement, data={"title": "篡改"})

    achievement.refresh_from_db()
    assert achievement.title == "高安全锂离子电池硅碳负极材料制备技术"
    assert Achievement.objects.count() == 1


def test_patent_numbers_are_checked_and_stored_canonically(chengdu_staff, chengdu_institution):
    achievement = draft(chengdu_staff, chengdu_institution)

    asset = services.ip_asset_add(
        actor=chengdu_staff,
        achievement=achievement,
        data={"kind": IPKind.INVENTION_PATENT, "number": "202310123456.6"},
    )
    assert asset.number == "ZL202310123456.6"

    with pytest.raises(ValidationError) as raised:
        services.ip_asset_add(
            actor=chengdu_staff,
            achievement=achievement,
            data={"kind": IPKind.INVENTION_PATENT, "number": "ZL202310123456.7"},
        )
    assert "number" in raised.value.message_dict
    assert IPAsset.objects.count() == 1


def test_a_published_filing_is_no_longer_editable(chengdu_staff, chengdu_official, chengdu_institution):
    achievement = published(chengdu_staff, chengdu_official, chengdu_institution)

    with pytest.raises(ValidationError):
        services.achievement_update(actor=chengdu_staff, achievement=achievement, data={"title": "新标题"})
