"""Supply–demand matching (供需匹配): loading both sides, refreshing one record, the chunked recompute,
storing matches, announcing strong ones once, and feedback.

Who is matched: demands that are published and still open; listings in publicity or listed; published
achievements with no listing on the market (a listed achievement is offered through its listing).

How rows are kept (``market.models.Match``): a pair is stored once, with ``demand_rank`` when the offer
is among the demand's best ``MARKET_MATCH_TOP`` and ``listing_rank`` when the demand is among the
listing's best. A record's refresh replaces its own rows and re-ranks the other records it entered
or left; the recompute replaces each chunk's rows in one transaction. Both are idempotent: rows are
upserted on the pair's unique key and a rerun computes the same values, so it leaves the same rows.
"""

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from achievements.choices import AchievementStatus
from achievements.models import Achievement
from core.text import segmentation
from institutions.choices import MembershipRole
from institutions.models import Membership
from institutions.roles import actor_roles
from market import matching_engine as engine
from market.choices import ListingStatus, MatchSide, MatchVerdict
from market.models import Demand, Listing, Match, MatchFeedback
from market.policies import matching as policy
from market.services import common

ZONES_FILE = Path(__file__).resolve().parent.parent / "data" / "demonstration_zones.json"
LIVE_LISTING_STATUSES = (ListingStatus.PUBLICITY, ListingStatus.ACTIVE)


def parameters() -> engine.Parameters:
    return engine.Parameters(
        weights={**policy.DEFAULT_WEIGHTS, **settings.MARKET_MATCH_WEIGHTS},
        fit_share=settings.MARKET_MATCH_FIT_SHARE,
        text_saturation=settings.MARKET_MATCH_TEXT_SATURATION,
        top=settings.MARKET_MATCH_TOP,
        query_terms=settings.MARKET_MATCH_QUERY_TERMS,
        minimum_text=settings.MARKET_MATCH_MIN_TEXT,
        minimum_total=settings.MARKET_MATCH_MIN_SCORE,
        freshness_half_life_days=settings.MARKET_MATCH_FRESHNESS_HALF_LIFE_DAYS,
    )


# --- the records on each side -------------------------------------------------------------------------


@cache
def zone_bits() -> dict[str, int]:
    """Region code prefix (a city's four digits or a county's six) → the bit of its zone."""
    zones = json.loads(ZONES_FILE.read_text(encoding="utf-8"))["zones"]
    bits: dict[str, int] = defaultdict(int)
    for index, zone in enumerate(zones):
        for code in zone["regions"]:
            bits[code[:4] if code.endswith("00") else code] |= 1 << index
    return dict(bits)


def zones_of(region_code: str | None) -> int:
    if not region_code:
        return 0
    bits = zone_bits()
    return bits.get(region_code[:4], 0) | bits.get(region_code, 0)


def _day(moment) -> float:
    return moment.timestamp() / 86400 if moment else 0.0


def today() -> float:
    """Today as a whole day number: freshness ages count from the start of the day, so every
    recompute on one day gives the same scores (a moment's clock would move them by the minute)."""
    return float(int(_day(timezone.now())))


def _city(code: str | None) -> int:
    return int(code[:4] + "00") if code else 0


def open_demands():
    return Demand.objects.open()


def live_listings():
    return Listing.objects.filter(status__in=LIVE_LISTING_STATUSES)


def unlisted_achievements():
    listed = Listing.objects.filter(
        status__in=(*LIVE_LISTING_STATUSES, ListingStatus.IN_DEAL), achievement_id__isnull=False
    ).values("achievement_id")
    return Achievement.objects.filter(status=AchievementStatus.PUBLISHED).exclude(pk__in=listed)


def demand_terms(demand: Demand) -> str:
    return segmentation.match_terms(
        title=demand.title, keywords=demand.keywords, texts=(demand.problem, demand.expected_outcome)
    )


def offer_terms(offer) -> str:
    return segmentation.match_terms(title=offer.title, keywords=offer.keywords, texts=(offer.summary,))


def terms_fill_missing(*, everything: bool = False) -> int:
    """Computes the words of records that have none yet (saved before matching existed) or, with
    ``everything``, of every record in the market (after the dictionary or synonyms changed); returns
    how many were written. Runs before a recompute."""
    filled = 0
    for queryset, compute in (
        (open_demands(), demand_terms),
        (live_listings(), offer_terms),
        (unlisted_achievements(), offer_terms),
    ):
        pending = queryset if everything else queryset.filter(match_terms="")
        pks = list(pending.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), 500):
            batch = list(queryset.filter(pk__in=pks[start : start + 500]))
            for record in batch:
                record.match_terms = compute(record) or "-"
            type(batch[0]).objects.bulk_update(batch, ["match_terms"])
            filled += len(batch)
    return filled


