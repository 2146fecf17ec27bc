"""Writes on the institution network. Each state change is one atomic function that checks the
actor's permission (the same rules the pages and API use), validates, saves and is audited by
pghistory's triggers.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.permissions import require
from institutions import lock_objects, policies, rules
from institutions.choices import DesignationStatus, MembershipRole
from institutions.models import Classification, Designation, Membership, Organisation, Region
from institutions.roles import actor_roles, forget_roles

ORGANISATION_EDITABLE_FIELDS = (
    "name",
    "short_name",
    "name_en",
    "credit_code",
    "kind",
    "entity_type",
    "region",
    "address",
    "website",
    "contact_phone",
    "introduction",
    "is_transfer_institution",
    "transfer_level",
    "transfer_kind",
    "parent",
    "transfer_office",
    "services",
    "is_active",
)
# Fields an institution's own admin may not change: who it is and where it sits are the officials' call.
OFFICIAL_ONLY_FIELDS = frozenset(
    {
        "name",
        "credit_code",
        "kind",
        "region",
        "is_transfer_institution",
        "transfer_level",
        "parent",
        "is_active",
    }
)


def _differs(instance, name: str, value) -> bool:
    """Whether ``value`` differs from the instance's field, comparing related objects by key."""
    field = instance._meta.get_field(name)
    if field.is_relation:
        return getattr(instance, field.attname) != (value.pk if value is not None else None)
    return getattr(instance, name) != value


def _apply(instance, data: dict, allowed: Iterable[str]) -> list[str]:
    changed = [name for name in allowed if name in data and _differs(instance, name, data[name])]
    for name in changed:
        setattr(instance, name, data[name])
    return changed


@transaction.atomic
def organisation_create(
    *, actor, data: dict, service_fields: Iterable[Classification] | None = None
) -> Organisation:
    """Registers an organisation. Officials may register only inside their jurisdiction."""
    region: Region | None = data.get("region")
    require(actor, "institutions.add_organisation")
    if region is not None:
        require(actor, "institutions.add_organisation_in_region", region)
    organisation = Organisation()
    _apply(organisation, data, ORGANISATION_EDITABLE_FIELDS)
    organisation.full_clean()
    organisation.save()
    if service_fields is not None:
        organisation.service_fields.set(service_fields)
    return organisation


@transaction.atomic
def organisation_update(
    *, actor, organisation: Organisation, data: dict, service_fields: Iterable[Classification] | None = None
) -> Organisation:
    """Edits an organisation. Its own admin edits the profile; officials also its identity and place."""
    require(actor, "institutions.change_organisation", organisation)
    organisation = lock_objects.organisation_qs_select_for_update().get(pk=organisation.pk)
    roles = actor_roles(actor)
    official = roles.is_platform_admin or roles.covers_region(organisation.region_id)
    forbidden = sorted(
        name for name in OFFICIAL_ONLY_FIELDS if name in data and _differs(organisation, name, data[name])
    )
    if forbidden and not official:
        raise PermissionDenied(
            _("Only an official may change these fields: %(fields)s.")
            % {
                "fields": pgettext("list separator", ", ").join(
                    str(Organisation._meta.get_field(name).verbose_name) for name in forbidden
                )
            }
        )
    if "region" in data and _differs(organisation, "region", data["region"]) and not roles.is_platform_admin:
        # Moving an organisation is allowed only within the official's own jurisdiction.
        require(actor, "institutions.add_organisation_in_region", data["region"])
    _apply(organisation, data, ORGANISATION_EDITABLE_FIELDS)
    organisation.full_clean()
    organisation.save()
    if service_fields is not None:
        organisation.service_fields.set(service_fields)
    return organisation


@transaction.atomic
def membership_add(*, actor, organisation: Organisation, user, role: str) -> Membership:
    """Makes ``user`` a member of ``organisation`` with ``role``, recording ``actor`` as the grantor.

    Separation of duties (``rules.require_membership_grant``): nobody adds themselves, and the members
    of a government department or registration body are appointed by the department above it."""
    rules.require_membership_grant(actor, organisation, user.pk, new_role=role)
    require(actor, "institutions.manage_members", organisation)
    if role == MembershipRole.OFFICIAL:
        # Appointing officials widens someone's jurisdiction: only officials over this region may.
        require(actor, "institutions.manage_designations", organisation)
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError({"user": _("This user is already a member of this organisation.")})
    membership = Membership(user=user, organisation=organisation, role=role, granted_by=actor)
    membership.full_clean()
    membership.save()
    forget_roles(user)
    return membership


