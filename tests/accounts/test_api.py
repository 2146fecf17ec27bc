"""Who is calling: ``GET /api/v1/me/``, and partner systems authenticating with issued keys."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.api import authentication
from institutions.choices import MembershipRole, OrganisationKind
from institutions.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

ME_URL = "/api/v1/me/"
INVALID_KEY = {
    "code": "authentication_failed",
    "detail": "The partner key is not valid or was revoked.",
    "fields": {},
}


def english_client(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def key_client(key: str) -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Api-Key {key}")


# --- /me/ -------------------------------------------------------------------------------------


def test_me_needs_a_signed_in_caller():
    response = english_client().get(ME_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
        "fields": {},
    }


def test_me_for_an_official_lists_the_jurisdiction(chengdu_official):
    department = Membership.objects.get(user=chengdu_official).organisation

    response = english_client(chengdu_official).get(ME_URL)

    assert response.status_code == 200
    assert response.json() == {
        "id": chengdu_official.pk,
        "username": "chengdu-official",
        "full_name": chengdu_official.full_name,
        "email": "chengdu-official@example.cn",
        "is_platform_admin": False,
        "roles": ["official"],
        "memberships": [
            {
                "id": Membership.objects.get(user=chengdu_official).pk,
                "organisation": {"id": department.pk, "name": department.name},
                "role": "official",
                "role_label": "Official",
            }
        ],
        "jurisdictions": [
            {
                "code": "510100",
                "name": "成都市",
                "level": "city",
                "department": {"id": department.pk, "name": department.name},
            }
        ],
    }


def test_me_for_an_institution_admin_and_a_platform_admin(chengdu_admin, chengdu_institution, platform_admin):
    admin = english_client(chengdu_admin).get(ME_URL).json()
    platform = english_client(platform_admin).get(ME_URL).json()

    assert admin["roles"] == ["institution_admin"]
    assert [(m["organisation"]["name"], m["role"]) for m in admin["memberships"]] == [
        ("成都锦江技术转移中心", "admin")
    ]
    assert admin["jurisdictions"] == []
    assert (platform["roles"], platform["is_platform_admin"], platform["memberships"]) == (
        ["platform_admin"],
        True,
        [],
    )


def test_me_works_with_a_browser_session(chengdu_staff):
    client = APIClient()
    client.force_login(chengdu_staff)

    response = client.get(ME_URL)

    assert response.status_code == 200
    assert (response.json()["username"], response.json()["roles"]) == ("chengdu-staff", ["institution_staff"])


# --- partner keys -----------------------------------------------------------------------------


@pytest.fixture
def partner_account(chengdu_institution):
    """The service account of 成都's city technology-market platform, which also runs the
    锦江 institution's profile (its admin)."""
    user = services.user_create(username="chengdu-platform", password=None, full_name="成都市技术市场平台")
    platform = factories.OrganisationFactory(name="成都市技术市场服务平台", kind=OrganisationKind.OTHER)
    factories.MembershipFactory(user=user, organisation=platform, role=MembershipRole.PARTNER)
    factories.MembershipFactory(user=user, organisation=chengdu_institution, role=MembershipRole.ADMIN)
    return user


@pytest.fixture
def partner_key(partner_account):
    api_key, key = services.partner_key_issue(user=partner_account, name="成都平台同步")
    return api_key, key


def test_a_partner_key_authenticates_as_its_service_account(partner_key):
    _api_key, key = partner_key

    response = key_client(key).get(ME_URL)

    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["roles"]) == ("chengdu-platform", ["institution_admin", "partner"])
    assert sorted((m["organisation"]["name"], m["role"]) for m in body["memberships"]) == [
        ("成都市技术市场服务平台", "partner"),
        ("成都锦江技术转移中心", "admin"),
    ]


def test_a_partner_key_may_write_what_its_membership_allows(partner_key, chengdu_institution):
    _api_key, key = partner_key
    client = key_client(key)

    response = client.patch(
        f"/api/v1/institutions/{chengdu_institution.pk}/", {"introduction": "由合作平台同步"}, format="json"
    )

    assert response.status_code == 200
    chengdu_institution.refresh_from_db()
    assert chengdu_institution.introduction == "由合作平台同步"


def test_a_partner_write_is_audited_under_the_service_account(
    partner_key, chengdu_institution, platform_admin
):
    _api_key, key = partner_key
    key_client(key).patch(
        f"/api/v1/institutions/{chengdu_institution.pk}/", {"introduction": "由合作平台同步"}, format="json"
    )

    history = english_client(platform_admin).get(f"/api/v1/institutions/{chengdu_institution.pk}/history/")

    latest = history.json()["results"][0]
    assert (latest["label"], latest["user"], latest["changes"]) == (
        "update",
        "chengdu-platform",
        {"introduction": ["", "由合作平台同步"]},
    )


