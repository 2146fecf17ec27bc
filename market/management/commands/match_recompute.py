"""Recomputes every supply–demand match now, with a progress bar.

    python manage.py match_recompute                # in this process, chunk after chunk
    python manage.py match_recompute --queue        # plan here, let the Celery workers run the chunks

The nightly beat entry does the same as ``--queue``.
"""

import sys
import time

from django.core.management.base import BaseCommand

from market.services import matching as matching_services
from market.tasks import matching as tasks_matching

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Recomputes every supply–demand match (the nightly job), showing progress."

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true", help="Queue the chunks for the Celery workers.")
        parser.add_argument("--chunk-size", type=int, default=None, help="Records per chunk.")
        parser.add_argument(
            "--refresh-words",
            action="store_true",
            help="Segment every record again first (after the dictionary or the synonyms changed).",
        )

    def handle(self, *args, queue=False, chunk_size=None, refresh_words=False, **options):
        started = time.monotonic()
        if queue:
            chunks = matching_services.match_recompute_plan(
                chunk_size=chunk_size, refresh_words=refresh_words
            )
            for side, pks in chunks:
                tasks_matching.match_recompute_chunk_task.delay(side, pks)
            self.stdout.write(self.style.SUCCESS(f"Queued {len(chunks)} chunks for the workers."))
            return
        ranked = matching_services.match_recompute(
            progress=self._progress, chunk_size=chunk_size, refresh_words=refresh_words
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Ranked {ranked} pairs in {time.monotonic() - started:.1f} s."))

    def _progress(self, done: int, total: int) -> None:
        filled = round(BAR_WIDTH * done / total) if total else BAR_WIDTH
        line = f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} chunks"
        self.stdout.write(line, ending="")
        if hasattr(sys.stdout, "flush"):
            self.stdout.flush()
