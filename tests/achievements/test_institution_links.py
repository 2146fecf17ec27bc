"""An institution's page links to its public achievements: the database narrowed to that filing
institution, naming it, and kept as the other filters change."""

import pytest
from django.conf import settings
from django.test import Client

from tests import factories
from tests.achievements.factories import draft, published

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def listed_titles(response) -> list[str]:
    return [achievement.title for achievement in response.context["page_obj"].object_list]


def test_an_institution_links_to_its_public_achievements(
    chengdu_staff, chengdu_official, chengdu_institution, mianyang_institution, mianyang_official
):
    # given a published and a draft filing of 锦江, and a published one of a 绵阳 institution
    published(chengdu_staff, chengdu_official, chengdu_institution, title="锦江公开的成果")
    draft(chengdu_staff, chengdu_institution, title="锦江的草稿")
    mianyang_staff = factories.staff_of(mianyang_institution, username="mianyang-filer")
    published(mianyang_staff, mianyang_official, mianyang_institution, title="绵阳公开的成果")
    link = f"/achievements/?institution={chengdu_institution.pk}"

    # when a visitor follows the link on the institution's page
    institution_page = client_for().get(f"/institutions/{chengdu_institution.pk}/").content.decode()
    response = client_for().get(link)

    # then the database lists that institution's published achievements and names it
    assert f'href="{link}" data-link="public-achievements"' in institution_page
    assert listed_titles(response) == ["锦江公开的成果"]
    assert f'data-filed-by="{chengdu_institution.pk}"' in response.content.decode()
    assert 'type="hidden" name="institution"' in response.content.decode()


def test_a_government_department_has_no_achievements_link(chengdu_institution, chengdu_official):
    department = chengdu_official.memberships.get().organisation

    page = client_for().get(f"/institutions/{department.pk}/").content.decode()

    assert 'data-link="public-achievements"' not in page
