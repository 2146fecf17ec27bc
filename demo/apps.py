from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and ``seed_demo``; it has no models of its own."""

    name = "demo"
