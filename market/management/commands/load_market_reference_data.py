from django.core.management.base import BaseCommand

from market import reference_data
from market.models import RegistrationRuleSet


class Command(BaseCommand):
    help = "Loads (or refreshes) the registration rule-set versions from market/data."

    def handle(self, *args, **options):
        count = reference_data.load_rule_sets(RegistrationRuleSet)
        self.stdout.write(f"Loaded {count} registration rule sets.")
