"""Placeholder until the deals pages land."""

urlpatterns = []
