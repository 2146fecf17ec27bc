"""The achievement-filing API: the workflow, permissions by role and jurisdiction for every write (with
nothing changed on denial), who sees drafts, restricted details, the error shape, partner systems,
duplicates, attachments and query counts that do not grow with the rows."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from achievements.api.serializers import filings as achievement_serializers
from achievements.choices import (
    AchievementStatus,
    CooperationMode,
    DetailVisibility,
    IPKind,
)
from achievements.identifiers import check_character
from achievements.models import (
    Achievement,
    AchievementContributor,
    AchievementOwner,
    Attachment,
    IPAsset,
)
from achievements.services import filings as services
from core import limits
from institutions.choices import ClassificationScheme, MembershipRole
from institutions.roles import actor_roles
from notifications.models import Notification
from tests import factories
from tests.achievements.factories import classification, draft, published

pytestmark = pytest.mark.django_db

URL = "/api/v1/achievements/"
ERROR_KEYS = {"code", "detail", "fields"}
NOT_SIGNED_IN = {
    "code": "not_authenticated",
    "detail": "Authentication credentials were not provided.",
    "fields": {},
}
FORBIDDEN = {
    "code": "permission_denied",
    "detail": "You do not have permission to perform this action.",
    "fields": {},
}
NOT_FOUND = {"code": "not_found", "detail": "Not found.", "fields": {}}
INVALID_SUMMARY = "Some fields are not valid; see the messages next to each field."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def patent(body: str) -> str:
    """A valid patent application number in canonical form for a 12-digit body."""
    return f"ZL{body}.{check_character(body)}"


INVENTION = patent("202310123456")  # ZL202310123456.6
OTHER_INVENTION = patent("202210654321")


@pytest.fixture
def outsider(mianyang_institution):
    """Staff of another institution (in 绵阳)."""
    return factories.staff_of(mianyang_institution, username="mianyang-staff")


@pytest.fixture
def enterprise_user(db):
    return factories.staff_of(factories.OrganisationFactory(name="成都某科技有限公司"), username="buyer")


@pytest.fixture
def client_as(request):
    """An English-speaking API client signed in as the named user fixture (or anonymous)."""

    def make(name: str) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if name != "anonymous":
            client.force_authenticate(request.getfixturevalue(name))
        return client

    return make


def detail_url(achievement, suffix: str = "") -> str:
    return f"{URL}{achievement.pk}/{suffix}"


def result_ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def filing_payload(institution, **overrides) -> dict:
    payload = {
        "institution": institution.pk,
        "title": "高安全锂离子电池硅碳负极材料制备技术",
        "summary": "采用纳米硅与石墨复合，提升锂电池负极材料的循环寿命与安全性，已完成中试。",
        "detail": "核心工艺包括纳米硅包覆、碳化与造粒三个环节。",
        "detail_visibility": DetailVisibility.SIGNED_IN,
        "keywords": ["锂离子电池", "负极材料", "硅碳"],
        "technology_field": "03",
        "industry": "C",
        "strategic_industry": "3",
        "trl": 6,
        "stage": "middle",
        "achievement_type": "applied",
        "funding_programme": "四川省重点研发计划",
        "project_number": "2023YFG0001",
        "funding_amount": "1200000.00",
        "completed_on": "2024-06-30",
        "cooperation_modes": [CooperationMode.TRANSFER, CooperationMode.LICENCE_ORDINARY],
        "price_type": "fixed",
        "indicative_price": "3000000.00",
        "region": "510104",
        "owners": [{"organisation": institution.pk, "share_percent": "100"}],
        "contributors": [
            {"name": "张三", "affiliation": "四川大学", "share_percent": "60"},
            {"name": "李四", "affiliation": "四川大学"},
        ],
    }
    payload.update(overrides)
    return payload


# --- the workflow -----------------------------------------------------------------------------


def test_the_workflow_through_the_api(client_as, chengdu_staff, chengdu_official, chengdu_institution):
    staff, official, visitor = (
        client_as("chengdu_staff"),
        client_as("chengdu_official"),
        client_as("anonymous"),
    )
    published(
        chengdu_staff,
        chengdu_official,
        chengdu_institution,
        title="工业机器人视觉引导系统",
        summary="基于深度学习的工业机器人视觉定位。",
        keywords=["工业机器人"],
    )

    # staff files a draft with a patent
    created = staff.post(URL, filing_payload(chengdu_institution), format="json")
    assert created.status_code == 201, created.json()
    achievement_id = created.json()["id"]
    url = f"{URL}{achievement_id}/"
    asset = staff.post(
        f"{url}ip-assets/", {"kind": "invention_patent", "number": "202310123456.6"}, format="json"
    )
    assert asset.status_code == 201
    assert asset.json()["number"] == "ZL202310123456.6"

    # submitted, the official returns it with a reason
    assert staff.post(f"{url}submit/").json()["status"] == "submitted"
    returned = official.post(f"{url}return/", {"reason": "请补充中试数据"}, format="json")
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["return_reason"]) == ("returned", "请补充中试数据")
    latest = staff.get("/api/v1/notifications/", {"unread": "true"}).json()["results"][0]
    assert (latest["verb"], latest["body"]) == ("achievement.returned", "请补充中试数据")

    # staff fixes it and resubmits, the official approves
    fixed = staff.patch(url, {"detail": "补充：中试良率98%。"}, format="json")
    assert (fixed.status_code, fixed.json()["detail"]) == (200, "补充：中试良率98%。")
    assert fixed.json()["return_reason"] == "请补充中试数据"
    assert staff.post(f"{url}submit/").status_code == 200
    approved = official.post(f"{url}approve/")
    assert approved.status_code == 200
    body = approved.json()
    assert (body["status"], body["return_reason"]) == ("published", "")
    assert body["filing_number"] == Achievement.objects.get(pk=achievement_id).filing_number
    assert body["filing_number"].startswith("510104")

    # a visitor finds it by a Chinese search, ahead of the other achievement
    found = visitor.get(URL, {"q": "锂电池负极"})
    assert found.status_code == 200
    assert result_ids(found) == [achievement_id]
    everything = visitor.get(URL)
    assert everything.json()["count"] == 2
    public = visitor.get(url).json()
    assert (public["status"], public["detail"], public["detail_restricted"]) == ("published", None, True)
    assert public["return_reason"] is None


def test_created_filing_is_returned_in_full(client_as, chengdu_staff, chengdu_institution):
    response = client_as("chengdu_staff").post(URL, filing_payload(chengdu_institution), format="json")

    assert response.status_code == 201
    body = response.json()
    achievement = Achievement.objects.get()
    assert body["id"] == achievement.pk
    assert {key: body[key] for key in body if key not in ("id", "created_at", "updated_at")} == {
        "filing_number": None,
        "status": "draft",
        "status_label": "Draft",
        "title": "高安全锂离子电池硅碳负极材料制备技术",
        "summary": "采用纳米硅与石墨复合，提升锂电池负极材料的循环寿命与安全性，已完成中试。",
        "keywords": ["锂离子电池", "负极材料", "硅碳"],
        "technology_field": {
            "code": "03",
            "name": "新材料及其应用",
            "label": "New materials and their application",
        },
        "industry": {"code": "C", "name": "制造业", "label": "Manufacturing"},
        "strategic_industry": {"code": "3", "name": "新材料产业", "label": "New materials"},
        "trl": 6,
        "trl_label": "System or prototype demonstrated in a relevant environment",
        "stage": "middle",
        "stage_label": "Middle stage",
        "achievement_type": "applied",
        "achievement_type_label": "Applied technology",
        "funding_programme": "四川省重点研发计划",
        "project_number": "2023YFG0001",
        "funding_amount": "1200000.00",
        "completed_on": "2024-06-30",
        "cooperation_modes": [
            {"code": "transfer", "label": "Transfer"},
            {"code": "licence_ordinary", "label": "Ordinary licence"},
        ],
        "price_type": "fixed",
        "price_type_label": "Indicative price",
        "indicative_price": "3000000.00",
        "region": {"code": "510104", "name": "锦江区"},
        "filing_institution": {"id": chengdu_institution.pk, "name": "成都锦江技术转移中心"},
        "is_dual_use": False,
        "secrecy_status": "never_classified",
        "secrecy_status_label": "Never classified",
        "owners": [
            {
                "kind": "organisation",
                "organisation": {"id": chengdu_institution.pk, "name": "成都锦江技术转移中心"},
                "name": "成都锦江技术转移中心",
                "credit_code": "",
                "share_percent": "100.00",
            }
        ],
        "contributors": [
            {"name": "张三", "affiliation": "四川大学", "share_percent": "60.00", "position": 1},
            {"name": "李四", "affiliation": "四川大学", "share_percent": None, "position": 2},
        ],
        "ip_assets": [],
        "return_reason": "",
        "submitted_at": None,
        "reviewed_at": None,
        "published_at": None,
        "detail": "核心工艺包括纳米硅包覆、碳化与造粒三个环节。",
        "detail_restricted": False,
        "detail_visibility": "signed_in",
        "detail_visibility_label": "Signed-in users",
        "publish_on_approval": True,
        "attachments": [],
        "actions": ["edit", "submit", "withdraw"],
    }
    assert achievement.created_by == chengdu_staff


def test_update_replaces_owners_and_contributors_and_keeps_the_search_current(
    client_as, chengdu_staff, chengdu_institution
):
    achievement = draft(chengdu_staff, chengdu_institution)
    partner = factories.OrganisationFactory(name="四川大学")

    response = client_as("chengdu_staff").patch(
        detail_url(achievement),
        {
            "title": "石墨烯导热膜连续化制备技术",
            "summary": "卷对卷连续生产高导热石墨烯膜。",
            "keywords": ["石墨烯", "导热膜"],
            "owners": [
                {"organisation": chengdu_institution.pk, "share_percent": "70"},
                {"organisation": partner.pk, "share_percent": "30"},
            ],
            "contributors": [{"name": "王五"}],
        },
        format="json",
    )

    assert response.status_code == 200
    assert [(row["organisation"]["name"], row["share_percent"]) for row in response.json()["owners"]] == [
        ("成都锦江技术转移中心", "70.00"),
        ("四川大学", "30.00"),
    ]
    assert [row["name"] for row in response.json()["contributors"]] == ["王五"]
    staff = client_as("chengdu_staff")
    assert result_ids(staff.get(URL, {"scope": "mine", "q": "石墨烯"})) == [achievement.pk]
    assert result_ids(staff.get(URL, {"scope": "mine", "q": "硅碳负极"})) == []
    assert result_ids(staff.get(URL, {"scope": "mine", "q": "导热膜"})) == [achievement.pk]


# --- the permission matrix --------------------------------------------------------------------


def snapshot() -> tuple:
    """Everything a write could change."""
    return (
        list(
            Achievement.objects.order_by("pk").values_list(
                "pk", "status", "title", "detail", "return_reason", "filing_number", "updated_at"
            )
        ),
        list(AchievementOwner.objects.order_by("pk").values_list("pk", "organisation_id", "share_percent")),
        list(IPAsset.objects.order_by("pk").values_list("pk", "kind", "number", "title")),
        list(Attachment.objects.order_by("pk").values_list("pk", "original_name")),
        Notification.objects.count(),
    )


def filing_in(state: str, staff, official, institution) -> Achievement:
    """A filing of the 成都 institution in the given state, with an IP asset and an attachment."""
    achievement = draft(staff, institution, publish_on_approval=state != "approved")
    services.ip_asset_add(
        actor=staff, achievement=achievement, data={"kind": IPKind.INVENTION_PATENT, "number": INVENTION}
    )
    services.attachment_add(
        actor=staff, achievement=achievement, uploaded_file=SimpleUploadedFile("中试报告.pdf", PDF)
    )
    if state != "draft":
        services.achievement_submit(actor=staff, achievement=achievement)
    if state in ("approved", "published"):
        services.achievement_approve(actor=official, achievement=achievement)
    return Achievement.objects.get(pk=achievement.pk)


def write_request(operation: str, achievement: Achievement, institution) -> tuple[str, str, dict | None, str]:
    base = detail_url(achievement)
    asset = achievement.ip_assets.get()
    attachment = achievement.attachments.get()
    return {
        "create": ("post", URL, filing_payload(institution, title="另一项成果"), "json"),
        "update": ("patch", base, {"title": "篡改的标题"}, "json"),
        "submit": ("post", f"{base}submit/", {}, "json"),
        "approve": ("post", f"{base}approve/", {}, "json"),
        "return": ("post", f"{base}return/", {"reason": "请补充材料"}, "json"),
        "publish": ("post", f"{base}publish/", {}, "json"),
        "withdraw": ("post", f"{base}withdraw/", {}, "json"),
        "add_ip_asset": (
            "post",
            f"{base}ip-assets/",
            {"kind": "invention_patent", "number": OTHER_INVENTION},
            "json",
        ),
        "change_ip_asset": ("patch", f"/api/v1/ip-assets/{asset.pk}/", {"title": "新名称"}, "json"),
        "remove_ip_asset": ("delete", f"/api/v1/ip-assets/{asset.pk}/", None, "json"),
        "add_attachment": (
            "post",
            f"{base}attachments/",
            {"file": SimpleUploadedFile("附件.pdf", PDF)},
            "multipart",
        ),
        "remove_attachment": ("delete", f"/api/v1/attachments/{attachment.pk}/", None, "json"),
    }[operation]


# The state each write starts from, the user who may do it, and what the others get.
DRAFT_WRITES = [
    "update",
    "submit",
    "add_ip_asset",
    "change_ip_asset",
    "remove_ip_asset",
    "add_attachment",
    "remove_attachment",
]
MATRIX = [
    (
        "create",
        "draft",
        "chengdu_staff",
        {"outsider": 403, "mianyang_official": 403, "chengdu_official": 403},
    ),
    *[
        (
            operation,
            "draft",
            "chengdu_staff",
            {"outsider": 404, "mianyang_official": 404, "chengdu_official": 404},
        )
        for operation in DRAFT_WRITES
    ],
    (
        "approve",
        "submitted",
        "chengdu_official",
        {"outsider": 404, "mianyang_official": 404, "chengdu_staff": 403},
    ),
    (
        "return",
        "submitted",
        "chengdu_official",
        {"outsider": 404, "mianyang_official": 404, "chengdu_staff": 403},
    ),
    ("publish", "approved", "chengdu_staff", {"outsider": 404, "mianyang_official": 404}),
    (
        "withdraw",
        "published",
        "chengdu_staff",
        {"outsider": 403, "mianyang_official": 403, "chengdu_official": 403},
    ),
]
DENIALS = [
    (operation, state, actor, expected)
    for operation, state, _permitted, others in MATRIX
    for actor, expected in [("anonymous", 401), *others.items()]
]


@pytest.mark.parametrize(("operation", "state", "actor", "expected_status"), DENIALS)
def test_writes_are_denied_and_change_nothing(
    client_as, chengdu_staff, chengdu_official, chengdu_institution, operation, state, actor, expected_status
):
    achievement = filing_in(state, chengdu_staff, chengdu_official, chengdu_institution)
    client = client_as(actor)
    method, url, data, data_format = write_request(operation, achievement, chengdu_institution)
    before = snapshot()

    response = getattr(client, method)(url, data, format=data_format)

    assert response.status_code == expected_status
    assert response.json() == {401: NOT_SIGNED_IN, 403: FORBIDDEN, 404: NOT_FOUND}[expected_status]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("operation", "state", "actor"),
    [(operation, state, permitted) for operation, state, permitted, _ in MATRIX],
)
def test_writes_by_the_permitted_user_succeed(
    client_as, chengdu_staff, chengdu_official, chengdu_institution, operation, state, actor
):
    achievement = filing_in(state, chengdu_staff, chengdu_official, chengdu_institution)
    method, url, data, data_format = write_request(operation, achievement, chengdu_institution)
    before = snapshot()

    response = getattr(client_as(actor), method)(url, data, format=data_format)

    assert response.status_code in (200, 201, 204), response.content
    assert snapshot() != before


@pytest.mark.parametrize("operation", ["approve", "return", "withdraw", "update"])
def test_platform_admin_may_act_on_any_filing(
    client_as, chengdu_staff, chengdu_official, chengdu_institution, operation
):
    state = "published" if operation == "withdraw" else "submitted"
    if operation == "update":
        state = "draft"
    achievement = filing_in(state, chengdu_staff, chengdu_official, chengdu_institution)
    method, url, data, data_format = write_request(operation, achievement, chengdu_institution)

    response = getattr(client_as("platform_admin"), method)(url, data, format=data_format)

    assert response.status_code == 200


# --- who sees what ----------------------------------------------------------------------------


@pytest.fixture
def filings(chengdu_staff, chengdu_official, chengdu_institution):
    """One 成都 filing in each of draft, submitted and published."""
    return {
        state: filing_in(state, chengdu_staff, chengdu_official, chengdu_institution)
        for state in ("draft", "submitted", "published")
    }


@pytest.mark.parametrize(
    ("actor", "visible"),
    [
        ("anonymous", {"published"}),
        ("outsider", {"published"}),
        ("enterprise_user", {"published"}),
        ("mianyang_official", {"published"}),
        ("chengdu_official", {"submitted", "published"}),
        ("province_official", {"submitted", "published"}),
        ("chengdu_staff", {"draft", "submitted", "published"}),
        ("chengdu_admin", {"draft", "submitted", "published"}),
        ("platform_admin", {"draft", "submitted", "published"}),
    ],
)
def test_drafts_are_seen_only_by_their_institution(client_as, filings, actor, visible):
    client = client_as(actor)

    statuses = {
        state: client.get(detail_url(achievement)).status_code for state, achievement in filings.items()
    }
    listed = set(result_ids(client.get(URL)))

    assert statuses == {state: 200 if state in visible else 404 for state in filings}
    assert listed == {filings["published"].pk}


def test_my_filings_list_every_status_of_my_institutions_only(
    client_as, filings, chengdu_official, mianyang_institution
):
    outsider = factories.staff_of(mianyang_institution)
    draft(outsider, mianyang_institution, title="绵阳的草稿")
    mine = client_as("chengdu_staff").get(URL, {"scope": "mine"})

    assert mine.status_code == 200
    assert set(result_ids(mine)) == {achievement.pk for achievement in filings.values()}
    assert client_as("chengdu_official").get(URL, {"scope": "mine"}).json()["count"] == 0


def test_review_queue_holds_submitted_filings_in_the_jurisdiction(client_as, filings):
    chengdu = client_as("chengdu_official").get(URL, {"scope": "review"})
    province = client_as("province_official").get(URL, {"scope": "review"})
    mianyang = client_as("mianyang_official").get(URL, {"scope": "review"})

    assert result_ids(chengdu) == [filings["submitted"].pk]
    assert result_ids(province) == [filings["submitted"].pk]
    assert result_ids(mianyang) == []


@pytest.mark.parametrize(
    ("scope", "actor", "expected_status", "expected_body"),
    [
        ("mine", "anonymous", 401, NOT_SIGNED_IN),
        ("review", "anonymous", 401, NOT_SIGNED_IN),
        (
            "review",
            "chengdu_staff",
            403,
            {"code": "permission_denied", "detail": "Only officials have a review queue.", "fields": {}},
        ),
        (
            "everything",
            "chengdu_staff",
            400,
            {
                "code": "invalid",
                "detail": INVALID_SUMMARY,
                "fields": {"scope": ["The scope is “mine” or “review”."]},
            },
        ),
    ],
)
def test_scopes_need_the_right_role(
    client_as, chengdu_institution, scope, actor, expected_status, expected_body
):
    response = client_as(actor).get(URL, {"scope": scope})

    assert response.status_code == expected_status
    assert response.json() == expected_body


@pytest.mark.parametrize(
    ("visibility", "readers"),
    [
        (DetailVisibility.PUBLIC, {"anonymous", "outsider", "enterprise_user", "mianyang_official"}),
        (DetailVisibility.SIGNED_IN, {"outsider", "enterprise_user", "mianyang_official"}),
        (DetailVisibility.ENTERPRISE, {"enterprise_user", "mianyang_official"}),
    ],
)
def test_detail_text_follows_detail_visibility(
    client_as, chengdu_staff, chengdu_official, chengdu_institution, visibility, readers
):
    achievement = published(
        chengdu_staff, chengdu_official, chengdu_institution, detail_visibility=visibility
    )

    for actor in ("anonymous", "outsider", "enterprise_user", "mianyang_official", "chengdu_staff"):
        body = client_as(actor).get(detail_url(achievement)).json()
        may_read = actor in readers or actor == "chengdu_staff"
        assert body["detail"] == ("核心工艺包括纳米硅包覆、碳化与造粒三个环节。" if may_read else None), actor
        assert body["detail_restricted"] is (not may_read), actor


def test_return_reason_is_shown_to_the_filer_and_the_reviewer_only(
    client_as, chengdu_staff, chengdu_official, chengdu_institution
):
    achievement = draft(chengdu_staff, chengdu_institution)
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    services.achievement_return(actor=chengdu_official, achievement=achievement, reason="请补充检测报告")

    for actor in ("chengdu_staff", "chengdu_official", "province_official"):
        assert client_as(actor).get(detail_url(achievement)).json()["return_reason"] == "请补充检测报告"
    for actor in ("anonymous", "outsider", "mianyang_official"):
        assert client_as(actor).get(detail_url(achievement)).status_code == 404


# --- errors -----------------------------------------------------------------------------------


def test_an_illegal_transition_is_a_400_with_its_code(
    client_as, chengdu_staff, chengdu_official, chengdu_institution
):
    achievement = published(chengdu_staff, chengdu_official, chengdu_institution)
    before = snapshot()

    submit = client_as("chengdu_staff").post(detail_url(achievement, "submit/"))
    approve = client_as("chengdu_official").post(detail_url(achievement, "approve/"))
    edit = client_as("chengdu_staff").patch(detail_url(achievement), {"title": "新标题"}, format="json")

    assert (submit.status_code, approve.status_code, edit.status_code) == (400, 400, 400)
    assert submit.json() == {
        "code": "illegal_transition",
        "detail": "An achievement that is Published cannot be Submitted for review.",
        "fields": {},
    }
    assert approve.json() == {
        "code": "illegal_transition",
        "detail": "An achievement that is Published cannot be Approved.",
        "fields": {},
    }
    assert edit.json() == {
        "code": "not_editable",
        "detail": "Only drafts and returned filings can be edited; this one is Published.",
        "fields": {},
    }
    assert snapshot() == before


def test_an_incomplete_filing_cannot_be_submitted(client_as, chengdu_staff, chengdu_institution):
    achievement = draft(
        chengdu_staff,
        chengdu_institution,
        owners=[services.OwnerShare(chengdu_institution, Decimal(60))],
        keywords=[],
        trl=None,
    )

    response = client_as("chengdu_staff").post(detail_url(achievement, "submit/"))

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {
            "trl": ["Give the technology readiness level (1–9)."],
            "keywords": ["Give at least one keyword."],
            "owners": ["The owners' shares add up to 60.00 %; they must add up to 100 %."],
        },
    }
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.DRAFT


def test_a_return_without_a_reason_is_refused(client_as, filings):
    achievement = filings["submitted"]

    response = client_as("chengdu_official").post(
        detail_url(achievement, "return/"), {"reason": " "}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {"reason": ["Please say what must be changed before the filing can be approved."]},
    }
    achievement.refresh_from_db()
    assert achievement.status == AchievementStatus.SUBMITTED


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (
            "ZL202310123456.7",
            "The check character after the dot does not match; please check the number for typos.",
        ),
        (
            "CN12345",
            "This is not a Chinese patent application number: expected e.g. ZL202310123456.6 "
            "(year, type, 7-digit serial, check character).",
        ),
        (patent("202320123456"), "The type digit of this number does not match the kind of patent chosen."),
    ],
)
def test_invalid_patent_numbers_are_400_with_a_field_message(
    client_as, chengdu_staff, chengdu_institution, number, message
):
    achievement = draft(chengdu_staff, chengdu_institution)

    response = client_as("chengdu_staff").post(
        detail_url(achievement, "ip-assets/"), {"kind": "invention_patent", "number": number}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": INVALID_SUMMARY, "fields": {"number": [message]}}
    assert IPAsset.objects.count() == 0


def test_a_patent_listed_twice_is_a_400_that_says_so(client_as, chengdu_staff, chengdu_institution):
    achievement = draft(chengdu_staff, chengdu_institution)
    client = client_as("chengdu_staff")
    first = client.post(
        detail_url(achievement, "ip-assets/"),
        {"kind": "invention_patent", "number": "202310123456.6"},
        format="json",
    )
    other = client.post(
        detail_url(achievement, "ip-assets/"),
        {"kind": "invention_patent", "number": "ZL202310123457.0"},
        format="json",
    ).json()

    again = client.post(
        detail_url(achievement, "ip-assets/"),
        {"kind": "invention_patent", "number": "ZL202310123456.6"},
        format="json",
    )
    changed = client.patch(f"/api/v1/ip-assets/{other['id']}/", {"number": "202310123456.6"}, format="json")

    message = "Invention patent ZL202310123456.6 is already listed among this achievement's IP; each number is listed once."
    assert first.status_code == 201
    assert again.status_code == 400
    assert again.json() == {"code": "invalid", "detail": INVALID_SUMMARY, "fields": {"number": [message]}}
    assert changed.status_code == 400
    assert changed.json()["fields"] == {"number": [message]}
    assert sorted(IPAsset.objects.values_list("number", flat=True)) == [
        "ZL202310123456.6",
        "ZL202310123457.0",
    ]


def test_ip_assets_are_listed_changed_and_removed(client_as, chengdu_staff, chengdu_institution):
    achievement = draft(chengdu_staff, chengdu_institution)
    client = client_as("chengdu_staff")
    created = client.post(
        detail_url(achievement, "ip-assets/"),
        {"kind": "software_copyright", "number": "2023SR0123456", "title": "电池管理软件V1.0"},
        format="json",
    ).json()

    changed = client.patch(
        f"/api/v1/ip-assets/{created['id']}/", {"kind": "invention_patent", "number": "bad"}, format="json"
    )
    listed = client.get(detail_url(achievement, "ip-assets/"))
    removed = client.delete(f"/api/v1/ip-assets/{created['id']}/")

    assert changed.status_code == 400
    assert list(changed.json()["fields"]) == ["number"]
    assert listed.json()["results"] == [
        {
            "id": created["id"],
            "kind": "software_copyright",
            "kind_label": "Software copyright",
            "number": "2023SR0123456",
            "title": "电池管理软件V1.0",
            "status": "granted",
            "status_label": "Granted / registered",
            "granted_on": None,
            "actions": ["edit", "remove"],
        }
    ]
    assert removed.status_code == 204
    assert IPAsset.objects.count() == 0


def test_invalid_input_reports_every_field(client_as, chengdu_staff, chengdu_institution):
    response = client_as("chengdu_staff").post(
        URL,
        filing_payload(
            chengdu_institution,
            title="",
            technology_field="99",
            trl=10,
            cooperation_modes=["barter"],
            region="999999",
            owners=[{"organisation": 999999, "share_percent": "100"}],
        ),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {
            "title": ["This field may not be blank."],
            "technology_field": ["There is no technology field with the code 99."],
            "trl": ["Ensure this value is less than or equal to 9."],
            "cooperation_modes": ['"barter" is not a valid choice.'],
            "region": ["There is no region in the platform's province with the code 999999."],
            "owners": ["There is no organisation with the id 999999."],
        },
    }
    assert Achievement.objects.count() == 0


def test_an_edit_checks_each_owner_in_full(client_as, chengdu_staff, chengdu_institution):
    achievement = draft(chengdu_staff, chengdu_institution)
    before = snapshot()

    response = client_as("chengdu_staff").patch(
        detail_url(achievement), {"title": "新标题", "owners": [{"share_percent": "100"}]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"owners": ["This field is required."]}
    assert snapshot() == before


def test_model_rules_come_back_as_field_messages(client_as, chengdu_staff, chengdu_institution):
    response = client_as("chengdu_staff").post(
        URL,
        filing_payload(
            chengdu_institution, indicative_price=None, keywords=["一", "二", "三", "四", "五", "六"]
        ),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "indicative_price": ["Give the indicative price, or choose negotiable."],
        "keywords": ["Give at most 5 keywords."],
    }
    assert Achievement.objects.count() == 0


def test_invalid_filters_are_400(client_as):
    response = client_as("anonymous").get(URL, {"ip_kind": "trademark"})

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {"ip_kind": ["Select a valid choice. trademark is not one of the available choices."]},
    }


# --- search, filters and ordering -------------------------------------------------------------


@pytest.fixture
def database(chengdu_staff, chengdu_official, chengdu_institution, mianyang_institution, mianyang_official):
    """Three published achievements: two in 成都 and one in 绵阳."""
    mianyang_staff = factories.staff_of(mianyang_institution)
    battery = published(chengdu_staff, chengdu_official, chengdu_institution)
    robot = draft(
        chengdu_staff,
        chengdu_institution,
        title="工业机器人视觉引导系统",
        summary="基于深度学习的工业机器人视觉定位与抓取。",
        keywords=["工业机器人", "机器视觉"],
        technology_field=classification(ClassificationScheme.TECHNOLOGY_FIELD, "02"),
        trl=8,
        cooperation_modes=[CooperationMode.JOINT_DEVELOPMENT],
    )
    services.ip_asset_add(
        actor=chengdu_staff, achievement=robot, data={"kind": IPKind.INVENTION_PATENT, "number": INVENTION}
    )
    services.achievement_submit(actor=chengdu_staff, achievement=robot)
    services.achievement_approve(actor=chengdu_official, achievement=robot)
    graphene = published(
        mianyang_staff,
        mianyang_official,
        mianyang_institution,
        title="石墨烯电池快充技术",
        summary="石墨烯复合电极实现锂电池十分钟快充。",
        keywords=["石墨烯", "快充"],
        trl=4,
        is_dual_use=True,
    )
    return {"battery": battery.pk, "robot": robot.pk, "graphene": graphene.pk}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "工业机器人"}, ["robot"]),
        ({"q": "石墨烯电池"}, ["graphene", "battery"]),
        ({"field": "02"}, ["robot"]),
        ({"trl_min": 5}, ["robot", "battery"]),
        ({"trl_max": 6, "ordering": "trl"}, ["battery", "graphene"]),
        ({"region": "510700"}, ["graphene"]),
        ({"region": "510100", "ordering": "oldest"}, ["battery", "robot"]),
        ({"cooperation_mode": "joint_development"}, ["robot"]),
        ({"ip_kind": "invention_patent"}, ["robot"]),
        ({"dual_use": "true"}, ["graphene"]),
        ({"ordering": "newest"}, ["graphene", "robot", "battery"]),
    ],
)
def test_search_filters_and_ordering(client_as, database, params, expected):
    response = client_as("anonymous").get(URL, params)

    assert response.status_code == 200
    assert result_ids(response) == [database[name] for name in expected]


# --- partner systems --------------------------------------------------------------------------


@pytest.fixture
def partner_key(chengdu_institution):
    """A partner system's key; its service account is linked to the 成都 institution."""
    service_account = factories.UserFactory(username="partner-system")
    factories.MembershipFactory(
        user=service_account, organisation=chengdu_institution, role=MembershipRole.PARTNER
    )
    _api_key, key = account_services.partner_key_issue(user=service_account, name="某高校科研管理系统")
    return key


