"""Which actions an actor may take on a market object now, answered once per kind of object.

``LISTING_ACTIONS``, ``OBJECTION_ACTIONS``, ``DEMAND_ACTIONS``, ``INQUIRY_ACTIONS``, ``DEAL_ACTIONS``,
``DEAL_BROKER_ACTIONS``, ``CONTRACT_ACTIONS`` and ``MATCH_ACTIONS`` are ``core.actions.ActionSet``s:
the pages read ``X_ACTIONS.may(user, obj)`` for their buttons, the API lists
``X_ACTIONS.allowed(user, obj)`` as ``"actions"`` on every object (``ActionsField``). An action's name
is the verb of its API endpoint where there is one (a demand's ``review`` stands for approve or return,
an inquiry's ``post`` for a message, a deal's ``contract`` for preparing the registration form: the
names the pages have always used). The services check the same rules again when the action is taken.

Why a module of its own, beside ``rules.py`` (as in every app): each check joins *who the actor is to
the object* (a django-rules permission of ``market/rules.py``) to *what the object's state allows* (the
transition tables and status sets of the pure ``market.policies``). The checks read the actor, but only
their roles (``actor_roles``, loaded once per request) and what the selectors join or prefetch: never a
query per object, so a page of rows costs what one row costs.
"""

import rules as permission_rules
from django.utils import timezone

from core.actions import ActionSet
from market import policies, rules
from market.choices import (
    OPEN_LISTING_STATUSES,
    ContractStatus,
    DealStatus,
    DemandStatus,
    InquiryStatus,
    ListingStatus,
)


def _holds(actor, permission: str, obj) -> bool:
    """The django-rules permission itself. ``user.has_perm`` grants a superuser everything; the rules
    give platform admins what they may really do, so an admin is not offered, say, to inquire for a
    buyer organisation they do not belong to."""
    return permission_rules.has_perm(permission, actor, obj)


# Listings (挂牌) -----------------------------------------------------------------------------------


def _is_seller(actor, listing) -> bool:
    return _holds(actor, "market.change_listing", listing)


def _listing_edit(actor, listing) -> bool:
    """PATCH /listings/{id}/: the seller, while a draft."""
    return listing.status in policies.LISTING_EDITABLE_STATUSES and _is_seller(actor, listing)


def _listing_publish(actor, listing) -> bool:
    return policies.can_move(
        policies.LISTING_TRANSITIONS, listing.status, ListingStatus.PUBLICITY
    ) and _is_seller(actor, listing)


def _listing_withdraw(actor, listing) -> bool:
    """The seller, or an official over it (with a reason)."""
    return policies.can_move(policies.LISTING_TRANSITIONS, listing.status, ListingStatus.WITHDRAWN) and (
        _is_seller(actor, listing) or _holds(actor, "market.moderate_listing", listing)
    )


def _listing_object(actor, listing) -> bool:
    """POST /listings/{id}/objections/: anyone signed in but the seller, while the publicity runs."""
    return _holds(actor, "market.file_objection", listing)


def _listing_inquire(actor, listing) -> bool:
    """POST /inquiries/ with the listing: a buyer's member, while it is in publicity or listed."""
    return (
        listing.status in OPEN_LISTING_STATUSES
        and actor.is_authenticated
        and _holds(actor, "market.inquire_listing", listing)
    )


LISTING_ACTIONS = ActionSet(
    name="Listing",
    checks={
        "edit": _listing_edit,
        "publish": _listing_publish,
        "withdraw": _listing_withdraw,
        "object": _listing_object,
        "inquire": _listing_inquire,
    },
)

# Demands (技术需求) ---------------------------------------------------------------------------------


def _is_poster(actor, demand) -> bool:
    return _holds(actor, "market.change_demand", demand)


def _is_reviewer(actor, demand) -> bool:
    return _holds(actor, "market.review_demand", demand)


def _demand_edit(actor, demand) -> bool:
    """PATCH /demands/{id}/: the enterprise, while a draft or returned."""
    return demand.status in policies.DEMAND_EDITABLE_STATUSES and _is_poster(actor, demand)


