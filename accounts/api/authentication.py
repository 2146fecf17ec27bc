"""Partner systems authenticate with ``Authorization: Api-Key <key>``."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import PartnerAPIKey


class PartnerAPIKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _separator, key = header.partition(" ")
        if scheme != self.keyword:
            return None
        key = key.strip()
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
