"""The OpenAPI schema validates without warnings, and the docs page works without any CDN."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path):
    schema_file = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file))

    schema = yaml.safe_load(schema_file.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/regions/",
        "/api/v1/regions/{code}/children/",
        "/api/v1/classifications/",
        "/api/v1/institutions/",
        "/api/v1/institutions/{id}/",
        "/api/v1/institutions/{id}/members/",
        "/api/v1/institutions/{id}/designations/",
        "/api/v1/institutions/{id}/history/",
        "/api/v1/memberships/{id}/",
        "/api/v1/designations/",
        "/api/v1/designations/{id}/warn/",
        "/api/v1/designations/{id}/reinstate/",
        "/api/v1/designations/{id}/revoke/",
        "/api/v1/me/",
    } <= set(schema["paths"])
    create = schema["paths"]["/api/v1/institutions/"]["post"]
    assert set(create["responses"]) == {"201", "400", "401", "403", "404", "406", "409", "415", "429"}
    assert create["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    me = schema["paths"]["/api/v1/me/"]["get"]["responses"]["429"]
    assert me["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 1}
    assert "wrong partner keys" in me["description"]


def test_schema_is_served():
    response = Client().get("/api/schema/")

    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_swagger_ui_uses_only_local_assets():
    response = Client().get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    # favicon, stylesheet and the two scripts, then the start-up script the page's CSP lets run
    assert len(assets) == 5
    *files, start_up = assets
    for asset in files:
        assert asset.startswith("/static/drf_spectacular_sidecar/"), asset
        assert finders.find(asset.removeprefix("/static/")) is not None, asset
    assert start_up == "/api/docs/?script="
    script = Client().get(start_up).content.decode()
    assert 'url: "/api/schema/"' in script
    for text in (html, script):
        assert "http://" not in text
        assert "https://" not in text
        assert "//cdn" not in text
