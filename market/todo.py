"""The market's sections of the to-do page (``core.todo``), registered in ``AppConfig.ready()``.

Officials: demands to review, objections to resolve; registrars: contracts to register and
contracts seeking tax exemption awaiting their second check (复核). Parties:
inquiries awaiting an answer, deals whose terms to confirm, contracts to submit (the seller) and
demands returned for changes (the enterprise). Each queryset is the selector the full queue page uses,
or one written for this page next to it.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.todo import TodoItem, TodoSection
from institutions.roles import actor_roles
from market import policies
from market.choices import ContractSource, DealStatus, DemandStatus, InquiryStatus
from market.selectors import contract_lifecycle as lifecycle_selectors
from market.selectors import contracts as contract_selectors
from market.selectors import deals as deal_selectors
from market.selectors import demands as demand_selectors
from market.selectors import listings as listing_selectors


def _supervises(user) -> bool:
    roles = actor_roles(user)
    return roles.is_official or roles.is_platform_admin


def _registers(user) -> bool:
    roles = actor_roles(user)
    return bool(roles.registrar_of) or roles.is_platform_admin


def _takes_part(user) -> bool:
    return bool(actor_roles(user).member_of)


def _sells(user) -> bool:
    return actor_roles(user).is_institution_member


def _posts_demands(user) -> bool:
    return bool(actor_roles(user).enterprise_of)


def _parties(record) -> str:
    return f"{record.seller.name} → {record.buyer.name}"


def _demand_item(demand) -> TodoItem:
    return TodoItem(
        title=demand.title, url=reverse("market:demand-detail", args=[demand.pk]), note=demand.enterprise.name
    )


def _objection_item(objection) -> TodoItem:
    listing = objection.listing
    return TodoItem(
        title=listing.title,
        url=reverse("market:listing-detail", args=[listing.pk]),
        note=listing.institution.name,
    )


def _contract_item(contract) -> TodoItem:
    return TodoItem(
        title=contract.project_name,
        url=reverse("market:contract-detail", args=[contract.pk]),
        note=contract.seller_name,
    )


def _inquiry_item(inquiry) -> TodoItem:
    return TodoItem(
        title=inquiry.subject, url=reverse("market:inquiry-detail", args=[inquiry.pk]), note=_parties(inquiry)
    )


def _deal_item(deal) -> TodoItem:
    return TodoItem(title=deal.title, url=reverse("market:deal-detail", args=[deal.pk]), note=_parties(deal))


SECTIONS = [
    TodoSection(
        key="demands_to_review",
        title=_("Demands to review"),
        queue="market:demand-review-queue",
        applies=_supervises,
        queryset=lambda user: demand_selectors.demand_review_queue(actor=user),
        item=_demand_item,
        order=20,
    ),
    TodoSection(
        key="objections_to_resolve",
        title=_("Objections to resolve"),
        queue="market:objection-queue",
        applies=_supervises,
        queryset=lambda user: listing_selectors.objection_queue(actor=user),
        item=_objection_item,
        order=30,
    ),
    TodoSection(
        key="contracts_to_register",
        title=_("Contracts to register"),
        queue="market:registration-queue",
        applies=_registers,
        queryset=lambda user: contract_selectors.registration_queue(actor=user),
        item=_contract_item,
        order=50,
    ),
    TodoSection(
        key="contracts_to_check",
        title=_("Contracts awaiting a second check (复核)"),
        queue="market:registration-queue",
        queue_query="tab=registered",
        applies=_registers,
        queryset=lambda user: lifecycle_selectors.second_check_queue(actor=user),
        item=_contract_item,
        order=55,
    ),
    TodoSection(
        key="inquiries_awaiting_answer",
        title=_("Inquiries awaiting your answer"),
        queue="market:my-inquiries",
        queue_query=f"status={InquiryStatus.OPEN}",
        applies=_takes_part,
        queryset=lambda user: deal_selectors.inquiry_awaiting_answer_list(actor=user),
        item=_inquiry_item,
        order=120,
    ),
    TodoSection(
        key="deals_to_confirm",
        title=_("Deals whose terms to confirm"),
        queue="market:my-deals",
        queue_query=f"status={DealStatus.NEGOTIATING}",
        applies=_takes_part,
        queryset=lambda user: deal_selectors.deal_awaiting_confirmation_list(actor=user),
        item=_deal_item,
        order=130,
    ),
    TodoSection(
        key="contracts_to_submit",
        title=_("Contracts to submit for registration"),
        queue="market:my-deals",
        queue_query=f"status={DealStatus.AGREED}&side=selling",
        applies=_sells,
        queryset=lambda user: deal_selectors.deal_awaiting_contract_list(actor=user),
        item=_deal_item,
        order=140,
    ),
    TodoSection(
        key="registrations_to_submit",
        title=_("Contract registrations to complete and submit"),
        queue="market:my-contracts",
        applies=_takes_part,
        queryset=lambda user: (
            contract_selectors.my_contract_list(actor=user, filters={"status": ""})
            .filter(status__in=policies.CONTRACT_EDITABLE_STATUSES)
            .exclude(source=ContractSource.DEAL)
        ),
        item=_contract_item,
        order=145,
    ),
    TodoSection(
        key="returned_demands",
        title=_("Demands returned for changes"),
        queue="market:my-demands",
        queue_query=f"status={DemandStatus.RETURNED}",
        applies=_posts_demands,
        queryset=lambda user: demand_selectors.demand_my_list(
            actor=user, filters={"status": [DemandStatus.RETURNED]}
        ),
        item=_demand_item,
        order=150,
    ),
]
