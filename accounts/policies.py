"""Pure rules of signing in: how long a run of failed sign-ins locks a username at an address."""

from datetime import timedelta

# 2 ** 20 times the first lock is far past any sensible cap; it keeps the power small.
_LONGEST_EXPONENT = 20


def lockout_duration(*, failures: int, limit: int, first: timedelta, longest: timedelta) -> timedelta | None:
    """How long ``failures`` remembered failures lock a username at one address (None: not locked).

    The failure that reaches ``limit`` locks for ``first``; every further failure (each possible only
    once the previous lock has ended) doubles it, up to ``longest``: 30 min, 1 h, 2 h … 24 h.
    """
    if failures < limit:
        return None
    exponent = min(failures - limit, _LONGEST_EXPONENT)
    return min(first * 2**exponent, longest)
