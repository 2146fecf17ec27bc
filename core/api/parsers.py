"""The API's JSON parser: a bounded body, bounded nesting, and only values PostgreSQL can store.

DRF's own parser reads the whole request stream (Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` guards
``request.body`` only, which DRF does not use), lets Python's ``json`` recurse until ``RecursionError``
(100,000 nested ``[`` were a 500), and passes on strings PostgreSQL refuses: a NUL character
(``\\u0000``) or a lone surrogate (``\\ud800``) reached the database and failed there. This parser
refuses each of these with a 400 (a 413 for the size) in the API's error body, before any serializer
runs, so no field of any endpoint has to remember them.
"""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, status

# Nesting beyond this is refused: no input of the API is nested more than a few levels.
MAX_DEPTH = 32


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def _is_storable(text: str) -> bool:
    """Whether PostgreSQL can store ``text``: no NUL, and valid UTF-8 (no lone surrogate)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_value(data, *, max_depth: int = MAX_DEPTH) -> None:
    """Raises ``ParseError`` when ``data`` (parsed JSON) nests deeper than ``max_depth`` or holds a
    string (value or key) PostgreSQL cannot store or a number that is not finite. Iterative, so no
    depth of input makes it recurse."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                raise exceptions.ParseError(
                    _("The JSON body is nested more than %(depth)d levels deep.") % {"depth": max_depth}
                )
            if isinstance(value, dict):
                for key in value:
                    if not _is_storable(key):
                        raise exceptions.ParseError(
                            _("The JSON body contains a character that is not allowed.")
                        )
                items = value.values()
            else:
                items = value
            pending.extend((item, depth + 1) for item in items)
        elif isinstance(value, str):
            if not _is_storable(value):
                raise exceptions.ParseError(_("The JSON body contains a character that is not allowed."))
        elif isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise exceptions.ParseError(_("The JSON body contains a number that is too large."))


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a size cap (``API_MAX_JSON_BYTES``), a depth cap and storable values."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_JSON_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise RequestTooLarge(_("The request body is larger than %(size)d KB.") % {"size": limit // 1024})
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(body.decode(encoding), parse_constant=_refuse_constant)
        except RecursionError:
            raise exceptions.ParseError(
                _("The JSON body is nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH}
            ) from None
        except (ValueError, LookupError) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise exceptions.ParseError(
                _("The JSON body is not valid: %(error)s") % {"error": error}
            ) from None
        check_value(data)
        return data


def _refuse_constant(name: str):
    raise ValueError(_("%(name)s is not a JSON number.") % {"name": name})
