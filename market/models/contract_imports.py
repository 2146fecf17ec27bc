"""Imports of a registration body's historical contract registrations (批量导入) from a workbook in
the JJ-001 column layout (``market.jj001``)."""

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import limits, uploads
from institutions.models import Organisation


class ContractImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def contract_import_upload_to(instance, filename: str) -> str:
    return f"market/contract-imports/{timezone.now():%Y/%m}/{uploads.generated_file_name(filename)}"


# The audit trail records the import's creation and each change of status (not every progress tick).
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(condition=pghistory.AnyChange("status")),
    exclude=["errors"],
)
class ContractImport(models.Model):
    """An uploaded workbook of registrations: checked cell by cell and saved in a Celery task. Its
    valid rows are saved together in one transaction; rows with errors are listed by row and column."""

    registration_body = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("registration body")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    file = models.FileField(_("file"), upload_to=contract_import_upload_to)
    original_name = limits.single_line_field(_("file name"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=ContractImportStatus.choices, default=ContractImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    # [{"row": 3, "column": "签订日期", "cell": "G3", "code": "date", "params": {...}, "message": "…"}, …]
    errors = models.JSONField(default=list, blank=True)
    failure = models.TextField(_("why the file was refused"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract registration import")
        verbose_name_plural = _("contract registration imports")
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["registration_body", "-created_at"], name="market_contract_import_body")
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_running(self) -> bool:
        return self.status in (ContractImportStatus.QUEUED, ContractImportStatus.RUNNING)

    @property
    def progress_percent(self) -> int:
        if self.status == ContractImportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
