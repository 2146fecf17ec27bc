"""The code lists a registration form (表号 JJ-001) is checked against, behind one function.

``code_is_valid(scheme, code)`` asks institutions' dated code tables (``institutions.codes``): GB/T 2260
regions of all China for ``region``, the classification schemes (国别代码, 买/卖方性质, 计划类别,
社会经济目标, 交易主体, 技术领域, 知识产权类型) for the others.
"""

from institutions import codes as institution_codes
from institutions.choices import ClassificationScheme

REGION = "region"
ENTITY_TYPE = ClassificationScheme.ENTITY_TYPE.value
COUNTRY = ClassificationScheme.COUNTRY.value
PLAN_CATEGORY = ClassificationScheme.PLAN_CATEGORY.value
SOCIO_ECONOMIC_GOAL = ClassificationScheme.SOCIO_ECONOMIC_GOAL.value
TRADE_SUBJECT = ClassificationScheme.TRADE_SUBJECT.value
# The form's own codes (blank allowed), by the field that holds them.
FORM_CODE_FIELDS = {
    "plan_category": PLAN_CATEGORY,
    "socio_economic_goal": SOCIO_ECONOMIC_GOAL,
    "trade_subject": TRADE_SUBJECT,
}


def code_is_valid(scheme: str, code: str) -> bool:
    """Whether ``code`` is a current code of ``scheme`` (``region`` or a classification scheme)."""
    code = (code or "").strip()
    if not code:
        return False
    if scheme == REGION:
        return institution_codes.region_is_valid(code)
    return institution_codes.is_valid_code(scheme, code)


def province_of(region_code: str) -> str:
    return f"{(region_code or '')[:2]}0000"