def _demand_records(queryset) -> list[dict]:
    rows = queryset.order_by("pk").values_list(
        "pk",
        "match_terms",
        "technology_field_id",
        "industry_id",
        "required_trl",
        "budget_max",
        "cooperation_mode",
        "region__code",
        "published_at",
    )
    return [
        {
            "key": pk,
            "kind": engine.DEMAND,
            "terms": terms,
            "field": field or 0,
            "industry": industry or 0,
            "trl": trl or 0,
            "price_high": budget,
            "modes": policy.MODE_BITS.get(mode, 0),
            "region": int(region),
            "zones": zones_of(region),
            "day": _day(published),
        }
        for pk, terms, field, industry, trl, budget, mode, region, published in rows
    ]


def _listing_records(queryset) -> list[dict]:
    rows = queryset.order_by("pk").values_list(
        "pk",
        "match_terms",
        "technology_field_id",
        "achievement__industry_id",
        "trl",
        "price",
        "price_max",
        "transaction_mode",
        "region__code",
        "institution__parent__region__code",
        "published_at",
    )
    return [
        {
            "key": pk,
            "kind": engine.LISTING,
            "terms": terms,
            "field": field or 0,
            "industry": industry or 0,
            "trl": trl or 0,
            "price_low": price,
            "price_high": price_max if price_max is not None else price,
            "modes": policy.MODE_BITS.get(mode, 0),
            "region": int(region),
            "zones": zones_of(region),
            "linked_city": _city(parent_region),
            "day": _day(published),
        }
        for pk, terms, field, industry, trl, price, price_max, mode, region, parent_region, published in rows
    ]


def _achievement_records(queryset) -> list[dict]:
    rows = queryset.order_by("pk").values_list(
        "pk",
        "match_terms",
        "technology_field_id",
        "industry_id",
        "trl",
        "indicative_price",
        "cooperation_modes",
        "region__code",
        "filing_institution__parent__region__code",
        "published_at",
    )
    return [
        {
            "key": pk,
            "kind": engine.ACHIEVEMENT,
            "terms": terms,
            "field": field or 0,
            "industry": industry or 0,
            "trl": trl or 0,
            "price_low": price,
            "price_high": price,
            "modes": policy.mode_bits(modes),
            "region": int(region) if region else 0,
            "zones": zones_of(region),
            "linked_city": _city(parent_region),
            "day": _day(published),
        }
        for pk, terms, field, industry, trl, price, modes, region, parent_region, published in rows
    ]


# --- the corpus, kept per process and patched as records change ---------------------------------------

# A side cached longer than this is loaded again whole, whatever its fingerprint says (a record can
# leave and another enter without changing the count, the newest change or the newest id).
CACHE_MAX_AGE_SECONDS = 3600
# When more than this share of a side changed, loading it whole is quicker than patching.
PATCH_MAX_SHARE = 0.2


def _fingerprint(queryset) -> tuple:
    values = queryset.aggregate(count=Count("pk"), newest=Max("updated_at"), last=Max("pk"))
    return (values["count"], values["newest"], values["last"])


@dataclass
class _Side:
    fingerprint: tuple
    items: engine.Items
    loaded_at: float


_lock = threading.Lock()
_cached: dict = {}


def corpus_clear() -> None:
    with _lock:
        _cached.clear()


def _side_current(name: str, queryset, records) -> tuple[tuple, engine.Items]:
    """One side's records (sorted by id, as a fresh load has them). A side that changed since it was
    cached is patched: the records changed since (or new to it) are loaded and those gone dropped,
    so that publishing one listing does not reload a hundred thousand."""
    fingerprint = _fingerprint(queryset)
    cached: _Side | None = _cached.get(name)
    now = time.monotonic()
    if cached is not None and now - cached.loaded_at > CACHE_MAX_AGE_SECONDS:
        cached = None
    if cached is not None and cached.fingerprint == fingerprint:
        return fingerprint, cached.items
    items = _side_patched(cached, fingerprint, queryset, records) if cached is not None else None
    if items is None:
        items = engine.Items.from_records(records(queryset))
        loaded_at = now
    else:
        loaded_at = cached.loaded_at
    _cached[name] = _Side(fingerprint=fingerprint, items=items, loaded_at=loaded_at)
    return fingerprint, items


