"""A designation's year granted (issue 11, follow-up): from ``DESIGNATION_FIRST_YEAR`` to the current
year, refused alike by the service (model validation), the API and the page's form. The clock is
pinned to 2026-12-31 23:30 in Shanghai, the last moment of 2026 there (already 2026 in UTC too)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from core.validators import validate_year_not_in_future
from institutions import policies, services
from institutions.choices import DesignationLevel
from institutions.models import Designation

pytestmark = pytest.mark.django_db

LAST_MOMENT_OF_2026 = datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
CITY = DesignationLevel.CITY


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(LAST_MOMENT_OF_2026, tick=False):
        yield


def grant(actor, organisation, year):
    return services.designation_grant(
        actor=actor,
        organisation=organisation,
        level=CITY,
        year_granted=year,
        document_number="成科发〔2026〕1号",
    )


def test_the_validator_reads_the_year_in_local_time():
    validate_year_not_in_future(2026)
    validate_year_not_in_future(None)
    with time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        validate_year_not_in_future(2027)  # 2026-12-31 16:30 in UTC, already 2027 in Sichuan

    with pytest.raises(ValidationError) as caught:
        validate_year_not_in_future(2027)

    assert caught.value.code == "year_in_future"


def test_the_service_grants_this_years_title(chengdu_official, chengdu_institution):
    designation = grant(chengdu_official, chengdu_institution, 2026)

    assert designation.year_granted == 2026


@pytest.mark.parametrize(
    ("year", "code"), [(2027, "year_in_future"), (policies.DESIGNATION_FIRST_YEAR - 1, "min_value")]
)
def test_the_service_refuses_a_year_to_come_or_before_the_first(
    chengdu_official, chengdu_institution, year, code
):
    with pytest.raises(ValidationError) as caught:
        grant(chengdu_official, chengdu_institution, year)

    assert [error.code for error in caught.value.error_dict["year_granted"]] == [code]
    assert not Designation.objects.exists()


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (2027, "This year cannot be in the future (it is 2026 now)."),
        (1999, "Ensure this value is greater than or equal to 2000."),
    ],
)
def test_the_api_refuses_a_year_to_come_or_before_the_first_with_a_400(
    chengdu_official, chengdu_institution, year, message
):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(chengdu_official)

    response = client.post(
        f"/api/v1/institutions/{chengdu_institution.pk}/designations/",
        {"level": CITY, "year_granted": year},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"year_granted": [message]}
    assert not Designation.objects.exists()


def test_the_form_refuses_next_year_and_its_input_stops_at_this_year(chengdu_official, chengdu_institution):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(chengdu_official)
    url = f"/institutions/{chengdu_institution.pk}/designations/"

    response = client.post(url, {"level": CITY, "year_granted": 2027})

    assert response.status_code == 400
    assert response.context["grant_form"].errors == {
        "year_granted": ["This year cannot be in the future (it is 2026 now)."]
    }
    assert 'max="2026"' in client.get(url).content.decode()
    assert not Designation.objects.exists()
