"""Reads on contract registration. Contracts are read through ``visible_to(actor)`` (the parties, their
brokers, the registration body it was submitted to and officials over the seller); the disclosure
board through ``disclosed()``, which is public. Each read joins what its page or serializer shows."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.filtering import apply_filterset
from institutions.models import Organisation
from institutions.roles import actor_roles
from market import policies
from market.choices import ContractStatus
from market.filters.contracts import (
    ContractFilterSet,
    DisclosureFilterSet,
    MyContractFilterSet,
    RegistrationQueueFilterSet,
)
from market.models import ContractRegistration, Deal, DealBroker, RegistrationRuleSet
from market.selectors import contract_lifecycle

QUEUE_TABS = ("waiting", "overdue", "registered", "refused")
QUEUE_ORDERINGS = {
    "due": ("due_on", "submitted_at", "pk"),
    "-due": ("-due_on", "-submitted_at", "-pk"),
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
    "registered": ("-registered_at", "-pk"),
}
CONTRACT_ORDERINGS = {
    "newest": ("-created_at", "-pk"),
    "submitted": ("-submitted_at", "-pk"),
    "due": ("due_on", "pk"),
    "registered": ("-registered_at", "-pk"),
}
DISCLOSURE_ORDERINGS = {
    "newest": ("-registered_at", "-pk"),
    "oldest": ("registered_at", "pk"),
    "amount": ("-technical_amount", "-pk"),
}


def _with_relations(queryset: QuerySet[ContractRegistration]) -> QuerySet[ContractRegistration]:
    return contract_lifecycle.with_lifecycle(queryset).select_related(
        "deal__seller",
        "deal__buyer",
        "applicant",
        "registration_body__region",
        "rule_set",
        "technology_field",
    )


# Rules applied to a form ----------------------------------------------------------------------


def rule_set_value(rule_set: RegistrationRuleSet) -> policies.RuleSet:
    return policies.RuleSet(
        code=rule_set.code,
        effective_from=rule_set.effective_from,
        effective_to=rule_set.effective_to,
        decision_days=rule_set.decision_days,
        application_window_days=rule_set.application_window_days,
        categories=tuple(rule_set.categories),
        statistical_categories=dict(rule_set.statistical_categories),
    )


def reference_date(contract: ContractRegistration, today: date) -> date:
    """The day whose rules apply (``MARKET_RULE_SET_REFERENCE_DATE``: application or signing date)."""
    return contract.signed_on if settings.MARKET_RULE_SET_REFERENCE_DATE == "signing" else today


def rule_set_for(contract: ContractRegistration, today: date) -> RegistrationRuleSet | None:
    rows = list(RegistrationRuleSet.objects.all())
    chosen = policies.rule_set_in_force(
        [rule_set_value(row) for row in rows], reference_date(contract, today)
    )
    return next((row for row in rows if chosen is not None and row.code == chosen.code), None)


def contract_problems(
    contract: ContractRegistration, today: date | None = None
) -> tuple[RegistrationRuleSet | None, dict[str, list[str]]]:
    """The rule set that would apply if the form were submitted today, and what stops it, by field."""
    today = today or timezone.localdate()
    rule_set = rule_set_for(contract, today)
    facts = policies.ContractFacts(
        category=contract.contract_category,
        sub_type=contract.sub_type,
        licence_scope=contract.licence_scope,
        signed_on=contract.signed_on,
        valid_from=contract.valid_from,
        valid_until=contract.valid_until,
        contract_amount=contract.contract_amount,
        non_technical_amount=contract.non_technical_amount,
        expected_investment=contract.expected_investment,
        expected_output=contract.expected_output,
        has_contract_file=bool(contract.contract_file),
    )
    problems = policies.registration_problems(facts, rule_set_value(rule_set) if rule_set else None, today)
    if contract.registration_body_id is None:
        problems.setdefault("__all__", []).append(_("No registration body has been chosen."))
    return rule_set, problems


def is_late(contract: ContractRegistration) -> bool:
    """Applied later after signing than the rules' local practice allows (flagged, never refused)."""
    if contract.rule_set is None or contract.submitted_at is None:
        return False
    return policies.is_late_application(
        rule_set_value(contract.rule_set), contract.signed_on, timezone.localdate(contract.submitted_at)
    )


