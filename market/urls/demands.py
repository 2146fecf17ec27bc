"""Placeholder until the demands pages land."""

urlpatterns = []
