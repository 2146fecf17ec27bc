"""Who may do what on the market (django-rules), for pages, API and services alike.

Sellers are the members (admin, staff) of the listing institution and its linked partner systems;
buyers the members of an enterprise. Officials act on what lies in their jurisdiction; a registrar
(an official of a registration body) acts only on contracts submitted to their body.
"""

import rules
from django.utils.translation import gettext as _

from institutions import rules as institution_rules
from institutions.roles import actor_roles
from institutions.rules import is_official, is_platform_admin
from market.choices import ContractSource, ListingStatus, ObjectionStatus


def _roles(user):
    return actor_roles(user)


# Listings ------------------------------------------------------------------------------------------


@rules.predicate
def may_list_for(user, organisation) -> bool:
    """Members of a transfer institution, university or institute, or a partner system linked to it."""
    roles = _roles(user)
    return organisation is not None and (
        organisation.pk in (roles.member_of & roles.institution_of) or organisation.pk in roles.partner_of
    )


@rules.predicate
def is_seller_of_listing(user, listing) -> bool:
    roles = _roles(user)
    return listing is not None and (
        listing.institution_id in roles.member_of or listing.institution_id in roles.partner_of
    )


@rules.predicate
def is_official_over_listing(user, listing) -> bool:
    return listing is not None and _roles(user).covers_region(listing.institution.region_id)


@rules.predicate
def listing_in_publicity(user, listing) -> bool:
    return listing is not None and listing.status == ListingStatus.PUBLICITY


@rules.predicate
def is_signed_in(user) -> bool:
    return _roles(user).is_authenticated


@rules.predicate
def is_buyer_organisation_member(user) -> bool:
    return bool(_roles(user).member_of)


rules.add_perm("market.list_for_organisation", is_platform_admin | may_list_for)
rules.add_perm("market.change_listing", is_platform_admin | is_seller_of_listing)
rules.add_perm("market.moderate_listing", is_platform_admin | is_official_over_listing)
rules.add_perm("market.file_objection", is_signed_in & listing_in_publicity & ~is_seller_of_listing)
rules.add_perm("market.inquire_listing", is_buyer_organisation_member & ~is_seller_of_listing)


@rules.predicate
def is_official_over_objection(user, objection) -> bool:
    return objection is not None and _roles(user).covers_region(objection.listing.institution.region_id)


@rules.predicate
def objection_is_open(user, objection) -> bool:
    return objection is not None and objection.status == ObjectionStatus.OPEN


rules.add_perm(
    "market.resolve_objection", (is_platform_admin | is_official_over_objection) & objection_is_open
)

# Demands -------------------------------------------------------------------------------------------


@rules.predicate
def may_post_demand_for(user, organisation) -> bool:
    return organisation is not None and organisation.pk in _roles(user).enterprise_of


@rules.predicate
def is_poster_of_demand(user, demand) -> bool:
    return demand is not None and demand.enterprise_id in _roles(user).member_of


@rules.predicate
def is_official_over_demand(user, demand) -> bool:
    return demand is not None and _roles(user).covers_region(demand.enterprise.region_id)


@rules.predicate
def is_institution_member(user) -> bool:
    roles = _roles(user)
    return bool(roles.member_of & roles.institution_of)


rules.add_perm("market.post_demand_for_organisation", is_platform_admin | may_post_demand_for)
rules.add_perm("market.change_demand", is_platform_admin | is_poster_of_demand)
rules.add_perm("market.review_demand", is_platform_admin | is_official_over_demand)
rules.add_perm("market.answer_demand", is_institution_member & ~is_poster_of_demand)
# The review trail (status, the reason for a return) is for the enterprise and the officials over it.
rules.add_perm("market.view_demand_review", is_platform_admin | is_poster_of_demand | is_official_over_demand)
rules.add_perm("market.view_demand_review_queue", is_platform_admin | is_official)

# Inquiries and deals -------------------------------------------------------------------------------

SELLER = "seller"
BUYER = "buyer"


def party_side(user, record) -> str | None:
    """``seller`` or ``buyer``: which party of an inquiry or deal the user works for, if exactly one."""
    member_of = _roles(user).member_of
    sides = [
        side
        for side, organisation_id in ((SELLER, record.seller_id), (BUYER, record.buyer_id))
        if organisation_id in member_of
    ]
    return sides[0] if len(sides) == 1 else None


@rules.predicate
def is_party(user, record) -> bool:
    """A member of the seller or the buyer of an inquiry or a deal."""
    roles = _roles(user)
    return record is not None and (record.seller_id in roles.member_of or record.buyer_id in roles.member_of)


@rules.predicate
def is_seller_party(user, record) -> bool:
    return record is not None and record.seller_id in _roles(user).member_of


@rules.predicate
def is_engaged_broker(user, deal) -> bool:
    """A broker engaged on the deal; the engagements are prefetched by the selectors."""
    if deal is None or not _roles(user).broker_of:
        return False
    return any(engagement.broker_id == user.pk for engagement in deal.broker_engagements.all())


