"""Partner systems authenticate with ``Authorization: Api-Key <key>``.

Wrong keys are counted per client address in the cache (Redis in production): once an address has
sent ``API_KEY_FAILURE_LIMIT`` of them within a window of ``API_KEY_FAILURE_WINDOW_MINUTES``, every
``Api-Key`` request from it is answered 429 with ``Retry-After`` until the window ends, before any key
is looked up or hashed, so guessing keys gets cheap refusals instead of answers.
"""

import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import PartnerAPIKey


def _failure_window(address: str) -> tuple[str, int]:
    """The cache key counting this address's wrong keys in the current window, and the seconds left
    in it (fixed windows: one counter per address and window, no list of timestamps)."""
    window = settings.API_KEY_FAILURE_WINDOW_MINUTES * 60
    now = time.time()
    number = int(now // window)
    return f"partner-key-failures:{address}:{number}", max(1, int((number + 1) * window - now))


def key_failures_forget(address: str) -> None:
    """Forgets the wrong keys an address sent in the current window."""
    cache.delete(_failure_window(address)[0])


def _refuse_if_too_many(address: str) -> None:
    key, seconds_left = _failure_window(address)
    if (cache.get(key) or 0) >= settings.API_KEY_FAILURE_LIMIT:
        raise exceptions.Throttled(
            wait=seconds_left, detail=str(_("Too many wrong partner keys were sent from this address."))
        )


def _count_failure(address: str) -> None:
    key, seconds_left = _failure_window(address)
    cache.add(key, 0, timeout=seconds_left + 1)
    try:
        cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=seconds_left + 1)


class PartnerAPIKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _separator, key = header.partition(" ")
        if scheme != self.keyword:
            return None
        address = get_client_ip_address(request) or "unknown"
        _refuse_if_too_many(address)
        try:
            return self._authenticate_key(key.strip())
        except exceptions.AuthenticationFailed:
            _count_failure(address)
            raise

    def _authenticate_key(self, key: str):
        if not key:
            raise exceptions.AuthenticationFailed(_("The partner key is missing."))
        try:
            api_key = PartnerAPIKey.objects.get_from_key(key)
        except PartnerAPIKey.DoesNotExist:
            api_key = None
        if api_key is None or api_key.has_expired or api_key.revoked:
            raise exceptions.AuthenticationFailed(_("The partner key is not valid or was revoked."))
        user = api_key.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("The partner's account is disabled."))
        return (user, api_key)

    def authenticate_header(self, request):
        return self.keyword


class PartnerAPIKeyScheme(OpenApiAuthenticationExtension):
    target_class = PartnerAPIKeyAuthentication
    name = "PartnerApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`, issued and revoked by a platform administrator.",
        }
