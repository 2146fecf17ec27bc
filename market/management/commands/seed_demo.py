"""``manage.py seed_demo``: the demo institutions, designations and logins (``institutions.demo_loader``),
a few hundred demo achievements filed, reviewed and published through the services and the first
dual-use catalogues (``achievements.demo_data``), then the demo market — listings, demands, inquiries,
deals in every state and registered contracts over the 21 cities and the years since 2021
(``market.demo_data``).

All of it is audited with ``source=seed_demo`` and idempotent: a second run creates nothing and changes
nothing, so ``make run`` can call it on every start. The institutions load in one transaction, each
achievement, listing, demand and deal in its own (an interrupted run leaves whole records, and the next
one adds the rest). The command lives in ``market``, the highest app that adds demo data.
"""

from django.core.management.base import BaseCommand

from achievements import demo_data as achievement_demo
from institutions import demo_loader
from market import demo_data as market_demo


class Command(BaseCommand):
    help = (
        "Creates the demo institutions in all 21 cities, designations, a login for each role, a few "
        "hundred published achievements and a demo technology market with deals and registered "
        "contracts since 2021 (idempotent)."
    )

    def handle(self, *args, **options):
        directory = demo_loader.load()
        achievements = achievement_demo.load(organisations=directory.organisations, users=directory.users)
        market = market_demo.load(organisations=directory.organisations, users=directory.users)
        labels = {**demo_loader.COUNT_LABELS, **achievement_demo.COUNT_LABELS, **market_demo.COUNT_LABELS}
        counts = directory.counts + achievements.counts + market.counts
        self.stdout.write(demo_loader.summary(counts, labels))
        for line, is_warning in demo_loader.logins_report(directory):
            self.stdout.write(self.style.WARNING(line) if is_warning else line)
