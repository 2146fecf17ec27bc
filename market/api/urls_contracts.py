"""Placeholder until the contracts API lands."""

urlpatterns = []
