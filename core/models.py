"""Plumbing every app shares that needs a table: the submissions of create forms (``Submission``)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One sending of a create form, named by the key the form was rendered with (an idempotency key),
    and the record it created: the same form sent again (a double click, a retry after a slow save)
    gets that record back instead of making another (``core.submissions``)."""

    key = models.UUIDField(primary_key=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    # Set in the same transaction as the key is claimed, once the record exists.
    object_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return str(self.key)
