"""Rebuilds every achievement's search vector, e.g. after the domain dictionary or synonyms change."""

from django.core.management.base import BaseCommand

from achievements.models import Achievement
from achievements.services import filings as services


class Command(BaseCommand):
    help = "Rebuilds the Chinese search index of all achievements (after a dictionary change)."

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=500, help="Achievements per database round trip.")

    def handle(self, *args, chunk: int, **options):
        total = Achievement.objects.count()
        done = 0
        queryset = Achievement.objects.only("pk", "title", "keywords", "summary").order_by("pk")
        for achievement in queryset.iterator(chunk_size=chunk):
            services.achievement_refresh_search(achievement=achievement)
            done += 1
            if done % chunk == 0 or done == total:
                self.stdout.write(f"{done}/{total}")
        self.stdout.write(self.style.SUCCESS(f"Reindexed {done} achievements."))
