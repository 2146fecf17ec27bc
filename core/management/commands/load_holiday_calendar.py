from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core import holidays, workdays
from core.models import CalendarDay, HolidayCalendarYear


class Command(BaseCommand):
    help = (
        "Loads (or reloads) one year of the State Council's holiday and 调休 calendar: a year (the bundled "
        "core/data/holidays/<year>.json) or the path of a file in that format. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="a year, e.g. 2027, or a path to a calendar JSON file")

    def handle(self, *args, source, **options):
        path = holidays.bundled_path(int(source)) if source.isdigit() else Path(source)
        try:
            calendar = holidays.read(path)
        except ValidationError as error:
            text = " ".join(error.messages)
            raise CommandError(text if str(path) in text else f"{path}: {text}") from None
        if source.isdigit() and calendar.year != int(source):
            raise CommandError(f"{path} holds the calendar of {calendar.year}, not {source}.")
        holidays.load_year(calendar, year_model=HolidayCalendarYear, day_model=CalendarDay)
        workdays.clear_cache()
        off = sum(kind == holidays.HOLIDAY for kind, _name in calendar.days.values())
        self.stdout.write(
            f"Loaded the {calendar.year} calendar ({calendar.source}): {off} days off, "
            f"{len(calendar.days) - off} adjusted working days."
        )
