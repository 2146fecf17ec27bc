"""Serializer fields shared by every app's API."""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from core.actions import ActionSet


class ActionsField(serializers.Field):
    """The actions the caller may take on this object now, from the app's ``ActionSet``: the same answer
    that decides the page's buttons. Read-only; documented in the schema as an array of the set's names."""

    def __init__(self, action_set: ActionSet, **kwargs):
        self.action_set = action_set
        kwargs.setdefault("help_text", "Actions the caller may take on this object now.")
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        actor = getattr(request, "user", None) or AnonymousUser()
        return self.action_set.allowed(actor, value)


class ActionsFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ActionsField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "array",
            "readOnly": True,
            "items": {"type": "string", "enum": self.target.action_set.names},
            "description": str(self.target.help_text),
        }
