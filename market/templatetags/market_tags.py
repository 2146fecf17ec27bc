"""Template helpers of the market's pages."""

from django import template

from market import choices, policies

register = template.Library()


@register.filter
def contract_parties(category: str) -> choices.ContractParties:
    """``{% with parties=contract.contract_category|contract_parties %}``: the category's names for the
    seller and the buyer (``market.choices.contract_parties``)."""
    return choices.contract_parties(category)


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
