"""The State Council's yearly holiday and 调休 calendar as data: read, validate and load one year's file.

Each ``core/data/holidays/<year>.json`` names its source (the 国务院办公厅 notice, its number and date)
and lists the days off (``holidays``: ranges with the festival's name) and the weekend days worked
(``working_days``). ``load_year`` replaces a year's days atomically, so loading again is harmless.
The loader takes the model classes so the data migration can pass its historical models.
"""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

DATA_DIR = Path(__file__).resolve().parent / "data" / "holidays"
HOLIDAY = "holiday"
WORKING_DAY = "working_day"


@dataclass(frozen=True)
class YearCalendar:
    year: int
    source: str
    published_on: date
    note: str
    days: dict[date, tuple[str, str]]  # date -> (kind, festival name)


def bundled_years() -> list[int]:
    return sorted(int(path.stem) for path in DATA_DIR.glob("*.json") if path.stem.isdigit())


def bundled_path(year: int) -> Path:
    return DATA_DIR / f"{year}.json"


def _date(value, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            _("%(where)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"where": where, "value": value}
        ) from None


def parse(data) -> YearCalendar:
    """Checks one year's arrangement and returns it; a ``ValidationError`` lists every problem found."""
    if not isinstance(data, dict):
        raise ValidationError(_("The calendar file must hold one JSON object."))
    problems: list[str] = []
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError(_("The calendar file must give its year (2000–2100)."))
    source = data.get("source") or {}
    title = str(source.get("title") or "").strip()
    number = str(source.get("number") or "").strip()
    if not title or not number or not source.get("published_on"):
        raise ValidationError(
            _("The calendar file must name its source: title, number and publication date.")
        )
    published_on = _date(source["published_on"], _("source"))
    days: dict[date, tuple[str, str]] = {}

    def add(day: date, kind: str, name: str) -> None:
        if day.year != year:
            problems.append(_("%(day)s lies outside %(year)s.") % {"day": day, "year": year})
        elif day in days and days[day][0] != kind:
            problems.append(_("%(day)s is listed both as a day off and as a working day.") % {"day": day})
        else:
            days[day] = (kind, name)

    for entry in data.get("holidays") or []:
        name = str(entry.get("name") or "").strip()
        start = _date(entry.get("from"), name or _("holiday"))
        end = _date(entry.get("to", entry.get("from")), name or _("holiday"))
        if not name:
            problems.append(_("The holiday from %(day)s has no name.") % {"day": start})
        if end < start or (end - start).days > 14:
            problems.append(
                _("The holiday %(name)s runs from %(start)s to %(end)s, which is not a holiday range.")
                % {"name": name, "start": start, "end": end}
            )
            continue
        while start <= end:
            add(start, HOLIDAY, name)
            start += timedelta(days=1)
    if not any(kind == HOLIDAY for kind, _name in days.values()):
        problems.append(_("The calendar of %(year)s lists no holidays.") % {"year": year})
    for entry in data.get("working_days") or []:
        name = str(entry.get("name") or "").strip()
        day = _date(entry.get("date"), name or _("working day"))
        if day.weekday() < 5:
            problems.append(
                _("%(day)s is a weekday; only a Saturday or Sunday can be an adjusted working day.")
                % {"day": day}
            )
            continue
        add(day, WORKING_DAY, name)
    if problems:
        raise ValidationError(problems)
    return YearCalendar(
        year=year,
        source=f"{title}（{number}）",
        published_on=published_on,
        note=str(data.get("note") or ""),
        days=days,
    )


def read(path: Path) -> YearCalendar:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(_("There is no calendar file %(path)s.") % {"path": path}) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(
            _("%(path)s is not a JSON file: %(error)s") % {"path": path, "error": error}
        ) from None
    return parse(data)


@transaction.atomic
def load_year(calendar: YearCalendar, *, year_model, day_model):
    """Creates or replaces the year: its source and exactly the days the file lists. Loading the same
    file again writes nothing (no audit event); ``loaded_at`` is when the year last changed."""
    fields = {"source": calendar.source, "published_on": calendar.published_on, "note": calendar.note}
    record = year_model.objects.filter(year=calendar.year).first()
    existing = {day.date: day for day in day_model.objects.filter(calendar=record)} if record else {}
    same_days = {day: (row.kind, row.name) for day, row in existing.items()} == calendar.days
    if (
        record is not None
        and same_days
        and all(getattr(record, key) == value for key, value in fields.items())
    ):
        return record
    if record is None:
        record = year_model.objects.create(year=calendar.year, loaded_at=timezone.now(), **fields)
    else:
        for key, value in fields.items():
            setattr(record, key, value)
        record.loaded_at = timezone.now()
        record.save()
    for day, row in existing.items():
        if day not in calendar.days:
            row.delete()
    for day, (kind, name) in sorted(calendar.days.items()):
        row = existing.get(day)
        if row is None:
            day_model.objects.create(calendar=record, date=day, kind=kind, name=name)
        elif (row.kind, row.name) != (kind, name):
            row.kind, row.name = kind, name
            row.save(update_fields=["kind", "name"])
    return record


def load_bundled(*, year_model, day_model) -> None:
    for year in bundled_years():
        load_year(read(bundled_path(year)), year_model=year_model, day_model=day_model)
