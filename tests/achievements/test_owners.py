"""Owners that are not on the platform (issue 11, item 4): an achievement is owned by organisations on
the platform, organisations without an account (name and unified social credit code, checked with
``institutions.identifiers``) or persons; several owners and contributors are saved in one call, and
every row's problems are reported at once. Through the service, the API, the filing page and the Excel
import, with the query counts of the detail and the list unchanged."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override
from rest_framework.test import APIClient

from achievements import exporting, importing
from achievements.api.serializers import filings as achievement_serializers
from achievements.choices import AchievementStatus, OwnerKind
from achievements.models import Achievement, AchievementOwner
from achievements.services import filings as services
from achievements.services import imports as import_services
from tests.achievements.data import workbooks
from tests.achievements.factories import draft, published

pytestmark = pytest.mark.django_db

# DOMAIN.md §7.1 fixtures: a valid letter-first code (python-stdnum alone rejects it), a real code, and
# one whose check character is right but whose embedded organisation code (position 17) is wrong.
LETTER_FIRST = "N2510100MA6C00017U"
REAL = "91110108551385082Q"
BAD_ORGANISATION_CODE = "91510100123456780W"
BAD_CHECK_CHARACTER = "91110108551385082X"


def owners_of(achievement: Achievement) -> list[tuple]:
    return [
        (owner.kind, owner.organisation_id, owner.name, owner.credit_code, owner.share_percent)
        for owner in achievement.owners.order_by("pk")
    ]


def english_client(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


# --- the service -------------------------------------------------------------------------------


def test_an_achievement_is_owned_by_an_organisation_on_the_platform_one_not_on_it_and_a_person(
    chengdu_staff, chengdu_institution
):
    # when
    achievement = draft(
        chengdu_staff,
        chengdu_institution,
        owners=[
            services.OwnerShare(chengdu_institution, Decimal(50)),
            services.OwnerShare.external(" 成都某新材料有限公司 ", "n251 0100ma6c00017u", Decimal(30)),
            services.OwnerShare.person("王五", Decimal(20)),
        ],
    )

    # then the code is stored compact and in capitals, and the filing can be submitted
    assert owners_of(achievement) == [
        (OwnerKind.ORGANISATION, chengdu_institution.pk, "", "", Decimal("50.00")),
        (OwnerKind.EXTERNAL_ORGANISATION, None, "成都某新材料有限公司", LETTER_FIRST, Decimal("30.00")),
        (OwnerKind.PERSON, None, "王五", "", Decimal("20.00")),
    ]
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.SUBMITTED


def test_every_owner_row_with_a_problem_is_reported_at_once_and_nothing_changes(
    chengdu_staff, chengdu_institution
):
    # given a draft owned by the institution
    achievement = draft(chengdu_staff, chengdu_institution)
    before = owners_of(achievement)

    # when four rows are wrong in four ways
    with override("en"), pytest.raises(ValidationError) as raised:
        services.achievement_update(
            actor=chengdu_staff,
            achievement=achievement,
            data={},
            owners=[
                services.OwnerShare(chengdu_institution, Decimal(40)),
                services.OwnerShare.external("某研究院", BAD_ORGANISATION_CODE, Decimal(20)),
                services.OwnerShare.external("某科技公司", BAD_CHECK_CHARACTER, Decimal(20)),
                services.OwnerShare.external("无代码公司", "", Decimal(10)),
                services.OwnerShare.person("", Decimal(10)),
            ],
        )

    # then each row names its problem, and the owners are as they were
    assert raised.value.message_dict == {
        "owners": [
            "Owner 2: The embedded organisation code (positions 9–17) fails its check digit; "
            "please check the code for typos.",
            "Owner 3: The last character (check character) does not match; please check the code for typos.",
            "Owner 4: Give the unified social credit code of an organisation not on the platform.",
            "Owner 5: Give the person's full name.",
        ]
    }
    assert owners_of(achievement) == before


def test_an_external_code_that_belongs_to_an_organisation_on_the_platform_records_that_organisation(
    chengdu_staff, chengdu_institution, mianyang_institution
):
    achievement = draft(
        chengdu_staff,
        chengdu_institution,
        owners=[
            services.OwnerShare(chengdu_institution, Decimal(60)),
            services.OwnerShare.external("绵阳的旧名称", mianyang_institution.credit_code, Decimal(40)),
        ],
    )

    assert owners_of(achievement) == [
        (OwnerKind.ORGANISATION, chengdu_institution.pk, "", "", Decimal("60.00")),
        (OwnerKind.ORGANISATION, mianyang_institution.pk, "", "", Decimal("40.00")),
    ]


def test_the_same_external_organisation_twice_is_refused(chengdu_staff, chengdu_institution):
    with override("en"), pytest.raises(ValidationError) as raised:
        draft(
            chengdu_staff,
            chengdu_institution,
            owners=[
                services.OwnerShare.external("成都某新材料有限公司", REAL, Decimal(50)),
                services.OwnerShare.external("成都某新材料有限公司", REAL, Decimal(50)),
            ],
        )

    assert raised.value.message_dict == {
        "owners": ["Owner 2: 成都某新材料有限公司 is already owner 1; each owner may appear only once."]
    }
    assert Achievement.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "organisation", "name", "credit_code", "errors"),
    [
        (OwnerKind.ORGANISATION, False, "", "", {"organisation"}),
        (OwnerKind.ORGANISATION, True, "某公司", "", {"name"}),
        (OwnerKind.EXTERNAL_ORGANISATION, True, "某公司", REAL, {"organisation"}),
        (OwnerKind.EXTERNAL_ORGANISATION, False, "某公司", "", {"credit_code"}),
        (OwnerKind.PERSON, False, "", "", {"name"}),
        (OwnerKind.PERSON, False, "张三", REAL, {"credit_code"}),
    ],
)
def test_an_owner_is_exactly_one_kind_clean_says_which_field_is_wrong(
    kind, organisation, name, credit_code, errors, chengdu_staff, chengdu_institution
):
    achievement = draft(chengdu_staff, chengdu_institution)
    owner = AchievementOwner(
        achievement=achievement,
        kind=kind,
        organisation=chengdu_institution if organisation else None,
        name=name,
        credit_code=credit_code,
        share_percent=Decimal(10),
    )

    with pytest.raises(ValidationError) as raised:
        owner.clean()

    assert set(raised.value.message_dict) == errors


@pytest.mark.parametrize(
    "values",
    [
        {"kind": OwnerKind.ORGANISATION, "organisation": None},
        {"kind": OwnerKind.PERSON, "name": "张三", "credit_code": REAL},
        {"kind": OwnerKind.EXTERNAL_ORGANISATION, "name": "某公司", "credit_code": ""},
        {"kind": OwnerKind.PERSON, "name": "张三", "organisation": "institution"},
    ],
)
def test_the_database_refuses_an_owner_that_is_not_exactly_one_kind(
    values, chengdu_staff, chengdu_institution
):
    achievement = draft(chengdu_staff, chengdu_institution)
    row = {"organisation": None, "name": "", "credit_code": "", **values}
    if row["organisation"] == "institution":
        row["organisation"] = chengdu_institution

    with pytest.raises(IntegrityError, match="exactly_one_owner"), transaction.atomic():
        AchievementOwner.objects.create(achievement=achievement, share_percent=Decimal(10), **row)


def test_contributor_rows_with_problems_are_all_reported(chengdu_staff, chengdu_institution):
    achievement = draft(chengdu_staff, chengdu_institution)

    with override("en"), pytest.raises(ValidationError) as raised:
        services.achievement_update(
            actor=chengdu_staff,
            achievement=achievement,
            data={},
            contributors=[
                services.Contributor(name=""),
                services.Contributor(name="李四", share_percent=Decimal(120)),
            ],
        )

    assert raised.value.message_dict == {
        "contributors": [
            "Contributor 1: This field cannot be blank.",
            "Contributor 2: Ensure this value is less than or equal to 100.",
        ]
    }
    assert achievement.contributors.count() == 0


# --- the API -------------------------------------------------------------------------------------


def test_the_api_files_an_achievement_with_mixed_owners_in_one_call(chengdu_staff, chengdu_institution):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(chengdu_staff)

    response = client.post(
        "/api/v1/achievements/",
        {
            "institution": chengdu_institution.pk,
            "title": "高安全锂离子电池硅碳负极材料制备技术",
            "summary": "采用纳米硅与石墨复合，提升锂电池负极材料的循环寿命与安全性。",
            "owners": [
                {"organisation": chengdu_institution.pk, "share_percent": "50"},
                {
                    "kind": "external_organisation",
                    "name": "成都某新材料有限公司",
                    "credit_code": LETTER_FIRST,
                    "share_percent": "30",
                },
                {"kind": "person", "name": "王五", "share_percent": "20"},
            ],
            "contributors": [{"name": "张三"}, {"name": "李四", "affiliation": "成都某新材料有限公司"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["owners"] == [
        {
            "kind": "organisation",
            "organisation": {"id": chengdu_institution.pk, "name": chengdu_institution.name},
            "name": chengdu_institution.name,
            "credit_code": "",
            "share_percent": "50.00",
        },
        {
            "kind": "external_organisation",
            "organisation": None,
            "name": "成都某新材料有限公司",
            "credit_code": LETTER_FIRST,
            "share_percent": "30.00",
        },
        {"kind": "person", "organisation": None, "name": "王五", "credit_code": "", "share_percent": "20.00"},
    ]
    assert [row["name"] for row in response.json()["contributors"]] == ["张三", "李四"]


def test_the_api_reports_every_bad_owner_row_and_creates_nothing(chengdu_staff, chengdu_institution):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(chengdu_staff)

    response = client.post(
        "/api/v1/achievements/",
        {
            "institution": chengdu_institution.pk,
            "title": "高安全锂离子电池硅碳负极材料制备技术",
            "summary": "采用纳米硅与石墨复合。",
            "owners": [
                {
                    "kind": "external_organisation",
                    "name": "某研究院",
                    "credit_code": BAD_CHECK_CHARACTER,
                    "share_percent": "50",
                },
                {"kind": "person", "name": "", "share_percent": "50"},
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "owners": [
            "Owner 1: The last character (check character) does not match; please check the code for typos.",
            "Owner 2: Give the person's full name.",
        ]
    }
    assert Achievement.objects.count() == 0


# --- the filing page -----------------------------------------------------------------------------


def test_the_owners_step_saves_three_rows_of_three_kinds_in_one_submit(chengdu_staff, chengdu_institution):
    achievement = draft(chengdu_staff, chengdu_institution, owners=[])
    client = english_client(chengdu_staff)
    page = client.get(f"/achievements/{achievement.pk}/edit/4/")
    # the page carries an empty row to clone and the button that clones it
    assert b'data-formset-template="owners"' in page.content
    assert b"owners-__prefix__-kind" in page.content
    assert b'data-formset-add="contributors"' in page.content

    response = client.post(
        f"/achievements/{achievement.pk}/edit/4/",
        {
            "owners-TOTAL_FORMS": "3",
            "owners-INITIAL_FORMS": "0",
            "owners-0-kind": "organisation",
            "owners-0-organisation": chengdu_institution.name,
            "owners-0-share_percent": "50",
            "owners-1-kind": "external_organisation",
            "owners-1-organisation": "成都某新材料有限公司",
            "owners-1-credit_code": REAL,
            "owners-1-share_percent": "30",
            "owners-2-kind": "person",
            "owners-2-organisation": "王五",
            "owners-2-share_percent": "20",
            "contributors-TOTAL_FORMS": "2",
            "contributors-INITIAL_FORMS": "0",
            "contributors-0-name": "张三",
            "contributors-1-name": "李四",
            "action": "continue",
        },
    )

    assert response.status_code == 302
    assert owners_of(achievement) == [
        (OwnerKind.ORGANISATION, chengdu_institution.pk, "", "", Decimal("50.00")),
        (OwnerKind.EXTERNAL_ORGANISATION, None, "成都某新材料有限公司", REAL, Decimal("30.00")),
        (OwnerKind.PERSON, None, "王五", "", Decimal("20.00")),
    ]
    assert list(achievement.contributors.values_list("name", "position")) == [("张三", 1), ("李四", 2)]
    # and the saved rows come back for editing, with their kind
    again = client.get(f"/achievements/{achievement.pk}/edit/4/")
    assert [form.initial["kind"] for form in again.context["owners"].initial_forms] == [
        "organisation",
        "external_organisation",
        "person",
    ]


def test_the_owners_step_shows_every_rows_errors_at_once_and_saves_nothing(
    chengdu_staff, chengdu_institution
):
    achievement = draft(chengdu_staff, chengdu_institution)
    before = owners_of(achievement)

    response = english_client(chengdu_staff).post(
        f"/achievements/{achievement.pk}/edit/4/",
        {
            "owners-TOTAL_FORMS": "3",
            "owners-INITIAL_FORMS": "0",
            "owners-0-kind": "organisation",
            "owners-0-organisation": "平台上没有的公司",
            "owners-0-share_percent": "40",
            "owners-1-kind": "external_organisation",
            "owners-1-organisation": "某研究院",
            "owners-1-credit_code": BAD_ORGANISATION_CODE,
            "owners-1-share_percent": "40",
            "owners-2-kind": "person",
            "owners-2-organisation": "王五",
            "owners-2-share_percent": "0",
            "contributors-TOTAL_FORMS": "0",
            "contributors-INITIAL_FORMS": "0",
            "action": "continue",
        },
    )

    assert response.status_code == 200
    forms = response.context["owners"].forms
    assert [sorted(form.errors) for form in forms] == [["organisation"], ["credit_code"], ["share_percent"]]
    assert "Organisation not on the platform" in forms[0].errors["organisation"][0]
    assert owners_of(achievement) == before


# --- the Excel import ----------------------------------------------------------------------------


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def test_the_import_accepts_an_external_co_owner_and_a_person(
    run_on_commit, chengdu_staff, chengdu_institution
):
    owners = f"{chengdu_institution.name}:60、成都某新材料有限公司（{LETTER_FIRST}）:30、王五（个人）:10"
    content = workbooks.xlsx([workbooks.good_row(owners=owners)])

    batch = run_on_commit(
        import_services.import_batch_create,
        actor=chengdu_staff,
        institution=chengdu_institution,
        uploaded_file=workbooks.upload(content),
    )
    batch.refresh_from_db()
    assert (batch.valid_rows, batch.errors) == (1, [])
    run_on_commit(import_services.import_batch_confirm, actor=chengdu_staff, batch=batch)

    achievement = Achievement.objects.get()
    assert owners_of(achievement) == [
        (OwnerKind.ORGANISATION, chengdu_institution.pk, "", "", Decimal("60.00")),
        (OwnerKind.EXTERNAL_ORGANISATION, None, "成都某新材料有限公司", LETTER_FIRST, Decimal("30.00")),
        (OwnerKind.PERSON, None, "王五", "", Decimal("10.00")),
    ]


def test_the_import_refuses_an_external_co_owner_with_a_bad_credit_code(
    run_on_commit, chengdu_staff, chengdu_institution
):
    owners = f"{chengdu_institution.name}:60、某研究院（{BAD_CHECK_CHARACTER}）:40"
    content = workbooks.xlsx(
        [workbooks.good_row(owners=owners), workbooks.good_row(owners="不存在的大学", title="另一项成果")]
    )

    batch = run_on_commit(
        import_services.import_batch_create,
        actor=chengdu_staff,
        institution=chengdu_institution,
        uploaded_file=workbooks.upload(content),
    )
    batch.refresh_from_db()

    assert [(error["code"], error["field"]) for error in batch.errors] == [
        ("owner_credit_code", "owners"),
        ("unknown_owner", "owners"),
    ]
    with override("en"):
        assert importing.localised(batch.errors[0]) == (
            f"The unified social credit code in “某研究院（{BAD_CHECK_CHARACTER}）:40” is not valid: it has 18 "
            "digits and capital letters (no I, O, Z, S or V) and must pass both of its check characters; check "
            "it for typos."
        )


def test_the_export_writes_owners_the_way_the_import_reads_them(chengdu_staff, chengdu_institution):
    achievement = draft(
        chengdu_staff,
        chengdu_institution,
        owners=[
            services.OwnerShare(chengdu_institution, Decimal(60)),
            services.OwnerShare.external("成都某新材料有限公司", REAL, Decimal(30)),
            services.OwnerShare.person("王五", Decimal(10)),
        ],
    )
    achievement = Achievement.objects.prefetch_related(
        "owners__organisation", "contributors", "ip_assets"
    ).get()

    values = dict(
        zip(
            [column.key for column in importing.COLUMNS],
            exporting.row_values(achievement, may_read_detail=True),
            strict=False,
        )
    )

    assert (
        values["owners"]
        == f"{chengdu_institution.name}:60、成都某新材料有限公司（{REAL}）:30、王五（个人）:10"
    )


# --- query counts ---------------------------------------------------------------------------------


def _mixed_owners(institution) -> list:
    return [
        services.OwnerShare(institution, Decimal(50)),
        services.OwnerShare.external("成都某新材料有限公司", REAL, Decimal(30)),
        services.OwnerShare.person("王五", Decimal(20)),
    ]


def test_the_api_detail_and_list_cost_the_same_queries_with_owners_of_every_kind(
    chengdu_staff, chengdu_official, chengdu_institution, django_assert_num_queries
):
    for number in range(3):
        published(
            chengdu_staff,
            chengdu_official,
            chengdu_institution,
            owners=_mixed_owners(chengdu_institution),
            title=f"锂电池负极材料第{number}号",
        )
    achievement = Achievement.objects.order_by("pk").first()
    achievement_serializers.trl_level(1)
    client = APIClient()

    # as with owners on the platform only (tests/achievements/test_api.py)
    with django_assert_num_queries(6):
        detail = client.get(f"/api/v1/achievements/{achievement.pk}/")
    with django_assert_num_queries(5):
        listing = client.get("/api/v1/achievements/", {"page_size": 100})

    assert [owner["name"] for owner in detail.json()["owners"]] == [
        chengdu_institution.name,
        "成都某新材料有限公司",
        "王五",
    ]
    assert listing.json()["count"] == 3


def test_the_detail_page_costs_the_same_queries_with_one_owner_or_three_of_every_kind(
    chengdu_staff, chengdu_official, chengdu_institution
):
    one = published(chengdu_staff, chengdu_official, chengdu_institution)
    three = published(
        chengdu_staff,
        chengdu_official,
        chengdu_institution,
        owners=_mixed_owners(chengdu_institution),
        title="工业机器人视觉引导系统",
    )
    client = english_client()
    client.get(f"/achievements/{one.pk}/")  # warm the per-process caches

    counts = []
    for achievement in (one, three):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/achievements/{achievement.pk}/")
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert "成都某新材料有限公司" in response.content.decode()
    assert REAL in response.content.decode()
