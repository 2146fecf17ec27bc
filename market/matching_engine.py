"""The matching engine: ranks offers for demands and demands for listings, on sparse matrices.

No database here: the services load ``Items`` (one side's records as arrays) and hand them over, and
the evaluation and the benchmark do the same with their own data.

Text relevance is a BM25-weighted cosine: every record's words (``segmentation.match_terms``: jieba with
the domain dictionary, synonyms folded, title and keywords counted twice) are hashed into a sparse
term-count row (scikit-learn's ``HashingVectorizer``, so that no vocabulary has to be fitted or kept in
step with new words), each count is saturated as in BM25 (k1, b) and weighted by the inverse document
frequency over both sides, and rows are normalised. The cosine of two rows is then one sparse product,
the same whichever side asks. Words found in more than ``max_document_share`` of all records carry no
weight: they say nothing about a match and would make the product dense.

For each asking record the engine keeps the ``pool`` offers (or demands) with the best text relevance
above ``minimum_text``, scores every factor of those pairs at once (``market.policies.matching``), and
returns the ``top`` best by total.
"""

from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from functools import cached_property

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

from market.policies import matching as policy

N_FEATURES = 1 << 20
DEMAND, LISTING, ACHIEVEMENT = 0, 1, 2

_vectorizer = HashingVectorizer(
    n_features=N_FEATURES, analyzer=str.split, alternate_sign=False, norm=None, dtype=np.float32
)


def term_index(term: str) -> int:
    """The column of ``term`` in the hashed matrices (as ``HashingVectorizer`` computes it)."""
    return abs(murmurhash3_32(term, seed=0)) % N_FEATURES


@dataclass(frozen=True)
class Parameters:
    weights: dict[str, float] = field(default_factory=lambda: dict(policy.DEFAULT_WEIGHTS))
    top: int = 20
    pool: int = 300
    fit_share: float = policy.DEFAULT_FIT_SHARE
    text_saturation: float = policy.DEFAULT_TEXT_SATURATION
    minimum_text: float = 0.03
    minimum_total: float = 0.0
    # Candidates are found with each asking record's strongest words only (0: all); their relevance is
    # then computed on all words, so scores stay exact and the same from both sides.
    query_terms: int = 30
    max_document_share: float = 0.25
    freshness_half_life_days: float = 180.0
    k1: float = 1.2
    b: float = 0.75


@dataclass
class Items:
    """One side's records as parallel arrays. For demands ``price_low`` / ``price_high`` hold the budget
    and ``modes`` one bit; for offers the price (lowest, highest) and every mode they accept.
    Unknown numbers are 0, unknown money NaN. ``day`` is the publication day (days since 1970)."""

    keys: np.ndarray
    kinds: np.ndarray
    terms: list[str]
    fields: np.ndarray
    industries: np.ndarray
    trl: np.ndarray
    price_low: np.ndarray
    price_high: np.ndarray
    modes: np.ndarray
    regions: np.ndarray
    zones: np.ndarray
    linked_cities: np.ndarray
    day: np.ndarray

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def from_records(cls, records: list[dict]) -> "Items":
        """Builds the arrays from one dict per record (keys as the attributes, singular ``term``
        strings under ``terms``)."""

        def column(name, dtype, default=0):
            return np.array([record.get(name, default) for record in records], dtype=dtype)

        def money(name):
            return np.array(
                [np.nan if record.get(name) is None else float(record[name]) for record in records],
                dtype=float,
            )

        return cls(
            keys=column("key", np.int64),
            kinds=column("kind", np.int8),
            terms=[record.get("terms", "") for record in records],
            fields=column("field", np.int64),
            industries=column("industry", np.int64),
            trl=column("trl", np.int64),
            price_low=money("price_low"),
            price_high=money("price_high"),
            modes=column("modes", np.int64),
            regions=column("region", np.int64),
            zones=column("zones", np.int64),
            linked_cities=column("linked_city", np.int64),
            day=column("day", float),
        )

    def take(self, rows: np.ndarray) -> "Items":
        """These rows only, in this order (with their term counts, if counted)."""
        taken = Items(
            **{
                name: [value[row] for row in rows.tolist()] if name == "terms" else value[rows]
                for name, value in self._columns()
            }
        )
        if "counts" in self.__dict__:
            taken.__dict__["counts"] = self.counts[rows]
        return taken

    @classmethod
    def concat(cls, parts: list["Items"]) -> "Items":
        """The rows of every part, one after another."""
        if len(parts) == 1:
            return parts[0]
        joined = cls(
            **{
                name: [terms for part in parts for terms in part.terms]
                if name == "terms"
                else np.concatenate([getattr(part, name) for part in parts])
                for name, _value in parts[0]._columns()
            }
        )
        joined.__dict__["counts"] = sparse.vstack([part.counts for part in parts], format="csr")
        return joined

    def _columns(self):
        return [(column.name, getattr(self, column.name)) for column in dataclass_fields(self)]

    @cached_property
    def counts(self) -> sparse.csr_matrix:
        if not self.terms:
            return sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
        return _vectorizer.transform(self.terms).tocsr()


