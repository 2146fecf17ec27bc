"""Chinese full-text search: the weighted search vector a record stores and the ranked search every
searchable list runs over it.

A record's ``search_vector`` holds its jieba-segmented title (weight A), keywords (B) and longer text
(C) in a ``simple`` tsvector (``search_vector``). A search finds the rows that contain any word of the
query, a synonym or a part of one, and puts first the rows that cover most of what was asked for, then
those where the words stand in the title rather than the keywords or the text (``ranked_search``).
Each searchable list names its orderings once (``SearchableList``) and is searched through it.
"""

import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import CombinedSearchVector, SearchQuery, SearchRank, SearchVector
from django.db.models import Case, F, FloatField, QuerySet, Value, When

from core.text import segmentation

# ts_rank's weights of D, C, B and A: a word in the title counts most, one in the longer text least.
RANK_WEIGHTS = (0.1, 0.3, 0.6, 1.0)
# Searched rows when the user chose no ordering: most of the query covered first, then highest rank.
BEST_MATCH_FIRST = ("-coverage", "-rank")


def search_vector(*, title: str, keywords: Iterable[str] = (), text: str = "") -> CombinedSearchVector:
    """The search vector a record stores: its segmented title (A), keywords (B) and text (C)."""
    return (
        SearchVector(Value(segmentation.segmented(title)), weight="A", config="simple")
        + SearchVector(Value(segmentation.segmented(" ".join(keywords))), weight="B", config="simple")
        + SearchVector(Value(segmentation.segmented(text)), weight="C", config="simple")
    )


def _tsquery(words: Iterable[str], joiner: str = " | ") -> SearchQuery:
    # Words come from jieba with punctuation removed; quote them for to_tsquery.
    raw = joiner.join("'" + word.replace("'", "''").replace("\\", "") + "'" for word in words)
    return SearchQuery(raw, search_type="raw", config="simple")


def search_query(text: str) -> SearchQuery | None:
    """A tsquery that matches any word of the query, a synonym or a part of one (ranking sorts them);
    None when the query has no meaningful word (only stop words or punctuation)."""
    terms = segmentation.query_terms(text)
    return _tsquery(terms) if terms else None


def search_coverage(text: str):
    """How much of the query a row covers, added up over the query's words: 1 when the row contains
    the word or a synonym, ¾ when it contains every shorter word inside it (污水 and 处理 of 污水处理),
    ½ when only some (电池 of 锂电池). Rows that cover more of what was asked for rank first;
    ``ts_rank`` then orders the rows that cover as much (title before keywords before text).
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


def ranked_search(
    queryset: QuerySet,
    *,
    q: str,
    weights: Sequence[float] | None = RANK_WEIGHTS,
    with_coverage: bool = True,
) -> QuerySet:
    """The rows of ``queryset`` (a model with a ``search_vector``) that match the search ``q``,
    annotated with ``rank`` (``ts_rank`` with ``weights``; None: PostgreSQL's own) and, unless told
    otherwise, ``coverage`` (``search_coverage``); no rows when ``q`` has no meaningful word.
    Unordered: order by ``BEST_MATCH_FIRST`` for best match first."""
    query = search_query(q)
    annotations = {"coverage": search_coverage(q)} if with_coverage else {}
    if query is None:
        # No rows, annotated all the same so that the caller's ordering by rank or coverage holds.
        return queryset.none().annotate(**annotations, rank=Value(0.0, output_field=FloatField()))
    annotations["rank"] = SearchRank(F("search_vector"), query, weights=list(weights) if weights else None)
    return queryset.filter(search_vector=query).annotate(**annotations)


@dataclass(frozen=True)
class SearchableList:
    """How a searchable list orders its rows: the orderings a user may choose by name, and how rows
    that match a search equally well follow each other when the user chose none."""

    orderings: Mapping[str, Sequence]
    best_match_ties: Sequence

    def search(self, queryset: QuerySet, *, q: str, ordering: str, default: str) -> QuerySet:
        """The list searched and ordered as every list of the platform is.

        Without a search (a blank ``q``), every row in the chosen ``ordering`` (the ``default`` one
        when the name is unknown or empty). With one, the matching rows (``ranked_search``) in the
        chosen ordering, or best match first when the user chose none.
        """
        chosen = self.orderings.get(ordering, self.orderings[default])
        if not q.strip():
            return queryset.order_by(*chosen)
        found = ranked_search(queryset, q=q)
        return found.order_by(*(chosen if ordering else (*BEST_MATCH_FIRST, *self.best_match_ties)))
