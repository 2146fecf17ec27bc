"""The notifications page: only one's own, unread first, marked read one by one or all at once, and the
bell in the navigation with the unread count."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def client_for(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def redirects_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(f"{LOGIN_URL}?next=")


def notify(user, title: str, url: str = "/achievements/") -> Notification:
    (notification,) = services.notify(recipients=[user], verb="achievement.returned", title=title, url=url)
    return notification


def listed_titles(response) -> list[str]:
    return [notification.title for notification in response.context["page_obj"].object_list]


def unread_titles(user) -> set[str]:
    return set(
        Notification.objects.filter(recipient=user, read_at__isnull=True).values_list("title", flat=True)
    )


@pytest.fixture
def alice(db):
    return factories.UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return factories.UserFactory(username="bob")


def test_the_page_shows_only_ones_own_notifications_unread_first(alice, bob):
    notify(alice, "旧的，已读")
    notify(alice, "新的，未读")
    notify(bob, "给 bob 的")
    services.notification_mark_read(
        recipient=alice,
        notification_ids=Notification.objects.filter(title="旧的，已读").values_list("pk", flat=True),
    )
    notify(alice, "最新，已读")
    services.notification_mark_read(
        recipient=alice,
        notification_ids=Notification.objects.filter(title="最新，已读").values_list("pk", flat=True),
    )

    response = client_for(alice).get("/notifications/")

    assert response.status_code == 200
    assert listed_titles(response) == ["新的，未读", "最新，已读", "旧的，已读"]
    content = response.content.decode()
    assert "给 bob 的" not in content
    assert response.context["unread_notification_count"] == 1
    assert content.count("notification-unread") == 1


def test_a_visitor_is_sent_to_sign_in(db):
    assert redirects_to_login(client_for().get("/notifications/"))
    assert redirects_to_login(client_for().post("/notifications/read/"))


def test_marking_one_read(alice):
    first = notify(alice, "第一条")
    notify(alice, "第二条")

    response = client_for(alice).post(f"/notifications/{first.pk}/read/")

    assert response["Location"] == "/notifications/"
    assert unread_titles(alice) == {"第二条"}


def test_opening_one_marks_it_read_and_follows_its_link(alice):
    notification = notify(alice, "成果被退回", url="/achievements/42/")

    response = client_for(alice).post(f"/notifications/{notification.pk}/read/", {"open": "1"})

    assert response["Location"] == "/achievements/42/"
    assert unread_titles(alice) == set()


def test_a_link_to_another_site_is_not_followed(alice):
    notification = notify(alice, "外部链接", url="https://example.com/phish")

    response = client_for(alice).post(f"/notifications/{notification.pk}/read/", {"open": "1"})

    assert response["Location"] == "/notifications/"


def test_nobody_marks_anothers_notification_read(alice, bob):
    notification = notify(bob, "给 bob 的")

    response = client_for(alice).post(f"/notifications/{notification.pk}/read/")

    assert response.status_code == 404
    assert unread_titles(bob) == {"给 bob 的"}


def test_marking_all_read_touches_only_ones_own(alice, bob):
    notify(alice, "一")
    notify(alice, "二")
    notify(bob, "给 bob 的")

    response = client_for(alice).post("/notifications/read/", follow=True)

    assert [str(message) for message in response.context["messages"]] == ["2 notifications marked read."]
    assert unread_titles(alice) == set()
    assert unread_titles(bob) == {"给 bob 的"}


@pytest.mark.parametrize("url", ["/notifications/read/", "/notifications/1/read/"])
def test_marking_read_needs_post(alice, url):
    assert client_for(alice).get(url).status_code == 405


def test_the_bell_shows_the_unread_count(alice):
    client = client_for(alice)
    content = client.get("/").content.decode()
    assert 'href="/notifications/"' in content
    assert "data-unread-count" not in content

    notify(alice, "一")
    notify(alice, "二")

    assert 'data-unread-count="2"' in client.get("/").content.decode()


def test_the_page_renders_without_notifications(alice):
    response = client_for(alice).get("/notifications/")

    assert response.status_code == 200
    assert "No notifications yet." in response.content.decode()


# The session, the user, their roles (for the navigation), the count, the unread count, the page, and
# saving the session (savepoint, update, release).
@pytest.mark.parametrize("count", [1, 45])
def test_the_page_costs_the_same_queries_for_1_and_45_notifications(alice, count, django_assert_num_queries):
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=alice,
                verb="test",
                title=f"通知{number}",
                read_at=timezone.now() if number % 2 else None,
            )
            for number in range(count)
        ]
    )
    client = client_for(alice)

    with django_assert_num_queries(9):
        response = client.get("/notifications/")

    assert response.context["page_obj"].paginator.count == count
