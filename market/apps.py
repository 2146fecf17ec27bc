from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Technology market")

    def ready(self) -> None:
        # Fills the to-do registry of ``core`` (a lower layer that cannot import this app).
        from core import todo
        from market import todo as market_todo

        for section in market_todo.SECTIONS:
            todo.register(section)

        # An achievement's page lists its listings through the provider of ``achievements`` (a lower layer).
        from achievements import providers
        from market.selectors import listings

        providers.listings_provider_set(listings.listing_achievement_list)
