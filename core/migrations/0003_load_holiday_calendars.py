"""Loads the bundled holiday calendars (core/data/holidays/*.json); later years come by
``manage.py load_holiday_calendar``."""

from django.db import migrations

from core import holidays


def load(apps, schema_editor):
    holidays.load_bundled(
        year_model=apps.get_model("core", "HolidayCalendarYear"), day_model=apps.get_model("core", "CalendarDay")
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_holiday_calendar")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
