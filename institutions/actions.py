"""What an actor may do now with an organisation, a membership or a designation.

Each ``ActionSet`` (``core.actions``) joins the permissions of ``institutions.rules`` (who) with the
state rules of ``institutions.policies`` (when). Pages read ``.may()`` for their buttons, the API lists
``.allowed()`` on every object, and the services check the same permissions and states again when the
action is taken. Names are the API's endpoints: an organisation's ``members``, ``designations`` and
``history`` are its sub-resources, ``edit`` is ``PATCH``; a designation's are its status actions.

Checks ask ``rules.has_perm`` rather than ``user.has_perm``: the answer is the same (every rule lets
platform admins through), but it never falls through to Django's model backend. The rules read the
actor's cached roles and the object's loaded columns, so a list costs no query per row.
"""

import rules

from core.actions import ActionSet
from institutions import rules as institution_rules
from institutions.choices import DesignationStatus, MembershipRole
from institutions.policies import designation_can_move


def _has(permission: str, target=lambda obj: obj):
    def check(actor, obj) -> bool:
        return rules.has_perm(permission, actor, target(obj))

    return check


# --- organisations ----------------------------------------------------------------------------

ORGANISATION_ACTIONS = ActionSet(
    name="Organisation",
    checks={
        "edit": _has("institutions.change_organisation"),
        "members": _has("institutions.manage_members"),
        "designations": _has("institutions.manage_designations"),
        "history": _has("institutions.view_history"),
    },
)


# --- memberships ------------------------------------------------------------------------------


def _may_manage_membership(actor, membership) -> bool:
    """An organisation's admins manage its members; an official's post is for officials over its
    region only, since it widens someone's jurisdiction (as ``services.membership_*`` check)."""
    organisation = membership.organisation
    if not rules.has_perm("institutions.manage_members", actor, organisation):
        return False
    return membership.role != MembershipRole.OFFICIAL or rules.has_perm(
        "institutions.manage_designations", actor, organisation
    )


def _may_change_role(actor, membership) -> bool:
    """Separation of duties: nobody raises their own role; an administrator may step down
    (``rules.membership_grant_refusal``)."""
    return _may_manage_membership(actor, membership) and not institution_rules.membership_grant_refusal(
        actor, membership.organisation, membership.user_id, current_role=membership.role
    )


# Removing or demoting the last admin is refused by the service: telling would cost a query per row.
MEMBERSHIP_ACTIONS = ActionSet(
    name="Membership",
    checks={"change_role": _may_change_role, "remove": _may_manage_membership},
)


# --- designations -----------------------------------------------------------------------------


def _may_decide(actor, designation) -> bool:
    """Each title is changed by the authority that awards its level (``rules.may_change_designation``)."""
    return rules.has_perm("institutions.change_designation_status", actor, designation)


def _moves(target: str, *, from_status: str | None = None):
    def check(actor, designation) -> bool:
        return (
            (from_status is None or designation.status == from_status)
            and designation_can_move(designation.status, target)
            and _may_decide(actor, designation)
        )

    return check


# In the order the designation page offers them; ``reinstate`` returns a warned title to active.
DESIGNATION_ACTIONS = ActionSet(
    name="Designation",
    checks={
        "approve": _moves(DesignationStatus.APPROVED),
        "activate": _moves(DesignationStatus.ACTIVE, from_status=DesignationStatus.APPROVED),
        "reinstate": _moves(DesignationStatus.ACTIVE, from_status=DesignationStatus.WARNED),
        "warn": _moves(DesignationStatus.WARNED),
        "revoke": _moves(DesignationStatus.REVOKED),
    },
)
