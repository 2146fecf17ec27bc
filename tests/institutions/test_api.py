"""The institution-network API: permissions by role and jurisdiction for every write, the error
shape, filters, and query counts that do not grow with the rows."""

import pytest
from rest_framework.test import APIClient

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
from institutions.roles import actor_roles
from tests import factories

pytestmark = pytest.mark.django_db

INSTITUTIONS_URL = "/api/v1/institutions/"
ERROR_KEYS = {"code", "detail", "fields"}
NOT_SIGNED_IN = {
    "code": "not_authenticated",
    "detail": "Authentication credentials were not provided.",
    "fields": {},
}
FORBIDDEN = {
    "code": "permission_denied",
    "detail": "You do not have permission to perform this action.",
    "fields": {},
}
NOT_FOUND = {"code": "not_found", "detail": "Not found.", "fields": {}}
INVALID_SUMMARY = "Some fields are not valid; see the messages next to each field."


@pytest.fixture
def outsider(mianyang_institution):
    """Staff of another institution: signed in, with no say over 成都's institutions."""
    return factories.staff_of(mianyang_institution, username="mianyang-staff")


@pytest.fixture
def client_as(request):
    """An English-speaking API client signed in as the named user fixture (or anonymous)."""

    def make(name: str) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if name != "anonymous":
            client.force_authenticate(request.getfixturevalue(name))
        return client

    return make


def institution_url(organisation: Organisation, suffix: str = "") -> str:
    return f"{INSTITUTIONS_URL}{organisation.pk}/{suffix}"


def department_of(official) -> Organisation:
    return Membership.objects.get(user=official, role=MembershipRole.OFFICIAL).organisation


def result_ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def expected_denial(status_code: int) -> dict:
    return NOT_SIGNED_IN if status_code == 401 else FORBIDDEN


# --- regions and reference data ---------------------------------------------------------------


def test_regions_are_public_and_filter_by_parent():
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(
        "/api/v1/regions/", {"parent": "510000", "page_size": 100}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 21
    assert body["results"][0] == {
        "code": "510100",
        "name": "成都市",
        "level": "city",
        "level_label": "City / prefecture",
        "parent": {"code": "510000", "name": "四川省"},
    }


def test_region_filters_by_level_and_name():
    client = APIClient()

    counties = client.get("/api/v1/regions/", {"level": "county", "parent": "510700"}).json()
    by_name = client.get("/api/v1/regions/", {"q": "凉山"}).json()

    assert counties["count"] == 9
    assert by_name["count"] == 1
    assert by_name["results"][0]["code"] == "513400"


def test_region_detail_in_english():
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/regions/510104/")

    assert response.status_code == 200
    assert response.json() == {
        "code": "510104",
        "name": "锦江区",
        "level": "county",
        "level_label": "County / district",
        "parent": {"code": "510100", "name": "成都市"},
    }


@pytest.mark.parametrize("code", ["999999", "abc"])
def test_unknown_region_is_404_with_the_error_shape(code):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(f"/api/v1/regions/{code}/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_region_children_count_institutions_in_each_county(chengdu_institution, mianyang_institution):
    # given an enterprise in 锦江区 and an inactive institution in 青羊区 (not visible to the public)
    factories.OrganisationFactory(region=factories.region("510104"))
    factories.TransferInstitutionFactory(region=factories.region("510105"), is_active=False)

    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/regions/510100/children/")

    assert response.status_code == 200
    nodes = {node["code"]: node for node in response.json()}
    assert len(nodes) == 20
    assert nodes["510104"] == {
        "code": "510104",
        "name": "锦江区",
        "level": "county",
        "level_label": "County / district",
        "institution_count": 2,
        "transfer_institution_count": 1,
    }
    assert nodes["510105"]["institution_count"] == 0
    assert sum(node["institution_count"] for node in nodes.values()) == 2


def test_province_children_roll_counties_up_into_cities(chengdu_institution, mianyang_institution):
    factories.TransferInstitutionFactory(region=factories.region("510100"))

    response = APIClient().get("/api/v1/regions/510000/children/")

    nodes = {node["code"]: node for node in response.json()}
    assert len(nodes) == 21
    assert (nodes["510100"]["institution_count"], nodes["510100"]["transfer_institution_count"]) == (2, 2)
    assert (nodes["510700"]["institution_count"], nodes["510700"]["transfer_institution_count"]) == (1, 1)
    assert nodes["513400"]["institution_count"] == 0


def test_classifications_by_scheme_are_public_reference_data():
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(
        "/api/v1/classifications/", {"scheme": "technology_field"}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 11
    assert body["results"][0] == {
        "scheme": "technology_field",
        "version": "2020",
        "code": "01",
        "name": "电子信息",
        "name_en": "Electronic information",
        "label": "Electronic information",
        "parent_code": None,
    }


# --- the directory: reads, filters, ordering --------------------------------------------------


@pytest.fixture
def network(chengdu_institution, mianyang_institution, platform_admin):
    """A small network: a city-level institution in 成都市 itself, a provincial designation in 锦江区,
    a revoked one on the city institution, and a service field on the 绵阳 institution."""
    city_centre = factories.TransferInstitutionFactory(
        name="成都市科技成果转化服务中心",
        region=factories.region("510100"),
        transfer_level=TransferLevel.CITY,
    )
    services.designation_grant(
        actor=platform_admin,
        organisation=chengdu_institution,
        level=DesignationLevel.PROVINCIAL,
        year_granted=2021,
    )
    revoked = services.designation_grant(
        actor=platform_admin, organisation=city_centre, level=DesignationLevel.PROVINCIAL, year_granted=2019
    )
    services.designation_revoke(actor=platform_admin, designation=revoked, reason="年度评价不合格")
    field = Classification.objects.get(scheme=ClassificationScheme.TECHNOLOGY_FIELD, code="01")
    mianyang_institution.service_fields.add(field)
    return {"chengdu": chengdu_institution, "city_centre": city_centre, "mianyang": mianyang_institution}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"region": "510100"}, {"chengdu", "city_centre"}),
        ({"region": "510104"}, {"chengdu"}),
        ({"region": "510700"}, {"mianyang"}),
        ({"region": "510000"}, {"chengdu", "city_centre", "mianyang"}),
        ({"designation": "provincial"}, {"chengdu"}),
        ({"designation": "national"}, set()),
        ({"field": "01"}, {"mianyang"}),
        ({"q": "锦江"}, {"chengdu"}),
        ({"q": "科技城"}, {"mianyang"}),
        ({"q": "技术转移中心", "region": "510100"}, {"chengdu"}),
        ({"transfer_institution": "true", "kind": "transfer_agency"}, {"chengdu", "city_centre", "mianyang"}),
    ],
)
def test_directory_filters(network, filters, expected):
    response = APIClient().get(INSTITUTIONS_URL, filters)

    assert response.status_code == 200
    assert result_ids(response) == {network[name].pk for name in expected}


