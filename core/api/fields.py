"""Serializer fields shared by every app's API."""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
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
        # The action names become one enum component per ActionSet (named after the set, or after the
        # serializer when the set has no name), so the schema's enum post-processing never sees several
        # unrelated "actions" enums collide.
        action_set = self.target.action_set
        name = action_set.name or auto_schema._get_serializer_name(self.target.parent, direction)
        component = ResolvedComponent(
            name=f"{name}ActionsEnum",
            type=ResolvedComponent.SCHEMA,
            object=f"{name}ActionsEnum",
            schema={"type": "string", "enum": action_set.names},
        )
        auto_schema.registry.register_on_missing(component)
        return {
            "type": "array",
            "readOnly": True,
            "items": component.ref,
            "description": str(self.target.help_text),
        }
