"""Celery tasks of notifications: thin, take ids, safe to run twice."""

from celery import shared_task

from notifications import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email_task(notification_id: int) -> bool:
    return services.notification_send_email(notification_id=notification_id)