@transaction.atomic
def membership_change_role(*, actor, membership: Membership, role: str) -> Membership:
    """Gives a member another role, recording ``actor`` as its grantor. Nobody raises their own role; an
    administrator may step down to staff (while another administrator remains)."""
    rules.require_membership_grant(
        actor, membership.organisation, membership.user_id, current_role=membership.role, new_role=role
    )
    require(actor, "institutions.manage_members", membership.organisation)
    if MembershipRole.OFFICIAL in (role, membership.role):
        require(actor, "institutions.manage_designations", membership.organisation)
    membership = Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    if membership.role == MembershipRole.ADMIN and role != MembershipRole.ADMIN:
        _ensure_another_admin(membership)
    membership.role = role
    membership.granted_by = actor
    membership.full_clean()
    membership.save()
    forget_roles(membership.user)
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    """Ends a membership. Removing grants nothing, so an administrator may remove themselves (while
    another remains); a governing body's members are removed only by the department above it or a
    platform admin."""
    rules.require_manage_members(actor, membership.organisation)
    if membership.role == MembershipRole.OFFICIAL:
        require(actor, "institutions.manage_designations", membership.organisation)
    if membership.role == MembershipRole.ADMIN:
        _ensure_another_admin(membership)
    membership.delete()
    forget_roles(membership.user)


def _ensure_another_admin(membership: Membership) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, role=MembershipRole.ADMIN, is_active=True)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(
            _("An organisation needs at least one administrator; appoint another one first.")
        )


@transaction.atomic
def designation_grant(
    *,
    actor,
    organisation: Organisation,
    level: str,
    year_granted: int,
    document_number: str = "",
    decided_by: str = "",
) -> Designation:
    """Grants a city or provincial demonstration-institution title, or records a national one (decided by
    the Ministry: ``decided_by`` and ``document_number`` required). Each level only by its authority
    (``rules.designation_levels_for``); the department the actor acts for is kept as ``granted_by``.
    """
    require(actor, "institutions.manage_designations", organisation)
    rules.require_designation_level(actor, organisation, level)
    # Lock the institution so two officials cannot grant the same title at once.
    organisation = lock_objects.organisation_qs_select_for_update().get(pk=organisation.pk)
    designation = Designation(
        organisation=organisation,
        level=level,
        status=DesignationStatus.ACTIVE,
        year_granted=year_granted,
        document_number=document_number.strip(),
        decided_by=decided_by.strip(),
        granted_by_id=rules.designation_department_for(actor, organisation, level),
        status_changed_at=timezone.now(),
    )
    designation.full_clean()
    designation.save()
    return designation


@transaction.atomic
def designation_change_status(
    *, actor, designation: Designation, status: str, reason: str = ""
) -> Designation:
    """Moves a designation along its life (warn, reinstate, revoke); warnings and revocations need a reason.
    Only the authority of the title's level may (``rules.designation_levels_for``)."""
    require(actor, "institutions.manage_designations", designation.organisation)
    designation = lock_objects.designation_qs_select_for_update().get(pk=designation.pk)
    rules.require_designation_level(actor, designation.organisation, designation.level)
    if not policies.designation_can_move(designation.status, status):
        raise ValidationError(
            _("A designation that is %(current)s cannot become %(target)s.")
            % {
                "current": designation.get_status_display(),
                "target": DesignationStatus(status).label,
            }
        )
    reason = reason.strip()
    if status in policies.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Please give the reason for this decision.")})
    designation.status = status
    designation.status_reason = reason
    designation.status_changed_at = timezone.now()
    designation.full_clean()
    designation.save()
    return designation


def designation_revoke(*, actor, designation: Designation, reason: str) -> Designation:
    return designation_change_status(
        actor=actor, designation=designation, status=DesignationStatus.REVOKED, reason=reason
    )


def designation_warn(*, actor, designation: Designation, reason: str) -> Designation:
    return designation_change_status(
        actor=actor, designation=designation, status=DesignationStatus.WARNED, reason=reason
    )