def test_a_partner_key_gets_no_more_than_its_membership(partner_key, mianyang_institution):
    _api_key, key = partner_key

    response = key_client(key).patch(
        f"/api/v1/institutions/{mianyang_institution.pk}/", {"introduction": "越权修改"}, format="json"
    )

    assert response.status_code == 403
    mianyang_institution.refresh_from_db()
    assert mianyang_institution.introduction == ""


def test_a_revoked_key_is_refused(partner_key, chengdu_institution):
    api_key, key = partner_key
    services.partner_key_revoke(api_key=api_key)
    client = key_client(key)

    me = client.get(ME_URL)
    write = client.patch(
        f"/api/v1/institutions/{chengdu_institution.pk}/", {"introduction": "改"}, format="json"
    )

    assert me.status_code == 401
    assert me["WWW-Authenticate"] == "Api-Key"
    assert me.json() == INVALID_KEY
    assert write.status_code == 401
    assert write.json() == INVALID_KEY
    chengdu_institution.refresh_from_db()
    assert chengdu_institution.introduction == ""


def test_an_expired_key_is_refused(partner_key):
    api_key, key = partner_key
    api_key.expiry_date = timezone.now() - timedelta(days=1)
    api_key.save(update_fields=["expiry_date"])

    response = key_client(key).get(ME_URL)

    assert response.status_code == 401
    assert response.json() == INVALID_KEY


@pytest.mark.parametrize("key", ["garbage", "AbCdEf12.not-the-secret", "x" * 200])
def test_a_garbage_key_is_refused(db, key):
    response = key_client(key).get(ME_URL)

    assert response.status_code == 401
    assert response.json() == INVALID_KEY


def test_a_key_for_a_disabled_account_is_refused(partner_key, partner_account):
    _api_key, key = partner_key
    partner_account.is_active = False
    partner_account.save(update_fields=["is_active"])

    response = key_client(key).get(ME_URL)

    assert response.status_code == 401
    assert response.json() == {
        "code": "authentication_failed",
        "detail": "The partner's account is disabled.",
        "fields": {},
    }


def test_a_public_read_with_a_bad_key_is_still_refused(db):
    response = key_client("garbage").get("/api/v1/regions/")

    assert response.status_code == 401
    assert response.json() == INVALID_KEY


# --- wrong keys from one address ---------------------------------------------------------------

GUESSER = "198.51.100.30"


@pytest.fixture
def guesses_allowed(settings):
    """Three wrong keys per address and window; the test's addresses start with a clean count."""
    settings.API_KEY_FAILURE_LIMIT = 3
    for address in (GUESSER, "203.0.113.40"):
        authentication.key_failures_forget(address)
    yield
    for address in (GUESSER, "203.0.113.40"):
        authentication.key_failures_forget(address)


def key_client_from(address: str, key: str) -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Api-Key {key}", REMOTE_ADDR=address)


def test_an_address_sending_too_many_wrong_keys_is_refused_before_any_key_is_checked(
    guesses_allowed, partner_key, django_assert_num_queries
):
    _api_key, key = partner_key
    with time_machine.travel(timezone.now(), tick=False):
        guesses = [key_client_from(GUESSER, f"guess-{number}").get(ME_URL).status_code for number in range(3)]
        with django_assert_num_queries(0):
            refused = key_client_from(GUESSER, key).get(ME_URL)
        elsewhere = key_client_from("203.0.113.40", key).get(ME_URL)

    assert guesses == [401, 401, 401]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 15 * 60
    assert refused.json()["code"] == "throttled"
    assert refused.json()["detail"].startswith("Too many wrong partner keys were sent from this address.")
    assert refused.json()["fields"] == {}
    assert elsewhere.status_code == 200


def test_the_refusal_ends_with_its_window(guesses_allowed, partner_key):
    _api_key, key = partner_key
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for number in range(3):
            key_client_from(GUESSER, f"guess-{number}").get(ME_URL)
        refused = key_client_from(GUESSER, key).get(ME_URL)
        clock.shift(timedelta(seconds=int(refused["Retry-After"]) + 1))

        allowed = key_client_from(GUESSER, key).get(ME_URL)

    assert refused.status_code == 429
    assert allowed.status_code == 200


def test_the_right_key_does_not_count_against_the_address(guesses_allowed, partner_key):
    _api_key, key = partner_key

    statuses = [key_client_from(GUESSER, key).get(ME_URL).status_code for _number in range(5)]

    assert statuses == [200] * 5
