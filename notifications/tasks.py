"""Celery tasks of notifications: thin, take ids, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from notifications import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email_task(notification_id: int) -> bool:
    return services.notification_send_email(notification_id=notification_id)


@shared_task(acks_late=True)
def holiday_calendar_due_task() -> int:
    """Daily: tells platform admins about a missing holiday calendar; returns how many were told."""
    return len(services.holiday_calendar_warn(today=timezone.localdate()))
