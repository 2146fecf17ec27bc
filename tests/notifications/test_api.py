"""The notifications API: each person reads and marks only their own; fixed query counts."""

import pytest
from rest_framework.test import APIClient

from notifications import services
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"
NOT_SIGNED_IN = {
    "code": "not_authenticated",
    "detail": "Authentication credentials were not provided.",
    "fields": {},
}


@pytest.fixture
def reader(db):
    return factories.UserFactory(username="reader")


@pytest.fixture
def other(db):
    return factories.UserFactory(username="other")


def client_for(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def notify(user, title: str, verb: str = "achievement.returned") -> Notification:
    return services.notify(recipients=[user], verb=verb, title=title, body="正文", url="/achievements/1/")[0]


@pytest.mark.parametrize(("method", "path"), [("get", ""), ("get", "unread-count/"), ("post", "mark-read/")])
def test_notifications_need_a_signed_in_user(reader, method, path):
    notify(reader, "一")

    response = getattr(client_for(), method)(f"{URL}{path}")

    assert response.status_code == 401
    assert response.json() == NOT_SIGNED_IN
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_list_shows_only_my_notifications_newest_first(reader, other):
    first = notify(reader, "第一条")
    second = notify(reader, "第二条", verb="achievement.approved")
    notify(other, "别人的")

    response = client_for(reader).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]
    assert body["results"][1] == {
        "id": first.pk,
        "verb": "achievement.returned",
        "title": "第一条",
        "body": "正文",
        "url": "/achievements/1/",
        "is_read": False,
        "created_at": body["results"][1]["created_at"],
        "read_at": None,
        "actions": ["mark_read"],
    }


def test_unread_filter_and_count(reader):
    read = notify(reader, "已读")
    unread = notify(reader, "未读")
    services.notification_mark_read(recipient=reader, notification_ids=[read.pk])
    client = client_for(reader)

    only_unread = client.get(URL, {"unread": "true"})
    everything = client.get(URL, {"unread": "false"})
    count = client.get(f"{URL}unread-count/")
    invalid = client.get(URL, {"unread": "maybe"})

    assert [row["id"] for row in only_unread.json()["results"]] == [unread.pk]
    assert everything.json()["count"] == 2
    assert count.json() == {"unread_count": 1}
    assert invalid.status_code == 400
    assert invalid.json() == {
        "code": "invalid",
        "detail": "Some fields are not valid; see the messages next to each field.",
        "fields": {"unread": ["Must be a valid boolean."]},
    }


def test_mark_read_by_id_ignores_other_peoples_notifications(reader, other):
    mine = notify(reader, "我的")
    also_mine = notify(reader, "我的第二条")
    theirs = notify(other, "别人的")

    response = client_for(reader).post(f"{URL}mark-read/", {"ids": [mine.pk, theirs.pk]}, format="json")

    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread_count": 1}
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {
        also_mine.pk,
        theirs.pk,
    }


def test_mark_read_without_ids_marks_all_of_mine(reader, other):
    notify(reader, "一")
    notify(reader, "二")
    theirs = notify(other, "别人的")

    response = client_for(reader).post(f"{URL}mark-read/", {}, format="json")

    assert response.json() == {"marked": 2, "unread_count": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_rejects_bad_ids(reader):
    notify(reader, "一")

    response = client_for(reader).post(f"{URL}mark-read/", {"ids": ["abc"]}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"ids": ["A valid integer is required."]}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


@pytest.mark.parametrize("count", [1, 60])
def test_list_query_count_is_fixed(reader, count, django_assert_num_queries):
    for number in range(count):
        notify(reader, f"通知{number}")
    client = client_for(reader)

    # count, page
    with django_assert_num_queries(2):
        response = client.get(URL, {"page_size": 100})

    assert response.json()["count"] == count
