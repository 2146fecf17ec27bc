"""An official adds an authenticator app to their sign-in, in a real browser: enrols it on the account
security page from the key shown there, signs out, and signs in again with the password and a code."""

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.models import SecondFactorDevice
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    # The live server sees only committed data.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]

PASSWORD = "Tianfu#2026"


def app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed in from the page (``steps_ahead``: a code of
    the next 30-second step, which the server still accepts, so that one step never serves twice)."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=steps_ahead):06d}"


def sign_in_with_password(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "chengdu-official")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")


def test_an_official_enrols_an_authenticator_app_and_signs_in_with_its_code(page):
    official = factories.official_for("510100", username="chengdu-official", full_name="李成都")
    base = page.base_url

    # signs in with the password alone, and opens Account security from the user menu
    sign_in_with_password(page, base)
    expect(page.locator("body")).to_contain_text("李成都")
    page.click(".nav-item.dropdown:has(.user-menu) > a[data-bs-toggle=dropdown]")
    page.click(".user-menu a[href='/accounts/security/']")
    expect(page.locator("[data-second-factor=off]")).to_be_visible()

    # enrols: types the key shown into the app, then the app's code into the page
    page.click("form:has(input[name=action][value=start]) button[type=submit]")
    secret = page.locator("[data-totp-secret]").inner_text().strip()
    expect(page.locator("[data-otpauth-url]")).to_have_attribute(
        "href", re.compile(rf"^otpauth://totp/.*chengdu-official\?secret={secret.replace(' ', '')}&")
    )
    screenshot(page, "second-factor-enrolment")
    page.fill("input[name=token]", app_code(secret))
    page.click("form:has(input[name=action][value=confirm]) button[type=submit]")
    expect(page.locator("[data-second-factor=on]")).to_be_visible()
    assert SecondFactorDevice.objects.get(user=official).confirmed is True

    # signs out; the password alone no longer signs in: the code step follows
    page.click(".nav-item.dropdown:has(.user-menu) > a[data-bs-toggle=dropdown]")
    page.click(".user-menu form[action='/accounts/logout/'] button[type=submit]")
    sign_in_with_password(page, base)
    expect(page).to_have_url(f"{base}/accounts/login/code/")
    expect(page.locator("form[action='/accounts/logout/']")).to_have_count(0)

    # a wrong code is refused in words; the app's code signs in
    page.fill("input[name=token]", "000000")
    page.click("form[action='/accounts/login/code/'] button[type=submit]")
    expect(page.locator("#id_token_errors")).to_contain_text("动态码不正确")
    page.wait_for_timeout(1100)  # each wrong code makes the next check wait a second
    page.fill("input[name=token]", app_code(secret, steps_ahead=1))
    page.click("form[action='/accounts/login/code/'] button[type=submit]")
    expect(page.locator("body")).to_contain_text("李成都")
    expect(page.locator("form[action='/accounts/logout/']")).to_have_count(1)
    screenshot(page, "second-factor-signed-in")
