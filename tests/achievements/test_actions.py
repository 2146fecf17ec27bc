"""What an actor may do now with an achievement, a catalogue edition or an import batch
(``achievements.actions``): the matrix of each ActionSet, the ``actions`` the API shows on every
object, and the page and the API giving the same answer."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from rest_framework.test import APIClient

from achievements.actions import ACHIEVEMENT_ACTIONS, CATALOGUE_ACTIONS, IMPORT_BATCH_ACTIONS
from achievements.choices import AchievementStatus, CatalogueKind, CatalogueStatus, ImportStatus
from achievements.models import Achievement, DualUseCatalogue, ImportBatch
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
