"""Institution pages: every page for every role, the permission matrix of every write page, the
directory's filters, the network tree, and query counts that do not grow with the rows."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from institutions import services
from institutions.choices import (
    ClassificationScheme,
    DesignationLevel,
    DesignationStatus,
    MembershipRole,
    OrganisationKind,
    TransferKind,
    TransferLevel,
)
from institutions.models import Classification, Designation, Membership, Organisation
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
ROLES = [
    "platform_admin",
    "province_official",
    "chengdu_official",
    "mianyang_official",
    "chengdu_admin",
    "chengdu_staff",
]


def client_for(user=None) -> Client:
    """A browser that chose English (so messages can be compared), signed in as ``user``."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


def listed_names(response) -> list[str]:
    return [organisation.name for organisation in response.context["page_obj"].object_list]


def redirects_to_login(response, url: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(f"{LOGIN_URL}?next=")


@pytest.fixture
def designation(chengdu_institution, platform_admin) -> Designation:
    """A city title: 成都's officials act on it (every level × actor cell is in test_designation_levels.py)."""
    return services.designation_grant(
        actor=platform_admin,
        organisation=chengdu_institution,
        level=DesignationLevel.CITY,
        year_granted=2021,
        document_number="成科成〔2021〕7号",
    )


@pytest.fixture
def field_electronics() -> Classification:
    return Classification.objects.get(scheme=ClassificationScheme.TECHNOLOGY_FIELD, code="01")


def organisation_form_data(organisation: Organisation, **overrides) -> dict:
    """What the edit form posts back when nothing is changed, with ``overrides`` applied."""
    data = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "name_en": organisation.name_en,
        "credit_code": organisation.credit_code,
        "kind": organisation.kind,
        "entity_type": organisation.entity_type_id or "",
        "region": organisation.region_id,
        "address": organisation.address,
        "website": organisation.website,
        "contact_phone": organisation.contact_phone,
        "introduction": organisation.introduction,
        "transfer_level": organisation.transfer_level,
        "transfer_kind": organisation.transfer_kind,
        "parent": organisation.parent_id or "",
        "services": list(organisation.services),
        "service_fields": [field.pk for field in organisation.service_fields.all()],
    }
    if organisation.is_transfer_institution:
        data["is_transfer_institution"] = "on"
    if organisation.is_active:
        data["is_active"] = "on"
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def new_institution_data(region_code: str = "510107", **overrides) -> dict:
    data = {
        "name": "武侯科技成果转化服务站",
        "credit_code": factories.credit_code_for(region_code, 880001, prefix="52"),
        "kind": OrganisationKind.TRANSFER_AGENCY,
        "region": region_code,
        "is_transfer_institution": "on",
        "transfer_level": TransferLevel.COUNTY,
        "transfer_kind": TransferKind.MARKET_BASED,
        "services": ["transfer", "evaluation"],
        "is_active": "on",
    }
    data.update(overrides)
    return data


# --- every page renders ------------------------------------------------------------------------

PUBLIC_PAGES = [
    "/",
    "/institutions/",
    "/institutions/?city=510100&county=510104&kind=transfer_agency&sort=-name",
    "/institutions/network/",
    "/institutions/network/510100/",
    "/institutions/counties/?city=510100",
    LOGIN_URL,
    "/accounts/password/reset/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_render_for_a_visitor(url, chengdu_institution, mianyang_institution):
    assert client_for().get(url).status_code == 200


def test_the_institution_page_renders_for_a_visitor(chengdu_institution, designation):
    response = client_for().get(f"/institutions/{chengdu_institution.pk}/")

    assert response.status_code == 200
    assert "institutions/detail.html" in template_names(response)
    assert chengdu_institution.name in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url", ["/", "/institutions/", "/institutions/?scope=jurisdiction", "/institutions/network/510700/"]
)
def test_pages_render_for_every_role(request, role, url, chengdu_institution, mianyang_institution):
    user = request.getfixturevalue(role)

    assert client_for(user).get(url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_the_institution_page_renders_for_every_role(request, role, chengdu_institution, designation):
    user = request.getfixturevalue(role)

    assert client_for(user).get(f"/institutions/{chengdu_institution.pk}/").status_code == 200


# Which roles may open which management page of 成都锦江技术转移中心, and which are refused (403).
MANAGEMENT_PAGES = {
    "edit": {"platform_admin", "province_official", "chengdu_official", "chengdu_admin"},
    "members": {"platform_admin", "province_official", "chengdu_official", "chengdu_admin"},
    "designations": {"platform_admin", "province_official", "chengdu_official"},
    "history": {"platform_admin", "province_official", "chengdu_official"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(MANAGEMENT_PAGES))
def test_management_pages_open_exactly_for_the_permitted_roles(
    request, role, page, chengdu_institution, designation
):
    user = request.getfixturevalue(role)

    response = client_for(user).get(f"/institutions/{chengdu_institution.pk}/{page}/")

    expected = 200 if role in MANAGEMENT_PAGES[page] else 403
    assert response.status_code == expected
    if expected == 403:
        assert "403.html" in template_names(response)


@pytest.mark.parametrize("page", [*sorted(MANAGEMENT_PAGES), "new"])
def test_management_pages_send_a_visitor_to_sign_in(page, chengdu_institution):
    url = "/institutions/new/" if page == "new" else f"/institutions/{chengdu_institution.pk}/{page}/"

    response = client_for().get(url)

    assert redirects_to_login(response, url)


@pytest.mark.parametrize("role", ROLES)
def test_the_registration_page_opens_for_officials_and_platform_admins_only(request, role):
    user = request.getfixturevalue(role)

    response = client_for(user).get("/institutions/new/")

    permitted = {"platform_admin", "province_official", "chengdu_official", "mianyang_official"}
    assert response.status_code == (200 if role in permitted else 403)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("platform_admin", 200),
        ("province_official", 200),
        ("chengdu_official", 200),
        ("mianyang_official", 200),
        ("chengdu_admin", 403),
        ("chengdu_staff", 403),
    ],
)
def test_the_audit_log_opens_for_platform_admins_and_officials(request, role, status, chengdu_institution):
    user = request.getfixturevalue(role)

    assert client_for(user).get("/audit/").status_code == status


