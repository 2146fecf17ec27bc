"""Placeholder until the listings API lands."""

urlpatterns = []
