"""Celery task of the registration import: thin, takes the import's id, calls one service, safe to run
twice (the service claims the import by its state and saves under a lock)."""

from celery import shared_task


@shared_task(acks_late=True)
def contract_import_run_task(import_pk: int) -> str | None:
    from market.services import contract_imports  # the service queues this task: imported when run

    record = contract_imports.contract_import_run(import_pk=import_pk)
    return record.status if record is not None else None
