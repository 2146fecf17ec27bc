"""Celery tasks of the shared layer: thin, safe to run twice.

The beat entry ``core-purge-submission-keys`` runs ``submission_purge_task`` nightly.
"""

from celery import shared_task

from core import submissions


@shared_task(acks_late=True)
def submission_purge_task() -> int:
    """Deletes the form submission keys past their retention; returns how many."""
    return submissions.submission_purge()
