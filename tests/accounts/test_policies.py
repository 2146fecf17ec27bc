"""How long a run of failed sign-ins locks a username at one address (pure rule, no database)."""

from datetime import timedelta

import pytest

from accounts.policies import lockout_duration

FIRST = timedelta(minutes=30)
LONGEST = timedelta(hours=24)


@pytest.mark.parametrize(
    ("failures", "minutes"),
    [(0, None), (4, None), (5, 30), (6, 60), (7, 120), (10, 960), (11, 1440), (12, 1440), (10_000, 1440)],
)
def test_the_lock_doubles_with_each_failure_past_the_limit_up_to_the_longest(failures, minutes):
    duration = lockout_duration(failures=failures, limit=5, first=FIRST, longest=LONGEST)

    assert duration == (None if minutes is None else timedelta(minutes=minutes))
