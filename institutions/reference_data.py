"""Loads the committed reference tables (regions, classifications) idempotently.

Used by the data migration and by ``manage.py load_reference_data``; each loader takes the model
classes so that the migration can pass its historical models.
"""

import csv
from datetime import date
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_FILE = DATA_DIR / "regions_sichuan.csv"
CLASSIFICATIONS_FILE = DATA_DIR / "classifications.csv"
# The code table's cut-off date (国家统计局 2023年统计用区划代码), see regions_sichuan.SOURCE.md.
REGIONS_VALID_FROM = date(2023, 6, 30)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_regions(region_model) -> int:
    """Creates or updates every region in the file, parents first (the file is sorted by code)."""
    rows = sorted(_rows(REGIONS_FILE), key=lambda row: ("province", "city", "county").index(row["level"]))
    for row in rows:
        region_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent_id": row["parent_code"] or None,
                "valid_from": REGIONS_VALID_FROM,
            },
        )
    return len(rows)


def load_classifications(classification_model) -> int:
    rows = _rows(CLASSIFICATIONS_FILE)
    by_key = {}
    for row in rows:
        parent = (
            by_key.get((row["scheme"], row["version"], row["parent_code"])) if row["parent_code"] else None
        )
        entry, _created = classification_model.objects.update_or_create(
            scheme=row["scheme"],
            version=row["version"],
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "parent": parent,
                "position": int(row["position"]),
                "is_current": True,
            },
        )
        by_key[(row["scheme"], row["version"], row["code"])] = entry
    return len(rows)


@cache
def region_names() -> dict[str, str]:
    """GB/T 2260 code → name, read from the committed table (no query), for codes stored as snapshots."""
    return {row["code"]: row["name"] for row in _rows(REGIONS_FILE)}


@cache
def entity_type_names() -> dict[str, tuple[str, str]]:
    """买/卖方性质 code → (Chinese name, English name), from the committed table (no query)."""
    return {
        row["code"]: (row["name"], row["name_en"])
        for row in _rows(CLASSIFICATIONS_FILE)
        if row["scheme"] == "entity_type"
    }
