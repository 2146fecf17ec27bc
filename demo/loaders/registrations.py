"""Imports the demo's off-platform registrations (``demo.specs.registrations``) after the demo market:
about 1,400 technology contracts registered in Sichuan since 2021 with buyers in Sichuan, in other
provinces, abroad and natural persons, as registration bodies import their historical records
(``source=import``, numbers assigned in the national system).

They are inserted as they would be imported — rows, not a workflow — with ``bulk_create`` in batches,
in one transaction audited as ``seed_demo``; each is keyed by its registration number, so a second run
creates nothing and an interrupted run (rolled back whole) is done again. The registrar of each is the
demo registrar of its body (``MarketLoader.registrar``), the rules those in force on the day it was
submitted. ``created_at`` is the moment of the import.

Then a few registrations are made through the services (``JourneyLoader``, ``specs.journey_specs``), so
that the demo logins see the journey of a contract made off the platform: 四川大学技术转移中心 applies
directly (``contract_open``) to 成都市技术合同认定登记站, whose demo registrar registers — correcting the
technical amount, certifying two years of income, correcting (变更) or cancelling (注销) afterwards —
or has yet to decide; a second registrar of the station enters a paper application
(``contract_enter_paper``) that the demo registrar decides. As in ``demo.loaders.market``, each is made
today in its own transaction and its dates are then moved back to the specification's (certificates,
income certifications, corrections and cancellations with it); each is keyed by its title at the
station, so a second run creates nothing.
"""

import random
from collections import Counter
from collections.abc import Callable

import pghistory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from demo.loaders.market import MarketLoader, _moment
from demo.pools import market as market_pools
from demo.specs import market as market_specs
from demo.specs import registrations as specs_module
from institutions.choices import ClassificationScheme, MembershipRole
from institutions.models import Classification
from market import policies
from market.choices import ContractSource, ContractStatus, NumberSource, PartyKind
from market.models import (
    ContractAmendment,
    ContractCancellation,
    ContractRegistration,
    IncomeCertification,
    RegistrationCertificate,
)
from market.selectors.contract_lifecycle import certificate_snapshot
from market.services import contract_lifecycle as lifecycle_services
from market.services import contracts as contract_services

BATCH_SIZE = 500

COUNT_LABELS: dict[str, Callable[[int], str]] = {
    "registrations imported": lambda n: ngettext(
        "%(count)d off-platform registration imported", "%(count)d off-platform registrations imported", n
    ),
    "registrations applied for": lambda n: ngettext(
        "%(count)d off-platform registration applied for",
        "%(count)d off-platform registrations applied for",
        n,
    ),
}


class RegistrationLoader:
    def __init__(self, market: MarketLoader):
        self.market = market
        self.counts: Counter[str] = Counter()

    def run(self) -> None:
        specs = specs_module.import_specs(self.market.today)
        existing = set(
            ContractRegistration.objects.filter(
                registration_number__in=[spec.registration_number for spec in specs]
            ).values_list("registration_number", flat=True)
        )
        missing = [spec for spec in specs if spec.registration_number not in existing]
        if not missing:
            return
        self._fields = {
            entry.code: entry
            for entry in Classification.objects.filter(
                scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True
            )
        }
        rows = [self._row(spec) for spec in missing]
        ContractRegistration.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.counts["registrations imported"] += len(rows)

    def _row(self, spec: specs_module.ImportSpec) -> ContractRegistration:
        rng = random.Random(f"{specs_module.SEED}:{spec.registration_number}")
        organisations = self.market.organisations
        body = organisations[spec.body]
        rule_set, value = self.market._rule_set_on(spec.submitted_on)
        technical = spec.technical_amount
        contract = ContractRegistration(
            deal=None,
            source=ContractSource.IMPORT,
            status=ContractStatus.CANCELLED if spec.cancelled_on else ContractStatus.REGISTERED,
            applicant=organisations[spec.seller.organisation] if spec.seller.organisation else None,
            registration_body=body,
            rule_set=rule_set,
            project_name=spec.project_name,
            contract_category=spec.category,
            sub_type=spec.sub_type,
            licence_scope=spec.licence_scope,
            signed_on=spec.signed_on,
            valid_from=spec.signed_on,
            valid_until=contract_services._years_later(spec.signed_on, spec.validity_years),
            contract_amount=spec.amount,
            non_technical_amount=spec.non_technical,
            technical_amount=technical,
            payment_method=spec.payment_method,
            ip_type=spec.ip_type,
            technology_field=self._fields[spec.field],
            plan_category=spec.plan_category,
            socio_economic_goal=spec.socio_economic_goal,
            trade_subject=spec.trade_subject,
            expected_investment=spec.expected_investment,
            expected_output=spec.expected_output,
            submitted_at=_moment(spec.submitted_on, rng),
            due_on=policies.decision_due(spec.submitted_on, specs_module.decision_days(value)),
            declared_category=spec.category,
            declared_technical_amount=technical,
            registrar=self.market.registrar(body),
            registrar_note=spec.cancel_note,
            registered_at=_moment(spec.registered_on, rng),
            registration_number=spec.registration_number,
            number_source=NumberSource.NATIONAL,
            # Assigned in the national system: its number there is the registration number itself.
            national_number=spec.registration_number,
        )
        for side in ("seller", "buyer"):
            party = getattr(spec, side)
            setattr(contract, f"{side}_kind", party.kind)
            setattr(
                contract,
                f"{side}_organisation",
                organisations[party.organisation] if party.organisation else None,
            )
            for name in (
                "name",
                "name_original",
                "credit_code",
                "id_number",
                "entity_type",
                "country_code",
                "region_code",
            ):
                setattr(contract, f"{side}_{name}", getattr(party, name))
        return contract


