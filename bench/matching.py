"""Benchmark: the supply–demand matching engine at the market's size, against a plain TF-IDF baseline.

Generates (``bench.generate.matching``) 100,000 live listings of 2,000 institutions and 20,000 open
demands of 5,000 enterprises, each organisation with one staff member, then measures in one run:

* the full recompute as the nightly beat entry runs it: ``match_recompute_plan()``, then its chunks
  (``match_recompute_chunk``, what ``match_recompute_chunk_task`` runs) spread over a pool of two
  worker processes, each a fresh interpreter with ``django.setup()`` and production settings (no
  query log), i.e. two Celery worker slots; every process is pinned to two cores. Twice: first on
  an empty table (every strong pair is announced, as on the first night), then again with the rows
  and notices in place (every later night). Wall time, pairs ranked, rows stored, peak memory, the
  workers' CPU time, and where their time went (timers around the service's phases);
* one record's refresh (``demand_match`` / ``listing_match``): cold (the first call in a fresh
  process, loading the corpus), warm (median of 20 other records after it), and after a change to
  that side (the record's ``updated_at`` bumped first, as a publication does, so the worker's cached
  corpus is rebuilt for that side);
* the baseline: scikit-learn's ``TfidfVectorizer(analyzer=str.split)`` on the same stored
  ``match_terms``, cosine by sparse product, top 20 per demand and per listing, the same chunks over
  two processes, no factors, nothing written; and its refresh of one record (cold: unpickling the
  fitted vectorizer and the other side's matrix in a fresh process; warm: median of 20).

The machine's load average is recorded around each measurement: other work on the same cores (and
PostgreSQL, which runs there too) slows every figure. Writes ``bench/results/matching.json`` and its
section of ``docs/benchmarks.md``. Run with ``python bench/run.py matching``; a quick run at other
sizes with, e.g., ``BENCH_MATCHING_LISTINGS=10000 BENCH_MATCHING_DEMANDS=2000 python bench/run.py
matching``.
"""

import hashlib
import multiprocessing
import os
import pickle
import platform
import random
import resource
import secrets
import statistics
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

LISTINGS = int(os.environ.get("BENCH_MATCHING_LISTINGS", 100_000))
DEMANDS = int(os.environ.get("BENCH_MATCHING_DEMANDS", 20_000))
INSTITUTIONS = 2_000
ENTERPRISES = 5_000
WORKERS = 2
CORES = {0, 1}
WARM_CALLS = 20
CHANGED_CALLS = 5
RETRIES = 3
GOAL_FULL_SECONDS = 600
GOAL_REFRESH_SECONDS = 2.0

_context = multiprocessing.get_context("spawn")


# --- processes ------------------------------------------------------------------------------------------


def _setup() -> None:
    """A fresh process as a Celery worker runs: production settings (DEBUG off, so no query log;
    a throwaway secret key, which production mode requires), then ``django.setup()``."""
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()


def _peak_kb() -> int:
    """This process's peak resident memory (VmHWM). Not ``ru_maxrss``: Linux carries that across
    fork and exec, so a fresh process would report the peak of the process that started it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _load() -> float:
    """The machine's one-minute load average (other work on the two cores shows here)."""
    return round(os.getloadavg()[0], 1)


def _cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _child(pipe, function, args) -> None:
    try:
        _setup()
        pipe.send(("ok", function(*args)))
    except BaseException:  # reported to the parent, which raises
        pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()


def _fresh(function, *args):
    """Runs ``function(*args)`` in a fresh process (its own corpus, its own peak memory) and returns
    its result."""
    receiving, sending = _context.Pipe(duplex=False)
    process = _context.Process(target=_child, args=(sending, function, args))
    process.start()
    sending.close()
    status, value = receiving.recv()
    process.join()
    if status != "ok":
        raise RuntimeError(f"{function.__name__} failed in its process:\n{value}")
    return value


# --- the full recompute ---------------------------------------------------------------------------------

PHASES = ("corpus", "rank", "factors", "pairs", "upsert", "drop", "notices", "other")  # report.PHASE_LABELS
_phase_seconds: Counter = Counter()