def _side_patched(cached: _Side, fingerprint: tuple, queryset, records) -> engine.Items | None:
    """``cached`` brought up to date, or None when too much changed to patch."""
    present = np.fromiter(queryset.values_list("pk", flat=True), dtype=np.int64)
    newcomers = np.setdiff1d(present, cached.items.keys)
    newest = cached.fingerprint[1]
    if len(newcomers) > PATCH_MAX_SHARE * max(len(present), 1):
        return None
    changed = Q(pk__in=newcomers.tolist())
    if newest is not None:
        changed |= Q(updated_at__gte=newest)
    loaded = records(queryset.filter(changed))
    if len(loaded) > PATCH_MAX_SHARE * max(len(present), 1):
        return None
    reloaded = np.array([record["key"] for record in loaded], dtype=np.int64)
    keep = np.isin(cached.items.keys, present) & ~np.isin(cached.items.keys, reloaded)
    patched = engine.Items.concat(
        [cached.items.take(np.flatnonzero(keep)), engine.Items.from_records(loaded)]
    )
    return patched.take(np.argsort(patched.keys, kind="stable"))


def corpus_current() -> engine.Corpus:
    """Both sides as the engine needs them, kept per process: a side is loaded once, then patched
    when it changes (its count, newest change or newest id differ), so a worker refreshing record
    after record loads the market once; the weights (one idf over both sides) are recomputed when
    either side changed."""
    the_parameters = parameters()
    with _lock:
        demand_key, demands = _side_current("demands", open_demands(), _demand_records)
        listing_key, listings = _side_current("listings", live_listings(), _listing_records)
        achievement_key, achievements = _side_current(
            "achievements", unlisted_achievements(), _achievement_records
        )
        offer_key = (listing_key, achievement_key)
        if _cached.get("offer_key") != offer_key:
            _cached["offers"] = engine.Items.concat([listings, achievements])
            _cached["offer_key"] = offer_key
        corpus_key = (demand_key, offer_key, the_parameters)
        if _cached.get("corpus_key") != corpus_key:
            _cached["corpus"] = engine.Corpus(demands, _cached["offers"], the_parameters)
            _cached["corpus_key"] = corpus_key
        return _cached["corpus"]


def _row_of(items: engine.Items, key: int, kind: int) -> int | None:
    matches = np.flatnonzero((items.keys == key) & (items.kinds == kind))
    return int(matches[0]) if len(matches) else None


# --- storing ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairRow:
    demand_id: int
    listing_id: int | None
    achievement_id: int | None
    score: float
    factors: tuple[float, ...]  # as policy.FACTORS
    matched_terms: list[str]


def _pairs(
    corpus: engine.Corpus, ranking: engine.Ranking, *, asking_is_demand: bool, with_terms: bool = True
) -> list[PairRow]:
    """One row per ranked pair; without ``with_terms`` the matched terms are left empty, for
    ``_with_terms`` to fill in for the pairs kept."""
    # Columns become Python lists once (``tolist``), not numpy scalars pair by pair: a recompute
    # makes millions of these rows.
    demand_rows = (ranking.asking if asking_is_demand else ranking.found).tolist()
    offer_rows = (ranking.found if asking_is_demand else ranking.asking).tolist()
    demand_ids = corpus.demands.keys[demand_rows].tolist()
    offer_keys = corpus.offers.keys[offer_rows].tolist()
    is_listings = (corpus.offers.kinds[offer_rows] == engine.LISTING).tolist()
    if with_terms:
        shared_terms = corpus.shared_terms_of_pairs(demand_rows, offer_rows)
    else:
        shared_terms = [[] for _row in demand_rows]
    # Rounded here, once for all pairs, so that every path writes the same values.
    totals = np.round(ranking.totals, 4).tolist()
    factors = [tuple(row) for row in np.round(ranking.factors, 4).tolist()]
    return [
        PairRow(
            demand_id=demand_id,
            listing_id=offer_key if is_listing else None,
            achievement_id=None if is_listing else offer_key,
            score=total,
            factors=pair_factors,
            matched_terms=terms,
        )
        for demand_id, offer_key, is_listing, total, pair_factors, terms in zip(
            demand_ids, offer_keys, is_listings, totals, factors, shared_terms, strict=True
        )
    ]


# The rows go over as one array per column and are upserted in one statement: bulk_create would
# build (and psycopg parse) a statement of nine parameters per row, which cost more than the
# database's work. The arrays travel as array literals made here (``_literal``): psycopg's list
# adaptation, value by value in Python, cost more than the statement. Words never hold spaces (they
# come from ``str.split``), so a row's words travel as one string; the explicit cast to
# varchar(40)[] is the one bulk_create makes. A row whose values did not change is not rewritten
# (most of them, night after night).
_FACTOR_COLUMNS = ", ".join(f"factor_{name}" for name in policy.FACTORS)
_UPSERT_SQL = (
    """
    INSERT INTO market_match AS m (demand_id, listing_id, achievement_id, score, factors, matched_terms,
                                   demand_rank, listing_rank, found_at)
    SELECT demand, listing, achievement, score, jsonb_build_object({factors_json}),
           string_to_array(terms, ' ')::varchar(40)[], demand_rank, listing_rank, %s
    FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::float8[], %s::text[], %s::smallint[],
                %s::smallint[], {factor_arrays})
        WITH ORDINALITY AS pair (demand, listing, achievement, score, terms, demand_rank, listing_rank,
                                 {factor_columns}, position)
    ORDER BY position
    ON CONFLICT (demand_id, listing_id, achievement_id) DO UPDATE SET {{updates}}
    WHERE ({{current}}) IS DISTINCT FROM ({{updated}})
"""
).format(
    factors_json=", ".join(f"'{name}', factor_{name}" for name in policy.FACTORS),
    factor_arrays=", ".join("%s::float8[]" for _name in policy.FACTORS),
    factor_columns=_FACTOR_COLUMNS,
)