def _demand_submit(actor, demand) -> bool:
    return policies.can_move(
        policies.DEMAND_TRANSITIONS, demand.status, DemandStatus.SUBMITTED
    ) and _is_poster(actor, demand)


def _demand_close(actor, demand) -> bool:
    """The enterprise at any time; an official over it, with a reason."""
    return policies.can_move(policies.DEMAND_TRANSITIONS, demand.status, DemandStatus.CLOSED) and (
        _is_poster(actor, demand) or _is_reviewer(actor, demand)
    )


def _demand_review(actor, demand) -> bool:
    """POST /demands/{id}/approve/ or /return/: an official over the enterprise, independent of it."""
    return (
        demand.status == DemandStatus.SUBMITTED
        and _is_reviewer(actor, demand)
        and rules.demand_review_refusal(actor, demand) is None
    )


def _demand_answer(actor, demand) -> bool:
    """POST /inquiries/ with the demand: an institution's member, while the demand is open."""
    is_open = demand.status == DemandStatus.PUBLISHED and demand.deadline >= timezone.localdate()
    return is_open and _holds(actor, "market.answer_demand", demand)


DEMAND_ACTIONS = ActionSet(
    name="Demand",
    checks={
        "edit": _demand_edit,
        "submit": _demand_submit,
        "close": _demand_close,
        "review": _demand_review,
        "answer": _demand_answer,
    },
)

# Inquiries (意向) ----------------------------------------------------------------------------------


def _inquiry_post(actor, inquiry) -> bool:
    """POST /inquiries/{id}/messages/: the parties and the brokers on the thread."""
    return inquiry.status in policies.INQUIRY_MESSAGE_STATUSES and _holds(
        actor, "market.take_part_in_inquiry", inquiry
    )


def _inquiry_manage(actor, inquiry) -> bool:
    """POST /inquiries/{id}/close/ or /propose-deal/: a party, while the inquiry is open."""
    return inquiry.status == InquiryStatus.OPEN and _holds(actor, "market.manage_inquiry", inquiry)


INQUIRY_ACTIONS = ActionSet(
    name="Inquiry", checks={"post": _inquiry_post, "close": _inquiry_manage, "propose": _inquiry_manage}
)

# Deals (交易) --------------------------------------------------------------------------------------


def _negotiates(actor, deal) -> bool:
    return _holds(actor, "market.negotiate_deal", deal)


def _deal_edit(actor, deal) -> bool:
    """PATCH /deals/{id}/: the terms, while under negotiation."""
    return deal.status in policies.DEAL_TERMS_EDITABLE_STATUSES and _negotiates(actor, deal)


def _deal_confirm(actor, deal) -> bool:
    """A party whose side has not yet confirmed the terms under negotiation."""
    if deal.status != DealStatus.NEGOTIATING or not _negotiates(actor, deal):
        return False
    side = rules.party_side(actor, deal)
    confirmed_at = {rules.SELLER: deal.seller_confirmed_at, rules.BUYER: deal.buyer_confirmed_at}
    return side is not None and confirmed_at[side] is None


def _deal_cancel(actor, deal) -> bool:
    return policies.can_move(policies.DEAL_TRANSITIONS, deal.status, DealStatus.CANCELLED) and _negotiates(
        actor, deal
    )


def _deal_brokers(actor, deal) -> bool:
    """POST /deals/{id}/brokers/ (and …/release/): a party, until the contract is registered."""
    return (
        deal.status in policies.DEAL_BROKER_CHANGE_STATUSES
        and _negotiates(actor, deal)
        and rules.party_side(actor, deal) is not None
    )


def _deal_contract(actor, deal) -> bool:
    """POST /contracts/ (then PATCH the form): the seller, once the deal is signed or was refused."""
    return deal.status in policies.DEAL_CONTRACT_STATUSES and _holds(actor, "market.manage_contract", deal)


