"""The institution network's writes: state rules, validation and the role/jurisdiction matrix."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from institutions import services
from institutions.choices import DesignationLevel, DesignationStatus, MembershipRole, OrganisationKind
from institutions.models import Designation, Membership, Organisation
from tests import factories

pytestmark = pytest.mark.django_db


def _new_institution_data(region_code="510107", **overrides):
    data = {
        "name": "成都武侯科技成果转化服务中心",
        "credit_code": factories.credit_code_for(region_code, 990001, prefix="52"),
        "kind": OrganisationKind.TRANSFER_AGENCY,
        "region": factories.region(region_code),
        "is_transfer_institution": True,
        "transfer_level": "county",
        "transfer_kind": "market_based",
        "services": ["transfer", "evaluation"],
    }
    data.update(overrides)
    return data


# --- organisation_create ------------------------------------------------------------------------


def test_city_official_registers_an_institution_in_a_county_of_their_city(chengdu_official):
    organisation = services.organisation_create(actor=chengdu_official, data=_new_institution_data())

    assert organisation.region_id == "510107"
    assert organisation.services == ["transfer", "evaluation"]
    assert Organisation.objects.filter(name="成都武侯科技成果转化服务中心").count() == 1


def test_provincial_official_registers_anywhere_in_sichuan(province_official):
    organisation = services.organisation_create(
        actor=province_official, data=_new_institution_data("513401", name="西昌技术转移工作站")
    )
    assert organisation.region_id == "513401"


@pytest.mark.parametrize("actor_fixture", ["mianyang_official", "chengdu_staff", "chengdu_admin"])
def test_others_cannot_register_in_chengdu(request, actor_fixture):
    actor = request.getfixturevalue(actor_fixture)
    before = Organisation.objects.count()

    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=actor, data=_new_institution_data())

    assert Organisation.objects.count() == before


def test_a_bad_credit_code_is_refused_with_a_field_message(chengdu_official):
    data = _new_institution_data(credit_code="91510100123456780W")

    with pytest.raises(ValidationError) as raised:
        services.organisation_create(actor=chengdu_official, data=data)

    assert list(raised.value.message_dict) == ["credit_code"]
    assert not Organisation.objects.filter(name=data["name"]).exists()


def test_a_transfer_institution_needs_its_level_and_kind(chengdu_official):
    data = _new_institution_data(transfer_level="", transfer_kind="")

    with pytest.raises(ValidationError) as raised:
        services.organisation_create(actor=chengdu_official, data=data)

    assert set(raised.value.message_dict) == {"transfer_level", "transfer_kind"}


def test_a_duplicate_credit_code_is_refused(chengdu_official, chengdu_institution):
    data = _new_institution_data(credit_code=chengdu_institution.credit_code)

    with pytest.raises(ValidationError) as raised:
        services.organisation_create(actor=chengdu_official, data=data)

    assert "credit_code" in raised.value.message_dict


# --- organisation_update ------------------------------------------------------------------------


def test_institution_admin_edits_the_profile_of_their_institution(chengdu_admin, chengdu_institution):
    services.organisation_update(
        actor=chengdu_admin,
        organisation=chengdu_institution,
        data={"address": "成都市锦江区东大街100号", "introduction": "面向成渝地区的技术转移服务。"},
    )

    chengdu_institution.refresh_from_db()
    assert chengdu_institution.address == "成都市锦江区东大街100号"


def test_institution_admin_cannot_move_or_rename_their_institution(chengdu_admin, chengdu_institution):
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=chengdu_admin, organisation=chengdu_institution, data={"region": factories.region("510703")}
        )

    chengdu_institution.refresh_from_db()
    assert chengdu_institution.region_id == "510104"


def test_institution_admin_cannot_edit_another_institution(chengdu_admin, mianyang_institution):
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=chengdu_admin, organisation=mianyang_institution, data={"address": "改不了"}
        )
    mianyang_institution.refresh_from_db()
    assert mianyang_institution.address == ""


def test_city_official_moves_an_institution_within_the_city_but_not_out(
    chengdu_official, chengdu_institution
):
    services.organisation_update(
        actor=chengdu_official, organisation=chengdu_institution, data={"region": factories.region("510105")}
    )
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=chengdu_official,
            organisation=chengdu_institution,
            data={"region": factories.region("510703")},
        )

    chengdu_institution.refresh_from_db()
    assert chengdu_institution.region_id == "510105"


def test_wrong_jurisdiction_official_cannot_edit(mianyang_official, chengdu_institution):
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=mianyang_official, organisation=chengdu_institution, data={"address": "绵阳"}
        )
    chengdu_institution.refresh_from_db()
    assert chengdu_institution.address == ""


def test_the_network_cannot_loop(province_official, chengdu_institution):
    county = factories.TransferInstitutionFactory(
        region=factories.region("510104"), parent=chengdu_institution
    )

    with pytest.raises(ValidationError) as raised:
        services.organisation_update(
            actor=province_official, organisation=chengdu_institution, data={"parent": county}
        )

    assert "parent" in raised.value.message_dict
    chengdu_institution.refresh_from_db()
    assert chengdu_institution.parent_id is None


def test_the_parent_must_be_a_transfer_institution(province_official, chengdu_institution):
    enterprise = factories.OrganisationFactory()

    with pytest.raises(ValidationError):
        services.organisation_update(
            actor=province_official, organisation=chengdu_institution, data={"parent": enterprise}
        )


# --- memberships -----------------------------------------------------------------------------------


def test_institution_admin_adds_and_removes_staff(chengdu_admin, chengdu_institution):
    newcomer = factories.UserFactory(username="newcomer")

    membership = services.membership_add(
        actor=chengdu_admin, organisation=chengdu_institution, user=newcomer, role=MembershipRole.STAFF
    )
    assert newcomer.has_perm("institutions.change_organisation", chengdu_institution) is False

    services.membership_remove(actor=chengdu_admin, membership=membership)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_an_institution_admin_cannot_appoint_officials(chengdu_admin):
    department = factories.DepartmentFactory(region=factories.region("510100"))
    factories.admin_of(department, username="bureau-admin")
    bureau_admin = Membership.objects.get(user__username="bureau-admin").user
    someone = factories.UserFactory()

    with pytest.raises(PermissionDenied):
        services.membership_add(
            actor=bureau_admin, organisation=department, user=someone, role=MembershipRole.OFFICIAL
        )
    assert not Membership.objects.filter(user=someone).exists()


def test_officials_must_belong_to_a_department(province_official, chengdu_institution):
    someone = factories.UserFactory()

    with pytest.raises(ValidationError):
        services.membership_add(
            actor=province_official,
            organisation=chengdu_institution,
            user=someone,
            role=MembershipRole.OFFICIAL,
        )


def test_the_last_admin_cannot_leave(chengdu_admin):
    membership = Membership.objects.get(user=chengdu_admin)

    with pytest.raises(ValidationError):
        services.membership_remove(actor=chengdu_admin, membership=membership)
    with pytest.raises(ValidationError):
        services.membership_change_role(actor=chengdu_admin, membership=membership, role=MembershipRole.STAFF)

    membership.refresh_from_db()
    assert membership.role == MembershipRole.ADMIN


def test_a_user_joins_an_organisation_once(chengdu_admin, chengdu_staff, chengdu_institution):
    with pytest.raises(ValidationError):
        services.membership_add(
            actor=chengdu_admin,
            organisation=chengdu_institution,
            user=chengdu_staff,
            role=MembershipRole.ADMIN,
        )
    assert Membership.objects.get(user=chengdu_staff).role == MembershipRole.STAFF


def test_new_membership_takes_effect_for_an_already_checked_user(chengdu_admin, chengdu_institution):
    newcomer = factories.UserFactory()
    assert not newcomer.has_perm("institutions.manage_members", chengdu_institution)

    services.membership_add(
        actor=chengdu_admin, organisation=chengdu_institution, user=newcomer, role=MembershipRole.ADMIN
    )

    assert newcomer.has_perm("institutions.manage_members", chengdu_institution)


# --- designations ----------------------------------------------------------------------------------


def _grant(actor, organisation, level=DesignationLevel.CITY):
    """A title granted by ``actor``: by default the city title a city official grants (the whole matrix
    of levels and actors is in ``test_designation_levels.py``)."""
    return services.designation_grant(
        actor=actor,
        organisation=organisation,
        level=level,
        year_granted=2021,
        document_number="成科成〔2021〕5号",
        decided_by="科学技术部" if level == DesignationLevel.NATIONAL else "",
    )


def test_official_grants_warns_reinstates_and_revokes(chengdu_official, chengdu_institution):
    designation = _grant(chengdu_official, chengdu_institution)
    assert (designation.level, designation.status) == (DesignationLevel.CITY, DesignationStatus.ACTIVE)
    assert designation.granted_by.kind == OrganisationKind.GOVERNMENT_DEPARTMENT
    assert designation.granted_by.region_id == "510100"

    services.designation_warn(actor=chengdu_official, designation=designation, reason="年度评价不合格")
    services.designation_change_status(
        actor=chengdu_official, designation=designation, status=DesignationStatus.ACTIVE
    )
    services.designation_revoke(
        actor=chengdu_official, designation=designation, reason="连续两年未报送年度报告"
    )

    designation.refresh_from_db()
    assert designation.status == DesignationStatus.REVOKED
    assert designation.status_reason == "连续两年未报送年度报告"


def test_a_revoked_designation_stays_revoked(chengdu_official, chengdu_institution):
    designation = _grant(chengdu_official, chengdu_institution)
    services.designation_revoke(actor=chengdu_official, designation=designation, reason="弄虚作假")

    with pytest.raises(ValidationError):
        services.designation_warn(actor=chengdu_official, designation=designation, reason="再次警告")

    designation.refresh_from_db()
    assert designation.status == DesignationStatus.REVOKED
    assert designation.status_reason == "弄虚作假"


def test_warning_and_revoking_need_a_reason(chengdu_official, chengdu_institution):
    designation = _grant(chengdu_official, chengdu_institution)

    with pytest.raises(ValidationError) as raised:
        services.designation_revoke(actor=chengdu_official, designation=designation, reason="   ")

    assert "reason" in raised.value.message_dict
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.ACTIVE


def test_one_live_title_per_level_but_a_new_one_after_revocation(
    chengdu_official, province_official, chengdu_institution
):
    first = _grant(chengdu_official, chengdu_institution)
    with pytest.raises(ValidationError):
        _grant(chengdu_official, chengdu_institution)
    _grant(province_official, chengdu_institution, level=DesignationLevel.NATIONAL)

    services.designation_revoke(actor=chengdu_official, designation=first, reason="撤销")
    _grant(chengdu_official, chengdu_institution)

    assert Designation.objects.filter(organisation=chengdu_institution).count() == 3


@pytest.mark.parametrize("actor_fixture", ["mianyang_official", "chengdu_admin", "chengdu_staff"])
def test_only_officials_over_the_institution_grant_titles(request, actor_fixture, chengdu_institution):
    actor = request.getfixturevalue(actor_fixture)

    with pytest.raises(PermissionDenied):
        _grant(actor, chengdu_institution)

    assert not Designation.objects.exists()


def test_wrong_jurisdiction_official_cannot_revoke(chengdu_official, mianyang_official, chengdu_institution):
    designation = _grant(chengdu_official, chengdu_institution)

    with pytest.raises(PermissionDenied):
        services.designation_revoke(actor=mianyang_official, designation=designation, reason="越权")

    designation.refresh_from_db()
    assert designation.status == DesignationStatus.ACTIVE


def test_only_transfer_institutions_get_titles(chengdu_official):
    enterprise = factories.OrganisationFactory(region=factories.region("510104"))

    with pytest.raises(ValidationError):
        _grant(chengdu_official, enterprise)
