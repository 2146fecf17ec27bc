"""Sign-in, lock-out, sign-out, password change, expiry and reset pages, and the language switch."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Tianfu#2026"
LOGIN_URL = "/accounts/login/"
CHANGE_URL = "/accounts/password/change/"


@pytest.fixture
def member(db) -> User:
    return factories.UserFactory(username="zhang-wei", full_name="张伟", email="zhang.wei@example.cn")


def english() -> Client:
    """A browser that chose English, so that messages can be compared."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def sign_in(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra})


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


# --- sign in and out ---------------------------------------------------------------------------


def test_the_sign_in_page_renders_its_fields():
    response = english().get(LOGIN_URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in content
    assert 'name="password"' in content
    assert 'href="/accounts/password/reset/"' in content


def test_signing_in_with_the_right_password_works(member):
    client = english()

    response = sign_in(client, "zhang-wei", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == str(member.pk)
    assert "张伟" in client.get("/").content.decode()


def test_signing_in_returns_to_the_page_asked_for(member):
    response = sign_in(english(), "zhang-wei", PASSWORD, next="/institutions/network/")

    assert response["Location"] == "/institutions/network/"


def test_a_wrong_password_shows_an_error_and_signs_nobody_in(member):
    client = english()

    response = sign_in(client, "zhang-wei", "wrong-password")

    assert response.status_code == 200
    assert len(response.context["form"].non_field_errors()) == 1
    assert signed_in_user_id(client) is None


def test_five_failed_sign_ins_lock_the_account_even_for_the_right_password(member):
    client = english()

    failures = [sign_in(client, "zhang-wei", f"wrong-{number}").status_code for number in range(5)]
    locked = sign_in(client, "zhang-wei", PASSWORD)

    assert failures == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in template_names(locked)
    assert signed_in_user_id(client) is None
    assert "(for 30 more minutes)" in locked.content.decode()
    assert 'href="/accounts/password/reset/"' in locked.content.decode()


def test_the_lock_is_per_account(member):
    factories.UserFactory(username="li-na")
    client = english()
    for number in range(5):
        sign_in(client, "li-na", f"wrong-{number}")

    response = sign_in(english(), "zhang-wei", PASSWORD)

    assert response.status_code == 302


def from_address(address: str) -> Client:
    client = english()
    client.defaults["REMOTE_ADDR"] = address
    return client


def test_the_lock_holds_the_username_at_one_address_only(member, platform_admin):
    # given: a stranger at one address types the admin's and the member's usernames five times each
    stranger = from_address("198.51.100.7")
    for username in ("zhang-wei", platform_admin.username):
        for number in range(5):
            sign_in(stranger, username, f"wrong-{number}")

    # when: the owners sign in from their own offices
    member_response = sign_in(from_address("203.0.113.20"), "zhang-wei", PASSWORD)
    admin_response = sign_in(from_address("203.0.113.21"), platform_admin.username, PASSWORD)
    stranger_response = sign_in(stranger, "zhang-wei", PASSWORD)

    # then: only the stranger's address is locked
    assert member_response.status_code == 302
    assert admin_response.status_code == 302
    assert stranger_response.status_code == 429


def test_each_failure_after_a_lock_doubles_the_next_lock_up_to_a_day(member):
    client = from_address("198.51.100.8")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for number in range(5):
            sign_in(client, "zhang-wei", f"wrong-{number}")
        locked_minutes = []
        for _lock in range(6):
            # the lock holds one minute before it ends, and the right password is refused meanwhile
            duration = 30 * 2 ** len(locked_minutes)
            clock.shift(timedelta(minutes=min(duration, 24 * 60) - 1))
            assert sign_in(client, "zhang-wei", PASSWORD).status_code == 429
            clock.shift(timedelta(minutes=1, seconds=1))
            response = sign_in(client, "zhang-wei", f"again-{_lock}")
            locked_minutes.append(response.context["remaining_minutes"])
        # failures are remembered as long as the longest lock: once it has passed, the count starts again
        clock.shift(timedelta(hours=24, seconds=1))
        after_a_day = sign_in(client, "zhang-wei", "wrong-again")

    assert locked_minutes == [60, 120, 240, 480, 960, 24 * 60]
    assert after_a_day.status_code == 200


def test_refused_attempts_during_a_lock_do_not_lengthen_it(member):
    client = from_address("198.51.100.9")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for number in range(5):
            sign_in(client, "zhang-wei", f"wrong-{number}")
        clock.shift(timedelta(minutes=20))
        for number in range(3):
            sign_in(client, "zhang-wei", f"during-{number}")
        clock.shift(timedelta(minutes=10, seconds=1))

        response = sign_in(client, "zhang-wei", PASSWORD)

    assert response.status_code == 302


def test_a_password_reset_by_e_mail_unlocks_the_account(member):
    client = english()
    for number in range(5):
        sign_in(client, "zhang-wei", f"wrong-{number}")
    locked = sign_in(client, "zhang-wei", PASSWORD)

    reset_password_by_e_mail(client, "zhang.wei@example.cn", "Wuhou#2028x")
    response = sign_in(client, "zhang-wei", "Wuhou#2028x")

    assert locked.status_code == 429
    assert 'href="/accounts/password/reset/"' in locked.content.decode()
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(member.pk)


def test_four_failures_then_success_resets_the_count(member):
    client = english()
    for number in range(4):
        sign_in(client, "zhang-wei", f"wrong-{number}")
    sign_in(client, "zhang-wei", PASSWORD)
    client.post("/accounts/logout/")

    after = [sign_in(english(), "zhang-wei", f"again-{number}").status_code for number in range(4)]

    assert after == [200, 200, 200, 200]


def test_signing_out_ends_the_session(member):
    client = english()
    client.force_login(member)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_the_user_menu_shows_roles_and_the_sign_out_form(chengdu_official):
    client = english()
    client.force_login(chengdu_official)

    content = client.get("/").content.decode()

    assert 'action="/accounts/logout/"' in content
    assert 'href="/accounts/password/change/"' in content
    assert "Official" in content
    assert 'href="/institutions/?scope=jurisdiction"' in content
    assert 'href="/audit/"' in content


def test_a_visitor_sees_the_sign_in_link_and_no_official_links():
    content = english().get("/").content.decode()

    assert f'href="{LOGIN_URL}"' in content
    assert "scope=jurisdiction" not in content
    assert 'href="/audit/"' not in content


# --- password change and expiry ----------------------------------------------------------------


def test_the_password_change_page_needs_a_signed_in_user():
    response = english().get(CHANGE_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={CHANGE_URL}"


def test_the_password_change_page_explains_the_rules(member):
    client = english()
    client.force_login(member)

    content = client.get(CHANGE_URL).content.decode()

    assert "at least 3 kinds of characters" in content
    assert "at least 8 characters" in content


def test_a_password_without_three_kinds_of_characters_is_rejected(member):
    client = english()
    client.force_login(member)
    before = User.objects.get(pk=member.pk).password

    response = client.post(
        CHANGE_URL,
        {"old_password": PASSWORD, "new_password1": "tianfumarket2026", "new_password2": "tianfumarket2026"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["new_password2"]
    assert 'id="id_new_password2_errors"' in response.content.decode()
    assert User.objects.get(pk=member.pk).password == before


def test_a_good_new_password_is_accepted_and_restarts_the_rotation(member):
    member.password_changed_at = timezone.now() - timedelta(days=100)
    member.save(update_fields=["password_changed_at"])
    client = english()
    client.force_login(member)

    response = client.post(
        CHANGE_URL,
        {"old_password": PASSWORD, "new_password1": "Jinjiang#2027", "new_password2": "Jinjiang#2027"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/done/"
    member.refresh_from_db()
    assert member.check_password("Jinjiang#2027")
    assert not member.password_expired()
    assert client.get("/").status_code == 200


def test_an_expired_password_sends_the_user_to_change_it(member):
    member.password_changed_at = timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS + 1)
    member.save(update_fields=["password_changed_at"])
    client = english()
    client.force_login(member)

    response = client.get("/institutions/")
    page = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == f"{CHANGE_URL}?expired=1"
    assert "data-password-expired" in page.content.decode()


def test_a_password_younger_than_the_rotation_period_is_not_expired(member):
    member.password_changed_at = timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS - 1)
    member.save(update_fields=["password_changed_at"])
    client = english()
    client.force_login(member)

    assert client.get("/institutions/").status_code == 200
    assert "data-password-expired" not in client.get(CHANGE_URL).content.decode()


# --- password reset ----------------------------------------------------------------------------


def reset_password_by_e_mail(client: Client, email: str, password: str):
    asked = client.post("/accounts/password/reset/", {"email": email})
    [message] = mail.outbox
    link = next(line for line in message.body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    return asked, message, form_page, done


def test_password_reset_by_e_mail(member):
    asked, message, form_page, done = reset_password_by_e_mail(
        english(), "zhang.wei@example.cn", "Wuhou#2028x"
    )

    assert asked["Location"] == "/accounts/password/reset/done/"
    assert message.to == ["zhang.wei@example.cn"]
    assert "zhang-wei" in message.body
    assert form_page.context["validlink"] is True
    assert done["Location"] == "/accounts/password/reset/complete/"
    member.refresh_from_db()
    assert member.check_password("Wuhou#2028x")


def test_a_bad_reset_link_says_so():
    response = english().get("/accounts/password/reset/MQ/bad-token/")

    assert response.status_code == 200
    assert response.context["validlink"] is False


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/password/reset/done/",
        "/accounts/password/reset/complete/",
        "/accounts/password/change/done/",
    ],
)
def test_the_confirmation_pages_render(url, member):
    client = english()
    client.force_login(member)

    assert client.get(url).status_code == 200


# --- language ----------------------------------------------------------------------------------


def test_chinese_is_the_default_language():
    content = Client().get("/").content.decode()

    assert '<html lang="zh-hans">' in content


def test_switching_to_english_shows_english(db):
    client = Client()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/institutions/"})
    content = client.get("/").content.decode()

    assert response["Location"] == "/institutions/"
    assert '<html lang="en">' in content
    assert "Tianfu Technology Trading Market" in content


def test_switching_back_to_chinese(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})

    client.post("/i18n/setlang/", {"language": "zh-hans"})

    assert '<html lang="zh-hans">' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "url", ["/", "/institutions/", "/institutions/network/", LOGIN_URL, "/does-not-exist/"]
)
def test_every_page_carries_the_language_switcher(url, db):
    content = Client().get(url).content.decode()

    assert 'action="/i18n/setlang/"' in content
    assert 'name="language" value="en"' in content
