"""Shared fixtures. The database is the real PostgreSQL (embedded by default, the machine's in CI).

``TIANFU_CLOCK_SHIFT_DAYS=<days>`` runs the whole session with the clock that many days ahead
(time-machine, ticking): CI runs the suite once today and once 400 days on, so no test may depend on
the day it runs. A test that needs a particular day pins it with ``time_machine.travel``.
"""

import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from core import holidays
from core.models import CalendarDay, HolidayCalendarYear
from institutions import reference_data
from institutions.models import Classification, Organisation, Region
from market import reference_data as market_reference_data
from market.models import RegistrationRuleSet
from tests import factories

CLOCK_SHIFT_DAYS = int(os.environ.get("TIANFU_CLOCK_SHIFT_DAYS") or 0)


def pytest_configure(config):
    """Moves the clock for the whole session (each xdist worker moves its own). Only Python's clock
    moves: the database's ``now()`` does not, and nothing reads it (timestamps come from Django)."""
    if CLOCK_SHIFT_DAYS:
        traveller = time_machine.travel(datetime.now(UTC) + timedelta(days=CLOCK_SHIFT_DAYS), tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config):
    if CLOCK_SHIFT_DAYS:
        return f"clock moved {CLOCK_SHIFT_DAYS} days ahead (TIANFU_CLOCK_SHIFT_DAYS): now {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    return None


def load_reference_data() -> None:
    holidays.load_bundled(year_model=HolidayCalendarYear, day_model=CalendarDay)
    reference_data.load_regions(Region)
    reference_data.load_classifications(Classification)
    market_reference_data.load_rule_sets(RegistrationRuleSet)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Makes sure the reference tables are there even in a reused test database that a transactional
    test emptied (the data migration only runs when the database is created)."""
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def reference_tables(transactional_db):
    """Regions and classifications for a transactional test (its teardown empties every table)."""
    load_reference_data()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def chengdu_institution(db) -> Organisation:
    """A city-level transfer institution in 成都市锦江区."""
    return factories.TransferInstitutionFactory(
        name="成都锦江技术转移中心", region=factories.region("510104")
    )


@pytest.fixture
def mianyang_institution(db) -> Organisation:
    """A transfer institution in 绵阳市涪城区, outside 成都's jurisdiction."""
    return factories.TransferInstitutionFactory(
        name="绵阳科技城技术转移中心", region=factories.region("510703")
    )


@pytest.fixture
def platform_admin(db):
    return factories.UserFactory(username="platform-admin", is_superuser=True, is_staff=True)


@pytest.fixture
def province_official(db):
    return factories.official_for("510000", username="province-official")


@pytest.fixture
def chengdu_official(db):
    return factories.official_for("510100", username="chengdu-official")


@pytest.fixture
def mianyang_official(db):
    return factories.official_for("510700", username="mianyang-official")


@pytest.fixture
def chengdu_admin(chengdu_institution):
    return factories.admin_of(chengdu_institution, username="chengdu-admin")


@pytest.fixture
def chengdu_staff(chengdu_institution):
    return factories.staff_of(chengdu_institution, username="chengdu-staff")
