"""Errors a person can read (issue 11, item 9): out of debug, the branded 400/403/404/500 pages in
Chinese and English, never Django's debug page with its URL list or a traceback; and ``make run`` runs
out of debug unless a developer asks for it."""

import importlib.util
import os
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, override_settings
from django.urls import include, path

import config.urls

pytestmark = pytest.mark.django_db


def denied(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("tampered")


def broken(request):
    raise RuntimeError("secret internals")


# This module is the URL map of the tests below: the site's, plus three views that fail on purpose.
urlpatterns = [
    path("test-errors/denied/", denied),
    path("test-errors/suspicious/", suspicious),
    path("test-errors/broken/", broken),
    path("api/v1/test-broken/", broken),
    path("", include(config.urls.urlpatterns)),
]
handler400 = config.urls.handler400
handler403 = config.urls.handler403
handler404 = config.urls.handler404
handler500 = config.urls.handler500

error_urls = override_settings(ROOT_URLCONF=__name__, DEBUG=False)


def client_in(language: str) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    return client


def page(response) -> str:
    return response.content.decode()


@error_urls
@pytest.mark.parametrize(
    ("language", "title"), [("zh-hans", "页面不存在"), ("en", "This page does not exist")]
)
def test_a_missing_page_is_the_branded_404_without_the_url_list(language, title):
    response = client_in(language).get("/no-such-page/")

    assert response.status_code == 404
    assert title in page(response)
    assert "URLconf" not in page(response)
    assert "api/v1/" not in page(response)


@error_urls
@pytest.mark.parametrize(
    ("language", "title"), [("zh-hans", "无权执行此操作"), ("en", "You may not do this")]
)
def test_a_denied_page_is_the_branded_403(language, title):
    response = client_in(language).get("/test-errors/denied/")

    assert response.status_code == 403
    assert title in page(response)


@error_urls
@pytest.mark.parametrize(
    ("language", "title"),
    [("zh-hans", "无法理解此请求"), ("en", "This request could not be understood")],
)
def test_a_bad_request_is_the_branded_400(language, title):
    response = client_in(language).get("/test-errors/suspicious/")

    assert response.status_code == 400
    assert title in page(response)
    assert "tampered" not in page(response)


@error_urls
@pytest.mark.parametrize(
    ("language", "title"),
    [("zh-hans", "服务器出了点问题"), ("en", "Something went wrong on our side")],
)
def test_a_server_error_is_the_branded_500_without_a_traceback(language, title):
    response = client_in(language).get("/test-errors/broken/")

    assert response.status_code == 500
    assert title in page(response)
    assert "Traceback" not in page(response)
    assert "secret internals" not in page(response)
    assert "RuntimeError" not in page(response)


@error_urls
def test_a_server_error_under_the_api_is_the_json_error_body():
    response = client_in("en").get("/api/v1/test-broken/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "server_error", "detail": "A server error occurred.", "fields": {}}


def test_the_500_page_renders_without_a_request_or_database():
    from django.template import loader

    html = loader.get_template("500.html").render({})

    assert "500" in html
    assert "{%" not in html


def _launcher():
    spec = importlib.util.spec_from_file_location(
        "launch", Path(__file__).resolve().parent.parent / "scripts" / "launch.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_run_is_out_of_debug_unless_asked(monkeypatch, tmp_path):
    launch = _launcher()
    monkeypatch.setattr(launch, "DATA_DIR", tmp_path)
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    for name in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_COOKIES", "DJANGO_HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-key")

    launch.development_environment()

    assert os.environ["DJANGO_DEBUG"] == "false"
    assert os.environ["DJANGO_SECURE_COOKIES"] == "false"


def test_a_developer_may_still_ask_for_debug(monkeypatch, tmp_path):
    launch = _launcher()
    monkeypatch.setattr(launch, "DATA_DIR", tmp_path)
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-key")

    launch.development_environment()

    assert os.environ["DJANGO_DEBUG"] == "true"