def test_scope_jurisdiction_narrows_an_official_to_their_region(network, chengdu_official, mianyang_official):
    client = APIClient()
    client.force_authenticate(chengdu_official)

    everything = client.get(INSTITUTIONS_URL, {"page_size": 100})
    mine = client.get(INSTITUTIONS_URL, {"scope": "jurisdiction", "page_size": 100})

    assert everything.json()["count"] == 5  # three institutions and two departments
    assert result_ids(mine) == {
        network["chengdu"].pk,
        network["city_centre"].pk,
        department_of(chengdu_official).pk,
    }


def test_unknown_scope_and_invalid_filter_values_are_400(client_as):
    client = client_as("anonymous")

    scope = client.get(INSTITUTIONS_URL, {"scope": "everything"})
    kind = client.get(INSTITUTIONS_URL, {"kind": "spaceship"})

    assert scope.status_code == 400
    assert scope.json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {"scope": ["The only scope is “jurisdiction”."]},
    }
    assert kind.status_code == 400
    assert kind.json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {"kind": ["Select a valid choice. spaceship is not one of the available choices."]},
    }


def test_directory_orders_by_whitelisted_names_only(network):
    client = APIClient()

    by_name = [row["name"] for row in client.get(INSTITUTIONS_URL, {"ordering": "name"}).json()["results"]]
    by_newest = [row["id"] for row in client.get(INSTITUTIONS_URL, {"ordering": "newest"}).json()["results"]]
    by_region = [
        row["region"]["code"]
        for row in client.get(INSTITUTIONS_URL, {"ordering": "-region"}).json()["results"]
    ]
    unknown = client.get(INSTITUTIONS_URL, {"ordering": "credit_code"})

    assert by_name == sorted(by_name)
    assert by_newest == [network["city_centre"].pk, network["mianyang"].pk, network["chengdu"].pk]
    assert by_region == ["510703", "510104", "510100"]
    assert unknown.status_code == 400
    assert list(unknown.json()["fields"]) == ["ordering"]


