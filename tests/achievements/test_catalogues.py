"""The dual-use catalogues (plan clause （十二）): who may put an edition together, which achievements
may be listed, the freeze on publication, the pages (public, printable, the managers' desk), the API,
and query counts that do not grow with the entries or the editions."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation
from rest_framework.test import APIClient

from achievements.choices import CatalogueKind, CatalogueStatus
from achievements.models import Achievement, CatalogueEntry, DualUseCatalogue
from achievements.selectors import filings as selectors
from achievements.services import catalogues
from achievements.services import filings as services
from notifications.models import Notification
from tests import factories
from tests.achievements.factories import draft, published

pytestmark = pytest.mark.django_db

MILITARY = CatalogueKind.MILITARY_TO_CIVIL
CIVIL = CatalogueKind.CIVIL_TO_MILITARY
PUBLISHED_ON = datetime.date(2026, 11, 2)
FROZEN = (
    "This catalogue was published on Nov. 2, 2026 and can no longer be changed; start a new edition instead."
)
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
UNPRIVILEGED = ["enterprise_user", "chengdu_staff", "chengdu_official"]
MANAGERS = ["province_official", "platform_admin"]

TITLES = [
    "高安全锂离子电池硅碳负极材料制备技术",
    "工业机器人视觉引导系统",
    "石墨烯散热膜连续化制备工艺",
    "北斗高精度定位终端",
    "特种陶瓷涂层防护技术",
]


# --- builders ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def in_english():
    """Service messages are compared in English (the site's default language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def enterprise_user(db):
    return factories.staff_of(factories.OrganisationFactory(name="成都某科技有限公司"), username="enterprise")


@pytest.fixture
def dual_use(chengdu_staff, chengdu_official, chengdu_institution):
    """A published dual-use achievement of 成都锦江技术转移中心."""
    return published(chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True)


def dual_use_achievements(staff, official, institution, count: int) -> list:
    return [
        published(
            staff, official, institution, is_dual_use=True, title=TITLES[index % len(TITLES)] + str(index)
        )
        for index in range(count)
    ]


def new_catalogue(actor, *, kind=MILITARY, edition="2026年第一批", title="四川省军用技术转民用推广目录"):
    return catalogues.catalogue_create(
        actor=actor, kind=kind, title=title, edition=edition, introduction="经审核，现予发布。"
    )


def catalogue_with(actor, achievements, **fields) -> DualUseCatalogue:
    catalogue = new_catalogue(actor, **fields)
    for achievement in achievements:
        catalogues.catalogue_add_entry(actor=actor, catalogue=catalogue, achievement=achievement)
    return catalogue


def published_catalogue(actor, achievements, **fields) -> DualUseCatalogue:
    catalogue = catalogue_with(actor, achievements, **fields)
    return catalogues.catalogue_publish(actor=actor, catalogue=catalogue, published_on=PUBLISHED_ON)


def entry_titles(catalogue) -> list[str]:
    return list(
        CatalogueEntry.objects.filter(catalogue=catalogue)
        .order_by("position")
        .values_list("achievement__title", flat=True)
    )


def snapshot() -> tuple:
    """Everything a catalogue write could change."""
    return (
        list(DualUseCatalogue.objects.order_by("pk").values()),
        list(CatalogueEntry.objects.order_by("pk").values()),
    )


def actor_named(request, name: str):
    return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)


