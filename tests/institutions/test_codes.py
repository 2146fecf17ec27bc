"""The code lists of the registration form JJ-001 and the regions of all China: loaded from their dated
files, read through ``institutions.codes``, served by the API; the platform's pickers stay Sichuan's."""

import csv
from datetime import date

import pytest
from django.test import override_settings
from django.utils import translation
from rest_framework.test import APIClient

from institutions import codes, reference_data
from institutions.choices import ClassificationScheme, RegionLevel
from institutions.forms import OrganisationForm
from institutions.models import Classification, Region
from institutions.selectors import organisations as selectors
from tests.institutions.test_api import institution_payload

pytestmark = pytest.mark.django_db

JJ001_SCHEMES = [
    "entity_type",
    "country",
    "plan_category",
    "socio_economic_goal",
    "trade_subject",
    "contract_ip_type",
]


def _file_rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the files and the loader ------------------------------------------------------------------


@pytest.mark.parametrize("scheme", JJ001_SCHEMES)
def test_each_jj001_list_is_loaded_from_its_own_file(scheme):
    rows = _file_rows(reference_data.DATA_DIR / f"jj001_{scheme}.csv")

    assert rows and {row["scheme"] for row in rows} == {scheme}
    loaded = Classification.objects.filter(scheme=scheme, is_current=True)
    assert loaded.count() == len(rows)
    assert set(loaded.values_list("code", flat=True)) == {row["code"] for row in rows}


@pytest.mark.parametrize(
    ("scheme", "code", "name"),
    [
        ("country", "142", "中国"),
        ("country", "502", "美国"),
        ("country", "110", "中国香港"),
        ("country", "121", "中国澳门"),
        ("country", "143", "台澎金马关税区"),
        ("country", "116", "日本"),
        ("country", "344", "俄罗斯联邦"),
        ("country", "601", "澳大利亚"),
        ("entity_type", "012", "省级行政机关"),
        ("entity_type", "310", "中外合资经营企业"),
        ("entity_type", "400", "个人"),
        ("contract_ip_type", "technical_secret", "技术秘密"),
        ("contract_ip_type", "none", "未涉及知识产权"),
        ("socio_economic_goal", "13", "国防"),
        ("technology_field", "01", "电子信息"),
    ],
)
def test_known_codes_carry_their_names(scheme, code, name):
    assert Classification.objects.get(scheme=scheme, code=code).name == name


def test_existing_entity_types_keep_their_meaning():
    # Organisations reference these rows; the completed list must not move or rename them.
    expected = {
        "010": "机关法人",
        "011": "国家级机关",
        "021": "科研机构",
        "150": "有限责任公司",
        "300": "外商投资企业",
    }
    names = dict(
        Classification.objects.filter(scheme="entity_type", code__in=expected).values_list("code", "name")
    )
    assert names == expected
    assert Classification.objects.get(scheme="entity_type", code="310").parent.code == "300"


def test_every_scheme_in_the_files_is_a_declared_scheme():
    assert {row["scheme"] for row in reference_data.classification_rows()} == set(ClassificationScheme.values)


def test_loaders_are_idempotent(django_assert_max_num_queries):
    regions, entries = Region.objects.count(), Classification.objects.count()
    first = set(Classification.objects.values_list("pk", "scheme", "code", "name", "parent_id"))

    # the regions table is read once and nothing needs writing: a couple of queries for 3,348 rows
    with django_assert_max_num_queries(3):
        reference_data.load_regions(Region)
    reference_data.load_classifications(Classification)

    assert Region.objects.count() == regions == len(reference_data.region_rows())
    assert Classification.objects.count() == entries
    assert set(Classification.objects.values_list("pk", "scheme", "code", "name", "parent_id")) == first


def test_the_region_loader_repairs_a_changed_row():
    Region.objects.filter(code="310101").update(name="旧名")

    reference_data.load_regions(Region)

    assert Region.objects.get(code="310101").name == "黄浦区"


# --- regions of all China ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "level", "parent"),
    [
        ("110000", "北京市", RegionLevel.PROVINCE, None),
        ("310000", "上海市", RegionLevel.PROVINCE, None),
        ("310101", "黄浦区", RegionLevel.COUNTY, "310100"),
        ("440300", "深圳市", RegionLevel.CITY, "440000"),
        ("441900", "东莞市", RegionLevel.CITY, "440000"),
        ("510117", "郫都区", RegionLevel.COUNTY, "510100"),
    ],
)
def test_all_china_regions_are_loaded(code, name, level, parent):
    region = Region.objects.get(code=code)
    assert (region.name, region.level, region.parent_id) == (name, level, parent)


def test_the_china_file_keeps_the_sichuan_rows_as_they_were():
    sichuan = _file_rows(reference_data.SICHUAN_REGIONS_FILE)
    china = [row for row in _file_rows(reference_data.REGIONS_FILE) if row["code"].startswith("51")]

    assert china == sichuan
    assert Region.objects.filter(level=RegionLevel.PROVINCE).count() == 31
    assert Region.objects.count() == len(_file_rows(reference_data.REGIONS_FILE))


# --- the read API ------------------------------------------------------------------------------


def test_is_valid_code():
    assert codes.is_valid_code("country", "142")
    assert codes.is_valid_code("country", "502", on=date(2026, 3, 1))
    assert codes.is_valid_code("entity_type", "150")
    assert codes.is_valid_code("contract_ip_type", "invention_patent")
    assert not codes.is_valid_code("country", "999")
    assert not codes.is_valid_code("country", "100")  # a continent heading, not a party's code
    assert not codes.is_valid_code("entity_type", "502")
    assert not codes.is_valid_code("country", "")
    assert not codes.is_valid_code("country", None)