def test_the_audit_log_sends_a_visitor_to_sign_in():
    assert redirects_to_login(client_for().get("/audit/"), "/audit/")


def test_an_unknown_institution_is_a_friendly_404():
    response = client_for().get("/institutions/999999/")

    assert response.status_code == 404
    assert "404.html" in template_names(response)


# --- the institution page shows only the permitted buttons ------------------------------------


@pytest.mark.parametrize(
    ("role", "buttons"),
    [
        (None, set()),
        ("chengdu_staff", set()),
        ("mianyang_official", set()),
        ("chengdu_admin", {"edit", "members"}),
        ("chengdu_official", {"edit", "members", "designations", "history"}),
        ("platform_admin", {"edit", "members", "designations", "history"}),
    ],
)
def test_the_institution_page_offers_only_the_permitted_actions(request, role, buttons, chengdu_institution):
    user = request.getfixturevalue(role) if role else None

    response = client_for(user).get(f"/institutions/{chengdu_institution.pk}/")

    content = response.content.decode()
    shown = {
        page for page in MANAGEMENT_PAGES if f'/institutions/{chengdu_institution.pk}/{page}/"' in content
    }
    assert shown == buttons
    assert response.context["can"] == {page: page in buttons for page in MANAGEMENT_PAGES}


def test_the_institution_page_shows_the_network_links_and_designation_history(
    chengdu_institution, platform_admin, designation
):
    parent = factories.TransferInstitutionFactory(
        name="四川省技术转移中心", region=factories.region("510000")
    )
    child = factories.TransferInstitutionFactory(
        name="锦江区技术转移工作站", region=factories.region("510104")
    )
    services.organisation_update(
        actor=platform_admin, organisation=chengdu_institution, data={"parent": parent}
    )
    services.organisation_update(
        actor=platform_admin, organisation=child, data={"parent": chengdu_institution}
    )
    services.designation_warn(actor=platform_admin, designation=designation, reason="年度评价不合格")

    response = client_for().get(f"/institutions/{chengdu_institution.pk}/")

    content = response.content.decode()
    assert f'href="/institutions/{parent.pk}/"' in content
    assert f'href="/institutions/{child.pk}/"' in content
    [item] = response.context["designations"]
    assert [step["status"] for step in item["timeline"]] == [
        DesignationStatus.ACTIVE,
        DesignationStatus.WARNED,
    ]
    assert item["timeline"][1]["reason"] == "年度评价不合格"
    assert "年度评价不合格" in content


def test_an_inactive_institution_is_visible_only_to_admins_and_officials_over_it(
    chengdu_institution, platform_admin, chengdu_official, mianyang_official
):
    services.organisation_update(
        actor=platform_admin, organisation=chengdu_institution, data={"is_active": False}
    )
    url = f"/institutions/{chengdu_institution.pk}/"

    assert client_for().get(url).status_code == 404
    assert client_for(mianyang_official).get(url).status_code == 404
    assert client_for(chengdu_official).get(url).status_code == 200
    assert client_for(platform_admin).get(url).status_code == 200


