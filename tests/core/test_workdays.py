"""Working days by the State Council's holiday and 调休 calendar (core.workdays, core.holidays): the
bundled years load and validate, the command reloads a year idempotently and refuses bad files, a year
that is not loaded falls back to Monday–Friday and is flagged to platform admins, and 成交公示 counts
5 working days with it."""

import json
import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from core import holidays, workdays
from core.models import CalendarDay, HolidayCalendarYear
from market.services import contracts as contract_services
from notifications import services as notification_services
from notifications import tasks as notification_tasks
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def calendar_file(tmp_path, **changes) -> str:
    """A made-up 2027 arrangement in the bundled format (the real one is not published yet)."""
    data = {
        "year": 2027,
        "source": {"title": "测试用安排", "number": "测试〔2026〕1号", "published_on": "2026-11-10"},
        "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}],
        "working_days": [{"name": "春节", "date": "2027-02-06"}],
        **changes,
    }
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


# The arithmetic ----------------------------------------------------------------------------------


def test_2026_spring_festival_and_its_adjusted_saturdays():
    # 2/15–2/23 off; Saturdays 2/14 and 2/28 worked.
    assert workdays.is_working_day(date(2026, 2, 14))
    assert not workdays.is_working_day(date(2026, 2, 16))  # a Monday of the holiday
    assert workdays.is_working_day(date(2026, 2, 28))
    assert not workdays.is_working_day(date(2026, 2, 21))  # an ordinary Saturday inside the holiday
    assert not workdays.is_working_day(date(2026, 3, 7))  # an ordinary Saturday
    # From Thursday 2/12: Fri 2/13, Sat 2/14 (调休), then Tue 2/24, Wed 2/25, Thu 2/26.
    assert workdays.add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 26)
    assert workdays.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert workdays.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert workdays.working_days_between(date(2026, 2, 12), date(2026, 2, 28)) == 7


def test_2025_spring_festival_with_a_sunday_and_a_saturday_worked():
    # 1/28–2/4 off; Sunday 1/26 and Saturday 2/8 worked.
    assert workdays.add_working_days(date(2025, 1, 24), 3) == date(2025, 2, 5)
    assert workdays.working_days_between(date(2025, 1, 24), date(2025, 2, 10)) == 7
    assert workdays.add_working_days(date(2025, 2, 7), 1) == date(2025, 2, 8)


def test_a_period_across_new_year_reads_both_years_in_one_query(django_assert_num_queries):
    # 2026-01-01..03 off, Sunday 1/4 worked.
    with django_assert_num_queries(1):
        assert workdays.add_working_days(date(2025, 12, 31), 2) == date(2026, 1, 5)
    with django_assert_num_queries(0):
        assert workdays.working_days_between(date(2025, 12, 31), date(2026, 1, 5)) == 2
        assert workdays.add_working_days(date(2025, 3, 2), 0) == date(2025, 3, 2)


def test_an_ordinary_week_counts_monday_to_friday():
    assert workdays.add_working_days(date(2026, 3, 6), 5) == date(2026, 3, 13)  # Friday to Friday
    assert workdays.working_days_between(date(2026, 3, 13), date(2026, 3, 6)) == 0


def test_a_year_not_loaded_falls_back_to_monday_to_friday_and_logs_once(caplog):
    assert workdays.missing_years([2026, 2027]) == [2027]
    with caplog.at_level(logging.WARNING, logger="core.workdays"):
        assert workdays.is_working_day(date(2027, 1, 1))  # a Friday; surely a holiday once published
        assert workdays.add_working_days(date(2027, 1, 1), 1) == date(2027, 1, 4)
    assert [record.getMessage() for record in caplog.records] == [
        "No holiday calendar loaded for 2027: counting Monday to Friday as working days."
    ]


# 成交公示 ---------------------------------------------------------------------------------------------


def test_disclosure_runs_five_working_days_after_registration_across_the_spring_festival():
    assert settings.MARKET_DISCLOSURE_WORKING_DAYS == 5
    assert contract_services.disclosure_window(date(2026, 2, 12)) == (date(2026, 2, 12), date(2026, 2, 26))
    assert contract_services.disclosure_window(date(2026, 9, 30)) == (date(2026, 9, 30), date(2026, 10, 13))


def test_registering_before_the_national_day_holiday_discloses_past_it(settings):
    settings.MARKET_DISCLOSURE_WORKING_DAYS = 2
    # Sunday 9/20 worked, 10/1–10/7 off, Saturday 10/10 worked.
    assert contract_services.disclosure_window(date(2026, 9, 30)) == (date(2026, 9, 30), date(2026, 10, 9))


# The data and the command ------------------------------------------------------------------------


@pytest.mark.parametrize("year", range(2020, 2027))
def test_every_bundled_year_validates_and_is_loaded(year):
    calendar = holidays.read(holidays.bundled_path(year))
    assert calendar.year == year
    assert "国务院办公厅关于" in calendar.source and "国办发明电" in calendar.source
    record = HolidayCalendarYear.objects.get(year=year)
    assert {(day.date, day.kind, day.name) for day in record.days.all()} == {
        (day, kind, name) for day, (kind, name) in calendar.days.items()
    }
    worked = [day for day, (kind, _name) in calendar.days.items() if kind == holidays.WORKING_DAY]
    assert worked and all(day.weekday() >= 5 for day in worked)
    # Spring Festival is always at least three working days off.
    assert sum(1 for day, (kind, name) in calendar.days.items() if name == "春节" and kind == "holiday") >= 7


