"""Permission checks of the institution API: the django-rules permissions the pages use too.

Views check the rule before reading the request body, so a caller who may not act gets a 403 and
learns nothing from validation messages; the services check the same rule again.
"""

from rest_framework import exceptions


def require(user, permission: str, obj=None) -> None:
    """Raises 403 unless ``user`` holds the rules permission (on ``obj`` when given)."""
    if not user.has_perm(permission, obj):
        raise exceptions.PermissionDenied()
