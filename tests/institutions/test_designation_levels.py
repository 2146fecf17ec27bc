"""Designations by level (issue 10, item 7): who grants, warns, reinstates and revokes which title.

City titles: officials of the institution's city. Provincial titles: the province's officials. National
titles: decided by the Ministry, recorded by the province's officials with the deciding body and the
document number. Platform admins: every level. County officials, institution admins and anyone else: none.
The whole matrix runs against the services; the API and the pages are tested on the key cells.
"""

import pghistory
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from institutions import policies, services
from institutions.choices import DesignationLevel, DesignationStatus, MembershipRole, RegionLevel
from institutions.models import Designation, Membership
from institutions.rules import DesignationLevelNotPermitted
from tests import factories

CITY, PROVINCIAL, NATIONAL = DesignationLevel.CITY, DesignationLevel.PROVINCIAL, DesignationLevel.NATIONAL
ACTIVE, WARNED, REVOKED = DesignationStatus.ACTIVE, DesignationStatus.WARNED, DesignationStatus.REVOKED

# --- pure rule: no database -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("is_platform_admin", "post_levels", "expected"),
    [
        (True, [], {CITY, PROVINCIAL, NATIONAL}),
        (False, [RegionLevel.PROVINCE], {PROVINCIAL, NATIONAL}),
        (False, [RegionLevel.CITY], {CITY}),
        (False, [RegionLevel.COUNTY], set()),
        (False, [], set()),
        (False, [RegionLevel.CITY, RegionLevel.COUNTY], {CITY}),
        (False, [RegionLevel.PROVINCE, RegionLevel.CITY], {CITY, PROVINCIAL, NATIONAL}),
    ],
)
def test_the_levels_each_post_may_grant(is_platform_admin, post_levels, expected):
    granted = policies.designation_levels_grantable(
        is_platform_admin=is_platform_admin, post_levels=post_levels
    )

    assert granted == expected


# --- the matrix, at service level -------------------------------------------------------------

ACTORS = [
    "platform_admin",
    "province_official",
    "chengdu_official",
    "mianyang_official",
    "jinjiang_official",
    "chengdu_admin",
    "anonymous",
]
PERMITTED = {
    "platform_admin": {CITY, PROVINCIAL, NATIONAL},
    "province_official": {PROVINCIAL, NATIONAL},
    "chengdu_official": {CITY},
}
# Officials over the institution's region refused for the title's level get the coded refusal that names
# who decides such titles; everyone else is refused before the level is looked at.
OVER_THE_INSTITUTION = {"province_official", "chengdu_official", "jinjiang_official"}
DECISION = {
    CITY: {"document_number": "成科发〔2023〕8号"},
    PROVINCIAL: {"document_number": "川科成〔2023〕4号"},
    NATIONAL: {"document_number": "国科火字〔2023〕1号", "decided_by": "科学技术部"},
}
# action → (status before, status after, reason)
STATUS_ACTIONS = {
    "warn": (ACTIVE, WARNED, "年度绩效评价基本合格，限期整改"),
    "reinstate": (WARNED, ACTIVE, "整改完成"),
    "revoke": (ACTIVE, REVOKED, "连续两年未报送年度报告"),
}


@pytest.fixture
def jinjiang_official(db):
    """An official of 锦江区's S&T bureau: a county post over 成都锦江技术转移中心."""
    return factories.official_for("510104", username="jinjiang-official")


def _actor(request, name: str):
    return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)


def _grant(actor, organisation, level: str) -> Designation:
    return services.designation_grant(
        actor=actor, organisation=organisation, level=level, year_granted=2023, **DECISION[level]
    )


def _assert_refused(raised, actor_name: str) -> None:
    if actor_name in OVER_THE_INSTITUTION:
        assert isinstance(raised.value, DesignationLevelNotPermitted)
    else:
        assert not isinstance(raised.value, DesignationLevelNotPermitted)


