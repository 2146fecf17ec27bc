"""Tests of the demands slice (技术需求) and the market home page."""
