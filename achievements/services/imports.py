"""Excel import of achievements (批量导入): upload → check (Celery) → preview → confirm → import (Celery).

An ``ImportBatch`` moves uploaded → validating → validated → importing → imported, or to failed with
a message. Each step claims the batch by its state, so a task delivered twice does its work once.
The import creates every valid row as a draft through ``services.achievement_create`` in one
transaction: a failure on any row rolls all of them back and marks the batch failed. Rows whose
import key (see ``importing.import_key``) the institution already has are skipped, so re-uploading
the same file adds nothing.
"""

import hashlib
import logging
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from achievements import excel_template, importing, tasks
from achievements.choices import ImportStatus, OwnerKind
from achievements.models import Achievement, ImportBatch
from achievements.services import filings as services
from core import uploads
from institutions.choices import ClassificationScheme, OrganisationKind
from institutions.models import Classification, Organisation, Region
from institutions.roles import actor_roles

logger = logging.getLogger(__name__)

CHECK_CHUNK_ROWS = 200
FILING_KINDS = (
    OrganisationKind.UNIVERSITY,
    OrganisationKind.RESEARCH_INSTITUTE,
    OrganisationKind.TRANSFER_AGENCY,
)
# Key space of the PostgreSQL advisory lock that lets one import at a time run per institution.
_IMPORT_LOCK_NAMESPACE = 7301


def _require(actor, institution: Organisation) -> None:
    if actor is None or not actor.has_perm("achievements.import_achievements", institution):
        raise PermissionDenied(_("You may not import achievements for this institution."))


def _read(uploaded_file) -> bytes:
    uploaded_file.seek(0)
    content = uploaded_file.read()
    uploaded_file.seek(0)
    return content


@transaction.atomic
def import_batch_create(*, actor, institution: Organisation, uploaded_file) -> ImportBatch:
    """Stores an uploaded workbook and queues its check once the upload is committed."""
    _require(actor, institution)
    content_type = uploads.upload_check(
        uploaded_file, field="file", accepted={uploads.XLSX}, refusal=importing.message("not_xlsx")
    )
    content = _read(uploaded_file)
    batch = ImportBatch(
        institution=institution,
        uploaded_by=actor,
        file=uploads.stored_as(uploaded_file, content_type),
        original_name=uploads.original_name(uploaded_file, default="import.xlsx"),
        file_sha256=hashlib.sha256(content).hexdigest(),
    )
    batch.full_clean()
    batch.save()
    tasks.import_batch_check_task.delay_on_commit(batch.pk)
    return batch


def _vocabulary(
    institution: Organisation | None = None, owner_references: frozenset[str] = frozenset()
) -> importing.Vocabulary:
    """The reference data a workbook is checked against (or a template lists), in a few queries."""
    terms: dict[str, list[importing.Term]] = {}
    for classification in Classification.objects.filter(is_current=True).order_by("scheme", "position", "pk"):
        terms.setdefault(classification.scheme, []).append(
            importing.Term(classification.pk, classification.code, classification.name)
        )
    regions = tuple(
        importing.RegionTerm(region.code, region.name, region.parent.name if region.parent_id else "")
        for region in Region.objects.home().select_related("parent").order_by("code")
    )
    organisations = {importing.normalise(institution.name): institution.pk} if institution else {}
    if owner_references:
        codes = {reference.upper() for reference in owner_references}
        for organisation in Organisation.objects.active().filter(
            Q(name__in=owner_references) | Q(credit_code__in=codes)
        ):
            organisations[importing.normalise(organisation.name)] = organisation.pk
            if organisation.credit_code:
                organisations[importing.normalise(organisation.credit_code)] = organisation.pk
    return importing.Vocabulary(
        technology_fields=tuple(terms.get(ClassificationScheme.TECHNOLOGY_FIELD, ())),
        industries=tuple(terms.get(ClassificationScheme.INDUSTRY, ())),
        strategic_industries=tuple(terms.get(ClassificationScheme.STRATEGIC_INDUSTRY, ())),
        trl_labels=tuple(terms.get(ClassificationScheme.TRL, ())),
        regions=regions,
        organisations=organisations,
    )


def import_template() -> bytes:
    """The template workbook with the current classifications and regions."""
    return excel_template.build_template(
        _vocabulary(),
        keyword_limit=settings.ACHIEVEMENT_MAX_KEYWORDS,
        max_rows=settings.IMPORT_MAX_ROWS,
    )


def _fail(batch_pk: int, reason: str, *, states) -> None:
    ImportBatch.objects.filter(pk=batch_pk, status__in=states).update(
        status=ImportStatus.FAILED, failure=reason, finished_at=timezone.now()
    )


