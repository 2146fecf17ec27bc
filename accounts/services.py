"""Writes for accounts: users, sign-in lock-outs, second factors and partner keys."""

from axes import utils as axes_utils
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.models import PartnerAPIKey, SecondFactorDevice
from core.permissions import require

User = get_user_model()


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    email: str = "",
    full_name: str = "",
    is_superuser: bool = False,
) -> User:
    """Creates a user; a ``None`` password makes an account that cannot sign in (service accounts)."""
    user = User(
        username=username,
        email=email,
        full_name=full_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def partner_key_issue(*, user: User, name: str) -> tuple[PartnerAPIKey, str]:
    """Issues a partner key for a service account; the plain key is returned once, never stored."""
    api_key, key = PartnerAPIKey.objects.create_key(name=name, user=user)
    return api_key, key


@transaction.atomic
def partner_key_revoke(*, api_key: PartnerAPIKey) -> PartnerAPIKey:
    api_key.revoked = True
    api_key.save(update_fields=["revoked"])
    return api_key


def sign_in_failures_forget(*, username: str) -> int:
    """Forgets the failed sign-ins of a username at every address, which ends any lock-out on it
    (after a password reset by e-mail); returns how many failure records were removed."""
    return axes_utils.reset(username=username)


# --- second factor (TOTP) ----------------------------------------------------------------------
# Checking a code writes to the device even when the code is wrong (django-otp counts failures and
# makes each next check wait longer), so no code is checked inside a transaction that a refusal would
# roll back: the writes after a good code are atomic on their own.


def _wrong_code() -> ValidationError:
    return ValidationError(
        {
            "token": ValidationError(
                _(
                    "This code is not right, or it has already been used. Type the 6 digits your "
                    "authenticator app shows now; after several wrong codes, wait a little between tries."
                ),
                code="wrong_code",
            )
        }
    )


@transaction.atomic
def second_factor_enrolment_start(*, actor: User) -> SecondFactorDevice:
    """Starts enrolling an authenticator app: a new, unconfirmed device whose secret the user copies
    into the app; an earlier unfinished enrolment is discarded."""
    require(actor, "accounts.use_second_factor")
    if selectors.second_factor_device_get(user=actor) is not None:
        raise ValidationError(
            _("An authenticator app is already enrolled; remove it before enrolling another."),
            code="second_factor_enrolled",
        )
    SecondFactorDevice.objects.filter(user=actor, confirmed=False).delete()
    device = SecondFactorDevice(user=actor, name=str(_("Authenticator app")), confirmed=False)
    device.full_clean()
    device.save()
    return device


def second_factor_enrolment_confirm(*, actor: User, token: str) -> SecondFactorDevice:
    """Finishes the enrolment once the user types a code from the app: from then on, signing in asks
    for a code."""
    require(actor, "accounts.use_second_factor")
    device = selectors.second_factor_device_get(user=actor, confirmed=False)
    if device is None:
        raise ValidationError(_("There is no enrolment to finish; start again."), code="no_enrolment")
    if not device.verify_token(token):
        raise _wrong_code()
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


def second_factor_check(*, user: User, token: str) -> SecondFactorDevice:
    """The user's enrolled device, if ``token`` is its current code (the second step of signing in)."""
    device = selectors.second_factor_device_get(user=user)
    if device is None or not device.verify_token(token):
        raise _wrong_code()
    return device


def second_factor_remove(*, actor: User, token: str) -> None:
    """Removes the actor's authenticator app, on a current code from it; signing in then asks for the
    password only. A platform admin must keep one while ``OTP_REQUIRED_FOR_ADMINS`` is on."""
    if settings.OTP_REQUIRED_FOR_ADMINS and actor.is_superuser:
        raise ValidationError(
            _("Platform administrators must sign in with a second factor; the app cannot be removed."),
            code="second_factor_required",
        )
    device = second_factor_check(user=actor, token=token)
    with transaction.atomic():
        device.delete()
