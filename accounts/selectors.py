"""Reads for accounts: a user's second-factor device."""

from accounts.models import SecondFactorDevice


def second_factor_device_get(*, user, confirmed: bool = True) -> SecondFactorDevice | None:
    """The user's enrolled authenticator app (``confirmed``), or the one being enrolled (not)."""
    if user is None or not user.is_authenticated:
        return None
    return SecondFactorDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()
