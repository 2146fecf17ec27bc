"""Writes on technology-contract registration (技术合同认定登记) and its disclosure (成交公示).

The seller of an agreed deal prepares the registration form (pre-filled from the deal and the parties'
profiles), attaches the signed contract and submits it to the registration body of its locality
(按地域一次登记). A registrar of that body registers it with a 16-digit number — correcting the
category or the technical transaction amount if needed — or refuses it with a coded reason (未予登记),
after which the seller may correct and submit again. Registration opens the disclosure period and,
after performance, the registrar certifies the technical income year by year (核定技术性收入; see
services/contract_lifecycle.py with corrections, cancellation and the certificates).
"""

import calendar
import copy
from datetime import date
from decimal import Decimal
from functools import partial

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from stdnum.cn import ric

from achievements.choices import IPKind
from core import uploads, versions, workdays
from core import validators as core_validators
from core.permissions import require
from institutions import identifiers
from institutions.choices import OrganisationKind
from institutions.models import Organisation, validate_credit_code
from market import codes, lock_objects, policies
from market import rules as market_rules
from market.choices import (
    CONTRACT_NO_IP,
    ContractCategory,
    ContractSource,
    ContractStatus,
    DealStatus,
    NumberSource,
    PartyKind,
    RejectionReason,
)
from market.models import ContractRegistration, Deal, RegistrationSequence
from market.models.contracts import CHINA_COUNTRY_CODE, ID_NUMBER_REVEALED
from market.selectors import contracts as contract_selectors
from market.services import common, contract_lifecycle
from market.services import listings as listing_services

# What the seller may change on the form; the parties' snapshot comes from their profiles.
CONTRACT_FIELDS = (
    "project_name",
    "contract_category",
    "sub_type",
    "licence_scope",
    "signed_on",
    "valid_from",
    "valid_until",
    "contract_amount",
    "non_technical_amount",
    "payment_method",
    "ip_type",
    "technology_field",
    "expected_investment",
    "expected_output",
    "tax_exemption_claimed",
    "plan_category",
    "socio_economic_goal",
    "trade_subject",
)
# A party as the form records it (``<side>_<name>`` on the model).
PARTY_FIELDS = (
    "kind",
    "organisation",
    "name",
    "name_original",
    "credit_code",
    "id_number",
    "entity_type",
    "country_code",
    "region_code",
)
# What a registrar reviews: the form as the seller filled it in, and the signed contract attached.
REVIEWED_FIELDS = (
    *CONTRACT_FIELDS,
    "contract_file_name",
    # a person's identity number is personal data: its change bumps the version but is never listed
    *(f"{side}_{name}" for side in ("seller", "buyer") for name in PARTY_FIELDS if name != "id_number"),
)
VALIDITY_YEARS = 2
# 买/卖方性质 of a natural person (个人), and the GB/T 2260 prefix of Sichuan: its sellers register here.
PERSON_ENTITY_TYPE = "400"
SICHUAN_PREFIX = "51"


def disclosure_window(registered_on: date) -> tuple[date, date]:
    """成交公示: from the day of registration until the ``MARKET_DISCLOSURE_WORKING_DAYS``-th working day
    after it (32号令: ≥ 5 working days; the day of registration is not counted), by the holiday calendar
    (core.workdays), both ends shown."""
    return registered_on, workdays.add_working_days(registered_on, settings.MARKET_DISCLOSURE_WORKING_DAYS)


def _contract_url(contract: ContractRegistration) -> str:
    return reverse("market:contract-detail", args=[contract.pk])


def _years_later(day: date, years: int) -> date:
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _not_editable(contract: ContractRegistration) -> ValidationError:
    return ValidationError(
        _("The registration form can only be changed while it is %(statuses)s; it is %(status)s.")
        % {
            "statuses": " / ".join(
                str(ContractStatus(status).label) for status in sorted(policies.CONTRACT_EDITABLE_STATUSES)
            ),
            "status": contract.get_status_display(),
        },
        code="not_editable",
    )


def _move(
    contract: ContractRegistration, deal: Deal | None, target: str, deal_target: str | None = None
) -> None:
    """Moves the form to ``target`` (a clear 400 when the move is illegal) and its deal, if it came from
    one, to ``deal_target``."""
    common.move(contract, policies.CONTRACT_TRANSITIONS, target, noun=pgettext("market", "registration"))
    if deal is not None and deal_target is not None:
        common.move(deal, policies.DEAL_TRANSITIONS, deal_target, noun=pgettext("market", "deal"))


