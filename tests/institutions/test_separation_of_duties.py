"""Separation of duties on memberships (issue 12, item 1): nobody grants themselves a role, and the
members of a government S&T department or a registration body are appointed by the department above
it (or a platform admin). Every refusal is a ``SeparationOfDuties`` with a code, in the API's body."""

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from institutions import policies, services
from institutions.choices import MembershipRole, OrganisationKind
from institutions.models import AuditEvent, Membership
from institutions.rules import SeparationOfDuties
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def api_client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def registration_body(region_code: str):
    return factories.OrganisationFactory(
        kind=OrganisationKind.REGISTRATION_BODY,
        region=factories.region(region_code),
        credit_code=factories.credit_code_for(region_code, next(factories._serial), prefix="12"),
    )


# --- the pure rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preparers", "parties", "expected"),
    [
        ([1, None], [10], policies.OWN_SUBMISSION),
        ([2, 1], [10], policies.OWN_SUBMISSION),
        ([2, 3], [20], policies.OWN_ORGANISATION),
        ([2, None], [None, 20], policies.OWN_ORGANISATION),
        ([2, 3], [30], None),
        ([None], [None], None),
    ],
)
def test_review_conflict(preparers, parties, expected):
    conflict = policies.review_conflict(
        actor_id=1, actor_organisation_ids={20, 21}, party_ids=parties, preparer_ids=preparers
    )

    assert conflict == expected


@pytest.mark.parametrize(
    ("post_prefix", "body_prefix", "expected"),
    [
        ("51", "5101", True),  # the province above a city
        ("51", "510104", True),  # the province above a county
        ("5101", "510104", True),  # a city above its county
        ("5101", "5101", False),  # not above itself
        ("5107", "510104", False),  # not above another city's county
        ("510104", "5101", False),  # a county is below its city
        ("51", "51", False),  # nobody is above the province but a platform admin
    ],
)
def test_is_body_above(post_prefix, body_prefix, expected):
    assert policies.is_body_above(post_prefix=post_prefix, body_prefix=body_prefix) is expected


@pytest.mark.parametrize(
    ("actor_id", "current_role", "new_role", "governing", "admin", "posts", "expected"),
    [
        (1, None, "staff", False, False, ["5101"], policies.SELF_GRANT),
        (1, None, "staff", False, True, [], policies.SELF_GRANT),  # platform admins too
        (1, "staff", "admin", False, False, [], policies.SELF_GRANT),
        (1, "admin", "staff", False, False, [], None),  # stepping down grants nothing
        (1, "admin", None, False, False, [], None),
        (2, None, "staff", False, False, [], None),
        (2, None, "official", True, False, ["5101"], policies.BODY_ABOVE_ONLY),
        (2, None, "official", True, False, ["51"], None),
        (2, None, "official", True, True, [], None),
        (1, None, "official", True, False, ["51"], policies.SELF_GRANT),
    ],
)
def test_membership_grant_conflict(actor_id, current_role, new_role, governing, admin, posts, expected):
    conflict = policies.membership_grant_conflict(
        actor_id=actor_id,
        member_id=1,
        current_role=current_role,
        new_role=new_role,
        is_platform_admin=admin,
        is_governing_body=governing,
        body_prefix="5101",
        actor_post_prefixes=posts,
    )

    assert conflict == expected


# --- self-grants --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["chengdu_official", "platform_admin"])
def test_nobody_adds_themselves(request, name, chengdu_institution):
    actor = request.getfixturevalue(name)

    with pytest.raises(SeparationOfDuties) as refusal:
        services.membership_add(
            actor=actor, organisation=chengdu_institution, user=actor, role=MembershipRole.STAFF
        )

    assert refusal.value.code == "self_grant"
    assert not Membership.objects.filter(user=actor, organisation=chengdu_institution).exists()


def test_an_admin_cannot_give_themselves_another_role(chengdu_institution, chengdu_admin, chengdu_staff):
    membership = Membership.objects.get(user=chengdu_admin)

    with pytest.raises(SeparationOfDuties) as refusal:
        services.membership_change_role(
            actor=chengdu_admin, membership=membership, role=MembershipRole.BROKER
        )

    assert refusal.value.code == "self_grant"
    assert Membership.objects.get(user=chengdu_admin).role == MembershipRole.ADMIN


