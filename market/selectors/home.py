"""The market home page (天府技术交易大市场): the latest listings, open demands and current deal
disclosures (成交公示), with the market's headline numbers. Six queries whatever the data."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from market.models import ContractRegistration, Demand, Listing

LATEST = 6


@dataclass(frozen=True)
class DisclosureRow:
    """What the disclosure board may show of a registered deal: the amount only where the parties
    consented to its disclosure (``Deal.disclose_amount``)."""

    pk: int
    title: str
    seller: str
    buyer: str
    category: str
    amount: Decimal | None
    registered_on: date | None
    disclosed_until: date | None


def _disclosure_row(contract: ContractRegistration) -> DisclosureRow:
    return DisclosureRow(
        pk=contract.pk,
        title=contract.project_name,
        seller=contract.seller_name,
        buyer=contract.buyer_name,
        category=contract.get_contract_category_display(),
        amount=contract.technical_amount if contract.deal.disclose_amount else None,
        registered_on=timezone.localdate(contract.registered_at) if contract.registered_at else None,
        disclosed_until=contract.disclosure_ends_on,
    )


def market_home(*, actor) -> dict:
    """``listings``, ``demands``, ``disclosures`` (latest six of each) and ``counts``: listings on the
    market (``public()``, the count the listing board and the API give), open demands (``open()``, the
    demand board's default), contracts registered this year — on the platform or off it, cancelled ones
    left out — with both their contract amount (合同金额, 成交额) and technical amount (技术交易额)."""
    today = timezone.localdate()
    listings = list(
        Listing.objects.visible_to(actor)
        .open_for_inquiries()
        .select_related("institution", "region__parent", "technology_field")
        .order_by("-published_at", "-pk")[:LATEST]
    )
    demands = list(
        Demand.objects.visible_to(actor)
        .open()
        .select_related("enterprise", "region__parent", "technology_field")
        .order_by("-published_at", "-pk")[:LATEST]
    )
    disclosures = [
        _disclosure_row(contract)
        for contract in ContractRegistration.objects.disclosed(today)
        .select_related("deal")
        .order_by("-registered_at", "-pk")[:LATEST]
    ]
    registered = (
        ContractRegistration.objects.registered()
        .filter(registered_at__year=today.year)
        .aggregate(
            deals=Count("pk"),
            contract_amount=Coalesce(Sum("contract_amount"), Decimal("0")),
            technical_amount=Coalesce(Sum("technical_amount"), Decimal("0")),
        )
    )
    counts = {
        "listings": Listing.objects.public().count(),
        "demands": Demand.objects.open().count(),
        "registered_deals": registered["deals"],
        "registered_contract_amount": registered["contract_amount"],
        "registered_technical_amount": registered["technical_amount"],
        "year": today.year,
    }
    return {"listings": listings, "demands": demands, "disclosures": disclosures, "counts": counts}