# Preparing the form ---------------------------------------------------------------------------------


def registration_body_for(region_code: str) -> Organisation | None:
    """The registration body of the applicant's locality: the active body whose region is the most
    specific of the county, its city and the province (按地域一次登记)."""
    candidates = [region_code, f"{region_code[:4]}00", f"{region_code[:2]}0000"]
    bodies = {
        body.region_id: body
        for body in Organisation.objects.filter(
            kind=OrganisationKind.REGISTRATION_BODY, is_active=True, region_id__in=candidates
        )
        .select_related("region")
        .order_by("-pk")  # the oldest body of a region wins
    }
    return next((bodies[code] for code in candidates if code in bodies), None)


def _party_snapshot(organisation: Organisation, side: str) -> dict:
    if organisation.entity_type_id is None:
        raise ValidationError(
            _(
                "%(organisation)s has no legal-entity type (买/卖方性质) on its profile; its administrator "
                "must set it before the contract can be registered."
            )
            % {"organisation": organisation.name},
            code="entity_type_missing",
        )
    return {
        f"{side}_kind": PartyKind.PLATFORM,
        f"{side}_organisation": organisation,
        f"{side}_name": organisation.name,
        f"{side}_credit_code": organisation.credit_code,
        f"{side}_entity_type": organisation.entity_type.code,
        f"{side}_region_code": organisation.region_id,
    }


def _ip_type(deal: Deal) -> str:
    listing = deal.listing
    if listing is None or listing.achievement_id is None:
        return CONTRACT_NO_IP
    asset = listing.achievement.ip_assets.order_by("pk").first()
    if asset is None or asset.kind not in IPKind.values:
        return CONTRACT_NO_IP
    return asset.kind


def _technology_field_id(deal: Deal) -> int | None:
    if deal.listing_id:
        return deal.listing.technology_field_id
    if deal.demand_id:
        return deal.demand.technology_field_id
    return None


@transaction.atomic
def contract_prepare(*, actor, deal: Deal) -> ContractRegistration:
    """The registration form of a signed deal, created pre-filled on first use (then returned as is)."""
    require(actor, "market.manage_contract", deal)
    deal = lock_objects.deal_for_update(deal.pk)
    existing = ContractRegistration.objects.filter(deal=deal).first()
    if existing is not None:
        return existing
    if deal.status not in policies.DEAL_CONTRACT_STATUSES:
        raise ValidationError(
            _("Only a signed deal can be registered; this deal is %(status)s.")
            % {"status": deal.get_status_display()},
            code="illegal_transition",
        )
    seller = Organisation.objects.select_related("entity_type").get(pk=deal.seller_id)
    buyer = Organisation.objects.select_related("entity_type").get(pk=deal.buyer_id)
    parties = {**_party_snapshot(seller, "seller"), **_party_snapshot(buyer, "buyer")}
    body = registration_body_for(seller.region_id)
    if body is None:
        raise ValidationError(
            _(
                "No registration body serves %(region)s yet, so the contract cannot be registered on the "
                "platform; please contact the platform administrators."
            )
            % {"region": seller.region.name},
            code="no_registration_body",
        )
    ip_type = _ip_type(deal)
    category, sub_type, licence_scope = policies.category_for_mode(deal.transaction_mode, ip_type)
    signed_on = deal.signed_on or timezone.localdate()
    contract = ContractRegistration(
        deal=deal,
        source=ContractSource.DEAL,
        status=ContractStatus.DRAFT,
        applicant=seller,
        registration_body=body,
        prepared_by=actor,
        project_name=deal.title,
        contract_category=category,
        sub_type=sub_type,
        licence_scope=licence_scope,
        signed_on=signed_on,
        valid_from=signed_on,
        valid_until=_years_later(signed_on, VALIDITY_YEARS),
        contract_amount=deal.amount,
        non_technical_amount=Decimal("0"),
        technical_amount=policies.technical_amount(deal.amount, Decimal("0")),
        payment_method=deal.payment_method,
        ip_type=ip_type,
        technology_field_id=_technology_field_id(deal),
        **parties,
    )
    contract.full_clean()
    contract.save()
    return contract


# Parties of every kind ---------------------------------------------------------------------------