@rules.predicate
def is_broker_on_inquiry(user, inquiry) -> bool:
    if inquiry is None or not _roles(user).broker_of:
        return False
    if inquiry.listing_id and any(broker.pk == user.pk for broker in inquiry.listing.brokers.all()):
        return True
    deal = getattr(inquiry, "deal", None)
    return deal is not None and is_engaged_broker(user, deal)


rules.add_perm("market.take_part_in_inquiry", is_platform_admin | is_party | is_broker_on_inquiry)
rules.add_perm("market.manage_inquiry", is_platform_admin | is_party)
rules.add_perm("market.negotiate_deal", is_platform_admin | is_party)
rules.add_perm("market.message_deal", is_platform_admin | is_party | is_engaged_broker)


@rules.predicate
def is_contract_applicant(user, record) -> bool:
    """For a deal (before its form exists): its seller. For a registration form: a member of the
    applicant, or — for a paper application — a registrar of the body that entered it."""
    if record is None:
        return False
    if not hasattr(record, "applicant_id"):
        return is_seller_party(user, record)
    roles = _roles(user)
    if record.applicant_id is not None and record.applicant_id in (roles.member_of | roles.partner_of):
        return True
    return record.source == ContractSource.PAPER and record.registration_body_id in roles.registrar_of


rules.add_perm("market.manage_contract", is_platform_admin | is_contract_applicant)


@rules.predicate
def is_member_of_applicant(user, organisation) -> bool:
    """A member (admin, staff) of the organisation that applies — the seller side opens its own forms —
    or a partner system linked to it (its service account holds a partner membership)."""
    roles = _roles(user)
    return organisation is not None and organisation.pk in (roles.member_of | roles.partner_of)


rules.add_perm("market.apply_for_registration", is_member_of_applicant)

# Registration --------------------------------------------------------------------------------------


@rules.predicate
def is_registrar_of_contract(user, contract) -> bool:
    return (
        contract is not None
        and contract.registration_body_id is not None
        and contract.registration_body_id in _roles(user).registrar_of
    )


@rules.predicate
def is_registrar(user) -> bool:
    return bool(_roles(user).registrar_of)


rules.add_perm("market.register_contract", is_platform_admin | is_registrar_of_contract)
rules.add_perm("market.view_registration_queue", is_platform_admin | is_registrar)


@rules.predicate
def is_registrar_of_body(user, body) -> bool:
    return body is not None and body.pk in _roles(user).registrar_of


# A registrar enters a paper application for the body they work for.
rules.add_perm("market.enter_paper_application", is_registrar_of_body)


@rules.predicate
def may_read_personal_data(user, contract) -> bool:
    """Platform admins and the registrars of the contract's body read a natural person's full identity
    number (each reading is audited); everyone else sees it masked."""
    return is_platform_admin(user) or is_registrar_of_contract(user, contract)


rules.add_perm("market.reveal_id_number", may_read_personal_data)

# Importing a body's historical registrations (market.services.contract_imports).
rules.add_perm("market.import_contract_registrations", is_platform_admin | is_registrar_of_body)


# Separation of duties -------------------------------------------------------------------------------
# Who holds a permission above may still be barred from one decision: nobody reviews, resolves or
# registers what their own organisation put forward or what they prepared or submitted themselves
# (``institutions.policies.review_conflict``). Each returns the refusal's code or ``None``; services
# raise it (``institutions.rules.separation_of_duties``) and the ActionSets hide the button. They read
# only the record's loaded columns and the actor's cached roles: no query per row.


def demand_review_refusal(user, demand) -> str | None:
    return institution_rules.review_refusal(
        user, parties=[demand.enterprise_id], preparers=[demand.created_by_id, demand.submitted_by_id]
    )


def objection_resolution_refusal(user, objection) -> str | None:
    """The objection concerns the seller's listing; who filed it may not decide it either."""
    listing = objection.listing
    return institution_rules.review_refusal(
        user, parties=[listing.institution_id], preparers=[objection.filed_by_id, listing.created_by_id]
    )


def contract_registration_refusal(user, contract) -> str | None:
    """Registering, refusing or certifying a contract: independent of both parties and of the people
    who prepared and submitted the form."""
    return institution_rules.review_refusal(
        user,
        parties=contract.party_organisation_ids,
        preparers=[contract.prepared_by_id, contract.submitted_by_id],
    )


# The registrar who registered a contract may not make its second check (复核).
SAME_REGISTRAR = "same_registrar"


def contract_second_check_refusal(user, contract) -> str | None:
    """The second check of a contract seeking tax exemption: by a registrar other than the one who
    registered it, independent as for registering."""
    if getattr(user, "pk", None) is not None and user.pk == contract.registrar_id:
        return SAME_REGISTRAR
    return contract_registration_refusal(user, contract)


def require_independent(code: str | None) -> None:
    """Raises the separation-of-duties refusal named by ``code``, if any."""
    if code == SAME_REGISTRAR:
        raise institution_rules.SeparationOfDuties(
            code,
            str(
                _(
                    "You registered this contract, so you may not make its second check; another "
                    "registrar of the body must do it."
                )
            ),
        )
    if code:
        raise institution_rules.separation_of_duties(code)