@pytest.mark.django_db
@pytest.mark.parametrize("level", [CITY, PROVINCIAL, NATIONAL])
@pytest.mark.parametrize("actor_name", ACTORS)
def test_grant(request, chengdu_institution, actor_name, level):
    actor = _actor(request, actor_name)

    if level in PERMITTED.get(actor_name, set()):
        designation = _grant(actor, chengdu_institution, level)
        assert (designation.level, designation.status) == (level, ACTIVE)
        assert Designation.objects.filter(organisation=chengdu_institution).count() == 1
    else:
        with pytest.raises(PermissionDenied) as raised:
            _grant(actor, chengdu_institution, level)
        _assert_refused(raised, actor_name)
        assert not Designation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(STATUS_ACTIONS))
@pytest.mark.parametrize("level", [CITY, PROVINCIAL, NATIONAL])
@pytest.mark.parametrize("actor_name", ACTORS)
def test_warn_reinstate_and_revoke(request, chengdu_institution, platform_admin, actor_name, level, action):
    start, target, reason = STATUS_ACTIONS[action]
    designation = _grant(platform_admin, chengdu_institution, level)
    if start == WARNED:
        services.designation_warn(actor=platform_admin, designation=designation, reason="限期整改")
    before = Designation.objects.values_list("status", "status_reason").get(pk=designation.pk)
    actor = _actor(request, actor_name)

    if level in PERMITTED.get(actor_name, set()):
        services.designation_change_status(actor=actor, designation=designation, status=target, reason=reason)
        designation.refresh_from_db()
        assert (designation.status, designation.status_reason) == (target, reason)
    else:
        with pytest.raises(PermissionDenied) as raised:
            services.designation_change_status(
                actor=actor, designation=designation, status=target, reason=reason
            )
        _assert_refused(raised, actor_name)
        assert Designation.objects.values_list("status", "status_reason").get(pk=designation.pk) == before


@pytest.mark.django_db
def test_the_refusal_names_who_decides_such_titles(chengdu_official, province_official, chengdu_institution):
    with translation.override("zh-hans"), pytest.raises(DesignationLevelNotPermitted) as provincial:
        _grant(chengdu_official, chengdu_institution, PROVINCIAL)
    with translation.override("zh-hans"), pytest.raises(DesignationLevelNotPermitted) as city:
        _grant(province_official, chengdu_institution, CITY)

    # Translated when raised, in the language of the request: here Chinese, the site's default.
    assert str(provincial.value) == "省级示范机构称号只能由省科技厅认定和变更。"
    assert str(city.value) == "市级示范机构称号只能由机构所在市（州）的科技部门认定和变更。"


# --- national titles: the Ministry's decision, recorded -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("blank", ["", "   "])
def test_a_national_title_needs_its_deciding_body_and_document_number(
    province_official, chengdu_institution, blank
):
    with pytest.raises(ValidationError) as raised:
        services.designation_grant(
            actor=province_official,
            organisation=chengdu_institution,
            level=NATIONAL,
            year_granted=2023,
            document_number=blank,
            decided_by=blank,
        )

    with translation.override("en"):
        assert raised.value.message_dict == {
            "decided_by": ["A national title needs the body that decided it, e.g. 科学技术部."],
            "document_number": ["A national title needs the number of the deciding document (文号)."],
        }
    assert not Designation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "missing", [{"decided_by": ""}, {"document_number": ""}, {"decided_by": "", "document_number": ""}]
)
def test_the_database_refuses_a_national_title_without_its_decision(chengdu_institution, missing):
    values = {"decided_by": "科学技术部", "document_number": "国科火字〔2023〕1号", **missing}

    with (
        pytest.raises(IntegrityError, match="institutions_designation_national_decision_recorded"),
        transaction.atomic(),
    ):
        Designation.objects.create(
            organisation=chengdu_institution, level=NATIONAL, year_granted=2023, **values
        )


