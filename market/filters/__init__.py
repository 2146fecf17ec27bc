"""FilterSets of the market, one module per sub-domain, used by selectors and the API."""
