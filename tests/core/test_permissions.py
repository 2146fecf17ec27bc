"""``require``, the one permission check: a 403 page on the site, the standard 403 body on the API."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from core.api.exceptions import exception_handler
from core.permissions import require
from institutions.models import Organisation

FORBIDDEN = {
    "code": "permission_denied",
    "detail": "You do not have permission to perform this action.",
    "fields": {},
}


def test_require_passes_when_the_user_holds_the_permission(platform_admin):
    require(platform_admin, "institutions.add_organisation")


@pytest.mark.django_db
def test_require_refuses_a_missing_user():
    with pytest.raises(PermissionDenied):
        require(None, "institutions.add_organisation")


def test_require_refuses_a_user_without_the_permission(chengdu_staff, mianyang_institution):
    with translation.override("en"), pytest.raises(PermissionDenied) as refusal:
        require(chengdu_staff, "institutions.change_organisation", mianyang_institution)

    assert str(refusal.value) == "You do not have permission to do this."


def test_a_page_refused_by_require_is_the_403_page_with_its_sentence(chengdu_staff):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(chengdu_staff)

    response = client.get("/institutions/new/")

    assert response.status_code == 403
    assert "You do not have permission to do this." in response.content.decode()


def test_an_api_call_refused_by_require_gets_the_standard_403_body(chengdu_staff):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(chengdu_staff)
    before = Organisation.objects.count()

    response = client.post("/api/v1/institutions/", {"name": "成都武侯技术转移中心"}, format="json")

    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert Organisation.objects.count() == before


def test_the_api_answers_require_in_a_service_like_a_refused_role(chengdu_staff, mianyang_institution):
    # given: require raised inside a service, below the view
    try:
        require(chengdu_staff, "institutions.change_organisation", mianyang_institution)
    except PermissionDenied as refusal:
        error = refusal

    # when
    with translation.override("en"):
        response = exception_handler(error, {})

    # then
    assert (response.status_code, response.data) == (403, FORBIDDEN)


def test_the_api_keeps_a_services_own_reason_for_refusing():
    response = exception_handler(
        PermissionDenied("Only the two parties of a match can give feedback on it."), {}
    )

    assert (response.status_code, response.data) == (
        403,
        {
            "code": "permission_denied",
            "detail": "Only the two parties of a match can give feedback on it.",
            "fields": {},
        },
    )