def _literal(values) -> str:
    """A PostgreSQL array literal of numbers (None: NULL)."""
    return "{" + ",".join("NULL" if value is None else str(value) for value in values) + "}"


def _text_literal(values: list[str]) -> str:
    """A PostgreSQL array literal of strings, each quoted."""
    return (
        "{" + ",".join('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values) + "}"
    )


def _with_terms(
    corpus: engine.Corpus,
    ranking: engine.Ranking,
    pairs: list[PairRow],
    kept: dict,
    *,
    asking_is_demand: bool,
) -> dict:
    """``kept`` (key → pair, from ``pairs`` made without terms) with the matched terms filled in. A
    refresh weighs thousands of pairs and keeps a few dozen, so only those get their terms."""
    demand_rows = (ranking.asking if asking_is_demand else ranking.found).tolist()
    offer_rows = (ranking.found if asking_is_demand else ranking.asking).tolist()
    rows = {
        _key(pair): (demand_row, offer_row)
        for pair, demand_row, offer_row in zip(pairs, demand_rows, offer_rows, strict=True)
    }
    return {
        key: replace(
            pair,
            matched_terms=corpus.shared_terms(
                corpus.demands.terms[rows[key][0]], corpus.offers.terms[rows[key][1]]
            ),
        )
        for key, pair in kept.items()
    }


def _upsert(pairs: list[PairRow], *, demand_ranks: dict, listing_ranks: dict, rank_fields: list[str]) -> None:
    """Inserts the pairs' rows, or updates them where a value changed."""
    if not pairs:
        return
    fields = ("score", "factors", "matched_terms", *rank_fields)
    keys = [_key(pair) for pair in pairs]
    columns = list(zip(*(pair.factors for pair in pairs), strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT_SQL.format(
                updates=", ".join(f"{name} = EXCLUDED.{name}" for name in fields),
                current=", ".join(f"m.{name}" for name in fields),
                updated=", ".join(f"EXCLUDED.{name}" for name in fields),
            ),
            [
                timezone.now(),
                _literal(pair.demand_id for pair in pairs),
                _literal(pair.listing_id for pair in pairs),
                _literal(pair.achievement_id for pair in pairs),
                _literal(pair.score for pair in pairs),
                _text_literal([" ".join(pair.matched_terms) for pair in pairs]),
                _literal(demand_ranks.get(key) for key in keys),
                _literal(listing_ranks.get(key) for key in keys),
                *(_literal(column) for column in columns),
            ],
        )


def _key(pair) -> tuple:
    return (pair.demand_id, pair.listing_id, pair.achievement_id)


def _ranks(pairs: list[PairRow], group) -> dict:
    """Place of each pair within its group (pairs arrive best first within a group)."""
    places: dict = {}
    seen: dict = defaultdict(int)
    for pair in pairs:
        seen[group(pair)] += 1
        places[_key(pair)] = seen[group(pair)]
    return places


_RERANK_SQL = """
    WITH ranked AS (
        SELECT id, row_number() OVER (PARTITION BY {column} ORDER BY score DESC, id) AS place
        FROM market_match WHERE {column} = ANY(%s) AND {rank} IS NOT NULL
    )
    UPDATE market_match AS m
    SET {rank} = CASE WHEN ranked.place <= %s THEN ranked.place END
    FROM ranked WHERE m.id = ranked.id AND m.{rank} IS DISTINCT FROM
        (CASE WHEN ranked.place <= %s THEN ranked.place END)
"""


def _rerank(*, column: str, rank: str, ids: list[int], top: int) -> None:
    """Renumbers the ranks on one side for these records (after a pair entered or left their lists),
    dropping what fell below the top."""
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(_RERANK_SQL.format(column=column, rank=rank), [ids, top, top])


def _drop_unranked(condition: Q) -> None:
    Match.objects.filter(condition, demand_rank__isnull=True, listing_rank__isnull=True).delete()


# --- refreshing one record ----------------------------------------------------------------------------


def _entering(pairs: list[PairRow], *, group_field: str, excluding: Q, top: int) -> list[PairRow]:
    """The pairs that earn a place in the other side's lists: the record has fewer than ``top``
    matches, or this pair beats its weakest."""
    groups = {getattr(pair, f"{group_field}_id") for pair in pairs}
    if not groups:
        return []
    rank = "listing_rank" if group_field == "listing" else "demand_rank"
    standing = {
        row[group_field]: (row["count"], row["weakest"])
        for row in Match.objects.filter(**{f"{group_field}_id__in": groups, f"{rank}__isnull": False})
        .exclude(excluding)
        .values(group_field)
        .annotate(count=Count("pk"), weakest=Min("score"))
    }
    entering = []
    for pair in pairs:
        count, weakest = standing.get(getattr(pair, f"{group_field}_id"), (0, 0.0))
        if count < top or pair.score > weakest:
            entering.append(pair)
    return entering


@transaction.atomic
def demand_match(*, demand_pk: int) -> int:
    """Recomputes one demand's matches: its best offers, and its place in each listing's list.
    A demand no longer open loses its matches. Returns how many matches the demand now has."""
    demand = Demand.objects.filter(pk=demand_pk).first()
    corpus = corpus_current() if demand is not None else None
    row = _row_of(corpus.demands, demand_pk, engine.DEMAND) if corpus is not None else None
    before = set(
        Match.objects.filter(demand_id=demand_pk, listing_rank__isnull=False).values_list(
            "listing_id", flat=True
        )
    )
    if row is None:
        Match.objects.filter(demand_id=demand_pk).delete()
        _rerank(column="listing_id", rank="listing_rank", ids=sorted(before), top=settings.MARKET_MATCH_TOP)
        return 0
    top = corpus.parameters.top
    ranking = corpus.offers_for([row], today=today(), keep=0)
    pairs = _pairs(corpus, ranking, asking_is_demand=True, with_terms=False)
    best = pairs[:top]
    entering = _entering(
        [pair for pair in pairs if pair.listing_id],
        group_field="listing",
        excluding=Q(demand_id=demand_pk),
        top=top,
    )
    kept = {_key(pair): pair for pair in [*best, *entering]}
    kept = _with_terms(corpus, ranking, pairs, kept, asking_is_demand=True)
    best = [kept[_key(pair)] for pair in best]
    Match.objects.filter(demand_id=demand_pk).exclude(
        pk__in=_existing_ids(demand_pk=demand_pk, keys=kept)
    ).delete()
    _upsert(
        list(kept.values()),
        demand_ranks=_ranks(best, lambda pair: pair.demand_id),
        listing_ranks={_key(pair): top for pair in entering},
        rank_fields=["demand_rank", "listing_rank"],
    )
    affected = sorted(before | {pair.listing_id for pair in entering})
    _rerank(column="listing_id", rank="listing_rank", ids=affected, top=top)
    _drop_unranked(Q(demand_id=demand_pk) | Q(listing_id__in=affected))
    match_notices_record(list(kept.values()))  # sent by the task, after this commits
    return len(best)


@transaction.atomic
def listing_match(*, listing_pk: int) -> int:
    """Recomputes one listing's matches: its best demands, and its place in each demand's list. A
    listing no longer on the market loses its matches. Returns how many matches it now has."""
    listing = Listing.objects.filter(pk=listing_pk).first()
    corpus = corpus_current() if listing is not None else None
    row = _row_of(corpus.offers, listing_pk, engine.LISTING) if corpus is not None else None
    before = set(
        Match.objects.filter(listing_id=listing_pk, demand_rank__isnull=False).values_list(
            "demand_id", flat=True
        )
    )
    if row is None:
        Match.objects.filter(listing_id=listing_pk).delete()
        _rerank(column="demand_id", rank="demand_rank", ids=sorted(before), top=settings.MARKET_MATCH_TOP)
        return 0
    top = corpus.parameters.top
    ranking = corpus.demands_for([row], today=today(), keep=0)
    pairs = _pairs(corpus, ranking, asking_is_demand=False, with_terms=False)
    best = pairs[:top]
    entering = _entering(pairs, group_field="demand", excluding=Q(listing_id=listing_pk), top=top)
    kept = {_key(pair): pair for pair in [*best, *entering]}
    kept = _with_terms(corpus, ranking, pairs, kept, asking_is_demand=False)
    best = [kept[_key(pair)] for pair in best]
    Match.objects.filter(listing_id=listing_pk).exclude(
        pk__in=_existing_ids(listing_pk=listing_pk, keys=kept)
    ).delete()
    _upsert(
        list(kept.values()),
        demand_ranks={_key(pair): top for pair in entering},
        listing_ranks=_ranks(best, lambda pair: pair.listing_id),
        rank_fields=["demand_rank", "listing_rank"],
    )
    affected = sorted(before | {pair.demand_id for pair in entering})
    _rerank(column="demand_id", rank="demand_rank", ids=affected, top=top)
    _drop_unranked(Q(listing_id=listing_pk) | Q(demand_id__in=affected))
    match_notices_record(list(kept.values()))  # sent by the task, after this commits
    return len(best)


def _existing_ids(*, keys: dict, demand_pk: int | None = None, listing_pk: int | None = None) -> list[int]:
    queryset = (
        Match.objects.filter(demand_id=demand_pk)
        if demand_pk
        else Match.objects.filter(listing_id=listing_pk)
    )
    return [
        pk
        for pk, *key in queryset.values_list("pk", "demand_id", "listing_id", "achievement_id")
        if tuple(key) in keys
    ]


# --- the full recompute -------------------------------------------------------------------------------


def match_recompute_plan(
    *, chunk_size: int | None = None, refresh_words: bool = False
) -> list[tuple[str, list[int]]]:
    """Fills missing words (all words, with ``refresh_words``), deletes the matches of records that left the market, and splits the rest
    into chunks: ("demands", pks) rank offers for demands, ("listings", pks) rank demands for listings."""
    terms_fill_missing(everything=refresh_words)
    Match.objects.exclude(demand_id__in=open_demands().values("pk")).delete()
    Match.objects.filter(listing_id__isnull=False).exclude(
        listing_id__in=live_listings().values("pk")
    ).delete()
    Match.objects.filter(achievement_id__isnull=False).exclude(
        achievement_id__in=unlisted_achievements().values("pk")
    ).delete()
    size = chunk_size or settings.MARKET_MATCH_CHUNK_SIZE
    chunks = []
    for side, queryset in (("demands", open_demands()), ("listings", live_listings())):
        pks = list(queryset.order_by("pk").values_list("pk", flat=True))
        chunks.extend((side, pks[start : start + size]) for start in range(0, len(pks), size))
    return chunks


# The chunk's pairs are matched by key with coalesce (the empty offer column as 0), which the planner
# can hash, rather than IS NOT DISTINCT FROM, which it cannot.
_CLEAR_RANKS_SQL = """
    UPDATE market_match AS m SET {rank} = NULL
    WHERE m.{column} = ANY(%s) AND m.{rank} IS NOT NULL AND NOT EXISTS (
        SELECT FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS kept (demand, listing, achievement)
        WHERE kept.demand = m.demand_id AND coalesce(kept.listing, 0) = coalesce(m.listing_id, 0)
            AND coalesce(kept.achievement, 0) = coalesce(m.achievement_id, 0)
    )
"""


@transaction.atomic
def match_recompute_chunk(*, side: str, pks: list[int]) -> int:
    """Replaces one chunk's ranks on its own side in one transaction (so a worker that dies leaves the
    previous rows, and the redelivered task starts again); returns how many pairs it ranked."""
    corpus = corpus_current()
    asking_is_demand = side == "demands"
    items, kind = (corpus.demands, engine.DEMAND) if asking_is_demand else (corpus.offers, engine.LISTING)
    rows = np.flatnonzero(np.isin(items.keys, pks) & (items.kinds == kind))
    ranking = (corpus.offers_for if asking_is_demand else corpus.demands_for)(rows, today=today())
    pairs = _pairs(corpus, ranking, asking_is_demand=asking_is_demand)
    column, rank = ("demand_id", "demand_rank") if asking_is_demand else ("listing_id", "listing_rank")
    places = _ranks(
        pairs, (lambda pair: pair.demand_id) if asking_is_demand else (lambda pair: pair.listing_id)
    )
    _upsert(
        pairs,
        demand_ranks=places if asking_is_demand else {},
        listing_ranks={} if asking_is_demand else places,
        rank_fields=[rank],
    )
    # The ranks this chunk no longer gives are cleared after the upsert, not all before it: a pair
    # that keeps its place (most of them, night after night) is then not written at all.
    with connection.cursor() as cursor:
        cursor.execute(
            _CLEAR_RANKS_SQL.format(column=column, rank=rank),
            [
                pks,
                _literal(pair.demand_id for pair in pairs),
                _literal(pair.listing_id for pair in pairs),
                _literal(pair.achievement_id for pair in pairs),
            ],
        )
    _drop_unranked(Q(**{f"{column}__in": pks}))
    match_notices_record(pairs)  # sent by match_notices_send_task, one message per record
    return len(pairs)


def match_recompute(*, progress=None, chunk_size: int | None = None, refresh_words: bool = False) -> int:
    """The whole recompute in this process (the command, the embedded default); ``progress(done,
    total)`` is called after each chunk. Returns how many pairs were ranked."""
    chunks = match_recompute_plan(chunk_size=chunk_size, refresh_words=refresh_words)
    ranked = 0
    for done, (side, pks) in enumerate(chunks, start=1):
        ranked += match_recompute_chunk(side=side, pks=pks)
        if progress:
            progress(done, len(chunks))
    match_notices_send()
    return ranked


# --- announcing strong matches once -------------------------------------------------------------------

_NOTICE_SQL = """
    INSERT INTO market_matchnotice (demand_id, listing_id, achievement_id, score, created_at)
    SELECT demand, listing, achievement, score, %s
    FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::float8[]) AS pair (demand, listing, achievement, score)
    ON CONFLICT DO NOTHING
"""


def match_notices_record(pairs: list[PairRow]) -> int:
    """Records each pair at or above ``MARKET_MATCH_NOTIFY_SCORE`` that was never announced (the
    notice's unique key decides, also between concurrent workers); ``match_notices_send`` sends them.
    Returns how many were new."""
    strong = [pair for pair in pairs if pair.score >= settings.MARKET_MATCH_NOTIFY_SCORE]
    if not strong:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            _NOTICE_SQL,
            [
                timezone.now(),
                _literal(pair.demand_id for pair in strong),
                _literal(pair.listing_id for pair in strong),
                _literal(pair.achievement_id for pair in strong),
                _literal(pair.score for pair in strong),
            ],
        )
        return cursor.rowcount


def _url_maker(name: str):
    """``reverse`` of a detail URL once, then filled in per record: a night's notices need thousands."""
    placeholder = 987654321
    pattern = reverse(name, args=[placeholder])
    return lambda pk: pattern.replace(str(placeholder), str(pk))


# (title, body) of the message to a demand's side and to an offer's side: for one strong match, and
# for several (the best named).
_DEMAND_TEXTS = (
    (
        gettext_lazy("A strong match for your demand: %(offer)s"),
        gettext_lazy("Your demand “%(demand)s” matches “%(offer)s” (score %(score)s)."),
    ),
    (
        gettext_lazy("%(count)s strong matches for your demand “%(demand)s”"),
        gettext_lazy("The best is “%(offer)s” (score %(score)s)."),
    ),
)
_OFFER_TEXTS = (
    (
        gettext_lazy("A demand matches your offer: %(demand)s"),
        gettext_lazy("The demand “%(demand)s” matches your “%(offer)s” (score %(score)s)."),
    ),
    (
        gettext_lazy("%(count)s demands match your offer “%(offer)s”"),
        gettext_lazy("The best is “%(demand)s” (score %(score)s)."),
    ),
)


def _message(texts, *, values: dict, recipients: list, url: str):
    """One message for a record's strong matches (``values``: the best one's, and how many)."""
    title, body = texts[0] if values["count"] == 1 else texts[1]
    return common.Message(
        recipients=recipients, verb="match_found", title=title % values, body=body % values, url=url
    )


def _titles_and_owners(model, pks: set, owner_field: str) -> dict:
    return {
        pk: (title, owner)
        for pk, title, owner in model.objects.filter(pk__in=pks).values_list("pk", "title", owner_field)
    }


def _people_to_tell(organisations: set) -> dict:
    """Organisation → its active admins, staff and brokers."""
    people = defaultdict(list)
    for membership in (
        Membership.objects.active()
        .filter(
            organisation_id__in=organisations,
            role__in=(MembershipRole.ADMIN, MembershipRole.STAFF, MembershipRole.BROKER),
            user__is_active=True,
        )
        .select_related("user")
    ):
        people[membership.organisation_id].append(membership.user)
    return people


# The notices a sender claims (skipping those another sender holds), marked sent, and summed up in the
# database: one row per pair that is the best of its demand or of its offer, with how many strong
# matches that record has. A first night finds millions; only the summaries come to Python.
_CLAIM_NOTICES_SQL = """
    WITH claimed AS (
        UPDATE market_matchnotice AS notice SET sent_at = %s
        WHERE notice.id IN (
            SELECT id FROM market_matchnotice WHERE sent_at IS NULL FOR UPDATE SKIP LOCKED
        )
        RETURNING notice.id, notice.demand_id, notice.listing_id, notice.achievement_id, notice.score
    ), placed AS (
        SELECT demand_id, listing_id, achievement_id, score,
               row_number() OVER (PARTITION BY demand_id ORDER BY score DESC, id) AS demand_place,
               count(*) OVER (PARTITION BY demand_id) AS demand_count,
               row_number() OVER (PARTITION BY listing_id, achievement_id ORDER BY score DESC, id)
                   AS offer_place,
               count(*) OVER (PARTITION BY listing_id, achievement_id) AS offer_count
        FROM claimed
    )
    SELECT demand_id, listing_id, achievement_id, score, demand_place = 1, demand_count,
           offer_place = 1, offer_count
    FROM placed WHERE demand_place = 1 OR offer_place = 1
"""
# Messages are written and inserted this many records at a time.
NOTICE_BATCH = 5000


@transaction.atomic
def match_notices_send() -> int:
    """Sends the recorded, unsent strong matches to the members and brokers of both sides: one message
    per demand and one per offer, however many strong matches each has (the first night of a large
    market finds dozens for some records, and each party wants one note, not dozens). Notices another
    worker is sending are skipped. Returns how many notices were sent."""
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_NOTICES_SQL, [timezone.now()])
        best = cursor.fetchall()
    if not best:
        return 0
    demands = _titles_and_owners(Demand, {row[0] for row in best}, "enterprise_id")
    listings = _titles_and_owners(Listing, {row[1] for row in best if row[1]}, "institution_id")
    achievements = _titles_and_owners(
        Achievement, {row[2] for row in best if row[2]}, "filing_institution_id"
    )
    demand_url = _url_maker("market:demand-detail")
    inbox = reverse("market:match-inbox")
    sent = 0
    for start in range(0, len(best), NOTICE_BATCH):
        batch = best[start : start + NOTICE_BATCH]
        offers = {row[1] for row in batch if row[1]}
        people = _people_to_tell(
            {demands[row[0]][1] for row in batch}
            | {(listings[row[1]] if row[1] else achievements[row[2]])[1] for row in batch}
        )
        listing_brokers = defaultdict(list)
        for link in Listing.brokers.through.objects.filter(listing_id__in=offers).select_related("user"):
            listing_brokers[link.listing_id].append(link.user)
        messages = []
        with common.platform_language():
            for (
                demand_id,
                listing_id,
                achievement_id,
                score,
                best_of_demand,
                demand_count,
                best_of_offer,
                offer_count,
            ) in batch:
                demand, enterprise = demands[demand_id]
                offer, owner = listings[listing_id] if listing_id else achievements[achievement_id]
                values = {"demand": demand, "offer": offer, "score": round(score * 100)}
                if best_of_demand:
                    sent += demand_count
                    messages.append(
                        _message(
                            _DEMAND_TEXTS,
                            values={**values, "count": demand_count},
                            recipients=people[enterprise],
                            url=demand_url(demand_id) + "#matches",
                        )
                    )
                if best_of_offer:
                    messages.append(
                        _message(
                            _OFFER_TEXTS,
                            values={**values, "count": offer_count},
                            recipients=[*people[owner], *listing_brokers.get(listing_id, [])],
                            url=inbox,
                        )
                    )
        common.notify_all(messages)
    return sent


