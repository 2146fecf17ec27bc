"""Writes on a registered technology contract (DOMAIN §2.3): corrections (变更), cancellation (注销),
the second check (复核) of a contract seeking tax exemption, the certification of technical income per
year of performance (技术性收入核定), the number in the national 技术合同管理与服务系统, and the
registration certificates (技术合同登记证明) issued at registration and after each correction.

Every decision here is a registrar's of the contract's body (``market.register_contract``), independent
of the parties and of who prepared or submitted the form (``market.rules.contract_registration_refusal``);
the second check is also refused to the registrar who registered the contract.
"""

import re
import secrets
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import limits
from core.permissions import require
from market import lock_objects, policies
from market import rules as market_rules
from market.choices import (
    ContractCategory,
    ContractStatus,
    ContractSubType,
    DealStatus,
    LicenceScope,
    NumberSource,
)
from market.models import (
    ContractAmendment,
    ContractCancellation,
    ContractRegistration,
    IncomeCertification,
    RegistrationCertificate,
    SecondCheck,
)
from market.models.contracts import TAX_EXEMPT_CATEGORIES, registration_number_validator
from market.models.registration_lifecycle import CancellationReason, CertificateReason, SecondCheckStatus
from market.selectors.contract_lifecycle import certificate_snapshot
from market.services import common

# What a registrar may correct after registration (变更).
AMENDABLE_FIELDS = (
    "project_name",
    "contract_category",
    "sub_type",
    "licence_scope",
    "signed_on",
    "valid_from",
    "valid_until",
    "contract_amount",
    "non_technical_amount",
    "technical_amount",
    "seller_name",
    "seller_name_original",
    "buyer_name",
    "buyer_name_original",
)
# Crockford's base-32 (no I, L, O, U): 16 characters are 80 random bits, read aloud without confusion.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16


def _contract_url(contract: ContractRegistration) -> str:
    return reverse("market:contract-detail", args=[contract.pk])


def _registered_for_update(actor, contract: ContractRegistration, *, what: str) -> ContractRegistration:
    """The contract locked, after checking that ``actor`` is an independent registrar of its body and
    that it is registered (a clear 400 otherwise)."""
    require(actor, "market.register_contract", contract)
    if contract.deal_id:
        lock_objects.deal_for_update(contract.deal_id)
    contract = lock_objects.contract_for_update(contract.pk)
    market_rules.require_independent(market_rules.contract_registration_refusal(actor, contract))
    if contract.status != ContractStatus.REGISTERED:
        raise ValidationError(
            _("Only a registered contract can be %(what)s; it is %(status)s.")
            % {"what": what, "status": contract.get_status_display()},
            code="illegal_transition",
        )
    return contract


