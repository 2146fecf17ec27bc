"""Reads of technology demands (技术需求). Every read starts from ``Demand.objects.visible_to(actor)``:
published and closed demands are public, an enterprise's members see all of theirs, officials see
what has been submitted in their jurisdiction (never drafts), platform admins everything.
"""

from django.db.models import F, Q, QuerySet
from django.http import Http404

from core.filtering import apply_filterset
from core.text import search
from institutions.roles import actor_roles
from market.choices import DemandStatus
from market.filters.demands import DemandBoardFilterSet, DemandFilterSet
from market.models import Demand
from market.querysets import PUBLIC_DEMAND_STATUSES

ORDERINGS = {
    "newest": ("-published_at", "-pk"),
    "deadline": ("deadline", "pk"),
    "budget": (F("budget_max").desc(nulls_last=True), "-pk"),
    "updated": ("-updated_at", "-pk"),
}
SEARCHABLE = search.SearchableList(orderings=ORDERINGS, best_match_ties=ORDERINGS["newest"])


def demand_visible_queryset(*, actor) -> QuerySet[Demand]:
    return Demand.objects.visible_to(actor)


def with_list_relations(queryset: QuerySet[Demand]) -> QuerySet[Demand]:
    """What a list item (page or API row) shows: one join, no query per row."""
    return queryset.select_related("enterprise", "region__parent", "technology_field", "industry")


def _filtered(queryset, *, filterset_class, filters, q: str, ordering: str, default: str):
    queryset = apply_filterset(queryset, filterset_class, filters)
    return with_list_relations(SEARCHABLE.search(queryset, q=q, ordering=ordering, default=default))


def demand_public_list(*, actor, filters: dict | None = None, q: str = "", ordering: str = "") -> QuerySet:
    """The public board: published and closed demands, searched (best match first) and ordered.

    With ``filters`` (a dict, possibly empty) the board's FilterSet applies: open demands only unless
    ``include_closed``. ``filters=None`` leaves filtering to the caller (the API's filter backend
    applies the same FilterSet)."""
    queryset = demand_visible_queryset(actor=actor).filter(status__in=PUBLIC_DEMAND_STATUSES)
    return _filtered(
        queryset,
        filterset_class=DemandBoardFilterSet,
        filters=filters,
        q=q,
        ordering=ordering,
        default="newest",
    )


def demand_my_list(*, actor, filters: dict | None = None, q: str = "", ordering: str = "") -> QuerySet:
    """The demands of the enterprises the actor works for, in any status, last changed first."""
    roles = actor_roles(actor)
    queryset = demand_visible_queryset(actor=actor).filter(enterprise_id__in=roles.member_of)
    return _filtered(
        queryset,
        filterset_class=DemandFilterSet,
        filters=filters,
        q=q,
        ordering=ordering,
        default="updated",
    )


def demand_review_queue(*, actor, filters: dict | None = None, q: str = "", ordering: str = "") -> QuerySet:
    """Demands submitted in the actor's jurisdiction and waiting for a decision, oldest first."""
    roles = actor_roles(actor)
    queryset = demand_visible_queryset(actor=actor).filter(status=DemandStatus.SUBMITTED)
    if not roles.is_platform_admin:
        # visible_to also admits the actor's own enterprise; the queue is the jurisdiction only.
        prefixes = roles.jurisdiction_prefixes
        if not prefixes:
            return queryset.none()
        in_jurisdiction = Q(pk__in=[])
        for prefix in prefixes:
            in_jurisdiction |= Q(enterprise__region__code__startswith=prefix)
        queryset = queryset.filter(in_jurisdiction)
    # Separation of duties: not what the actor may not decide (``rules.demand_review_refusal``).
    queryset = queryset.exclude(enterprise_id__in=roles.affiliated_with)
    if actor.pk is not None:
        queryset = queryset.exclude(created_by_id=actor.pk).exclude(submitted_by_id=actor.pk)
    queryset = _filtered(
        queryset, filterset_class=DemandFilterSet, filters=filters, q=q, ordering=ordering, default="updated"
    )
    return queryset.order_by("submitted_at", "pk") if not ordering and not q else queryset


def demand_get(*, pk: int, actor) -> Demand:
    try:
        return (
            demand_visible_queryset(actor=actor)
            .select_related(
                "enterprise__region__parent",
                "region__parent",
                "technology_field",
                "industry",
                "created_by",
                "reviewed_by",
            )
            .get(pk=pk)
        )
    except Demand.DoesNotExist as error:
        raise Http404 from error
