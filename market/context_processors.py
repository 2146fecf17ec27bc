"""The navigation bar's registration-queue badge for registrars (lazy: no query unless drawn)."""

from django.utils.functional import SimpleLazyObject

from institutions.roles import actor_roles
from market.models import ContractRegistration


def registration_queue(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = actor_roles(user)
    if not roles.registrar_of:
        return {}
    return {
        "registration_queue_count": SimpleLazyObject(
            lambda: (
                ContractRegistration.objects.awaiting_decision()
                .filter(registration_body_id__in=roles.registrar_of)
                .count()
            )
        )
    }
