"""The optional second factor (TOTP, django-otp): who may enrol, the code step of signing in, removal,
``OTP_REQUIRED_FOR_ADMINS``, and its audit trail."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.test import Client
from django_otp.oath import totp

from accounts import services
from accounts.models import SecondFactorDevice
from tests.market import factories as market_factories

pytestmark = pytest.mark.django_db

PASSWORD = "Tianfu#2026"
NOW = datetime(2026, 3, 2, 2, 0, 0, tzinfo=UTC)  # 10:00 in 成都


@pytest.fixture(autouse=True)
def pinned_clock():
    """Codes change every 30 seconds: every test here holds the clock still and moves it by hand."""
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def code_for(device: SecondFactorDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or ``steps_ahead`` 30-second steps later)."""
    device.refresh_from_db()
    number = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{number:0{device.digits}d}"


def enrolled(user) -> SecondFactorDevice:
    device = services.second_factor_enrolment_start(actor=user)
    return services.second_factor_enrolment_confirm(actor=user, token=code_for(device))


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def sign_in(client: Client, username: str, **extra):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD, **extra})


# --- enrolling -----------------------------------------------------------------------------------


def test_an_official_enrols_an_authenticator_app_on_the_security_page(chengdu_official, pinned_clock):
    client = english()
    client.force_login(chengdu_official)

    offered = client.get("/accounts/security/")
    started = client.post("/accounts/security/", {"action": "start"})
    page = client.get("/accounts/security/")
    device = SecondFactorDevice.objects.get(user=chengdu_official)
    wrong = client.post("/accounts/security/", {"action": "confirm", "token": "000000"})
    pinned_clock.shift(timedelta(seconds=2))  # a wrong code makes the next check wait a second
    done = client.post("/accounts/security/", {"action": "confirm", "token": code_for(device)})

    assert 'data-second-factor="off"' in offered.content.decode()
    assert started["Location"] == "/accounts/security/"
    content = page.content.decode()
    assert "data-totp-secret" in content
    assert "otpauth://totp/Tianfu%20Technology%20Trading%20Market%3Achengdu-official?secret=" in content
    assert wrong.status_code == 200
    assert list(wrong.context["form"].errors) == ["token"]
    assert done["Location"] == "/accounts/security/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert 'data-second-factor="on"' in client.get("/accounts/security/").content.decode()


@pytest.mark.parametrize("role", ["platform_admin", "chengdu_official", "registrar"])
def test_officials_registrars_and_platform_admins_may_enrol(request, role):
    user = (
        market_factories.registrar_of(market_factories.registration_body(), "registrar")
        if role == "registrar"
        else request.getfixturevalue(role)
    )

    device = enrolled(user)

    assert (device.user, device.confirmed) == (user, True)


def test_an_institution_member_is_not_offered_a_second_factor(chengdu_staff):
    client = english()
    client.force_login(chengdu_staff)

    page = client.get("/accounts/security/")
    refused = client.post("/accounts/security/", {"action": "start"})

    assert 'data-second-factor="unavailable"' in page.content.decode()
    assert refused.status_code == 403
    assert SecondFactorDevice.objects.count() == 0


def test_the_security_page_needs_a_signed_in_user():
    response = english().get("/accounts/security/")

    assert response["Location"] == "/accounts/login/?next=/accounts/security/"


# --- signing in with a code ----------------------------------------------------------------------


def test_signing_in_asks_for_the_code_after_the_password(chengdu_official, pinned_clock):
    device = enrolled(chengdu_official)
    pinned_clock.shift(timedelta(seconds=30))
    client = english()

    password_step = sign_in(client, "chengdu-official", next="/institutions/")
    page = client.get("/accounts/login/code/")
    wrong = client.post("/accounts/login/code/", {"token": "123456"})
    pinned_clock.shift(timedelta(seconds=2))
    code_step = client.post("/accounts/login/code/", {"token": code_for(device)})

    assert password_step["Location"] == "/accounts/login/code/"
    assert "Enter your sign-in code" in page.content.decode()
    assert wrong.status_code == 200
    assert signed_in_user_id(english()) is None
    assert code_step["Location"] == "/institutions/"
    assert signed_in_user_id(client) == str(chengdu_official.pk)


def test_the_password_alone_signs_nobody_in(chengdu_official):
    enrolled(chengdu_official)
    client = english()

    sign_in(client, "chengdu-official")

    assert signed_in_user_id(client) is None
    assert client.get("/accounts/security/")["Location"] == "/accounts/login/?next=/accounts/security/"


