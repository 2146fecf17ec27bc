"""One error shape for the whole API: ``{"code", "detail", "fields"}``.

``detail`` is a sentence a person understands, in Chinese or English by ``Accept-Language``;
``fields`` maps each invalid input field to its messages. A request that acted on a version of a record
that is no longer current (``core.versions.StaleVersion``) is a 409 that adds ``changes`` (what changed
since, old → new) and ``current_version``. Django's own ``ValidationError`` (raised by
``full_clean()`` in services) and ``PermissionDenied`` become 400 and 403 instead of a 500; a service's
coded refusal of a workflow step keeps its code (``illegal_transition``, ``not_editable`` …). A missing
permission (``core.permissions.require``) gets the standard 403 body wherever it was checked, in the view
or in the service; a service's ``PermissionDenied`` with a reason of its own keeps that reason.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.permissions import PermissionRefused
from core.versions import StaleVersion


class StateError(exceptions.APIException):
    """A workflow rule refused the step (e.g. approving a draft): a 400 whose ``code`` names the rule."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "illegal_transition"
    default_detail = _("This cannot be done in the current status.")


class Conflict(exceptions.APIException):
    """The request is well-formed but clashes with the object's current state."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _flatten(messages) -> list[str]:
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in _flatten(value)]
    if isinstance(messages, list | tuple):
        return [text for value in messages for text in _flatten(value)]
    return [str(messages)]


def _is_rule_refusal(error: DjangoValidationError) -> bool:
    """A service's single, coded refusal (``ValidationError(message, code="illegal_transition")``), as
    opposed to invalid input, which comes as messages by field."""
    return not hasattr(error, "error_dict") and bool(getattr(error, "code", None)) and error.code != "invalid"


def _stale_version_response(exc: StaleVersion) -> Response:
    """409: what the request acted on changed since its author saw it; the body says what changed."""
    return Response(
        {
            "code": exc.code,
            "detail": exc.messages[0],
            "fields": {},
            "changes": [change.as_dict() for change in exc.changes],
            "current_version": exc.current_version,
        },
        status=status.HTTP_409_CONFLICT,
    )


def exception_handler(exc, context):
    if isinstance(exc, StaleVersion):
        return _stale_version_response(exc)
    if isinstance(exc, DjangoValidationError) and _is_rule_refusal(exc):
        exc = StateError(exc.messages[0], code=exc.code)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionRefused):
        exc = exceptions.PermissionDenied()  # a missing permission: the same body as DRF's own refusals
    elif isinstance(exc, DjangoPermissionDenied):
        # Keep the service's reason, if it gave one, and its code (a ``code`` attribute naming the rule).
        exc = exceptions.PermissionDenied(*exc.args[:1], code=getattr(exc, "code", None))

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    fields: dict = {}
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        data = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        non_field = data.pop("non_field_errors", None) or data.pop("__all__", None) or []
        fields = {name: _flatten(messages) for name, messages in data.items()}
        summary = _flatten(non_field)
        if summary:
            detail = " ".join(summary)
        else:
            detail = _("Some fields are not valid; see the messages next to each field.")
    else:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc.detail, dict | list):
            detail = " ".join(_flatten(exc.detail))
        else:
            detail = str(exc.detail)
            code = getattr(exc.detail, "code", code) or code
    return Response(
        {"code": code, "detail": detail, "fields": fields},
        status=response.status_code,
        headers=dict(response.items()),
    )
