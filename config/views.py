"""The home page: what the platform is, with the institution network's headline numbers."""

from django.db.models import Count, Q
from django.db.models.functions import Left
from django.shortcuts import render
from django.views.decorators.http import require_GET

from institutions.models import Designation, Organisation
from institutions.querysets import LIVE_DESIGNATION_STATUSES


def headline_counts() -> dict[str, int]:
    """Active institutions, transfer institutions, live designations and cities covered (two queries)."""
    counts = Organisation.objects.active().aggregate(
        institutions=Count("pk"),
        transfer_institutions=Count("pk", filter=Q(is_transfer_institution=True)),
        # A city is covered when an organisation sits in it or one of its counties: the code's first
        # four digits name the city; province-level organisations (51xxxx ending 0000) cover none.
        cities=Count(Left("region_id", 4), distinct=True, filter=~Q(region__code__endswith="0000")),
    )
    counts["designations"] = Designation.objects.filter(
        status__in=LIVE_DESIGNATION_STATUSES, organisation__is_active=True
    ).count()
    return counts


@require_GET
def home(request):
    return render(request, "home.html", {"counts": headline_counts()})
