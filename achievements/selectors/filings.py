"""Reads on achievements. Visibility for the actor is applied here once for every page and API call.

Published achievements are public. The filing institution's members (and linked partner systems)
see all their own filings; officials see what has been submitted in their jurisdiction, never
drafts; platform admins see everything.
"""

import operator
from dataclasses import dataclass, replace
from functools import reduce

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.http import Http404

from achievements import policies, segmentation
from achievements.choices import PATENT_KINDS, AchievementStatus
from achievements.filters import AchievementFilterSet
from achievements.identifiers import check_patent_number
from achievements.models import Achievement, IPAsset
from institutions.roles import actor_roles

ORDERINGS = {
    "newest": ("-published_at", "-pk"),
    "oldest": ("published_at", "pk"),
    "title": ("title", "pk"),
    "trl": ("-trl", "-published_at", "-pk"),
    "updated": ("-updated_at", "-pk"),
}


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


def _tsquery(words, joiner: str = " | ") -> SearchQuery:
    # Words come from jieba with punctuation removed; quote them for to_tsquery.
    raw = joiner.join("'" + word.replace("'", "''").replace("\\", "") + "'" for word in words)
    return SearchQuery(raw, search_type="raw", config="simple")


def search_query(text: str) -> SearchQuery | None:
    """A tsquery that matches any word of the query, a synonym or a part of one (ranking sorts them)."""
    terms = segmentation.query_terms(text)
    return _tsquery(terms) if terms else None


def search_coverage(text: str):
    """How much of the query a row covers, added up over the query's words: 1 when the row contains
    the word or a synonym, ¾ when it contains every shorter word inside it (污水 and 处理 of 污水处理),
    ½ when only some (电池 of 锂电池). Rows that cover more of what was asked for rank first;
    ``ts_rank`` then orders the rows that cover as much (title before keywords before summary).
    """
    cases = []
    for term in segmentation.query_plan(text):
        whens = [When(search_vector=_tsquery(term.words), then=Value(1.0))]
        if len(term.parts) > 1:
            whens.append(When(search_vector=_tsquery(term.parts, " & "), then=Value(0.75)))
        if term.parts:
            whens.append(When(search_vector=_tsquery(term.parts), then=Value(0.5)))
        cases.append(Case(*whens, default=Value(0.0), output_field=FloatField()))
    return reduce(operator.add, cases) if cases else Value(0.0, output_field=FloatField())


def achievement_public_list(
    *, actor, filters: dict | None = None, q: str = "", ordering: str = ""
) -> QuerySet:
    """The public database: published achievements, filtered, searched (ranked) and ordered."""
    queryset = Achievement.objects.published()
    return _filtered(queryset, filters=filters, q=q, ordering=ordering)


def _filtered(queryset, *, filters, q, ordering):
    if filters is not None:
        filterset = AchievementFilterSet(filters, queryset=queryset)
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
    query = search_query(q) if q else None
    if query is not None:
        queryset = queryset.filter(search_vector=query).annotate(
            coverage=search_coverage(q),
            rank=SearchRank(F("search_vector"), query, weights=[0.1, 0.3, 0.6, 1.0]),
        )
        order = (
            ("-coverage", "-rank", "-published_at", "-pk")
            if not ordering
            else ORDERINGS.get(ordering, ORDERINGS["newest"])
        )
    elif q:
        return queryset.none()
    else:
        order = ORDERINGS.get(ordering, ORDERINGS["newest"])
    return _with_list_relations(queryset).order_by(*order)


def achievement_my_list(*, actor, filters: dict | None = None, q: str = "", ordering: str = "") -> QuerySet:
    """The filings of the institutions the actor works for (any status)."""
    roles = actor_roles(actor)
    queryset = Achievement.objects.of_institutions(roles.member_of | roles.partner_of)
    return _filtered(queryset, filters=filters, q=q, ordering=ordering or "updated")


def achievement_review_queue(
    *, actor, filters: dict | None = None, q: str = "", ordering: str = ""
) -> QuerySet:
    """Filings submitted in the actor's jurisdiction and waiting for a decision, oldest first."""
    roles = actor_roles(actor)
    queryset = Achievement.objects.filter(status=AchievementStatus.SUBMITTED)
    if not roles.is_platform_admin:
        queryset = queryset.in_regions(roles.jurisdiction_prefixes)
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
    query = search_query(title)
    if query is not None:
        nearest = (
            candidates.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "pk")[:20]
        )
        for achievement in nearest:
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
