from market.models import Match
from market.services import matching


def test_smoke(battery_demand, anode_listing, camera_listing):
    count = matching.demand_match(demand_pk=battery_demand.pk)
    rows = list(
        Match.objects.values("listing_id", "score", "factors", "matched_terms", "demand_rank", "listing_rank")
    )
    print(count, rows, anode_listing.pk)
    assert count == 1
