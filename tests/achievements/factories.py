"""Builders for achievements that go through the services, as the tests of behaviour should."""

from decimal import Decimal

from achievements.choices import CooperationMode
from achievements.services import filings as services
from institutions.choices import ClassificationScheme
from institutions.models import Classification


def classification(scheme: str, code: str) -> Classification:
    return Classification.objects.get(scheme=scheme, code=code)


def filing_data(**overrides) -> dict:
    data = {
        "title": "高安全锂离子电池硅碳负极材料制备技术",
        "summary": "采用纳米硅与石墨复合，提升锂电池负极材料的循环寿命与安全性，已完成中试。",
        "detail": "核心工艺包括纳米硅包覆、碳化与造粒三个环节。",
        "keywords": ["锂离子电池", "负极材料", "硅碳"],
        "technology_field": classification(ClassificationScheme.TECHNOLOGY_FIELD, "03"),
        "industry": classification(ClassificationScheme.INDUSTRY, "C"),
        "trl": 6,
        "cooperation_modes": [CooperationMode.TRANSFER, CooperationMode.LICENCE_ORDINARY],
    }
    data.update(overrides)
    return data


def draft(actor, institution, *, owners=None, **overrides):
    """A complete draft, owned 100 % by the filing institution unless owners are given."""
    if owners is None:
        owners = [services.OwnerShare(institution, Decimal(100))]
    return services.achievement_create(
        actor=actor, institution=institution, data=filing_data(**overrides), owners=owners
    )


def published(actor, official, institution, **overrides):
    achievement = draft(actor, institution, **overrides)
    services.achievement_submit(actor=actor, achievement=achievement)
    return services.achievement_approve(actor=official, achievement=achievement)
