"""Base API permissions that check django-rules permissions, so pages and API share one rule."""

from rest_framework import permissions


class PublicReadOnly(permissions.BasePermission):
    """Anyone may read; writes need the per-action rule checked in the view."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )
