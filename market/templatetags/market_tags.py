"""Template helpers of the market's pages."""

from django import template

from institutions import codes as institution_codes
from market import choices, policies

register = template.Library()


@register.filter
def contract_parties(category: str) -> choices.ContractParties:
    """``{% with parties=contract.contract_category|contract_parties %}``: the category's names for the
    seller and the buyer (``market.choices.contract_parties``)."""
    return choices.contract_parties(category)


@register.filter
def contract_field_label(name: str) -> str:
    """The label of a registration form's field (a correction's history names fields)."""
    from django.core.exceptions import FieldDoesNotExist

    from market.models import ContractRegistration

    try:
        return str(ContractRegistration._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field renamed since the correction keeps its name
        return name


@register.filter
def contract_category_label(code: str) -> str:
    try:
        return str(choices.ContractCategory(code).label)
    except ValueError:
        return code or ""


@register.filter
def mask_id(value: str) -> str:
    """A resident identity number as pages show it (personal data): ``510104********123X``."""
    return policies.mask_id_number(value)


@register.filter
def form_field(form, name: str):
    """The bound field ``name`` of ``form`` (party sections are named by side: ``buyer_kind``…)."""
    return form[name] if name in form.fields else None


@register.simple_tag
def party_field(form, side: str, name: str):
    return form_field(form, f"{side}_{name}")


@register.simple_tag
def id_number_shown(revealed, side: str, id_number: str) -> str:
    """The identity number of ``side``: in full only when it was just revealed (audited), else masked."""
    return (revealed or {}).get(side) or policies.mask_id_number(id_number)


@register.simple_tag
def code_label(scheme: str, code: str) -> str:
    """A JJ-001 code with its name (计划类别, 社会经济目标, 交易主体, 国别代码), e.g. ``1 国家科技计划``."""
    return institution_codes.code_label(scheme, code)