def document_frequencies(*sides: Items) -> tuple[np.ndarray, int]:
    """How many records of all sides contain each (hashed) word, and how many records there are."""
    frequencies = np.zeros(N_FEATURES, dtype=np.float64)
    total = 0
    for items in sides:
        if len(items):
            frequencies += np.bincount(items.counts.indices, minlength=N_FEATURES)
            total += len(items)
    return frequencies, total


def inverse_document_frequency(frequencies: np.ndarray, total: int, max_document_share: float) -> np.ndarray:
    idf = np.log((total + 1.0) / (frequencies + 1.0)) + 1.0
    # Small corpora keep every word: a share of a few hundred records says little about a word.
    idf[frequencies > max(max_document_share * total, 100.0)] = 0.0
    return idf.astype(np.float32)


def weighted(items: Items, idf: np.ndarray, parameters: Parameters) -> sparse.csr_matrix:
    """BM25-saturated, idf-weighted, L2-normalised term rows."""
    counts = items.counts
    if not len(items):
        return counts
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    average = lengths.mean() or 1.0
    per_entry = np.repeat(lengths, np.diff(counts.indptr))
    tf = counts.data
    saturated = (
        tf
        * (parameters.k1 + 1)
        / (tf + parameters.k1 * (1 - parameters.b + parameters.b * per_entry / average))
    )
    # Copies of the index arrays: eliminate_zeros() rewrites them in place, and the counts are reused
    # whenever the other side changes.
    matrix = sparse.csr_matrix(
        (saturated * idf[counts.indices], counts.indices.copy(), counts.indptr.copy()), shape=counts.shape
    )
    matrix.eliminate_zeros()
    return normalize(matrix, norm="l2", copy=False)


@dataclass
class Ranking:
    """Pairs found for the asking records, best first within each: positions into the asking side
    (``asking``) and the other side (``found``), the total and one column per factor."""

    asking: np.ndarray
    found: np.ndarray
    totals: np.ndarray
    factors: np.ndarray

    def __len__(self) -> int:
        return len(self.asking)


def pair_factors(
    demands: Items,
    demand_rows: np.ndarray,
    offers: Items,
    offer_rows: np.ndarray,
    text: np.ndarray,
    parameters: Parameters,
    today: float,
) -> np.ndarray:
    """Every factor of every (demand, offer) pair, one row per pair, columns as ``policy.FACTORS``."""
    wanted_mode = np.where(
        demands.modes[demand_rows] > 0,
        np.log2(np.maximum(demands.modes[demand_rows], 1)).astype(np.int64),
        -1,
    )
    older = np.minimum(demands.day[demand_rows], offers.day[offer_rows])
    return np.column_stack(
        [
            policy.text_score(text, parameters.text_saturation),
            policy.field_score(
                demands.fields[demand_rows],
                offers.fields[offer_rows],
                demands.industries[demand_rows],
                offers.industries[offer_rows],
            ),
            policy.trl_score(demands.trl[demand_rows], offers.trl[offer_rows]),
            policy.budget_score(demands.price_high[demand_rows], offers.price_low[offer_rows]),
            policy.mode_score(wanted_mode, offers.modes[offer_rows]),
            policy.region_score(
                demands.regions[demand_rows],
                offers.regions[offer_rows],
                demands.zones[demand_rows],
                offers.zones[offer_rows],
                offers.linked_cities[offer_rows],
            ),
            policy.freshness_score(today - older, parameters.freshness_half_life_days),
        ]
    )


