"""Answers that depend on who asks: the API's errors are JSON, and what a signed-in person sees is
never kept by a browser or proxy cache."""

from django.utils.cache import patch_cache_control

from core import views

# Django's own answers that the API's URL map never reaches: an address no route matches (its debug
# page too) and a method an HTML view refuses.
_API_ERROR_STATUSES = {404, 405}


class ApiErrorMiddleware:
    """Under ``/api/`` an unknown address or refused method answers the API's JSON error body.

    Out of debug ``handler404`` already does so for ``/api/…/``; this also covers ``/api`` itself,
    the debug 404 page (which would list every route) and a method refused by a non-API view. DRF's
    own answers are left as they are: they are already the API's body, in the negotiated format.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            views.is_api(request)
            and response.status_code in _API_ERROR_STATUSES
            and response.get("Content-Type", "").startswith("text/html")
        ):
            api_response = views.api_error_for_status(response.status_code)
            if response.has_header("Allow"):
                api_response["Allow"] = response["Allow"]
            return api_response
        return response


class PrivateCacheMiddleware:
    """``Cache-Control: no-store, private`` on every answer to a signed-in caller.

    A page or API answer for a signed-in person (session or partner key) holds what only they may
    see: their drafts, their organisation's deals, contact details. Neither the browser's back-forward
    history nor a shared proxy may keep it, so a later user of the same computer cannot read it.
    Anonymous answers hold only public data and keep their default caching. DRF's authentication sets
    ``request.user`` on the underlying request too, so a partner key counts as signed in here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