def _code_is_valid(scheme: str, code: str) -> bool:
    """Every code of the form is checked here (``market.codes``), so the source of the lists can change
    in one place."""
    return codes.code_is_valid(scheme, code)


def _organisation_of(value) -> Organisation | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Organisation) else value
    try:
        return Organisation.objects.select_related("entity_type", "region").get(pk=pk, is_active=True)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        return None


def _clean_text(data: dict, name: str) -> str:
    value = data.get(name)
    return str(value).strip() if value is not None else ""


def party_fields(side: str, data: dict) -> dict:
    """The ``<side>_*`` model fields of a party from its input (``kind`` and the fields of that kind;
    the fields of other kinds are cleared). Every problem is reported at once, by ``<side>_<field>``:

    - on the platform: the organisation; its name, credit code, entity type and region are taken from
      its profile;
    - an organisation off the platform (anywhere in China): name, unified social credit code, GB/T 2260
      region code and 买/卖方性质 code;
    - a foreign party: customs country code (not 142 China), name in the original language and in
      Chinese; no credit code or region;
    - a natural person: name and resident identity number (personal data: shown masked).
    """
    kind = _clean_text(data, "kind") or PartyKind.PLATFORM
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(f"{side}_{name}", []).append(message)

    values = {
        f"{side}_kind": kind,
        f"{side}_organisation": None,
        f"{side}_name": _clean_text(data, "name"),
        f"{side}_name_original": "",
        f"{side}_credit_code": "",
        f"{side}_id_number": "",
        f"{side}_entity_type": _clean_text(data, "entity_type"),
        f"{side}_country_code": CHINA_COUNTRY_CODE,
        f"{side}_region_code": "",
    }
    if kind not in PartyKind.values:
        error("kind", _("Choose what kind of party this is."))
        raise ValidationError(errors)
    if kind == PartyKind.PLATFORM:
        organisation = _organisation_of(data.get("organisation"))
        if organisation is None:
            error("organisation", _("Choose an organisation on the platform."))
        else:
            try:
                values.update(_party_snapshot(organisation, side))
            except ValidationError as problem:
                error("organisation", problem.messages[0])
    else:
        if not values[f"{side}_name"]:
            error("name", _("Enter the name."))
    if kind == PartyKind.ORGANISATION:
        credit_code = identifiers.compact(_clean_text(data, "credit_code"))
        values[f"{side}_credit_code"] = credit_code
        if not credit_code:
            error("credit_code", _("Enter the unified social credit code (统一社会信用代码)."))
        else:
            try:
                validate_credit_code(credit_code)
            except ValidationError as problem:
                error("credit_code", problem.messages[0])
        region_code = _clean_text(data, "region_code")
        values[f"{side}_region_code"] = region_code
        if not _code_is_valid(codes.REGION, region_code):
            error("region_code", _("Enter the 6-digit GB/T 2260 code of a region of China, e.g. 310104."))
        if not _code_is_valid(codes.ENTITY_TYPE, values[f"{side}_entity_type"]):
            error("entity_type", _("Choose the legal-entity type (买/卖方性质)."))
    elif kind == PartyKind.FOREIGN:
        country_code = _clean_text(data, "country_code")
        values[f"{side}_country_code"] = country_code
        values[f"{side}_name_original"] = _clean_text(data, "name_original")
        if country_code == CHINA_COUNTRY_CODE:
            error(
                "country_code",
                _("142 is China: a party in China is an organisation or a person, not a foreign party."),
            )
        elif not _code_is_valid(codes.COUNTRY, country_code):
            error(
                "country_code", _("Enter the 3-digit customs country code (国别代码), e.g. 502 for the USA.")
            )
        if not values[f"{side}_name_original"]:
            error("name_original", _("Enter the name in the original language."))
        if not _code_is_valid(codes.ENTITY_TYPE, values[f"{side}_entity_type"]):
            error("entity_type", _("Choose the legal-entity type (买/卖方性质)."))
    elif kind == PartyKind.PERSON:
        id_number = _clean_text(data, "id_number").upper()
        values[f"{side}_id_number"] = id_number
        values[f"{side}_entity_type"] = PERSON_ENTITY_TYPE
        if not id_number:
            error("id_number", _("Enter the resident identity number (居民身份证号码)."))
        elif not ric.is_valid(id_number):
            error(
                "id_number",
                _(
                    "This is not a valid resident identity number: 18 characters with a matching check character."
                ),
            )
        else:
            values[f"{side}_region_code"] = (
                id_number[:6] if _code_is_valid(codes.REGION, id_number[:6]) else ""
            )
    if errors:
        raise ValidationError(errors)
    return values


