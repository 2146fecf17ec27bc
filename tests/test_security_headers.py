"""Headers and caching (issue 12, item 7): a Content-Security-Policy on every answer that lets no
inline script run, ``Cache-Control: no-store`` on what a signed-in caller sees, and the API's JSON
error body for every unknown ``/api/`` address or refused method, in debug too."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path
from rest_framework.test import APIClient

import config.urls
from accounts import services as account_services
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
ERROR_KEYS = {"code", "detail", "fields"}


# --- Content-Security-Policy ------------------------------------------------------------------


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def nonce_of(response) -> str | None:
    for source in directives(response).get("script-src", []):
        if source.startswith("'nonce-"):
            return source.removeprefix("'nonce-").removesuffix("'")
    return None


class ScriptsAndHandlers(HTMLParser):
    """Each ``<script>``'s attributes, and every inline event handler (``onclick=`` …)."""

    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        self.handlers += [f"<{tag} {name}>" for name in attributes if name.startswith("on")]


def inline_code(html: str, nonce: str | None) -> list[str]:
    """The scripts that would run without coming from a file or carrying the request's nonce."""
    parser = ScriptsAndHandlers()
    parser.feed(html)
    scripts = [
        str(script)
        for script in parser.scripts
        if "src" not in script
        and script.get("type") not in ("application/json", "text/template")
        and (nonce is None or script.get("nonce") != nonce)
    ]
    return scripts + parser.handlers


def page_with_an_inline_script(request):
    """A page that needs an inline script gives it the request's nonce."""
    template = Template('<script nonce="{{ CSP_NONCE }}">document.title = "x";</script>')
    return HttpResponse(template.render(RequestContext(request)))


# This module is the URL map of the nonce tests: the site's, plus a page with a nonced script.
urlpatterns = [
    path("test-csp/inline/", page_with_an_inline_script),
    path("", include(config.urls.urlpatterns)),
]
with_test_page = override_settings(ROOT_URLCONF=__name__)


def test_the_policy_runs_scripts_only_from_our_files():
    response = Client().get("/")

    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]


@with_test_page
def test_an_inline_script_runs_only_with_the_nonce_of_its_answer():
    first, second = Client().get("/test-csp/inline/"), Client().get("/test-csp/inline/")

    assert directives(first)["script-src"] == ["'self'", f"'nonce-{nonce_of(first)}'"]
    assert f'<script nonce="{nonce_of(first)}">' in first.content.decode()
    assert len(nonce_of(first)) >= 22
    assert nonce_of(first) != nonce_of(second)


# Templates the project serves, its own and its apps'.
TEMPLATES = sorted(
    path
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]
    if ".venv" not in folder.parts
    for path in folder.rglob("*.html")
)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\bnonce=\"\{\{ CSP_NONCE \}\}\")[^>]*>")
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_has_an_inline_script_or_event_handler(template):
    text = template.read_text()

    assert INLINE_SCRIPT.findall(text) == []
    assert EVENT_HANDLER.findall(text) == []


def test_the_templates_were_found():
    assert len(TEMPLATES) > 100


def pages_without_arguments() -> list[str]:
    """Every page of the URL map that takes no argument (the API and language switch aside), the
    admin's lists included."""
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" not in route and not route.startswith("^"):
                paths.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(
        path for path in set(paths) if not path.startswith(("/api/", "/i18n/")) and "logout" not in path
    )


PAGES = pages_without_arguments()


def test_the_page_walk_finds_the_site():
    assert {"/", "/market/listings/", "/accounts/login/", "/institutions/network/"} <= set(PAGES)


@pytest.mark.parametrize(
    ("signed_in", "pages_shown"), [(False, 14), (True, 85)], ids=["anonymous", "platform-admin"]
)
def test_every_page_has_the_policy_and_no_script_runs_without_a_file_or_the_nonce(signed_in, pages_shown):
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(factories.UserFactory(username="csp-admin", is_superuser=True, is_staff=True))

    checked = 0
    for page in PAGES:
        response = client.get(page)
        assert "Content-Security-Policy" in response, page
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert inline_code(response.content.decode(), nonce_of(response)) == [], page
            checked += 1

    assert checked >= pages_shown


