"""The one permission check of pages, services and API: ``require``.

Pages, API views and services all ask the same django-rules permission through it. A refusal is
Django's ``PermissionDenied``: a page shows the 403 page with its sentence, and the API's exception
handler (``core.api.exceptions``) answers with the standard 403 body.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


class PermissionRefused(PermissionDenied):
    """``require``'s refusal: the actor lacks a permission. Unlike a service's own ``PermissionDenied``
    it gives no particular reason, so the API answers it as it answers every role it refuses."""


def require(user, permission: str, obj=None) -> None:
    """Raises ``PermissionDenied`` (a 403 page, or a 403 API answer) unless ``user`` holds the
    rules permission (on ``obj`` when given)."""
    if user is None or not user.has_perm(permission, obj):
        raise PermissionRefused(_("You do not have permission to do this."))
