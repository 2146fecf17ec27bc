"""Create services that a form sent twice does not run twice (idempotency keys).

A create form carries a key made when it is rendered (``core.forms.SubmissionKeyForm``). The create
service claims the key in its transaction before it creates anything (``submission_claim``) and records
what it made (``submission_record``). A second sending of the same form — a double click, a retry after
a slow save, the browser's resend — finds the key claimed and gets the first record back. Two sendings
at once are serialised by the key's primary key: the second waits for the first to commit, then gets its
record; if the first fails, its claim is rolled back with it and the second creates the record.
Keys are kept ``SUBMISSION_KEY_RETENTION_DAYS``; the nightly ``core.tasks.submission_purge_task``
deletes older ones (``submission_purge``).
"""

import uuid
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Submission

M = TypeVar("M", bound=Model)


def submission_claim(*, key: uuid.UUID | None, actor, model: type[M]) -> M | None:
    """None when ``key`` is new (or absent: a client that sends none creates every time), and the
    caller creates the record; the record made by the first sending when the key was used before.
    Runs in the create service's transaction."""
    if key is None:
        return None
    assert connection.in_atomic_block, "claim a submission in the create service's transaction"
    content_type = ContentType.objects.get_for_model(model)
    try:
        with transaction.atomic():
            Submission.objects.create(key=key, actor=actor, content_type=content_type)
    except IntegrityError:
        pass
    else:
        return None
    earlier = Submission.objects.filter(
        key=key, actor=actor, content_type=content_type, object_id__isnull=False
    ).first()
    record = model._default_manager.filter(pk=earlier.object_id).first() if earlier else None
    if record is None:
        raise ValidationError(
            _("This form has already been sent. Open the page again to start anew."), code="already_submitted"
        )
    return record


def submission_record(*, key: uuid.UUID | None, record: Model) -> None:
    """Records what the sending of ``key`` created (after ``submission_claim`` returned None)."""
    if key is not None:
        Submission.objects.filter(key=key).update(object_id=record.pk)


def submission_purge(*, now: datetime | None = None) -> int:
    """Deletes the keys claimed more than ``SUBMISSION_KEY_RETENTION_DAYS`` ago and returns how many.
    A form sent again after that creates anew, as a form without a key does; running it twice deletes
    nothing the second time."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SUBMISSION_KEY_RETENTION_DAYS)
    deleted, _by_model = Submission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