def test_an_admin_may_step_down_while_another_remains(chengdu_institution, chengdu_admin):
    other_admin = factories.admin_of(chengdu_institution, username="other-admin")
    membership = Membership.objects.get(user=chengdu_admin)

    services.membership_change_role(actor=chengdu_admin, membership=membership, role=MembershipRole.STAFF)

    membership.refresh_from_db()
    assert (membership.role, membership.granted_by) == (MembershipRole.STAFF, chengdu_admin)
    assert Membership.objects.get(user=other_admin).role == MembershipRole.ADMIN


def test_the_grantor_is_recorded_on_add_and_on_role_change(
    chengdu_institution, chengdu_admin, chengdu_official
):
    newcomer = factories.UserFactory(username="newcomer")

    membership = services.membership_add(
        actor=chengdu_admin, organisation=chengdu_institution, user=newcomer, role=MembershipRole.STAFF
    )
    assert membership.granted_by == chengdu_admin

    services.membership_change_role(actor=chengdu_official, membership=membership, role=MembershipRole.ADMIN)
    membership.refresh_from_db()
    assert (membership.role, membership.granted_by) == (MembershipRole.ADMIN, chengdu_official)


# --- governing bodies: appointed from the body above ---------------------------------------------------


def test_a_city_official_cannot_staff_his_own_citys_registration_body(chengdu_official):
    station = registration_body("510100")
    colleague = factories.UserFactory(username="colleague")

    with pytest.raises(SeparationOfDuties) as refusal:
        services.membership_add(
            actor=chengdu_official, organisation=station, user=colleague, role=MembershipRole.OFFICIAL
        )

    assert refusal.value.code == "body_above_only"
    assert not Membership.objects.filter(organisation=station).exists()


def test_a_bodys_own_admin_cannot_appoint_its_members(chengdu_official):
    station = registration_body("510100")
    station_admin = factories.admin_of(station, username="station-admin")

    with pytest.raises(SeparationOfDuties) as refusal:
        services.membership_add(
            actor=station_admin,
            organisation=station,
            user=factories.UserFactory(username="recruit"),
            role=MembershipRole.OFFICIAL,
        )

    assert refusal.value.code == "body_above_only"
    assert list(Membership.objects.filter(organisation=station).values_list("user", flat=True)) == [
        station_admin.pk
    ]


def test_the_province_appoints_the_city_bodys_officials(province_official):
    station = registration_body("510100")
    registrar = factories.UserFactory(username="registrar")

    membership = services.membership_add(
        actor=province_official, organisation=station, user=registrar, role=MembershipRole.OFFICIAL
    )

    assert (membership.role, membership.granted_by) == (MembershipRole.OFFICIAL, province_official)


def test_a_city_appoints_its_countys_department(chengdu_official):
    county = factories.DepartmentFactory(region=factories.region("510104"))
    newcomer = factories.UserFactory(username="county-newcomer")

    membership = services.membership_add(
        actor=chengdu_official, organisation=county, user=newcomer, role=MembershipRole.OFFICIAL
    )

    assert membership.granted_by == chengdu_official


def test_the_provincial_department_is_staffed_by_a_platform_admin_only(province_official, platform_admin):
    department = Membership.objects.get(user=province_official).organisation
    newcomer = factories.UserFactory(username="province-newcomer")

    with pytest.raises(SeparationOfDuties) as refusal:
        services.membership_add(
            actor=province_official, organisation=department, user=newcomer, role=MembershipRole.OFFICIAL
        )
    assert refusal.value.code == "body_above_only"
    assert not Membership.objects.filter(user=newcomer).exists()

    membership = services.membership_add(
        actor=platform_admin, organisation=department, user=newcomer, role=MembershipRole.OFFICIAL
    )
    assert membership.granted_by == platform_admin


def test_a_city_official_cannot_remove_a_colleague_of_his_own_department(chengdu_official):
    department = Membership.objects.get(user=chengdu_official).organisation
    colleague = factories.UserFactory(username="colleague")
    colleague_membership = factories.MembershipFactory(
        user=colleague, organisation=department, role=MembershipRole.OFFICIAL
    )

    with pytest.raises(SeparationOfDuties) as refusal:
        services.membership_remove(actor=chengdu_official, membership=colleague_membership)

    assert refusal.value.code == "body_above_only"
    assert Membership.objects.filter(pk=colleague_membership.pk).exists()