def test_an_unknown_scheme_is_a_programming_error():
    with pytest.raises(ValueError, match="galaxy"):
        codes.is_valid_code("galaxy", "1")
    with pytest.raises(ValueError):
        codes.code_choices("galaxy")


def test_code_choices_are_ordered_and_follow_the_language(django_assert_num_queries):
    with django_assert_num_queries(1), translation.override("zh-hans"):
        chinese = codes.code_choices("plan_category")
    with translation.override("en"):
        english = codes.code_choices("plan_category")

    assert [code for code, _label in chinese] == ["1", "2", "3", "4", "5"]
    assert chinese[0] == ("1", "国家科技计划")
    assert english[0] == ("1", "National science and technology programme")
    assert dict(codes.code_choices("country"))["142"] == "中国"


def test_region_is_valid():
    assert codes.region_is_valid("310101")
    assert codes.region_is_valid("510104", on=date(2026, 1, 1))
    assert not codes.region_is_valid("510104", on=date(2020, 1, 1))  # before the table's cut-off date
    assert not codes.region_is_valid("519999")
    assert not codes.region_is_valid("5101")
    assert not codes.region_is_valid(None)


@pytest.mark.parametrize(
    ("code", "province"),
    [
        ("510104", "510000"),
        ("510100", "510000"),
        ("510000", "510000"),
        ("310101", "310000"),
        ("110000", "110000"),
        ("719999", None),
        ("519999", None),
        ("5101", None),
        ("", None),
    ],
)
def test_province_of(code, province, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert codes.province_of(code) == province


# --- the platform's own pickers stay Sichuan's -------------------------------------------------


def test_region_selectors_offer_the_platform_province_only():
    listed = set(selectors.region_list().values_list("code", flat=True))

    assert len(listed) == 205
    assert all(code.startswith("51") for code in listed)
    assert selectors.region_province().code == "510000"
    assert selectors.region_get(code="310101", everywhere=True).name == "黄浦区"


@override_settings(PLATFORM_PROVINCE_CODE="310000")
def test_the_province_is_a_setting():
    assert selectors.region_province().name == "上海市"
    assert all(code.startswith("31") for code in selectors.region_list().values_list("code", flat=True))


def test_the_organisation_form_offers_sichuan_regions_only(platform_admin):
    form = OrganisationForm(actor=platform_admin)

    codes_offered = set(form.fields["region"].queryset.values_list("code", flat=True))
    assert "510104" in codes_offered and "310101" not in codes_offered
    assert len(codes_offered) == 205


def test_the_network_page_does_not_open_another_province(client):
    assert client.get("/institutions/network/310000/").status_code == 404
    assert client.get("/institutions/network/510100/").status_code == 200


def test_an_organisation_cannot_be_placed_outside_the_province_by_the_api(platform_admin):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(platform_admin)

    response = api.post("/api/v1/institutions/", institution_payload(region="310101"), format="json")

    assert response.status_code == 400
    assert response.json()["fields"]["region"] == [
        "There is no region in the platform's province with the code 310101."
    ]


# --- the API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", JJ001_SCHEMES)
def test_the_classifications_endpoint_filters_by_the_new_schemes(scheme):
    response = APIClient().get("/api/v1/classifications/", {"scheme": scheme, "page_size": 100})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Classification.objects.filter(scheme=scheme).count()
    assert {entry["scheme"] for entry in body["results"]} == {scheme}


def test_the_country_list_reads_in_english_too():
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(
        "/api/v1/classifications/", {"scheme": "country", "page_size": 100}
    )

    china = next(entry for entry in response.json()["results"] if entry["code"] == "142")
    assert (china["name"], china["label"]) == ("中国", "China")


def test_an_unknown_scheme_is_a_400():
    response = APIClient().get("/api/v1/classifications/", {"scheme": "galaxy"})

    assert response.status_code == 400
    assert "scheme" in response.json()["fields"]


@pytest.mark.parametrize("scheme", ["country", "plan_category"])
def test_the_classification_list_query_count_is_fixed(scheme, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = APIClient().get("/api/v1/classifications/", {"scheme": scheme, "page_size": 100})

    assert response.status_code == 200


def test_the_regions_endpoint_serves_all_china_and_filters_by_province(django_assert_num_queries):
    api = APIClient()

    everything = api.get("/api/v1/regions/", {"level": "province"}).json()
    with django_assert_num_queries(2):
        shanghai = api.get("/api/v1/regions/", {"province": "310000", "page_size": 100}).json()

    assert everything["count"] == 31
    assert shanghai["count"] == Region.objects.filter(code__startswith="31").count()
    assert {entry["code"][:2] for entry in shanghai["results"]} == {"31"}
    assert api.get("/api/v1/regions/310101/").json()["name"] == "黄浦区"


@pytest.mark.parametrize("value", ["310101", "31", "abcdef"])
def test_a_province_filter_that_is_no_province_code_is_a_400(value):
    response = APIClient().get("/api/v1/regions/", {"province": value})

    assert response.status_code == 400
    assert "province" in response.json()["fields"]


def test_in_platform_province(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert codes.in_platform_province("510104")
        assert codes.in_platform_province("510000")
        assert not codes.in_platform_province("310101")
        assert not codes.in_platform_province("519999")
