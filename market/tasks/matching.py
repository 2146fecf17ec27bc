"""Celery tasks of supply–demand matching: thin, taking ids, safe to run twice.

Publishing, closing or withdrawing a demand or a listing queues its refresh on commit; the nightly
beat entry plans the full recompute and queues one task per chunk, so that the chunks spread over every
worker. Each chunk replaces its rows in one transaction: a worker that dies mid-chunk leaves the
previous rows, and the redelivered task (``acks_late``) simply runs it again. The strong matches the
chunks find are recorded; a beat entry every ten minutes sends them, one message per record. A
refresh's are sent by a task it queues once its rows are stored, so that a refresh never waits
for a backlog of notices.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from celery import shared_task
from celery.signals import worker_process_init
from django.db import connection

from market.services import matching as matching_services

logger = logging.getLogger(__name__)
_paused: ContextVar[bool] = ContextVar("market_match_refreshes_paused", default=False)


@contextmanager
def refreshes_paused() -> Iterator[None]:
    """Queues no per-record refresh inside the block: for bulk loads (the demo) that recompute
    everything once at the end."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def queue_demand_refresh(demand_pk: int) -> None:
    """Refreshes the demand's matches once the current transaction commits."""
    if not _paused.get():
        demand_match_task.delay_on_commit(demand_pk)


def queue_listing_refresh(listing_pk: int) -> None:
    """Refreshes the listing's matches once the current transaction commits."""
    if not _paused.get():
        listing_match_task.delay_on_commit(listing_pk)


@shared_task(acks_late=True)
def demand_match_task(demand_pk: int) -> int:
    found = matching_services.demand_match(demand_pk=demand_pk)
    match_notices_send_task.delay()  # the refresh's strong matches go out now, in a task of their own
    return found


@shared_task(acks_late=True)
def listing_match_task(listing_pk: int) -> int:
    found = matching_services.listing_match(listing_pk=listing_pk)
    match_notices_send_task.delay()
    return found


@shared_task(acks_late=True)
def match_recompute_chunk_task(side: str, pks: list[int]) -> int:
    return matching_services.match_recompute_chunk(side=side, pks=pks)


@shared_task(acks_late=True)
def match_notices_send_task() -> int:
    return matching_services.match_notices_send()


@shared_task(acks_late=True)
def match_recompute_task() -> int:
    """Plans the nightly recompute and queues its chunks; returns how many chunks were queued."""
    chunks = matching_services.match_recompute_plan()
    for side, pks in chunks:
        match_recompute_chunk_task.delay(side, pks)
    return len(chunks)


def corpus_warm() -> None:
    """Loads the matching corpus (both sides of the market) into this process, then closes this
    thread's database connection."""
    try:
        matching_services.corpus_current()
    except Exception:  # a warm-up that fails costs only the first refresh its speed
        logger.exception("Warming the matching corpus failed")
    finally:
        connection.close()


@worker_process_init.connect
def _warm_on_start(**_kwargs) -> None:
    """A worker process loads the market in the background as it starts, so that its first refresh
    is not the one that waits seconds for it (the refreshes lock the corpus while it loads)."""
    threading.Thread(target=corpus_warm, name="matching-corpus-warm-up", daemon=True).start()
