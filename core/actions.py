""" "What may this actor do with this object now", answered once per kind of object.

Each app's policies declare an ``ActionSet``: the names of the actions on one kind of object, in the
order pages show them, each with a check ``(actor, obj) -> bool`` built from the app's rules and the
object's state. Pages read ``action_set.may(actor, obj)`` (a dict for the templates' buttons); the API
lists ``action_set.allowed(actor, obj)`` on every object (``"actions": ["publish", "withdraw"]``,
through ``core.api.fields.ActionsField``). The services check the same rules again when an action is
taken, so a stale button or a hand-made request is still refused.

Checks run once per object in lists: they must read only the object, its already-loaded relations and
the actor's cached roles, never the database.
"""

from collections.abc import Callable
from dataclasses import dataclass

ActionCheck = Callable[[object, object], bool]


@dataclass(frozen=True)
class ActionSet:
    """The actions of one kind of object: ``checks`` maps each action's name to its check; ``name`` (e.g.
    ``Listing``) names the enum of its actions in the OpenAPI schema (``ListingActionsEnum``)."""

    checks: dict[str, ActionCheck]
    name: str = ""

    @property
    def names(self) -> list[str]:
        return list(self.checks)

    def may(self, actor, obj) -> dict[str, bool]:
        """Every action with whether ``actor`` may take it on ``obj`` now (for the page's buttons)."""
        return {name: bool(check(actor, obj)) for name, check in self.checks.items()}

    def allowed(self, actor, obj) -> list[str]:
        """The names of the actions ``actor`` may take on ``obj`` now, in declaration order."""
        return [name for name, check in self.checks.items() if check(actor, obj)]
