"""Query vocabulary for achievements."""

from django.db import models
from django.db.models import Q

from achievements.choices import AchievementStatus


class AchievementQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=AchievementStatus.PUBLISHED)

    def of_institutions(self, organisation_ids):
        return self.filter(filing_institution_id__in=organisation_ids)

    def in_regions(self, prefixes):
        """Filed by institutions whose region code starts with one of the jurisdiction prefixes."""
        condition = Q(pk__in=[])
        for prefix in prefixes:
            condition |= Q(filing_institution__region__code__startswith=prefix)
        return self.filter(condition)
