"""Writes of the achievements app, one module per sub-domain: ``filings`` (filing, review,
publication), ``catalogues`` (the dual-use catalogues) and ``imports`` (Excel import). Each state
change is one atomic, permission-checked function."""
