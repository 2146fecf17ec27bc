"""Writes `docs/benchmarks.md` from every results file in `bench/results/`: one section per
benchmark, in the order of `SECTIONS`, so running one benchmark keeps the others' last figures.

    python bench/report.py        # regenerate the page without running anything
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
REPORT = ROOT / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class Section:
    name: str  # the results file is bench/results/<name>.json, the script bench/<name>.py
    title: str
    unit: str  # what the sizes count
    note: str


SECTIONS = (
    Section(
        name="directory",
        title="Institution directory and API",
        unit="institutions",
        note=(
            "The query count of each request stays the same as the network grows (also asserted in the\n"
            "tests with 10 and 500 rows); the time grows only with what the database must scan."
        ),
    ),
    Section(
        name="market",
        title="Technology market pages and API",
        unit="listings",
        note=(
            "Visitors are anonymous; the registration queue is read by the registrar of the 成都 contract\n"
            "registration body, with the same 200 contracts waiting at every size. The market grows with the\n"
            "listings: about one demand for five listings and one registered deal for two, 4 % of them\n"
            "registered within the disclosure period (on the board today). The query count of each request\n"
            "is the same at every size.\n"
            "\n"
            "The newest-first order of the market home, the listing board and the listings API is served by\n"
            "an index on `(-published_at, -id)` of listings (public listings span four statuses, so the\n"
            "`(status, -published_at)` index cannot give that order; without it PostgreSQL sorted every\n"
            "public listing per page, about 100 ms at 50,000), and the disclosure board by one on\n"
            "`(disclosure_ends_on, disclosure_starts_on)`. Sorting the board by price or title still sorts\n"
            "the whole market (about 200 ms at 50,000)."
        ),
    ),
)


def results_path(name: str) -> Path:
    return RESULTS / f"{name}.json"


def save(name: str, results: dict) -> None:
    """Writes a benchmark's results and regenerates the page."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    results_path(name).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    write()


def _figures(figures: dict) -> str:
    return f"{figures['median_ms']} ms (p95 {figures['p95_ms']}), {figures['queries']} queries"


def _section(section: Section, results: dict) -> list[str]:
    sizes = list(results["sizes"])
    cases = list(results["sizes"][sizes[0]])
    lines = [
        f"## {section.title}",
        "",
        f"`bench/{section.name}.py`, generated {results['generated_at']}, "
        f"{results['repeat']} requests per figure.",
        "",
        "| Request | " + " | ".join(f"{int(size):,} {section.unit}" for size in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for case in cases:
        cells = [_figures(results["sizes"][size][case]) for size in sizes]
        lines.append(f"| {case} | " + " | ".join(cells) + " |")
    data = results.get("data")
    if data:
        rows = list(data[sizes[0]])
        lines += [
            "",
            "| Data | " + " | ".join(f"{int(size):,} {section.unit}" for size in sizes) + " |",
            "|---|" + "---|" * len(sizes),
        ]
        for row in rows:
            lines.append(f"| {row} | " + " | ".join(f"{data[size][row]:,}" for size in sizes) + " |")
    timing = results.get("seconds")
    if timing:
        spent = ", ".join(f"{int(size):,}: {timing[size]} s" for size in sizes if size in timing)
        lines += [
            "",
            f"Time to grow the data to each size from the previous one (with VACUUM ANALYZE): {spent}.",
        ]
    lines += ["", section.note, ""]
    return lines


def write() -> None:
    lines = [
        "# Benchmarks",
        "",
        "Made by `make bench` (`bench/run.py`: every benchmark, each in a fresh database of its own; or",
        "`python bench/run.py market` for one), the numbers below are from the last run of each on the",
        "development machine (2 cores), in-process through Django's test client, so they include the",
        "view, the queries and the template or serializer, but no network or web server.",
        "",
    ]
    for section in SECTIONS:
        path = results_path(section.name)
        if path.exists():
            lines += _section(section, json.loads(path.read_text()))
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines))


if __name__ == "__main__":
    sys.exit(write())