def strongest_terms(matrix: sparse.csr_matrix, count: int) -> sparse.csr_matrix:
    """Each row with only its ``count`` largest entries."""
    row_of_entry = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    order = np.lexsort((-matrix.data, row_of_entry))
    starts = matrix.indptr[row_of_entry[order]]
    keep = np.zeros(matrix.nnz, dtype=bool)
    keep[order[np.arange(matrix.nnz) - starts < count]] = True
    return sparse.csr_matrix(
        (
            matrix.data[keep],
            matrix.indices[keep],
            np.r_[0, np.cumsum(np.bincount(row_of_entry[keep], minlength=matrix.shape[0]))],
        ),
        shape=matrix.shape,
    )


def rank(
    *,
    asking: Items,
    asking_matrix: sparse.csr_matrix,
    rows: np.ndarray,
    other: Items,
    other_matrix_transposed: sparse.csr_matrix,
    asking_is_demand: bool,
    parameters: Parameters,
    today: float,
    keep: int | None = None,
    other_matrix: sparse.csr_matrix | None = None,
) -> Ranking:
    """Ranks ``other`` for each of ``asking``'s ``rows``; keeps ``keep`` per row (``parameters.top``
    by default; ``0`` keeps every pair above the text threshold, for incremental refreshes that must
    know where the record stands in the other side's lists)."""
    query = asking_matrix[rows]
    pruned = parameters.query_terms and query.nnz > parameters.query_terms * query.shape[0]
    if pruned:
        query = strongest_terms(query, parameters.query_terms)
    text = (query @ other_matrix_transposed).tocsr()
    text.data[text.data < parameters.minimum_text * (0.5 if pruned else 1.0)] = 0
    text.eliminate_zeros()
    pool_rows, pool_cols, pool_text = [], [], []
    for position in range(text.shape[0]):
        start, end = text.indptr[position], text.indptr[position + 1]
        columns, values = text.indices[start:end], text.data[start:end]
        if keep != 0 and len(values) > parameters.pool:
            best = np.argpartition(-values, parameters.pool)[: parameters.pool]
            columns, values = columns[best], values[best]
        pool_rows.append(np.full(len(columns), position, dtype=np.int64))
        pool_cols.append(columns.astype(np.int64))
        pool_text.append(values.astype(np.float64))
    if not pool_rows or not sum(len(chunk) for chunk in pool_rows):
        empty = np.empty(0, dtype=np.int64)
        return Ranking(empty, empty, np.empty(0), np.empty((0, len(policy.FACTORS))))
    positions = np.concatenate(pool_rows)
    found = np.concatenate(pool_cols)
    cosine = np.concatenate(pool_text)
    asked = rows[positions]
    if pruned:
        # The exact relevance of each candidate pair, from all the words of both records.
        other_matrix = other_matrix_transposed.T.tocsr() if other_matrix is None else other_matrix
        cosine = np.asarray(asking_matrix[asked].multiply(other_matrix[found]).sum(axis=1)).ravel()
        exact = cosine >= parameters.minimum_text
        positions, found, cosine, asked = positions[exact], found[exact], cosine[exact], asked[exact]
    if asking_is_demand:
        factors = pair_factors(asking, asked, other, found, cosine, parameters, today)
    else:
        factors = pair_factors(other, found, asking, asked, cosine, parameters, today)
    totals = policy.total_score(factors, parameters.weights, parameters.fit_share)
    enough = totals >= parameters.minimum_total
    positions, found, totals, factors = positions[enough], found[enough], totals[enough], factors[enough]
    # Best first within each asking record: sort by record, then by total descending.
    order = np.lexsort((found, -totals, positions))
    positions, found, totals, factors = positions[order], found[order], totals[order], factors[order]
    limit = parameters.top if keep is None else keep
    if limit:
        starts = np.r_[0, np.flatnonzero(np.diff(positions)) + 1]
        place = np.arange(len(positions)) - np.repeat(starts, np.diff(np.r_[starts, len(positions)]))
        chosen = place < limit
        positions, found, totals, factors = positions[chosen], found[chosen], totals[chosen], factors[chosen]
    return Ranking(asking=rows[positions], found=found, totals=totals, factors=factors)