def import_batch_check(*, batch_pk: int) -> ImportBatch | None:
    """Checks every row of the workbook, in chunks that report progress; safe to run twice.

    Runs outside a transaction on purpose: each chunk's progress is committed so that the page polling
    the batch sees it. The result is written with the state in the WHERE clause, so a batch that moved
    on meanwhile is left alone. A batch stuck in "validating" (a worker died) is checked again.
    """
    claimed = ImportBatch.objects.filter(
        pk=batch_pk, status__in=(ImportStatus.UPLOADED, ImportStatus.VALIDATING)
    ).update(status=ImportStatus.VALIDATING, processed_rows=0, failure="")
    if not claimed:
        return None
    # Messages are stored in the site's language; pages and the API re-render them from their codes.
    with override(settings.LANGUAGE_CODE):
        try:
            errors, rows = _check_rows(batch_pk)
        except importing.WorkbookError as error:
            _fail(batch_pk, error.message, states=(ImportStatus.VALIDATING,))
        except Exception:
            # openpyxl raises many kinds of errors on odd files: the uploader gets a message, not a 500.
            logger.exception("Import batch %s could not be checked", batch_pk)
            _fail(batch_pk, importing.message("unreadable"), states=(ImportStatus.VALIDATING,))
        else:
            ImportBatch.objects.filter(pk=batch_pk, status=ImportStatus.VALIDATING).update(
                status=ImportStatus.VALIDATED, errors=errors, rows=rows, valid_rows=len(rows)
            )
    return ImportBatch.objects.get(pk=batch_pk)


def _check_rows(batch_pk: int) -> tuple[list[dict], list[dict]]:
    batch = ImportBatch.objects.select_related("institution").get(pk=batch_pk)
    checking = ImportBatch.objects.filter(pk=batch_pk, status=ImportStatus.VALIDATING)
    with batch.file.open("rb") as stored:
        content = stored.read()
    sheet = importing.read_workbook(
        content, max_rows=settings.IMPORT_MAX_ROWS, max_cells=settings.IMPORT_MAX_CELLS
    )
    total = len(sheet.rows)
    checking.update(total_rows=total)
    checker = importing.RowChecker(
        _vocabulary(batch.institution, frozenset(sheet.owner_references())),
        institution_id=batch.institution_id,
        keyword_limit=settings.ACHIEVEMENT_MAX_KEYWORDS,
    )
    errors, rows = list(sheet.header_errors), []
    for start in range(0, total, CHECK_CHUNK_ROWS):
        for number, values in sheet.rows[start : start + CHECK_CHUNK_ROWS]:
            result = checker.check(row=number, cells=sheet.cells(values), columns=sheet.columns)
            errors.extend(result.errors)
            if not result.errors:
                rows.append({"row": result.row, "key": result.key, "data": result.data})
        checking.update(processed_rows=min(start + CHECK_CHUNK_ROWS, total))
    return errors, rows


@transaction.atomic
def import_batch_confirm(*, actor, batch: ImportBatch) -> ImportBatch:
    """The uploader's institution accepts the preview: the valid rows are imported in the background."""
    _require(actor, batch.institution)
    batch = ImportBatch.objects.select_for_update().select_related("institution").get(pk=batch.pk)
    if batch.status != ImportStatus.VALIDATED:
        raise ValidationError(
            _("This import is “%(status)s”; only a checked import can be confirmed.")
            % {"status": batch.get_status_display()},
            code="illegal_transition",
        )
    if not batch.valid_rows:
        raise ValidationError(
            _("No row of this file is valid; correct the file and upload it again."), code="nothing_to_import"
        )
    batch.status = ImportStatus.IMPORTING
    batch.save(update_fields=["status"])
    tasks.import_batch_import_task.delay_on_commit(batch.pk)
    return batch


class _RowFailed(Exception):
    def __init__(self, row: int, reason: str):
        super().__init__(reason)
        self.row = row
        self.reason = reason


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, PermissionDenied):
        return str(error) or _("You may not file achievements for this institution.")
    return ""


def import_batch_import(*, batch_pk: int) -> ImportBatch | None:
    """Creates the checked rows as drafts, all or nothing; safe to run twice.

    The batch row is locked and must be "importing", so a second delivery waits for the first and then
    finds nothing to do. Any failure rolls back every achievement of the batch and records the reason.
    """
    try:
        with transaction.atomic():
            batch = (
                ImportBatch.objects.select_for_update(of=("self",))
                .select_related("institution", "uploaded_by")
                .filter(pk=batch_pk, status=ImportStatus.IMPORTING)
                .first()
            )
            if batch is None:
                return None
            imported, skipped = _create_drafts(batch)
            batch.status = ImportStatus.IMPORTED
            batch.imported_rows = imported
            batch.skipped_rows = skipped
            batch.failure = ""
            batch.finished_at = timezone.now()
            batch.save(update_fields=["status", "imported_rows", "skipped_rows", "failure", "finished_at"])
            return batch
    except _RowFailed as failure:
        with override(settings.LANGUAGE_CODE):
            reason = _("Row %(row)s could not be imported: %(reason)s Nothing was imported.") % {
                "row": failure.row,
                "reason": failure.reason,
            }
    except Exception:
        # A background job must end in a state the uploader can see; whatever went wrong, the
        # transaction above is rolled back, so nothing was imported.
        logger.exception("Import batch %s failed", batch_pk)
        with override(settings.LANGUAGE_CODE):
            reason = _("The import failed unexpectedly and nothing was imported. Please try again later.")
    _fail(batch_pk, reason, states=(ImportStatus.IMPORTING,))
    return ImportBatch.objects.get(pk=batch_pk)