def test_institution_detail_shows_network_place_services_and_live_designations(network, client_as):
    child = factories.TransferInstitutionFactory(
        name="锦江区技术转移工作站",
        region=factories.region("510104"),
        transfer_level=TransferLevel.COUNTY,
        parent=network["chengdu"],
    )
    chengdu = network["chengdu"]

    response = client_as("anonymous").get(institution_url(chengdu))
    child_response = client_as("anonymous").get(institution_url(child))

    assert response.status_code == 200
    body = response.json()
    assert body["region"] == {"code": "510104", "name": "锦江区"}
    assert body["city"] == {"code": "510100", "name": "成都市"}
    assert (body["kind"], body["kind_label"]) == ("transfer_agency", "Technology-transfer agency")
    assert (body["transfer_level"], body["transfer_level_label"]) == ("city", "City level")
    assert (body["transfer_kind"], body["transfer_kind_label"]) == ("market_based", "Market-based agency")
    assert body["services"] == [
        {"code": "transfer", "label": "Technology transfer service"},
        {"code": "consulting", "label": "Technical consulting service"},
    ]
    assert [(d["level"], d["status"], d["year_granted"]) for d in body["designations"]] == [
        ("provincial", "active", 2021)
    ]
    assert body["children"] == [
        {"id": child.pk, "name": "锦江区技术转移工作站", "region": {"code": "510104", "name": "锦江区"}}
    ]
    assert child_response.json()["parent"] == {"id": chengdu.pk, "name": "成都锦江技术转移中心"}
    city_centre = client_as("anonymous").get(institution_url(network["city_centre"])).json()
    assert city_centre["city"] == {"code": "510100", "name": "成都市"}
    assert city_centre["designations"] == []  # its only designation was revoked


@pytest.fixture
def hidden_institution(db):
    """An inactive institution in 青羊区: visible only to platform admins and officials over 成都."""
    return factories.TransferInstitutionFactory(
        name="青羊区停业技术转移机构", region=factories.region("510105"), is_active=False
    )


@pytest.mark.parametrize(
    ("actor", "expected_status"),
    [
        ("anonymous", 404),
        ("outsider", 404),
        ("mianyang_official", 404),
        ("chengdu_official", 200),
        ("province_official", 200),
        ("platform_admin", 200),
    ],
)
def test_inactive_institution_is_visible_only_over_its_region(
    client_as, hidden_institution, actor, expected_status
):
    response = client_as(actor).get(institution_url(hidden_institution))

    assert response.status_code == expected_status
    if expected_status == 404:
        assert response.json() == NOT_FOUND


def test_writes_on_an_institution_one_cannot_see_are_404_not_403(client_as, hidden_institution):
    client = client_as("mianyang_official")

    response = client.patch(institution_url(hidden_institution), {"introduction": "改"}, format="json")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    hidden_institution.refresh_from_db()
    assert hidden_institution.introduction == ""


def test_messages_follow_accept_language():
    client = APIClient()

    chinese = client.get(f"{INSTITUTIONS_URL}999999/")
    english = client.get(f"{INSTITUTIONS_URL}999999/", HTTP_ACCEPT_LANGUAGE="en")
    english_write = client.post(INSTITUTIONS_URL, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.json() == {"code": "not_found", "detail": "未找到。", "fields": {}}
    assert english.json() == NOT_FOUND
    assert english_write.json() == NOT_SIGNED_IN


# --- registering an institution ---------------------------------------------------------------


def institution_payload(**overrides) -> dict:
    payload = {
        "name": "成都武侯技术转移中心",
        "credit_code": factories.credit_code_for("510107", 900001),
        "kind": OrganisationKind.TRANSFER_AGENCY,
        "entity_type": "100",
        "region": "510107",
        "introduction": "服务武侯区企业的技术转移机构。",
        "is_transfer_institution": True,
        "transfer_level": TransferLevel.COUNTY,
        "transfer_kind": TransferKind.REGIONAL,
        "service_fields": ["01", "02"],
        "services": ["transfer", "evaluation"],
    }
    payload.update(overrides)
    return payload


@pytest.mark.parametrize(
    ("actor", "expected_status"),
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("chengdu_staff", 403),
        ("chengdu_admin", 403),
        ("mianyang_official", 403),
    ],
)
def test_create_institution_denied(client_as, chengdu_institution, actor, expected_status):
    client = client_as(actor)
    count = Organisation.objects.count()

    response = client.post(
        INSTITUTIONS_URL, institution_payload(parent=chengdu_institution.pk), format="json"
    )

    assert response.status_code == expected_status
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["fields"] == {}
    assert Organisation.objects.count() == count
    assert not Organisation.objects.filter(name="成都武侯技术转移中心").exists()


