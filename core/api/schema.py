"""OpenAPI schema: every operation documents the shared error shape for its error statuses."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable error code, e.g. `invalid`, `not_found`.")
    detail = serializers.CharField(help_text="A sentence a person understands, in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages for each invalid input field.",
    )


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field's name.")
    label = serializers.CharField(help_text="The field's label, in the request's language.")
    old = serializers.CharField(help_text="The value in the version you acted on, as shown.")
    new = serializers.CharField(help_text="The current value, as shown.")


class StaleVersionSerializer(ErrorSerializer):
    """A 409 for acting on a version that is no longer current (``core.versions.StaleVersion``)."""

    changes = ChangeSerializer(many=True, help_text="What changed since the version you acted on.")
    current_version = serializers.IntegerField(help_text="The version to review now.")


def stale_version_response(description: str) -> OpenApiResponse:
    """The 409 of an operation that names the version of what its author reviewed."""
    return OpenApiResponse(StaleVersionSerializer, description=description)


_ERROR_DESCRIPTIONS = {
    400: "Invalid input or an illegal state transition.",
    401: "Not signed in, or the partner key is missing or revoked.",
    403: "Signed in, but this role or jurisdiction may not do this.",
    404: "No such object, or it is not visible to you.",
    409: "The object changed state; reload and try again.",
    429: (
        "Too many requests, or too many wrong partner keys from this address; wait the seconds given in "
        "`Retry-After`."
    ),
    406: "The `Accept` header asks for a representation the API does not offer (it speaks JSON).",
    415: "The request body's content type is not one the operation accepts.",
}


_RETRY_AFTER = {
    "schema": {"type": "integer", "minimum": 1},
    "description": "Seconds to wait before trying again.",
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        method = self.method.upper()
        statuses = [401, 403, 404, 429] if method == "GET" else [400, 401, 403, 404, 409, 429]
        if method == "GET" and self._is_list_view():
            statuses = [400, 401, 403, 429]
        # Content negotiation can refuse any request; a body of the wrong type, any that takes one.
        statuses.append(406)
        if method in ("POST", "PUT", "PATCH"):
            statuses.append(415)
        for status_code in statuses:
            responses.setdefault(
                str(status_code),
                self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[status_code]),
                    str(status_code),
                    direction=direction,
                ),
            )
        if "429" in responses:
            responses["429"].setdefault("headers", {})["Retry-After"] = _RETRY_AFTER
        return responses
