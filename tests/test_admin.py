"""Platform admins reach every model through Django admin; others are sent to the admin's sign-in."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.achievements.factories import published

pytestmark = pytest.mark.django_db

MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"accounts", "institutions", "achievements", "notifications"}
]


@pytest.fixture
def data(chengdu_staff, chengdu_official, chengdu_institution):
    return published(chengdu_staff, chengdu_official, chengdu_institution)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_every_changelist_and_change_page_opens_for_a_platform_admin(client, platform_admin, data, model):
    client.force_login(platform_admin)
    opts = model._meta

    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    instance = model._default_manager.first()
    if instance is not None:
        change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]))
        assert change.status_code == 200


def test_the_domain_models_are_all_registered():
    labels = {model._meta.label for model in MODELS}
    assert {
        "institutions.Organisation",
        "institutions.Membership",
        "institutions.Designation",
        "achievements.Achievement",
        "achievements.DualUseCatalogue",
        "notifications.Notification",
    } <= labels


def test_staff_of_an_institution_cannot_open_the_admin(client, chengdu_staff):
    client.force_login(chengdu_staff)

    response = client.get(reverse("admin:institutions_organisation_changelist"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
