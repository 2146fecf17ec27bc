from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workdays
from core.models import CalendarDay, HolidayCalendarYear


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ("date", "kind", "name")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(HolidayCalendarYear)
class HolidayCalendarYearAdmin(admin.ModelAdmin):
    """Read-only: a year is loaded from its file with ``manage.py load_holiday_calendar``. The list warns
    when a year the working-day periods need is missing."""

    list_display = ("year", "source", "published_on", "loaded_at")
    readonly_fields = ("year", "source", "published_on", "note", "loaded_at")
    inlines = [CalendarDayInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        for year in workdays.calendars_due(timezone.localdate()):
            messages.warning(
                request,
                _(
                    "The holiday calendar of %(year)s is not loaded: working days in %(year)s are counted "
                    "Monday to Friday. Load it with “manage.py load_holiday_calendar %(year)s” once the "
                    "State Council publishes it."
                )
                % {"year": year},
            )
        return super().changelist_view(request, extra_context)
