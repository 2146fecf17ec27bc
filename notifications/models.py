"""In-app notifications, each optionally also sent by e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import limits


class Notification(models.Model):
    """A message to one person about something that waits on them or concerns them (站内通知).

    ``verb`` is a stable code (``achievement.returned``) for filtering; ``title`` and ``body`` are
    already in the language the recipient reads, written when the notification is made.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    verb = models.CharField(_("event"), max_length=60)
    title = limits.single_line_field(_("title"), max_length=200)
    body = limits.bounded_text_field(_("message"), max_length=limits.MESSAGE_MAX_LENGTH, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notifications_recipient"),
            models.Index(
                fields=["recipient"], name="notifications_unread", condition=Q(read_at__isnull=True)
            ),
        ]
        constraints = [limits.length_constraint("body", limits.MESSAGE_MAX_LENGTH)]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