DEAL_ACTIONS = ActionSet(
    name="Deal",
    checks={
        "edit": _deal_edit,
        "confirm": _deal_confirm,
        "cancel": _deal_cancel,
        "brokers": _deal_brokers,
        "contract": _deal_contract,
    },
)


def _engagement_release(actor, engagement) -> bool:
    """POST /deals/{id}/brokers/{engagement_id}/release/: who may change the deal's brokers. The deal is
    loaded with its engagements (``selectors.deals`` prefetches them from the deal, which sets it)."""
    return _deal_brokers(actor, engagement.deal)


DEAL_BROKER_ACTIONS = ActionSet(name="DealBroker", checks={"release": _engagement_release})

# Registration forms (技术合同认定登记) ------------------------------------------------------------------


def _contract_edit(actor, contract) -> bool:
    """PATCH /contracts/{id}/ and …/attach-file/: the applicant, while the form is being prepared or was
    refused."""
    return contract.status in policies.CONTRACT_EDITABLE_STATUSES and _holds(
        actor, "market.manage_contract", contract
    )


def _contract_submit(actor, contract) -> bool:
    return policies.can_move(
        policies.CONTRACT_TRANSITIONS, contract.status, ContractStatus.SUBMITTED
    ) and _holds(actor, "market.manage_contract", contract)


def _contract_decide(actor, contract) -> bool:
    """POST /contracts/{id}/register/ or /reject/: a registrar of the body it was submitted to,
    independent of the parties and of who prepared and submitted it."""
    return (
        contract.status == ContractStatus.SUBMITTED
        and _holds(actor, "market.register_contract", contract)
        and rules.contract_registration_refusal(actor, contract) is None
    )


def _contract_after_registration(actor, contract) -> bool:
    """POST /contracts/{id}/certify-income/, …/amend/, …/cancel/, …/national-number/: an independent
    registrar of the body, while the contract is registered."""
    return (
        contract.status == ContractStatus.REGISTERED
        and _holds(actor, "market.register_contract", contract)
        and rules.contract_registration_refusal(actor, contract) is None
    )


def _contract_second_check(actor, contract) -> bool:
    """POST /contracts/{id}/second-check/: a registrar of the body other than the one who registered
    it, while the check of a contract seeking tax exemption is pending (``second_check`` joined)."""
    check = getattr(contract, "second_check", None)
    return (
        contract.status == ContractStatus.REGISTERED
        and check is not None
        and check.status == "pending"
        and _holds(actor, "market.register_contract", contract)
        and rules.contract_second_check_refusal(actor, contract) is None
    )


CONTRACT_ACTIONS = ActionSet(
    name="Contract",
    checks={
        "edit": _contract_edit,
        "submit": _contract_submit,
        "register": _contract_decide,
        "reject": _contract_decide,
        "certify": _contract_after_registration,
        "amend": _contract_after_registration,
        "cancel": _contract_after_registration,
        "national_number": _contract_after_registration,
        "second_check": _contract_second_check,
    },
)

# Objections (异议) ---------------------------------------------------------------------------------


def _objection_resolve(actor, objection) -> bool:
    """POST /objections/{id}/resolve/: an official over the seller, independent of it and of the
    objector, while the objection is open."""
    return (
        _holds(actor, "market.resolve_objection", objection)
        and rules.objection_resolution_refusal(actor, objection) is None
    )


OBJECTION_ACTIONS = ActionSet(name="Objection", checks={"resolve": _objection_resolve})

# Matches (供需匹配) --------------------------------------------------------------------------------


def _match_feedback(actor, match) -> bool:
    """POST /matches/{id}/feedback/: a party of the match. ``my_side`` is the side the actor speaks for,
    set on a page of matches at once by ``selectors.matching.with_sides`` (the rule of
    ``services.match_side_of``); officials and admins watch but do not judge."""
    return getattr(match, "my_side", None) is not None


MATCH_ACTIONS = ActionSet(name="Match", checks={"feedback": _match_feedback})