def contract_get(*, pk: int, actor) -> ContractRegistration:
    """A contract the actor may see (404 otherwise), with what its page and the rules read."""
    try:
        return (
            _with_relations(ContractRegistration.objects.visible_to(actor))
            .select_related("deal__listing", "registrar")
            .prefetch_related(
                Prefetch("deal__broker_engagements", queryset=DealBroker.objects.select_related("broker"))
            )
            .get(pk=pk)
        )
    except ContractRegistration.DoesNotExist as error:
        raise Http404 from error


def contract_certificate_get(*, pk: int, actor) -> ContractRegistration:
    """A registered contract's certificate (技术合同登记证明): for the parties, the registrars of its body,
    officials over the seller and platform admins — not for brokers. 404 before registration."""
    contract = contract_get(pk=pk, actor=actor)
    if contract.registration_number is None:
        raise Http404
    roles = actor_roles(actor)
    allowed = (
        roles.is_platform_admin
        or any(pk in roles.member_of for pk in contract.party_organisation_ids)
        or contract.registration_body_id in roles.registrar_of
        or roles.covers_region(contract.seller_region_code)
    )
    if not allowed:
        raise Http404
    return contract


def deal_for_contract(*, pk: int, actor) -> Deal:
    """A deal the actor may see, as the contract form starts from it (404 otherwise)."""
    try:
        return (
            Deal.objects.visible_to(actor)
            .select_related("seller", "buyer", "listing")
            .prefetch_related("broker_engagements")
            .get(pk=pk)
        )
    except Deal.DoesNotExist as error:
        raise Http404 from error


def contract_of_deal(*, deal: Deal) -> ContractRegistration | None:
    return ContractRegistration.objects.filter(deal=deal).first()


def contract_list(*, actor, filters: dict | None = None, ordering: str = "") -> QuerySet:
    queryset = apply_filterset(ContractRegistration.objects.visible_to(actor), ContractFilterSet, filters)
    return _with_relations(queryset).order_by(*CONTRACT_ORDERINGS.get(ordering, CONTRACT_ORDERINGS["newest"]))


def my_contract_list(*, actor, filters: dict | None = None, ordering: str = "") -> QuerySet:
    """The registrations the actor's organisations applied for ("My contract registrations")."""
    roles = actor_roles(actor)
    queryset = ContractRegistration.objects.filter(applicant_id__in=roles.member_of)
    queryset = apply_filterset(queryset, MyContractFilterSet, filters)
    return queryset.select_related("applicant", "registration_body").order_by(
        *CONTRACT_ORDERINGS.get(ordering, CONTRACT_ORDERINGS["newest"])
    )


# One registration per contract ------------------------------------------------------------------


def _identity(contract: ContractRegistration, side: str) -> str:
    return policies.party_identity(
        credit_code=getattr(contract, f"{side}_credit_code"),
        id_number=getattr(contract, f"{side}_id_number"),
        country_code=getattr(contract, f"{side}_country_code"),
        name=getattr(contract, f"{side}_name"),
    )


def duplicate_key_of(contract: ContractRegistration) -> str:
    """The form's key under ``market.policies.duplicate_key``."""
    return policies.duplicate_key(
        seller=_identity(contract, "seller"),
        buyer=_identity(contract, "buyer"),
        signed_on=contract.signed_on,
        contract_amount=contract.contract_amount,
        title=contract.project_name,
    )


def contract_duplicate(contract: ContractRegistration, key: str | None = None) -> ContractRegistration | None:
    """Another registration of the same contract that is submitted or registered, at any body."""
    if contract.signed_on is None or contract.contract_amount is None:
        return None
    key = key or duplicate_key_of(contract)
    return (
        ContractRegistration.objects.filter(duplicate_key=key, status__in=policies.CONTRACT_ACTIVE_STATUSES)
        .exclude(pk=contract.pk)
        .select_related("registration_body")
        .order_by("pk")
        .first()
    )


