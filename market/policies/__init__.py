"""Pure rules of the market: state machines, publicity, the technical-amount arithmetic, registration
rules and numbers, commissions. Values in, values out; no database."""

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.choices import CooperationMode
from market.choices import (
    SUB_TYPE_CATEGORY,
    ContractCategory,
    ContractStatus,
    ContractSubType,
    DealStatus,
    DemandStatus,
    InquiryStatus,
    ListingStatus,
)

LISTING_TRANSITIONS: dict[str, frozenset[str]] = {
    ListingStatus.DRAFT: frozenset({ListingStatus.PUBLICITY, ListingStatus.WITHDRAWN}),
    ListingStatus.PUBLICITY: frozenset({ListingStatus.ACTIVE, ListingStatus.WITHDRAWN}),
    ListingStatus.ACTIVE: frozenset({ListingStatus.IN_DEAL, ListingStatus.EXPIRED, ListingStatus.WITHDRAWN}),
    ListingStatus.IN_DEAL: frozenset({ListingStatus.SOLD, ListingStatus.ACTIVE}),
    ListingStatus.SOLD: frozenset(),
    ListingStatus.EXPIRED: frozenset(),
    ListingStatus.WITHDRAWN: frozenset(),
}
LISTING_EDITABLE_STATUSES = frozenset({ListingStatus.DRAFT})

DEMAND_TRANSITIONS: dict[str, frozenset[str]] = {
    DemandStatus.DRAFT: frozenset({DemandStatus.SUBMITTED, DemandStatus.CLOSED}),
    DemandStatus.SUBMITTED: frozenset({DemandStatus.PUBLISHED, DemandStatus.RETURNED, DemandStatus.CLOSED}),
    DemandStatus.RETURNED: frozenset({DemandStatus.SUBMITTED, DemandStatus.CLOSED}),
    DemandStatus.PUBLISHED: frozenset({DemandStatus.CLOSED}),
    DemandStatus.CLOSED: frozenset(),
}
DEMAND_EDITABLE_STATUSES = frozenset({DemandStatus.DRAFT, DemandStatus.RETURNED})

DEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    DealStatus.NEGOTIATING: frozenset({DealStatus.AGREED, DealStatus.CANCELLED}),
    DealStatus.AGREED: frozenset({DealStatus.SUBMITTED, DealStatus.CANCELLED}),
    DealStatus.SUBMITTED: frozenset({DealStatus.REGISTERED, DealStatus.REJECTED}),
    # refused registration (未予登记): corrected and submitted again, or given up by the parties
    DealStatus.REJECTED: frozenset({DealStatus.SUBMITTED, DealStatus.CANCELLED}),
    DealStatus.REGISTERED: frozenset({DealStatus.PERFORMED}),
    DealStatus.PERFORMED: frozenset(),
    DealStatus.CANCELLED: frozenset(),
}
DEAL_TERMS_EDITABLE_STATUSES = frozenset({DealStatus.NEGOTIATING})
# A deal's registration form can be prepared once it is signed, or again after a refusal.
DEAL_CONTRACT_STATUSES = frozenset({DealStatus.AGREED, DealStatus.REJECTED})
CONTRACT_TRANSITIONS: dict[str, frozenset[str]] = {
    ContractStatus.DRAFT: frozenset({ContractStatus.SUBMITTED}),
    ContractStatus.SUBMITTED: frozenset({ContractStatus.REGISTERED, ContractStatus.REJECTED}),
    # refused (未予登记): corrected and submitted again
    ContractStatus.REJECTED: frozenset({ContractStatus.SUBMITTED}),
    # a registration is cancelled (注销) with a reason; it is never deleted
    ContractStatus.REGISTERED: frozenset({ContractStatus.CANCELLED}),
    ContractStatus.CANCELLED: frozenset(),
}
CONTRACT_EDITABLE_STATUSES = frozenset({ContractStatus.DRAFT, ContractStatus.REJECTED})
# Brokers can be engaged or released until the contract is registered.
DEAL_BROKER_CHANGE_STATUSES = frozenset(
    {DealStatus.NEGOTIATING, DealStatus.AGREED, DealStatus.SUBMITTED, DealStatus.REJECTED}
)
# The parties (and the brokers) write in an open thread, and go on writing once it became a deal.
INQUIRY_MESSAGE_STATUSES = frozenset({InquiryStatus.OPEN, InquiryStatus.CONVERTED})