class Corpus:
    """Both sides, weighted with one idf, ready for ranking in either direction."""

    def __init__(self, demands: Items, offers: Items, parameters: Parameters):
        self.demands, self.offers, self.parameters = demands, offers, parameters
        frequencies, total = document_frequencies(demands, offers)
        self.idf = inverse_document_frequency(frequencies, total, parameters.max_document_share)
        self.demand_matrix = weighted(demands, self.idf, parameters)
        self.offer_matrix = weighted(offers, self.idf, parameters)
        self._term_weights: dict[str, float] = {}  # word → its idf, looked up once per word

    @cached_property
    def demand_transposed(self) -> sparse.csr_matrix:
        return self.demand_matrix.T.tocsr()

    @cached_property
    def offer_transposed(self) -> sparse.csr_matrix:
        return self.offer_matrix.T.tocsr()

    def offers_for(self, demand_rows: np.ndarray, *, today: float, keep: int | None = None) -> Ranking:
        return rank(
            asking=self.demands,
            asking_matrix=self.demand_matrix,
            rows=np.asarray(demand_rows, dtype=np.int64),
            other=self.offers,
            other_matrix_transposed=self.offer_transposed,
            other_matrix=self.offer_matrix,
            asking_is_demand=True,
            parameters=self.parameters,
            today=today,
            keep=keep,
        )

    def demands_for(self, offer_rows: np.ndarray, *, today: float, keep: int | None = None) -> Ranking:
        return rank(
            asking=self.offers,
            asking_matrix=self.offer_matrix,
            rows=np.asarray(offer_rows, dtype=np.int64),
            other=self.demands,
            other_matrix_transposed=self.demand_transposed,
            other_matrix=self.demand_matrix,
            asking_is_demand=False,
            parameters=self.parameters,
            today=today,
            keep=keep,
        )

    def shared_terms(self, demand_terms: str, offer_terms: str, *, limit: int = 6) -> list[str]:
        """The words both records use that carry weight, rarest first, without the shorter words
        inside a longer one already listed (锂离子电池, not also 电池)."""
        return self._shared(set(demand_terms.split()) & set(offer_terms.split()), limit)

    def shared_terms_of_pairs(self, demand_rows: list[int], offer_rows: list[int], *, limit: int = 6) -> list:
        """``shared_terms`` of many (demand row, offer row) pairs, each record's words split once."""
        demand_words: dict[int, set[str]] = {}
        offer_words: dict[int, set[str]] = {}
        shared = []
        for demand_row, offer_row in zip(demand_rows, offer_rows, strict=True):
            if demand_row not in demand_words:
                demand_words[demand_row] = set(self.demands.terms[demand_row].split())
            if offer_row not in offer_words:
                offer_words[offer_row] = set(self.offers.terms[offer_row].split())
            shared.append(self._shared(demand_words[demand_row] & offer_words[offer_row], limit))
        return shared

    def _shared(self, shared: set[str], limit: int) -> list[str]:
        # Words without weight are never listed, so they are left out before sorting.
        weights = self._term_weights
        weighted_terms = []
        for term in shared:
            if len(term) > 1:
                weight = weights.get(term)
                if weight is None:
                    weight = weights[term] = float(self.idf[term_index(term)])
                if weight > 0:
                    weighted_terms.append((weight, term))
        chosen: list[tuple[float, str]] = []
        for weight, term in sorted(weighted_terms, key=lambda pair: (-len(pair[1]), -pair[0], pair[1])):
            if not any(term in longer for _weight, longer in chosen):
                chosen.append((weight, term))
        return [term for _weight, term in sorted(chosen, key=lambda pair: (-pair[0], pair[1]))[:limit]]