def _route(seller_region_code: str, *, field: str = "seller_region_code") -> Organisation:
    """The registration body of the seller's locality (按地域一次登记); the seller must be in Sichuan."""
    if not (seller_region_code or "").startswith(SICHUAN_PREFIX):
        raise ValidationError(
            {
                field: _(
                    "Only contracts whose seller (the applicant) is in Sichuan are registered here; the "
                    "seller's region code is %(code)s. Register it in the seller's own province."
                )
                % {"code": seller_region_code or "—"}
            },
            code="not_in_sichuan",
        )
    body = registration_body_for(seller_region_code)
    if body is None:
        raise ValidationError(
            {
                field: _(
                    "No registration body serves region %(code)s yet, so the contract cannot be registered "
                    "on the platform; please contact the platform administrators."
                )
                % {"code": seller_region_code}
            },
            code="no_registration_body",
        )
    return body


def _apply_fields(contract: ContractRegistration, data: dict) -> None:
    for name in CONTRACT_FIELDS:
        if name in data:
            value = data[name]
            if name in {"plan_category", "socio_economic_goal", "trade_subject"}:
                value = (value or "").strip()
            setattr(contract, name, value)
    if contract.non_technical_amount is None:
        contract.non_technical_amount = Decimal("0")
    if contract.contract_category != ContractCategory.LICENCE:
        contract.licence_scope = ""


def _new_form(
    *, actor, source: str, applicant, body, seller_values: dict, buyer: dict, data: dict
) -> ContractRegistration:
    """Builds, checks (every problem at once) and saves a form opened without a deal."""
    contract = ContractRegistration(
        source=source,
        status=ContractStatus.DRAFT,
        applicant=applicant,
        registration_body=body,
        prepared_by=actor,
        non_technical_amount=Decimal("0"),
        technical_amount=Decimal("0"),
        **seller_values,
    )
    _apply_fields(contract, data)
    party_errors: dict = {}
    try:
        for name, value in party_fields("buyer", buyer).items():
            setattr(contract, name, value)
    except ValidationError as problem:
        party_errors = problem.update_error_dict(party_errors)
    # a party in error is reported once, by its own checks, not again by the model's
    exclude = [f"buyer_{name}" for name in PARTY_FIELDS] if party_errors else []
    core_validators.collect_errors(
        partial(_raise, ValidationError(party_errors)) if party_errors else (lambda: None),
        partial(_validate_new, contract, exclude),
    )
    contract.save()
    return contract


def _validate_new(contract: ContractRegistration, exclude) -> None:
    if contract.contract_amount is None:
        raise ValidationError({"contract_amount": _("Enter the contract amount.")})
    _validate(contract, exclude=exclude)


@transaction.atomic
def contract_open(*, actor, applicant: Organisation, data: dict, buyer: dict) -> ContractRegistration:
    """Opens the registration form of a contract made off the platform (no deal). The applicant is the
    seller side (a member of it opens the form); it is routed to the registration body of the
    applicant's locality. The buyer may be of any kind (``party_fields``)."""
    require(actor, "market.apply_for_registration", applicant)
    applicant = Organisation.objects.select_related("entity_type", "region").get(pk=applicant.pk)
    seller_values = _party_snapshot(applicant, "seller")
    body = _route(applicant.region_id, field="applicant")
    return _new_form(
        actor=actor,
        source=ContractSource.DIRECT,
        applicant=applicant,
        body=body,
        seller_values=seller_values,
        buyer=buyer,
        data=data,
    )


@transaction.atomic
def contract_enter_paper(
    *, actor, body: Organisation, seller: dict, buyer: dict, data: dict
) -> ContractRegistration:
    """A registrar enters a paper application on the applicant's behalf (source ``paper``, prepared by
    the registrar): the seller is an organisation on the platform (then the applicant) or one off it, or
    a person, in the body's area. Another registrar of the body decides it (separation of duties)."""
    require(actor, "market.enter_paper_application", body)
    if _clean_text(seller, "kind") == PartyKind.FOREIGN:
        raise ValidationError(
            {
                "seller_kind": _(
                    "The seller applies in its own locality: a foreign seller is not registered here."
                )
            }
        )
    seller_values = party_fields("seller", seller)
    routed = _route(seller_values["seller_region_code"])
    if routed.pk != body.pk:
        raise ValidationError(
            {
                "seller_region_code": _(
                    "The seller's locality is served by %(body)s: the application must be entered there."
                )
                % {"body": routed.name}
            },
            code="other_body",
        )
    applicant = (
        seller_values["seller_organisation"] if seller_values["seller_kind"] == PartyKind.PLATFORM else None
    )
    return _new_form(
        actor=actor,
        source=ContractSource.PAPER,
        applicant=applicant,
        body=body,
        seller_values=seller_values,
        buyer=buyer,
        data=data,
    )


