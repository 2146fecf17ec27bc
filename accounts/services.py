"""Writes for accounts: users, sign-in lock-outs and partner keys."""

from axes import utils as axes_utils
from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import PartnerAPIKey

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
