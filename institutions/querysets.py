"""Query vocabulary for the institution network."""

from django.db import models
from django.db.models import Q

from institutions.choices import DesignationStatus, MembershipRole, RegionLevel

LIVE_DESIGNATION_STATUSES = (DesignationStatus.ACTIVE, DesignationStatus.WARNED)


class RegionQuerySet(models.QuerySet):
    def cities(self):
        return self.filter(level=RegionLevel.CITY)

    def counties(self):
        return self.filter(level=RegionLevel.COUNTY)

    def within(self, region):
        """The region and everything under it."""
        return self.filter(code__startswith=region.jurisdiction_prefix)


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def transfer_institutions(self):
        return self.filter(is_transfer_institution=True)

    def in_regions(self, prefixes):
        """Organisations whose region code starts with any of the given jurisdiction prefixes."""
        condition = Q(pk__in=[])
        for prefix in prefixes:
            condition |= Q(region__code__startswith=prefix)
        return self.filter(condition)

    def with_live_designation(self, level=None):
        condition = Q(designations__status__in=LIVE_DESIGNATION_STATUSES)
        if level:
            condition &= Q(designations__level=level)
        return self.filter(condition).distinct()


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, organisation__is_active=True)

    def officials(self):
        return self.active().filter(role=MembershipRole.OFFICIAL)
