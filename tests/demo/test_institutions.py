"""The institutions part of ``manage.py seed_demo`` (``demo.loaders.institutions``): plausible
institutions in all 21 市(州) with a registration body and enterprises in each, valid codes, a login per
role, idempotent. The command itself, which also files the demo achievements and builds the demo
market, is tested in ``tests/demo/test_market.py``."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone, translation

from accounts.models import PartnerAPIKey, User
from demo.loaders import institutions as institution_loader
from demo.specs import institutions as institution_specs
from institutions import identifiers
from institutions.choices import (
    DesignationLevel,
    DesignationStatus,
    MembershipRole,
    OrganisationKind,
    TransferKind,
    TransferLevel,
)
from institutions.models import (
    AuditEvent,
    Designation,
    Membership,
    Organisation,
    Region,
    validate_credit_code,
)
from institutions.roles import actor_roles

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = [
    "admin",
    "province",
    "chengdu",
    "mianyang",
    "scu-admin",
    "scu-staff",
    "enterprise",
    "broker",
    "enterprise-cd",
    "registrar",
    "registrar-cd",
    "partner",
]


def seed() -> str:
    """Loads the demo institutions and returns the report the command prints for them."""
    with translation.override("en"):
        loader = institution_loader.load()
        lines = [institution_loader.summary(loader.counts)]
        lines += [line for line, _is_warning in institution_loader.logins_report(loader)]
    return "\n".join(lines) + "\n"


def row_counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "memberships": Membership.objects.count(),
        "designations": Designation.objects.count(),
        "users": User.objects.count(),
        "partner_keys": PartnerAPIKey.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def test_every_city_has_enterprises_of_several_legal_entity_types():
    seed()

    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
    assert enterprises.count() == 50
    for city in Region.objects.home().cities():
        assert 2 <= enterprises.filter(region__code__startswith=city.code[:4]).count() <= 4, city.name
    assert set(enterprises.values_list("entity_type__code", flat=True)) == {"110", "150", "160", "170"}


def test_every_city_has_its_st_bureau_and_a_city_level_transfer_institution():
    seed()

    for city in Region.objects.home().cities():
        in_city = Organisation.objects.in_regions([city.jurisdiction_prefix])
        bureaus = in_city.filter(kind=OrganisationKind.GOVERNMENT_DEPARTMENT, region=city)
        assert [bureau.name for bureau in bureaus] == [f"{city.name}科学技术局"]
        city_level = in_city.filter(is_transfer_institution=True, transfer_level=TransferLevel.CITY).exclude(
            transfer_kind=TransferKind.UNIVERSITY_OFFICE
        )
        assert 1 <= city_level.count() <= 3, city.name


def test_the_network_links_counties_to_cities_and_cities_to_the_provincial_centre():
    seed()
    provincial_centre = org("四川省技术转移中心")

    assert provincial_centre.region_id == "510000"
    assert provincial_centre.transfer_level == TransferLevel.PROVINCE
    assert org("国家技术转移西南中心").transfer_level == TransferLevel.PROVINCE
    assert org("成都市科技成果转化服务中心").parent == provincial_centre
    assert org("阿坝州科技成果转化服务中心").parent == provincial_centre
    assert org("郫都区科技成果转化服务站").parent == org("成都市科技成果转化服务中心")
    assert org("江油市技术转移工作站").parent == org("绵阳市科技成果转化服务中心")
    counties = Organisation.objects.filter(transfer_level=TransferLevel.COUNTY)
    assert sorted(counties.values_list("region_id", flat=True)) == [
        "510116",
        "510117",
        "510681",
        "510781",
        "511504",
    ]
    assert {county.parent.transfer_level for county in counties} == {TransferLevel.CITY}


def test_universities_and_institutes_have_their_transfer_offices_in_their_own_city():
    seed()

    office = org("四川大学技术转移中心")
    assert office.transfer_kind == TransferKind.UNIVERSITY_OFFICE
    assert office.region_id == org("四川大学").region_id == "510107"
    assert org("西南科技大学").region.parent_id == "510700"
    assert org("中国工程物理研究院").kind == OrganisationKind.RESEARCH_INSTITUTE
    assert org("四川轻化工大学").region.parent_id == "510300"
    assert org("西南医科大学").region.parent_id == "510500"
    assert org("川北医学院").region.parent_id == "511300"
    assert org("四川省科学技术厅").entity_type.code == "010"
    assert org("四川大学").entity_type.code == "022"
    bodies = Organisation.objects.filter(kind=OrganisationKind.REGISTRATION_BODY)
    assert bodies.count() == 22
    assert sorted(bodies.values_list("region_id", flat=True)) == sorted(
        ["510000", *(city.code for city in institution_specs.CITIES)]
    )
    assert set(bodies.values_list("entity_type__code", flat=True)) == {"024"}
    assert org("成都市技术合同认定登记站").region_id == "510100"


def test_universities_and_institutes_name_their_transfer_offices_and_the_offices_whom_they_serve():
    seed()

    linked = {
        organisation.name: organisation.transfer_office.name
        for organisation in Organisation.objects.filter(transfer_office__isnull=False).select_related(
            "transfer_office"
        )
    }
    offices = [academy for academy in institution_specs.ACADEMIES if academy.office]
    assert linked == {academy.name: academy.office for academy in offices}
    assert linked["四川大学"] == "四川大学技术转移中心"
    assert org("西南财经大学").transfer_office is None  # it has no office of its own
    assert list(org("四川大学技术转移中心").served_organisations.all()) == [org("四川大学")]
    assert {
        office.transfer_kind for office in Organisation.objects.filter(served_organisations__isnull=False)
    } == {TransferKind.UNIVERSITY_OFFICE}


def test_a_demo_loaded_before_offices_were_linked_gets_them_without_undoing_a_change():
    seed()
    Organisation.objects.filter(name="四川大学").update(transfer_office=None)
    Organisation.objects.filter(name="电子科技大学").update(transfer_office=org("四川大学技术转移中心"))

    output = seed()

    assert "Demo data: 1 transfer office linked." in output
    assert org("四川大学").transfer_office == org("四川大学技术转移中心")
    assert org("电子科技大学").transfer_office == org("四川大学技术转移中心")


def test_every_credit_code_is_valid_and_derived_the_same_way_every_time():
    seed()

    codes = list(Organisation.objects.values_list("credit_code", flat=True))
    for code in codes:
        validate_credit_code(code)
        assert identifiers.is_valid_credit_code(code), code
    assert len(codes) == len(institution_specs.organisation_specs()) == 158
    # Fixed expectations: the codes derive from category, region and slot, so reruns give the same ones.
    assert org("四川大学").credit_code == "125101074500107U35"
    assert org("四川省科学技术厅").credit_code == "11510000008000013D"
    assert org("德阳天工重型装备有限公司").credit_code == "91510603MA60603185"
    assert org("成都创新驿站技术转移服务中心").credit_code == "52510100MJ00100135"


def test_every_organisation_has_an_introduction_and_institutions_their_fields_and_services():
    seed()

    assert not Organisation.objects.filter(introduction="").exists()
    for institution in Organisation.objects.transfer_institutions().prefetch_related("service_fields"):
        assert institution.services, institution.name
        assert list(institution.service_fields.all()), institution.name


def test_designations_include_national_provincial_city_one_warned_and_one_revoked():
    seed()

    assert Designation.objects.filter(level=DesignationLevel.NATIONAL).count() == 3
    assert Designation.objects.filter(level=DesignationLevel.PROVINCIAL).count() == 7
    # City titles are granted by the city's own bureau, in that city.
    assert sorted(
        Designation.objects.filter(level=DesignationLevel.CITY).values_list(
            "organisation__name", "granted_by__name", "organisation__region_id"
        )
    ) == [
        ("成都天府科创技术转移服务有限公司", "成都市科学技术局", "510100"),
        ("绵阳科技城军民融合技术转移有限公司", "绵阳市科学技术局", "510700"),
    ]
    warned = Designation.objects.get(status=DesignationStatus.WARNED)
    revoked = Designation.objects.get(status=DesignationStatus.REVOKED)
    assert warned.organisation.name == "攀枝花钒钛产业技术转移中心"
    assert warned.status_reason.startswith("2023年度绩效评价")
    assert revoked.organisation.name == "乐山光伏产业技术服务有限公司"
    assert "撤销" in revoked.status_reason
    assert set(
        Designation.objects.exclude(level=DesignationLevel.CITY).values_list("granted_by__name", flat=True)
    ) == {"四川省科学技术厅"}
    assert {d.year_granted for d in Designation.objects.all()} <= set(range(2016, 2025))


def test_each_demo_user_has_the_intended_roles():
    seed()
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)}
    scu_office = org("四川大学技术转移中心").pk

    assert sorted(users) == sorted(DEMO_USERNAMES)
    expected_labels = {
        "admin": ["platform_admin"],
        "province": ["official"],
        "chengdu": ["official"],
        "mianyang": ["official"],
        "scu-admin": ["institution_admin"],
        "scu-staff": ["institution_staff"],
        "enterprise": ["enterprise_user"],
        "broker": ["broker"],
        "enterprise-cd": ["enterprise_user"],
        "registrar": ["registrar"],
        "registrar-cd": ["registrar"],
        "partner": ["partner"],
    }
    assert {name: actor_roles(user).labels for name, user in users.items()} == expected_labels
    assert actor_roles(users["province"]).jurisdiction_prefixes == ("51",)
    assert actor_roles(users["chengdu"]).jurisdiction_prefixes == ("5101",)
    assert actor_roles(users["mianyang"]).jurisdiction_prefixes == ("5107",)
    assert actor_roles(users["scu-admin"]).admin_of == frozenset({scu_office})
    assert actor_roles(users["scu-staff"]).member_of == frozenset({scu_office})
    assert actor_roles(users["enterprise"]).enterprise_of == frozenset({org("德阳天工重型装备有限公司").pk})
    assert actor_roles(users["broker"]).broker_of == frozenset({org("成都天府科创技术转移服务有限公司").pk})
    assert actor_roles(users["enterprise-cd"]).enterprise_of == frozenset({org("成都芯瑞微电子有限公司").pk})
    assert actor_roles(users["registrar"]).registrar_of == frozenset({org("四川省技术合同认定登记中心").pk})
    assert actor_roles(users["registrar-cd"]).registrar_of == frozenset({org("成都市技术合同认定登记站").pk})
    assert actor_roles(users["partner"]).partner_of == frozenset({org("国家技术转移西南中心").pk})
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert [name for name, user in users.items() if user.is_superuser] == ["admin"]


def test_demo_logins_share_one_password_that_meets_the_policy_and_has_not_expired():
    seed()

    for user in User.objects.filter(username__in=DEMO_USERNAMES).exclude(username="partner"):
        validate_password(institution_specs.DEMO_PASSWORD, user)
        assert user.check_password(institution_specs.DEMO_PASSWORD), user.username
        assert not user.password_expired(), user.username
    partner = User.objects.get(username="partner")
    assert not partner.has_usable_password()
    assert PartnerAPIKey.objects.filter(user=partner, revoked=False).count() == 1


def test_the_output_lists_every_login_and_the_partner_key_only_the_first_time():
    first = seed()
    second = seed()

    for username in DEMO_USERNAMES:
        assert f"\n{username} " in first
        assert f"\n{username} " in second
    assert institution_specs.DEMO_PASSWORD in first
    key_prefix = PartnerAPIKey.objects.get().prefix
    assert f"{key_prefix}." in first
    assert key_prefix not in second


def test_a_second_run_creates_and_changes_nothing_and_writes_no_audit_events():
    seed()
    before = row_counts()
    updated_at = dict(Organisation.objects.values_list("pk", "updated_at"))

    seed()

    assert row_counts() == before
    assert dict(Organisation.objects.values_list("pk", "updated_at")) == updated_at


def test_the_audit_trail_records_the_seed_as_its_source():
    seed()

    events = AuditEvent.objects.filter(pgh_obj_model="institutions.Organisation")
    assert events.count() == 158
    assert set(events.values_list("pgh_context__source", flat=True)) == {"seed_demo"}


def test_a_rerun_keeps_changed_passwords_and_profiles_but_restores_demo_memberships():
    seed()
    staff = User.objects.get(username="scu-staff")
    staff.set_password("Changed#Pass1")
    staff.save()
    Membership.objects.filter(user=staff).update(role=MembershipRole.BROKER, is_active=False)
    Organisation.objects.filter(name="四川大学").update(address="成都市双流区川大路二段2号")

    output = seed()

    staff.refresh_from_db()
    assert staff.check_password("Changed#Pass1")
    membership = Membership.objects.get(user=staff)
    assert (membership.role, membership.is_active) == (MembershipRole.STAFF, True)
    assert org("四川大学").address == "成都市双流区川大路二段2号"
    assert "Demo data: 1 membership restored." in output


def test_a_rerun_renews_an_expired_demo_password_without_changing_it():
    seed()
    User.objects.filter(username="chengdu").update(password_changed_at=timezone.now() - timedelta(days=365))

    output = seed()

    chengdu = User.objects.get(username="chengdu")
    assert not chengdu.password_expired()
    assert chengdu.check_password(institution_specs.DEMO_PASSWORD)
    assert "Demo data: 1 demo password renewed." in output


def test_a_second_run_says_nothing_changed():
    seed()

    assert seed().startswith("Demo data: already in place, nothing changed.")
