"""Template helpers of the market's pages."""

from django import template

from market import choices

register = template.Library()


@register.filter
def contract_parties(category: str) -> choices.ContractParties:
    """``{% with parties=contract.contract_category|contract_parties %}``: the category's names for the
    seller and the buyer (``market.choices.contract_parties``)."""
    return choices.contract_parties(category)