def organisations_to_apply_for(*, actor) -> QuerySet:
    """The organisations the actor may open a registration for (their memberships)."""
    return Organisation.objects.filter(pk__in=actor_roles(actor).member_of, is_active=True).order_by("name")


def bodies_of_registrar(*, actor) -> QuerySet:
    """The registration bodies the actor registers for."""
    return Organisation.objects.filter(pk__in=actor_roles(actor).registrar_of, is_active=True).order_by(
        "name"
    )


def _tab_condition(tab: str, today: date) -> Q:
    if tab == "overdue":
        return Q(status=ContractStatus.SUBMITTED, due_on__lt=today)
    if tab == "registered":
        return Q(status=ContractStatus.REGISTERED)
    if tab == "refused":
        # refused (未予登记) and not yet submitted again
        return Q(status=ContractStatus.REJECTED)
    return Q(status=ContractStatus.SUBMITTED)


def _queue_base(actor) -> QuerySet[ContractRegistration]:
    roles = actor_roles(actor)
    queryset = ContractRegistration.objects.visible_to(actor).filter(submitted_at__isnull=False)
    if not roles.is_platform_admin:
        queryset = queryset.filter(registration_body_id__in=roles.registrar_of)
    return queryset


def registration_queue(
    *, actor, tab: str = "waiting", filters: dict | None = None, ordering: str = ""
) -> QuerySet:
    """Contracts submitted to the actor's registration bodies, by tab: waiting for a decision (overdue
    ones included), overdue, registered (and performed), refused. Waiting items come by due date."""
    tab = tab if tab in QUEUE_TABS else "waiting"
    queryset = _queue_base(actor).filter(_tab_condition(tab, timezone.localdate()))
    queryset = apply_filterset(queryset, RegistrationQueueFilterSet, filters)
    default = "registered" if tab == "registered" else "-submitted" if tab == "refused" else "due"
    return _with_relations(queryset).order_by(*QUEUE_ORDERINGS.get(ordering, QUEUE_ORDERINGS[default]))


def registration_queue_counts(*, actor, filters: dict | None = None) -> dict[str, int]:
    """How many contracts each tab holds (one query)."""
    today = timezone.localdate()
    queryset = apply_filterset(_queue_base(actor), RegistrationQueueFilterSet, filters)
    return queryset.aggregate(**{tab: Count("pk", filter=_tab_condition(tab, today)) for tab in QUEUE_TABS})


@dataclass(frozen=True)
class Deadline:
    days_left: int | None
    overdue_days: int
    is_late_application: bool


def contract_deadline(contract: ContractRegistration, today: date | None = None) -> Deadline:
    """Days left to decide (or how many days overdue) and the late-application flag, for a queue row.
    Reads the joined rule set, so it costs no query."""
    today = today or timezone.localdate()
    waiting = contract.status == ContractStatus.SUBMITTED and contract.due_on is not None
    overdue = waiting and policies.is_overdue(contract.due_on, today)
    return Deadline(
        days_left=(contract.due_on - today).days if waiting and not overdue else None,
        overdue_days=(today - contract.due_on).days if overdue else 0,
        is_late_application=is_late(contract),
    )


def disclosure_list(*, filters: dict | None = None, ordering: str = "", on: date | None = None) -> QuerySet:
    """Registered deals in their disclosure period (成交公示), public."""
    queryset = apply_filterset(ContractRegistration.objects.disclosed(on), DisclosureFilterSet, filters)
    return queryset.select_related("deal", "technology_field").order_by(
        *DISCLOSURE_ORDERINGS.get(ordering, DISCLOSURE_ORDERINGS["newest"])
    )


def disclosure_get(*, pk: int) -> ContractRegistration:
    """One disclosed deal; 404 outside its disclosure period."""
    try:
        return (
            ContractRegistration.objects.disclosed()
            .select_related("deal", "technology_field", "registration_body")
            .get(pk=pk)
        )
    except ContractRegistration.DoesNotExist as error:
        raise Http404 from error


def rule_set_list() -> QuerySet[RegistrationRuleSet]:
    return RegistrationRuleSet.objects.order_by("-effective_from")
