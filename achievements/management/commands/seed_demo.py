"""``manage.py seed_demo``: the demo institutions, designations and logins (``institutions.demo_loader``),
then a few hundred demo achievements filed, reviewed and published through the services
(``achievements.demo_data``).

Both are audited with ``source=seed_demo`` and idempotent: a second run creates nothing and changes
nothing, so ``make run`` can call it on every start. The institutions load in one transaction, each
achievement in its own (an interrupted run leaves whole achievements, and the next one adds the rest).
"""

from django.core.management.base import BaseCommand

from achievements import demo_data as achievement_demo
from institutions import demo_loader


class Command(BaseCommand):
    help = (
        "Creates the demo institutions in all 21 cities, designations, a login for each role and a few "
        "hundred published achievements (idempotent)."
    )

    def handle(self, *args, **options):
        directory = demo_loader.load()
        achievements = achievement_demo.load(organisations=directory.organisations, users=directory.users)
        labels = {**demo_loader.COUNT_LABELS, **achievement_demo.COUNT_LABELS}
        self.stdout.write(demo_loader.summary(directory.counts + achievements.counts, labels))
        for line, is_warning in demo_loader.logins_report(directory):
            self.stdout.write(self.style.WARNING(line) if is_warning else line)
