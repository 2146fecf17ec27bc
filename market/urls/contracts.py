"""Placeholder until the contracts pages land."""

urlpatterns = []
