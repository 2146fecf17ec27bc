from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "achievements"
    verbose_name = _("Research achievements")

    def ready(self) -> None:
        # Fills the to-do registry of ``core`` (a lower layer that cannot import this app).
        from achievements import todo as achievements_todo
        from core import todo

        for section in achievements_todo.SECTIONS:
            todo.register(section)
        # An achievement's owners and contributors are rewritten on every save: the audit log shows
        # them as part of the achievement, and a row deleted and recreated unchanged as no change.
        from institutions import tracking

        tracking.child_register("achievements.AchievementOwner", "achievement")
        tracking.child_register("achievements.AchievementContributor", "achievement")
