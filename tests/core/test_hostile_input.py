"""No input makes a 500 (issue 12, item 6).

A corpus of hostile values — numbers beyond every column, non-numbers, empty and very long strings, NUL,
lone surrogates, direction overrides, SQL- and HTML-looking text — goes through:

* every query parameter of every API list endpoint (read from the OpenAPI schema, so an endpoint or
  filter added later is covered without editing this file), anonymously and signed in;
* every path parameter of every API endpoint;
* every text property of every API request body;
* every filter (a ``GET`` form) and every text field of every ``POST`` form of the pages, found by
  visiting each page of the URL map reachable from the start pages as the people who use them.

Every answer must be below 500: a refusal is a 4xx with a message, never a crash.
"""

import functools
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator

from tests import factories

pytestmark = pytest.mark.django_db

LONG = "长" * 6_000 + "x" * 6_000
# Values for query strings and form fields (text the HTTP layer can carry).
CORPUS = [
    "0",
    "-1",
    "10000",
    "99999999999",
    str(2**63),
    "1" * 400,
    "1e100000",
    "-1e-100000",
    "NaN",
    "",
    "abc",
    "a\x00b",
    "\u202egnp.exe\x01\x7f",
    "' OR 1=1 --<script>alert(1)</script>",
    "0000-00-00",
    "2024-02-30T25:61",
    LONG,
]
# For a parameter that takes one of a few names (a choice, a sort order, yes or no): the values that
# could reach past the check of the name.
CHOICE_CORPUS = ["", "abc", "a\x00b", "\u202e", "1" * 400, LONG]
# For the filters of pages, which read them with the same FilterSets as the API (tested above with the
# whole corpus): the values that break a number, a date or the database.
PAGE_FILTER_CORPUS = [str(2**63), "1e100000", "", "abc", "a\x00b", "0000-00-00", LONG]
# For the text fields of the pages' forms (every field of a form at once).
FORM_CORPUS = [
    "99999999999",
    str(2**63),
    "1" * 400,
    "1e100000",
    "",
    "a\x00b",
    "\u202egnp.exe\x01",
    "' OR 1=1 --<script>alert(1)</script>",
    "0000-00-00",
    LONG,
]
# Values for path segments (quoted into the URL).
PATH_CORPUS = [
    "0",
    "-1",
    "99999999999",
    str(2**63),
    "1" * 400,
    "abc",
    "a\x00b",
    "\u202e",
    "%2e%2e",
    "x" * 2_000,
]
# Extra values a JSON body can carry that a query string cannot.
JSON_EXTRA = [2**63, -(2**64), 10**400, 1e308, 0.1, True, None, [], {}, "\ud800", "x\u0000"]


# The id of a record of the fixture ``people`` by the collection of the API it is in, for the path
# parameters of requests whose body is the hostile part.
RECORDS: dict[str, object] = {}


def assert_no_5xx(response, what: str) -> None:
    assert response.status_code < 500, f"{what} -> {response.status_code}: {response.content[:500]!r}"


# --- who asks -----------------------------------------------------------------------------------------


@pytest.fixture
def people(chengdu_institution, province_official, platform_admin):
    """Signed-in clients for the roles that reach the most filters and forms: a provincial official,
    an institution's admin who is also a partner platform, an enterprise's staff member, and the
    platform administrator. Some records exist so that detail pages and their forms are reachable."""
    from institutions.choices import MembershipRole, OrganisationKind
    from tests.market import factories as market_factories

    partner = factories.UserFactory(username="hostile-partner")
    platform = factories.OrganisationFactory(name="成都市技术市场服务平台", kind=OrganisationKind.OTHER)
    factories.MembershipFactory(user=partner, organisation=platform, role=MembershipRole.PARTNER)
    factories.MembershipFactory(user=partner, organisation=chengdu_institution, role=MembershipRole.ADMIN)
    enterprise = market_factories.enterprise()
    buyer = market_factories.enterprise_user(enterprise, "hostile-buyer")
    listing = market_factories.listing(chengdu_institution, partner)
    demand = market_factories.demand(enterprise, buyer)
    inquiry = market_factories.inquiry(listing, enterprise, buyer)
    deal = market_factories.deal(chengdu_institution, enterprise, partner, listing_record=listing)
    contract = market_factories.contract(deal)
    RECORDS.update(
        listings=listing.pk,
        demands=demand.pk,
        inquiries=inquiry.pk,
        deals=deal.pk,
        contracts=contract.pk,
        institutions=chengdu_institution.pk,
        regions="510104",
    )

    clients = {"anonymous": Client(raise_request_exception=False)}
    for name, user in {
        "official": province_official,
        "partner": partner,
        "enterprise": buyer,
        "admin": platform_admin,
    }.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        client.person = user
        clients[name] = client
    return clients


