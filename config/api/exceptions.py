"""One error shape for the whole API: ``{"code", "detail", "fields"}``.

``detail`` is a sentence a person understands, in Chinese or English by ``Accept-Language``;
``fields`` maps each invalid input field to its messages. Django's own ``ValidationError`` (raised by
``full_clean()`` in services) and ``PermissionDenied`` become 400 and 403 instead of a 500.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


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


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args[:1])  # keep the service's reason, if it gave one

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