# --- the API: coded refusals, the grantor shown -------------------------------------------------------


def test_the_api_refuses_a_self_grant_with_its_code(chengdu_official, chengdu_institution):
    response = api_client_for(chengdu_official).post(
        f"/api/v1/institutions/{chengdu_institution.pk}/members/",
        {"username": chengdu_official.username, "role": "staff"},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {
        "code": "self_grant",
        "detail": "You cannot grant yourself a membership or change your own role; another administrator "
        "or official must do it.",
        "fields": {},
    }
    assert not Membership.objects.filter(user=chengdu_official, organisation=chengdu_institution).exists()


def test_the_api_refuses_a_city_official_the_members_of_his_citys_body(chengdu_official):
    station = registration_body("510100")
    url = f"/api/v1/institutions/{station.pk}/members/"

    listed = api_client_for(chengdu_official).get(url)
    added = api_client_for(chengdu_official).post(url, {"username": "chengdu-official", "role": "official"})

    assert (listed.status_code, listed.json()["code"]) == (403, "body_above_only")
    assert (added.status_code, added.json()["code"]) == (403, "body_above_only")
    assert not Membership.objects.filter(organisation=station).exists()


def test_the_members_list_shows_who_granted_each_membership(chengdu_institution, chengdu_admin):
    newcomer = factories.UserFactory(username="newcomer", full_name="新同事")
    services.membership_add(
        actor=chengdu_admin, organisation=chengdu_institution, user=newcomer, role=MembershipRole.STAFF
    )

    rows = api_client_for(chengdu_admin).get(f"/api/v1/institutions/{chengdu_institution.pk}/members/").json()

    assert {row["user"]["username"]: row["granted_by"] for row in rows["results"]} == {
        "chengdu-admin": None,  # made by the factory, before anyone granted it
        "newcomer": {
            "id": chengdu_admin.pk,
            "username": "chengdu-admin",
            "full_name": chengdu_admin.full_name,
        },
    }


def test_nobody_is_offered_to_raise_their_own_role(chengdu_institution, chengdu_admin, chengdu_official):
    # given the 成都 official made staff of the institution by its admin
    services.membership_add(
        actor=chengdu_admin,
        organisation=chengdu_institution,
        user=chengdu_official,
        role=MembershipRole.STAFF,
    )

    rows = api_client_for(chengdu_official).get(f"/api/v1/institutions/{chengdu_institution.pk}/members/")

    # he may change the admin's role (an official over the region) but not his own; he may leave
    assert {row["user"]["username"]: row["actions"] for row in rows.json()["results"]} == {
        "chengdu-admin": ["change_role", "remove"],
        "chengdu-official": ["remove"],
    }


def test_the_audit_log_shows_who_granted_the_membership(province_official, platform_admin):
    station = registration_body("510100")
    registrar = factories.UserFactory(username="registrar", full_name="登记员")

    response = api_client_for(province_official).post(
        f"/api/v1/institutions/{station.pk}/members/", {"username": "registrar", "role": "official"}
    )
    assert response.status_code == 201

    membership = Membership.objects.get(user=registrar)
    event = AuditEvent.objects.filter(pgh_obj_model="institutions.Membership", pgh_obj_id=membership.pk).get()
    assert (event.pgh_label, event.user, event.pgh_data["granted_by_id"]) == (
        "insert",
        province_official,
        province_official.pk,
    )
    history = api_client_for(platform_admin).get(f"/api/v1/institutions/{station.pk}/history/").json()
    inserted = [row for row in history["results"] if row["model"] == "institutions.Membership"]
    assert [(row["user"], row["data"]["granted_by_id"]) for row in inserted] == [
        ("province-official", province_official.pk)
    ]


# --- the page -------------------------------------------------------------------------------------------


def test_the_members_page_shows_the_refusal_next_to_the_form(client, chengdu_official, chengdu_institution):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(chengdu_official)

    response = client.post(
        f"/institutions/{chengdu_institution.pk}/members/", {"username": "chengdu-official", "role": "staff"}
    )

    assert response.status_code == 200
    assert response.context["add_form"].non_field_errors() == [
        "You cannot grant yourself a membership or change your own role; another administrator or official "
        "must do it."
    ]
    assert not Membership.objects.filter(user=chengdu_official, organisation=chengdu_institution).exists()
