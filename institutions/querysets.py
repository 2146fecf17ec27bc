"""Query vocabulary for the institution network."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from pghistory import core as pghistory_core
from pghistory.models import EventsQuery, EventsQueryCompiler, EventsQuerySet

from institutions import tracking
from institutions.choices import DesignationStatus, MembershipRole, RegionLevel

LIVE_DESIGNATION_STATUSES = (DesignationStatus.ACTIVE, DesignationStatus.WARNED)


class RegionQuerySet(models.QuerySet):
    def home(self):
        """The platform's own province and everything in it (``settings.PLATFORM_PROVINCE_CODE``): the
        regions for organisations, officials, jurisdictions and the pickers that choose them. The rest of
        China is there for contract counterparties only."""
        return self.filter(code__startswith=settings.PLATFORM_PROVINCE_CODE[:2])

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


# --- the audit trail ---------------------------------------------------------------------------------
# pghistory's ``references()`` reads the event tables that hold an organisation's id and filters each
# one in its own SELECT (so the indexes on those columns serve). ``concerning()`` does the same and also
# reads the tables of child rows that hold no organisation (a contributor, an IP asset, an objection),
# keeping the rows whose parent's events name one of the organisations. It extends pghistory 3.9's
# compiler (``across``, ``_get_where_clause``); tests/institutions/test_audit_scope.py pins the behaviour.


class AuditEventsQueryCompiler(EventsQueryCompiler):
    @property
    def across(self):
        if self.query.concerning is None:
            return super().across
        event_models = pghistory_core.event_models(models=self.query.across)
        return [
            event_model
            for event_model in event_models
            if tracking.organisation_columns(event_model) or tracking.parent_columns(event_model)
        ]

    def _get_where_clause(self, event_model):
        if self.query.concerning is None:
            return super()._get_where_clause(event_model)
        if not self.query.concerning:
            return "WHERE FALSE"
        # Organisation ids are integers: cast, they are safe to write into the statement.
        ids = "(" + ",".join(str(int(pk)) for pk in self.query.concerning) + ")"
        conditions = [f"_event.{column} IN {ids}" for column in tracking.organisation_columns(event_model)]
        for column, parent_event_model in tracking.parent_columns(event_model):
            names = " OR ".join(
                f"_parent.{parent_column} IN {ids}"
                for parent_column in tracking.organisation_columns(parent_event_model)
            )
            conditions.append(
                f"_event.{column} IN (SELECT _parent.pgh_obj_id FROM "
                f'"{parent_event_model._meta.db_table}" _parent WHERE {names})'
            )
        return "WHERE " + (" OR ".join(conditions) if conditions else "FALSE")


class AuditEventsQuery(EventsQuery):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.concerning: tuple[int, ...] | None = None

    def get_compiler(self, *args, **kwargs):
        compiler = super().get_compiler(*args, **kwargs)
        compiler.__class__ = AuditEventsQueryCompiler
        return compiler


class AuditEventQuerySet(EventsQuerySet):
    def __init__(self, model=None, query=None, using=None, hints=None):
        super().__init__(model, query if query is not None else AuditEventsQuery(model), using, hints)

    def concerning(self, organisations):
        """Events of rows that name one of ``organisations`` (an organisation itself, its members,
        designations, achievements, listings, deals…) and of the child rows of those objects."""
        queryset = self._clone()
        queryset.query.concerning = tuple(organisation.pk for organisation in organisations)
        return queryset
