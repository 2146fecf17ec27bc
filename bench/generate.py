"""Generates realistic data at scale for the benchmarks: institutions spread over Sichuan's counties.

    python scripts/launch.py manage shell -c "from bench.generate import institutions; institutions(10000)"

Rows are bulk-created with valid credit codes, service fields and some designations, in a database
that already holds the reference data; running it again adds nothing when the rows exist.
"""

import random

from django.db import transaction

from institutions.choices import (
    ClassificationScheme,
    DesignationLevel,
    DesignationStatus,
    OrganisationKind,
    TransferKind,
    TransferLevel,
)
from institutions.identifiers import make_credit_code
from institutions.models import Classification, Designation, Organisation, OrganisationServiceField, Region

_PREFIXES = ("成都", "蜀都", "天府", "锦城", "巴蜀", "川西", "川南", "川北", "川东", "西部")
_SUFFIXES = ("技术转移中心", "科技成果转化服务有限公司", "知识产权运营中心", "科技服务中心", "技术市场服务站")


def institutions(count: int, *, seed: int = 2026) -> int:
    """Creates up to ``count`` synthetic transfer institutions named ``基准机构…``; returns how many exist."""
    rng = random.Random(seed)
    counties = list(Region.objects.counties().values_list("code", "name"))
    fields = list(Classification.objects.filter(scheme=ClassificationScheme.TECHNOLOGY_FIELD))
    existing = Organisation.objects.filter(name__startswith="基准机构").count()
    rows = []
    for index in range(existing, count):
        code, county = rng.choice(counties)
        rows.append(
            Organisation(
                name=f"基准机构{index:06d}·{county}{rng.choice(_PREFIXES)}{rng.choice(_SUFFIXES)}",
                credit_code=make_credit_code(f"91{code}", f"BM{index:06d}"),
                kind=OrganisationKind.TRANSFER_AGENCY,
                region_id=code,
                is_transfer_institution=True,
                transfer_level=TransferLevel.COUNTY,
                transfer_kind=rng.choice(list(TransferKind.values)),
                services=rng.sample(["transfer", "consulting", "evaluation", "financing", "technical"], 2),
                introduction=f"{county}的技术转移服务机构，提供成果评价、对接撮合与知识产权服务。",
            )
        )
    with transaction.atomic():
        created = Organisation.objects.bulk_create(rows, batch_size=2000)
        OrganisationServiceField.objects.bulk_create(
            [
                OrganisationServiceField(organisation=organisation, classification=field)
                for organisation in created
                for field in rng.sample(fields, 2)
            ],
            batch_size=5000,
        )
        Designation.objects.bulk_create(
            [
                Designation(
                    organisation=organisation,
                    level=DesignationLevel.PROVINCIAL,
                    status=DesignationStatus.ACTIVE,
                    year_granted=rng.randint(2016, 2025),
                )
                for organisation in created
                if rng.random() < 0.05
            ],
            batch_size=2000,
        )
    return existing + len(created)
