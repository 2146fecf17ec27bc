"""Reads of the market, one module per sub-domain; each starts from the model's ``visible_to``."""
