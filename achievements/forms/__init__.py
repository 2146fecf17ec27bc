"""Forms of the achievements app, one module per sub-domain: ``filings``, ``catalogues``, ``imports``."""