def _update_parties(contract: ContractRegistration, parties: dict) -> None:
    """Replaces the parties of a form opened without a deal (a deal's parties come from their profiles);
    the seller of a direct application stays the applicant."""
    if not parties:
        return
    if contract.deal_id is not None:
        raise ValidationError(
            _("The parties of a platform deal come from their profiles and cannot be changed here."),
            code="parties_from_deal",
        )
    errors: dict = {}
    for side, data in parties.items():
        if data is None:
            continue
        if side == "seller" and contract.source == ContractSource.DIRECT:
            continue
        try:
            values = party_fields(side, data)
        except ValidationError as problem:
            errors = problem.update_error_dict(errors)
            continue
        for name, value in values.items():
            setattr(contract, name, value)
    if errors:
        raise ValidationError(errors)
    if contract.source == ContractSource.PAPER:
        routed = _route(contract.seller_region_code)
        if routed.pk != contract.registration_body_id:
            raise ValidationError(
                {
                    "seller_region_code": _(
                        "The seller's locality is served by %(body)s: the application must be entered there."
                    )
                    % {"body": routed.name}
                }
            )
        if contract.seller_kind == PartyKind.PLATFORM:
            contract.applicant = contract.seller_organisation
        else:
            contract.applicant = None


# Personal data ----------------------------------------------------------------------------------------


@transaction.atomic
def contract_reveal_id_number(*, actor, contract: ContractRegistration, side: str) -> str:
    """A natural person's full identity number, for platform admins and the registrars of the contract's
    body; every reading is recorded in the audit trail (``id_number.revealed``, with the side)."""
    require(actor, "market.reveal_id_number", contract)
    if side not in ("seller", "buyer") or getattr(contract, f"{side}_kind") != PartyKind.PERSON:
        raise ValidationError({"side": _("Only a natural person's identity number can be revealed.")})
    with pghistory.context(revealed_id_number=side, revealed_by=actor.pk):
        pghistory.create_event(contract, label=ID_NUMBER_REVEALED)
    return getattr(contract, f"{side}_id_number")


def _deal_for_update(contract: ContractRegistration) -> Deal | None:
    return lock_objects.deal_for_update(contract.deal_id) if contract.deal_id else None


def _editable(actor, contract: ContractRegistration) -> ContractRegistration:
    require(actor, "market.manage_contract", contract)
    _deal_for_update(contract)
    contract = lock_objects.contract_for_update(contract.pk)
    if contract.status not in policies.CONTRACT_EDITABLE_STATUSES:
        raise _not_editable(contract)
    return contract


def _recompute_technical_amount(contract: ContractRegistration) -> None:
    try:
        contract.technical_amount = policies.technical_amount(
            contract.contract_amount, contract.non_technical_amount
        )
    except ValueError as error:
        if contract.contract_amount < 0:
            raise ValidationError({"contract_amount": _("Amounts cannot be negative.")}) from error
        if contract.non_technical_amount < 0:
            raise ValidationError({"non_technical_amount": _("Amounts cannot be negative.")}) from error
        raise ValidationError(
            {"non_technical_amount": _("Non-technical costs cannot exceed the contract amount.")}
        ) from error


def _check_form_codes(contract: ContractRegistration) -> None:
    """计划类别, 社会经济目标 and 交易主体, when stated, are codes of their lists."""
    errors = {
        name: _("%(code)s is not a code of this list.") % {"code": getattr(contract, name)}
        for name, scheme in codes.FORM_CODE_FIELDS.items()
        if getattr(contract, name) and not _code_is_valid(scheme, getattr(contract, name))
    }
    if errors:
        raise ValidationError(errors)


def _validate(contract: ContractRegistration, exclude=None) -> None:
    """The amounts, the form's codes and its other fields together, so every error shows at once."""
    core_validators.collect_errors(
        partial(_check_form_codes, contract), partial(_validate_fields, contract, exclude)
    )


