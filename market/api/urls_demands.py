"""Placeholder until the demands API lands."""

urlpatterns = []
