"""Template helpers of the market's pages."""

from django import template

from market import choices

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
