"""Row locks for read-modify-write on market records, always taken in the same order (listing, then
deal, then contract) so two requests never wait on each other in a cycle."""

from market.models import ContractRegistration, Deal, Demand, Listing, ListingObjection


def listing_for_update(pk: int) -> Listing:
    return Listing.objects.select_for_update(of=("self",)).select_related("institution__region").get(pk=pk)


def demand_for_update(pk: int) -> Demand:
    return Demand.objects.select_for_update(of=("self",)).select_related("enterprise__region").get(pk=pk)


def objection_for_update(pk: int) -> ListingObjection:
    return (
        ListingObjection.objects.select_for_update(of=("self",))
        .select_related("listing__institution__region")
        .get(pk=pk)
    )


def deal_for_update(pk: int) -> Deal:
    return (
        Deal.objects.select_for_update(of=("self",))
        .select_related("seller__region", "buyer__region", "listing", "inquiry")
        .prefetch_related("broker_engagements")
        .get(pk=pk)
    )


def contract_for_update(pk: int) -> ContractRegistration:
    return (
        ContractRegistration.objects.select_for_update(of=("self",))
        .select_related(
            "deal__seller__region",
            "deal__buyer__region",
            "applicant",
            "registration_body__region",
            "rule_set",
        )
        .get(pk=pk)
    )
