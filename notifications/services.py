"""Writes for notifications: make them, mark them read. E-mail goes out through Celery on commit."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import override

from core import limits, workdays
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


HOLIDAY_CALENDAR_VERB = "core.holiday_calendar_missing"
HOLIDAY_CALENDAR_REMIND_DAYS = 7


def holiday_calendar_warn(*, today: date) -> list[Notification]:
    """Tells the platform administrators which year's holiday calendar is due and not loaded (this year;
    next year from ``HOLIDAY_CALENDAR_WARN_FROM``), so working-day periods never fall back to Monday–Friday
    unnoticed. An administrator told about a year hears of it again only a week later."""
    messages = []
    since = timezone.now() - timedelta(days=HOLIDAY_CALENDAR_REMIND_DAYS)
    admins = list(get_user_model().objects.filter(is_superuser=True, is_active=True))
    for year in workdays.calendars_due(today):
        with override(settings.LANGUAGE_CODE):
            title = _("Load the holiday calendar of %(year)s") % {"year": year}
            body = _(
                "The State Council's holiday and 调休 arrangement for %(year)s is not loaded: working-day "
                "periods in %(year)s are counted Monday to Friday until it is. Once it is published, add "
                "core/data/holidays/%(year)s.json and run “manage.py load_holiday_calendar %(year)s”."
            ) % {"year": year}
        told = set(
            Notification.objects.filter(
                verb=HOLIDAY_CALENDAR_VERB, title=title, created_at__gte=since
            ).values_list("recipient_id", flat=True)
        )
        recipients = [user for user in admins if user.pk not in told]
        if recipients:
            messages.append(
                Message(
                    recipients=recipients,
                    verb=HOLIDAY_CALENDAR_VERB,
                    title=title,
                    body=body,
                    url=reverse("admin:core_holidaycalendaryear_changelist"),
                )
            )
    return notify_all(messages) if messages else []
