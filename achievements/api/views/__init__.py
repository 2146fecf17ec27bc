"""Viewsets of the achievements API, one module per sub-domain: ``filings``, ``catalogues``, ``imports``."""
