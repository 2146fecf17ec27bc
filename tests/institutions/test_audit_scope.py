"""Officials read the history of child rows (issue 11, item 6 follow-up): rows that hold no institution
of their own (an achievement's contributors, IP assets and attachments, a person co-owner) are scoped
through their parent, so an official sees them for objects in the jurisdiction and never outside it."""

import pghistory
import pytest

from achievements.models import AchievementContributor, IPAsset
from achievements.services import filings
from institutions import tracking
from institutions.models import AuditEvent
from institutions.selectors import audit
from tests.achievements import factories as achievement_factories

pytestmark = pytest.mark.django_db


def child_events(actor, filters=None, model="achievements.IPAsset") -> list[AuditEvent]:
    return list(audit.audit_log(actor=actor, filters=filters).filter(pgh_obj_model=model))


@pytest.fixture
def chengdu_achievement(chengdu_admin, chengdu_institution):
    """A draft of 成都锦江技术转移中心 with a contributor and a software copyright."""
    with pghistory.context(user=chengdu_admin.pk):
        achievement = achievement_factories.draft(chengdu_admin, chengdu_institution)
        filings.achievement_update(
            actor=chengdu_admin,
            achievement=achievement,
            data={},
            contributors=[filings.Contributor("张三")],
        )
        filings.ip_asset_add(
            actor=chengdu_admin,
            achievement=achievement,
            data={"kind": "software_copyright", "number": "2023SR0123456"},
        )
    return achievement


def test_the_child_tables_hold_no_institution_and_are_reached_through_their_parent():
    contributors, assets = (
        tracking.tracked_models()[label][0]
        for label in ("achievements.AchievementContributor", "achievements.IPAsset")
    )

    assert tracking.organisation_columns(contributors) == ()
    assert tracking.organisation_columns(assets) == ()
    assert [column for column, _parent in tracking.parent_columns(assets)] == ["achievement_id"]


@pytest.mark.parametrize("official", ["chengdu_official", "province_official"])
def test_officials_over_the_institution_see_its_achievements_child_rows(
    request, official, chengdu_achievement
):
    actor = request.getfixturevalue(official)
    asset = IPAsset.objects.get(achievement=chengdu_achievement)
    contributor = AchievementContributor.objects.get(achievement=chengdu_achievement)

    assets = child_events(actor)
    contributors = child_events(actor, model="achievements.AchievementContributor")

    assert [(event.pgh_obj_id, event.pgh_label) for event in assets] == [(str(asset.pk), "insert")]
    assert str(contributor.pk) in {event.pgh_obj_id for event in contributors}


def test_an_official_elsewhere_never_sees_them_even_by_filter(
    mianyang_official, chengdu_achievement, chengdu_institution
):
    assert child_events(mianyang_official) == []
    assert child_events(mianyang_official, model="achievements.AchievementContributor") == []
    assert child_events(mianyang_official, {"institution": str(chengdu_institution.pk)}) == []


def test_the_institution_filter_and_the_object_type_filter_keep_child_rows_to_the_institution(
    platform_admin, chengdu_achievement, chengdu_institution, mianyang_institution, chengdu_official
):
    assert len(child_events(platform_admin, {"institution": str(chengdu_institution.pk)})) == 1
    assert child_events(platform_admin, {"institution": str(mianyang_institution.pk)}) == []
    assert len(child_events(chengdu_official, {"object_type": "achievements.IPAsset"})) == 1


def test_the_entries_read_them_and_the_institutions_history_shows_them(
    chengdu_official, chengdu_achievement, chengdu_institution
):
    entries = audit.audit_entries(
        events=audit.audit_log(actor=chengdu_official, filters={"object_type": "achievements.IPAsset"}),
        groups=audit.audit_entry_groups(
            audit.audit_log(actor=chengdu_official, filters={"object_type": "achievements.IPAsset"})
        ),
    )
    history = audit.organisation_history(actor=chengdu_official, organisation=chengdu_institution)

    assert [(entry.action, entry.model) for entry in entries] == [("insert", "achievements.IPAsset")]
    assert "achievements.IPAsset" in set(history.values_list("pgh_obj_model", flat=True))


def test_a_deleted_child_row_stays_in_the_officials_history(
    chengdu_official, chengdu_admin, chengdu_achievement
):
    asset = IPAsset.objects.get(achievement=chengdu_achievement)

    filings.ip_asset_remove(actor=chengdu_admin, asset=asset)

    assert [event.pgh_label for event in child_events(chengdu_official)] == ["delete", "insert"]
