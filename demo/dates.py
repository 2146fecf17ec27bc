"""The demo calendar: the same demo on any day it is seeded.

The specifications are written for one fixed day, ``REFERENCE_DAY``. Everything they date up to
``HISTORY_ENDS`` is history and keeps its date: contracts registered in each year since 2021, deals
cancelled, listings expired. What a page must show as recent or running — publicity periods in
progress, contracts on the disclosure board, deals under negotiation or awaiting registration, open
demands and their deadlines, active listings and the end of their listing period — lies after
``HISTORY_ENDS`` and moves forward with today, by as many days as today lies after ``REFERENCE_DAY``.

``on`` is that mapping. It never moves a date backwards and keeps every later date later, so the order
of any two dates, and how each compares with today, is what it was on ``REFERENCE_DAY``: every count,
title, amount, party and state comes out the same on any day. Only the length of a span that crosses
``HISTORY_ENDS`` grows (a deal opened in the spring and still negotiating, a listing published then and
listed until next year). Spans the platform itself computes from one date (publicity, disclosure,
registration deadline) are shorter than the recent part of the calendar, so they compare with today as
they did on the reference day.
"""

from dataclasses import fields, is_dataclass, replace
from datetime import date, timedelta

REFERENCE_DAY = date(2026, 12, 1)
HISTORY_ENDS = date(2026, 6, 30)
FIRST_YEAR = 2021


def shift(today: date) -> timedelta:
    """How far the recent part of the demo moves: from ``REFERENCE_DAY`` to today (never backwards, so
    a clock set before the reference day gets the demo as written)."""
    return max(today - REFERENCE_DAY, timedelta(0))


def on(day: date | None, today: date) -> date | None:
    """The date ``day`` of the reference calendar has when the demo is seeded ``today``."""
    if day is None or day <= HISTORY_ENDS:
        return day
    return day + shift(today)


def dated(spec, today: date):
    """A frozen specification (a dataclass) with each of its dates moved by ``on``."""
    assert is_dataclass(spec), spec
    changes = {
        field.name: on(value, today)
        for field in fields(spec)
        if isinstance(value := getattr(spec, field.name), date)
    }
    return replace(spec, **changes) if changes else spec