def test_a_code_is_accepted_once(chengdu_official, pinned_clock):
    device = enrolled(chengdu_official)
    pinned_clock.shift(timedelta(seconds=30))
    first, second = english(), english()
    sign_in(first, "chengdu-official")
    sign_in(second, "chengdu-official")
    code = code_for(device)

    accepted = first.post("/accounts/login/code/", {"token": code})
    replayed = second.post("/accounts/login/code/", {"token": code})

    assert accepted.status_code == 302
    assert replayed.status_code == 200
    assert signed_in_user_id(second) is None


def test_the_code_step_waits_only_a_few_minutes(chengdu_official, pinned_clock):
    device = enrolled(chengdu_official)
    client = english()
    sign_in(client, "chengdu-official")
    pinned_clock.shift(timedelta(minutes=settings.OTP_SIGN_IN_MINUTES, seconds=1))

    response = client.post("/accounts/login/code/", {"token": code_for(device)})

    assert response["Location"] == "/accounts/login/"
    assert signed_in_user_id(client) is None


def test_the_code_step_without_a_password_step_sends_back_to_sign_in(db):
    response = english().get("/accounts/login/code/")

    assert response["Location"] == "/accounts/login/"


def test_without_an_app_the_password_signs_in_as_before(platform_admin):
    client = english()

    response = sign_in(client, platform_admin.username)

    assert response["Location"] == "/"
    assert signed_in_user_id(client) == str(platform_admin.pk)


def test_the_admin_site_signs_in_through_the_same_pages(db):
    response = english().get("/admin/login/?next=/admin/")

    assert response["Location"] == "/accounts/login/?next=/admin/"


# --- required for platform admins ----------------------------------------------------------------


def test_a_platform_admin_must_enrol_before_signing_in_when_required(settings, platform_admin, pinned_clock):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    client = english()

    password_step = sign_in(client, platform_admin.username)
    page = client.get("/accounts/login/code/")
    device = SecondFactorDevice.objects.get(user=platform_admin, confirmed=False)
    done = client.post("/accounts/login/code/", {"token": code_for(device)})

    assert password_step["Location"] == "/accounts/login/code/"
    assert "data-totp-secret" in page.content.decode()
    assert done["Location"] == "/"
    assert signed_in_user_id(client) == str(platform_admin.pk)
    device.refresh_from_db()
    assert device.confirmed is True


def test_an_official_is_not_forced_to_enrol_when_required_for_admins(settings, chengdu_official):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    client = english()

    response = sign_in(client, "chengdu-official")

    assert response["Location"] == "/"


# --- removing --------------------------------------------------------------------------------------


def test_the_app_is_removed_with_a_current_code(chengdu_official, pinned_clock):
    device = enrolled(chengdu_official)
    pinned_clock.shift(timedelta(seconds=30))
    client = english()
    client.force_login(chengdu_official)

    response = client.post("/accounts/security/", {"action": "remove", "token": code_for(device)})

    assert response["Location"] == "/accounts/security/"
    assert SecondFactorDevice.objects.filter(user=chengdu_official).count() == 0
    assert sign_in(english(), "chengdu-official")["Location"] == "/"


def test_a_wrong_code_removes_nothing(chengdu_official):
    enrolled(chengdu_official)
    client = english()
    client.force_login(chengdu_official)

    response = client.post("/accounts/security/", {"action": "remove", "token": "000000"})

    assert response.status_code == 200
    assert SecondFactorDevice.objects.filter(user=chengdu_official, confirmed=True).count() == 1


def test_a_platform_admin_keeps_the_app_when_required(settings, platform_admin, pinned_clock):
    device = enrolled(platform_admin)
    settings.OTP_REQUIRED_FOR_ADMINS = True
    pinned_clock.shift(timedelta(seconds=30))

    with pytest.raises(Exception, match="must sign in with a second factor"):
        services.second_factor_remove(actor=platform_admin, token=code_for(device))

    assert SecondFactorDevice.objects.filter(user=platform_admin).count() == 1


# --- audit -----------------------------------------------------------------------------------------


def test_enrolment_and_removal_are_in_the_audit_trail_without_the_secret(chengdu_official, pinned_clock):
    device = enrolled(chengdu_official)
    pinned_clock.shift(timedelta(seconds=30))
    services.second_factor_remove(actor=chengdu_official, token=code_for(device))

    event_model = apps.get_model("accounts", "SecondFactorDeviceEvent")
    labels = list(
        event_model.objects.filter(pgh_obj_id=device.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", "confirmed")
    )

    assert labels[0] == ("insert", False)
    assert ("update", True) in labels
    assert labels[-1][0] == "delete"
    assert "key" not in {field.name for field in event_model._meta.fields}
