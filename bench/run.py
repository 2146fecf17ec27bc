"""Runs every benchmark (``make bench``) in a fresh database of its own, ``tianfu_bench``, on the
server that ``DATABASE_URL`` names (the embedded one by default), so each run starts from the same state.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BENCH_DATABASE = "tianfu_bench"


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


def main() -> None:
    os.environ["DATABASE_URL"] = recreate_database(os.environ["DATABASE_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Measure the work, not the rate limits.
    os.environ["API_THROTTLE_ANON"] = os.environ["API_THROTTLE_USER"] = "1000000/minute"

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench import directory

    directory.run()


if __name__ == "__main__":
    main()
