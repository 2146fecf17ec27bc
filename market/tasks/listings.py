"""Celery beat tasks of the market's listings: thin, no arguments, safe to run twice.

Each task selects the listings that are due and calls the per-listing service, which locks the row and
checks the state again, so a second run (or two workers at once) finds nothing left to do.
"""

from celery import shared_task
from django.utils import timezone

from market.choices import ListingStatus
from market.models import Listing
from market.services import listings as listing_services


def due_for_publicity_close() -> list[int]:
    return list(
        Listing.objects.filter(status=ListingStatus.PUBLICITY, publicity_ends_at__lte=timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def due_for_expiry() -> list[int]:
    return list(
        Listing.objects.filter(status=ListingStatus.ACTIVE, listed_until__lt=timezone.localdate())
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@shared_task(acks_late=True)
def listing_close_publicity_task() -> int:
    """Closes the publicity of every listing whose period has ended with no objection open; returns
    how many became active."""
    closed = 0
    for pk in due_for_publicity_close():
        listing = listing_services.listing_close_publicity(listing_pk=pk)
        if listing is not None and listing.status == ListingStatus.ACTIVE:
            closed += 1
    return closed


@shared_task(acks_late=True)
def listing_expire_task() -> int:
    """Expires every active listing past its listing period; returns how many expired."""
    expired = 0
    for pk in due_for_expiry():
        listing = listing_services.listing_expire(listing_pk=pk)
        if listing.status == ListingStatus.EXPIRED:
            expired += 1
    return expired