@pytest.mark.parametrize("actor", ["chengdu_official", "province_official", "platform_admin"])
def test_create_institution_permitted(client_as, chengdu_institution, actor):
    client = client_as(actor)

    response = client.post(
        INSTITUTIONS_URL, institution_payload(parent=chengdu_institution.pk), format="json"
    )

    assert response.status_code == 201
    organisation = Organisation.objects.get(name="成都武侯技术转移中心")
    body = response.json()
    assert body["id"] == organisation.pk
    assert body["credit_code"] == factories.credit_code_for("510107", 900001)
    assert body["region"] == {"code": "510107", "name": "武侯区"}
    assert body["city"] == {"code": "510100", "name": "成都市"}
    assert body["entity_type"] == {"code": "100", "name": "内资企业", "label": "Domestic enterprise"}
    assert body["parent"] == {"id": chengdu_institution.pk, "name": "成都锦江技术转移中心"}
    assert body["service_fields"] == [
        {"code": "01", "name": "电子信息", "label": "Electronic information"},
        {"code": "02", "name": "先进制造", "label": "Advanced manufacturing"},
    ]
    assert body["services"] == [
        {"code": "transfer", "label": "Technology transfer service"},
        {"code": "evaluation", "label": "Technology evaluation service"},
    ]
    assert (body["transfer_level"], body["transfer_kind"]) == ("county", "regional")
    assert body["designations"] == []
    assert organisation.region_id == "510107"
    assert organisation.parent_id == chengdu_institution.pk
    assert sorted(organisation.service_fields.values_list("code", flat=True)) == ["01", "02"]


def test_official_cannot_register_an_institution_outside_their_jurisdiction(client_as):
    client = client_as("chengdu_official")

    response = client.post(
        INSTITUTIONS_URL,
        institution_payload(region="510703", credit_code=factories.credit_code_for("510703", 900003)),
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert not Organisation.objects.filter(name="成都武侯技术转移中心").exists()


@pytest.mark.parametrize(
    ("credit_code", "message"),
    [
        (
            "91510100123456780W",
            "The embedded organisation code (positions 9–17) fails its check digit; "
            "please check the code for typos.",
        ),
        (
            factories.credit_code_for("510107", 900001)[:17] + "0",
            "The last character (check character) does not match; please check the code for typos.",
        ),
        ("9151010", "A unified social credit code has 18 characters; this one has 7."),
    ],
)
def test_invalid_credit_code_is_400_with_the_field_message(client_as, credit_code, message):
    client = client_as("chengdu_official")
    count = Organisation.objects.count()

    response = client.post(INSTITUTIONS_URL, institution_payload(credit_code=credit_code), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {"credit_code": [message]},
    }
    assert Organisation.objects.count() == count


def test_credit_code_is_stored_compact_and_upper_case(client_as):
    code = factories.credit_code_for("510107", 900001)
    client = client_as("chengdu_official")

    response = client.post(
        INSTITUTIONS_URL, institution_payload(credit_code=f" {code[:8]}-{code[8:].lower()} "), format="json"
    )

    assert response.status_code == 201
    assert Organisation.objects.get(pk=response.json()["id"]).credit_code == code


def test_unknown_region_and_field_codes_are_400(client_as):
    client = client_as("chengdu_official")

    response = client.post(
        INSTITUTIONS_URL, institution_payload(region="519999", service_fields=["01", "99"]), format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "region": ["There is no region in the platform's province with the code 519999."],
        "service_fields": ["Object with code=99 does not exist."],
    }


# --- editing an institution -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "expected_status"),
    [("anonymous", 401), ("outsider", 403), ("chengdu_staff", 403), ("mianyang_official", 403)],
)
def test_edit_institution_denied(client_as, chengdu_institution, actor, expected_status):
    client = client_as(actor)

    response = client.patch(institution_url(chengdu_institution), {"introduction": "新的简介"}, format="json")

    assert response.status_code == expected_status
    assert response.json() == expected_denial(expected_status)
    chengdu_institution.refresh_from_db()
    assert chengdu_institution.introduction == ""


