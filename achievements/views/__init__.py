"""Pages of the achievements app, one module per sub-domain: ``filings`` (filing and review),
``catalogues`` (the dual-use catalogues), ``imports`` (Excel import and export)."""