# --- the cases of the issue, and the edges that refuse them ---------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/disclosures/",
        "/market/disclosures/",
        "/api/v1/deals/",
        "/api/v1/contracts/",
        "/market/registration/",
    ],
)
@pytest.mark.parametrize("year", ["0", "10000", "99999999999"])
def test_a_year_out_of_range_is_refused_or_finds_nothing(people, url, year):
    client = people["official"]

    response = client.get(url, {"year": year})

    assert response.status_code in (200, 400, 403)
    if url.startswith("/api/") and response.status_code != 403:
        assert response.status_code == 400
        assert response.json()["fields"]["year"]


@pytest.mark.parametrize(
    "url", ["/api/v1/regions/%00/", "/institutions/network/%00/", "/api/v1/regions/5101%0004/"]
)
def test_a_nul_in_the_path_is_not_found(url):
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.json()["code"] == "not_found"


def test_a_nul_in_the_query_string_is_a_bad_request():
    client = Client(raise_request_exception=False)

    api = client.get("/api/v1/regions/", {"parent": "5101\x00"})
    page = client.get("/institutions/network/", {"region": "\x00"})

    assert (api.status_code, api.json()["code"]) == (400, "bad_request")
    assert page.status_code == 400


def test_a_nul_in_a_posted_form_is_a_bad_request(people):
    response = people["partner"].post("/market/demands/new/", {"title": "锂电池\x00回收"})

    assert response.status_code == 400


def test_a_username_too_long_to_record_is_refused_by_the_sign_in_form():
    from axes.models import AccessAttempt

    response = Client(raise_request_exception=False).post(
        "/accounts/login/", {"username": "1" * 400, "password": "x"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()


def test_a_malformed_multipart_body_is_a_bad_request(people):
    response = people["partner"].post(
        "/api/v1/achievements/", b"--x\r\nnonsense", content_type="multipart/form-data; boundary="
    )

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "code", "status"),
    [
        ("[" * 100_000, "parse_error", 400),
        ("[" * 40 + "]" * 40, "parse_error", 400),
        ('{"title": "a\\u0000b"}', "parse_error", 400),
        ('{"a\\u0000": 1}', "parse_error", 400),
        ('{"title": "\\ud800"}', "parse_error", 400),
        ('{"trl": 1e309}', "parse_error", 400),
        ('{"trl": NaN}', "parse_error", 400),
        ('{"title": "' + "x" * (1024 * 1024) + '"}', "too_large", 413),
    ],
    ids=["100000-deep", "40-deep", "nul", "nul-key", "lone-surrogate", "infinite", "nan", "over-1MiB"],
)
def test_a_json_body_too_deep_too_large_or_unstorable_is_refused(people, body, code, status):
    from achievements.models import Achievement

    response = people["partner"].post("/api/v1/achievements/", body, content_type="application/json")

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert not Achievement.objects.exists()