def _create_drafts(batch: ImportBatch) -> tuple[int, int]:
    # Two uploads of the same file confirmed at once would both pass the "already imported" check;
    # a transaction-scoped advisory lock per institution makes the second wait and then skip.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_IMPORT_LOCK_NAMESPACE, batch.institution_id])
    entries = batch.rows
    existing = set(
        Achievement.objects.filter(
            filing_institution_id=batch.institution_id, import_key__in=[entry["key"] for entry in entries]
        ).values_list("import_key", flat=True)
    )
    classifications = Classification.objects.in_bulk(
        {
            entry["data"][name]
            for entry in entries
            for name in ("technology_field", "industry", "strategic_industry")
            if name in entry["data"]
        }
    )
    regions = Region.objects.in_bulk(
        {entry["data"]["region"] for entry in entries if "region" in entry["data"]}
    )
    organisations = Organisation.objects.in_bulk(
        {
            owner["organisation"]
            for entry in entries
            for owner in entry["data"].get("owners") or ()
            if owner.get("organisation")
        }
    )
    organisations[batch.institution.pk] = batch.institution
    imported = skipped = 0
    for entry in entries:
        if entry["key"] in existing:
            skipped += 1
            continue
        existing.add(entry["key"])
        try:
            _create_draft(batch, entry["data"], entry["key"], classifications, regions, organisations)
        except (ValidationError, PermissionDenied, KeyError) as error:
            raise _RowFailed(
                entry["row"], _reason(error) or _("its data no longer matches the platform's.")
            ) from error
        imported += 1
    return imported, skipped


def _owner_share(owner: dict, organisations: dict) -> services.OwnerShare:
    share = Decimal(owner["share_percent"])
    if owner.get("organisation"):
        return services.OwnerShare(organisations[owner["organisation"]], share)
    if owner["kind"] == OwnerKind.PERSON:
        return services.OwnerShare.person(owner["name"], share)
    return services.OwnerShare.external(owner["name"], owner["credit_code"], share)


def _create_draft(batch, row: dict, key: str, classifications, regions, organisations) -> Achievement:
    data = dict(row)
    patents = data.pop("patents", [])
    owner_rows = data.pop("owners", None)
    people = data.pop("contributors", [])
    for name in ("technology_field", "industry", "strategic_industry"):
        if name in data:
            data[name] = classifications[data[name]]
    if "region" in data:
        data["region"] = regions[data["region"]]
    for name in ("funding_amount", "indicative_price"):
        if name in data:
            data[name] = Decimal(data[name])
    if "completed_on" in data:
        data["completed_on"] = date.fromisoformat(data["completed_on"])
    owners = (
        [_owner_share(owner, organisations) for owner in owner_rows]
        if owner_rows
        else [services.OwnerShare(batch.institution, Decimal(100))]
    )
    contributors = [
        services.Contributor(
            name=person["name"],
            share_percent=Decimal(person["share_percent"]) if person.get("share_percent") else None,
        )
        for person in people
    ]
    achievement = services.achievement_create(
        actor=batch.uploaded_by,
        institution=batch.institution,
        data=data,
        owners=owners,
        contributors=contributors,
        import_key=key,
    )
    for patent in patents:
        services.ip_asset_add(actor=batch.uploaded_by, achievement=achievement, data=patent)
    return achievement


# --- reads for the import pages (kept beside the import; selectors.import_batch_get is the gate) ---


def import_batch_recent(*, actor, limit: int = 10) -> QuerySet[ImportBatch]:
    """The latest imports of the institutions the actor files for."""
    roles = actor_roles(actor)
    return (
        ImportBatch.objects.filter(institution_id__in=roles.member_of | roles.partner_of)
        .select_related("institution", "uploaded_by")
        .defer("errors", "rows")
        .order_by("-created_at", "-pk")[:limit]
    )


def import_batch_already_imported(*, batch: ImportBatch) -> int:
    """How many of the batch's valid rows the institution already has (they will be skipped)."""
    keys = [entry["key"] for entry in batch.rows]
    if not keys:
        return 0
    return Achievement.objects.filter(filing_institution_id=batch.institution_id, import_key__in=keys).count()


def import_institutions(*, actor) -> QuerySet[Organisation]:
    """The institutions the actor may import achievements for (platform admins: every active one)."""
    roles = actor_roles(actor)
    queryset = Organisation.objects.active().order_by("name")
    if roles.is_platform_admin:
        return queryset.filter(kind__in=FILING_KINDS)
    return queryset.filter(pk__in=roles.member_of | roles.partner_of)
