"""Runs the benchmarks, each in a fresh database of its own, ``tianfu_bench``, on the server that
``DATABASE_URL`` names (the embedded one by default), so each run starts from the same state.

    python bench/run.py                 # every benchmark, in order (``make bench``)
    python bench/run.py market          # only the named ones

Each writes ``bench/results/<name>.json`` and regenerates ``docs/benchmarks.md`` from every results
file present, so the sections of the benchmarks not run keep their last figures.
"""

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# BENCH_DATABASE lets two checkouts on one server benchmark side by side.
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "tianfu_bench")
BENCHMARKS = ("directory", "market", "matching", "contract_import")


def recreate_database(url: str) -> str:
    """Drops and creates the benchmark database; returns its URL."""
    params = environ.Env.db_url_config(url)
    host = params["HOST"] or params.get("OPTIONS", {}).get("host")
    with psycopg.connect(
        dbname="postgres",
        user=params["USER"],
        password=params["PASSWORD"],
        host=host,
        port=params["PORT"] or None,
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        connection.execute(f"CREATE DATABASE \"{BENCH_DATABASE}\" ENCODING 'UTF8' TEMPLATE template0")
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))


def main(names: list[str]) -> None:
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    server_url = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = recreate_database(server_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The development settings, as ``scripts/launch.py bench`` sets them, when run directly.
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    # Measure the work, not the rate limits.
    os.environ["API_THROTTLE_ANON"] = os.environ["API_THROTTLE_USER"] = "1000000/minute"

    import importlib

    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connections

    for index, name in enumerate(names or BENCHMARKS):
        if index:
            connections.close_all()
            recreate_database(server_url)
            ContentType.objects.clear_cache()  # ids of the previous database
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"== {name} (database migrated in {time.perf_counter() - started:.0f} s)", flush=True)
        importlib.import_module(f"bench.{name}").run()
        print(f"== {name} done in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
