import pytest
from rest_framework.test import APIClient
from market.models import Match
from market.services import matching

pytestmark = pytest.mark.django_db

def test_probe(battery_demand, anode_listing, camera_listing, poster):
    print(matching.demand_match(demand_pk=battery_demand.pk))
    for m in Match.objects.all():
        print(m, m.factors, m.matched_terms, m.demand_rank, m.listing_rank)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(poster)
    r = client.get(f"/api/v1/demands/{battery_demand.pk}/matches/")
    print(r.status_code, r.json())
    r = client.get("/api/v1/matches/")
    print(r.status_code, r.json())
