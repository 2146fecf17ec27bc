"""The code lists a registration form (表号 JJ-001) is checked against, behind one function.

``code_is_valid(scheme, code)`` reads the rows institutions holds today (``Region`` for GB/T 2260,
``Classification`` for the others). When ``institutions/codes.py`` (dated code tables of all China)
lands, this is the one place to switch over.
"""

import re

from institutions.choices import ClassificationScheme
from institutions.models import Classification, Region

REGION = "region"
ENTITY_TYPE = ClassificationScheme.ENTITY_TYPE.value
COUNTRY = "country"
# 国别代码 are 3 digits (customs country table); 142 is China.
_COUNTRY_PATTERN = re.compile(r"^\d{3}$")
_REGION_PATTERN = re.compile(r"^\d{6}$")


def code_is_valid(scheme: str, code: str) -> bool:
    """Whether ``code`` is a current code of ``scheme`` (``region``, ``entity_type`` or ``country``). A
    country code is checked for its form only while no country list is loaded."""
    code = (code or "").strip()
    if not code:
        return False
    if scheme == REGION:
        return bool(_REGION_PATTERN.match(code)) and Region.objects.filter(code=code).exists()
    if scheme == COUNTRY:
        if not _COUNTRY_PATTERN.match(code):
            return False
        listed = Classification.objects.filter(scheme=COUNTRY, is_current=True)
        return not listed.exists() or listed.filter(code=code).exists()
    return Classification.objects.filter(scheme=scheme, code=code, is_current=True).exists()


def province_of(region_code: str) -> str:
    return f"{(region_code or '')[:2]}0000"