def test_the_bundled_years_run_from_2020_without_a_gap():
    years = holidays.bundled_years()
    assert years == list(range(2020, years[-1] + 1))
    assert years[-1] >= 2026


def test_loading_a_year_again_changes_nothing(capsys):
    day_events = apps.get_model("core", "CalendarDayEvent")
    year_events = apps.get_model("core", "HolidayCalendarYearEvent")
    days, before = CalendarDay.objects.count(), (day_events.objects.count(), year_events.objects.count())
    call_command("load_holiday_calendar", "2026")
    assert CalendarDay.objects.count() == days
    assert (day_events.objects.count(), year_events.objects.count()) == before
    assert "Loaded the 2026 calendar" in capsys.readouterr().out


def test_a_new_year_loads_from_a_file_replaces_its_days_and_is_counted_at_once(tmp_path):
    assert workdays.is_working_day(date(2027, 1, 1))  # cached as missing
    call_command("load_holiday_calendar", calendar_file(tmp_path))
    assert not workdays.is_working_day(date(2027, 1, 1))
    assert workdays.is_working_day(date(2027, 2, 6))
    # A corrected file drops the days it no longer lists.
    call_command("load_holiday_calendar", calendar_file(tmp_path, working_days=[]))
    assert not workdays.is_working_day(date(2027, 2, 6))
    assert CalendarDay.objects.filter(calendar__year=2027).count() == 3
    assert HolidayCalendarYear.objects.get(year=2027).source == "测试用安排（测试〔2026〕1号）"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"working_days": [{"name": "春节", "date": "2027-02-08"}]}, "2027-02-08 is a weekday"),
        (
            {"working_days": [{"name": "元旦", "date": "2027-01-02"}]},
            "both as a day off and as a working day",
        ),
        (
            {"holidays": [{"name": "元旦", "from": "2026-12-31", "to": "2027-01-01"}]},
            "2026-12-31 lies outside 2027",
        ),
        ({"holidays": [{"name": "元旦", "from": "2027-01-03", "to": "2027-01-01"}]}, "not a holiday range"),
        ({"holidays": []}, "lists no holidays"),
        ({"source": {"title": "无文号"}}, "must name its source"),
        ({"holidays": [{"name": "元旦", "from": "2027-13-01"}]}, "is not a date"),
    ],
)
def test_bad_files_are_refused_with_the_reason_and_load_nothing(tmp_path, changes, message):
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("load_holiday_calendar", calendar_file(tmp_path, **changes))
    assert not HolidayCalendarYear.objects.filter(year=2027).exists()


def test_a_year_without_a_bundled_file_or_not_json_is_refused(tmp_path):
    with translation.override("zh-hans"), pytest.raises(CommandError, match="没有节假日安排文件"):
        call_command("load_holiday_calendar", "2027")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError, match="is not a JSON file"):
        call_command("load_holiday_calendar", str(broken))


# Flagging a missing year -------------------------------------------------------------------------


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="calendar-admin", is_superuser=True, is_staff=True)


def test_admins_are_told_from_1_november_when_next_year_is_missing(admin_user, tmp_path):
    official = factories.UserFactory(username="not-an-admin")
    with time_machine.travel(datetime(2026, 10, 31, 9, tzinfo=SHANGHAI), tick=False):
        assert notification_tasks.holiday_calendar_due_task() == 0
    with time_machine.travel(datetime(2026, 11, 1, 9, tzinfo=SHANGHAI), tick=False):
        assert notification_tasks.holiday_calendar_due_task() == 1
        assert notification_tasks.holiday_calendar_due_task() == 0  # not told twice the same week
    notice = Notification.objects.get(verb=notification_services.HOLIDAY_CALENDAR_VERB)
    assert notice.recipient == admin_user
    assert "2027" in notice.title
    assert notice.url == "/admin/core/holidaycalendaryear/"
    assert not Notification.objects.filter(recipient=official).exists()
    with time_machine.travel(datetime(2026, 11, 9, 9, tzinfo=SHANGHAI), tick=False):
        assert notification_tasks.holiday_calendar_due_task() == 1  # a week on, reminded
    call_command("load_holiday_calendar", calendar_file(tmp_path))
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=SHANGHAI), tick=False):
        assert notification_tasks.holiday_calendar_due_task() == 0


def test_the_current_year_missing_is_flagged_any_day(admin_user):
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=SHANGHAI), tick=False):
        assert workdays.calendars_due(date(2027, 3, 1)) == [2027]
        assert notification_tasks.holiday_calendar_due_task() == 1


def test_the_admin_list_warns_about_a_missing_year(admin_user, tmp_path):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin_user)
    with time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=SHANGHAI), tick=False):
        page = client.get("/admin/core/holidaycalendaryear/")
        assert page.status_code == 200
        assert "The holiday calendar of 2027 is not loaded" in page.content.decode()
        call_command("load_holiday_calendar", calendar_file(tmp_path))
        page = client.get("/admin/core/holidaycalendaryear/")
        assert "is not loaded" not in page.content.decode()
        assert (
            client.get(
                f"/admin/core/holidaycalendaryear/{HolidayCalendarYear.objects.get(year=2026).pk}/change/"
            ).status_code
            == 200
        )