# How many deals a listing takes (DOMAIN §2.2) ----------------------------------------------------------

# The modes that give the technology to one party: a transfer (转让) and investment in kind (作价投资)
# hand it over; an exclusive licence (独占许可) leaves one user; a sole licence (排他许可) one licensee per
# territory and field of use — the platform records neither on a listing or a deal, so one in all.
# Ordinary licences (普通许可), development, services and consulting may be signed with many.
SINGLE_DEAL_MODES = frozenset(
    {
        CooperationMode.TRANSFER,
        CooperationMode.LICENCE_EXCLUSIVE,
        CooperationMode.LICENCE_SOLE,
        CooperationMode.INVESTMENT,
    }
)


def takes_one_deal(transaction_mode: str) -> bool:
    """Whether a listing in this mode may have only one signed deal at a time (a signed deal that ends
    — cancelled, or given up after a refused registration — frees it)."""
    return transaction_mode in SINGLE_DEAL_MODES


def listing_taken_message(transaction_mode: str) -> str:
    """Why a deal cannot be signed on a listing another signed deal holds alone."""
    return _(
        "This listing (%(mode)s) has already been signed with another buyer, and a listing in this "
        "transaction mode takes only one deal; this deal can be signed only if that one ends."
    ) % {"mode": CooperationMode(transaction_mode).label}


def can_move(transitions: Mapping[str, frozenset[str]], current: str, target: str) -> bool:
    return target in transitions.get(current, frozenset())


# Publicity (公示) ----------------------------------------------------------------------------------


def publicity_end(published_at: datetime, days: int) -> datetime:
    """Publicity runs ``days`` calendar days from publication (DOMAIN §9.1: 协议定价 15 days)."""
    return published_at + timedelta(days=days)


def signing_blocker(
    *, listing_status: str | None, publicity_ends_at: datetime | None, open_objections: int, now: datetime
) -> str | None:
    """Why a deal on this listing cannot be signed now, or None when it can.

    Publicity must have closed and no objection may be open (促进科技成果转化法 第18条 practice).
    A deal without a listing (answering a demand) has nothing to wait for.
    """
    if listing_status is None:
        return None
    if open_objections:
        return _(
            "An objection to the listing is still open; the deal can be signed once officials resolve it."
        )
    if listing_status == ListingStatus.PUBLICITY or (
        publicity_ends_at is not None and now < publicity_ends_at
    ):
        return _("The listing is still in its publicity period; the deal can be signed after %(end)s.") % {
            "end": timezone.localtime(publicity_ends_at).strftime("%Y-%m-%d %H:%M")
            if publicity_ends_at
            else "—"
        }
    if listing_status not in (ListingStatus.ACTIVE, ListingStatus.IN_DEAL):
        return _("The listing is no longer on the market.")
    return None


# Amounts -------------------------------------------------------------------------------------------


def technical_amount(contract_amount: Decimal, non_technical_amount: Decimal) -> Decimal:
    """技术交易额 = 合同金额 − 非技术性费用 (DOMAIN §2.4); raises ValueError on impossible amounts."""
    if contract_amount < 0 or non_technical_amount < 0:
        raise ValueError("amounts cannot be negative")
    if non_technical_amount > contract_amount:
        raise ValueError("non-technical costs exceed the contract amount")
    return contract_amount - non_technical_amount


def commission(
    *, fee_basis: str, rate_percent: Decimal | None, fee_amount: Decimal | None, contract_amount: Decimal
) -> Decimal | None:
    """The broker's commission as far as it is known at signing (a share of money received is not)."""
    if fee_basis == "fixed":
        return fee_amount
    if fee_basis == "pct_of_contract" and rate_percent is not None:
        return (contract_amount * rate_percent / Decimal(100)).quantize(Decimal("0.01"))
    return None


# Registration --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSet:
    """The parts of a registration rule-set version the rules need."""

    code: str
    effective_from: date
    effective_to: date | None
    decision_days: int | None
    application_window_days: int | None
    categories: tuple[str, ...]
    statistical_categories: Mapping[str, str]

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