def test_a_script_with_the_nonce_passes_and_one_without_does_not():
    html = '<script nonce="abc">1</script><script src="/x.js"></script><script>2</script><a onclick="3">'

    assert inline_code(html, "abc") == ["{}", "<a onclick>"]


def test_the_swagger_page_loads_its_start_up_script_as_a_file():
    page = Client().get("/api/docs/")
    script = Client().get("/api/docs/", {"script": ""})

    assert inline_code(page.content.decode(), nonce_of(page)) == []
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_redoc_page_loads_no_font_from_other_sites_and_may_start_its_search_worker():
    response = Client().get("/api/redoc/")
    html = response.content.decode()

    assert "fonts.googleapis.com" not in html
    assert inline_code(html, None) == []
    assert directives(response)["worker-src"] == ["'self'", "blob:"]
    assert directives(response)["img-src"] == ["'self'", "data:", "https://cdn.redoc.ly"]
    assert "worker-src" not in directives(Client().get("/api/docs/"))


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_say_their_language(path):
    assert '<html lang="en">' in Client().get(path).content.decode()


# --- Cache-Control ----------------------------------------------------------------------------


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/market/listings/", "/notifications/", "/todo/"])
def test_a_signed_in_page_is_not_stored(path):
    client = Client()
    client.force_login(factories.UserFactory())

    response = client.get(path)

    assert response.status_code == 200
    assert {"no-store", "private"} <= cache_directives(response)


def test_an_api_answer_to_a_signed_in_session_is_not_stored():
    client = APIClient()
    client.force_login(factories.UserFactory())

    response = client.get("/api/v1/me/")

    assert response.status_code == 200
    assert {"no-store", "private"} <= cache_directives(response)


def test_an_api_answer_to_a_partner_key_is_not_stored(chengdu_institution):
    user = account_services.user_create(username="partner-cache", password=None, full_name="成都平台")
    _api_key, key = account_services.partner_key_issue(user=user, name="成都平台同步")

    response = APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}").get("/api/v1/me/")

    assert response.status_code == 200
    assert {"no-store", "private"} <= cache_directives(response)


@pytest.mark.parametrize("path", ["/", "/market/listings/", "/api/v1/disclosures/"])
def test_a_public_answer_to_an_anonymous_visitor_may_be_cached(path):
    response = Client().get(path)

    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)


# --- the API's JSON errors --------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize(
    "path", ["/api", "/api/", "/api/v2/listings/", "/api/v1/no-such-resource/", "/api/v1/listings/1/nope/"]
)
def test_an_unknown_api_address_is_the_json_404_in_and_out_of_debug(path, debug):
    with override_settings(DEBUG=debug):
        response = Client(HTTP_ACCEPT_LANGUAGE="en").get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Not found.", "fields": {}}


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_method_the_api_docs_refuse_is_the_json_405(debug):
    with override_settings(DEBUG=debug):
        response = Client(HTTP_ACCEPT_LANGUAGE="en").post("/api/docs/")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json() == {
        "code": "method_not_allowed",
        "detail": "This method is not allowed here.",
        "fields": {},
    }


def test_the_json_405_speaks_chinese_by_default():
    response = Client().post("/api/docs/")

    assert response.json()["detail"] == "此处不允许该请求方法。"


def test_a_method_an_api_operation_refuses_keeps_its_own_json_405():
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post("/api/v1/disclosures/")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "method_not_allowed"
    assert set(response.json()) == ERROR_KEYS


def test_an_unknown_page_outside_the_api_stays_the_html_404():
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_api_error_answers_carry_the_policy_too():
    response = Client().get("/api/v1/no-such-resource/")

    assert directives(response)["script-src"] == ["'self'"]
