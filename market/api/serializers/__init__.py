"""Serializers of the market API, one module per sub-domain."""
