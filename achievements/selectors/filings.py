"""Reads on achievements. Visibility for the actor is applied here once for every page and API call.

Published achievements are public. The filing institution's members (and linked partner systems)
see all their own filings; officials see what has been submitted in their jurisdiction, never
drafts; platform admins see everything.
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from achievements import policies
from achievements.choices import PATENT_KINDS, AchievementStatus
from achievements.filters import AchievementFilterSet
from achievements.identifiers import check_patent_number
from achievements.models import Achievement, IPAsset
from core.filtering import apply_filterset
from core.text import search
from institutions.roles import actor_roles

ORDERINGS = {
    "newest": ("-published_at", "-pk"),
    "oldest": ("published_at", "pk"),
    "title": ("title", "pk"),
    "trl": ("-trl", "-published_at", "-pk"),
    "updated": ("-updated_at", "-pk"),
}
SEARCHABLE = search.SearchableList(orderings=ORDERINGS, best_match_ties=ORDERINGS["newest"])


def achievement_visible_queryset(*, actor) -> QuerySet[Achievement]:
    roles = actor_roles(actor)
    queryset = Achievement.objects.all()
    if roles.is_platform_admin:
        return queryset
    condition = Q(status=AchievementStatus.PUBLISHED)
    own = roles.member_of | roles.partner_of
    if own:
        condition |= Q(filing_institution_id__in=own)
    for prefix in roles.jurisdiction_prefixes:
        condition |= Q(filing_institution__region__code__startswith=prefix) & ~Q(
            status=AchievementStatus.DRAFT
        )
    return queryset.filter(condition)


def _with_list_relations(queryset: QuerySet[Achievement]) -> QuerySet[Achievement]:
    return queryset.select_related(
        "filing_institution", "region__parent", "technology_field", "industry", "strategic_industry"
    )


def achievement_public_list(
    *, actor, filters: dict | None = None, q: str = "", ordering: str = ""
) -> QuerySet:
    """The public database: published achievements, filtered, searched (ranked) and ordered."""
    queryset = Achievement.objects.published()
    return _filtered(queryset, filters=filters, q=q, ordering=ordering)


def _filtered(queryset, *, filters, q, ordering):
    queryset = apply_filterset(queryset, AchievementFilterSet, filters)
    return _with_list_relations(SEARCHABLE.search(queryset, q=q, ordering=ordering, default="newest"))


def achievement_my_list(*, actor, filters: dict | None = None, q: str = "", ordering: str = "") -> QuerySet:
    """The filings of the institutions the actor works for (any status)."""
    roles = actor_roles(actor)
    queryset = Achievement.objects.of_institutions(roles.member_of | roles.partner_of)
    return _filtered(queryset, filters=filters, q=q, ordering=ordering or "updated")


def achievement_review_queue(
    *, actor, filters: dict | None = None, q: str = "", ordering: str = ""
) -> QuerySet:
    """Filings submitted in the actor's jurisdiction and waiting for a decision, oldest first; not those
    the actor may not decide (separation of duties: their own organisation's, or prepared or submitted
    by them, as ``rules.review_refusal`` says)."""
    roles = actor_roles(actor)
    queryset = Achievement.objects.filter(status=AchievementStatus.SUBMITTED)
    if not roles.is_platform_admin:
        queryset = queryset.in_regions(roles.jurisdiction_prefixes)
    queryset = queryset.exclude(filing_institution_id__in=roles.affiliated_with)
    if actor.pk is not None:
        queryset = queryset.exclude(created_by_id=actor.pk).exclude(submitted_by_id=actor.pk)
    queryset = _filtered(queryset, filters=filters, q=q, ordering=ordering)
    return queryset.order_by("submitted_at", "pk") if not ordering and not q else queryset


def achievement_get(*, pk: int, actor) -> Achievement:
    try:
        return (
            achievement_visible_queryset(actor=actor)
            .select_related(
                "filing_institution__region",
                "region__parent",
                "technology_field",
                "industry",
                "strategic_industry",
                "created_by",
                "reviewed_by",
            )
            .prefetch_related("owners__organisation", "contributors", "ip_assets", "attachments")
            .get(pk=pk)
        )
    except Achievement.DoesNotExist as error:
        raise Http404 from error


@dataclass(frozen=True)
class PossibleDuplicate:
    achievement: Achievement
    reason: str  # "patent" or "title"
    similarity: float
    visible: bool = True  # False: shown without its identity (another institution's pending filing)


def achievement_possible_duplicates(
    *,
    actor,
    title: str,
    patent_numbers: list[str] | None = None,
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[PossibleDuplicate]:
    """Filings (not withdrawn) that share a patent number or have a near-identical title, as ``actor``
    may see them (two queries).

    A filing the actor may see is shown in full. One past the draft stage that the actor may not see
    (another institution's pending filing) is shown without naming it, so the filer learns that the
    patent or title is already filed without reading anything private; other institutions' drafts are
    left out altogether. Pages and API use this one rule.
    """
    found: dict[int, PossibleDuplicate] = {}
    candidates = Achievement.objects.exclude(status=AchievementStatus.WITHDRAWN).select_related(
        "filing_institution"
    )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    numbers = [
        result.number
        for result in (check_patent_number(number) for number in patent_numbers or [])
        if result.is_valid
    ]
    if numbers:
        for achievement in candidates.filter(
            pk__in=IPAsset.objects.filter(kind__in=PATENT_KINDS, number__in=numbers).values("achievement_id")
        )[:limit]:
            found[achievement.pk] = PossibleDuplicate(achievement, "patent", 1.0)
    nearest = search.ranked_search(candidates, q=title, weights=None, with_coverage=False)
    for achievement in nearest.order_by("-rank", "pk")[:20]:
        similarity = policies.title_similarity(title, achievement.title)
        if similarity >= settings.DUPLICATE_TITLE_SIMILARITY and achievement.pk not in found:
            found[achievement.pk] = PossibleDuplicate(achievement, "title", round(similarity, 2))
    shown = []
    for duplicate in found.values():
        if actor.has_perm("achievements.view_achievement", duplicate.achievement):
            shown.append(duplicate)
        elif duplicate.achievement.status != AchievementStatus.DRAFT:
            shown.append(replace(duplicate, visible=False))
    return shown[:limit]
