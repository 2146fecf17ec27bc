"""core.submissions and core.forms.SubmissionKeyForm: a create form sent twice creates one record
(achievements stand in for any record a create service makes)."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import override_settings

from achievements.models import Achievement
from achievements.services import filings as services
from core import tasks
from core.forms import SubmissionKeyForm
from core.models import Submission
from tests import factories
from tests.achievements.factories import filing_data


@pytest.fixture
def institution(db):
    return factories.TransferInstitutionFactory(name="提交测试技术转移中心")


@pytest.fixture
def filer(institution):
    return factories.staff_of(institution, username="submission-staff")


def create(actor, institution, key):
    return services.achievement_create(
        actor=actor, institution=institution, data=filing_data(), submission_key=key
    )


def test_the_same_key_gives_the_first_record_back(filer, institution):
    key = uuid.uuid4()

    first = create(filer, institution, key)
    second = create(filer, institution, key)

    assert second == first
    assert Achievement.objects.count() == 1
    assert Submission.objects.get().object_id == first.pk


def test_without_a_key_every_call_creates(filer, institution):
    create(filer, institution, None)
    create(filer, institution, None)

    assert Achievement.objects.count() == 2
    assert not Submission.objects.exists()


def test_another_person_sending_the_key_is_refused_and_gets_nothing(filer, institution):
    key = uuid.uuid4()
    create(filer, institution, key)
    colleague = factories.staff_of(institution, username="submission-colleague")

    with pytest.raises(ValidationError) as error:
        create(colleague, institution, key)

    assert error.value.code == "already_submitted"
    assert Achievement.objects.count() == 1


def test_a_refused_creation_leaves_the_key_free(filer, institution):
    key = uuid.uuid4()
    with pytest.raises(ValidationError):
        services.achievement_create(
            actor=filer, institution=institution, data=filing_data(title=""), submission_key=key
        )

    achievement = create(filer, institution, key)

    assert Achievement.objects.get() == achievement


class NoteForm(SubmissionKeyForm):
    pass


def test_the_form_renders_a_fresh_hidden_key_and_keeps_it_out_of_the_data():
    key = NoteForm()["submission_key"].value()
    assert 'type="hidden"' in str(NoteForm()["submission_key"])
    assert NoteForm()["submission_key"].value() != key

    form = NoteForm({"submission_key": str(key)})

    assert form.is_valid()
    assert (form.cleaned_data, form.sent_submission_key) == ({}, uuid.UUID(key))


# --- the nightly purge of old keys ---------------------------------------------------------------

NOON = datetime(2026, 6, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def claim_at(moment: datetime, actor) -> uuid.UUID:
    key = uuid.uuid4()
    with time_machine.travel(moment, tick=False):
        Submission.objects.create(
            key=key, actor=actor, content_type=ContentType.objects.get_for_model(Achievement)
        )
    return key


@override_settings(SUBMISSION_KEY_RETENTION_DAYS=2)
def test_the_purge_deletes_keys_past_their_retention_and_nothing_twice(filer):
    old = claim_at(NOON - timedelta(days=2, seconds=1), filer)
    kept_at_the_limit = claim_at(NOON - timedelta(days=2), filer)
    recent = claim_at(NOON - timedelta(hours=1), filer)

    with time_machine.travel(NOON, tick=False):
        first = tasks.submission_purge_task()
        second = tasks.submission_purge_task.delay().get()

    assert (first, second) == (1, 0)
    assert set(Submission.objects.values_list("key", flat=True)) == {kept_at_the_limit, recent}
    assert not Submission.objects.filter(key=old).exists()


@override_settings(SUBMISSION_KEY_RETENTION_DAYS=2)
def test_a_form_sent_again_after_the_purge_creates_anew(filer, institution):
    key = uuid.uuid4()
    with time_machine.travel(NOON - timedelta(days=3), tick=False):
        first = create(filer, institution, key)

    with time_machine.travel(NOON, tick=False):
        tasks.submission_purge_task()
        again = create(filer, institution, key)

    assert again != first
    assert Achievement.objects.count() == 2


def test_the_beat_entry_runs_the_purge_nightly_and_expires():
    entry = settings.CELERY_BEAT_SCHEDULE["core-purge-submission-keys"]

    assert entry == {
        "task": "core.tasks.submission_purge_task",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 3 * 3600},
    }
    assert tasks.submission_purge_task.name == entry["task"]
    assert settings.SUBMISSION_KEY_RETENTION_DAYS >= 1
