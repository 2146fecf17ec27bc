"""Placeholder until the listings pages land."""

urlpatterns = []
