"""An organisation's technology-transfer office (issue 11, item 11): a university names the transfer
institution that transfers its results; its page links to it and to its public achievements, and the
office's page names the organisations it serves (依托单位). Editable by officials and the organisation's
own admin, validated, in the API, at a fixed query count."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from institutions import services
from institutions.choices import OrganisationKind
from institutions.forms import OrganisationForm
from institutions.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def university() -> Organisation:
    return factories.OrganisationFactory(
        name="成都锦江大学", kind=OrganisationKind.UNIVERSITY, region=factories.region("510104")
    )


@pytest.fixture
def university_admin(university):
    return factories.admin_of(university, username="university-admin")


def browser(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def link(organisation, attribute: str) -> str:
    return f'<a href="/institutions/{organisation.pk}/" data-link="{attribute}">{organisation.name}</a>'


# --- the service: who may set it, and what it may be -----------------------------------------------


@pytest.mark.parametrize("editor", ["university_admin", "chengdu_official"])
def test_the_organisations_admin_and_its_officials_set_its_transfer_office(
    request, university, chengdu_institution, editor
):
    services.organisation_update(
        actor=request.getfixturevalue(editor),
        organisation=university,
        data={"transfer_office": chengdu_institution},
    )

    university.refresh_from_db()
    assert university.transfer_office == chengdu_institution
    assert list(chengdu_institution.served_organisations.all()) == [university]


@pytest.mark.parametrize("editor", ["chengdu_admin", "mianyang_official"])
def test_nobody_else_sets_it(request, university, chengdu_institution, editor):
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=request.getfixturevalue(editor),
            organisation=university,
            data={"transfer_office": chengdu_institution},
        )

    university.refresh_from_db()
    assert university.transfer_office is None


def test_the_office_must_be_a_transfer_institution_and_not_the_organisation_itself(
    university, chengdu_institution, chengdu_official
):
    enterprise = factories.OrganisationFactory(name="锦江电池有限公司")

    with pytest.raises(ValidationError) as not_an_office:
        services.organisation_update(
            actor=chengdu_official, organisation=university, data={"transfer_office": enterprise}
        )
    with pytest.raises(ValidationError) as itself:
        services.organisation_update(
            actor=chengdu_official,
            organisation=chengdu_institution,
            data={"transfer_office": chengdu_institution},
        )

    with translation.override("zh-hans"):
        assert not_an_office.value.message_dict == {
            "transfer_office": ["所选的技术转移机构须是登记为技术转移机构的单位。"]
        }
    with translation.override("en"):
        assert not_an_office.value.message_dict == {
            "transfer_office": ["The technology-transfer office must be a technology-transfer institution."]
        }
        assert itself.value.message_dict == {
            "transfer_office": ["An organisation cannot be its own technology-transfer office."]
        }
    assert Organisation.objects.filter(transfer_office__isnull=False).count() == 0


def test_the_form_offers_active_transfer_institutions_but_not_the_organisation_itself(
    university, chengdu_institution, mianyang_institution, chengdu_official
):
    inactive = factories.TransferInstitutionFactory(name="已撤销技术转移中心", is_active=False)
    factories.OrganisationFactory(name="锦江电池有限公司")

    offered_to_university = OrganisationForm(instance=university, actor=chengdu_official)
    offered_to_office = OrganisationForm(instance=chengdu_institution, actor=chengdu_official)

    assert set(offered_to_university.fields["transfer_office"].queryset) == {
        chengdu_institution,
        mianyang_institution,
    }
    assert inactive not in offered_to_office.fields["transfer_office"].queryset
    assert chengdu_institution not in offered_to_office.fields["transfer_office"].queryset
    assert not offered_to_university.fields["transfer_office"].disabled  # the admin's own field


def test_the_edit_page_saves_it_for_the_organisations_admin(
    university, chengdu_institution, university_admin
):
    form = OrganisationForm(instance=university, actor=university_admin)
    data = {name: form[name].value() for name in form.fields if not form.fields[name].disabled}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    data["transfer_office"] = chengdu_institution.pk

    response = browser(university_admin).post(f"/institutions/{university.pk}/edit/", data)

    assert response.status_code == 302
    university.refresh_from_db()
    assert university.transfer_office == chengdu_institution


# --- the pages: links both ways ----------------------------------------------------------------


def test_the_universitys_page_links_its_office_and_public_achievements_and_the_office_names_it(
    university, chengdu_institution, chengdu_official
):
    services.organisation_update(
        actor=chengdu_official, organisation=university, data={"transfer_office": chengdu_institution}
    )

    university_page = browser().get(f"/institutions/{university.pk}/").content.decode()
    office_page = browser().get(f"/institutions/{chengdu_institution.pk}/").content.decode()
    chinese_page = Client().get(f"/institutions/{university.pk}/").content.decode()

    assert "Technology-transfer office" in university_page
    assert link(chengdu_institution, "transfer-office") in university_page
    assert (
        f'href="/achievements/?institution={university.pk}" data-link="public-achievements"'
        in university_page
    )
    assert "Organisations served" in office_page
    assert link(university, "served-organisation") in office_page
    assert "技术转移机构" in chinese_page
    assert "依托单位" in Client().get(f"/institutions/{chengdu_institution.pk}/").content.decode()


def test_an_inactive_office_is_not_linked(university, chengdu_institution, chengdu_official):
    services.organisation_update(
        actor=chengdu_official, organisation=university, data={"transfer_office": chengdu_institution}
    )
    Organisation.objects.filter(pk=chengdu_institution.pk).update(is_active=False)

    page = browser().get(f"/institutions/{university.pk}/").content.decode()

    assert 'data-link="transfer-office"' not in page


# The session is absent (a visitor); the organisation with its joins (region, parent, transfer office),
# its service fields, designations, active children and the organisations it serves; the designations'
# timelines read nothing when there are none.
DETAIL_QUERIES = 5


@pytest.mark.parametrize("served", [1, 6])
def test_the_offices_page_costs_the_same_queries_for_1_and_6_organisations_served(
    served, chengdu_institution, django_assert_num_queries
):
    for number in range(served):
        factories.OrganisationFactory(
            name=f"锦江第{number}大学", kind=OrganisationKind.UNIVERSITY, transfer_office=chengdu_institution
        )

    with django_assert_num_queries(DETAIL_QUERIES):
        response = browser().get(f"/institutions/{chengdu_institution.pk}/")

    assert len(response.context["organisation"].active_served_organisations) == served


def test_the_universitys_page_costs_no_query_more_for_its_office(
    university, chengdu_institution, django_assert_num_queries
):
    with django_assert_num_queries(DETAIL_QUERIES):
        browser().get(f"/institutions/{university.pk}/")
    Organisation.objects.filter(pk=university.pk).update(transfer_office=chengdu_institution)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = browser().get(f"/institutions/{university.pk}/")

    assert link(chengdu_institution, "transfer-office") in response.content.decode()


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_reads_and_writes_it(university, chengdu_institution, university_admin):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(university_admin)

    response = client.patch(
        f"/api/v1/institutions/{university.pk}/", {"transfer_office": chengdu_institution.pk}, format="json"
    )
    office = APIClient().get(f"/api/v1/institutions/{chengdu_institution.pk}/").json()
    listed = APIClient().get("/api/v1/institutions/", {"q": "成都锦江大学"}).json()["results"]

    assert response.status_code == 200
    assert response.json()["transfer_office"] == {
        "id": chengdu_institution.pk,
        "name": "成都锦江技术转移中心",
    }
    assert response.json()["served_organisations"] == []
    assert office["served_organisations"] == [
        {"id": university.pk, "name": "成都锦江大学", "region": {"code": "510104", "name": "锦江区"}}
    ]
    assert office["transfer_office"] is None
    assert [row["transfer_office"] for row in listed] == [
        {"id": chengdu_institution.pk, "name": "成都锦江技术转移中心"}
    ]


def test_the_api_refuses_an_office_that_is_no_transfer_institution_with_a_400(university, university_admin):
    enterprise = factories.OrganisationFactory(name="锦江电池有限公司")
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(university_admin)

    response = client.patch(
        f"/api/v1/institutions/{university.pk}/", {"transfer_office": enterprise.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "transfer_office": ["The technology-transfer office must be a technology-transfer institution."]
    }
    university.refresh_from_db()
    assert university.transfer_office is None