def rule_set_in_force(rule_sets: Iterable[RuleSet], day: date) -> RuleSet | None:
    """The version in force on ``day``; the latest start wins if versions overlap."""
    candidates = [rule_set for rule_set in rule_sets if rule_set.in_force_on(day)]
    return max(candidates, key=lambda rule_set: rule_set.effective_from, default=None)


def statistical_category(rule_set: RuleSet, category: str) -> str:
    """The category the statistics count a contract under (licences inside transfers before 2026)."""
    return rule_set.statistical_categories.get(category, category)


@dataclass(frozen=True)
class ContractFacts:
    category: str
    sub_type: str
    licence_scope: str
    signed_on: date
    valid_from: date
    valid_until: date
    contract_amount: Decimal
    non_technical_amount: Decimal
    expected_investment: Decimal | None
    expected_output: Decimal | None
    has_contract_file: bool


def registration_problems(
    facts: ContractFacts, rule_set: RuleSet | None, applied_on: date
) -> dict[str, list[str]]:
    """What stops a contract from being submitted for registration under ``rule_set``, by field."""
    problems: dict[str, list[str]] = {}

    def need(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if rule_set is None:
        need("__all__", _("No registration rules are in force on %(day)s.") % {"day": applied_on.isoformat()})
        return problems
    if facts.category not in rule_set.categories:
        need(
            "contract_category",
            _(
                "%(category)s contracts cannot be registered under the rules in force; choose another category."
            )
            % {"category": ContractCategory(facts.category).label},
        )
    if SUB_TYPE_CATEGORY.get(facts.sub_type) != facts.category:
        need(
            "sub_type",
            _("%(sub_type)s is not a kind of %(category)s contract.")
            % {
                "sub_type": ContractSubType(facts.sub_type).label,
                "category": ContractCategory(facts.category).label,
            },
        )
    if facts.category == ContractCategory.LICENCE and not facts.licence_scope:
        need("licence_scope", _("Say whether the licence is exclusive, sole or ordinary."))
    if facts.category == ContractCategory.TRANSFER and (
        facts.expected_investment is None or facts.expected_output is None
    ):
        need(
            "expected_investment", _("Transfer contracts must state the expected new investment and output.")
        )
    if facts.signed_on > applied_on:
        need("signed_on", _("The contract must be signed before it is registered."))
    if facts.valid_until < facts.valid_from:
        need("valid_until", _("The contract cannot end before it starts."))
    if facts.non_technical_amount > facts.contract_amount:
        need("non_technical_amount", _("Non-technical costs cannot exceed the contract amount."))
    if not facts.has_contract_file:
        need(
            "contract_file",
            _("Attach the signed written contract; oral contracts cannot be registered."),
        )
    return problems


def is_late_application(rule_set: RuleSet, signed_on: date, applied_on: date) -> bool:
    """Applied later than the local practice allows after signing: flagged for the registrar, not refused."""
    window = rule_set.application_window_days
    return window is not None and (applied_on - signed_on).days > window


def decision_due(submitted_on: date, decision_days: int) -> date:
    """The registration body decides within ``decision_days`` of accepting (2000 办法 第14条: 30 days)."""
    return submitted_on + timedelta(days=decision_days)


def is_overdue(due_on: date | None, today: date) -> bool:
    return due_on is not None and today > due_on


def registration_number(*, region_code: str, year: int, serial: int) -> str:
    """The platform's own 16-digit 合同登记编号: year (4) + the registration body's GB/T 2260 region
    code (6) + serial within the body and year (6), e.g. ``2026510100000042``.

    The national layout is undocumented (DOMAIN §2.6), so the number is stored whole and never parsed.
    """
    if not (len(region_code) == 6 and region_code.isdigit()):
        raise ValueError("region_code must be 6 digits")
    if not 0 < serial < 1_000_000:
        raise ValueError("serial must be between 1 and 999999")
    return f"{year:04d}{region_code}{serial:06d}"


# Pre-filling a contract from a deal -----------------------------------------------------------------

_MODE_CATEGORY: dict[str, tuple[str, str]] = {
    CooperationMode.TRANSFER: (ContractCategory.TRANSFER, ContractSubType.PATENT_RIGHT),  # refined by the IP
    CooperationMode.LICENCE_EXCLUSIVE: (ContractCategory.LICENCE, ContractSubType.PATENT_LICENCE),
    CooperationMode.LICENCE_SOLE: (ContractCategory.LICENCE, ContractSubType.PATENT_LICENCE),
    CooperationMode.LICENCE_ORDINARY: (ContractCategory.LICENCE, ContractSubType.PATENT_LICENCE),
    CooperationMode.INVESTMENT: (ContractCategory.TRANSFER, ContractSubType.TECHNOLOGY_EQUITY),
    CooperationMode.JOINT_DEVELOPMENT: (
        ContractCategory.DEVELOPMENT,
        ContractSubType.COOPERATIVE_DEVELOPMENT,
    ),
    CooperationMode.TECHNICAL_SERVICE: (ContractCategory.SERVICE, ContractSubType.TECHNICAL_SERVICE),
    CooperationMode.TECHNICAL_CONSULTING: (ContractCategory.CONSULTING, ContractSubType.EVALUATION_REPORT),
}
_MODE_LICENCE_SCOPE = {
    CooperationMode.LICENCE_EXCLUSIVE: "exclusive",
    CooperationMode.LICENCE_SOLE: "sole",
    CooperationMode.LICENCE_ORDINARY: "ordinary",
}


_PATENTS = frozenset({"invention_patent", "utility_model", "design_patent"})
_OTHER_IP = frozenset({"software_copyright", "plant_variety", "ic_layout"})


def category_for_mode(transaction_mode: str, ip_type: str = "none") -> tuple[str, str, str]:
    """(category, sub-type, licence scope) a deal's transaction mode and the IP it concerns suggest for
    its contract: a transfer of a patent is 专利权转让, of other IP 其他知识产权转让, of unpatented know-how
    技术秘密转让; a licence is 专利实施许可 or 技术秘密使用许可."""
    category, sub_type = _MODE_CATEGORY[transaction_mode]
    if transaction_mode == CooperationMode.TRANSFER:
        if ip_type in _OTHER_IP:
            sub_type = ContractSubType.OTHER_IP_TRANSFER
        elif ip_type not in _PATENTS:
            sub_type = ContractSubType.TECHNICAL_SECRET_TRANSFER
    elif category == ContractCategory.LICENCE and ip_type not in _PATENTS:
        sub_type = ContractSubType.TECHNICAL_SECRET_LICENCE
    return category, sub_type, _MODE_LICENCE_SCOPE.get(transaction_mode, "")


# One registration per contract (按地域一次登记) ---------------------------------------------------------

# The statuses in which a registration holds its contract: another with the same key is refused.
CONTRACT_ACTIVE_STATUSES = frozenset({ContractStatus.SUBMITTED, ContractStatus.REGISTERED})
_TITLE_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def _normalised_text(value: str) -> str:
    """Case, width (全角/半角) and punctuation folded away, so ``《XX技术》转让合同`` and
    ``XX技术 转让合同`` are one title."""
    return _TITLE_NOISE.sub("", unicodedata.normalize("NFKC", value or "").casefold())


def party_identity(
    *, credit_code: str = "", id_number: str = "", country_code: str = "", name: str = ""
) -> str:
    """What identifies a party across registration bodies: its unified social credit code, else a person's
    identity number, else its country and normalised name."""
    if credit_code:
        return f"uscc:{credit_code.strip().upper()}"
    if id_number:
        return f"ric:{id_number.strip().upper()}"
    return f"name:{(country_code or '').strip()}:{_normalised_text(name)}"


def duplicate_key(
    *,
    seller: str,
    buyer: str,
    signed_on: date,
    contract_amount: Decimal,
    title: str,
) -> str:
    """The key under which a contract may be registered once (a SHA-256 hex digest, 64 characters):
    seller and buyer identity (``party_identity``), signing date, contract amount and normalised title.
    The bulk import reuses it."""
    amount = Decimal(contract_amount).quantize(Decimal("0.01"))
    text = "|".join((seller, buyer, signed_on.isoformat(), str(amount), _normalised_text(title)))
    return hashlib.sha256(text.encode()).hexdigest()


def mask_id_number(value: str) -> str:
    """A resident identity number as pages and the API show it: the region (6) and the last 4 characters,
    e.g. ``510104********123X``. Anything shorter than 10 characters is masked whole."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
