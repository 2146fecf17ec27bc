"""Failed sign-ins lock a username *at one address*, with exponential back-off (django-axes handler).

Axes counts the failures of each (username, address) pair (``AXES_LOCKOUT_PARAMETERS``) and remembers
them for ``AXES_COOLOFF_TIME``, the longest lock (24 h). Locking by the pair means that a stranger who
types someone's username five times locks only their own address out, never the owner at theirs.
Whether the pair is locked is :func:`accounts.policies.lockout_duration` after its latest failure; a
refused attempt during a lock neither counts nor extends it
(``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``). A successful sign-in forgets the pair's
failures, and a password reset by e-mail forgets every failure of the username
(``accounts.services.sign_in_failures_forget``).
"""

from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from accounts import policies


def _duration(failures: int):
    return policies.lockout_duration(
        failures=failures,
        limit=settings.AXES_FAILURE_LIMIT,
        first=settings.LOGIN_LOCKOUT_FIRST,
        longest=settings.AXES_COOLOFF_TIME,
    )


class SignInLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler whose lock lasts by the number of failures, not a fixed cool-off."""

    def locked_until(self, request, credentials: dict | None = None) -> datetime | None:
        """When the lock on this request's username and address ends (None: it is not locked)."""
        failures, latest = 0, None
        for attempts in self.get_user_attempts(request, credentials):
            totals = attempts.aggregate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
            if (totals["failures"] or 0) > failures:
                failures, latest = totals["failures"], totals["latest"]
        duration = _duration(failures)
        if duration is None or latest is None:
            return None
        ends = latest + duration
        return ends if ends > timezone.now() else None

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return self.locked_until(request, credentials) is not None