def _validate_fields(contract: ContractRegistration, exclude=None) -> None:
    try:
        _recompute_technical_amount(contract)
    except ValidationError as error:
        # with the amounts wrong, the model's cross-field rules and constraints would only restate
        # the amount error: only the fields' own checks (a signing date in the future…) join it
        core_validators.collect_errors(
            partial(_raise, error), partial(contract.clean_fields, exclude=exclude)
        )
    contract.full_clean(exclude=exclude)


def _raise(error: ValidationError) -> None:
    raise error


@transaction.atomic
def contract_update(
    *, actor, contract: ContractRegistration, data: dict, parties: dict | None = None
) -> ContractRegistration:
    """Changes the form while it is being prepared or was refused registration; the technical amount
    follows (contract amount − non-technical costs). ``parties`` ({"seller": {…}, "buyer": {…}}) replaces
    the parties of a form opened without a deal; every problem is reported at once."""
    contract = _editable(actor, contract)
    before = copy.copy(contract)
    _apply_fields(contract, data)
    core_validators.collect_errors(
        partial(_update_parties, contract, parties or {}), partial(_validate, contract)
    )
    party_columns = [f"{side}_{name}" for side in ("seller", "buyer") for name in PARTY_FIELDS]
    if versions.changes_between(before, contract, (*CONTRACT_FIELDS, *party_columns)):
        contract.version += 1
    contract.save()
    return contract


@transaction.atomic
def contract_attach_file(*, actor, contract: ContractRegistration, uploaded_file) -> ContractRegistration:
    """Attaches the scanned signed contract (PDF, PNG or JPEG, recognised by content; size-limited)."""
    contract = _editable(actor, contract)
    content_type = uploads.upload_check(
        uploaded_file,
        field="contract_file",
        accepted=uploads.SCAN_TYPES,
        refusal=_("The signed contract must be a PDF or a scan as PNG or JPEG."),
    )
    if contract.contract_file:
        contract.contract_file.delete(save=False)
    contract.contract_file = uploads.stored_as(uploaded_file, content_type)
    contract.contract_file_name = uploads.original_name(uploaded_file, default=_("contract"))
    contract.version += 1
    contract.full_clean()
    contract.save()
    return contract


# Submitting ----------------------------------------------------------------------------------------


@transaction.atomic
def contract_submit(*, actor, contract: ContractRegistration) -> ContractRegistration:
    """Sends the form with the signed contract to the registration body; all problems are reported at
    once. A late application is flagged to the registrar, never refused."""
    require(actor, "market.manage_contract", contract)
    deal = _deal_for_update(contract)
    contract = lock_objects.contract_for_update(contract.pk)
    _move(contract, deal, ContractStatus.SUBMITTED, DealStatus.SUBMITTED)
    today = timezone.localdate()
    rule_set, problems = contract_selectors.contract_problems(contract, today)
    if problems:
        raise ValidationError(problems)
    key = contract_selectors.duplicate_key_of(contract)
    duplicate = contract_selectors.contract_duplicate(contract, key)
    if duplicate is not None:
        raise ValidationError(duplicate_message(duplicate), code="duplicate")
    contract.duplicate_key = key
    decision_days = rule_set.decision_days or settings.MARKET_REGISTRATION_DECISION_DAYS
    contract.rule_set = rule_set
    contract.submitted_at = timezone.now()
    contract.submitted_by = actor
    contract.due_on = policies.decision_due(today, decision_days)
    contract.declared_category = contract.contract_category
    contract.declared_technical_amount = contract.technical_amount
    contract.rejected_at = None
    contract.rejection_reason = ""
    contract.rejection_note = ""
    contract.overdue_notified_at = None
    contract.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError as error:
        # another submission of the same contract won the race (the partial unique index)
        duplicate = contract_selectors.contract_duplicate(contract, key)
        message = (
            duplicate_message(duplicate)
            if duplicate
            else _("This contract is already submitted or registered.")
        )
        raise ValidationError(message, code="duplicate") from error
    _save_deal(deal)
    late = policies.is_late_application(
        contract_selectors.rule_set_value(rule_set), contract.signed_on, today
    )
    with common.platform_language():
        body = _("%(seller)s applies to register “%(project)s”; please decide by %(due)s.") % {
            "seller": contract.seller_name,
            "project": contract.project_name,
            "due": contract.due_on.isoformat(),
        }
        if late:
            body += " " + _(
                "Late application: submitted %(days)s days after signing (the rules expect %(window)s)."
            ) % {"days": (today - contract.signed_on).days, "window": rule_set.application_window_days}
        common.notify(
            recipients=common.registrars_of(contract.registration_body_id),
            verb="contract.submitted",
            title=_("Contract to register: %(project)s") % {"project": contract.project_name},
            body=body,
            url=_contract_url(contract),
        )
    return contract


