"""Matching tasks and the command: run twice, the same rows; the nightly entry; the progress bar."""

from io import StringIO
from unittest.mock import Mock

import pytest
from celery.signals import worker_process_init
from django.conf import settings
from django.core.management import call_command

from market.choices import ListingStatus
from market.models import Match
from market.services import listings as listing_services
from market.services import matching
from market.tasks import matching as tasks_matching
from notifications.models import Notification
from tests.market import factories as market_factories
from tests.market.matching.test_services import rows

pytestmark = pytest.mark.django_db


def test_each_refresh_task_run_twice_leaves_identical_rows(battery_demand, anode_listing):
    assert tasks_matching.demand_match_task(battery_demand.pk) == 1
    first = rows()
    assert tasks_matching.demand_match_task.delay(battery_demand.pk).get() == 1
    assert tasks_matching.listing_match_task(anode_listing.pk) == 1
    assert tasks_matching.listing_match_task(anode_listing.pk) == 1

    assert rows() == first


def test_the_recompute_task_queues_chunks_that_leave_identical_rows_when_run_twice(
    settings, battery_demand, anode_listing, camera_listing
):
    settings.MARKET_MATCH_CHUNK_SIZE = 1

    assert tasks_matching.match_recompute_task() == 3  # one demand, two listings
    first = rows()
    assert tasks_matching.match_recompute_chunk_task("demands", [battery_demand.pk]) == 1
    assert tasks_matching.match_recompute_task.delay().get() == 3

    assert rows() == first
    assert [(row["demand_rank"], row["listing_rank"]) for row in first] == [(1, 1)]


def test_a_refresh_of_a_record_that_is_gone_removes_nothing_else(battery_demand, anode_listing):
    tasks_matching.demand_match_task(battery_demand.pk)

    assert tasks_matching.demand_match_task(999_999) == 0
    assert tasks_matching.listing_match_task(999_999) == 0
    assert Match.objects.count() == 1


def test_the_nightly_recompute_is_scheduled_and_expires_before_it_could_pile_up():
    entry = settings.CELERY_BEAT_SCHEDULE["market-recompute-matches"]

    assert entry["task"] == "market.tasks.matching.match_recompute_task"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})
    assert entry["options"]["expires"] < 24 * 3600


def test_the_strong_matches_of_the_nightly_chunks_are_sent_every_ten_minutes(
    settings, battery_demand, anode_listing, poster
):
    settings.MARKET_MATCH_NOTIFY_SCORE = 0.5
    entry = settings.CELERY_BEAT_SCHEDULE["market-send-match-notices"]
    assert entry["task"] == "market.tasks.matching.match_notices_send_task"
    assert entry["schedule"] == 600.0 and entry["options"]["expires"] < 600

    tasks_matching.match_recompute_task()
    assert not Notification.objects.exists()

    assert tasks_matching.match_notices_send_task() == 1
    assert tasks_matching.match_notices_send_task() == 0
    assert Notification.objects.filter(recipient=poster).count() == 1


def test_the_command_recomputes_with_a_progress_bar(battery_demand, anode_listing, camera_listing):
    output = StringIO()

    call_command("match_recompute", "--chunk-size", "1", stdout=output)

    text = output.getvalue()
    assert "[" + "#" * 10 in text
    assert "3/3 chunks" in text
    assert "Ranked 2 pairs" in text
    assert Match.objects.count() == 1


def test_the_command_can_leave_the_chunks_to_the_workers(battery_demand, anode_listing):
    output = StringIO()

    call_command("match_recompute", "--queue", stdout=output)

    assert "Queued 2 chunks" in output.getvalue()
    assert Match.objects.count() == 1  # the test settings run the queued chunks in-process


def test_refreshing_the_words_segments_every_record_again(battery_demand, anode_listing):
    type(anode_listing).objects.filter(pk=anode_listing.pk).update(match_terms="旧词")

    call_command("match_recompute", "--refresh-words", stdout=StringIO())

    anode_listing.refresh_from_db()
    assert "负极材料" in anode_listing.match_terms.split()
    assert Match.objects.count() == 1


def test_a_bulk_load_can_pause_the_refreshes_and_rank_once_at_the_end(
    battery_demand, chengdu_institution, seller, django_capture_on_commit_callbacks
):
    listing = market_factories.listing(chengdu_institution, seller, status=ListingStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, tasks_matching.refreshes_paused():
        listing_services.listing_publish(actor=seller, listing=listing)

    assert [callback for callback in callbacks if "match" in str(callback)] == []
    assert Match.objects.count() == 0


def test_a_worker_process_loads_the_corpus_as_it_starts(battery_demand, anode_listing, monkeypatch):
    started = []
    monkeypatch.setattr(tasks_matching.threading, "Thread", lambda **kwargs: started.append(kwargs) or Mock())

    worker_process_init.send(sender=None)

    assert [kwargs["target"] for kwargs in started] == [tasks_matching.corpus_warm]
    matching.corpus_clear()
    monkeypatch.setattr(tasks_matching, "connection", Mock())  # the thread's own; not the test's
    tasks_matching.corpus_warm()
    tasks_matching.connection.close.assert_called_once()
    assert matching._cached["corpus"].offers.keys.tolist() == [anode_listing.pk]


def test_a_failed_warm_up_is_logged_not_raised(monkeypatch, caplog):
    monkeypatch.setattr(matching, "corpus_current", Mock(side_effect=RuntimeError("database gone")))
    monkeypatch.setattr(tasks_matching, "connection", Mock())

    tasks_matching.corpus_warm()

    assert "Warming the matching corpus failed" in caplog.text


def test_a_refresh_records_its_strong_matches_and_its_task_sends_them_after(
    settings, battery_demand, anode_listing, poster
):
    settings.MARKET_MATCH_NOTIFY_SCORE = 0.5

    matching.demand_match(demand_pk=battery_demand.pk)
    assert not Notification.objects.exists()  # recorded, not sent inside the refresh's transaction

    tasks_matching.demand_match_task(battery_demand.pk)  # the send task runs in-process here
    assert Notification.objects.filter(recipient=poster).count() == 1
    tasks_matching.listing_match_task(anode_listing.pk)
    assert Notification.objects.filter(recipient=poster).count() == 1
