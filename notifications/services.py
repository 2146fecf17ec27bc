"""Writes for notifications: make them, mark them read. E-mail goes out through Celery on commit."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from core import limits
from core.validators import single_line
from notifications import tasks
from notifications.models import Notification


@dataclass(frozen=True)
class Message:
    """One message to several people (``notify_all``)."""

    recipients: Iterable
    verb: str
    title: str
    body: str = ""
    url: str = ""


TITLE_MAX_LENGTH = Notification._meta.get_field("title").max_length


def notification_title(title) -> str:
    """A notification's title, composed by the platform around a person's text (a listing's title, an
    inquiry's subject): one line (it is also the e-mail's subject, where a line break is refused) of at
    most the column's length; shortened and cleaned, never refused."""
    return Truncator(single_line(str(title)).strip()).chars(TITLE_MAX_LENGTH)


def notify(
    *, recipients: Iterable, verb: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Creates one notification per distinct, active recipient and queues their e-mails on commit."""
    return notify_all([Message(recipients=recipients, verb=verb, title=title, body=body, url=url)])


@transaction.atomic
def notify_all(messages: Iterable[Message]) -> list[Notification]:
    """``notify`` for many messages in one insert (a matching run announces thousands at once)."""
    pending = []
    for message in messages:
        unique = {user.pk: user for user in message.recipients if user is not None and user.is_active}
        pending.extend(
            Notification(
                recipient=user,
                verb=message.verb,
                title=notification_title(message.title),
                # Composed by the platform, perhaps around a person's text: shortened, never refused.
                body=Truncator(str(message.body)).chars(limits.MESSAGE_MAX_LENGTH),
                url=message.url,
            )
            for user in unique.values()
        )
    notifications = Notification.objects.bulk_create(pending, batch_size=1000)
    for notification in notifications:
        if notification.recipient.email:
            tasks.notification_email_task.delay_on_commit(notification.pk)
    return notifications


def notification_mark_read(*, recipient, notification_ids: Iterable[int] | None = None) -> int:
    """Marks the recipient's notifications (all, or the given ones) read; returns how many changed."""
    queryset = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=timezone.now())


def notification_send_email(*, notification_id: int) -> bool:
    """Sends the e-mail of one notification once; safe to run twice (the state predicate in the UPDATE)."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.recipient.email:
        return False
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    link = f"{settings.SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
    send_mail(
        # a title stored before titles were cleaned may still hold a line break: the subject never does
        subject=notification_title(notification.title),
        message="\n\n".join(part for part in (notification.body, link) if part),
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
    return True
