"""Sends a signed-in user whose password is older than the rotation period to change it."""

from django.shortcuts import redirect
from django.urls import reverse


class PasswordExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.method == "GET"
            and not request.path.startswith(("/accounts/", "/static/", "/api/", "/i18n/"))
            and user.password_expired()
        ):
            return redirect(f"{reverse('accounts:password_change')}?expired=1")
        return self.get_response(request)
