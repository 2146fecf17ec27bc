"""Plumbing every app shares that needs a table: the submissions of create forms (``Submission``) and
the holiday calendar that working days are counted with (``HolidayCalendarYear``, ``CalendarDay``)."""

import pghistory
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One sending of a create form, named by the key the form was rendered with (an idempotency key),
    and the record it created: the same form sent again (a double click, a retry after a slow save)
    gets that record back instead of making another (``core.submissions``)."""

    key = models.UUIDField(primary_key=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    # Set in the same transaction as the key is claimed, once the record exists.
    object_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return str(self.key)


@pghistory.track()
class HolidayCalendarYear(models.Model):
    """One year of the State Council's holiday and 调休 arrangement (国务院办公厅关于部分节假日安排的通知),
    loaded from ``core/data/holidays/<year>.json`` by ``load_holiday_calendar``."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200)
    published_on = models.DateField(_("published on"))
    note = models.TextField(_("note"), blank=True)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday calendar year")
        verbose_name_plural = _("holiday calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (day off)")
    WORKING_DAY = "working_day", _("Adjusted working day (调休上班)")


@pghistory.track()
class CalendarDay(models.Model):
    """A day the year's arrangement moves off the Monday–Friday rule: a day off, or a weekend day worked."""

    calendar = models.ForeignKey(HolidayCalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("festival"), max_length=40)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