def client_for(user=None) -> Client:
    """A browser that chose English, signed in as ``user``."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def api_client_for(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- services: putting an edition together ---------------------------------------------------------


@pytest.mark.parametrize("manager", MANAGERS)
def test_a_manager_gathers_dual_use_achievements_and_publishes_a_dated_edition(
    request, manager, chengdu_staff, chengdu_official, chengdu_institution
):
    actor = request.getfixturevalue(manager)
    first, second = dual_use_achievements(chengdu_staff, chengdu_official, chengdu_institution, 2)

    catalogue = new_catalogue(actor)
    entry = catalogues.catalogue_add_entry(
        actor=actor, catalogue=catalogue, achievement=first, note=" 重点推荐 "
    )
    catalogues.catalogue_add_entry(actor=actor, catalogue=catalogue, achievement=second)
    catalogue = catalogues.catalogue_publish(actor=actor, catalogue=catalogue, published_on=PUBLISHED_ON)

    catalogue.refresh_from_db()
    assert (catalogue.status, catalogue.published_on, catalogue.created_by) == (
        CatalogueStatus.PUBLISHED,
        PUBLISHED_ON,
        actor,
    )
    assert list(catalogue.entries.values_list("achievement__title", "position", "note")) == [
        (first.title, 1, "重点推荐"),
        (second.title, 2, ""),
    ]
    assert entry.note == "重点推荐"


def test_publishing_without_a_date_uses_today(province_official, dual_use):
    catalogue = catalogue_with(province_official, [dual_use])

    catalogue = catalogues.catalogue_publish(actor=province_official, catalogue=catalogue)

    assert catalogue.published_on == timezone.localdate()


@pytest.mark.parametrize("actor_name", ["anonymous", *UNPRIVILEGED])
def test_only_provincial_officials_and_platform_admins_manage_catalogues(
    request, actor_name, province_official, dual_use, chengdu_staff, chengdu_official, chengdu_institution
):
    actor = actor_named(request, actor_name)
    catalogue = catalogue_with(province_official, [dual_use])
    entry = catalogue.entries.get()
    other = published(
        chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True, title="北斗定位终端"
    )
    before = snapshot()

    attempts = [
        lambda: new_catalogue(actor, edition="2026年第二批"),
        lambda: catalogues.catalogue_update(actor=actor, catalogue=catalogue, data={"title": "改"}),
        lambda: catalogues.catalogue_add_entry(actor=actor, catalogue=catalogue, achievement=other),
        lambda: catalogues.catalogue_remove_entry(actor=actor, entry=entry),
        lambda: catalogues.catalogue_reorder(actor=actor, catalogue=catalogue, entry_ids=[entry.pk]),
        lambda: catalogues.catalogue_publish(actor=actor, catalogue=catalogue, published_on=PUBLISHED_ON),
        lambda: catalogues.catalogue_delete(actor=actor, catalogue=catalogue),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()

    assert snapshot() == before


def test_a_draft_achievement_cannot_be_listed(province_official, chengdu_staff, chengdu_institution):
    catalogue = new_catalogue(province_official)
    achievement = draft(chengdu_staff, chengdu_institution, is_dual_use=True)

    with pytest.raises(ValidationError) as raised:
        catalogues.catalogue_add_entry(actor=province_official, catalogue=catalogue, achievement=achievement)

    assert raised.value.message_dict == {
        "achievement": ["Only published achievements can be listed in a catalogue; this one is Draft."]
    }
    assert CatalogueEntry.objects.count() == 0


def test_a_submitted_achievement_cannot_be_listed(province_official, chengdu_staff, chengdu_institution):
    catalogue = new_catalogue(province_official)
    achievement = draft(chengdu_staff, chengdu_institution, is_dual_use=True)
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)

    with pytest.raises(ValidationError) as raised:
        catalogues.catalogue_add_entry(actor=province_official, catalogue=catalogue, achievement=achievement)

    assert raised.value.message_dict == {
        "achievement": [
            "Only published achievements can be listed in a catalogue; this one is Submitted for review."
        ]
    }
    assert CatalogueEntry.objects.count() == 0


def test_an_achievement_that_is_not_dual_use_cannot_be_listed(
    province_official, chengdu_staff, chengdu_official, chengdu_institution
):
    catalogue = new_catalogue(province_official)
    civil_only = published(chengdu_staff, chengdu_official, chengdu_institution)

    with pytest.raises(ValidationError) as raised:
        catalogues.catalogue_add_entry(actor=province_official, catalogue=catalogue, achievement=civil_only)

    assert raised.value.message_dict == {
        "achievement": ["Only dual-use (军民两用) achievements can be listed in a dual-use catalogue."]
    }
    assert CatalogueEntry.objects.count() == 0


def test_an_achievement_is_listed_once_per_edition(province_official, dual_use):
    catalogue = catalogue_with(province_official, [dual_use])

    with pytest.raises(ValidationError) as raised:
        catalogues.catalogue_add_entry(actor=province_official, catalogue=catalogue, achievement=dual_use)

    assert raised.value.message_dict == {"achievement": [f"“{dual_use.title}” is already in this catalogue."]}
    assert CatalogueEntry.objects.count() == 1


def test_the_same_achievement_may_appear_in_another_edition(province_official, dual_use):
    published_catalogue(province_official, [dual_use])

    second = catalogue_with(province_official, [dual_use], edition="2026年第二批")

    assert entry_titles(second) == [dual_use.title]


def test_an_edition_name_is_unique_within_its_catalogue(province_official):
    new_catalogue(province_official, kind=MILITARY, edition="2026年第一批")
    new_catalogue(province_official, kind=CIVIL, edition="2026年第一批", title="“民参军”技术与产品推荐目录")

    with pytest.raises(ValidationError) as raised:
        new_catalogue(province_official, kind=MILITARY, edition=" 2026年第一批 ")

    assert raised.value.message_dict == {
        "edition": [
            "The Military technology for civil use (军用技术转民用推广目录) already has an edition called "
            "“2026年第一批”."
        ]
    }
    assert DualUseCatalogue.objects.count() == 2


def test_a_catalogue_needs_a_title_and_edition(province_official):
    with pytest.raises(ValidationError) as raised:
        catalogues.catalogue_create(actor=province_official, kind=MILITARY, title=" ", edition="")

    assert set(raised.value.message_dict) == {"title", "edition"}
    assert DualUseCatalogue.objects.count() == 0


def test_a_draft_can_be_edited_and_reordered(
    province_official, chengdu_staff, chengdu_official, chengdu_institution
):
    achievements = dual_use_achievements(chengdu_staff, chengdu_official, chengdu_institution, 3)
    catalogue = catalogue_with(province_official, achievements)
    entries = list(catalogue.entries.order_by("position"))

    catalogues.catalogue_update(
        actor=province_official, catalogue=catalogue, data={"kind": CIVIL, "title": "  民参军推荐目录 "}
    )
    catalogues.catalogue_reorder(
        actor=province_official, catalogue=catalogue, entry_ids=[entries[2].pk, entries[0].pk, entries[1].pk]
    )

    catalogue.refresh_from_db()
    assert (catalogue.kind, catalogue.title, catalogue.edition) == (CIVIL, "民参军推荐目录", "2026年第一批")
    assert entry_titles(catalogue) == [achievements[2].title, achievements[0].title, achievements[1].title]
    assert list(catalogue.entries.order_by("position").values_list("position", flat=True)) == [1, 2, 3]


@pytest.mark.parametrize("order", [[0, 1], [0, 1, 1, 2], [0, 1, 2, 99]])
def test_a_reorder_must_name_every_entry_once(
    order, province_official, chengdu_staff, chengdu_official, chengdu_institution
):
    achievements = dual_use_achievements(chengdu_staff, chengdu_official, chengdu_institution, 3)
    catalogue = catalogue_with(province_official, achievements)
    pks = [*catalogue.entries.order_by("position").values_list("pk", flat=True), 10**6]
    before = snapshot()

    with pytest.raises(ValidationError) as raised:
        catalogues.catalogue_reorder(
            actor=province_official, catalogue=catalogue, entry_ids=[pks[min(i, 3)] for i in order]
        )

    assert raised.value.message_dict == {"entries": ["Give every entry of this catalogue exactly once."]}
    assert snapshot() == before


def test_an_empty_catalogue_cannot_be_published(province_official):
    catalogue = new_catalogue(province_official)

    with pytest.raises(ValidationError) as raised:
        catalogues.catalogue_publish(actor=province_official, catalogue=catalogue, published_on=PUBLISHED_ON)

    assert raised.value.messages == ["Add at least one achievement before publishing the catalogue."]
    catalogue.refresh_from_db()
    assert (catalogue.status, catalogue.published_on) == (CatalogueStatus.DRAFT, None)


def test_a_catalogue_cannot_be_dated_in_the_future(province_official, dual_use):
    catalogue = catalogue_with(province_official, [dual_use])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as raised:
        catalogues.catalogue_publish(actor=province_official, catalogue=catalogue, published_on=tomorrow)

    assert raised.value.message_dict == {"published_on": ["The publication date cannot be in the future."]}
    catalogue.refresh_from_db()
    assert catalogue.status == CatalogueStatus.DRAFT


def test_an_achievement_withdrawn_after_it_was_added_blocks_publication(
    province_official, dual_use, chengdu_staff
):
    catalogue = catalogue_with(province_official, [dual_use])
    services.achievement_withdraw(actor=chengdu_staff, achievement=dual_use)

    with pytest.raises(ValidationError) as raised:
        catalogues.catalogue_publish(actor=province_official, catalogue=catalogue, published_on=PUBLISHED_ON)

    assert raised.value.messages == [
        f"These achievements are no longer published; remove them first: {dual_use.title}."
    ]
    catalogue.refresh_from_db()
    assert catalogue.status == CatalogueStatus.DRAFT


def test_a_published_catalogue_is_frozen(
    province_official, dual_use, chengdu_staff, chengdu_official, chengdu_institution
):
    catalogue = published_catalogue(province_official, [dual_use])
    entry = catalogue.entries.get()
    other = published(
        chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True, title="北斗定位终端"
    )
    before = snapshot()

    attempts = [
        lambda: catalogues.catalogue_update(
            actor=province_official, catalogue=catalogue, data={"title": "改"}
        ),
        lambda: catalogues.catalogue_add_entry(
            actor=province_official, catalogue=catalogue, achievement=other
        ),
        lambda: catalogues.catalogue_remove_entry(actor=province_official, entry=entry),
        lambda: catalogues.catalogue_reorder(
            actor=province_official, catalogue=catalogue, entry_ids=[entry.pk]
        ),
        lambda: catalogues.catalogue_publish(actor=province_official, catalogue=catalogue),
        lambda: catalogues.catalogue_delete(actor=province_official, catalogue=catalogue),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as raised:
            attempt()
        assert raised.value.messages == [FROZEN]

    assert snapshot() == before


def test_a_draft_can_be_deleted_with_its_entries(province_official, dual_use):
    catalogue = catalogue_with(province_official, [dual_use])

    catalogues.catalogue_delete(actor=province_official, catalogue=catalogue)

    assert (DualUseCatalogue.objects.count(), CatalogueEntry.objects.count()) == (0, 0)
    assert Achievement.objects.filter(pk=dual_use.pk).exists()


def test_the_public_filter_finds_the_achievements_of_published_catalogues_only(
    province_official, chengdu_staff, chengdu_official, chengdu_institution
):
    in_published, in_draft, in_other_kind, unlisted = dual_use_achievements(
        chengdu_staff, chengdu_official, chengdu_institution, 4
    )
    published_catalogue(province_official, [in_published])
    catalogue_with(province_official, [in_draft], edition="2026年第二批")
    published_catalogue(province_official, [in_other_kind], kind=CIVIL, title="民参军推荐目录")
    anonymous = AnonymousUser()

    military = selectors.achievement_public_list(actor=anonymous, filters={"catalogue": MILITARY})
    civil = selectors.achievement_public_list(actor=anonymous, filters={"catalogue": CIVIL})

    assert [achievement.pk for achievement in military] == [in_published.pk]
    assert [achievement.pk for achievement in civil] == [in_other_kind.pk]
    assert unlisted.pk not in {achievement.pk for achievement in [*military, *civil]}


def test_candidates_are_published_dual_use_achievements_marked_when_listed(
    province_official, chengdu_staff, chengdu_official, chengdu_institution
):
    robot, graphene = (
        published(chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True, title=title)
        for title in ("工业机器人视觉引导系统", "石墨烯散热膜连续化制备工艺")
    )
    published(
        chengdu_staff, chengdu_official, chengdu_institution, title="工业机器人关节减速器"
    )  # not dual-use
    draft(chengdu_staff, chengdu_institution, is_dual_use=True, title="工业机器人示教器")  # not published
    catalogue = catalogue_with(province_official, [robot])

    everything = catalogues.catalogue_candidates(catalogue=catalogue, actor=province_official)
    robots = catalogues.catalogue_candidates(catalogue=catalogue, actor=province_official, q="工业机器人")

    assert {(row["achievement"].title, row["included"]) for row in everything} == {
        (robot.title, True),
        (graphene.title, False),
    }
    assert [(row["achievement"].title, row["included"]) for row in robots] == [(robot.title, True)]


# --- pages -----------------------------------------------------------------------------------------


def test_the_list_page_shows_published_editions_by_kind_with_their_dates(province_official, dual_use):
    published_catalogue(province_official, [dual_use])
    catalogue_with(province_official, [dual_use], edition="2027年第一批（草稿）")

    response = client_for().get("/catalogues/")

    assert response.status_code == 200
    military, civil = response.context["sections"]
    assert (military["kind"], [c.edition for c in military["catalogues"]]) == (MILITARY, ["2026年第一批"])
    assert (civil["kind"], civil["catalogues"]) == (CIVIL, [])
    assert response.context["drafts"] == []
    content = response.content.decode()
    assert "Published on Nov. 2, 2026" in content
    assert "2027年第一批（草稿）" not in content
    assert "/catalogues/new/" not in content


def test_managers_see_their_drafts_on_the_list_page(province_official, dual_use):
    catalogue_with(province_official, [dual_use], edition="2027年第一批")

    response = client_for(province_official).get("/catalogues/")

    assert [catalogue.edition for catalogue in response.context["drafts"]] == ["2027年第一批"]
    assert "/catalogues/new/" in response.content.decode()


def test_the_navbar_links_to_the_catalogues():
    response = client_for().get("/")

    assert 'href="/catalogues/"' in response.content.decode()


def test_a_published_catalogue_is_a_dated_printable_page(province_official, dual_use):
    catalogue = published_catalogue(province_official, [dual_use])

    response = client_for().get(f"/catalogues/{catalogue.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    for text in (
        "四川省军用技术转民用推广目录",
        "（2026年第一批）",
        '<time class="fw-bold" datetime="2026-11-02">Published on Nov. 2, 2026</time>',
        dual_use.filing_number,
        f'<a href="/achievements/{dual_use.pk}/">{dual_use.title}</a>',
        "成都锦江技术转移中心",
        "Transfer、Ordinary licence",
        "经审核，现予发布。",
        "@media print",
        ".site-navbar",
    ):
        assert text in content, text
    assert response.context["may_manage"] is False


def test_a_withdrawn_achievement_stays_in_a_published_catalogue_without_its_link(
    province_official, dual_use, chengdu_staff
):
    catalogue = published_catalogue(province_official, [dual_use])
    services.achievement_withdraw(actor=chengdu_staff, achievement=dual_use)

    response = client_for().get(f"/catalogues/{catalogue.pk}/")

    content = response.content.decode()
    assert dual_use.title in content
    assert f'href="/achievements/{dual_use.pk}/"' not in content
    assert "No longer available" in content


@pytest.mark.parametrize("viewer", [None, *UNPRIVILEGED])
def test_a_draft_catalogue_is_a_404_to_the_public(request, viewer, province_official, dual_use):
    catalogue = catalogue_with(province_official, [dual_use])
    user = request.getfixturevalue(viewer) if viewer else None

    response = client_for(user).get(f"/catalogues/{catalogue.pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize("manager", MANAGERS)
def test_managers_preview_a_draft(request, manager, province_official, dual_use):
    catalogue = catalogue_with(province_official, [dual_use])

    response = client_for(request.getfixturevalue(manager)).get(f"/catalogues/{catalogue.pk}/")

    assert response.status_code == 200
    assert response.context["may_manage"] is True
    assert "Draft — not published" in response.content.decode()


@pytest.mark.parametrize("path", ["/catalogues/new/", "/catalogues/{pk}/manage/"])
def test_the_desk_is_for_managers_only(request, path, province_official, dual_use):
    catalogue = catalogue_with(province_official, [dual_use])
    url = path.format(pk=catalogue.pk)

    anonymous = client_for().get(url)
    assert (anonymous.status_code, anonymous["Location"]) == (302, f"/accounts/login/?next={url}")
    for name in UNPRIVILEGED:
        assert client_for(request.getfixturevalue(name)).get(url).status_code == 403
    for name in MANAGERS:
        assert client_for(request.getfixturevalue(name)).get(url).status_code == 200


@pytest.mark.parametrize("viewer", ["anonymous", *UNPRIVILEGED])
def test_page_actions_are_refused_to_others_and_change_nothing(
    request, viewer, province_official, dual_use, chengdu_staff, chengdu_official, chengdu_institution
):
    catalogue = catalogue_with(province_official, [dual_use])
    entry = catalogue.entries.get()
    other = published(
        chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True, title="北斗定位终端"
    )
    client = client_for(None if viewer == "anonymous" else request.getfixturevalue(viewer))
    refused = 302 if viewer == "anonymous" else 403  # the anonymous are sent to sign in
    before = snapshot()

    posts = [
        ("/catalogues/new/", {"kind": MILITARY, "title": "目录", "edition": "2027年"}),
        (f"/catalogues/{catalogue.pk}/manage/", {"kind": MILITARY, "title": "改", "edition": "2027年"}),
        (f"/catalogues/{catalogue.pk}/entries/", {"achievement": other.pk}),
        (f"/catalogues/{catalogue.pk}/entries/{entry.pk}/remove/", {}),
        (f"/catalogues/{catalogue.pk}/entries/{entry.pk}/move/", {"direction": "down"}),
        (f"/catalogues/{catalogue.pk}/publish/", {"published_on": "2026-11-02"}),
        (f"/catalogues/{catalogue.pk}/delete/", {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == refused, url
        if viewer == "anonymous":
            assert response["Location"].startswith("/accounts/login/?next="), url

    assert snapshot() == before


def test_a_manager_puts_an_edition_together_on_the_desk(
    province_official, chengdu_staff, chengdu_official, chengdu_institution
):
    robot = published(
        chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True, title="工业机器人视觉引导系统"
    )
    beidou = published(
        chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True, title="北斗高精度定位终端"
    )
    client = client_for(province_official)

    # create the draft
    response = client.post(
        "/catalogues/new/",
        {
            "kind": MILITARY,
            "title": "四川省军用技术转民用推广目录",
            "edition": "2026年第一批",
            "introduction": "",
        },
    )
    catalogue = DualUseCatalogue.objects.get()
    assert response["Location"] == f"/catalogues/{catalogue.pk}/manage/"

    # search and add
    desk = client.get(f"/catalogues/{catalogue.pk}/manage/", {"q": "工业机器人"})
    assert [row["achievement"].pk for row in desk.context["candidates"]] == [robot.pk]
    response = client.post(
        f"/catalogues/{catalogue.pk}/entries/", {"achievement": robot.pk, "note": "首批", "q": "工业机器人"}
    )
    assert (
        response["Location"]
        == f"/catalogues/{catalogue.pk}/manage/?q=%E5%B7%A5%E4%B8%9A%E6%9C%BA%E5%99%A8%E4%BA%BA"
    )
    client.post(f"/catalogues/{catalogue.pk}/entries/", {"achievement": beidou.pk})
    assert entry_titles(catalogue) == [robot.title, beidou.title]

    # reorder, then remove
    beidou_entry = catalogue.entries.get(achievement=beidou)
    client.post(f"/catalogues/{catalogue.pk}/entries/{beidou_entry.pk}/move/", {"direction": "up"})
    assert entry_titles(catalogue) == [beidou.title, robot.title]
    client.post(f"/catalogues/{catalogue.pk}/entries/{beidou_entry.pk}/remove/")
    assert entry_titles(catalogue) == [robot.title]

    # edit the details
    client.post(
        f"/catalogues/{catalogue.pk}/manage/",
        {
            "kind": MILITARY,
            "title": "四川省军用技术转民用推广目录",
            "edition": "2026年第一批",
            "introduction": "前言",
        },
    )

    # publish
    response = client.post(f"/catalogues/{catalogue.pk}/publish/", {"published_on": "2026-11-02"})
    assert response["Location"] == f"/catalogues/{catalogue.pk}/"
    catalogue.refresh_from_db()
    assert (catalogue.status, catalogue.published_on, catalogue.introduction) == (
        CatalogueStatus.PUBLISHED,
        PUBLISHED_ON,
        "前言",
    )

    # the desk of a published catalogue leads back to its page
    response = client.get(f"/catalogues/{catalogue.pk}/manage/", follow=True)
    assert response.redirect_chain == [(f"/catalogues/{catalogue.pk}/", 302)]
    # (the messages of the earlier steps, whose redirects were not followed, come first)
    assert messages_of(response)[-2:] == [
        "The catalogue has been published.",
        "This catalogue has been published and can no longer be changed.",
    ]


def test_the_desk_refuses_a_draft_achievement_with_a_message(
    province_official, chengdu_staff, chengdu_institution
):
    catalogue = new_catalogue(province_official)
    achievement = draft(chengdu_staff, chengdu_institution, is_dual_use=True)

    response = client_for(province_official).post(
        f"/catalogues/{catalogue.pk}/entries/", {"achievement": achievement.pk}, follow=True
    )

    # A provincial official sees only submitted filings, never drafts.
    assert messages_of(response) == ["That achievement does not exist or is not visible to you."]
    assert CatalogueEntry.objects.count() == 0


def test_the_desk_refuses_a_non_dual_use_achievement_with_a_message(
    province_official, chengdu_staff, chengdu_official, chengdu_institution
):
    catalogue = new_catalogue(province_official)
    civil_only = published(chengdu_staff, chengdu_official, chengdu_institution)

    response = client_for(province_official).post(
        f"/catalogues/{catalogue.pk}/entries/", {"achievement": civil_only.pk}, follow=True
    )

    assert messages_of(response) == [
        "Only dual-use (军民两用) achievements can be listed in a dual-use catalogue."
    ]
    assert CatalogueEntry.objects.count() == 0


def test_publishing_an_empty_draft_on_the_desk_says_why(province_official):
    catalogue = new_catalogue(province_official)

    response = client_for(province_official).post(
        f"/catalogues/{catalogue.pk}/publish/", {"published_on": "2026-11-02"}, follow=True
    )

    assert response.redirect_chain == [(f"/catalogues/{catalogue.pk}/manage/", 302)]
    assert messages_of(response) == ["Add at least one achievement before publishing the catalogue."]
    catalogue.refresh_from_db()
    assert catalogue.status == CatalogueStatus.DRAFT


def test_adding_to_a_published_catalogue_on_the_desk_says_it_is_frozen(
    province_official, dual_use, chengdu_staff, chengdu_official, chengdu_institution
):
    catalogue = published_catalogue(province_official, [dual_use])
    other = published(
        chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True, title="北斗定位终端"
    )

    response = client_for(province_official).post(
        f"/catalogues/{catalogue.pk}/entries/", {"achievement": other.pk}, follow=True
    )

    assert response.redirect_chain == [(f"/catalogues/{catalogue.pk}/", 302)]
    assert messages_of(response) == [FROZEN]
    assert entry_titles(catalogue) == [dual_use.title]


def test_a_duplicate_edition_is_shown_next_to_the_field(province_official):
    new_catalogue(province_official)

    response = client_for(province_official).post(
        "/catalogues/new/", {"kind": MILITARY, "title": "目录", "edition": "2026年第一批"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "edition": [
            "The Military technology for civil use (军用技术转民用推广目录) already has an edition called "
            "“2026年第一批”."
        ]
    }
    assert DualUseCatalogue.objects.count() == 1


def test_the_desk_search_answers_htmx_with_the_results_only(province_official, dual_use):
    catalogue = new_catalogue(province_official)

    response = client_for(province_official).get(
        f"/catalogues/{catalogue.pk}/manage/", {"q": "锂离子电池"}, HTTP_HX_REQUEST="true"
    )

    assert [template.name for template in response.templates] == ["achievements/catalogue_candidates.html"]
    assert dual_use.title in response.content.decode()


def test_a_manager_deletes_a_draft_on_the_desk(province_official, dual_use):
    catalogue = catalogue_with(province_official, [dual_use])

    response = client_for(province_official).post(f"/catalogues/{catalogue.pk}/delete/")

    assert response["Location"] == "/catalogues/"
    assert DualUseCatalogue.objects.count() == 0


# --- API -------------------------------------------------------------------------------------------


def test_the_api_lists_published_editions_to_everyone(province_official, dual_use):
    catalogue = published_catalogue(province_official, [dual_use])
    catalogue_with(province_official, [dual_use], edition="2027年第一批")

    response = api_client_for().get("/api/v1/catalogues/", {"include_drafts": "true"})

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": catalogue.pk,
                "kind": "military_to_civil",
                "kind_label": "Military technology for civil use (军用技术转民用推广目录)",
                "title": "四川省军用技术转民用推广目录",
                "edition": "2026年第一批",
                "status": "published",
                "status_label": "Published",
                "published_on": "2026-11-02",
                "entry_count": 1,
                "page_url": f"/catalogues/{catalogue.pk}/",
                "actions": [],
            }
        ],
    }


@pytest.mark.parametrize("manager", MANAGERS)
def test_managers_list_drafts_on_request(request, manager, province_official, dual_use):
    published_catalogue(province_official, [dual_use])
    draft_catalogue = new_catalogue(province_official, edition="2027年第一批")
    client = api_client_for(request.getfixturevalue(manager))

    without = client.get("/api/v1/catalogues/").json()
    with_drafts = client.get("/api/v1/catalogues/", {"include_drafts": "true"}).json()

    assert [row["edition"] for row in without["results"]] == ["2026年第一批"]
    first = with_drafts["results"][0]
    assert (first["id"], first["status"]) == (draft_catalogue.pk, "draft")
    assert with_drafts["count"] == 2


def test_the_api_list_filters_by_kind_and_checks_its_parameters(province_official, dual_use):
    published_catalogue(province_official, [dual_use])
    client = api_client_for()

    assert client.get("/api/v1/catalogues/", {"kind": CIVIL}).json()["count"] == 0
    assert client.get("/api/v1/catalogues/", {"kind": MILITARY}).json()["count"] == 1
    bad_kind = client.get("/api/v1/catalogues/", {"kind": "secret"})
    bad_flag = client.get("/api/v1/catalogues/", {"include_drafts": "perhaps"})
    assert (bad_kind.status_code, bad_kind.json()["fields"]) == (
        400,
        {"kind": ["Choose one of the two catalogues."]},
    )
    assert (bad_flag.status_code, bad_flag.json()["fields"]) == (
        400,
        {"include_drafts": ["Must be a valid boolean."]},
    )


def test_the_api_detail_has_the_entries_in_order(province_official, dual_use):
    catalogue = published_catalogue(province_official, [dual_use])
    entry = catalogue.entries.get()

    response = api_client_for().get(f"/api/v1/catalogues/{catalogue.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("status", "published_on", "introduction")} == {
        "status": "published",
        "published_on": "2026-11-02",
        "introduction": "经审核，现予发布。",
    }
    assert body["entries"] == [
        {
            "id": entry.pk,
            "position": 1,
            "note": "",
            "achievement": {
                "id": dual_use.pk,
                "filing_number": dual_use.filing_number,
                "title": dual_use.title,
                "institution": {"id": dual_use.filing_institution_id, "name": "成都锦江技术转移中心"},
                "technology_field": {
                    "code": "03",
                    "label": dual_use.technology_field.label,
                },
                "trl": 6,
                "cooperation_modes": ["transfer", "licence_ordinary"],
                "cooperation_mode_labels": ["Transfer", "Ordinary licence"],
                "is_available": True,
                "page_url": f"/achievements/{dual_use.pk}/",
            },
            "actions": [],
        }
    ]


@pytest.mark.parametrize("viewer", [None, *UNPRIVILEGED])
def test_a_draft_is_a_404_in_the_api_to_the_public(request, viewer, province_official, dual_use):
    catalogue = catalogue_with(province_official, [dual_use])
    user = request.getfixturevalue(viewer) if viewer else None

    response = api_client_for(user).get(f"/api/v1/catalogues/{catalogue.pk}/")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def _api_writes(catalogue, entry, other) -> list[tuple[str, str, dict]]:
    return [
        ("post", "/api/v1/catalogues/", {"kind": MILITARY, "title": "目录", "edition": "2027年"}),
        ("patch", f"/api/v1/catalogues/{catalogue.pk}/", {"title": "改"}),
        ("post", f"/api/v1/catalogues/{catalogue.pk}/entries/", {"achievement": other.pk}),
        ("delete", f"/api/v1/catalogues/{catalogue.pk}/entries/{entry.pk}/", {}),
        ("post", f"/api/v1/catalogues/{catalogue.pk}/publish/", {"published_on": "2026-11-02"}),
        ("delete", f"/api/v1/catalogues/{catalogue.pk}/", {}),
    ]


@pytest.mark.parametrize("viewer", ["anonymous", *UNPRIVILEGED])
def test_api_writes_are_refused_to_others_and_change_nothing(
    request, viewer, province_official, dual_use, chengdu_staff, chengdu_official, chengdu_institution
):
    catalogue = catalogue_with(province_official, [dual_use])
    entry = catalogue.entries.get()
    other = published(
        chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True, title="北斗定位终端"
    )
    client = api_client_for(None if viewer == "anonymous" else request.getfixturevalue(viewer))
    expected = (401, NOT_SIGNED_IN) if viewer == "anonymous" else (403, FORBIDDEN)
    before = snapshot()

    for method, url, data in _api_writes(catalogue, entry, other):
        response = getattr(client, method)(url, data, format="json")
        assert (response.status_code, response.json()) == expected, (method, url)

    assert snapshot() == before


@pytest.mark.parametrize("manager", MANAGERS)
def test_managers_build_and_publish_an_edition_through_the_api(
    request, manager, chengdu_staff, chengdu_official, chengdu_institution
):
    robot, beidou = dual_use_achievements(chengdu_staff, chengdu_official, chengdu_institution, 2)
    client = api_client_for(request.getfixturevalue(manager))

    created = client.post(
        "/api/v1/catalogues/",
        {"kind": CIVIL, "title": "“民参军”技术与产品推荐目录", "edition": "2026年第一批"},
        format="json",
    )
    assert created.status_code == 201
    catalogue_id = created.json()["id"]
    assert {key: created.json()[key] for key in ("status", "published_on", "entries", "introduction")} == {
        "status": "draft",
        "published_on": None,
        "entries": [],
        "introduction": "",
    }

    patched = client.patch(f"/api/v1/catalogues/{catalogue_id}/", {"introduction": "前言"}, format="json")
    assert (patched.status_code, patched.json()["introduction"], patched.json()["title"]) == (
        200,
        "前言",
        "“民参军”技术与产品推荐目录",
    )

    first = client.post(
        f"/api/v1/catalogues/{catalogue_id}/entries/",
        {"achievement": robot.pk, "note": "推荐"},
        format="json",
    )
    second = client.post(
        f"/api/v1/catalogues/{catalogue_id}/entries/", {"achievement": beidou.pk}, format="json"
    )
    assert (first.status_code, first.json()["position"], first.json()["note"]) == (201, 1, "推荐")
    assert (second.status_code, second.json()["position"], second.json()["achievement"]["id"]) == (
        201,
        2,
        beidou.pk,
    )

    removed = client.delete(f"/api/v1/catalogues/{catalogue_id}/entries/{second.json()['id']}/")
    assert removed.status_code == 204

    published_response = client.post(
        f"/api/v1/catalogues/{catalogue_id}/publish/", {"published_on": "2026-11-02"}, format="json"
    )
    assert published_response.status_code == 200
    body = published_response.json()
    assert (body["status"], body["published_on"], [e["achievement"]["id"] for e in body["entries"]]) == (
        "published",
        "2026-11-02",
        [robot.pk],
    )


def test_the_api_refuses_a_draft_achievement(province_official, chengdu_staff, chengdu_institution):
    catalogue = new_catalogue(province_official)
    achievement = draft(chengdu_staff, chengdu_institution, is_dual_use=True)

    response = api_client_for(province_official).post(
        f"/api/v1/catalogues/{catalogue.pk}/entries/", {"achievement": achievement.pk}, format="json"
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "invalid",
            "detail": INVALID_SUMMARY,
            "fields": {
                "achievement": [
                    "Only published achievements can be listed in a catalogue; this one is Draft."
                ]
            },
        },
    )
    assert CatalogueEntry.objects.count() == 0


def test_the_api_refuses_a_non_dual_use_achievement_and_a_duplicate(
    province_official, dual_use, chengdu_staff, chengdu_official, chengdu_institution
):
    catalogue = catalogue_with(province_official, [dual_use])
    civil_only = published(
        chengdu_staff, chengdu_official, chengdu_institution, title="工业机器人视觉引导系统"
    )
    client = api_client_for(province_official)

    not_dual = client.post(
        f"/api/v1/catalogues/{catalogue.pk}/entries/", {"achievement": civil_only.pk}, format="json"
    )
    again = client.post(
        f"/api/v1/catalogues/{catalogue.pk}/entries/", {"achievement": dual_use.pk}, format="json"
    )
    missing = client.post(
        f"/api/v1/catalogues/{catalogue.pk}/entries/", {"achievement": 10**6}, format="json"
    )

    assert (not_dual.status_code, not_dual.json()["fields"]) == (
        400,
        {"achievement": ["Only dual-use (军民两用) achievements can be listed in a dual-use catalogue."]},
    )
    assert (again.status_code, again.json()["fields"]) == (
        400,
        {"achievement": [f"“{dual_use.title}” is already in this catalogue."]},
    )
    assert (missing.status_code, list(missing.json()["fields"])) == (400, ["achievement"])
    assert entry_titles(catalogue) == [dual_use.title]


def test_the_api_refuses_to_publish_an_empty_edition(province_official):
    catalogue = new_catalogue(province_official)

    response = api_client_for(province_official).post(
        f"/api/v1/catalogues/{catalogue.pk}/publish/", {}, format="json"
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "empty_catalogue",
            "detail": "Add at least one achievement before publishing the catalogue.",
            "fields": {},
        },
    )
    catalogue.refresh_from_db()
    assert catalogue.status == CatalogueStatus.DRAFT


def test_the_api_says_a_published_edition_is_frozen(
    province_official, dual_use, chengdu_staff, chengdu_official, chengdu_institution
):
    catalogue = published_catalogue(province_official, [dual_use])
    entry = catalogue.entries.get()
    other = published(
        chengdu_staff, chengdu_official, chengdu_institution, is_dual_use=True, title="北斗定位终端"
    )
    client = api_client_for(province_official)
    before = snapshot()

    for method, url, data in _api_writes(catalogue, entry, other)[1:]:
        response = getattr(client, method)(url, data, format="json")
        assert (response.status_code, response.json()) == (
            400,
            {"code": "catalogue_published", "detail": FROZEN, "fields": {}},
        ), (method, url)

    assert snapshot() == before


def test_the_api_says_which_field_of_a_new_edition_is_wrong(province_official):
    response = api_client_for(province_official).post(
        "/api/v1/catalogues/", {"kind": "secret", "title": "目录"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "kind": ['"secret" is not a valid choice.'],
        "edition": ["This field is required."],
    }
    assert DualUseCatalogue.objects.count() == 0


def test_the_api_entry_of_another_catalogue_is_a_404(province_official, dual_use):
    first = catalogue_with(province_official, [dual_use])
    second = catalogue_with(province_official, [dual_use], edition="2026年第二批")
    entry_of_first = first.entries.get()

    response = api_client_for(province_official).delete(
        f"/api/v1/catalogues/{second.pk}/entries/{entry_of_first.pk}/"
    )

    assert response.status_code == 404
    assert CatalogueEntry.objects.count() == 2


# --- query counts ----------------------------------------------------------------------------------


@pytest.fixture
def five_dual_use(chengdu_staff, chengdu_official, chengdu_institution):
    return dual_use_achievements(chengdu_staff, chengdu_official, chengdu_institution, 5)


# A visitor: the catalogue, its entries with their achievements, institutions and fields.
@pytest.mark.parametrize("count", [1, 5])
def test_the_catalogue_page_costs_the_same_queries_for_1_and_5_entries(
    count, province_official, five_dual_use, django_assert_num_queries
):
    catalogue = published_catalogue(province_official, five_dual_use[:count])
    client = client_for()

    with django_assert_num_queries(2):
        response = client.get(f"/catalogues/{catalogue.pk}/")

    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [1, 5])
def test_the_api_detail_costs_the_same_queries_for_1_and_5_entries(
    count, province_official, five_dual_use, django_assert_num_queries
):
    catalogue = published_catalogue(province_official, five_dual_use[:count])
    client = api_client_for()

    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/catalogues/{catalogue.pk}/")

    assert len(response.json()["entries"]) == count


def _editions(actor, achievements, count: int) -> None:
    for index in range(count):
        published_catalogue(
            actor, achievements, kind=MILITARY if index % 2 else CIVIL, edition=f"2026年第{index + 1}批"
        )


# The list: the editions with their entry counts (the page has no paginator; editions are few).
@pytest.mark.parametrize("count", [1, 6])
def test_the_list_page_costs_the_same_queries_for_1_and_6_editions(
    count, province_official, five_dual_use, django_assert_num_queries
):
    _editions(province_official, five_dual_use[:2], count)
    client = client_for()

    with django_assert_num_queries(1):
        response = client.get("/catalogues/")

    assert sum(len(section["catalogues"]) for section in response.context["sections"]) == count


# The API list: the count and the page.
@pytest.mark.parametrize("count", [1, 6])
def test_the_api_list_costs_the_same_queries_for_1_and_6_editions(
    count, province_official, five_dual_use, django_assert_num_queries
):
    _editions(province_official, five_dual_use[:2], count)
    client = api_client_for()

    with django_assert_num_queries(2):
        response = client.get("/api/v1/catalogues/")

    assert response.json()["count"] == count


def test_publishing_tells_the_listed_institutions_once(
    province_official, chengdu_staff, chengdu_official, chengdu_institution
):
    first, second = dual_use_achievements(chengdu_staff, chengdu_official, chengdu_institution, 2)
    catalogue = catalogue_with(province_official, [first, second])
    Notification.objects.all().delete()

    catalogues.catalogue_publish(actor=province_official, catalogue=catalogue, published_on=PUBLISHED_ON)

    notification = Notification.objects.get(recipient=chengdu_staff, verb="catalogue.published")
    assert first.title in notification.body and second.title in notification.body
    assert notification.url == f"/catalogues/{catalogue.pk}/"
    assert Notification.objects.filter(verb="catalogue.published").count() == 1
