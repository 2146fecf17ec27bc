"""What an actor may do now with an organisation, a membership or a designation
(``institutions.actions``): the matrix of each ActionSet, the ``actions`` the API shows on every
object, and the institution page and the API giving the same answer."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from rest_framework.test import APIClient

from institutions import services
from institutions.actions import DESIGNATION_ACTIONS, MEMBERSHIP_ACTIONS, ORGANISATION_ACTIONS
from institutions.choices import DesignationLevel, DesignationStatus, MembershipRole
from institutions.models import Designation, Membership
from institutions.roles import actor_roles
from tests import factories

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "chengdu_staff",
    "chengdu_admin",
    "outsider",
    "chengdu_official",
    "mianyang_official",
    "province_official",
    "platform_admin",
]


@pytest.fixture
def outsider(mianyang_institution):
    """Staff of another institution: signed in, with no say over 成都's institutions."""
    return factories.staff_of(mianyang_institution, username="mianyang-staff")


@pytest.fixture
def actor(request):
    """The named user fixture, or an anonymous visitor; roles loaded, as a request would have them."""

    def make(name: str):
        user = AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)
        actor_roles(user)
        return user

    return make


def api_client_for(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def client_for(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


# --- the matrices ----------------------------------------------------------------------------------

EVERY_ORGANISATION_ACTION = ["edit", "members", "designations", "history"]
ORGANISATION_MATRIX = {
    "anonymous": [],
    "chengdu_staff": [],
    "chengdu_admin": ["edit", "members"],
    "outsider": [],
    "chengdu_official": EVERY_ORGANISATION_ACTION,
    "mianyang_official": [],
    "province_official": EVERY_ORGANISATION_ACTION,
    "platform_admin": EVERY_ORGANISATION_ACTION,
}


@pytest.mark.parametrize("name", ACTORS)
def test_the_organisation_matrix(actor, name, chengdu_institution, django_assert_num_queries):
    user = actor(name)

    with django_assert_num_queries(0):  # the checks read the cached roles and the loaded row only
        allowed = ORGANISATION_ACTIONS.allowed(user, chengdu_institution)

    assert allowed == ORGANISATION_MATRIX[name]


# An official's post widens a jurisdiction: only officials over the region (and platform admins) touch it.
MEMBERSHIP_MANAGERS = {
    MembershipRole.STAFF: {"chengdu_admin", "chengdu_official", "province_official", "platform_admin"},
    MembershipRole.ADMIN: {"chengdu_admin", "chengdu_official", "province_official", "platform_admin"},
    MembershipRole.OFFICIAL: {"chengdu_official", "province_official", "platform_admin"},
}


@pytest.mark.parametrize("role", sorted(MEMBERSHIP_MANAGERS))
@pytest.mark.parametrize("name", ACTORS)
def test_the_membership_matrix(actor, name, role, chengdu_institution, django_assert_num_queries):
    user = actor(name)
    membership = Membership(organisation=chengdu_institution, role=role)

    with django_assert_num_queries(0):
        allowed = MEMBERSHIP_ACTIONS.allowed(user, membership)

    assert allowed == (["change_role", "remove"] if name in MEMBERSHIP_MANAGERS[role] else [])


# The title levels each actor decides for 成都锦江技术转移中心 (DESIGN.md: designations by level).
LEVELS_DECIDED = {
    "chengdu_official": {DesignationLevel.CITY},
    "province_official": {DesignationLevel.PROVINCIAL, DesignationLevel.NATIONAL},
    "platform_admin": set(DesignationLevel.values),
}
BY_STATUS = {
    DesignationStatus.APPLIED: ["approve", "revoke"],
    DesignationStatus.APPROVED: ["activate", "revoke"],
    DesignationStatus.ACTIVE: ["warn", "revoke"],
    DesignationStatus.WARNED: ["reinstate", "revoke"],
    DesignationStatus.REVOKED: [],
}


@pytest.mark.parametrize("status", DesignationStatus.values)
@pytest.mark.parametrize("level", DesignationLevel.values)
@pytest.mark.parametrize("name", ACTORS)
def test_the_designation_matrix(actor, name, level, status, chengdu_institution, django_assert_num_queries):
    user = actor(name)
    designation = Designation(organisation=chengdu_institution, level=level, status=status)

    with django_assert_num_queries(0):
        allowed = DESIGNATION_ACTIONS.allowed(user, designation)

    assert allowed == (BY_STATUS[status] if level in LEVELS_DECIDED.get(name, set()) else [])


# --- the API shows them on every object ------------------------------------------------------------


def _institution_actions(user, organisation) -> list[str]:
    response = api_client_for(user).get(f"/api/v1/institutions/{organisation.pk}/")
    assert response.status_code == 200
    return response.json()["actions"]


def test_an_institution_shows_each_caller_what_they_may_do(
    chengdu_institution, chengdu_admin, chengdu_official, outsider
):
    assert _institution_actions(chengdu_admin, chengdu_institution) == ["edit", "members"]
    assert _institution_actions(chengdu_official, chengdu_institution) == EVERY_ORGANISATION_ACTION
    assert _institution_actions(outsider, chengdu_institution) == []
    assert _institution_actions(None, chengdu_institution) == []


def test_every_row_of_the_directory_carries_its_actions(
    chengdu_institution, mianyang_institution, chengdu_admin
):
    response = api_client_for(chengdu_admin).get("/api/v1/institutions/")

    actions = {row["id"]: row["actions"] for row in response.json()["results"]}
    assert actions[chengdu_institution.pk] == ["edit", "members"]
    assert actions[mianyang_institution.pk] == []


def test_members_carry_their_actions(chengdu_institution, chengdu_admin, chengdu_staff):
    url = f"/api/v1/institutions/{chengdu_institution.pk}/members/"

    listed = api_client_for(chengdu_admin).get(url).json()["results"]

    assert {row["user"]["username"]: row["actions"] for row in listed} == {
        "chengdu-admin": ["change_role", "remove"],
        "chengdu-staff": ["change_role", "remove"],
    }


def test_an_officials_post_is_for_officials_over_the_region_to_change(chengdu_official):
    # given a county S&T department with its own admin and an official appointed from above
    department = factories.DepartmentFactory(region=factories.region("510104"))
    department_admin = factories.admin_of(department, username="department-admin")
    url = f"/api/v1/institutions/{department.pk}/members/"
    appointed = api_client_for(chengdu_official).post(
        url, {"username": factories.UserFactory(username="new-official").username, "role": "official"}
    )

    by_admin = api_client_for(department_admin).get(url)
    by_official = api_client_for(chengdu_official).get(url).json()["results"]

    assert appointed.status_code == 201
    assert appointed.json()["actions"] == ["change_role", "remove"]
    # a department's members are appointed from the department above it, not by its own admin
    assert (by_admin.status_code, by_admin.json()["code"]) == (403, "body_above_only")
    assert {row["user"]["username"]: row["actions"] for row in by_official} == {
        "department-admin": ["change_role", "remove"],
        "new-official": ["change_role", "remove"],
    }


def test_a_designation_shows_its_authority_what_it_may_do(
    chengdu_institution, province_official, chengdu_official
):
    designation = services.designation_grant(
        actor=province_official,
        organisation=chengdu_institution,
        level=DesignationLevel.PROVINCIAL,
        year_granted=2022,
    )
    listed_url = f"/api/v1/institutions/{chengdu_institution.pk}/designations/"

    by_province = api_client_for(province_official).get(listed_url).json()["results"]
    by_city = api_client_for(chengdu_official).get(listed_url).json()["results"]
    by_visitor = api_client_for().get("/api/v1/designations/").json()["results"]
    warned = api_client_for(province_official).post(
        f"/api/v1/designations/{designation.pk}/warn/", {"reason": "年度考核不合格"}
    )

    assert [row["actions"] for row in by_province] == [["warn", "revoke"]]
    assert [row["actions"] for row in by_city] == [[]]  # a provincial title is the province's to change
    assert [row["actions"] for row in by_visitor] == [[]]
    assert warned.status_code == 200
    assert warned.json()["actions"] == ["reinstate", "revoke"]


# --- the page and the API agree ---------------------------------------------------------------------


@pytest.mark.parametrize("name", [name for name in ACTORS if name != "anonymous"])
def test_the_institution_page_offers_what_the_api_lists(request, name, chengdu_institution):
    user = request.getfixturevalue(name)

    page = client_for(user).get(f"/institutions/{chengdu_institution.pk}/").context["can"]
    listed = _institution_actions(user, chengdu_institution)

    assert [key for key, allowed in page.items() if allowed] == listed


# A page of members: the organisation, the count, the memberships with their users and organisation.
@pytest.mark.parametrize("count", [1, 6])
def test_the_members_list_with_actions_costs_the_same_queries_for_1_and_6_members(
    count, chengdu_institution, chengdu_admin, django_assert_num_queries
):
    for index in range(count):
        factories.staff_of(chengdu_institution, username=f"staff-{index}")
    client = api_client_for(chengdu_admin)
    actor_roles(chengdu_admin)  # loaded once per user object; the request reuses it

    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/institutions/{chengdu_institution.pk}/members/")

    assert [row["actions"] for row in response.json()["results"]] == [["change_role", "remove"]] * (count + 1)
