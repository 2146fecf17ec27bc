"""Helpers every market service uses: legal moves between states, notifying organisations."""

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import override

from institutions.choices import MembershipRole
from institutions.selectors import organisations as institution_selectors
from market import policies
from market.choices import SUB_TYPE_CATEGORY, ContractCategory, ContractSubType
from notifications import services as notification_services


def move(record, transitions: Mapping[str, frozenset[str]], target: str, *, noun: str) -> None:
    """Sets ``record.status`` to ``target`` or refuses with a message that names both states."""
    if not policies.can_move(transitions, record.status, target):
        raise ValidationError(
            _("The %(noun)s is %(current)s and cannot become %(target)s.")
            % {
                "noun": noun,
                "current": record.get_status_display(),
                "target": dict(type(record)._meta.get_field("status").choices)[target],
            },
            code="illegal_transition",
        )
    record.status = target


def members_of(*organisation_ids: int) -> list:
    """The active admins and staff of the organisations."""
    users = []
    for organisation_id in organisation_ids:
        users.extend(institution_selectors.organisation_members(organisation_id=organisation_id))
    return users


def registrars_of(organisation_id: int) -> list:
    return list(
        institution_selectors.organisation_members(
            organisation_id=organisation_id, roles=(MembershipRole.OFFICIAL,)
        )
    )


def platform_language():
    """Notifications are written in the platform language whoever triggered them: build their texts
    inside ``with common.platform_language():``."""
    return override(settings.LANGUAGE_CODE)


def notify(*, recipients: Iterable, verb: str, title: str, body: str = "", url: str = "") -> None:
    notification_services.notify(recipients=recipients, verb=verb, title=title, body=body, url=url)


Message = notification_services.Message


def notify_all(messages: Iterable[Message]) -> None:
    """Many ``notify`` calls in one insert."""
    notification_services.notify_all(messages)


def require_sub_type_of_category(contract) -> None:
    """The sub-type is a kind of the category (a registrar's correction or a 变更 may change either); a
    licence scope stays only on a licence."""
    if SUB_TYPE_CATEGORY.get(contract.sub_type) != contract.contract_category:
        raise ValidationError(
            {
                "sub_type": _("%(sub_type)s is not a kind of %(category)s contract.")
                % {
                    "sub_type": ContractSubType(contract.sub_type).label,
                    "category": ContractCategory(contract.contract_category).label,
                }
            }
        )
    if contract.contract_category != ContractCategory.LICENCE:
        contract.licence_scope = ""
