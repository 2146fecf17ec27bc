"""What an actor may do now with an achievement (its IP assets and attachments), a catalogue edition
(its entries) or an import batch (``achievements.actions``): the matrix of each ActionSet, the
``actions`` the API shows on every object, and the page and the API giving the same answer."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from achievements.actions import (
    ACHIEVEMENT_ACTIONS,
    ATTACHMENT_ACTIONS,
    CATALOGUE_ACTIONS,
    CATALOGUE_ENTRY_ACTIONS,
    IMPORT_BATCH_ACTIONS,
    IP_ASSET_ACTIONS,
)
from achievements.choices import (
    AchievementStatus,
    CatalogueKind,
    CatalogueStatus,
    DetailVisibility,
    ImportStatus,
)
from achievements.models import (
    Achievement,
    Attachment,
    CatalogueEntry,
    DualUseCatalogue,
    ImportBatch,
    IPAsset,
)
from achievements.services import catalogues
from achievements.services import filings as services
from achievements.services import imports as import_services
from institutions.roles import actor_roles
from tests import factories
from tests.achievements.data import workbooks
from tests.achievements.factories import draft, published

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "chengdu_staff",
    "outsider",
    "chengdu_official",
    "mianyang_official",
    "province_official",
    "platform_admin",
]


@pytest.fixture
def outsider(mianyang_institution):
    """Staff of another institution (in 绵阳)."""
    return factories.staff_of(mianyang_institution, username="mianyang-staff")


@pytest.fixture
def actor(request):
    """The named user fixture, or an anonymous visitor; roles loaded, as a request would have them."""

    def make(name: str):
        user = AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)
        actor_roles(user)
        return user

    return make


def api_client_for(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def client_for(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


# --- the matrices ----------------------------------------------------------------------------------

FILER = {
    AchievementStatus.DRAFT: ["edit", "submit", "withdraw"],
    AchievementStatus.SUBMITTED: ["withdraw"],
    AchievementStatus.RETURNED: ["edit", "submit", "withdraw"],
    AchievementStatus.APPROVED: ["publish", "withdraw"],
    AchievementStatus.PUBLISHED: ["list_on_market", "withdraw"],
    AchievementStatus.WITHDRAWN: [],
}
REVIEWER = {
    AchievementStatus.DRAFT: [],
    AchievementStatus.SUBMITTED: ["approve", "return"],
    AchievementStatus.RETURNED: [],
    AchievementStatus.APPROVED: ["publish"],
    AchievementStatus.PUBLISHED: [],
    AchievementStatus.WITHDRAWN: [],
}
PLATFORM_ADMIN = {
    AchievementStatus.DRAFT: ["edit", "submit", "withdraw"],
    AchievementStatus.SUBMITTED: ["approve", "return", "withdraw"],
    AchievementStatus.RETURNED: ["edit", "submit", "withdraw"],
    AchievementStatus.APPROVED: ["publish", "withdraw"],
    AchievementStatus.PUBLISHED: ["list_on_market", "withdraw"],
    AchievementStatus.WITHDRAWN: [],
}
NOTHING = {status: [] for status in AchievementStatus.values}
ACHIEVEMENT_MATRIX = {
    "anonymous": NOTHING,
    "chengdu_staff": FILER,
    "outsider": NOTHING,
    "chengdu_official": REVIEWER,
    "mianyang_official": NOTHING,
    "province_official": REVIEWER,  # the province covers 成都 too
    "platform_admin": PLATFORM_ADMIN,
}


@pytest.mark.parametrize("status", AchievementStatus.values)
@pytest.mark.parametrize("name", ACTORS)
def test_the_achievement_matrix(actor, name, status, chengdu_institution, django_assert_num_queries):
    user = actor(name)
    achievement = Achievement(status=status, filing_institution=chengdu_institution)

    with django_assert_num_queries(0):  # the checks read the cached roles and the loaded row only
        allowed = ACHIEVEMENT_ACTIONS.allowed(user, achievement)

    assert allowed == ACHIEVEMENT_MATRIX[name][status]


def test_the_achievement_actions_are_named_after_the_api_endpoints():
    assert ACHIEVEMENT_ACTIONS.names == [
        "edit",
        "submit",
        "approve",
        "return",
        "publish",
        "list_on_market",
        "withdraw",
    ]


CATALOGUE_MANAGERS = {"province_official", "platform_admin"}
EVERY_CATALOGUE_ACTION = ["edit", "add_entry", "remove_entry", "publish", "delete"]


@pytest.mark.parametrize("status", CatalogueStatus.values)
@pytest.mark.parametrize("name", ACTORS)
def test_the_catalogue_matrix(actor, name, status, django_assert_num_queries):
    user = actor(name)
    catalogue = DualUseCatalogue(kind=CatalogueKind.MILITARY_TO_CIVIL, status=status)

    with django_assert_num_queries(0):
        allowed = CATALOGUE_ACTIONS.allowed(user, catalogue)

    expected = name in CATALOGUE_MANAGERS and status == CatalogueStatus.DRAFT
    assert allowed == (EVERY_CATALOGUE_ACTION if expected else [])


IMPORTERS = {"chengdu_staff", "platform_admin"}


@pytest.mark.parametrize(
    ("status", "valid_rows", "confirmable"),
    [
        (ImportStatus.UPLOADED, 0, False),
        (ImportStatus.VALIDATING, 0, False),
        (ImportStatus.VALIDATED, 3, True),
        (ImportStatus.VALIDATED, 0, False),
        (ImportStatus.IMPORTING, 3, False),
        (ImportStatus.IMPORTED, 3, False),
        (ImportStatus.FAILED, 0, False),
    ],
)
@pytest.mark.parametrize("name", ACTORS)
def test_the_import_batch_matrix(
    actor, name, status, valid_rows, confirmable, chengdu_institution, django_assert_num_queries
):
    user = actor(name)
    batch = ImportBatch(institution=chengdu_institution, status=status, valid_rows=valid_rows)

    with django_assert_num_queries(0):
        allowed = IMPORT_BATCH_ACTIONS.allowed(user, batch)

    assert allowed == (["confirm"] if confirmable and name in IMPORTERS else [])


# --- the API shows them on every object ------------------------------------------------------------


def _achievement_actions(user, achievement) -> list[str]:
    response = api_client_for(user).get(f"/api/v1/achievements/{achievement.pk}/")
    assert response.status_code == 200
    return response.json()["actions"]


def test_a_submitted_filing_shows_each_caller_what_they_may_do(
    chengdu_staff, chengdu_official, chengdu_institution, platform_admin
):
    achievement = draft(chengdu_staff, chengdu_institution)
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)

    assert _achievement_actions(chengdu_staff, achievement) == ["withdraw"]
    assert _achievement_actions(chengdu_official, achievement) == ["approve", "return"]
    assert _achievement_actions(platform_admin, achievement) == ["approve", "return", "withdraw"]


def test_a_published_achievement_shows_each_caller_what_they_may_do(
    chengdu_staff, chengdu_official, chengdu_institution, outsider
):
    achievement = published(chengdu_staff, chengdu_official, chengdu_institution)

    assert _achievement_actions(chengdu_staff, achievement) == ["list_on_market", "withdraw"]
    assert _achievement_actions(chengdu_official, achievement) == []
    assert _achievement_actions(outsider, achievement) == []
    assert _achievement_actions(None, achievement) == []


def test_every_row_of_a_list_carries_its_actions(chengdu_staff, chengdu_official, chengdu_institution):
    first = draft(chengdu_staff, chengdu_institution, title="高安全锂离子电池硅碳负极材料制备技术")
    second = draft(chengdu_staff, chengdu_institution, title="城市污水处理厂低碳运行优化技术")
    services.achievement_submit(actor=chengdu_staff, achievement=second)

    mine = api_client_for(chengdu_staff).get("/api/v1/achievements/", {"scope": "mine"}).json()
    queue = api_client_for(chengdu_official).get("/api/v1/achievements/", {"scope": "review"}).json()

    assert {row["id"]: row["actions"] for row in mine["results"]} == {
        first.pk: ["edit", "submit", "withdraw"],
        second.pk: ["withdraw"],
    }
    assert {row["id"]: row["actions"] for row in queue["results"]} == {second.pk: ["approve", "return"]}


def test_the_review_queue_is_refused_to_a_caller_the_rules_give_none(chengdu_staff):
    response = api_client_for(chengdu_staff).get("/api/v1/achievements/", {"scope": "review"})

    assert response.status_code == 403
    assert response.json()["detail"] == "Only officials have a review queue."


def test_a_catalogue_shows_its_managers_what_they_may_do(
    province_official, chengdu_official, chengdu_staff, chengdu_institution
):
    achievement = published(chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True)
    catalogue = catalogues.catalogue_create(
        actor=province_official,
        kind=CatalogueKind.MILITARY_TO_CIVIL,
        title="推广目录",
        edition="2026年第一批",
    )
    catalogues.catalogue_add_entry(actor=province_official, catalogue=catalogue, achievement=achievement)
    url = f"/api/v1/catalogues/{catalogue.pk}/"

    draft_actions = api_client_for(province_official).get(url).json()["actions"]
    listed = api_client_for(province_official).get("/api/v1/catalogues/", {"include_drafts": "true"}).json()
    catalogues.catalogue_publish(actor=province_official, catalogue=catalogue, published_on=None)

    assert draft_actions == EVERY_CATALOGUE_ACTION
    assert [row["actions"] for row in listed["results"]] == [EVERY_CATALOGUE_ACTION]
    assert api_client_for(province_official).get(url).json()["actions"] == []
    assert api_client_for(chengdu_official).get(url).json()["actions"] == []
    assert api_client_for().get(url).json()["actions"] == []


def test_a_checked_import_shows_its_institution_the_confirmation(
    chengdu_staff, chengdu_admin, chengdu_institution, chengdu_official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_services.import_batch_create(
            actor=chengdu_staff,
            institution=chengdu_institution,
            uploaded_file=workbooks.upload(workbooks.xlsx([workbooks.good_row()])),
        )
    url = f"/api/v1/achievement-imports/{batch.pk}/"

    staff_view = api_client_for(chengdu_staff).get(url).json()
    admin_view = api_client_for(chengdu_admin).get(url).json()
    official_response = api_client_for(chengdu_official).get(url)

    assert staff_view["status"] == ImportStatus.VALIDATED
    assert staff_view["actions"] == ["confirm"]
    assert admin_view["actions"] == ["confirm"]
    assert official_response.status_code == 404  # officials do not see an institution's imports


# --- the page and the API agree ---------------------------------------------------------------------

# The page decides a submitted filing in one panel: its "review" is the API's "approve" and "return".
PAGE_NAMES = {"approve": "review", "return": "review"}


@pytest.mark.parametrize("status", ["draft", "submitted", "approved", "published", "withdrawn"])
@pytest.mark.parametrize("name", ["chengdu_staff", "chengdu_official", "platform_admin"])
def test_the_page_offers_what_the_api_lists(
    request, name, status, chengdu_staff, chengdu_official, chengdu_institution
):
    achievement = draft(chengdu_staff, chengdu_institution, publish_on_approval=False)
    if status != "draft":
        services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    if status in ("approved", "published"):
        services.achievement_approve(actor=chengdu_official, achievement=achievement)
    if status == "published":
        services.achievement_publish(actor=chengdu_official, achievement=achievement)
    if status == "withdrawn":
        services.achievement_withdraw(actor=chengdu_staff, achievement=achievement)
    achievement.refresh_from_db()
    assert achievement.status == status
    user = request.getfixturevalue(name)

    page = client_for(user).get(f"/achievements/{achievement.pk}/")
    api = api_client_for(user).get(f"/api/v1/achievements/{achievement.pk}/")

    if name == "chengdu_official" and status == "draft":  # drafts are the institution's own
        assert (page.status_code, api.status_code) == (404, 404)
        return
    offered = {key for key, allowed in page.context["can"].items() if allowed} - {"read_detail", "follow"}
    assert offered == {PAGE_NAMES.get(action, action) for action in api.json()["actions"]}


# --- IP assets, attachments and catalogue entries ---------------------------------------------------

EDITABLE = {AchievementStatus.DRAFT, AchievementStatus.RETURNED}
FILERS = {"chengdu_staff", "platform_admin"}


@pytest.mark.parametrize("status", AchievementStatus.values)
@pytest.mark.parametrize("name", ACTORS)
def test_the_ip_asset_matrix(actor, name, status, chengdu_institution, django_assert_num_queries):
    user = actor(name)
    asset = IPAsset(achievement=Achievement(status=status, filing_institution=chengdu_institution))

    with django_assert_num_queries(0):
        allowed = IP_ASSET_ACTIONS.allowed(user, asset)

    # the filer changes them while the filing is editable, as the services do
    assert allowed == (["edit", "remove"] if name in FILERS and status in EDITABLE else [])


# actor → status → the actions allowed on an attachment of a 成都 filing whose detail is for the signed-in
DOWNLOAD = ["download"]
WHILE_EDITABLE = {
    AchievementStatus.DRAFT: ["download", "remove"],
    AchievementStatus.SUBMITTED: DOWNLOAD,
    AchievementStatus.RETURNED: ["download", "remove"],
    AchievementStatus.APPROVED: DOWNLOAD,
    AchievementStatus.PUBLISHED: DOWNLOAD,
    AchievementStatus.WITHDRAWN: DOWNLOAD,
}
PAST_DRAFT = {status: [] if status == AchievementStatus.DRAFT else DOWNLOAD for status in AchievementStatus}
ONCE_PUBLISHED = {
    status: DOWNLOAD if status == AchievementStatus.PUBLISHED else [] for status in AchievementStatus
}
ATTACHMENT_MATRIX = {
    "anonymous": NOTHING,
    "chengdu_staff": WHILE_EDITABLE,
    "outsider": ONCE_PUBLISHED,
    "chengdu_official": PAST_DRAFT,
    "mianyang_official": ONCE_PUBLISHED,
    "province_official": PAST_DRAFT,
    "platform_admin": WHILE_EDITABLE,
}


@pytest.mark.parametrize("status", AchievementStatus.values)
@pytest.mark.parametrize("name", ACTORS)
def test_the_attachment_matrix(actor, name, status, chengdu_institution, django_assert_num_queries):
    user = actor(name)
    achievement = Achievement(
        status=status, filing_institution=chengdu_institution, detail_visibility=DetailVisibility.SIGNED_IN
    )
    attachment = Attachment(achievement=achievement)

    with django_assert_num_queries(0):
        allowed = ATTACHMENT_ACTIONS.allowed(user, attachment)

    assert allowed == ATTACHMENT_MATRIX[name][status]


@pytest.mark.parametrize(
    ("visibility", "for_anonymous", "for_outsider", "for_enterprise"),
    [
        (DetailVisibility.PUBLIC, DOWNLOAD, DOWNLOAD, DOWNLOAD),
        (DetailVisibility.SIGNED_IN, [], DOWNLOAD, DOWNLOAD),
        (DetailVisibility.ENTERPRISE, [], [], DOWNLOAD),
    ],
)
def test_a_published_attachment_is_downloaded_by_whom_the_detail_admits(
    actor, visibility, for_anonymous, for_outsider, for_enterprise, chengdu_institution
):
    enterprise_user = factories.staff_of(factories.OrganisationFactory(name="成都某科技有限公司"))
    actor_roles(enterprise_user)
    achievement = Achievement(
        status=AchievementStatus.PUBLISHED,
        filing_institution=chengdu_institution,
        detail_visibility=visibility,
    )
    attachment = Attachment(achievement=achievement)

    assert ATTACHMENT_ACTIONS.allowed(actor("anonymous"), attachment) == for_anonymous
    assert ATTACHMENT_ACTIONS.allowed(actor("outsider"), attachment) == for_outsider
    assert ATTACHMENT_ACTIONS.allowed(enterprise_user, attachment) == for_enterprise


@pytest.mark.parametrize("status", CatalogueStatus.values)
@pytest.mark.parametrize("name", ACTORS)
def test_the_catalogue_entry_matrix(actor, name, status, django_assert_num_queries):
    user = actor(name)
    entry = CatalogueEntry(catalogue=DualUseCatalogue(kind=CatalogueKind.MILITARY_TO_CIVIL, status=status))

    with django_assert_num_queries(0):
        allowed = CATALOGUE_ENTRY_ACTIONS.allowed(user, entry)

    expected = name in CATALOGUE_MANAGERS and status == CatalogueStatus.DRAFT
    assert allowed == (["remove"] if expected else [])


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _with_asset_and_attachment(staff, institution):
    achievement = draft(staff, institution)
    services.ip_asset_add(
        actor=staff, achievement=achievement, data={"kind": "software_copyright", "number": "2023SR0123456"}
    )
    services.attachment_add(
        actor=staff, achievement=achievement, uploaded_file=SimpleUploadedFile("中试报告.pdf", PDF)
    )
    return achievement


def _listed_actions(user, achievement, what: str) -> list[list[str]]:
    response = api_client_for(user).get(f"/api/v1/achievements/{achievement.pk}/{what}/")
    assert response.status_code == 200
    return [row["actions"] for row in response.json()["results"]]


def test_the_ip_assets_and_attachments_of_a_draft_show_the_filer_what_they_may_do(
    chengdu_staff, chengdu_institution, outsider, django_assert_num_queries
):
    achievement = _with_asset_and_attachment(chengdu_staff, chengdu_institution)
    asset = achievement.ip_assets.get()
    client = api_client_for(chengdu_staff)

    detail = client.get(f"/api/v1/achievements/{achievement.pk}/").json()
    changed = client.patch(f"/api/v1/ip-assets/{asset.pk}/", {"title": "电池管理软件V2.0"}, format="json")

    assert _listed_actions(chengdu_staff, achievement, "ip-assets") == [["edit", "remove"]]
    assert _listed_actions(chengdu_staff, achievement, "attachments") == [["download", "remove"]]
    assert [row["actions"] for row in detail["ip_assets"]] == [["edit", "remove"]]
    assert [row["actions"] for row in detail["attachments"]] == [["download", "remove"]]
    assert changed.json()["actions"] == ["edit", "remove"]
    # a draft is its institution's own
    assert (
        api_client_for(outsider).get(f"/api/v1/achievements/{achievement.pk}/ip-assets/").status_code == 404
    )


def test_the_ip_assets_and_attachments_of_a_published_filing_show_each_caller_what_they_may_do(
    chengdu_staff, chengdu_official, chengdu_institution, outsider
):
    achievement = _with_asset_and_attachment(chengdu_staff, chengdu_institution)
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    services.achievement_approve(actor=chengdu_official, achievement=achievement)  # publishes at once

    assert _listed_actions(chengdu_staff, achievement, "ip-assets") == [[]]
    assert _listed_actions(chengdu_staff, achievement, "attachments") == [["download"]]
    assert _listed_actions(outsider, achievement, "ip-assets") == [[]]
    assert _listed_actions(outsider, achievement, "attachments") == [["download"]]
    assert _listed_actions(None, achievement, "ip-assets") == [[]]
    assert _listed_actions(None, achievement, "attachments") == [[]]  # the detail is for the signed-in


def test_a_catalogue_entry_shows_its_managers_the_removal(
    province_official, chengdu_official, chengdu_staff, chengdu_institution
):
    achievement = published(chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True)
    catalogue = catalogues.catalogue_create(
        actor=province_official,
        kind=CatalogueKind.MILITARY_TO_CIVIL,
        title="推广目录",
        edition="2026年第一批",
    )
    url = f"/api/v1/catalogues/{catalogue.pk}/"

    added = api_client_for(province_official).post(f"{url}entries/", {"achievement": achievement.pk})
    draft_entries = api_client_for(province_official).get(url).json()["entries"]
    catalogues.catalogue_publish(actor=province_official, catalogue=catalogue, published_on=None)

    assert added.status_code == 201
    assert added.json()["actions"] == ["remove"]
    assert [entry["actions"] for entry in draft_entries] == [["remove"]]
    assert [entry["actions"] for entry in api_client_for(province_official).get(url).json()["entries"]] == [
        []
    ]
    assert [entry["actions"] for entry in api_client_for(chengdu_staff).get(url).json()["entries"]] == [[]]
    assert [entry["actions"] for entry in api_client_for().get(url).json()["entries"]] == [[]]


@pytest.mark.parametrize(
    ("component", "enum", "action_set"),
    [
        ("IPAsset", "IPAssetActionsEnum", IP_ASSET_ACTIONS),
        ("Attachment", "AttachmentActionsEnum", ATTACHMENT_ACTIONS),
        ("CatalogueEntry", "CatalogueEntryActionsEnum", CATALOGUE_ENTRY_ACTIONS),
    ],
)
def test_the_schema_documents_the_actions_of_ip_assets_attachments_and_entries(component, enum, action_set):
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]

    field = schemas[component]["properties"]["actions"]
    assert (field["type"], field["readOnly"]) == ("array", True)
    assert field["items"] == {"$ref": f"#/components/schemas/{enum}"}
    assert schemas[enum]["enum"] == action_set.names
    assert {
        "IPAssetActionsEnum": ["edit", "remove"],
        "AttachmentActionsEnum": ["download", "remove"],
        "CatalogueEntryActionsEnum": ["remove"],
    }[enum] == action_set.names


# --- their pages offer the same --------------------------------------------------------------------


def test_the_filing_steps_offer_the_removals_the_api_lists(chengdu_staff, chengdu_institution):
    achievement = _with_asset_and_attachment(chengdu_staff, chengdu_institution)
    asset, attachment = achievement.ip_assets.get(), achievement.attachments.get()
    client = client_for(chengdu_staff)

    assets_page = client.get(f"/achievements/{achievement.pk}/edit/5/")
    attachments_page = client.get(f"/achievements/{achievement.pk}/edit/6/")

    assert [asset.actions for asset in assets_page.context["assets"]] == [{"edit": True, "remove": True}]
    assert (
        f'action="/achievements/{achievement.pk}/ip-assets/{asset.pk}/remove/"'
        in assets_page.content.decode()
    )
    assert [row.actions for row in attachments_page.context["attachments"]] == [
        {"download": True, "remove": True}
    ]
    assert (
        f'action="/achievements/{achievement.pk}/attachments/{attachment.pk}/remove/"'
        in attachments_page.content.decode()
    )


@pytest.mark.parametrize(
    ("visibility", "offered"), [(DetailVisibility.SIGNED_IN, True), (DetailVisibility.ENTERPRISE, False)]
)
def test_the_achievement_page_links_an_attachment_when_the_api_lists_its_download(
    visibility, offered, chengdu_staff, chengdu_official, chengdu_institution, outsider
):
    achievement = _with_asset_and_attachment(chengdu_staff, chengdu_institution)
    services.achievement_update(
        actor=chengdu_staff, achievement=achievement, data={"detail_visibility": visibility}
    )
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    services.achievement_approve(actor=chengdu_official, achievement=achievement)
    attachment = achievement.attachments.get()

    page = client_for(outsider).get(f"/achievements/{achievement.pk}/")
    [listed] = (
        api_client_for(outsider).get(f"/api/v1/achievements/{achievement.pk}/attachments/").json()["results"]
    )

    download = f'href="/achievements/{achievement.pk}/attachments/{attachment.pk}/"'
    assert ("download" in listed["actions"]) is offered
    assert (download in page.content.decode()) is offered


def test_the_catalogue_desk_offers_the_removal_the_api_lists(
    province_official, chengdu_official, chengdu_staff, chengdu_institution
):
    achievement = published(chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True)
    catalogue = catalogues.catalogue_create(
        actor=province_official,
        kind=CatalogueKind.MILITARY_TO_CIVIL,
        title="推广目录",
        edition="2026年第一批",
    )
    entry = catalogues.catalogue_add_entry(
        actor=province_official, catalogue=catalogue, achievement=achievement
    )

    page = client_for(province_official).get(f"/catalogues/{catalogue.pk}/manage/")

    assert [row["actions"] for row in page.context["rows"]] == [{"remove": True}]
    assert f'action="/catalogues/{catalogue.pk}/entries/{entry.pk}/remove/"' in page.content.decode()
