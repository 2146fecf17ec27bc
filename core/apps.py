from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared plumbing")

    def ready(self):
        # Registers the OpenAPI extension of ``ActionsField`` (drf-spectacular finds extensions by import).
        from core.api import fields  # noqa: F401
