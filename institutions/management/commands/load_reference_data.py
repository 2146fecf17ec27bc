from django.core.management.base import BaseCommand

from institutions import reference_data
from institutions.models import Classification, Region


class Command(BaseCommand):
    help = "Loads (or refreshes) regions and classifications from the committed data files."

    def handle(self, *args, **options):
        regions = reference_data.load_regions(Region)
        classifications = reference_data.load_classifications(Classification)
        self.stdout.write(f"Loaded {regions} regions and {classifications} classification entries.")
