"""Celery tasks of achievements: thin, take ids, call one service, safe to run twice.

Each import service claims its batch by state (uploaded/validating → validated; importing →
imported), so a task delivered again finds nothing left to do.
"""

from celery import shared_task

from achievements.services import imports as import_services


@shared_task(acks_late=True)
def import_batch_check_task(batch_pk: int) -> str | None:
    batch = import_services.import_batch_check(batch_pk=batch_pk)
    return batch.status if batch is not None else None


@shared_task(acks_late=True)
def import_batch_import_task(batch_pk: int) -> str | None:
    batch = import_services.import_batch_import(batch_pk=batch_pk)
    return batch.status if batch is not None else None
