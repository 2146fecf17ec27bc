"""A user's roles come from their memberships, read in one query and cached for the request."""

import pytest

from institutions.choices import MembershipRole, OrganisationKind
from institutions.roles import actor_roles
from tests import factories

pytestmark = pytest.mark.django_db


def test_visitors_have_no_roles():
    from django.contrib.auth.models import AnonymousUser

    roles = actor_roles(AnonymousUser())
    assert roles.labels == []
    assert not roles.is_official


def test_a_city_official_has_the_city_as_jurisdiction(chengdu_official):
    roles = actor_roles(chengdu_official)

    assert roles.labels == ["official"]
    assert roles.jurisdiction_prefixes == ("5101",)
    assert roles.covers_region("510104")
    assert not roles.covers_region("510703")


def test_a_provincial_official_covers_every_city(province_official):
    roles = actor_roles(province_official)

    assert roles.is_provincial_official
    assert roles.covers_region("513401")


def test_institution_admin_staff_enterprise_broker_and_partner_labels(chengdu_institution):
    enterprise = factories.OrganisationFactory(kind=OrganisationKind.ENTERPRISE)
    person = factories.admin_of(chengdu_institution)
    factories.MembershipFactory(user=person, organisation=enterprise, role=MembershipRole.STAFF)
    agency = factories.TransferInstitutionFactory()
    factories.MembershipFactory(user=person, organisation=agency, role=MembershipRole.BROKER)
    partner_org = factories.OrganisationFactory()
    factories.MembershipFactory(user=person, organisation=partner_org, role=MembershipRole.PARTNER)

    assert actor_roles(person).labels == ["institution_admin", "enterprise_user", "broker", "partner"]


def test_roles_are_read_once_per_user_object(chengdu_official, django_assert_num_queries):
    with django_assert_num_queries(1):
        actor_roles(chengdu_official)
        actor_roles(chengdu_official)


def test_inactive_memberships_and_organisations_grant_nothing(chengdu_official):
    membership = chengdu_official.memberships.get()
    membership.organisation.is_active = False
    membership.organisation.save()

    assert actor_roles(type(chengdu_official).objects.get(pk=chengdu_official.pk)).labels == []