def test_a_json_body_nested_a_few_levels_is_read(people):
    response = people["partner"].post(
        "/api/v1/achievements/",
        json.dumps({"title": "石墨烯", "owners": [[[{"name": "x"}]]]}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"  # the serializer's answer: the parser let it through


# --- the API, from its schema ------------------------------------------------------------------------


@functools.cache
def api_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def list_endpoints() -> dict[str, list[dict]]:
    """Each list endpoint of the API (a ``GET`` without path parameters) and its query parameters."""
    return {
        path: [p for p in item["get"].get("parameters", []) if p["in"] == "query"]
        for path, item in api_schema()["paths"].items()
        if "{" not in path and "get" in item
    }


def corpus_for(parameter: dict) -> list[str]:
    schema = parameter.get("schema", {})
    if "enum" in schema or "enum" in schema.get("items", {}) or schema.get("type") == "boolean":
        return CHOICE_CORPUS
    return CORPUS


def test_the_api_lists_are_all_found():
    endpoints = list_endpoints()

    assert len(endpoints) > 20
    assert {"year", "page", "page_size"} <= {p["name"] for p in endpoints["/api/v1/disclosures/"]}


@pytest.mark.parametrize("path", sorted(list_endpoints()))
def test_every_filter_of_every_api_list_endpoint(people, path):
    """Anonymously (public lists only: authentication is checked before any filter runs) and as a
    provincial official, who sees the most rows of every list."""
    parameters = list_endpoints()[path]
    for who in ("anonymous", "official"):
        client = people[who]
        response = client.get(path)
        assert_no_5xx(response, f"{who} GET {path}")
        if response.status_code in (401, 403):
            continue
        for parameter in parameters:
            for value in corpus_for(parameter):
                response = client.get(path, {parameter["name"]: value})
                assert_no_5xx(response, f"{who} GET {path}?{parameter['name']}={value[:40]!r}")


def fill_path(path: str, hostile: str, value: str) -> str:
    """``path`` with ``value`` for its parameter ``hostile`` and an existing record's id for the others."""
    collection = path.removeprefix("/api/v1/").split("/")[0]

    def replace(match):
        return quote(value, safe="") if match.group(1) == hostile else str(RECORDS.get(collection, 1))

    return re.sub(r"\{(\w+)\}", replace, path)


def test_every_path_parameter_of_every_api_endpoint(people):
    client = people["official"]
    for path, item in api_schema()["paths"].items():
        if "get" not in item:
            continue
        for name in re.findall(r"\{(\w+)\}", path):
            for value in PATH_CORPUS:
                url = fill_path(path, name, value)
                assert_no_5xx(client.get(url), f"GET {url[:200]}")


def text_properties(schema: dict, body: dict) -> dict:
    """The request body's properties (resolving ``$ref``), by name."""
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    return body.get("properties", {})


def json_operations() -> list[tuple[str, str]]:
    """Each operation of the API that takes a JSON body, as (method, path)."""
    return [
        (method, path)
        for path, item in api_schema()["paths"].items()
        for method in ("post", "put", "patch")
        if "application/json" in item.get(method, {}).get("requestBody", {}).get("content", {})
    ]


@pytest.mark.parametrize(("method", "path"), json_operations())
def test_every_property_of_every_api_request_body(people, method, path):
    """As the partner platform (an institution's admin), on the fixture's records."""
    schema = api_schema()
    body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    names = list(text_properties(schema, body))
    url = fill_path(path, "", "")
    client = people["partner"]
    for value in CORPUS + JSON_EXTRA:
        # Every property at once: a serializer checks each field whatever the others hold.
        data = json.dumps(dict.fromkeys(names, value))
        response = getattr(client, method)(url, data, content_type="application/json")
        assert_no_5xx(response, f"{method.upper()} {url} with {str(value)[:40]!r}")


# --- the pages, from the URL map ---------------------------------------------------------------------

TEXT_INPUTS = {
    "text",
    "search",
    "email",
    "url",
    "tel",
    "number",
    "date",
    "datetime-local",
    "month",
    "password",
    "",
}
# Forms not worth sending hostile text to: signing out would end the session the crawl runs in.
SKIPPED_FORMS = {"accounts:logout"}


class PageParser(HTMLParser):
    """The links and forms of a page: each form's method, action and fields."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "a" and attrs.get("href", "").startswith("/"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self.forms.append(
                {
                    "method": attrs.get("method", "get").lower(),
                    "action": attrs.get("action", ""),
                    "fields": [],
                }
            )
        elif not self.forms or "name" not in attrs or "disabled" in attrs:
            return
        elif tag == "textarea":
            self.forms[-1]["fields"].append(("text", attrs["name"], ""))
        elif tag == "input":
            kind = attrs.get("type", "").lower()
            if kind in TEXT_INPUTS:
                self.forms[-1]["fields"].append(("text", attrs["name"], attrs.get("value", "")))
            elif kind in ("hidden", "radio", "checkbox") and (kind == "hidden" or "checked" in attrs):
                self.forms[-1]["fields"].append(("fixed", attrs["name"], attrs.get("value", "on")))
        elif tag == "select":
            self._select = ("fixed", attrs["name"], None)
            self.forms[-1]["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            fields = self.forms[-1]["fields"]
            if fields[-1][2] is None or "selected" in attrs:
                fields[-1] = ("fixed", fields[-1][1], attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def route_name(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


def start_pages() -> list[str]:
    """Every page of the URL map that takes no argument (the admin and the API aside)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
                yield "/" + route.lstrip("^").rstrip("$")

    return [url for url in walk(get_resolver(), "") if not url.startswith(("/admin/", "/api/"))]


def crawl(client, starts: list[str], limit: int = 120):
    """Each page reachable from ``starts`` by links, one URL per route, with its parsed forms."""
    seen_routes, queue, pages = set(), list(starts), []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        name = route_name(url)
        if name is None or name in seen_routes:
            continue
        seen_routes.add(name)
        response = client.get(url)
        assert_no_5xx(response, f"GET {url}")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = PageParser()
        parser.feed(response.content.decode())
        pages.append((url, parser.forms))
        queue.extend(link.split("#")[0] for link in parser.links)
    return pages


def fill(form: dict, name: str | None, value: str) -> dict:
    """The form's data with ``value`` in the text field ``name`` (every text field when ``None``)."""
    data: dict[str, list[str]] = {}
    for kind, field, default in form["fields"]:
        hostile = kind == "text" and (name is None or field == name)
        data.setdefault(field, []).append(value if hostile else (default or ""))
    return data


# Forms each person's crawl must reach, so that a crawl that lost its way fails instead of passing on
# too few pages.
EXPECTED_FORMS = {
    "anonymous": {("post", "accounts:login"), ("get", "market:disclosure-list")},
    "official": {("get", "audit:log"), ("get", "achievements:list")},
    "partner": {("post", "market:listing-create"), ("post", "achievements:create")},
    "enterprise": {("post", "market:demand-create"), ("get", "market:listing-list")},
    "admin": {("post", "institutions:create"), ("get", "institutions:directory")},
}


@pytest.mark.parametrize("who", sorted(EXPECTED_FORMS))
def test_every_filter_and_form_of_every_page(people, who):
    client = people[who]
    person = getattr(client, "person", None)
    seen = set()  # a form on every page (the language switch, the header's search) is sent once
    for url, forms in crawl(client, start_pages()):
        for form in forms:
            action = urljoin(url, form["action"] or url)
            key = (
                form["method"],
                route_name(action),
                tuple(sorted(field for _k, field, _d in form["fields"])),
            )
            if key[1] in SKIPPED_FORMS or key in seen:
                continue
            seen.add(key)
            if form["method"] == "get":
                for field in {field for _kind, field, _default in form["fields"]}:
                    for value in PAGE_FILTER_CORPUS:
                        response = client.get(action, {field: value})
                        assert_no_5xx(response, f"{who} GET {action}?{field}={value[:40]!r}")
            else:
                for value in FORM_CORPUS:
                    response = client.post(action, fill(form, None, value))
                    assert_no_5xx(response, f"{who} POST {action} (from {url}) with {value[:40]!r}")
                if person is not None and client.session.get("_auth_user_id") != str(person.pk):
                    client.force_login(person)  # the form changed the password, which signs out
    reached = {(method, route) for method, route, _fields in seen}
    assert EXPECTED_FORMS[who] <= reached, sorted(reached)