class JourneyLoader:
    """Makes the registrations of ``specs.journey_specs`` through the services."""

    def __init__(self, market: MarketLoader):
        self.market = market
        self.counts: Counter[str] = Counter()

    def run(self) -> None:
        specs = specs_module.journey_specs(self.market.today)
        self.body = self.market.organisations[specs_module.JOURNEY_BODY]
        existing = set(
            ContractRegistration.objects.filter(
                registration_body=self.body, project_name__in=[spec.project_name for spec in specs]
            ).values_list("project_name", flat=True)
        )
        missing = [spec for spec in specs if spec.project_name not in existing]
        if not missing:
            return
        self._fields = {
            entry.code: entry
            for entry in Classification.objects.filter(
                scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True
            )
        }
        for spec in missing:
            self.market._in_transaction(self._load, spec)

    def paper_registrar(self):
        """The station's second registrar, who enters paper applications (a quiet account)."""
        return self.market._ensure_member(
            specs_module.PAPER_REGISTRAR, specs_module.JOURNEY_BODY, MembershipRole.OFFICIAL
        )

    def _party(self, party: specs_module.PartySpec) -> dict:
        if party.kind == PartyKind.PLATFORM:
            return {"kind": party.kind, "organisation": self.market.organisations[party.organisation].pk}
        return {
            "kind": party.kind,
            "name": party.name,
            "name_original": party.name_original,
            "credit_code": party.credit_code,
            "id_number": party.id_number,
            "entity_type": party.entity_type,
            "country_code": party.country_code,
            "region_code": party.region_code,
        }

    def _load(self, spec: specs_module.JourneySpec) -> None:
        data = {
            "project_name": spec.project_name,
            "contract_category": spec.category,
            "sub_type": spec.sub_type,
            "licence_scope": spec.licence_scope,
            "signed_on": spec.signed_on,
            "valid_from": spec.signed_on,
            "valid_until": contract_services._years_later(spec.signed_on, spec.validity_years),
            "contract_amount": spec.amount,
            "non_technical_amount": spec.non_technical,
            "payment_method": spec.payment_method,
            "ip_type": spec.ip_type,
            "technology_field": self._fields[spec.field],
            "expected_investment": spec.expected_investment,
            "expected_output": spec.expected_output,
            "plan_category": "5",
            "socio_economic_goal": specs_module.GOAL_OF_FIELD[spec.field],
            "trade_subject": spec.trade_subject,
        }
        buyer = self._party(spec.buyer)
        if spec.source == ContractSource.PAPER:
            actor = self.paper_registrar()
            contract = contract_services.contract_enter_paper(
                actor=actor, body=self.body, seller=self._party(spec.seller), buyer=buyer, data=data
            )
        else:
            actor = self.market.member(specs_module.JOURNEY_APPLICANT)
            applicant = self.market.organisations[specs_module.JOURNEY_APPLICANT]
            contract = contract_services.contract_open(
                actor=actor, applicant=applicant, data=data, buyer=buyer
            )
        self.counts["registrations applied for"] += 1
        if spec.outcome != "draft":
            contract = contract_services.contract_attach_file(
                actor=actor,
                contract=contract,
                uploaded_file=SimpleUploadedFile(
                    market_pools.CONTRACT_FILE_NAME, market_specs.TINY_PDF, "application/pdf"
                ),
            )
            contract = contract_services.contract_submit(actor=actor, contract=contract)
        if spec.outcome == "registered":
            self._register(spec, contract)
        self._date(spec, contract)

    def _register(self, spec: specs_module.JourneySpec, contract: ContractRegistration) -> None:
        # The demo registrar of the station: neither a party nor who prepared or submitted the form.
        registrar = self.market.registrar(self.body)
        contract = contract_services.contract_register(
            actor=registrar,
            contract=contract,
            version=contract.version,
            technical_amount=spec.corrected_technical,
            note=spec.registrar_note,
        )
        for income in spec.incomes:
            lifecycle_services.income_certify(
                actor=registrar,
                contract=contract,
                year=income.year,
                amount=income.amount,
                performed_on=income.performed_on,
            )
            contract.refresh_from_db()
        if spec.amendment:
            lifecycle_services.contract_amend(
                actor=registrar, contract=contract, data=dict(spec.amendment), reason=spec.amend_reason
            )
            contract.refresh_from_db()
        if spec.cancelled_on is not None:
            lifecycle_services.contract_cancel(
                actor=registrar, contract=contract, reason=spec.cancel_reason, note=spec.cancel_note
            )

    def _date(self, spec: specs_module.JourneySpec, contract: ContractRegistration) -> None:
        """Moves the registration's own dates, and those of what followed it, to the specification's."""
        rng = random.Random(f"{specs_module.SEED}:journey:{spec.project_name}")
        opened_at = _moment(spec.opened_on, rng)
        updates = {"created_at": opened_at, "updated_at": opened_at}
        if spec.submitted_on is not None:
            submitted_at = max(_moment(spec.submitted_on, rng), opened_at)
            rule_set, value = self.market._rule_set_on(spec.submitted_on)
            updates.update(
                submitted_at=submitted_at,
                updated_at=submitted_at,
                rule_set=rule_set,
                due_on=policies.decision_due(spec.submitted_on, specs_module.decision_days(value)),
            )
        moments = []
        if spec.registered_on is not None:
            registered_at = _moment(spec.registered_on, rng)
            updates.update(registered_at=registered_at, updated_at=registered_at)
            if spec.registered_on.year != timezone.localdate().year:
                updates["registration_number"] = self.market._number_for_year(
                    self.body, spec.registered_on.year
                )
            moments.append(registered_at)
            for income in spec.incomes:
                certified_at = _moment(income.certified_on, rng)
                IncomeCertification.objects.filter(contract=contract, year=income.year).update(
                    certified_at=certified_at
                )
                updates.update(certified_at=certified_at, updated_at=certified_at)
            if spec.amended_on is not None:
                amended_at = _moment(spec.amended_on, rng)
                ContractAmendment.objects.filter(contract=contract).update(created_at=amended_at)
                updates["updated_at"] = amended_at
                moments.append(amended_at)
            if spec.cancelled_on is not None:
                cancelled_at = _moment(spec.cancelled_on, rng)
                ContractCancellation.objects.filter(contract=contract).update(cancelled_at=cancelled_at)
                updates["updated_at"] = cancelled_at
        ContractRegistration.objects.filter(pk=contract.pk).update(**updates)
        if moments:
            self._date_certificates(contract, moments)

    def _date_certificates(self, contract: ContractRegistration, moments: list) -> None:
        """Each certificate issued when its registration or correction was, printing the number and the
        registration day the contract has now (the first issue keeps what it printed otherwise)."""
        contract.refresh_from_db()
        current = certificate_snapshot(contract)
        certificates = list(RegistrationCertificate.objects.filter(contract=contract).order_by("pk"))
        for index, certificate in enumerate(certificates):
            issued_at = moments[min(index, len(moments) - 1)]
            following = moments[index + 1] if index + 1 < len(certificates) else None
            snapshot = {
                **certificate.snapshot,
                "registration_number": current["registration_number"],
                "registered_on": current["registered_on"],
            }
            RegistrationCertificate.objects.filter(pk=certificate.pk).update(
                issued_at=issued_at, superseded_at=following, snapshot=snapshot
            )


def load(*, market: MarketLoader) -> tuple[RegistrationLoader, JourneyLoader]:
    """Imports the missing off-platform registrations in one transaction, then makes the missing ones
    of the registration journey through the services, each in its own; audited as ``seed_demo``."""
    loader = RegistrationLoader(market)
    with pghistory.context(source=market_specs.AUDIT_SOURCE), transaction.atomic():
        loader.run()
    journey = JourneyLoader(market)
    with pghistory.context(source=market_specs.AUDIT_SOURCE):
        journey.run()
    return loader, journey