# --- feedback -----------------------------------------------------------------------------------------


def match_side_of(*, actor, match: Match) -> str | None:
    """Which side ``actor`` speaks for on this match: their organisation posted the demand (or they
    are its broker), or owns the offer (or they broker the listing). Officials watch; they do not judge."""
    roles = actor_roles(actor)
    organisations = roles.member_of | roles.broker_of
    if match.demand.enterprise_id in organisations:
        return MatchSide.DEMAND
    owner = match.listing.institution_id if match.listing_id else match.achievement.filing_institution_id
    if owner in organisations:
        return MatchSide.OFFER
    if match.listing_id and roles.broker_of and match.listing.brokers.filter(pk=actor.pk).exists():
        return MatchSide.OFFER
    return None


@transaction.atomic
def match_feedback(
    *, actor, match: Match, verdict: str, reason: str = "", comment: str = ""
) -> MatchFeedback:
    """Records (or replaces) the actor's side's verdict on a match. Not relevant needs a reason; the
    pair is then hidden from that side."""
    side = match_side_of(actor=actor, match=match)
    if side is None:
        raise PermissionDenied(_("Only the two parties of a match can give feedback on it."))
    if verdict == MatchVerdict.USEFUL:
        reason = ""
    elif not reason:
        raise ValidationError({"reason": _("Say why the match is not relevant.")})
    # Lock the match so that two first verdicts of one side arriving at once are written one after the
    # other (the second replaces the first) instead of both being inserted.
    Match.objects.select_for_update().filter(pk=match.pk).first()
    key = {
        "demand_id": match.demand_id,
        "listing_id": match.listing_id,
        "achievement_id": match.achievement_id,
    }
    feedback = MatchFeedback.objects.filter(**key, side=side).first()
    feedback = feedback or MatchFeedback(**key, side=side)
    feedback.verdict, feedback.reason, feedback.comment = verdict, reason, comment.strip()
    feedback.score, feedback.factors, feedback.given_by = match.score, match.factors, actor
    feedback.full_clean(validate_constraints=False)
    feedback.save()
    return feedback