def _timed(name: str, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _phase_seconds[name] += time.perf_counter() - started

    return wrapper


def _worker_setup() -> None:
    """A worker slot. Timers go around the phases the chunk goes through (one call each per chunk,
    so they cost nothing measurable); the chunk function itself is the task's."""
    _setup()
    from market import matching_engine as engine
    from market.services import matching

    matching.corpus_current = _timed("corpus", matching.corpus_current)
    matching._pairs = _timed("pairs", matching._pairs)
    matching._upsert = _timed("upsert", matching._upsert)
    matching._drop_unranked = _timed("drop", matching._drop_unranked)
    matching.match_notices_record = _timed("notices", matching.match_notices_record)
    engine.rank = _timed("rank", engine.rank)
    engine.pair_factors = _timed("factors", engine.pair_factors)


def _chunk(chunk: tuple[str, list[int]]) -> dict:
    """One ``match_recompute_chunk_task``. A deadlock between the two workers' upserts is retried,
    as a redelivered task would run again, and counted."""
    from django.db import OperationalError

    from market.services import matching

    side, pks = chunk
    _phase_seconds.clear()
    started = time.perf_counter()
    retries = 0
    while True:
        try:
            ranked = matching.match_recompute_chunk(side=side, pks=pks)
            break
        except OperationalError:
            retries += 1
            if retries > RETRIES:
                raise
    seconds = time.perf_counter() - started
    phases = dict(_phase_seconds)
    phases["rank"] = phases.get("rank", 0.0) - phases.get("factors", 0.0)
    phases["other"] = seconds - sum(phases.values())
    return {
        "side": side,
        "size": len(pks),
        "ranked": ranked,
        "seconds": seconds,
        "retries": retries,
        "peak_kb": _peak_kb(),
        "pid": os.getpid(),
        "phases": phases,
    }


def _full_recompute() -> dict:
    """The coordinator: plans, then hands the chunks to two worker processes."""
    from django.db import connections

    from market.services import matching

    load = [_load()]
    started = time.perf_counter()
    chunks = matching.match_recompute_plan()
    planned = time.perf_counter()
    connections.close_all()
    pool = _context.Pool(WORKERS, initializer=_worker_setup)
    done = []
    for result in pool.imap_unordered(_chunk, chunks):
        done.append(result)
        if len(done) % 10 == 0 or len(done) == len(chunks):
            print(f"    {len(done)}/{len(chunks)} chunks, {time.perf_counter() - started:.0f} s", flush=True)
    pool.close()
    pool.join()
    wall = time.perf_counter() - started
    # What the beat entry ``market-send-match-notices`` then does: one message per record for the
    # strong matches the chunks recorded.
    sending = time.perf_counter()
    notices = matching.match_notices_send()
    sent = time.perf_counter() - sending
    load.append(_load())
    workers_kb = max(result["peak_kb"] for result in done)
    figures = _recompute_figures(done, wall=wall, plan=planned - started, workers_kb=workers_kb, load=load)
    figures["notices_sent"] = notices
    figures["notices_send_seconds"] = round(sent, 1)
    figures["with_notices_seconds"] = round(wall + sent, 1)
    figures["analyze_seconds"] = _analyze()
    return figures


def _analyze() -> float:
    """ANALYZE of the rewritten table, as autovacuum does after a recompute on a production server (it
    is off on the benchmark's): with the statistics of the empty table, the refreshes' re-ranking
    query scans all of ``market_match`` (1.5 to 2 s a refresh at 100,000 listings)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE market_match")
    return round(time.perf_counter() - started, 1)


def _recompute_figures(done: list[dict], *, wall: float, plan: float, workers_kb: int, load: list) -> dict:
    phases: Counter = Counter()
    first_chunks: dict[int, float] = {}
    for result in done:
        phases.update(result["phases"])
        first_chunks.setdefault(result["pid"], result["seconds"])
    busy = sum(result["seconds"] for result in done)
    by_side = defaultdict(lambda: {"chunks": 0, "records": 0, "ranked": 0, "seconds": 0.0})
    for result in done:
        figures = by_side[result["side"]]
        figures["chunks"] += 1
        figures["records"] += result["size"]
        figures["ranked"] += result["ranked"]
        figures["seconds"] += result["seconds"]
    return {
        "wall_seconds": round(wall, 1),
        "plan_seconds": round(plan, 1),
        "chunks": len(done),
        "pairs_ranked": sum(result["ranked"] for result in done),
        "retried_chunks": sum(1 for result in done if result["retries"]),
        "worker_busy_seconds": round(busy, 1),
        "worker_cpu_seconds": round(_cpu_seconds(resource.RUSAGE_CHILDREN), 1),
        "load_average_before_after": load,
        "slowest_chunk_seconds": round(max((result["seconds"] for result in done), default=0), 2),
        "first_chunk_seconds": [round(seconds, 1) for seconds in first_chunks.values()],
        "by_side": {
            side: {**figures, "seconds": round(figures["seconds"], 1)} for side, figures in by_side.items()
        },
        "phases": {
            name: {
                "seconds": round(phases.get(name, 0.0), 1),
                "share": round(phases.get(name, 0.0) / busy, 3),
            }
            for name in PHASES
        }
        if busy
        else {},
        "peak_rss_mb": {
            "workers": round(workers_kb / 1024),
            "coordinator": round(_peak_kb() / 1024),
            "max": round(max(workers_kb, _peak_kb()) / 1024),
        },
    }


# --- refreshing one record ------------------------------------------------------------------------------


def _refresh(side: str, pks: list[int]) -> dict:
    """In a fresh process: the first call (cold), ``WARM_CALLS`` more (warm), then ``CHANGED_CALLS``
    after a change to that side (the record's ``updated_at`` bumped, as a publication does)."""
    from django.utils import timezone

    from market.models import Demand, Listing
    from market.services import matching

    function, model, argument = (
        (matching.demand_match, Demand, "demand_pk")
        if side == "demand"
        else (matching.listing_match, Listing, "listing_pk")
    )

    def call(pk: int) -> tuple[float, int]:
        started = time.perf_counter()
        found = function(**{argument: pk})
        return time.perf_counter() - started, found

    load = [_load()]
    cold, cold_found = call(pks[0])
    # A worker's first refresh when the corpus was loaded as the process started (``corpus_warm``,
    # run by ``worker_process_init``): the load, then the refresh.
    matching.corpus_clear()
    loading = time.perf_counter()
    matching.corpus_current()
    warm_up = time.perf_counter() - loading
    first, _found = call(pks[1 + WARM_CALLS + CHANGED_CALLS])
    warm = [call(pk) for pk in pks[1 : 1 + WARM_CALLS]]
    changed = []
    for pk in pks[1 + WARM_CALLS : 1 + WARM_CALLS + CHANGED_CALLS]:
        model.objects.filter(pk=pk).update(updated_at=timezone.now())
        changed.append(call(pk))
    return {
        "cold_seconds": round(cold, 3),
        "warm_up_seconds": round(warm_up, 3),
        "first_after_warm_up_seconds": round(first, 3),
        "warm": _spread([seconds for seconds, _found in warm]),
        "after_change": _spread([seconds for seconds, _found in changed]),
        "matches_per_record": round(statistics.mean([found for _s, found in [(cold, cold_found), *warm]]), 1),
        "peak_rss_mb": round(_peak_kb() / 1024),
        "load_average_before_after": [*load, _load()],
    }


def _spread(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {
        "calls": len(ordered),
        "median_seconds": round(statistics.median(ordered), 3),
        "max_seconds": round(ordered[-1], 3),
    }


# --- the baseline: plain TF-IDF cosine ------------------------------------------------------------------

_baseline: dict = {}


def _baseline_fit() -> dict:
    """Both sides' stored words, a TfidfVectorizer fitted on them, and each side's rows."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from market.services import matching

    demands = list(matching.open_demands().order_by("pk").values_list("pk", "match_terms"))
    listings = list(matching.live_listings().order_by("pk").values_list("pk", "match_terms"))
    vectorizer = TfidfVectorizer(analyzer=str.split)
    vectorizer.fit([terms for _pk, terms in demands] + [terms for _pk, terms in listings])
    return _baseline_model(vectorizer, demands, listings)


def _baseline_model(vectorizer, demands, listings) -> dict:
    import numpy as np

    demand_matrix = vectorizer.transform([terms for _pk, terms in demands]).tocsr()
    listing_matrix = vectorizer.transform([terms for _pk, terms in listings]).tocsr()
    return {
        "vectorizer": vectorizer,
        "demand_keys": np.array([pk for pk, _terms in demands], dtype=np.int64),
        "listing_keys": np.array([pk for pk, _terms in listings], dtype=np.int64),
        "demand_transposed": demand_matrix.T.tocsr(),
        "listing_transposed": listing_matrix.T.tocsr(),
        "demand_matrix": demand_matrix,
        "listing_matrix": listing_matrix,
    }


def _top(product, top: int = 20) -> int:
    """Keeps the ``top`` best columns of each row (as the engine does); returns how many pairs."""
    import numpy as np

    product = product.tocsr()
    kept = 0
    for row in range(product.shape[0]):
        values = product.data[product.indptr[row] : product.indptr[row + 1]]
        if len(values) > top:
            best = np.argpartition(-values, top)[:top]
            values = values[best]
        kept += len(values[np.argsort(-values, kind="stable")])
    return kept


def _baseline_worker_setup() -> None:
    _setup()


def _baseline_chunk(chunk: tuple[str, list[int]]) -> dict:
    import numpy as np

    side, pks = chunk
    started = time.perf_counter()
    if not _baseline:
        _baseline.update(_baseline_fit())
    asking, keys, other = (
        ("demand_matrix", "demand_keys", "listing_transposed")
        if side == "demands"
        else ("listing_matrix", "listing_keys", "demand_transposed")
    )
    rows = np.searchsorted(_baseline[keys], np.asarray(pks, dtype=np.int64))
    ranked = _top(_baseline[asking][rows] @ _baseline[other])
    return {"side": side, "ranked": ranked, "seconds": time.perf_counter() - started, "peak_kb": _peak_kb()}


def _baseline_full() -> dict:
    from django.conf import settings
    from django.db import connections

    from market.services import matching

    load = [_load()]
    started = time.perf_counter()
    size = settings.MARKET_MATCH_CHUNK_SIZE
    chunks = []
    for side, queryset in (("demands", matching.open_demands()), ("listings", matching.live_listings())):
        pks = list(queryset.order_by("pk").values_list("pk", flat=True))
        chunks.extend((side, pks[start : start + size]) for start in range(0, len(pks), size))
    connections.close_all()
    pool = _context.Pool(WORKERS, initializer=_baseline_worker_setup)
    done = list(pool.imap_unordered(_baseline_chunk, chunks))
    pool.close()
    pool.join()
    wall = time.perf_counter() - started
    load.append(_load())
    workers_kb = max(result["peak_kb"] for result in done)
    return {
        "wall_seconds": round(wall, 1),
        "chunks": len(done),
        "pairs_ranked": sum(result["ranked"] for result in done),
        "worker_busy_seconds": round(sum(result["seconds"] for result in done), 1),
        "worker_cpu_seconds": round(_cpu_seconds(resource.RUSAGE_CHILDREN), 1),
        "load_average_before_after": load,
        "peak_rss_mb": {
            "workers": round(workers_kb / 1024),
            "coordinator": round(_peak_kb() / 1024),
            "max": round(max(workers_kb, _peak_kb()) / 1024),
        },
    }


def _baseline_save(path: str) -> dict:
    started = time.perf_counter()
    model = _baseline_fit()
    Path(path).write_bytes(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    return {
        "fit_seconds": round(time.perf_counter() - started, 1),
        "model_mb": round(Path(path).stat().st_size / 2**20),
    }


def _baseline_refresh(side: str, pks: list[int], path: str) -> dict:
    """One record vectorised and ranked against the whole other side, nothing written. Cold includes
    unpickling the fitted vectorizer and the other side's matrix."""
    from market.models import Demand, Listing

    model_class, other = (
        (Demand, "listing_transposed") if side == "demand" else (Listing, "demand_transposed")
    )
    model: dict = {}

    def call(pk: int) -> float:
        started = time.perf_counter()
        if not model:
            model.update(pickle.loads(Path(path).read_bytes()))
        terms = model_class.objects.filter(pk=pk).values_list("match_terms", flat=True).get()
        _top(model["vectorizer"].transform([terms]) @ model[other])
        return time.perf_counter() - started

    cold = call(pks[0])
    warm = [call(pk) for pk in pks[1 : 1 + WARM_CALLS]]
    return {"cold_seconds": round(cold, 3), "warm": _spread(warm), "peak_rss_mb": round(_peak_kb() / 1024)}


# --- the data and the machine ---------------------------------------------------------------------------


def _term_statistics() -> dict:
    """How the generated words look: vocabulary, record length, how common the common words are and
    how long the tail of rare ones is."""
    from market.services import matching

    texts = list(matching.open_demands().values_list("match_terms", flat=True)) + list(
        matching.live_listings().values_list("match_terms", flat=True)
    )
    frequencies: Counter = Counter()
    lengths = []
    for terms in texts:
        words = terms.split()
        lengths.append(len(words))
        frequencies.update(set(words))
    total = len(texts)
    return {
        "distinct terms": len(frequencies),
        "terms per record (median)": int(statistics.median(lengths)),
        "terms in one record only": sum(1 for count in frequencies.values() if count == 1),
        "terms in at most 10 records": sum(1 for count in frequencies.values() if count <= 10),
        "terms in over 25 % of records (no weight)": sum(
            1 for count in frequencies.values() if count > total / 4
        ),
        "terms in over 1 % of records": sum(1 for count in frequencies.values() if count > total / 100),
        "most common": [
            f"{word} {round(100 * count / total)} %" for word, count in frequencies.most_common(8)
        ],
    }


_MATCH_SQL = """
    SELECT count(*),
           count(*) FILTER (WHERE demand_rank IS NOT NULL),
           count(*) FILTER (WHERE listing_rank IS NOT NULL),
           count(*) FILTER (WHERE demand_rank IS NOT NULL AND listing_rank IS NOT NULL),
           count(DISTINCT demand_id),
           count(DISTINCT listing_id),
           pg_total_relation_size('market_match')
    FROM market_match
"""
_FULL_LISTS_SQL = """
    SELECT count(*) FILTER (WHERE n = %s), percentile_cont(0.5) WITHIN GROUP (ORDER BY best)
    FROM (SELECT demand_id, count(*) AS n, max(score) AS best FROM market_match
          WHERE demand_rank IS NOT NULL GROUP BY demand_id) AS lists
"""


def _match_counts() -> dict:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_MATCH_SQL)
        rows, demand_ranked, listing_ranked, both, demands, listings, size = cursor.fetchone()
        cursor.execute(_FULL_LISTS_SQL, [settings.MARKET_MATCH_TOP])
        full_lists, best_median = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM market_matchnotice")
        (notices,) = cursor.fetchone()
    return {
        "rows": rows,
        "in a demand's top list": demand_ranked,
        "in a listing's top list": listing_ranked,
        "in both": both,
        "demands with matches": demands,
        "demands with a full top list": full_lists,
        "listings with matches": listings,
        "median best score of a demand": round(best_median or 0, 3),
        "notices of strong matches": notices,
        "table size (MB)": round(size / 2**20),
    }


def _code() -> dict:
    """Fingerprints of the code measured (other work may change it while the benchmark runs)."""
    root = Path(__file__).resolve().parent.parent
    return {
        name: hashlib.md5((root / name).read_bytes()).hexdigest()[:12]
        for name in (
            "market/matching_engine.py",
            "market/services/matching.py",
            "market/policies/matching.py",
        )
    }


def _machine() -> dict:
    import numpy
    import scipy
    import sklearn
    from django.db import connection

    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line), "")
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    memory_kb = next(
        (int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (postgres,) = cursor.fetchone()
    return {
        "cpu": model or platform.processor(),
        "logical cores on the machine": os.cpu_count(),
        "cores used": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory (GB)": round(memory_kb / 2**20),
        "python": platform.python_version(),
        "numpy / scipy / scikit-learn": f"{numpy.__version__} / {scipy.__version__} / {sklearn.__version__}",
        "postgresql": f"{postgres}, same machine, not pinned",
    }


# --- the run --------------------------------------------------------------------------------------------


def run() -> dict:
    from django.db import connection, connections

    from bench import generate, report
    from market.services import matching

    pinned = False
    if hasattr(os, "sched_setaffinity") and os.sched_getaffinity(0) >= CORES:
        os.sched_setaffinity(0, CORES)  # inherited by every process started below
        pinned = True
    started = time.perf_counter()
    counts = generate.matching(
        LISTINGS,
        DEMANDS,
        institutions_count=INSTITUTIONS,
        enterprises=ENTERPRISES,
        progress=lambda done, total: print(f"  generated {done:,}/{total:,}", flush=True),
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    generated = round(time.perf_counter() - started)
    print(f"  data: {counts}, {generated} s", flush=True)
    data = _term_statistics()
    print(f"  terms: {data}", flush=True)
    rng = random.Random(2026)
    demand_pks = rng.sample(
        list(matching.open_demands().values_list("pk", flat=True)), 2 + WARM_CALLS + CHANGED_CALLS
    )
    listing_pks = rng.sample(
        list(matching.live_listings().values_list("pk", flat=True)), 2 + WARM_CALLS + CHANGED_CALLS
    )
    machine = {**_machine(), "pinned": pinned}
    code = _code()
    connections.close_all()

    print("  first full recompute (empty table: every strong pair announced), 2 workers", flush=True)
    first = _fresh(_full_recompute)
    print(f"  {first}", flush=True)
    matches = _match_counts()
    print(f"  matches: {matches}", flush=True)
    connections.close_all()
    print("  nightly full recompute (rows and notices in place), 2 workers", flush=True)
    full = _fresh(_full_recompute)
    print(f"  {full}", flush=True)
    refresh = {
        side: _fresh(_refresh, side, pks) for side, pks in (("demand", demand_pks), ("listing", listing_pks))
    }
    print(f"  refresh: {refresh}", flush=True)

    print("  baseline, 2 workers", flush=True)
    baseline_full = _fresh(_baseline_full)
    print(f"  {baseline_full}", flush=True)
    with tempfile.TemporaryDirectory() as directory:
        path = str(Path(directory) / "baseline.pickle")
        baseline_model = _fresh(_baseline_save, path)
        baseline_refresh = {
            side: _fresh(_baseline_refresh, side, pks, path)
            for side, pks in (("demand", demand_pks), ("listing", listing_pks))
        }
    print(f"  baseline refresh: {baseline_refresh}", flush=True)

    warm_worst = max(refresh[side]["warm"]["median_seconds"] for side in refresh)
    changed_worst = max(refresh[side]["after_change"]["median_seconds"] for side in refresh)
    warmed_worst = max(refresh[side]["first_after_warm_up_seconds"] for side in refresh)
    results = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "code": code,
        "code_changed_during_run": code != _code(),
        "sizes": counts,
        "generation_seconds": generated,
        "data": data,
        "first": first,
        "full": full,
        "matches": matches,
        "refresh": refresh,
        "baseline": {"full": baseline_full, "model": baseline_model, "refresh": baseline_refresh},
        "goals": {
            "nightly full recompute within 10 minutes, notices sent": full["with_notices_seconds"]
            <= GOAL_FULL_SECONDS,
            "first full recompute within 10 minutes, notices sent": first["with_notices_seconds"]
            <= GOAL_FULL_SECONDS,
            "refresh within 2 s, warm worker": warm_worst <= GOAL_REFRESH_SECONDS,
            "refresh within 2 s, after a change to its side": changed_worst <= GOAL_REFRESH_SECONDS,
            "refresh within 2 s, first of a worker that loaded the corpus as it started": warmed_worst
            <= GOAL_REFRESH_SECONDS,
        },
    }
    report.save("matching", results)
    return results
