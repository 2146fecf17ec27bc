"""``manage.py seed_demo``: the demo institutions, designations and logins (``institutions.demo_loader``),
a few hundred demo achievements filed, reviewed and published through the services and the first
dual-use catalogues (``achievements.demo_data``), then the demo market — listings, demands, inquiries,
deals in every state and registered contracts over the 21 cities and the years since 2021
(``market.demo_data``) — and last the supply–demand matches of it all (``match_recompute``).

All of it is audited with ``source=seed_demo`` and idempotent: a second run creates nothing and changes
nothing, so ``make run`` can call it on every start. The institutions load in one transaction, each
achievement, listing, demand and deal in its own (an interrupted run leaves whole records, and the next
one adds the rest). The command lives in ``market``, the highest app that adds demo data.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max
from django.utils.translation import ngettext

from achievements import demo_data as achievement_demo
from institutions import demo_loader
from market import demo_data as market_demo
from market.services import matching as matching_services
from market.tasks import matching as tasks_matching
from notifications.models import Notification


def demo_matches() -> int:
    """Ranks the demo market's supply and demand. Strong matches are recorded as announced, but the
    notifications are deleted before the commit (as the demo loaders do with the workflow's): a demo
    needs no inbox full of them, and the nightly run must not announce them either."""
    with transaction.atomic():
        mark = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
        ranked = matching_services.match_recompute()
        Notification.objects.filter(pk__gt=mark).delete()
    return ranked


class Command(BaseCommand):
    help = (
        "Creates the demo institutions in all 21 cities, designations, a login for each role, a few "
        "hundred published achievements and a demo technology market with deals and registered "
        "contracts since 2021 (idempotent)."
    )

    def handle(self, *args, **options):
        directory = demo_loader.load()
        # The demo is ranked once at the end rather than record by record as it is published.
        with tasks_matching.refreshes_paused():
            achievements = achievement_demo.load(organisations=directory.organisations, users=directory.users)
            market = market_demo.load(organisations=directory.organisations, users=directory.users)
        labels = {**demo_loader.COUNT_LABELS, **achievement_demo.COUNT_LABELS, **market_demo.COUNT_LABELS}
        counts = directory.counts + achievements.counts + market.counts
        self.stdout.write(demo_loader.summary(counts, labels))
        ranked = demo_matches()
        self.stdout.write(
            ngettext("%(count)d supply–demand pair ranked", "%(count)d supply–demand pairs ranked", ranked)
            % {"count": ranked}
        )
        for line, is_warning in demo_loader.logins_report(directory):
            self.stdout.write(self.style.WARNING(line) if is_warning else line)