@pytest.mark.parametrize(
    "actor", ["chengdu_admin", "chengdu_official", "province_official", "platform_admin"]
)
def test_edit_institution_profile_permitted(client_as, chengdu_institution, actor):
    client = client_as(actor)

    response = client.patch(
        institution_url(chengdu_institution),
        {"introduction": "新的简介", "service_fields": ["03"], "services": ["financing"]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["introduction"] == "新的简介"
    assert response.json()["service_fields"] == [
        {"code": "03", "name": "新材料及其应用", "label": "New materials and their application"}
    ]
    chengdu_institution.refresh_from_db()
    assert chengdu_institution.introduction == "新的简介"
    assert chengdu_institution.services == ["financing"]
    assert list(chengdu_institution.service_fields.values_list("code", flat=True)) == ["03"]


@pytest.mark.parametrize(
    ("change", "field_name"),
    [
        ({"region": "510105"}, "region"),
        ({"credit_code": factories.credit_code_for("510104", 900004)}, "unified social credit code"),
        ({"name": "改名后的中心"}, "name"),
    ],
)
def test_institution_admin_may_not_change_identity_or_place(
    client_as, chengdu_institution, change, field_name
):
    client = client_as("chengdu_admin")
    before = Organisation.objects.values("name", "credit_code", "region_id").get(pk=chengdu_institution.pk)

    response = client.patch(institution_url(chengdu_institution), change, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "detail": f"Only an official may change these fields: {field_name}.",
        "fields": {},
    }
    assert (
        Organisation.objects.values("name", "credit_code", "region_id").get(pk=chengdu_institution.pk)
        == before
    )


@pytest.mark.parametrize(
    ("actor", "region", "expected_status"),
    [
        ("chengdu_official", "510105", 200),
        ("chengdu_official", "510703", 403),
        ("platform_admin", "510703", 200),
    ],
)
def test_moving_an_institution_stays_within_the_officials_jurisdiction(
    client_as, chengdu_institution, actor, region, expected_status
):
    client = client_as(actor)

    response = client.patch(institution_url(chengdu_institution), {"region": region}, format="json")

    assert response.status_code == expected_status
    chengdu_institution.refresh_from_db()
    assert chengdu_institution.region_id == (region if expected_status == 200 else "510104")


# --- members ----------------------------------------------------------------------------------

MEMBER_DENIED = [("anonymous", 401), ("outsider", 403), ("chengdu_staff", 403), ("mianyang_official", 403)]
MEMBER_PERMITTED = ["chengdu_admin", "chengdu_official", "platform_admin"]


@pytest.mark.parametrize(("actor", "expected_status"), MEMBER_DENIED)
def test_member_list_denied(client_as, chengdu_institution, chengdu_staff, actor, expected_status):
    response = client_as(actor).get(institution_url(chengdu_institution, "members/"))

    assert response.status_code == expected_status
    assert response.json() == expected_denial(expected_status)


@pytest.mark.parametrize("actor", MEMBER_PERMITTED)
def test_member_list_permitted(client_as, chengdu_institution, chengdu_admin, chengdu_staff, actor):
    response = client_as(actor).get(institution_url(chengdu_institution, "members/"))

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert [(m["user"]["username"], m["role"], m["role_label"]) for m in response.json()["results"]] == [
        ("chengdu-admin", "admin", "Administrator"),
        ("chengdu-staff", "staff", "Staff"),
    ]


@pytest.mark.parametrize(("actor", "expected_status"), MEMBER_DENIED)
def test_add_member_denied(client_as, chengdu_institution, actor, expected_status):
    newcomer = factories.UserFactory(username="newcomer")
    client = client_as(actor)

    response = client.post(
        institution_url(chengdu_institution, "members/"),
        {"username": "newcomer", "role": "staff"},
        format="json",
    )

    assert response.status_code == expected_status
    assert response.json() == expected_denial(expected_status)
    assert not Membership.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("actor", MEMBER_PERMITTED)
def test_add_member_permitted(request, client_as, chengdu_institution, actor):
    newcomer = factories.UserFactory(username="newcomer", full_name="新同事")
    client = client_as(actor)
    granter = request.getfixturevalue(actor)

    response = client.post(
        institution_url(chengdu_institution, "members/"),
        {"username": "newcomer", "role": "broker"},
        format="json",
    )

    assert response.status_code == 201
    membership = Membership.objects.get(user=newcomer)
    assert response.json() == {
        "id": membership.pk,
        "organisation_id": chengdu_institution.pk,
        "user": {"id": newcomer.pk, "username": "newcomer", "full_name": "新同事"},
        "role": "broker",
        "role_label": "Broker",
        "is_active": True,
        "granted_by": {"id": granter.pk, "username": granter.username, "full_name": granter.full_name},
        "created_at": response.json()["created_at"],
        "actions": ["change_role", "remove"],
    }
    assert (membership.organisation_id, membership.role) == (chengdu_institution.pk, MembershipRole.BROKER)
    assert membership.granted_by == granter


def test_add_member_with_unknown_username_is_400(client_as, chengdu_institution):
    response = client_as("chengdu_admin").post(
        institution_url(chengdu_institution, "members/"),
        {"username": "ghost", "role": "staff"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {"username": ["No active user has the username ghost."]},
    }


def test_institution_admin_cannot_appoint_officials(client_as, chengdu_institution):
    newcomer = factories.UserFactory(username="newcomer")

    response = client_as("chengdu_admin").post(
        institution_url(chengdu_institution, "members/"),
        {"username": "newcomer", "role": "official"},
        format="json",
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()


def membership_url(membership: Membership) -> str:
    return f"/api/v1/memberships/{membership.pk}/"


@pytest.fixture
def staff_membership(chengdu_staff) -> Membership:
    return Membership.objects.get(user=chengdu_staff)


@pytest.mark.parametrize(("actor", "expected_status"), MEMBER_DENIED)
def test_change_member_role_denied(client_as, staff_membership, actor, expected_status):
    client = client_as(actor)

    response = client.patch(membership_url(staff_membership), {"role": "broker"}, format="json")

    assert response.status_code == expected_status
    assert response.json() == expected_denial(expected_status)
    staff_membership.refresh_from_db()
    assert staff_membership.role == MembershipRole.STAFF


@pytest.mark.parametrize("actor", MEMBER_PERMITTED)
def test_change_member_role_permitted(client_as, staff_membership, actor):
    client = client_as(actor)

    response = client.patch(membership_url(staff_membership), {"role": "broker"}, format="json")

    assert response.status_code == 200
    assert (response.json()["role"], response.json()["user"]["username"]) == ("broker", "chengdu-staff")
    staff_membership.refresh_from_db()
    assert staff_membership.role == MembershipRole.BROKER


@pytest.mark.parametrize(("actor", "expected_status"), MEMBER_DENIED)
def test_remove_member_denied(client_as, staff_membership, actor, expected_status):
    client = client_as(actor)

    response = client.delete(membership_url(staff_membership))

    assert response.status_code == expected_status
    assert response.json() == expected_denial(expected_status)
    assert Membership.objects.filter(pk=staff_membership.pk).exists()


@pytest.mark.parametrize("actor", MEMBER_PERMITTED)
def test_remove_member_permitted(client_as, staff_membership, actor):
    client = client_as(actor)

    response = client.delete(membership_url(staff_membership))

    assert response.status_code == 204
    assert not Membership.objects.filter(pk=staff_membership.pk).exists()


def test_removing_the_last_admin_is_400(client_as, chengdu_admin):
    membership = Membership.objects.get(user=chengdu_admin)

    response = client_as("chengdu_official").delete(membership_url(membership))

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "An organisation needs at least one administrator; appoint another one first.",
        "fields": {},
    }
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- designations -----------------------------------------------------------------------------

DESIGNATION_DENIED = [
    ("anonymous", 401),
    ("outsider", 403),
    ("chengdu_staff", 403),
    ("chengdu_admin", 403),
    ("mianyang_official", 403),
]
# A provincial title: the province's officials and platform admins (the city official's city titles and
# every level × actor cell are in test_designation_levels.py).
DESIGNATION_PERMITTED = ["province_official", "platform_admin"]
GRANT = {"level": "provincial", "year_granted": 2024, "document_number": "川科技函〔2024〕12号"}


@pytest.mark.parametrize(("actor", "expected_status"), DESIGNATION_DENIED)
def test_grant_designation_denied(client_as, chengdu_institution, actor, expected_status):
    client = client_as(actor)

    response = client.post(institution_url(chengdu_institution, "designations/"), GRANT, format="json")

    assert response.status_code == expected_status
    assert response.json() == expected_denial(expected_status)
    assert not Designation.objects.exists()


@pytest.mark.parametrize("actor", DESIGNATION_PERMITTED)
def test_grant_designation_permitted(client_as, request, chengdu_institution, actor):
    client = client_as(actor)

    response = client.post(institution_url(chengdu_institution, "designations/"), GRANT, format="json")

    assert response.status_code == 201
    designation = Designation.objects.get(organisation=chengdu_institution)
    user = request.getfixturevalue(actor)
    department = None if actor == "platform_admin" else department_of(user)
    body = response.json()
    assert body == {
        "id": designation.pk,
        "level": "provincial",
        "level_label": "Provincial demonstration institution",
        "status": "active",
        "status_label": "Active",
        "year_granted": 2024,
        "organisation": {
            "id": chengdu_institution.pk,
            "name": "成都锦江技术转移中心",
            "region": {"code": "510104", "name": "锦江区"},
        },
        "document_number": "川科技函〔2024〕12号",
        "decided_by": "",
        "granted_by": None if department is None else {"id": department.pk, "name": department.name},
        "status_reason": "",
        "status_changed_at": body["status_changed_at"],
        "created_at": body["created_at"],
        "actions": ["warn", "revoke"],
    }
    assert (designation.level, designation.status) == (DesignationLevel.PROVINCIAL, DesignationStatus.ACTIVE)


def test_granting_the_same_title_twice_is_400(client_as, chengdu_institution):
    client = client_as("province_official")
    client.post(institution_url(chengdu_institution, "designations/"), GRANT, format="json")

    response = client.post(institution_url(chengdu_institution, "designations/"), GRANT, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "This institution already holds this designation.",
        "fields": {},
    }
    assert Designation.objects.filter(organisation=chengdu_institution).count() == 1


@pytest.fixture
def designation(chengdu_institution, platform_admin) -> Designation:
    return services.designation_grant(
        actor=platform_admin,
        organisation=chengdu_institution,
        level=DesignationLevel.PROVINCIAL,
        year_granted=2022,
    )


STATUS_CHANGES = [
    ("warn", DesignationStatus.ACTIVE, DesignationStatus.WARNED),
    ("reinstate", DesignationStatus.WARNED, DesignationStatus.ACTIVE),
    ("revoke", DesignationStatus.ACTIVE, DesignationStatus.REVOKED),
]


def bring_to(designation: Designation, status: str, platform_admin) -> None:
    if status == DesignationStatus.WARNED:
        services.designation_warn(actor=platform_admin, designation=designation, reason="年报逾期未报")


@pytest.mark.parametrize(("verb", "start", "target"), STATUS_CHANGES)
@pytest.mark.parametrize(("actor", "expected_status"), DESIGNATION_DENIED)
def test_change_designation_status_denied(
    client_as, designation, platform_admin, verb, start, target, actor, expected_status
):
    bring_to(designation, start, platform_admin)
    client = client_as(actor)

    response = client.post(
        f"/api/v1/designations/{designation.pk}/{verb}/", {"reason": "理由"}, format="json"
    )

    assert response.status_code == expected_status
    assert response.json() == expected_denial(expected_status)
    designation.refresh_from_db()
    assert designation.status == start


@pytest.mark.parametrize(("verb", "start", "target"), STATUS_CHANGES)
@pytest.mark.parametrize("actor", DESIGNATION_PERMITTED)
def test_change_designation_status_permitted(
    client_as, designation, platform_admin, verb, start, target, actor
):
    bring_to(designation, start, platform_admin)
    client = client_as(actor)

    response = client.post(
        f"/api/v1/designations/{designation.pk}/{verb}/", {"reason": "年度评价结果"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_reason"]) == (target, "年度评价结果")
    designation.refresh_from_db()
    assert (designation.status, designation.status_reason) == (target, "年度评价结果")


def test_warning_a_revoked_designation_is_400(client_as, designation, platform_admin):
    services.designation_revoke(actor=platform_admin, designation=designation, reason="撤销")

    response = client_as("province_official").post(
        f"/api/v1/designations/{designation.pk}/warn/", {"reason": "再警告"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "A designation that is Revoked cannot become Warned.",
        "fields": {},
    }
    designation.refresh_from_db()
    assert (designation.status, designation.status_reason) == (DesignationStatus.REVOKED, "撤销")


def test_warning_needs_a_reason(client_as, designation):
    response = client_as("province_official").post(
        f"/api/v1/designations/{designation.pk}/warn/", {}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {"reason": ["Please give the reason for this decision."]},
    }
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.ACTIVE


def test_designations_are_public_with_filters(designation, mianyang_institution, platform_admin):
    national = services.designation_grant(
        actor=platform_admin,
        organisation=mianyang_institution,
        level=DesignationLevel.NATIONAL,
        year_granted=2018,
        decided_by="科学技术部",
        document_number="国科火字〔2018〕9号",
    )
    services.designation_revoke(actor=platform_admin, designation=national, reason="撤销")
    client = APIClient()

    of_institution = client.get(f"{INSTITUTIONS_URL}{mianyang_institution.pk}/designations/")
    active_provincial = client.get("/api/v1/designations/", {"level": "provincial", "status": "active"})
    revoked = client.get("/api/v1/designations/", {"status": "revoked"})
    oldest_first = client.get("/api/v1/designations/", {"ordering": "year_granted"})

    assert of_institution.status_code == 200
    assert [(d["id"], d["status"]) for d in of_institution.json()["results"]] == [(national.pk, "revoked")]
    assert [d["id"] for d in active_provincial.json()["results"]] == [designation.pk]
    assert [d["id"] for d in revoked.json()["results"]] == [national.pk]
    assert [d["year_granted"] for d in oldest_first.json()["results"]] == [2018, 2022]


# --- the audit trail --------------------------------------------------------------------------

HISTORY_DENIED = [
    ("anonymous", 401),
    ("outsider", 403),
    ("chengdu_staff", 403),
    ("chengdu_admin", 403),
    ("mianyang_official", 403),
]


@pytest.mark.parametrize(("actor", "expected_status"), HISTORY_DENIED)
def test_history_denied(client_as, chengdu_institution, actor, expected_status):
    response = client_as(actor).get(institution_url(chengdu_institution, "history/"))

    assert response.status_code == expected_status
    assert set(response.json()) == ERROR_KEYS


@pytest.mark.parametrize("actor", ["chengdu_official", "province_official", "platform_admin"])
def test_history_records_who_changed_what_from_where(client_as, chengdu_institution, actor):
    client = client_as(actor)
    client.patch(
        institution_url(chengdu_institution),
        {"introduction": "新的简介"},
        format="json",
        HTTP_X_REQUEST_ID="req-history-1",
    )

    response = client.get(institution_url(chengdu_institution, "history/"))

    assert response.status_code == 200
    events = response.json()["results"]
    assert events[0] == {
        "time": events[0]["time"],
        "label": "update",
        "model": "institutions.Organisation",
        "object_id": str(chengdu_institution.pk),
        "user": actor.replace("_", "-"),
        "ip": "127.0.0.1",
        "request_id": "req-history-1",
        "changes": {"introduction": ["", "新的简介"]},
        "data": None,
    }
    insert = events[-1]
    assert (insert["label"], insert["model"], insert["user"]) == ("insert", "institutions.Organisation", None)
    assert insert["data"]["name"] == "成都锦江技术转移中心"
    assert "updated_at" not in insert["data"]


def test_history_query_count_does_not_grow_with_events(
    chengdu_institution, platform_admin, django_assert_num_queries
):
    client = APIClient()
    client.force_authenticate(platform_admin)
    url = institution_url(chengdu_institution, "history/")
    actor_roles(platform_admin)  # loaded once per user object; the request reuses it

    # the institution, the count, the page of events with their users
    with django_assert_num_queries(3):
        few = client.get(url)
    for number in range(15):
        client.patch(institution_url(chengdu_institution), {"introduction": f"第{number}版"}, format="json")
    with django_assert_num_queries(3):
        many = client.get(url)

    assert (few.json()["count"], many.json()["count"]) == (1, 16)


# --- query counts -----------------------------------------------------------------------------


def bulk_institutions(count: int) -> list[Organisation]:
    """``count`` valid transfer institutions in 成都 with two service fields, half of them designated."""
    regions = [factories.region(code) for code in ("510104", "510105", "510107")]
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"批量技术转移机构{number:04d}",
                credit_code=factories.credit_code_for(regions[number % 3].code, 500000 + number),
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


@pytest.mark.parametrize("count", [10, 500])
def test_directory_query_count_is_the_same_for_10_and_500_institutions(count, django_assert_num_queries):
    bulk_institutions(count)
    client = APIClient()

    # count, the page with its joins, service fields, live designations
    with django_assert_num_queries(4):
        response = client.get(INSTITUTIONS_URL, {"page_size": 100})

    assert response.status_code == 200
    assert response.json()["count"] == count
    assert len(response.json()["results"]) == min(count, 100)
    assert response.json()["results"][0]["service_fields"][0]["code"] == "01"


@pytest.mark.parametrize("count", [10, 500])
def test_filtered_directory_for_an_official_has_a_fixed_query_count(
    count, chengdu_official, django_assert_num_queries
):
    bulk_institutions(count)
    client = APIClient()
    client.force_authenticate(chengdu_official)

    # the official's roles, the field code's lookup, then the same four queries as for the public
    with django_assert_num_queries(6):
        response = client.get(
            INSTITUTIONS_URL,
            {
                "scope": "jurisdiction",
                "designation": "provincial",
                "field": "01",
                "page_size": 100,
                "ordering": "name",
            },
        )

    assert response.json()["count"] == (count + 1) // 2


@pytest.mark.parametrize(
    ("filters", "count"),
    [
        ({"q": "成都"}, 1),
        ({"level": "county", "province": "510000"}, 183),
        ({"level": "county"}, 2975),
    ],
)
def test_region_list_query_count_is_fixed(filters, count, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = APIClient().get("/api/v1/regions/", {**filters, "page_size": 100})

    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 300])
def test_designation_list_query_count_is_fixed(count, django_assert_num_queries):
    bulk_institutions(count * 2)

    with django_assert_num_queries(2):
        response = APIClient().get("/api/v1/designations/", {"page_size": 100})

    assert response.json()["count"] == count
    assert len(response.json()["results"]) == min(count, 100)
