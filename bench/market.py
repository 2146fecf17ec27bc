"""Benchmark: the market's list pages and endpoints as the market grows.

Measures, for each size (listings on the market, with about one demand for five listings and one
registered deal for two, see ``bench.generate.market``), the median and 95th percentile of in-process
request time (Django's test client, so no network) and the number of queries per request: the market
home, the listing board (plain, and searched in Chinese with a technology field), the demand and
disclosure boards, the 成都 registrar's queue, and the listings, demands and disclosures API. Writes
``bench/results/market.json`` and its section of ``docs/benchmarks.md`` (``bench/report.py``). Run with
``make bench`` or ``python bench/run.py market``.
"""

import time
from datetime import UTC, datetime
from urllib.parse import quote

from django.db import connection
from django.test import Client

from bench import generate, report
from bench.measure import measure

SIZES = (1_000, 10_000, 50_000)
REPEAT = 30

CASES = {
    "market home, visitor": ("visitor", "/market/"),
    "listing board, visitor": ("visitor", "/market/listings/"),
    "listing board, search 锂电池 + field": (
        "visitor",
        f"/market/listings/?q={quote('锂电池')}&technology_field=07",
    ),
    "demand board, visitor": ("visitor", "/market/demands/"),
    "disclosure board, visitor": ("visitor", "/market/disclosures/"),
    "registration queue, 成都 registrar": ("registrar", "/market/registration/"),
    "listings API, 100 per page": ("visitor", "/api/v1/listings/?page_size=100"),
    "demands API": ("visitor", "/api/v1/demands/"),
    "disclosures API": ("visitor", "/api/v1/disclosures/"),
}


def run() -> dict:
    results = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "repeat": REPEAT,
        "sizes": {},
        "data": {},
        "seconds": {},
    }
    clients = {"visitor": Client(HTTP_HOST="127.0.0.1"), "registrar": Client(HTTP_HOST="127.0.0.1")}
    for size in SIZES:
        started = time.perf_counter()
        counts = generate.market(size)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        seconds = round(time.perf_counter() - started)
        clients["registrar"].force_login(generate.queue_registrar())
        key = str(counts["listings"])
        print(f"{key} listings, generated in {seconds} s: {counts}", flush=True)
        results["data"][key] = counts
        results["seconds"][key] = seconds
        results["sizes"][key] = {
            name: measure(clients[who], path, REPEAT) for name, (who, path) in CASES.items()
        }
        for name, figures in results["sizes"][key].items():
            print(f"  {name}: {figures}", flush=True)
    report.save("market", results)
    return results
