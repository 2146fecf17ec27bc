"""What higher apps show on an achievement's page. ``achievements`` cannot import them (docs/architecture.md),
so each fills its provider in its ``AppConfig.ready()``; without one the page simply shows nothing."""

from collections.abc import Callable, Sequence

# (actor, achievement) → the achievement's listings the actor may see, on the market (``market``).
ListingsProvider = Callable[..., Sequence]

_listings_provider: ListingsProvider | None = None


def listings_provider_set(provider: ListingsProvider) -> None:
    global _listings_provider
    _listings_provider = provider


def achievement_listings(*, actor, achievement) -> list:
    """The achievement's listings on the market that ``actor`` may see (one query), newest first."""
    if _listings_provider is None:
        return []
    return list(_listings_provider(actor=actor, achievement=achievement))
