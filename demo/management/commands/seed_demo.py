"""``manage.py seed_demo``: the demo institutions, designations and logins (``demo.loaders.institutions``),
a few hundred demo achievements filed, reviewed and published through the services and the first
dual-use catalogues (``demo.loaders.achievements``), then the demo market — listings, demands, inquiries,
deals in every state and registered contracts over the 21 cities and the years since 2021
(``demo.loaders.market``), the registrations of contracts made off the platform as registration bodies
import them (``demo.loaders.registrations``: most of the province's contracts, 1/100 of them) — and
last the supply–demand matches of it all (``match_recompute``).

All of it is audited with ``source=seed_demo`` and idempotent: a second run creates nothing and changes
nothing, so ``make run`` can call it on every start. The institutions load in one transaction, each
achievement, listing, demand and deal in its own (an interrupted run leaves whole records, and the next
one adds the rest), the imported registrations together in one. The demo is the same on any day it is seeded (``demo.dates``).
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max
from django.utils.translation import ngettext

from demo.loaders import achievements as achievement_loader
from demo.loaders import institutions as institution_loader
from demo.loaders import market as market_loader
from demo.loaders import registrations as registration_loader
from market.models import Match
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
        "hundred published achievements, a demo technology market with deals and registered "
        "contracts since 2021 and the off-platform registrations of those years (idempotent)."
    )

    def handle(self, *args, **options):
        directory = institution_loader.load()
        # The demo is ranked once at the end rather than record by record as it is published.
        with tasks_matching.refreshes_paused():
            achievements = achievement_loader.load(
                organisations=directory.organisations, users=directory.users
            )
            market = market_loader.load(organisations=directory.organisations, users=directory.users)
        imports, journey = registration_loader.load(market=market)
        labels = {
            **institution_loader.COUNT_LABELS,
            **achievement_loader.COUNT_LABELS,
            **market_loader.COUNT_LABELS,
            **registration_loader.COUNT_LABELS,
        }
        counts = directory.counts + achievements.counts + market.counts + imports.counts + journey.counts
        self.stdout.write(institution_loader.summary(counts, labels))
        # Ranked only when this run added to the demo (or an interrupted run left it unranked): the
        # freshness of a match counts from now, so ranking again minutes later would move scores and
        # a second run would not leave everything as it was. The nightly recompute keeps them current.
        if achievements.counts or market.counts or journey.counts or not Match.objects.exists():
            ranked = demo_matches()
            self.stdout.write(
                ngettext(
                    "%(count)d supply–demand pair ranked", "%(count)d supply–demand pairs ranked", ranked
                )
                % {"count": ranked}
            )
        for line, is_warning in institution_loader.logins_report(directory):
            self.stdout.write(self.style.WARNING(line) if is_warning else line)