@pytest.mark.django_db
def test_city_and_provincial_titles_need_no_deciding_body(
    chengdu_official, province_official, chengdu_institution
):
    city = services.designation_grant(
        actor=chengdu_official, organisation=chengdu_institution, level=CITY, year_granted=2023
    )
    provincial = services.designation_grant(
        actor=province_official, organisation=chengdu_institution, level=PROVINCIAL, year_granted=2023
    )

    assert [(d.decided_by, d.document_number) for d in (city, provincial)] == [("", ""), ("", "")]


def _department(user):
    return Membership.objects.get(user=user, role=MembershipRole.OFFICIAL).organisation


@pytest.mark.django_db
def test_the_acting_department_is_recorded(
    chengdu_official, province_official, platform_admin, chengdu_institution
):
    city = _grant(chengdu_official, chengdu_institution, CITY)
    national = _grant(province_official, chengdu_institution, NATIONAL)
    provincial = _grant(platform_admin, chengdu_institution, PROVINCIAL)

    assert city.granted_by == _department(chengdu_official)
    assert (national.granted_by, national.decided_by, national.document_number) == (
        _department(province_official),
        "科学技术部",
        "国科火字〔2023〕1号",
    )
    assert provincial.granted_by is None


@pytest.mark.django_db
def test_an_official_with_a_city_and_a_provincial_post_acts_for_the_department_of_the_level(
    chengdu_institution,
):
    official = factories.official_for("510000", username="two-posts")
    city_department = factories.DepartmentFactory(region=factories.region("510100"))
    factories.MembershipFactory(user=official, organisation=city_department, role=MembershipRole.OFFICIAL)

    city = _grant(official, chengdu_institution, CITY)
    provincial = _grant(official, chengdu_institution, PROVINCIAL)

    assert city.granted_by == city_department
    assert provincial.granted_by.region_id == "510000"


@pytest.mark.django_db
def test_every_change_is_audited(chengdu_official, province_official, chengdu_institution):
    with pghistory.context(user=chengdu_official.pk):
        city = _grant(chengdu_official, chengdu_institution, CITY)
        services.designation_warn(actor=chengdu_official, designation=city, reason="限期整改")
        services.designation_revoke(actor=chengdu_official, designation=city, reason="整改未完成")
    with pghistory.context(user=province_official.pk):
        national = _grant(province_official, chengdu_institution, NATIONAL)

    events = Designation.pgh_event_model.objects.order_by("pgh_id")
    assert [
        (
            event.pgh_obj_id,
            event.pgh_label,
            event.status,
            event.decided_by,
            event.pgh_context.metadata["user"],
        )
        for event in events
    ] == [
        (city.pk, "insert", ACTIVE, "", chengdu_official.pk),
        (city.pk, "update", WARNED, "", chengdu_official.pk),
        (city.pk, "update", REVOKED, "", chengdu_official.pk),
        (national.pk, "insert", ACTIVE, "科学技术部", province_official.pk),
    ]


# --- the API -----------------------------------------------------------------------------------

INVALID_SUMMARY = "Some fields are not valid; see the messages next to each field."


def _api(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def _grant_url(organisation) -> str:
    return f"/api/v1/institutions/{organisation.pk}/designations/"


def _level_refusal(level: str) -> dict:
    details = {
        CITY: "City demonstration titles are granted and changed only by the S&T department of the "
        "institution's city.",
        PROVINCIAL: "Provincial demonstration titles are granted and changed only by the provincial S&T "
        "department.",
        NATIONAL: "National demonstration titles are decided by the Ministry of Science and Technology and "
        "recorded here only by the provincial S&T department.",
    }
    return {"code": "designation_level_not_permitted", "detail": details[level], "fields": {}}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor_name", "level"),
    [
        ("chengdu_official", PROVINCIAL),
        ("chengdu_official", NATIONAL),
        ("province_official", CITY),
        ("jinjiang_official", CITY),
    ],
)
def test_api_refuses_a_level_the_caller_may_not_grant_with_a_coded_403(
    request, chengdu_institution, actor_name, level
):
    response = _api(request.getfixturevalue(actor_name)).post(
        _grant_url(chengdu_institution),
        {"level": level, "year_granted": 2023, **DECISION[level]},
        format="json",
    )

    assert (response.status_code, response.json()) == (403, _level_refusal(level))
    assert not Designation.objects.exists()


