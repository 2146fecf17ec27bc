from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Institutions and regions")

    def ready(self) -> None:
        # Fills the to-do registry of ``core`` (a lower layer that cannot import this app).
        from core import todo
        from institutions import todo as institutions_todo

        for section in institutions_todo.SECTIONS:
            todo.register(section)