def test_a_partner_system_files_and_submits_for_its_institution(
    partner_key, chengdu_institution, chengdu_official
):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Api-Key {partner_key}")

    created = client.post(URL, filing_payload(chengdu_institution), format="json")
    achievement_id = created.json()["id"]
    submitted = client.post(f"{URL}{achievement_id}/submit/")
    listed = client.get(URL, {"scope": "mine"})

    assert created.status_code == 201
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert result_ids(listed) == [achievement_id]
    assert Achievement.objects.get().created_by.username == "partner-system"
    assert Notification.objects.filter(recipient=chengdu_official, verb="achievement.submitted").count() == 1


def test_a_partner_system_cannot_file_for_another_institution_or_approve(
    partner_key, chengdu_staff, chengdu_institution, mianyang_institution
):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    achievement = draft(chengdu_staff, chengdu_institution)
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    before = snapshot()

    other = client.post(URL, filing_payload(mianyang_institution), format="json")
    approve = client.post(detail_url(achievement, "approve/"))

    assert (other.status_code, approve.status_code) == (403, 403)
    assert snapshot() == before


def test_a_revoked_partner_key_is_401(partner_key, chengdu_institution):
    from accounts.models import PartnerAPIKey

    account_services.partner_key_revoke(api_key=PartnerAPIKey.objects.get())
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Api-Key {partner_key}")

    response = client.post(URL, filing_payload(chengdu_institution), format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert Achievement.objects.count() == 0


# --- duplicates -------------------------------------------------------------------------------


def test_duplicates_show_what_the_filer_may_see_and_hide_the_rest(
    client_as,
    chengdu_staff,
    chengdu_official,
    chengdu_institution,
    mianyang_institution,
    mianyang_official,
):
    mianyang_staff = factories.staff_of(mianyang_institution)
    # a published filing with the same title, another institution's submitted filing with the same
    # patent, and another institution's draft with the same patent
    same_title = published(mianyang_staff, mianyang_official, mianyang_institution)
    pending = draft(mianyang_staff, mianyang_institution, title="一种电池隔膜涂覆工艺")
    services.ip_asset_add(
        actor=mianyang_staff, achievement=pending, data={"kind": IPKind.INVENTION_PATENT, "number": INVENTION}
    )
    services.achievement_submit(actor=mianyang_staff, achievement=pending)
    private_draft = draft(mianyang_staff, mianyang_institution, title="一种电池隔膜涂覆工艺（草稿）")
    services.ip_asset_add(
        actor=mianyang_staff,
        achievement=private_draft,
        data={"kind": IPKind.INVENTION_PATENT, "number": INVENTION},
    )

    response = client_as("chengdu_staff").post(
        f"{URL}duplicates/",
        {"title": "高安全锂离子电池硅碳负极材料制备技术", "patent_numbers": ["202310123456.6"]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == [
        {"achievement": None, "reason": "patent", "similarity": 1.0},
        {
            "achievement": {
                "id": same_title.pk,
                "title": "高安全锂离子电池硅碳负极材料制备技术",
                "filing_number": same_title.filing_number,
                "status": "published",
                "status_label": "Published",
                "filing_institution": {"id": mianyang_institution.pk, "name": "绵阳科技城技术转移中心"},
            },
            "reason": "title",
            "similarity": 1.0,
        },
    ]


def test_duplicates_of_a_filing_leave_the_filing_itself_out(
    client_as, chengdu_staff, chengdu_official, chengdu_institution
):
    first = published(chengdu_staff, chengdu_official, chengdu_institution)
    second = draft(chengdu_staff, chengdu_institution)

    response = client_as("chengdu_staff").get(detail_url(second, "duplicates/"))
    anonymous = client_as("anonymous").get(detail_url(first, "duplicates/"))

    assert response.status_code == 200
    assert [(row["achievement"]["id"], row["reason"]) for row in response.json()] == [(first.pk, "title")]
    assert anonymous.status_code == 401


# --- attachments ------------------------------------------------------------------------------


def test_an_attachment_is_checked_by_its_content(client_as, chengdu_staff, chengdu_institution):
    achievement = draft(chengdu_staff, chengdu_institution)
    client = client_as("chengdu_staff")

    fake = client.post(
        detail_url(achievement, "attachments/"),
        {"file": SimpleUploadedFile("报告.pdf", b"just some text, not a PDF")},
        format="multipart",
    )
    real = client.post(
        detail_url(achievement, "attachments/"),
        {"file": SimpleUploadedFile("报告.pdf", PDF)},
        format="multipart",
    )

    assert fake.status_code == 400
    assert fake.json() == {
        "code": "invalid",
        "detail": INVALID_SUMMARY,
        "fields": {
            "file": ["Only PDF, PNG, JPEG and Office documents (Word, Excel, PowerPoint) can be attached."]
        },
    }
    assert real.status_code == 201
    attachment = Attachment.objects.get()
    assert real.json() == {
        "id": attachment.pk,
        "name": "报告.pdf",
        "size": len(PDF),
        "type": "application/pdf",
        "url": f"http://testserver/api/v1/attachments/{attachment.pk}/",
        "uploaded_at": real.json()["uploaded_at"],
        "actions": ["download", "remove"],
    }
    listed = client.get(detail_url(achievement, "attachments/")).json()["results"]
    assert [row["id"] for row in listed] == [attachment.pk]


def test_attachments_download_for_readers_of_the_detail(
    client_as, chengdu_staff, chengdu_official, chengdu_institution
):
    achievement = filing_in("published", chengdu_staff, chengdu_official, chengdu_institution)
    attachment = achievement.attachments.get()
    url = f"/api/v1/attachments/{attachment.pk}/"

    signed_in = client_as("outsider").get(url)
    anonymous = client_as("anonymous").get(url)

    assert signed_in.status_code == 200
    assert b"".join(signed_in.streaming_content) == PDF
    assert signed_in["Content-Type"] == "application/pdf"
    assert anonymous.status_code == 403  # the detail is for signed-in users
    assert anonymous.json() == FORBIDDEN


def test_attachments_of_drafts_are_not_found_for_others(
    client_as, chengdu_staff, chengdu_official, chengdu_institution
):
    achievement = filing_in("draft", chengdu_staff, chengdu_official, chengdu_institution)
    url = f"/api/v1/attachments/{achievement.attachments.get().pk}/"

    assert client_as("outsider").get(url).status_code == 404
    assert client_as("chengdu_official").get(url).status_code == 404
    assert client_as("chengdu_staff").get(url).status_code == 200


# --- query counts -----------------------------------------------------------------------------


def bulk_published(count: int, institution, user) -> list[Achievement]:
    """``count`` valid published achievements with an owner, a contributor and an IP asset each."""
    field = classification(ClassificationScheme.TECHNOLOGY_FIELD, "03")
    industry = classification(ClassificationScheme.INDUSTRY, "C")
    now = timezone.now()
    achievements = Achievement.objects.bulk_create(
        [
            Achievement(
                filing_institution=institution,
                created_by=user,
                status=AchievementStatus.PUBLISHED,
                filing_number=f"510104{now.year}{number + 1:05d}",
                title=f"批量锂电池成果{number:04d}",
                summary="锂电池负极材料的批量测试成果。",
                keywords=["锂电池"],
                technology_field=field,
                industry=industry,
                trl=1 + number % 9,
                cooperation_modes=[CooperationMode.TRANSFER],
                region_id="510104",
                published_at=now - timedelta(minutes=number),
            )
            for number in range(count)
        ]
    )
    for achievement in achievements:
        services.achievement_refresh_search(achievement=achievement)
    AchievementOwner.objects.bulk_create(
        [AchievementOwner(achievement=a, organisation=institution, share_percent=100) for a in achievements]
    )
    AchievementContributor.objects.bulk_create(
        [AchievementContributor(achievement=a, name="张三") for a in achievements]
    )
    IPAsset.objects.bulk_create(
        [
            IPAsset(achievement=a, kind=IPKind.SOFTWARE_COPYRIGHT, number=f"2024SR{number:07d}")
            for number, a in enumerate(achievements)
        ]
    )
    return achievements


@pytest.mark.parametrize("count", [10, 300])
@pytest.mark.parametrize("params", [{}, {"q": "锂电池"}, {"field": "03", "ordering": "trl"}])
def test_public_list_query_count_is_the_same_for_10_and_300(
    count, params, chengdu_staff, chengdu_institution, django_assert_num_queries
):
    bulk_published(count, chengdu_institution, chengdu_staff)
    achievement_serializers.trl_level(1)  # the TRL labels are read once per process
    client = APIClient()
    lookups = 1 if "field" in params else 0

    # count, the page with its joins, owners with organisations, contributors, IP assets
    with django_assert_num_queries(5 + lookups):
        response = client.get(URL, {**params, "page_size": 100})

    assert response.status_code == 200
    assert response.json()["count"] == count
    assert len(response.json()["results"]) == min(count, 100)
    first = response.json()["results"][0]
    assert first["owners"][0]["organisation"]["name"] == "成都锦江技术转移中心"
    assert first["ip_assets"][0]["kind"] == "software_copyright"


@pytest.mark.parametrize("count", [10, 300])
def test_my_filings_query_count_is_the_same_for_10_and_300(
    count, chengdu_staff, chengdu_institution, django_assert_num_queries
):
    bulk_published(count, chengdu_institution, chengdu_staff)
    achievement_serializers.trl_level(1)
    client = APIClient()
    client.force_authenticate(chengdu_staff)
    actor_roles(chengdu_staff)  # loaded once per user object; the request reuses it

    with django_assert_num_queries(5):
        response = client.get(URL, {"scope": "mine", "page_size": 100})

    assert response.json()["count"] == count
    assert response.json()["results"][0]["return_reason"] == ""


def test_detail_query_count(
    client_as, chengdu_staff, chengdu_official, chengdu_institution, django_assert_num_queries
):
    achievement = filing_in("published", chengdu_staff, chengdu_official, chengdu_institution)
    achievement_serializers.trl_level(1)
    client = APIClient()

    # the achievement with its joins, owners, their organisations, contributors, IP assets, attachments
    with django_assert_num_queries(6):
        response = client.get(detail_url(achievement))

    assert response.status_code == 200


def test_a_summary_too_long_is_a_400_on_the_field_and_nothing_is_created(client_as, chengdu_institution):
    payload = filing_payload(chengdu_institution, summary="长" * (limits.SUMMARY_MAX_LENGTH + 1))

    response = client_as("chengdu_staff").post(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "summary": [f"Ensure this field has no more than {limits.SUMMARY_MAX_LENGTH} characters."]
    }
    assert not Achievement.objects.exists()


def test_a_title_with_a_line_break_or_a_summary_with_an_override_is_a_400_and_nothing_is_created(
    client_as, chengdu_institution
):
    payload = filing_payload(chengdu_institution, title="石墨烯\n锂电池", summary="摘要\u202e反转")

    response = client_as("chengdu_staff").post(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "title": [
            "Write this on one line: it holds a line break, a tab or another control character (U+000A)."
        ],
        "summary": [
            "This text holds an invisible character that changes the direction of the text around it "
            "(U+202E); remove it."
        ],
    }
    assert not Achievement.objects.exists()


def test_an_attachment_is_stored_under_a_generated_name_and_downloaded_as_its_detected_type(
    client_as, chengdu_staff, chengdu_institution
):
    # given a PDF uploaded as a web page, its name holding a direction override
    achievement = draft(chengdu_staff, chengdu_institution)
    client = client_as("chengdu_staff")

    response = client.post(
        detail_url(achievement, "attachments/"),
        {"file": SimpleUploadedFile("报告\u202e.html", PDF)},
        format="multipart",
    )

    # then it is stored as a .pdf under a generated name, the uploader's name kept (cleaned) as data
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.original_name == "报告.html"
    assert re.fullmatch(r"achievements/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", attachment.file.name)
    # and it downloads as a PDF, never as a page
    download = client.get(f"/api/v1/attachments/{attachment.pk}/")
    assert (
        download["Content-Type"],
        download["Content-Disposition"],
        download["X-Content-Type-Options"],
    ) == (
        "application/pdf",
        "attachment; filename*=utf-8''%E6%8A%A5%E5%91%8A.pdf",
        "nosniff",
    )
