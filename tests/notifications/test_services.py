"""Notifications: one per person however often they are named, none for the inactive, and each
e-mail sent once even when its task runs twice."""

import pytest

from notifications import selectors, services, tasks
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def test_notify_makes_one_notification_per_person(django_capture_on_commit_callbacks):
    first, second = factories.UserFactory(username="first"), factories.UserFactory(username="second")

    with django_capture_on_commit_callbacks(execute=True):
        notifications = services.notify(
            recipients=[first, second, first, None, second],
            verb="achievement.returned",
            title="成果被退回：石墨烯电池",
            body="请补充中试数据",
            url="/achievements/1/",
        )

    assert len(notifications) == 2
    assert sorted(
        Notification.objects.values_list("recipient__username", "verb", "title", "body", "url", "read_at")
    ) == [
        (
            "first",
            "achievement.returned",
            "成果被退回：石墨烯电池",
            "请补充中试数据",
            "/achievements/1/",
            None,
        ),
        (
            "second",
            "achievement.returned",
            "成果被退回：石墨烯电池",
            "请补充中试数据",
            "/achievements/1/",
            None,
        ),
    ]


def test_notify_skips_inactive_people(mailoutbox, django_capture_on_commit_callbacks):
    active = factories.UserFactory(username="active")
    inactive = factories.UserFactory(username="inactive", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[active, inactive], verb="test", title="标题")

    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["active"]
    assert [message.to for message in mailoutbox] == [["active@example.cn"]]


def test_the_email_is_queued_on_commit_and_sent_once_even_if_the_task_runs_twice(
    mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://market.example.cn/"
    user = factories.UserFactory(username="reader")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (notification,) = services.notify(
            recipients=[user],
            verb="achievement.approved",
            title="成果已通过",
            body="已公开。",
            url="/achievements/7/",
        )
    assert mailoutbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    again = tasks.notification_email_task.delay(notification.pk).get()

    assert again is False
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert (message.subject, message.to) == ("成果已通过", ["reader@example.cn"])
    assert message.body == "已公开。\n\nhttps://market.example.cn/achievements/7/"
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_people_without_an_email_address_get_only_the_notification(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = factories.UserFactory(username="no-mail", email="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (notification,) = services.notify(recipients=[user], verb="test", title="标题")

    assert callbacks == []
    assert services.notification_send_email(notification_id=notification.pk) is False
    assert mailoutbox == []
    assert Notification.objects.get().emailed_at is None


def test_sending_a_deleted_notification_does_nothing(mailoutbox):
    assert services.notification_send_email(notification_id=999999) is False
    assert mailoutbox == []


def test_mark_read_touches_only_the_recipients_unread_notifications():
    reader, other = factories.UserFactory(username="reader"), factories.UserFactory(username="other")
    mine = services.notify(recipients=[reader], verb="a", title="一")[0]
    services.notify(recipients=[reader], verb="b", title="二")
    theirs = services.notify(recipients=[other], verb="a", title="一")[0]

    marked_one = services.notification_mark_read(recipient=reader, notification_ids=[mine.pk, theirs.pk])
    marked_again = services.notification_mark_read(recipient=reader, notification_ids=[mine.pk])
    marked_rest = services.notification_mark_read(recipient=reader)

    assert (marked_one, marked_again, marked_rest) == (1, 0, 1)
    assert selectors.notification_unread_count(recipient=reader) == 0
    assert selectors.notification_unread_count(recipient=other) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_title_around_a_persons_text_is_made_one_line_and_shortened(
    mailoutbox, django_capture_on_commit_callbacks
):
    recipient = factories.UserFactory(username="reviewer")

    # given a title composed around a text that holds a line break, a header injection and an override
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[recipient],
            verb="achievement.submitted",
            title="待审核：石墨烯\r\nBcc: victim@example.cn\u202e电池" + "长" * 300,
        )

    # then the notification and its e-mail carry one clean line of at most 200 characters
    title = Notification.objects.get().title
    assert (title[:33], len(title)) == ("待审核：石墨烯 Bcc: victim@example.cn电池长", 200)
    assert [(message.subject, message.to) for message in mailoutbox] == [(title, ["reviewer@example.cn"])]


def test_a_stored_title_with_a_line_break_is_still_e_mailed_on_one_line(mailoutbox):
    # given a notification stored before titles were cleaned
    recipient = factories.UserFactory(username="reviewer")
    notification = Notification.objects.create(recipient=recipient, verb="test", title="第一行\n第二行")

    # when its e-mail is sent, no BadHeaderError
    assert services.notification_send_email(notification_id=notification.pk) is True

    assert [message.subject for message in mailoutbox] == ["第一行 第二行"]
