"""Working days (工作日) by the State Council's yearly holiday and 调休 calendar (``core.holidays``).

A day is a working day when the year's arrangement says so: Monday to Friday unless it is a day off,
Saturday and Sunday only when listed as an adjusted working day (调休上班). Periods count the usual
Chinese way: the start day is not counted (民法典 第201条), so ``add_working_days(d, 5)`` is the fifth
working day after ``d``.

A year whose calendar is not loaded falls back to Monday–Friday, logs a warning and is listed by
``missing_years`` (the beat task and the admin warn before it is needed). Each year's days are cached in
the process for ``HOLIDAY_CALENDAR_CACHE_SECONDS`` and dropped by ``clear_cache`` when a year is loaded;
a call reads the database at most once (every year it needs, in one query).
"""

import logging
import time
from datetime import date, timedelta

from django.conf import settings

from core.holidays import HOLIDAY, WORKING_DAY
from core.models import CalendarDay, HolidayCalendarYear

logger = logging.getLogger(__name__)

# year -> (read at, days off, weekend days worked); a year missing from the database maps to None sets.
_cache: dict[int, tuple[float, frozenset[date], frozenset[date]] | tuple[float, None, None]] = {}
_warned: set[int] = set()


def clear_cache() -> None:
    _cache.clear()
    _warned.clear()


def _fresh(year: int) -> bool:
    entry = _cache.get(year)
    return entry is not None and time.monotonic() - entry[0] < settings.HOLIDAY_CALENDAR_CACHE_SECONDS


def _years(years) -> dict[int, tuple[frozenset[date] | None, frozenset[date] | None]]:
    """The days off and weekend days worked of each year, reading the stale years in one query."""
    stale = sorted({year for year in years if not _fresh(year)})
    if stale:
        rows = CalendarDay.objects.filter(calendar__year__in=stale).values_list(
            "calendar__year", "date", "kind"
        )
        found: dict[int, tuple[set[date], set[date]]] = {}
        for year, day, kind in rows:
            off, worked = found.setdefault(year, (set(), set()))
            (off if kind == HOLIDAY else worked if kind == WORKING_DAY else set()).add(day)
        now = time.monotonic()
        for year in stale:
            if year in found:
                _cache[year] = (now, frozenset(found[year][0]), frozenset(found[year][1]))
            else:
                _cache[year] = (now, None, None)
    return {year: _cache[year][1:] for year in years}


def _working(day: date, calendars) -> bool:
    off, worked = calendars[day.year]
    if off is None:
        if day.year not in _warned:
            _warned.add(day.year)
            logger.warning(
                "No holiday calendar loaded for %s: counting Monday to Friday as working days.", day.year
            )
        return day.weekday() < 5
    if day in worked:
        return True
    return day.weekday() < 5 and day not in off


def is_working_day(day: date) -> bool:
    return _working(day, _years([day.year]))


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted); ``start`` for 0."""
    if days < 0:
        raise ValueError("days must not be negative")
    # A year holds at least ~245 working days, so the period ends within the next two years for any
    # period the rules state (at most a few dozen working days); read both at once.
    span = 1 + days // 200
    calendars = _years(range(start.year, start.year + span + 1))
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if day.year not in calendars:
            calendars.update(_years([day.year]))
        if _working(day, calendars):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days lie after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    calendars = _years(range(start.year, end.year + 1))
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += _working(day, calendars)
    return count


def missing_years(years) -> list[int]:
    """Which of ``years`` have no calendar loaded (read fresh, not from the cache)."""
    loaded = set(HolidayCalendarYear.objects.filter(year__in=list(years)).values_list("year", flat=True))
    return [year for year in years if year not in loaded]


def calendars_due(today: date) -> list[int]:
    """The years whose calendar should be loaded by ``today`` and is not: this year, and from
    ``HOLIDAY_CALENDAR_WARN_FROM`` (month, day: 1 November by default) next year too."""
    month, day = settings.HOLIDAY_CALENDAR_WARN_FROM
    years = [today.year] + ([today.year + 1] if (today.month, today.day) >= (month, day) else [])
    return missing_years(years)