def duplicate_message(duplicate: ContractRegistration) -> str:
    """Names where the same contract already is: a contract is registered once (按地域一次登记)."""
    return _(
        "This contract (same parties, signing date, amount and title) is already with %(body)s: "
        "%(status)s, number %(number)s. A contract is registered once, at the body of the seller's locality."
    ) % {
        "body": duplicate.registration_body.name if duplicate.registration_body_id else "—",
        "status": duplicate.get_status_display(),
        "number": duplicate.registration_number or _("not yet assigned"),
    }


# The registrar's decision --------------------------------------------------------------------------


def _next_registration_number(*, body: Organisation, year: int) -> str:
    """Draws the body's next serial for the year under a row lock, so numbers never repeat."""
    RegistrationSequence.objects.get_or_create(registration_body=body, year=year)
    sequence = RegistrationSequence.objects.select_for_update().get(registration_body=body, year=year)
    sequence.last_serial += 1
    sequence.save(update_fields=["last_serial"])
    return policies.registration_number(region_code=body.region_id, year=year, serial=sequence.last_serial)


def _apply_corrections(
    contract: ContractRegistration,
    *,
    contract_category: str | None,
    sub_type: str | None,
    technical_amount: Decimal | None,
    non_technical_amount: Decimal | None,
) -> None:
    if contract_category:
        contract.contract_category = contract_category
    if sub_type:
        contract.sub_type = sub_type
    common.require_sub_type_of_category(contract)
    if non_technical_amount is not None:
        contract.non_technical_amount = non_technical_amount
        _recompute_technical_amount(contract)
    if technical_amount is not None:
        if not Decimal(0) <= technical_amount <= contract.contract_amount:
            raise ValidationError(
                {
                    "technical_amount": _(
                        "The technical transaction amount must be between 0 and the contract amount "
                        "(%(amount)s yuan)."
                    )
                    % {"amount": contract.contract_amount}
                }
            )
        contract.technical_amount = technical_amount


def _save_deal(deal: Deal | None) -> None:
    if deal is not None:
        deal.full_clean()
        deal.save()


def _party_recipients(contract: ContractRegistration) -> list:
    recipients = common.members_of(*contract.party_organisation_ids)
    if contract.deal_id:
        recipients.extend(
            engagement.broker for engagement in contract.deal.broker_engagements.select_related("broker")
        )
    return recipients


def _applicant_recipients(contract: ContractRegistration) -> list:
    """The applicant's members; for a paper application, the registrar who entered it."""
    if contract.applicant_id:
        return common.members_of(contract.applicant_id)
    return [contract.prepared_by] if contract.prepared_by_id else []


def _stale_form(contract: ContractRegistration, seen_version: int) -> versions.StaleVersion:
    return versions.stale_version(
        contract,
        field="version",
        seen=seen_version,
        fields=REVIEWED_FIELDS,
        code="form_changed",
        lead=_("The applicant changed the registration form after you opened it; nothing was decided."),
        advice=_("Review the current form and decide again."),
    )