@pytest.mark.django_db
def test_api_refuses_another_citys_official_as_any_other_role(mianyang_official, chengdu_institution):
    response = _api(mianyang_official).post(
        _grant_url(chengdu_institution), {"level": CITY, "year_granted": 2023}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert not Designation.objects.exists()


@pytest.mark.django_db
def test_api_city_official_grants_a_city_title(chengdu_official, chengdu_institution):
    response = _api(chengdu_official).post(
        _grant_url(chengdu_institution),
        {"level": CITY, "year_granted": 2023, "document_number": "成科发〔2023〕8号"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    department = _department(chengdu_official)
    assert (body["level"], body["level_label"], body["decided_by"], body["document_number"]) == (
        "city",
        "City demonstration institution",
        "",
        "成科发〔2023〕8号",
    )
    assert body["granted_by"] == {"id": department.pk, "name": department.name}


@pytest.mark.django_db
def test_api_records_a_national_title_with_its_decision(province_official, chengdu_institution):
    client = _api(province_official)
    url = _grant_url(chengdu_institution)

    incomplete = client.post(url, {"level": NATIONAL, "year_granted": 2023}, format="json")
    assert (incomplete.status_code, incomplete.json()) == (
        400,
        {
            "code": "invalid",
            "detail": INVALID_SUMMARY,
            "fields": {
                "decided_by": ["A national title needs the body that decided it, e.g. 科学技术部."],
                "document_number": ["A national title needs the number of the deciding document (文号)."],
            },
        },
    )
    assert not Designation.objects.exists()

    recorded = client.post(
        url, {"level": NATIONAL, "year_granted": 2023, **DECISION[NATIONAL]}, format="json"
    )
    assert recorded.status_code == 201
    assert (recorded.json()["decided_by"], recorded.json()["document_number"]) == (
        "科学技术部",
        "国科火字〔2023〕1号",
    )
    public = APIClient().get("/api/v1/designations/", {"level": "national"})
    assert [(row["decided_by"], row["document_number"]) for row in public.json()["results"]] == [
        ("科学技术部", "国科火字〔2023〕1号")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor_name", "level", "permitted"),
    [
        ("chengdu_official", CITY, True),
        ("chengdu_official", PROVINCIAL, False),
        ("province_official", PROVINCIAL, True),
        ("province_official", CITY, False),
        ("jinjiang_official", CITY, False),
    ],
)
def test_api_status_changes_follow_the_level_rule(
    request, chengdu_institution, platform_admin, actor_name, level, permitted
):
    designation = _grant(platform_admin, chengdu_institution, level)

    response = _api(request.getfixturevalue(actor_name)).post(
        f"/api/v1/designations/{designation.pk}/warn/", {"reason": "年报逾期"}, format="json"
    )

    designation.refresh_from_db()
    if permitted:
        assert (response.status_code, response.json()["status"], designation.status) == (
            200,
            "warned",
            WARNED,
        )
    else:
        assert (response.status_code, response.json()) == (403, _level_refusal(level))
        assert (designation.status, designation.status_reason) == (ACTIVE, "")


# --- the pages ---------------------------------------------------------------------------------


def _browser(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def _page_url(organisation) -> str:
    return f"/institutions/{organisation.pk}/designations/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor_name", "offered"),
    [
        ("platform_admin", ["national", "provincial", "city"]),
        ("province_official", ["national", "provincial"]),
        ("chengdu_official", ["city"]),
        ("jinjiang_official", []),
    ],
)
def test_the_form_offers_only_the_levels_the_actor_may_grant(
    request, chengdu_institution, actor_name, offered
):
    response = _browser(request.getfixturevalue(actor_name)).get(_page_url(chengdu_institution))

    assert response.status_code == 200
    assert [value for value, _label in response.context["grant_form"].fields["level"].choices] == offered
    assert response.context["may_grant"] is bool(offered)
    assert ('name="level"' in response.content.decode()) is bool(offered)
    # The deciding body is asked only of those who record national titles.
    assert ('name="decided_by"' in response.content.decode()) is ("national" in offered)


@pytest.mark.django_db
def test_a_county_official_is_told_who_grants_titles(jinjiang_official, chengdu_institution):
    response = _browser(jinjiang_official).get(_page_url(chengdu_institution))

    assert "You may not grant any demonstration title to this institution" in response.content.decode()


@pytest.mark.django_db
def test_a_city_official_posting_a_provincial_title_gets_the_form_back(chengdu_official, chengdu_institution):
    response = _browser(chengdu_official).post(
        _page_url(chengdu_institution), {"level": PROVINCIAL, "year_granted": 2023}
    )

    assert response.status_code == 400
    assert response.context["grant_form"].errors == {
        "level": ["Select a valid choice. provincial is not one of the available choices."]
    }
    assert not Designation.objects.exists()


@pytest.mark.django_db
def test_the_page_shows_a_national_titles_missing_decision_next_to_the_fields(
    province_official, chengdu_institution
):
    response = _browser(province_official).post(
        _page_url(chengdu_institution), {"level": NATIONAL, "year_granted": 2023}
    )

    assert response.status_code == 400
    errors = response.context["grant_form"].errors
    assert (errors["decided_by"], errors["document_number"]) == (
        ["A national title needs the body that decided it, e.g. 科学技术部."],
        ["A national title needs the number of the deciding document (文号)."],
    )
    assert 'id="id_decided_by_errors"' in response.content.decode()
    assert not Designation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor_name", "with_buttons"),
    [
        ("chengdu_official", {CITY}),
        ("province_official", {PROVINCIAL}),
        ("platform_admin", {CITY, PROVINCIAL}),
    ],
)
def test_the_page_offers_status_changes_only_for_the_actors_levels(
    request, chengdu_institution, platform_admin, actor_name, with_buttons
):
    _grant(platform_admin, chengdu_institution, CITY)
    _grant(platform_admin, chengdu_institution, PROVINCIAL)

    response = _browser(request.getfixturevalue(actor_name)).get(_page_url(chengdu_institution))

    assert {row["designation"].level for row in response.context["rows"] if row["actions"]} == with_buttons


@pytest.mark.django_db
def test_a_city_official_cannot_revoke_a_provincial_title_from_the_page(
    chengdu_official, platform_admin, chengdu_institution
):
    designation = _grant(platform_admin, chengdu_institution, PROVINCIAL)
    prefix = f"designation-{designation.pk}"

    response = _browser(chengdu_official).post(
        f"{_page_url(chengdu_institution)}{designation.pk}/status/",
        {f"{prefix}-status": REVOKED, f"{prefix}-reason": "越级撤销"},
    )

    assert response.status_code == 403
    designation.refresh_from_db()
    assert (designation.status, designation.status_reason) == (ACTIVE, "")


@pytest.mark.django_db
def test_a_provincial_official_changes_a_provincial_title_from_the_page(
    province_official, platform_admin, chengdu_institution
):
    designation = _grant(platform_admin, chengdu_institution, PROVINCIAL)
    prefix = f"designation-{designation.pk}"

    response = _browser(province_official).post(
        f"{_page_url(chengdu_institution)}{designation.pk}/status/",
        {f"{prefix}-status": WARNED, f"{prefix}-reason": "年报逾期"},
    )

    assert response.status_code == 302
    designation.refresh_from_db()
    assert (designation.status, designation.status_reason) == (WARNED, "年报逾期")
