"""Every status an API operation gives is one its schema promises, with the JSON error body.

Schemathesis found list endpoints answering an undocumented 404 for ``page=0``, error answers in
HTML, and fields documented as never null returned as null (issue 11, item 10).
"""

import pytest
from django.test import override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "detail", "fields"}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "999"])
def test_an_invalid_page_is_a_400_with_the_error_body(api_client, page):
    response = api_client.get("/api/v1/institutions/", {"page": page})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["page"]


@pytest.mark.parametrize("page_size", ["0", "-5", "many"])
def test_an_invalid_page_size_is_a_400(api_client, page_size):
    response = api_client.get("/api/v1/institutions/", {"page_size": page_size})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["page_size"]


def test_a_page_size_above_the_maximum_is_capped(api_client, settings):
    response = api_client.get("/api/v1/institutions/", {"page_size": "100000"})

    assert response.status_code == 200


def test_the_first_page_and_the_last_keyword_are_valid(api_client):
    assert api_client.get("/api/v1/institutions/", {"page": "1"}).status_code == 200
    assert api_client.get("/api/v1/institutions/", {"page": "last"}).status_code == 200


def test_the_schema_documents_page_as_a_positive_integer_and_every_list_a_400(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/institutions/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}

    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert {"400", "406"} <= set(operation["responses"])


def test_a_form_encoded_patch_is_a_clean_json_4xx(api_client):
    # given a signed-in caller and a listing that does not exist
    api_client.force_authenticate(UserFactory())

    # when the edit comes form-encoded
    response = api_client.patch(
        "/api/v1/listings/0/", "title=x&price_min=abc", content_type="application/x-www-form-urlencoded"
    )

    # then it is an ordinary documented 404 in JSON
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == ERROR_KEYS


def test_an_unsupported_body_type_is_a_documented_415(api_client):
    api_client.force_authenticate(UserFactory())

    response = api_client.post("/api/v1/listings/", "<x/>", content_type="application/xml")

    assert response.status_code == 415
    assert set(response.json()) == ERROR_KEYS


def test_an_unknown_api_address_answers_json_not_an_html_page(api_client):
    response = api_client.get("/api/v1/no-such-resource/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    assert set(response.json()) == ERROR_KEYS


@override_settings(DEBUG=False)
def test_an_unknown_api_address_answers_json_out_of_debug(api_client):
    response = api_client.get("/api/v1/listings/not-a-number/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("component", "field"),
    [("Deal", "signing_blocker"), ("Inquiry", "deal"), ("InquiryDetail", "message_count")],
)
def test_fields_that_may_be_null_are_nullable_in_the_schema(api_client, component, field):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert schema["components"]["schemas"][component]["properties"][field]["nullable"] is True


@pytest.mark.parametrize(("parameter", "value"), [("year", "0.0"), ("year", "10000"), ("year", "1.5")])
def test_a_year_a_date_cannot_hold_is_a_400_not_a_server_error(api_client, parameter, value):
    response = api_client.get("/api/v1/disclosures/", {parameter: value})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [parameter]


def test_an_id_filter_beyond_the_database_range_is_a_400(api_client):
    response = api_client.get("/api/v1/listings/", {"institution": str(2**70)})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["institution"]
