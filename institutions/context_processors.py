"""Template context for every page: the signed-in user's roles, for the navigation and user menu."""

from django.utils.translation import gettext_lazy as _

from institutions.models import Organisation
from institutions.roles import actor_roles

ROLE_LABELS = {
    "platform_admin": _("Platform administrator"),
    "official": _("Official"),
    "institution_admin": _("Institution administrator"),
    "institution_staff": _("Institution staff"),
    "enterprise_user": _("Enterprise user"),
    "registrar": _("Contract registrar"),
    "broker": _("Broker"),
    "partner": _("Partner system"),
}


def roles(request) -> dict:
    """``actor_roles`` (cached per user, one query), translated role labels and the user's organisations.

    ``my_organisations`` is a lazy queryset: it costs one query only on pages that show the user menu.
    """
    user = getattr(request, "user", None)
    actor = actor_roles(user)
    organisation_ids = actor.member_of | actor.broker_of | actor.partner_of
    return {
        "actor_roles": actor,
        "actor_role_labels": [ROLE_LABELS[label] for label in actor.labels],
        "my_organisations": (
            Organisation.objects.filter(pk__in=organisation_ids).only("pk", "name").order_by("name")
            if organisation_ids
            else ()
        ),
    }
