"""What a person may do with a notification now (``NOTIFICATION_ACTIONS``): mark it read while it is their
own and unread. The API lists it on every notification, the page offers the same button, and the schema
documents the enum."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from notifications import services
from notifications.actions import NOTIFICATION_ACTIONS
from notifications.models import Notification
from tests import factories
from tests.notifications.test_api import client_for as api_client_for
from tests.notifications.test_views import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    return factories.UserFactory(username="reader")


@pytest.fixture
def other(db):
    return factories.UserFactory(username="other")


def notify(user, title: str) -> Notification:
    (notification,) = services.notify(recipients=[user], verb="achievement.returned", title=title, url="")
    return notification


@pytest.mark.parametrize(
    ("who", "is_read", "expected"),
    [
        ("reader", False, ["mark_read"]),
        ("reader", True, []),
        ("other", False, []),  # someone else's
        ("anonymous", False, []),
    ],
)
def test_the_notification_matrix(request, who, is_read, expected, reader, django_assert_num_queries):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    notification = Notification(recipient=reader, title="通知", read_at=timezone.now() if is_read else None)

    with django_assert_num_queries(0):  # the row's columns only
        allowed = NOTIFICATION_ACTIONS.allowed(actor, notification)

    assert allowed == expected
    assert NOTIFICATION_ACTIONS.may(actor, notification) == {"mark_read": expected == ["mark_read"]}


def test_the_api_lists_mark_read_on_the_unread_ones_only(reader):
    read = notify(reader, "已读")
    unread = notify(reader, "未读")
    services.notification_mark_read(recipient=reader, notification_ids=[read.pk])

    body = api_client_for(reader).get("/api/v1/notifications/").json()

    assert {row["id"]: row["actions"] for row in body["results"]} == {unread.pk: ["mark_read"], read.pk: []}


def test_the_page_offers_mark_read_where_the_api_lists_it(reader):
    read = notify(reader, "已读")
    unread = notify(reader, "未读")
    services.notification_mark_read(recipient=reader, notification_ids=[read.pk])

    page = client_for(reader).get("/notifications/")
    listed = api_client_for(reader).get("/api/v1/notifications/").json()["results"]

    offered = {
        row.pk: [name for name, allowed in row.actions.items() if allowed] for row in page.context["page_obj"]
    }
    assert offered == {row["id"]: row["actions"] for row in listed}
    content = page.content.decode()  # the notifications have no link: the only per-row form is the button
    assert f'action="/notifications/{unread.pk}/read/"' in content
    assert f'action="/notifications/{read.pk}/read/"' not in content


def test_the_schema_documents_the_notification_actions():
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]

    field = schemas["Notification"]["properties"]["actions"]
    assert (field["type"], field["readOnly"]) == ("array", True)
    assert field["items"] == {"$ref": "#/components/schemas/NotificationActionsEnum"}
    assert schemas["NotificationActionsEnum"]["enum"] == ["mark_read"]
