"""The demo calendar (``demo.dates``): history keeps its dates, the recent part moves with today."""

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from demo import dates

DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2040, 12, 31))
TODAYS = st.dates(min_value=dates.REFERENCE_DAY, max_value=date(2040, 12, 31))


def test_history_keeps_its_dates_and_the_recent_part_moves_with_today():
    today = dates.REFERENCE_DAY + timedelta(days=400)

    assert dates.on(dates.HISTORY_ENDS, today) == dates.HISTORY_ENDS
    assert dates.on(date(2021, 3, 1), today) == date(2021, 3, 1)
    assert dates.on(dates.HISTORY_ENDS + timedelta(days=1), today) == date(2027, 8, 5)
    assert dates.on(dates.REFERENCE_DAY, today) == today
    assert dates.on(None, today) is None


def test_a_clock_before_the_reference_day_gets_the_demo_as_written():
    assert dates.on(dates.REFERENCE_DAY, date(2026, 1, 1)) == dates.REFERENCE_DAY


@given(first=DAYS, second=DAYS, today=TODAYS)
def test_the_order_of_two_dates_and_their_order_with_today_never_change(first, second, today):
    moved_first, moved_second = dates.on(first, today), dates.on(second, today)

    assert (first < second) == (moved_first < moved_second)
    assert (first == second) == (moved_first == moved_second)
    assert (first <= dates.REFERENCE_DAY) == (moved_first <= today)
    assert moved_first >= first


def test_dated_moves_every_date_of_a_specification_and_nothing_else():
    @dataclass(frozen=True)
    class Spec:
        title: str
        opened_on: date
        closed_on: date | None

    spec = Spec("储能", date(2024, 5, 6), dates.REFERENCE_DAY)

    moved = dates.dated(spec, dates.REFERENCE_DAY + timedelta(days=10))

    assert moved == Spec("储能", date(2024, 5, 6), dates.REFERENCE_DAY + timedelta(days=10))
