"""Users and partner API keys."""

import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_api_key.models import AbstractAPIKey

from core import limits


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person (or a partner system's service account) who signs in (用户).

    Roles are not stored here: a role is a membership in an organisation (``institutions``).
    ``is_superuser`` marks the platform administrator.
    """

    full_name = limits.single_line_field(_("full name"), max_length=100, blank=True)
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def password_expired(self, *, now=None) -> bool:
        max_age = settings.PASSWORD_MAX_AGE_DAYS
        if not max_age:
            return False
        now = now or timezone.now()
        return (now - self.password_changed_at).days >= max_age

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


@pghistory.track(exclude=["hashed_key"])
class PartnerAPIKey(AbstractAPIKey):
    """A key a partner system (national or city platform, bank) uses for the API (合作系统密钥).

    The key authenticates as its service ``user``; what the partner may do follows that user's
    memberships, so partners get no special path around the role and jurisdiction rules.
    Only a hash is stored; the key is shown once when issued.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="partner_api_keys",
        verbose_name=_("service account"),
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")


@pghistory.track(exclude=["key"])
class SecondFactorDevice(TOTPDevice):
    """An authenticator app enrolled as a user's second factor (双因素认证, TOTP, RFC 6238).

    django-otp's device, seen through this proxy so that its history (enrolment, confirmation, each use
    and failed code, removal) is audited like every other model; the secret ``key`` is never copied
    into the history. A device is ``confirmed`` once the user has typed a code from it.
    """

    class Meta:
        proxy = True
        verbose_name = _("second-factor device")
        verbose_name_plural = _("second-factor devices")
