"""Imports the demo's off-platform registrations (``demo.specs.registrations``) after the demo market:
about 1,400 technology contracts registered in Sichuan since 2021 with buyers in Sichuan, in other
provinces, abroad and natural persons, as registration bodies import their historical records
(``source=import``, numbers assigned in the national system).

They are inserted as they would be imported — rows, not a workflow — with ``bulk_create`` in batches,
in one transaction audited as ``seed_demo``; each is keyed by its registration number, so a second run
creates nothing and an interrupted run (rolled back whole) is done again. The registrar of each is the
demo registrar of its body (``MarketLoader.registrar``), the rules those in force on the day it was
submitted. ``created_at`` is the moment of the import.
"""

import random
from collections import Counter
from collections.abc import Callable

import pghistory
from django.db import transaction
from django.utils.translation import ngettext

from demo.loaders.market import MarketLoader, _moment
from demo.specs import market as market_specs
from demo.specs import registrations as specs_module
from institutions.choices import ClassificationScheme
from institutions.models import Classification
from market import policies
from market.choices import ContractSource, ContractStatus, NumberSource
from market.models import ContractRegistration
from market.services import contracts as contract_services

BATCH_SIZE = 500

COUNT_LABELS: dict[str, Callable[[int], str]] = {
    "registrations imported": lambda n: ngettext(
        "%(count)d off-platform registration imported", "%(count)d off-platform registrations imported", n
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


def load(*, market: MarketLoader) -> RegistrationLoader:
    """Imports the missing off-platform registrations in one transaction, audited as ``seed_demo``."""
    loader = RegistrationLoader(market)
    with pghistory.context(source=market_specs.AUDIT_SOURCE), transaction.atomic():
        loader.run()
    return loader