def _clean_text(value: str, field: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Give the reason.")}, code="required")
    if len(value) > limits.REASON_MAX_LENGTH:
        raise ValidationError(
            {field: _("At most %(count)s characters.") % {"count": limits.REASON_MAX_LENGTH}},
            code="max_length",
        )
    return value


def _party_recipients(contract: ContractRegistration) -> list:
    recipients = common.members_of(*contract.party_organisation_ids)
    if not recipients and contract.prepared_by_id:
        recipients = [contract.prepared_by]
    return recipients


# Certificates --------------------------------------------------------------------------------------


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """A code as typed (any case, with dashes or spaces; O for 0, I or L for 1) in stored form, or ""
    when it cannot be one."""
    code = re.sub(r"[\s\-]", "", (raw or "")).upper()[:64]
    code = code.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return ""
    return code


def certificate_issue(*, contract: ContractRegistration, actor, reason: str) -> RegistrationCertificate:
    """Issues the contract's certificate anew (a new random code and snapshot); the issue it replaces
    is superseded. Called inside the writer's transaction, with the contract locked."""
    now = timezone.now()
    RegistrationCertificate.objects.filter(contract=contract, superseded_at__isnull=True).update(
        superseded_at=now
    )
    return RegistrationCertificate.objects.create(
        contract=contract,
        code=new_verification_code(),
        reason=reason,
        snapshot=certificate_snapshot(contract),
        issued_by=actor,
        issued_at=now,
    )


def on_registered(*, contract: ContractRegistration, actor) -> None:
    """What registration starts: the first certificate and, for a 技术开发/技术转让 contract whose
    applicant seeks tax exemption, a pending second check (复核). Called by ``contract_register``."""
    certificate_issue(contract=contract, actor=actor, reason=CertificateReason.REGISTRATION)
    if contract.tax_exemption_claimed and contract.contract_category in TAX_EXEMPT_CATEGORIES:
        SecondCheck.objects.get_or_create(contract=contract)
        with common.platform_language():
            common.notify(
                recipients=[
                    user
                    for user in common.registrars_of(contract.registration_body_id)
                    if user.pk != actor.pk
                ],
                verb="contract.second_check",
                title=_("Second check (复核) needed: %(project)s") % {"project": contract.project_name},
                body=_(
                    "The contract %(number)s seeks tax exemption; a registrar other than the one who "
                    "registered it must check it."
                )
                % {"number": contract.registration_number},
                url=_contract_url(contract),
            )


# Corrections (变更) ---------------------------------------------------------------------------------


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _check_category(contract: ContractRegistration) -> None:
    if contract.contract_category not in ContractCategory.values:
        raise ValidationError({"contract_category": _("Choose one of the listed categories.")})
    if contract.sub_type not in ContractSubType.values:
        raise ValidationError({"sub_type": _("Choose one of the listed sub-types.")})
    common.require_sub_type_of_category(contract)
    if (
        contract.contract_category == ContractCategory.LICENCE
        and contract.licence_scope not in LicenceScope.values
    ):
        raise ValidationError({"licence_scope": _("Choose the scope of the licence.")})


def _check_amounts(contract: ContractRegistration, data: dict) -> None:
    amounts_changed = "contract_amount" in data or "non_technical_amount" in data
    if contract.contract_amount is None or contract.contract_amount < 0:
        raise ValidationError({"contract_amount": _("Amounts cannot be negative.")})
    if contract.non_technical_amount is None or contract.non_technical_amount < 0:
        raise ValidationError({"non_technical_amount": _("Amounts cannot be negative.")})
    if contract.non_technical_amount > contract.contract_amount:
        raise ValidationError(
            {"non_technical_amount": _("Non-technical costs cannot exceed the contract amount.")}
        )
    if "technical_amount" not in data and amounts_changed:
        contract.technical_amount = policies.technical_amount(
            contract.contract_amount, contract.non_technical_amount
        )
    if not Decimal(0) <= contract.technical_amount <= contract.contract_amount:
        raise ValidationError(
            {
                "technical_amount": _(
                    "The technical transaction amount must be between 0 and the contract amount "
                    "(%(amount)s yuan)."
                )
                % {"amount": contract.contract_amount}
            }
        )
    certified = contract.certified_income or Decimal(0)
    if certified > contract.contract_amount:
        raise ValidationError(
            {
                "contract_amount": _(
                    "The contract amount cannot be less than the technical income already certified "
                    "(%(amount)s yuan)."
                )
                % {"amount": certified}
            }
        )


def _check_years(contract: ContractRegistration) -> None:
    years = list(contract.income_certifications.values_list("year", flat=True))
    if years and (min(years) < contract.signed_on.year or max(years) > contract.valid_until.year):
        raise ValidationError(
            {
                "__all__": _(
                    "Technical income has been certified for %(years)s: the contract must have been signed "
                    "by then and remain valid through those years."
                )
                % {"years": ", ".join(str(year) for year in sorted(years))}
            }
        )


@transaction.atomic
def contract_amend(*, actor, contract: ContractRegistration, data: dict, reason: str) -> ContractAmendment:
    """Corrects a registered contract (变更) with the reason; the rules of registration apply again
    (0 ≤ technical amount ≤ contract amount; the sub-type belongs to the category), what changed is
    kept as ``{field: [old, new]}``, a new certificate is issued and the parties are told."""
    reason = _clean_text(reason, "reason", required=True)
    contract = _registered_for_update(actor, contract, what=pgettext("market", "corrected"))
    data = {name: value for name, value in data.items() if name in AMENDABLE_FIELDS}
    before = {name: getattr(contract, name) for name in AMENDABLE_FIELDS}
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(contract, name, value)
    _check_category(contract)
    _check_amounts(contract, data)
    contract.full_clean()
    _check_years(contract)
    changes = {
        name: [_as_text(before[name]), _as_text(getattr(contract, name))]
        for name in AMENDABLE_FIELDS
        if before[name] != getattr(contract, name)
    }
    if not changes:
        raise ValidationError(_("Nothing was changed: correct at least one field."), code="no_change")
    contract.save()
    amendment = ContractAmendment.objects.create(
        contract=contract, changes=changes, reason=reason, registrar=actor
    )
    certificate_issue(contract=contract, actor=actor, reason=CertificateReason.CORRECTION)
    with common.platform_language():
        common.notify(
            recipients=_party_recipients(contract),
            verb="contract.amended",
            title=_("Registered contract corrected: %(project)s") % {"project": contract.project_name},
            body=_(
                "%(body)s corrected the registration (%(fields)s): %(reason)s. A new certificate was issued."
            )
            % {
                "body": contract.registration_body.name,
                "fields": ", ".join(
                    str(ContractRegistration._meta.get_field(name).verbose_name) for name in changes
                ),
                "reason": reason,
            },
            url=_contract_url(contract),
        )
    return amendment


# Cancellation (注销) --------------------------------------------------------------------------------


@transaction.atomic
def contract_cancel(
    *, actor, contract: ContractRegistration, reason: str, note: str = ""
) -> ContractCancellation:
    """Cancels a registration (注销) with a coded reason (“other” needs a note): it is no longer
    disclosed nor counted, its certificate verifies as cancelled, and the parties are told."""
    if reason not in CancellationReason.values:
        raise ValidationError({"reason": _("Choose one of the listed reasons.")})
    note = _clean_text(note, "note", required=reason == CancellationReason.OTHER)
    contract = _registered_for_update(actor, contract, what=pgettext("market", "cancelled"))
    common.move(
        contract,
        policies.CONTRACT_TRANSITIONS,
        ContractStatus.CANCELLED,
        noun=pgettext("market", "registration"),
    )
    contract.save()
    cancellation = ContractCancellation.objects.create(
        contract=contract, reason=reason, note=note, cancelled_by=actor
    )
    with common.platform_language():
        body = str(CancellationReason(reason).label) + (f": {note}" if note else "")
        common.notify(
            recipients=_party_recipients(contract),
            verb="contract.cancelled",
            title=_("Registration cancelled (注销): %(project)s") % {"project": contract.project_name},
            body=_("%(body)s cancelled the registration %(number)s. %(reason)s")
            % {
                "body": contract.registration_body.name,
                "number": contract.registration_number,
                "reason": body,
            },
            url=_contract_url(contract),
        )
    return cancellation


# The second check (复核) ----------------------------------------------------------------------------


@transaction.atomic
def second_check_decide(
    *, actor, contract: ContractRegistration, confirmed: bool, note: str = ""
) -> SecondCheck:
    """The second check (复核) of a registered contract seeking tax exemption, by a registrar of the
    body other than the one who registered it: confirmed, or refused with a note."""
    require(actor, "market.register_contract", contract)
    market_rules.require_independent(market_rules.contract_second_check_refusal(actor, contract))
    note = _clean_text(note, "note", required=not confirmed)
    contract = _registered_for_update(actor, contract, what=pgettext("market", "checked"))
    check = SecondCheck.objects.select_for_update().filter(contract=contract).first()
    if check is None or check.status != SecondCheckStatus.PENDING:
        raise ValidationError(
            _("This contract is not waiting for a second check."), code="illegal_transition"
        )
    check.status = SecondCheckStatus.CONFIRMED if confirmed else SecondCheckStatus.REFUSED
    check.checked_by = actor
    check.checked_at = timezone.now()
    check.note = note
    check.full_clean()
    check.save()
    with common.platform_language():
        common.notify(
            recipients=_party_recipients(contract),
            verb="contract.second_checked",
            title=_("Second check (复核) of %(project)s: %(outcome)s")
            % {"project": contract.project_name, "outcome": check.get_status_display()},
            body=note,
            url=_contract_url(contract),
        )
    return check


# 技术性收入核定 per year -------------------------------------------------------------------------------


def income_year_bounds(contract: ContractRegistration, today: date) -> tuple[int, int]:
    """The years whose income may be certified: from the signing year to the last year of validity,
    and not after this year."""
    return contract.signed_on.year, min(contract.valid_until.year, today.year)


@transaction.atomic
def income_certify(
    *,
    actor,
    contract: ContractRegistration,
    year: int | None = None,
    amount: Decimal,
    performed_on: date | None = None,
    note: str = "",
) -> IncomeCertification:
    """Certifies the technical income (核定技术性收入) of one year of performance (the year of
    ``performed_on`` when no year is given). A year is certified once; the years together never exceed
    the contract amount. ``certified_income`` keeps the total and ``certified_at`` the latest; a deal
    made on the platform is performed at its first certification."""
    contract = _registered_for_update(actor, contract, what=pgettext("market", "certified"))
    note = _clean_text(note, "note", required=False)
    today = timezone.localdate()
    errors = {}
    if performed_on is not None and not contract.signed_on <= performed_on <= today:
        errors["performed_on"] = _("The performance date must lie between the signing date and today.")
    if year is None:
        year = performed_on.year if performed_on is not None else today.year
    first, last = income_year_bounds(contract, today)
    if not first <= year <= last:
        errors["year"] = _("The year must lie between %(first)s and %(last)s.") % {
            "first": first,
            "last": last,
        }
    elif IncomeCertification.objects.filter(contract=contract, year=year).exists():
        errors["year"] = _("The income of %(year)s has already been certified.") % {"year": year}
    already = IncomeCertification.objects.filter(contract=contract).aggregate(total=Sum("amount"))["total"]
    already = already or Decimal(0)
    if amount is None or amount < 0:
        errors["amount"] = _("The certified income cannot be negative.")
    elif already + amount > contract.contract_amount:
        errors["amount"] = _(
            "With the %(already)s yuan already certified, the total would exceed the contract amount "
            "(%(amount)s yuan)."
        ) % {"already": f"{already:.2f}", "amount": contract.contract_amount}
    if errors:
        raise ValidationError(errors)
    certification = IncomeCertification(
        contract=contract, year=year, amount=amount, performed_on=performed_on, note=note, certified_by=actor
    )
    certification.full_clean()
    certification.save()
    contract.certified_income = already + amount
    contract.certified_at = certification.certified_at
    contract.full_clean()
    contract.save()
    deal = contract.deal if contract.deal_id else None
    if deal is not None and deal.status != DealStatus.PERFORMED:
        common.move(deal, policies.DEAL_TRANSITIONS, DealStatus.PERFORMED, noun=pgettext("market", "deal"))
        deal.performed_on = performed_on or today
        deal.full_clean()
        deal.save()
    with common.platform_language():
        common.notify(
            recipients=common.members_of(contract.applicant_id) if contract.applicant_id else [],
            verb="contract.income_certified",
            title=_("Technical income certified: %(project)s") % {"project": contract.project_name},
            body=_("Certified technical income of %(year)s: %(amount)s yuan (total %(total)s yuan).")
            % {"year": year, "amount": f"{amount:.2f}", "total": f"{contract.certified_income:.2f}"},
            url=_contract_url(contract),
        )
    return certification


# The number in the national system --------------------------------------------------------------------


@transaction.atomic
def contract_record_national_number(
    *, actor, contract: ContractRegistration, national_number: str
) -> ContractRegistration:
    """Records the contract's number in the national 技术合同管理与服务系统 beside ours (16 digits,
    never parsed, used by no other contract); the certificate is issued again to print it."""
    national_number = re.sub(r"\s", "", national_number or "")
    try:
        registration_number_validator(national_number)
    except ValidationError as error:
        raise ValidationError(
            {"national_number": _("A number of the national system has exactly 16 digits.")}
        ) from error
    contract = _registered_for_update(actor, contract, what=pgettext("market", "numbered"))
    if national_number == contract.national_number:
        raise ValidationError({"national_number": _("This number is already recorded.")}, code="no_change")
    taken = (
        ContractRegistration.objects.filter(national_number=national_number).exclude(pk=contract.pk).exists()
    )
    if taken:
        raise ValidationError(
            {"national_number": _("Another contract on the platform already has this national number.")}
        )
    if contract.number_source == NumberSource.PLATFORM and national_number == contract.registration_number:
        raise ValidationError(
            {"national_number": _("This is the platform's own number, not one of the national system.")}
        )
    contract.national_number = national_number
    contract.full_clean()
    contract.save()
    certificate_issue(contract=contract, actor=actor, reason=CertificateReason.NATIONAL_NUMBER)
    return contract