@transaction.atomic
def contract_register(
    *,
    actor,
    contract: ContractRegistration,
    version: int,
    contract_category: str | None = None,
    sub_type: str | None = None,
    technical_amount: Decimal | None = None,
    non_technical_amount: Decimal | None = None,
    note: str = "",
) -> ContractRegistration:
    """Registers a submitted contract (认定登记) as the registrar reviewed it (``version``; a form changed
    since is refused with what changed, 409): the registrar of its body may correct the category and
    the amounts; the contract gets its 16-digit number and its disclosure period begins."""
    require(actor, "market.register_contract", contract)
    if contract.deal_id and contract.deal.listing_id:
        # Registration may sell the listing: lock it first, as every service does (listing, deal, contract).
        lock_objects.listing_for_update(contract.deal.listing_id)
    deal = _deal_for_update(contract)
    contract = lock_objects.contract_for_update(contract.pk)
    market_rules.require_independent(market_rules.contract_registration_refusal(actor, contract))
    _move(contract, deal, ContractStatus.REGISTERED, DealStatus.REGISTERED)
    if version != contract.version:
        raise _stale_form(contract, version)
    _apply_corrections(
        contract,
        contract_category=contract_category,
        sub_type=sub_type,
        technical_amount=technical_amount,
        non_technical_amount=non_technical_amount,
    )
    now = timezone.now()
    today = timezone.localdate(now)
    contract.registration_number = _next_registration_number(body=contract.registration_body, year=today.year)
    contract.number_source = NumberSource.PLATFORM
    contract.registered_at = now
    contract.registrar = actor
    contract.registrar_note = (note or "").strip()
    if deal is not None:
        # 成交公示 is the disclosure of the platform's own deals
        contract.disclosure_starts_on, contract.disclosure_ends_on = disclosure_window(today)
    contract.full_clean()
    contract.save()
    contract_lifecycle.on_registered(contract=contract, actor=actor)
    _save_deal(deal)
    if deal is not None and deal.listing_id:
        listing_services.listing_mark_sold(listing=deal.listing)
    with common.platform_language():
        common.notify(
            recipients=_party_recipients(contract),
            verb="contract.registered",
            title=_("Contract registered: %(project)s") % {"project": contract.project_name},
            body=_(
                "%(body)s registered the contract as %(number)s; technical transaction amount %(amount)s yuan."
            )
            % {
                "body": contract.registration_body.name,
                "number": contract.registration_number,
                "amount": contract.technical_amount,
            },
            url=_contract_url(contract),
        )
    return contract


@transaction.atomic
def contract_reject(
    *, actor, contract: ContractRegistration, reason: str, note: str = ""
) -> ContractRegistration:
    """Refuses registration (未予登记) with a coded reason; “other” needs an explanation. The seller may
    correct the form and submit it again."""
    require(actor, "market.register_contract", contract)
    note = (note or "").strip()
    if reason not in RejectionReason.values:
        raise ValidationError({"reason": _("Choose one of the listed reasons.")})
    if reason == RejectionReason.OTHER and not note:
        raise ValidationError({"note": _("Explain the reason when it is not one of the listed ones.")})
    deal = _deal_for_update(contract)
    contract = lock_objects.contract_for_update(contract.pk)
    market_rules.require_independent(market_rules.contract_registration_refusal(actor, contract))
    _move(contract, deal, ContractStatus.REJECTED, DealStatus.REJECTED)
    contract.rejected_at = timezone.now()
    contract.rejection_reason = reason
    contract.rejection_note = note
    contract.registrar = actor
    contract.full_clean()
    contract.save()
    _save_deal(deal)
    with common.platform_language():
        body = str(RejectionReason(reason).label)
        if note:
            body = f"{body}: {note}"
        common.notify(
            recipients=_applicant_recipients(contract),
            verb="contract.rejected",
            title=_("Contract not registered: %(project)s") % {"project": contract.project_name},
            body=body + " " + _("Correct the form and submit it again."),
            url=_contract_url(contract),
        )
    return contract


# Deadlines -----------------------------------------------------------------------------------------


def overdue_contract_pks(today: date | None = None) -> list[int]:
    """Submitted contracts past their decision date whose registrars have not been reminded yet."""
    today = today or timezone.localdate()
    return list(
        ContractRegistration.objects.filter(
            status=ContractStatus.SUBMITTED, due_on__lt=today, overdue_notified_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def contract_flag_overdue(*, contract_pk: int) -> bool:
    """Reminds the registrars of a contract past its decision date, once; safe to run twice."""
    contract = lock_objects.contract_for_update(contract_pk)
    today = timezone.localdate()
    if (
        contract.status != ContractStatus.SUBMITTED
        or contract.overdue_notified_at is not None
        or not policies.is_overdue(contract.due_on, today)
    ):
        return False
    contract.overdue_notified_at = timezone.now()
    contract.save(update_fields=["overdue_notified_at", "updated_at"])
    with common.platform_language():
        common.notify(
            recipients=common.registrars_of(contract.registration_body_id),
            verb="contract.overdue",
            title=_("Registration overdue: %(project)s") % {"project": contract.project_name},
            body=_("The decision was due on %(due)s.") % {"due": contract.due_on.isoformat()},
            url=_contract_url(contract),
        )
    return True
