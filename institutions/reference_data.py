"""Loads the committed reference tables (regions, classifications) idempotently.

Used by the data migrations and by ``manage.py load_reference_data``; each loader takes the model
classes so that a migration can pass its historical models. Each table is a dated file under
``institutions/data/`` with a ``*.SOURCE.md`` beside it that records where it came from.
"""

import csv
from datetime import date
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
# Every region of China down to county level (国家统计局 2023年统计用区划代码 via china-division 2.7.0);
# its Sichuan rows are exactly regions_sichuan.csv. See regions_china.SOURCE.md.
REGIONS_FILE = DATA_DIR / "regions_china.csv"
SICHUAN_REGIONS_FILE = DATA_DIR / "regions_sichuan.csv"
CLASSIFICATIONS_FILE = DATA_DIR / "classifications.csv"
# The code lists of the national registration form (技术合同登记表, 表号 JJ-001), one file a scheme;
# see jj001.SOURCE.md.
JJ001_FILES = tuple(
    DATA_DIR / f"jj001_{scheme}.csv"
    for scheme in (
        "entity_type",
        "country",
        "plan_category",
        "socio_economic_goal",
        "trade_subject",
        "contract_ip_type",
    )
)
CLASSIFICATION_FILES = (CLASSIFICATIONS_FILE, *JJ001_FILES)
# The code table's cut-off date (国家统计局 2023年统计用区划代码), see regions_china.SOURCE.md.
REGIONS_VALID_FROM = date(2023, 6, 30)
_LEVELS = ("province", "city", "county")
_REGION_FIELDS = ("name", "level", "parent_id", "valid_from")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def region_rows() -> tuple[dict[str, str], ...]:
    """The rows of the regions file, parents first (provinces, then cities, then counties)."""
    return tuple(sorted(_rows(REGIONS_FILE), key=lambda row: (_LEVELS.index(row["level"]), row["code"])))


def load_regions(region_model) -> int:
    """Creates the regions missing from the table and corrects those whose row changed, parents first,
    in a few queries (the file has some 3,300 rows). Rows not in the file are left alone."""
    rows = region_rows()
    existing = {region.code: region for region in region_model.objects.all()}
    for level in _LEVELS:
        missing, changed = [], []
        for row in rows:
            if row["level"] != level:
                continue
            values = {
                "name": row["name"],
                "level": row["level"],
                "parent_id": row["parent_code"] or None,
                "valid_from": REGIONS_VALID_FROM,
            }
            region = existing.get(row["code"])
            if region is None:
                missing.append(region_model(code=row["code"], **values))
            elif any(getattr(region, field) != values[field] for field in _REGION_FIELDS):
                for field, value in values.items():
                    setattr(region, field, value)
                changed.append(region)
        region_model.objects.bulk_create(missing, batch_size=1000)
        region_model.objects.bulk_update(changed, ["name", "level", "parent", "valid_from"], batch_size=1000)
    return len(rows)


@cache
def classification_rows() -> tuple[dict[str, str], ...]:
    """The rows of every classification file, in file order (a parent comes before its children)."""
    return tuple(row for path in CLASSIFICATION_FILES for row in _rows(path))


def load_classifications(classification_model) -> int:
    """Creates or updates every entry of the classification files (idempotent)."""
    rows = classification_rows()
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
    return {row["code"]: row["name"] for row in region_rows()}


@cache
def entity_type_names() -> dict[str, tuple[str, str]]:
    """买/卖方性质 code → (Chinese name, English name), from the committed table (no query)."""
    return {
        row["code"]: (row["name"], row["name_en"])
        for row in classification_rows()
        if row["scheme"] == "entity_type"
    }