# --- registering an organisation ---------------------------------------------------------------


def test_a_city_official_registers_an_institution_in_their_city(chengdu_official, field_electronics):
    data = new_institution_data(service_fields=[field_electronics.pk])

    response = client_for(chengdu_official).post("/institutions/new/", data)

    organisation = Organisation.objects.get(name="武侯科技成果转化服务站")
    assert response.status_code == 302
    assert response["Location"] == f"/institutions/{organisation.pk}/"
    assert organisation.region_id == "510107"
    assert organisation.services == ["transfer", "evaluation"]
    assert list(organisation.service_fields.all()) == [field_electronics]


def test_the_registration_form_offers_only_regions_in_the_officials_jurisdiction(chengdu_official):
    response = client_for(chengdu_official).get("/institutions/new/")

    codes = {region.code for region in response.context["form"].fields["region"].queryset}
    assert "510100" in codes
    assert "510104" in codes
    assert {code[:4] for code in codes} == {"5101"}


def test_a_wrong_jurisdiction_official_cannot_register_in_chengdu(mianyang_official):
    before = Organisation.objects.count()

    response = client_for(mianyang_official).post("/institutions/new/", new_institution_data())

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["region"]
    assert Organisation.objects.count() == before


@pytest.mark.parametrize("role", ["chengdu_admin", "chengdu_staff"])
def test_institution_members_cannot_register_organisations(request, role):
    client = client_for(request.getfixturevalue(role))
    before = Organisation.objects.count()

    response = client.post("/institutions/new/", new_institution_data())

    assert response.status_code == 403
    assert Organisation.objects.count() == before


def test_a_visitor_posting_a_registration_is_sent_to_sign_in():
    before = Organisation.objects.count()

    response = client_for().post("/institutions/new/", new_institution_data())

    assert redirects_to_login(response, "/institutions/new/")
    assert Organisation.objects.count() == before


def test_registration_errors_are_shown_next_to_their_fields(chengdu_official):
    data = new_institution_data(credit_code="91510100123456780W", transfer_level="")

    response = client_for(chengdu_official).post("/institutions/new/", data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"credit_code", "transfer_level"}
    content = response.content.decode()
    assert 'id="id_credit_code_errors"' in content
    assert 'id="id_transfer_level_errors"' in content
    assert not Organisation.objects.filter(name=data["name"]).exists()


# --- editing an organisation -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["platform_admin", "province_official", "chengdu_official"])
def test_officials_edit_every_field_of_an_institution_in_their_jurisdiction(
    request, role, chengdu_institution
):
    data = organisation_form_data(chengdu_institution, name="成都锦江科技成果转化中心", region="510105")

    response = client_for(request.getfixturevalue(role)).post(
        f"/institutions/{chengdu_institution.pk}/edit/", data
    )

    assert response.status_code == 302
    assert response["Location"] == f"/institutions/{chengdu_institution.pk}/"
    chengdu_institution.refresh_from_db()
    assert (chengdu_institution.name, chengdu_institution.region_id) == ("成都锦江科技成果转化中心", "510105")


def test_an_institution_admin_edits_the_profile_but_not_identity_or_place(chengdu_admin, chengdu_institution):
    data = organisation_form_data(
        chengdu_institution, introduction="面向锦江区企业的技术转移服务。", name="改名机构", region="510703"
    )

    client = client_for(chengdu_admin)
    page = client.get(f"/institutions/{chengdu_institution.pk}/edit/")
    response = client.post(f"/institutions/{chengdu_institution.pk}/edit/", data)

    form = page.context["form"]
    assert {name for name, field in form.fields.items() if field.disabled} == services.OFFICIAL_ONLY_FIELDS
    assert response.status_code == 302
    chengdu_institution.refresh_from_db()
    assert chengdu_institution.introduction == "面向锦江区企业的技术转移服务。"
    assert (chengdu_institution.name, chengdu_institution.region_id) == ("成都锦江技术转移中心", "510104")


@pytest.mark.parametrize(("role", "status"), [("mianyang_official", 403), ("chengdu_staff", 403)])
def test_others_cannot_edit_and_nothing_changes(request, role, status, chengdu_institution):
    data = organisation_form_data(chengdu_institution, introduction="不应保存")

    response = client_for(request.getfixturevalue(role)).post(
        f"/institutions/{chengdu_institution.pk}/edit/", data
    )

    assert response.status_code == status
    chengdu_institution.refresh_from_db()
    assert chengdu_institution.introduction == ""


def test_a_visitor_posting_an_edit_is_sent_to_sign_in(chengdu_institution):
    url = f"/institutions/{chengdu_institution.pk}/edit/"

    response = client_for().post(url, organisation_form_data(chengdu_institution, introduction="不应保存"))

    assert redirects_to_login(response, url)
    chengdu_institution.refresh_from_db()
    assert chengdu_institution.introduction == ""


