"""The code lists of the registration form 技术合同登记表 (表号 JJ-001) and the regions, for the code that
validates and offers them (contract registration, partner imports, forms).

Classification schemes are ``ClassificationScheme`` values: ``entity_type`` (买/卖方性质), ``country``
(国别代码, customs), ``technology_field`` (技术领域), ``contract_ip_type`` (知识产权类型), ``plan_category``
(计划类别), ``trade_subject`` (交易主体), ``socio_economic_goal`` (社会经济目标), and the others
(``industry``, ``strategic_industry``, ``trl``). Regions are GB/T 2260 six-digit codes of all China;
organisations and jurisdictions use the platform's own province only (``Region.objects.home()``).

Every function reads the database (one query), except ``province_of`` and ``in_platform_province``,
which read the committed table.
"""

import functools
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import translation

from institutions import reference_data
from institutions.choices import ClassificationScheme
from institutions.models import Classification, Region


def _scheme(scheme: str) -> str:
    if scheme not in ClassificationScheme.values:
        raise ValueError(f"Unknown classification scheme {scheme!r}.")
    return scheme


def is_valid_code(scheme: str, code: str, on: date | None = None) -> bool:
    """Whether ``code`` is a current entry of ``scheme`` (an unknown scheme is a programming error and
    raises ``ValueError``).

    ``on`` is the record's reference date. The classification tables carry versions but no validity
    dates yet, so every current entry is valid on every date; the argument is there so that callers
    already pass the date a dated table will need.
    """
    if not isinstance(code, str) or not code:
        return False
    return Classification.objects.filter(scheme=_scheme(scheme), code=code, is_current=True).exists()


def code_choices(scheme: str) -> list[tuple[str, str]]:
    """``(code, label)`` pairs of the scheme's current entries in their table order; the label is the
    name in the active language (English names where English is active, Chinese otherwise)."""
    entries = Classification.objects.filter(scheme=_scheme(scheme), is_current=True).order_by(
        "position", "code"
    )
    return [(entry.code, entry.label) for entry in entries.only("code", "name", "name_en")]


@functools.lru_cache(maxsize=64)
def _labels(scheme: str, language: str) -> dict[str, str]:
    with translation.override(language):
        return dict(code_choices(scheme))


def code_label(scheme: str, code: str) -> str:
    """``code`` with its name in the active language (``"1 国家科技计划"``), or the bare code when the list
    does not hold it. The lists come from dated files loaded by migrations, so each is read once per
    process and language."""
    if not code:
        return ""
    name = _labels(_scheme(scheme), translation.get_language() or settings.LANGUAGE_CODE).get(code)
    return f"{code} {name}" if name else code


def region_is_valid(code: str, on: date | None = None) -> bool:
    """Whether ``code`` is a region of China (GB/T 2260, any province) in force on ``on`` (today's
    table when ``None``): ``valid_from`` on or before the date, ``valid_to`` after it or unset."""
    if not isinstance(code, str) or len(code) != 6 or not code.isdigit():
        return False
    regions = Region.objects.filter(code=code)
    if on is not None:
        regions = regions.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        regions = regions.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    else:
        regions = regions.filter(valid_to__isnull=True)
    return regions.exists()


def province_of(code: str) -> str | None:
    """The six-digit code of the province a GB/T 2260 code belongs to (``510104`` → ``510000``,
    ``310101`` → ``310000``), or ``None`` when the code is not six digits or names no province in the
    table. No query: it reads the committed table."""
    if not isinstance(code, str) or len(code) != 6 or not code.isdigit():
        return None
    province = code[:2] + "0000"
    names = reference_data.region_names()
    return province if province in names and code in names else None


def in_platform_province(code: str) -> bool:
    """Whether a GB/T 2260 code lies in the platform's own province (``settings.PLATFORM_PROVINCE_CODE``):
    where its organisations, officials and jurisdictions are. No query."""
    return province_of(code) == settings.PLATFORM_PROVINCE_CODE
