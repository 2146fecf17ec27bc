"""Celery tasks of the market, one module per sub-domain; imported here so that the worker's
autodiscovery (which imports ``market.tasks``) registers them all."""

from market.tasks import contract_imports, contracts, listings, matching

__all__ = ["contract_imports", "contracts", "listings", "matching"]