def test_a_city_official_cannot_move_an_institution_out_of_their_city(chengdu_official, chengdu_institution):
    data = organisation_form_data(chengdu_institution, region="510703")

    response = client_for(chengdu_official).post(f"/institutions/{chengdu_institution.pk}/edit/", data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["region"]
    chengdu_institution.refresh_from_db()
    assert chengdu_institution.region_id == "510104"


# --- members -----------------------------------------------------------------------------------


@pytest.fixture
def newcomer(db):
    return factories.UserFactory(username="newcomer", full_name="新同事")


@pytest.mark.parametrize("role", ["platform_admin", "chengdu_official", "chengdu_admin"])
def test_permitted_users_add_a_member(request, role, chengdu_institution, newcomer):
    url = f"/institutions/{chengdu_institution.pk}/members/"

    response = client_for(request.getfixturevalue(role)).post(url, {"username": "newcomer", "role": "staff"})

    assert response.status_code == 302
    assert response["Location"] == url
    membership = Membership.objects.get(user=newcomer, organisation=chengdu_institution)
    assert membership.role == MembershipRole.STAFF


@pytest.mark.parametrize("role", ["mianyang_official", "chengdu_staff"])
def test_others_cannot_add_a_member(request, role, chengdu_institution, newcomer):
    response = client_for(request.getfixturevalue(role)).post(
        f"/institutions/{chengdu_institution.pk}/members/", {"username": "newcomer", "role": "staff"}
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()


def test_a_visitor_cannot_add_a_member(chengdu_institution, newcomer):
    url = f"/institutions/{chengdu_institution.pk}/members/"

    response = client_for().post(url, {"username": "newcomer", "role": "staff"})

    assert redirects_to_login(response, url)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_adding_an_unknown_user_shows_the_error_next_to_the_field(chengdu_admin, chengdu_institution):
    before = Membership.objects.count()

    response = client_for(chengdu_admin).post(
        f"/institutions/{chengdu_institution.pk}/members/", {"username": "nobody", "role": "staff"}
    )

    assert response.status_code == 200
    assert list(response.context["add_form"].errors) == ["username"]
    assert Membership.objects.count() == before


def test_adding_an_existing_member_again_shows_the_services_message(
    chengdu_admin, chengdu_staff, chengdu_institution
):
    response = client_for(chengdu_admin).post(
        f"/institutions/{chengdu_institution.pk}/members/", {"username": "chengdu-staff", "role": "broker"}
    )

    assert response.status_code == 200
    assert response.context["add_form"].errors == {
        "username": ["This user is already a member of this organisation."]
    }
    assert Membership.objects.get(user=chengdu_staff).role == MembershipRole.STAFF


def test_an_institution_admin_cannot_appoint_an_official(chengdu_admin, chengdu_institution, newcomer):
    response = client_for(chengdu_admin).post(
        f"/institutions/{chengdu_institution.pk}/members/", {"username": "newcomer", "role": "official"}
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()


def _staff_membership(chengdu_staff) -> Membership:
    return Membership.objects.get(user=chengdu_staff)


@pytest.mark.parametrize("role", ["platform_admin", "chengdu_official", "chengdu_admin"])
def test_permitted_users_change_a_members_role(request, role, chengdu_institution, chengdu_staff):
    membership = _staff_membership(chengdu_staff)
    url = f"/institutions/{chengdu_institution.pk}/members/{membership.pk}/role/"

    response = client_for(request.getfixturevalue(role)).post(url, {"role": "broker"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == MembershipRole.BROKER


@pytest.mark.parametrize("role", [None, "mianyang_official", "chengdu_staff"])
def test_others_cannot_change_a_members_role(request, role, chengdu_institution, chengdu_staff):
    membership = _staff_membership(chengdu_staff)
    url = f"/institutions/{chengdu_institution.pk}/members/{membership.pk}/role/"

    response = client_for(request.getfixturevalue(role) if role else None).post(url, {"role": "admin"})

    if role is None:
        assert redirects_to_login(response, url)
    else:
        assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == MembershipRole.STAFF


def test_the_last_administrator_cannot_step_down(chengdu_admin, chengdu_institution):
    membership = Membership.objects.get(user=chengdu_admin)

    response = client_for(chengdu_admin).post(
        f"/institutions/{chengdu_institution.pk}/members/{membership.pk}/role/",
        {"role": "staff"},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "An organisation needs at least one administrator; appoint another one first."
    ]
    membership.refresh_from_db()
    assert membership.role == MembershipRole.ADMIN


@pytest.mark.parametrize("role", ["platform_admin", "chengdu_official", "chengdu_admin"])
def test_permitted_users_remove_a_member(request, role, chengdu_institution, chengdu_staff):
    membership = _staff_membership(chengdu_staff)

    response = client_for(request.getfixturevalue(role)).post(
        f"/institutions/{chengdu_institution.pk}/members/{membership.pk}/remove/"
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("role", [None, "mianyang_official", "chengdu_staff"])
def test_others_cannot_remove_a_member(request, role, chengdu_institution, chengdu_staff):
    membership = _staff_membership(chengdu_staff)
    url = f"/institutions/{chengdu_institution.pk}/members/{membership.pk}/remove/"

    response = client_for(request.getfixturevalue(role) if role else None).post(url)

    if role is None:
        assert redirects_to_login(response, url)
    else:
        assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_membership_of_another_organisation_is_not_found_here(
    chengdu_admin, chengdu_institution, mianyang_institution
):
    other = factories.staff_of(mianyang_institution, username="mianyang-staff")
    membership = Membership.objects.get(user=other)

    response = client_for(chengdu_admin).post(
        f"/institutions/{chengdu_institution.pk}/members/{membership.pk}/remove/"
    )

    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_member_actions_need_post(chengdu_admin, chengdu_institution, chengdu_staff):
    membership = _staff_membership(chengdu_staff)

    response = client_for(chengdu_admin).get(
        f"/institutions/{chengdu_institution.pk}/members/{membership.pk}/remove/"
    )

    assert response.status_code == 405
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- designations ------------------------------------------------------------------------------

GRANT = {
    "level": DesignationLevel.NATIONAL,
    "year_granted": 2023,
    "document_number": "国科火字〔2023〕1号",
    "decided_by": "科学技术部",
}


@pytest.mark.parametrize(
    ("role", "level"),
    [
        ("platform_admin", DesignationLevel.NATIONAL),
        ("province_official", DesignationLevel.NATIONAL),
        ("chengdu_official", DesignationLevel.CITY),
    ],
)
def test_officials_grant_a_designation(request, role, level, chengdu_institution):
    url = f"/institutions/{chengdu_institution.pk}/designations/"

    response = client_for(request.getfixturevalue(role)).post(url, {**GRANT, "level": level})

    assert response.status_code == 302
    assert response["Location"] == url
    designation = Designation.objects.get(organisation=chengdu_institution)
    assert (designation.level, designation.year_granted, designation.status) == (
        level,
        2023,
        DesignationStatus.ACTIVE,
    )


@pytest.mark.parametrize("role", [None, "mianyang_official", "chengdu_admin", "chengdu_staff"])
def test_others_cannot_grant_a_designation(request, role, chengdu_institution):
    url = f"/institutions/{chengdu_institution.pk}/designations/"

    response = client_for(request.getfixturevalue(role) if role else None).post(url, GRANT)

    if role is None:
        assert redirects_to_login(response, url)
    else:
        assert response.status_code == 403
    assert not Designation.objects.filter(organisation=chengdu_institution).exists()


def test_granting_the_same_title_twice_shows_the_error(chengdu_official, chengdu_institution, designation):
    response = client_for(chengdu_official).post(
        f"/institutions/{chengdu_institution.pk}/designations/",
        {"level": DesignationLevel.CITY, "year_granted": 2024},
    )

    assert response.status_code == 400
    assert response.context["grant_form"].non_field_errors() == [
        "This institution already holds this designation."
    ]
    assert Designation.objects.filter(organisation=chengdu_institution).count() == 1


def _status_url(designation: Designation) -> str:
    return f"/institutions/{designation.organisation_id}/designations/{designation.pk}/status/"


def _status_data(designation: Designation, status: str, reason: str = "") -> dict:
    prefix = f"designation-{designation.pk}"
    return {f"{prefix}-status": status, f"{prefix}-reason": reason}


@pytest.mark.parametrize("role", ["platform_admin", "chengdu_official"])
def test_officials_warn_reinstate_and_revoke_with_a_reason(request, role, designation):
    client = client_for(request.getfixturevalue(role))

    warned = client.post(_status_url(designation), _status_data(designation, "warned", "年报逾期"))
    designation.refresh_from_db()
    assert (warned.status_code, designation.status, designation.status_reason) == (302, "warned", "年报逾期")

    client.post(_status_url(designation), _status_data(designation, "active"))
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.ACTIVE

    client.post(_status_url(designation), _status_data(designation, "revoked", "弄虚作假"))
    designation.refresh_from_db()
    assert (designation.status, designation.status_reason) == (DesignationStatus.REVOKED, "弄虚作假")


def test_warning_without_a_reason_shows_the_error_next_to_the_reason(chengdu_official, designation):
    response = client_for(chengdu_official).post(
        _status_url(designation), _status_data(designation, "warned")
    )

    assert response.status_code == 400
    [row] = response.context["rows"]
    assert row["form"].errors == {"reason": ["Please give the reason for this decision."]}
    assert f'id="id_designation-{designation.pk}-reason_errors"' in response.content.decode()
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.ACTIVE


def test_an_illegal_transition_is_refused(chengdu_official, designation):
    response = client_for(chengdu_official).post(
        _status_url(designation), _status_data(designation, "applied", "回到申请")
    )

    assert response.status_code == 400
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.ACTIVE


@pytest.mark.parametrize("role", [None, "mianyang_official", "chengdu_admin", "chengdu_staff"])
def test_others_cannot_revoke_a_designation(request, role, designation):
    url = _status_url(designation)

    response = client_for(request.getfixturevalue(role) if role else None).post(
        url, _status_data(designation, "revoked", "越权操作")
    )

    if role is None:
        assert redirects_to_login(response, url)
    else:
        assert response.status_code == 403
    designation.refresh_from_db()
    assert (designation.status, designation.status_reason) == (DesignationStatus.ACTIVE, "")


def test_the_designations_page_offers_the_moves_the_status_allows(
    chengdu_official, designation, platform_admin
):
    services.designation_warn(actor=platform_admin, designation=designation, reason="整改")

    response = client_for(chengdu_official).get(f"/institutions/{designation.organisation_id}/designations/")

    [row] = response.context["rows"]
    with translation.override("en"):
        assert [(status, str(label)) for status, label in row["actions"]] == [
            ("active", "Reinstate"),
            ("revoked", "Revoke"),
        ]


# --- history and audit log ---------------------------------------------------------------------


def test_the_history_lists_who_changed_what_from_where(chengdu_official, chengdu_institution):
    client = client_for(chengdu_official)
    client.post(
        f"/institutions/{chengdu_institution.pk}/edit/",
        organisation_form_data(chengdu_institution, address="锦江区东大街1号"),
        REMOTE_ADDR="10.1.2.3",
    )

    response = client.get(f"/institutions/{chengdu_institution.pk}/history/")

    latest = response.context["rows"][0]
    assert latest.user == chengdu_official
    assert latest.ip == "10.1.2.3"
    assert latest.label == "成都锦江技术转移中心"
    assert latest.action == "update"
    with translation.override("en"):
        assert [(str(change.field), change.old, change.new) for change in latest.changes] == [
            ("Address", "—", "锦江区东大街1号")
        ]
    assert "锦江区东大街1号" in response.content.decode()


def test_a_city_officials_audit_log_shows_only_their_jurisdiction(
    chengdu_official, platform_admin, chengdu_institution, mianyang_institution
):
    services.organisation_update(
        actor=platform_admin, organisation=chengdu_institution, data={"address": "成都"}
    )
    services.organisation_update(
        actor=platform_admin, organisation=mianyang_institution, data={"address": "绵阳"}
    )

    response = client_for(chengdu_official).get("/audit/")

    labels = {row.label for row in response.context["rows"]}
    assert "成都锦江技术转移中心" in labels
    assert "绵阳科技城技术转移中心" not in labels


# --- directory ---------------------------------------------------------------------------------


@pytest.fixture
def directory_data(chengdu_institution, mianyang_institution, field_electronics, platform_admin):
    """Three transfer institutions and an enterprise, in 成都 (two counties) and 绵阳."""
    services.organisation_update(
        actor=platform_admin, organisation=chengdu_institution, data={}, service_fields=[field_electronics]
    )
    services.designation_grant(
        actor=platform_admin,
        organisation=mianyang_institution,
        level=DesignationLevel.NATIONAL,
        year_granted=2019,
        decided_by="科学技术部",
        document_number="国科火字〔2019〕198号",
    )
    factories.TransferInstitutionFactory(
        name="武侯高校技术转移办公室",
        region=factories.region("510107"),
        transfer_level=TransferLevel.COUNTY,
        transfer_kind=TransferKind.UNIVERSITY_OFFICE,
    )
    factories.OrganisationFactory(name="成都新材料有限公司", region=factories.region("510107"))


@pytest.mark.parametrize(
    ("query", "names"),
    [
        (
            {},
            [
                "成都锦江技术转移中心",
                "成都新材料有限公司",
                "武侯高校技术转移办公室",
                "绵阳科技城技术转移中心",
            ],
        ),
        ({"q": "绵阳"}, ["绵阳科技城技术转移中心"]),
        ({"city": "510100"}, ["成都锦江技术转移中心", "成都新材料有限公司", "武侯高校技术转移办公室"]),
        ({"city": "510100", "county": "510107"}, ["成都新材料有限公司", "武侯高校技术转移办公室"]),
        # A county left over from another city is ignored.
        ({"city": "510700", "county": "510107"}, ["绵阳科技城技术转移中心"]),
        ({"kind": "enterprise"}, ["成都新材料有限公司"]),
        ({"level": "county"}, ["武侯高校技术转移办公室"]),
        ({"transfer_kind": "university_office"}, ["武侯高校技术转移办公室"]),
        ({"designation": "national"}, ["绵阳科技城技术转移中心"]),
        ({"field": "01"}, ["成都锦江技术转移中心"]),
        (
            {"city": "999900"},
            [
                "成都锦江技术转移中心",
                "成都新材料有限公司",
                "武侯高校技术转移办公室",
                "绵阳科技城技术转移中心",
            ],
        ),
    ],
)
def test_directory_filters(directory_data, query, names):
    response = client_for().get("/institutions/", query)

    assert response.status_code == 200
    assert listed_names(response) == names


def test_the_directory_sorts_by_name_both_ways(directory_data):
    ascending = listed_names(client_for().get("/institutions/", {"city": "510100", "sort": "name"}))
    descending = listed_names(client_for().get("/institutions/", {"city": "510100", "sort": "-name"}))

    assert len(ascending) == 3
    assert descending == list(reversed(ascending))


def test_my_jurisdiction_narrows_an_officials_directory(directory_data, chengdu_official):
    response = client_for(chengdu_official).get(
        "/institutions/", {"scope": "jurisdiction", "kind": "transfer_agency"}
    )

    assert listed_names(response) == ["成都锦江技术转移中心", "武侯高校技术转移办公室"]
    assert response.context["in_jurisdiction"] is True


def test_a_visitor_asking_for_a_jurisdiction_sees_the_whole_directory(directory_data):
    response = client_for().get("/institutions/", {"scope": "jurisdiction"})

    assert len(listed_names(response)) == 4
    assert response.context["in_jurisdiction"] is False


def test_the_county_select_lists_the_chosen_citys_counties(directory_data):
    response = client_for().get("/institutions/", {"city": "510100"})

    counties = dict(response.context["form"].fields["county"].choices)
    assert counties["510104"] == "锦江区"
    assert counties["510107"] == "武侯区"
    assert "510703" not in counties


def test_county_options_for_htmx(db):
    response = client_for().get("/institutions/counties/", {"city": "510700"})

    content = response.content.decode()
    assert content.count("<option") == 1 + 9
    assert '<option value="510703">涪城区</option>' in content


@pytest.mark.parametrize("city", ["", "510000", "510104", "abc"])
def test_county_options_for_anything_but_a_city_are_empty(db, city):
    response = client_for().get("/institutions/counties/", {"city": city})

    assert response.content.decode().count("<option") == 1


def test_an_htmx_request_gets_only_the_results(directory_data):
    response = client_for().get("/institutions/", {"q": "绵阳"}, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert template_names(response)[0] == "institutions/_directory_results.html"
    assert "<html" not in content
    assert "绵阳科技城技术转移中心" in content
    assert "HX-Request" in response["Vary"]


def test_the_directory_pages_by_20(db):
    bulk_institutions(25)

    first = client_for().get("/institutions/")
    second = client_for().get("/institutions/", {"page": 2})

    assert (len(listed_names(first)), len(listed_names(second))) == (20, 5)
    assert 'href="?page=2"' in first.content.decode()


# --- network -----------------------------------------------------------------------------------


def test_the_network_starts_with_the_21_cities_and_their_counts(directory_data):
    response = client_for().get("/institutions/network/")

    rows = {row["node"].region.code: row for row in response.context["rows"]}
    assert len(rows) == 21
    assert (rows["510100"]["node"].institution_count, rows["510100"]["node"].transfer_institution_count) == (
        3,
        2,
    )
    assert rows["510700"]["node"].institution_count == 1
    assert rows["510100"]["url"] == "/institutions/network/510100/"
    assert 'id="network-chart-data"' in response.content.decode()


def test_a_city_lists_its_counties_linking_to_the_filtered_directory(directory_data):
    response = client_for().get("/institutions/network/510100/")

    rows = {row["node"].region.code: row for row in response.context["rows"]}
    assert rows["510107"]["node"].institution_count == 2
    assert rows["510107"]["url"] == "/institutions/?city=510100&county=510107"
    assert [region.code for region in response.context["breadcrumbs"]] == ["510000"]


def test_a_county_in_the_network_opens_the_directory(db):
    response = client_for().get("/institutions/network/510107/")

    assert response.status_code == 302
    assert response["Location"] == "/institutions/?city=510100&county=510107"


def test_an_unknown_region_is_not_found(db):
    assert client_for().get("/institutions/network/999999/").status_code == 404


# --- home --------------------------------------------------------------------------------------


def test_the_home_page_shows_the_headline_numbers(directory_data, django_assert_num_queries):
    client = client_for()

    with django_assert_num_queries(2):
        response = client.get("/")

    assert response.context["counts"] == {
        "institutions": 4,
        "transfer_institutions": 3,
        "designations": 1,
        "cities": 2,
    }


# --- query counts ------------------------------------------------------------------------------


def bulk_institutions(count: int) -> list[Organisation]:
    """``count`` valid transfer institutions spread over three cities, with service fields, half designated."""
    regions = [factories.region(code) for code in ("510104", "510703", "513401")]
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"页面批量机构{number:04d}",
                credit_code=factories.credit_code_for(regions[number % 3].code, 600000 + number),
                kind=OrganisationKind.TRANSFER_AGENCY,
                region=regions[number % 3],
                is_transfer_institution=True,
                transfer_level=TransferLevel.COUNTY,
                transfer_kind=TransferKind.REGIONAL,
                services=["transfer", "technical"],
            )
            for number in range(count)
        ]
    )
    fields = list(
        Classification.objects.filter(scheme=ClassificationScheme.TECHNOLOGY_FIELD, code__in=["01", "02"])
    )
    through = Organisation.service_fields.through
    through.objects.bulk_create(
        [
            through(organisation=organisation, classification=field)
            for organisation in organisations
            for field in fields
        ]
    )
    Designation.objects.bulk_create(
        [
            Designation(organisation=organisation, level=DesignationLevel.PROVINCIAL, year_granted=2020)
            for organisation in organisations[::2]
        ]
    )
    return organisations


# A visitor's directory: regions (city and county selects), service fields, count, page, and the two
# prefetches (service fields, designations).
@pytest.mark.parametrize("count", [10, 500])
def test_the_directory_costs_the_same_queries_for_10_and_500_institutions(count, django_assert_num_queries):
    bulk_institutions(count)
    client = client_for()

    with django_assert_num_queries(6):
        response = client.get("/institutions/")

    assert response.context["page_obj"].paginator.count == count


# An official filtering their jurisdiction: as above, plus the session, the user, their roles, the
# service-field filter's lookup, the navigation's unread-notification and review-queue counts, and
# saving the session (savepoint, update, release: idle timeout).
@pytest.mark.parametrize("count", [10, 500])
def test_an_officials_filtered_directory_costs_the_same_queries_for_10_and_500_institutions(
    count, chengdu_official, django_assert_num_queries
):
    bulk_institutions(count)
    client = client_for(chengdu_official)

    with django_assert_num_queries(16):
        response = client.get(
            "/institutions/",
            {"scope": "jurisdiction", "city": "510100", "level": "county", "field": "01", "sort": "name"},
        )

    assert response.context["page_obj"].paginator.count == (count + 2) // 3


@pytest.mark.parametrize("count", [10, 500])
@pytest.mark.parametrize("url", ["/institutions/network/", "/institutions/network/510700/"])
def test_the_network_costs_the_same_queries_for_10_and_500_institutions(
    count, url, django_assert_num_queries
):
    bulk_institutions(count)
    client = client_for()

    with django_assert_num_queries(3):
        response = client.get(url)

    assert sum(row["node"].institution_count for row in response.context["rows"]) == (
        count if url.endswith("network/") else (count + 1) // 3
    )


def test_pages_stay_chinese_for_a_browser_set_to_english_until_english_is_chosen(db):
    # given a browser whose preferred language is English
    browser = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    # then pages are still served in Chinese
    assert '<html lang="zh-hans"' in browser.get("/").content.decode()

    # when the person picks English in the switcher
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})

    # then pages are in English
    assert '<html lang="en"' in browser.get("/").content.decode()


def test_the_network_counts_institutions_registered_at_the_province_itself(db):
    # given a provincial centre registered at 510000 and a city institution in 成都
    factories.TransferInstitutionFactory(name="四川省技术转移中心", region=factories.region("510000"))
    factories.TransferInstitutionFactory(name="成都技术转移中心", region=factories.region("510104"))

    page = client_for().get("/institutions/network/").content.decode()

    # then the total includes the provincial centre, shown on a row of its own
    assert 'class="network-own-level"' in page
    assert "2 institutions, 2 for technology transfer" in page
