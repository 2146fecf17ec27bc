"""Celery tasks of achievements: thin, idempotent, and run in-process on commit without Redis."""

import pytest
from django.test import Client

from achievements import tasks
from achievements.choices import AchievementStatus, ImportStatus
from achievements.models import Achievement, ImportBatch
from achievements.services import imports as import_services
from tests import factories
from tests.achievements.data import workbooks

pytestmark = pytest.mark.django_db


def _uploaded(actor, institution, rows) -> ImportBatch:
    """An uploaded batch whose check is queued on commit (never reached inside the test's transaction)."""
    return import_services.import_batch_create(
        actor=actor, institution=institution, uploaded_file=workbooks.upload(workbooks.xlsx(rows))
    )


def _state(batch_pk: int) -> tuple:
    batch = ImportBatch.objects.get(pk=batch_pk)
    return (
        batch.status,
        batch.total_rows,
        batch.processed_rows,
        batch.valid_rows,
        batch.errors,
        batch.rows,
        batch.imported_rows,
        batch.skipped_rows,
        batch.failure,
    )


def test_the_check_task_run_twice_leaves_the_same_state(chengdu_staff, chengdu_institution):
    batch = _uploaded(chengdu_staff, chengdu_institution, [workbooks.good_row(), workbooks.good_row(trl=12)])

    first = tasks.import_batch_check_task.delay(batch.pk).get()
    after_first = _state(batch.pk)
    second = tasks.import_batch_check_task.delay(batch.pk).get()

    assert (first, second) == (ImportStatus.VALIDATED, None)
    assert _state(batch.pk) == after_first
    assert after_first[:4] == (ImportStatus.VALIDATED, 2, 2, 1)


def test_the_import_task_run_twice_imports_once(chengdu_staff, chengdu_institution):
    batch = _uploaded(chengdu_staff, chengdu_institution, [workbooks.good_row()])
    import_services.import_batch_check(batch_pk=batch.pk)
    import_services.import_batch_confirm(actor=chengdu_staff, batch=batch)  # its task waits for the commit

    first = tasks.import_batch_import_task.delay(batch.pk).get()
    after_first = _state(batch.pk)
    second = tasks.import_batch_import_task.delay(batch.pk).get()

    assert (first, second) == (ImportStatus.IMPORTED, None)
    assert _state(batch.pk) == after_first
    assert after_first[6:8] == (1, 0)
    assert list(Achievement.objects.values_list("status", flat=True)) == [AchievementStatus.DRAFT]


def test_the_import_task_leaves_an_unconfirmed_batch_alone(chengdu_staff, chengdu_institution):
    batch = _uploaded(chengdu_staff, chengdu_institution, [workbooks.good_row()])
    import_services.import_batch_check(batch_pk=batch.pk)
    before = _state(batch.pk)

    result = tasks.import_batch_import_task.delay(batch.pk).get()

    assert result is None
    assert _state(batch.pk) == before
    assert Achievement.objects.count() == 0


def test_the_check_task_leaves_a_confirmed_batch_alone(chengdu_staff, chengdu_institution):
    batch = _uploaded(chengdu_staff, chengdu_institution, [workbooks.good_row()])
    import_services.import_batch_check(batch_pk=batch.pk)
    import_services.import_batch_confirm(actor=chengdu_staff, batch=batch)
    before = _state(batch.pk)

    result = tasks.import_batch_check_task.delay(batch.pk).get()

    assert result is None
    assert _state(batch.pk) == before


def test_a_check_cut_off_midway_is_done_again_from_the_start(chengdu_staff, chengdu_institution):
    batch = _uploaded(chengdu_staff, chengdu_institution, [workbooks.good_row()])
    # as if a worker had claimed the batch and died after the first chunk
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.VALIDATING, processed_rows=1, total_rows=1
    )

    result = tasks.import_batch_check_task.delay(batch.pk).get()

    assert result == ImportStatus.VALIDATED
    assert _state(batch.pk)[:4] == (ImportStatus.VALIDATED, 1, 1, 1)


def test_the_tasks_are_acknowledged_late():
    assert tasks.import_batch_check_task.acks_late is True
    assert tasks.import_batch_import_task.acks_late is True


@pytest.mark.django_db(transaction=True)
def test_without_redis_the_pages_run_the_tasks_in_process_on_commit(reference_tables, settings):
    # given no broker: the tasks run eagerly once the upload and the confirmation are committed
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    institution = factories.TransferInstitutionFactory(region=factories.region("510104"))
    staff = factories.staff_of(institution)
    client = Client()
    client.force_login(staff)

    uploaded = client.post(
        "/achievements/import/",
        {"institution": institution.pk, "file": workbooks.upload(workbooks.xlsx([workbooks.good_row()]))},
    )
    checked = client.get(uploaded["Location"])
    batch = ImportBatch.objects.get()
    confirmed = client.post(f"/achievements/import/{batch.pk}/confirm/")
    summary = client.get(confirmed["Location"])

    assert checked.context["batch"].status == ImportStatus.VALIDATED
    assert summary.context["batch"].status == ImportStatus.IMPORTED
    assert 'data-status="imported"' in summary.content.decode()
    assert (
        Achievement.objects.filter(filing_institution=institution, status=AchievementStatus.DRAFT).count()
        == 1
    )
