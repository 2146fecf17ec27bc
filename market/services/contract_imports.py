"""Import of a registration body's historical registrations (批量导入) from a JJ-001 workbook.

upload (``contract_import_create``: the upload checks refuse a disguised file or one with macros) →
queued → ``contract_import_run`` in Celery: the header is checked (a missing or unknown column refuses
the whole file, naming them), every cell is checked against code lists prefetched once
(``policies.contract_imports``), then every valid row is saved in one transaction, keyed on the
registration number: a new number is created (source import, status registered, number from the
national system, the importing body as registration body), a row equal to what is stored is
"unchanged", a changed one is updated (the audit trail keeps the old values), never duplicated.
Rows with errors are listed by row and column and left out. Claimed by state, so a task delivered
twice does the work once.
"""

import hashlib
import logging
from datetime import datetime, time

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core import spreadsheets, uploads
from institutions.choices import ClassificationScheme, OrganisationKind
from institutions.models import Classification, Organisation, Region
from institutions.roles import actor_roles
from market import jj001, policies
from market.choices import ContractSource, ContractStatus, NumberSource, PartyKind
from market.models import ContractImport, ContractImportStatus, ContractRegistration
from market.policies import contract_imports as checks
from market.selectors import contracts as contract_selectors
from market.tasks import contract_imports as tasks

logger = logging.getLogger(__name__)

MAX_ROWS = jj001.MAX_ROWS
MAX_CELLS = (MAX_ROWS + 1) * (len(jj001.COLUMNS) + 10)
PROGRESS_EVERY_ROWS = 1000
SAVE_BATCH_ROWS = 1000
# Key space of the PostgreSQL advisory lock that lets one import at a time save per body.
_LOCK_NAMESPACE = 7302
# The fields compared to decide "unchanged" and written on update.
COMPARED_FIELDS: tuple[str, ...] = (
    *(name for name in jj001.FIELDS if name != "technology_field"),
    "technology_field_id",
    "seller_kind",
    "seller_organisation_id",
    "buyer_kind",
    "buyer_organisation_id",
)
CODE_SCHEMES = ("entity_type", "country", "plan_category", "socio_economic_goal", "trade_subject")


class FileRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def may_import_for(actor, body: Organisation) -> bool:
    return actor is not None and actor.has_perm("market.import_contract_registrations", body)


def contract_import_bodies(*, actor) -> QuerySet[Organisation]:
    """The registration bodies the actor may import for: their own (every one, for platform admins)."""
    roles = actor_roles(actor)
    queryset = Organisation.objects.active().filter(kind=OrganisationKind.REGISTRATION_BODY).order_by("name")
    if roles.is_platform_admin:
        return queryset
    return queryset.filter(pk__in=roles.registrar_of)


@transaction.atomic
def contract_import_create(*, actor, registration_body: Organisation, uploaded_file) -> ContractImport:
    """Stores an uploaded workbook and queues its import once the upload is committed."""
    if not may_import_for(actor, registration_body):
        raise PermissionDenied(_("Only the registrars of a registration body may import its registrations."))
    content_type = uploads.upload_check(
        uploaded_file,
        field="file",
        accepted={uploads.XLSX},
        refusal=_("Upload the filled-in template as an Excel workbook (.xlsx)."),
    )
    uploaded_file.seek(0)
    content = uploaded_file.read()
    uploaded_file.seek(0)
    record = ContractImport(
        registration_body=registration_body,
        uploaded_by=actor,
        file=uploads.stored_as(uploaded_file, content_type),
        original_name=uploads.original_name(uploaded_file, default="import.xlsx"),
        file_sha256=hashlib.sha256(content).hexdigest(),
    )
    record.full_clean()
    record.save()
    tasks.contract_import_run_task.delay_on_commit(record.pk)
    return record


# --- reference data ---------------------------------------------------------------------------------


def code_lists(*, body: Organisation | None = None, credit_codes=()) -> checks.CodeLists:
    """Everything a workbook is checked against, in four queries whatever its size."""
    codes: dict[str, set[str]] = {scheme: set() for scheme in CODE_SCHEMES}
    fields: dict[str, int] = {}
    for scheme, code, pk in Classification.objects.filter(
        scheme__in=(*CODE_SCHEMES, ClassificationScheme.TECHNOLOGY_FIELD), is_current=True
    ).values_list("scheme", "code", "pk"):
        if scheme == ClassificationScheme.TECHNOLOGY_FIELD:
            fields[code] = pk
        else:
            codes[scheme].add(code)
    organisations = {}
    if credit_codes:
        organisations = dict(
            Organisation.objects.active()
            .filter(credit_code__in=set(credit_codes))
            .values_list("credit_code", "pk")
        )
    prefix = ""
    if body is not None and body.region_id:
        prefix = body.region.jurisdiction_prefix
    return checks.CodeLists(
        codes={scheme: frozenset(values) for scheme, values in codes.items()},
        regions=frozenset(Region.objects.values_list("code", flat=True)),
        technology_fields=fields,
        organisations=organisations,
        body_prefix=prefix,
        body_name=body.name if body else "",
        body_credit_code=body.credit_code if body else "",
        today=timezone.localdate(),
    )


# --- reading the workbook ---------------------------------------------------------------------------


def _header(value) -> str:
    text = str(value or "").strip().replace(" ", "").replace("(", "（").replace(")", "）")
    return text.lstrip("*").rstrip("*")


def read_sheet(content: bytes) -> tuple[dict[str, int], list[tuple[int, tuple]]]:
    """The position of each known column and the non-blank rows (numbered as in the sheet). Raises
    ``FileRefused`` for a file that cannot be read or whose columns are not the JJ-001 layout."""
    try:
        with spreadsheets.open_workbook(content, max_cells=MAX_CELLS) as workbook:
            names = workbook.sheetnames
            sheet = workbook[jj001.DATA_SHEET] if jj001.DATA_SHEET in names else workbook.worksheets[0]
            rows = spreadsheets.sheet_rows(sheet, max_cells=MAX_CELLS)
            header = next(rows, None) or ()
            positions, unknown = {}, []
            for index, title in enumerate(header):
                name = _header(title)
                if not name:
                    continue
                column = jj001.COLUMNS_BY_HEADER.get(name)
                if column is None or column.field in positions:
                    unknown.append(name)
                else:
                    positions[column.field] = index
            # Optional columns may be left out; a required one may not, nor a header of another layout.
            missing = [c.header for c in jj001.COLUMNS if c.required and c.field not in positions]
            if unknown or missing:
                parts = []
                if missing:
                    parts.append(_("missing: %(columns)s") % {"columns": "、".join(missing)})
                if unknown:
                    parts.append(_("unknown: %(columns)s") % {"columns": "、".join(unknown)})
                raise FileRefused(
                    _(
                        "The columns are not those of the JJ-001 template (%(problems)s). Download the "
                        "template and keep its header row; nothing was imported."
                    )
                    % {"problems": "; ".join(parts)}
                )
            width = max(positions.values()) + 1
            data = []
            for number, values in enumerate(rows, start=2):
                values = values[:width]
                if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
                    continue
                data.append((number, values))
                if len(data) > MAX_ROWS:
                    raise FileRefused(_("A file may hold at most %(limit)s rows.") % {"limit": MAX_ROWS})
    except ValidationError as refusal:  # it would unpack beyond the limits
        raise FileRefused(" ".join(refusal.messages)) from refusal
    except spreadsheets.TooManyCells as error:
        raise FileRefused(_("The file has more than %(limit)s cells.") % {"limit": error.limit}) from error
    except (spreadsheets.UnreadableWorkbook, KeyError, ValueError, TypeError) as error:
        raise FileRefused(_("The file could not be read as an Excel workbook.")) from error
    if not data:
        raise FileRefused(_("The file holds no registration below its header row."))
    return positions, data


# --- the import ---------------------------------------------------------------------------------------


def _fail(import_pk: int, reason: str) -> None:
    ContractImport.objects.filter(pk=import_pk, status=ContractImportStatus.RUNNING).update(
        status=ContractImportStatus.FAILED, failure=reason, finished_at=timezone.now()
    )


def contract_import_run(*, import_pk: int) -> ContractImport | None:
    """Checks every cell, then saves the valid rows in one transaction; safe to run twice.

    Runs outside a transaction until the save, so the page polling the import sees its progress. A
    run claims the import by its state (queued, or running when a worker died), and the save checks
    it again under a lock, so a second delivery finds nothing to do.
    """
    claimed = ContractImport.objects.filter(
        pk=import_pk, status__in=(ContractImportStatus.QUEUED, ContractImportStatus.RUNNING)
    ).update(status=ContractImportStatus.RUNNING, processed_rows=0, failure="", started_at=timezone.now())
    if not claimed:
        return None
    record = ContractImport.objects.select_related("registration_body__region").get(pk=import_pk)
    with override(settings.LANGUAGE_CODE):
        try:
            valid, errors, total = _check(record)
            _save(record, valid, errors, total)
        except FileRefused as refusal:
            _fail(import_pk, refusal.message)
        except Exception:
            # Whatever went wrong, the save's transaction was rolled back: nothing was imported.
            logger.exception("Contract import %s failed", import_pk)
            _fail(
                import_pk,
                _("The import failed unexpectedly and nothing was imported. Please try again later."),
            )
    return ContractImport.objects.get(pk=import_pk)


def _check(record: ContractImport) -> tuple[list[checks.RowResult], list[dict], int]:
    with record.file.open("rb") as stored:
        content = stored.read()
    positions, rows = read_sheet(content)
    total = len(rows)
    progress = ContractImport.objects.filter(pk=record.pk, status=ContractImportStatus.RUNNING)
    progress.update(total_rows=total)
    credit_codes = set()
    for field in ("seller_credit_code", "buyer_credit_code"):
        position = positions.get(field)
        if position is not None:
            credit_codes.update(
                str(values[position]).strip().upper()
                for _number, values in rows
                if position < len(values) and values[position]
            )
    checker = checks.RowChecker(
        code_lists(body=record.registration_body, credit_codes=credit_codes), positions
    )
    valid, errors = [], []
    for done, (number, values) in enumerate(rows, start=1):
        result = checker.check(number, values)
        if result.errors:
            errors.extend(result.errors)
        else:
            valid.append(result)
        if done % PROGRESS_EVERY_ROWS == 0:
            progress.update(processed_rows=done)
    progress.update(processed_rows=total)
    return valid, errors, total


def _registered_at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def _keep_platform_links(values: dict, stored: dict) -> None:
    """A party stored as an organisation on the platform stays linked when the row names it the same
    way (the export writes its name and credit code, which need not find it again)."""
    for side in ("seller", "buyer"):
        if (
            stored[f"{side}_kind"] == PartyKind.PLATFORM
            and values[f"{side}_kind"] == PartyKind.ORGANISATION
            and values[f"{side}_name"] == stored[f"{side}_name"]
            and values[f"{side}_credit_code"] == stored[f"{side}_credit_code"]
        ):
            values[f"{side}_kind"] = PartyKind.PLATFORM
            values[f"{side}_organisation_id"] = stored[f"{side}_organisation_id"]


def _error(result: checks.RowResult, code: str, **params) -> dict:
    return {
        "row": result.row,
        "column": "合同登记编号",
        "cell": "",
        "code": code,
        "params": {key: str(value) for key, value in params.items()},
    }


def _update_all(contracts: list[ContractRegistration], names: list[str]) -> None:
    """Writes ``names`` of every contract by one ``UPDATE … FROM (VALUES …)`` per batch. Django's
    ``bulk_update`` writes a ``CASE WHEN`` per field and row, which took 14 s for 1,000 rows of some
    forty fields (bench/contract_import.py); this takes well under one. The audit trigger records each
    changed row as for any update."""
    meta = ContractRegistration._meta
    fields = [meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    assignments = ", ".join(
        f"{connection.ops.quote_name(field.column)} = v.{connection.ops.quote_name(field.column)}"
        for field in fields
    )
    pk = connection.ops.quote_name(meta.pk.column)
    casts = [
        f"%s::{meta.pk.cast_db_type(connection)}",
        *(f"%s::{field.cast_db_type(connection)}" for field in fields),
    ]
    row = f"({', '.join(casts)})"
    with connection.cursor() as cursor:
        for start in range(0, len(contracts), SAVE_BATCH_ROWS):
            batch = contracts[start : start + SAVE_BATCH_ROWS]
            params = []
            for contract in batch:
                params.append(contract.pk)
                params.extend(
                    field.get_db_prep_save(getattr(contract, field.attname), connection) for field in fields
                )
            cursor.execute(
                f"UPDATE {connection.ops.quote_name(meta.db_table)} AS t SET {assignments} "
                f"FROM (VALUES {', '.join([row] * len(batch))}) AS v({pk}, {columns}) WHERE t.{pk} = v.{pk}",
                params,
            )


def _refuse_duplicates(
    to_create: list[ContractRegistration],
    to_update: dict[tuple[str, ...], list[ContractRegistration]],
    rows_of: dict[str, checks.RowResult],
    errors: list[dict],
) -> tuple[list[ContractRegistration], dict[tuple[str, ...], list[ContractRegistration]]]:
    """A contract is registered once (按地域一次登记): each row's key (``market.policies.duplicate_key``)
    is set, and a row whose contract is already submitted or registered under another number — at any
    body, or earlier in the same file — is refused with where it is registered."""
    contracts = [*to_create, *(contract for group in to_update.values() for contract in group)]
    for contract in contracts:
        contract.duplicate_key = contract_selectors.duplicate_key_of(contract)
    taken: dict[str, tuple[str, str]] = {}
    keys = [contract.duplicate_key for contract in contracts]
    for start in range(0, len(keys), 5000):
        for key, number, body in ContractRegistration.objects.filter(
            duplicate_key__in=keys[start : start + 5000], status__in=policies.CONTRACT_ACTIVE_STATUSES
        ).values_list("duplicate_key", "registration_number", "registration_body__name"):
            taken.setdefault(key, (number or "", body or ""))
    refused: set[str] = set()
    for contract in contracts:
        number = contract.registration_number
        other = taken.get(contract.duplicate_key)
        if other is not None and other[0] != number:
            refused.add(number)
            errors.append(_error(rows_of[number], "duplicate_contract", other=other[0], body=other[1]))
        else:
            taken.setdefault(contract.duplicate_key, (number, ""))
    if not refused:
        return to_create, to_update
    kept_updates = {
        names: [contract for contract in group if contract.registration_number not in refused]
        for names, group in to_update.items()
    }
    return (
        [contract for contract in to_create if contract.registration_number not in refused],
        {names: group for names, group in kept_updates.items() if group},
    )


def _save(record: ContractImport, valid: list[checks.RowResult], errors: list[dict], total: int) -> None:
    body = record.registration_body
    now = timezone.now()
    with transaction.atomic(), pghistory.context(user=record.uploaded_by_id, contract_import=record.pk):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, body.pk])
        current = ContractImport.objects.select_for_update().filter(pk=record.pk).first()
        if current is None or current.status != ContractImportStatus.RUNNING:
            return
        numbers = [result.values["registration_number"] for result in valid]
        stored_rows = {}
        for start in range(0, len(numbers), 5000):
            for row in ContractRegistration.objects.filter(
                registration_number__in=numbers[start : start + 5000]
            ).values(
                "pk",
                "registration_number",
                "registration_body_id",
                "source",
                "registered_at",
                *COMPARED_FIELDS,
            ):
                stored_rows[row["registration_number"]] = row
        to_create: list[ContractRegistration] = []
        to_update: dict[tuple[str, ...], list[ContractRegistration]] = {}
        rows_of: dict[str, checks.RowResult] = {}
        unchanged = 0
        for result in valid:
            values = dict(result.values)
            registered_on = values.pop("registered_on")
            number = values["registration_number"]
            stored = stored_rows.get(number)
            if stored is None:
                rows_of[number] = result
                to_create.append(
                    ContractRegistration(
                        **values,
                        applicant_id=values["seller_organisation_id"],
                        source=ContractSource.IMPORT,
                        status=ContractStatus.REGISTERED,
                        number_source=NumberSource.NATIONAL,
                        registration_body_id=body.pk,
                        registered_at=_registered_at(registered_on),
                        submitted_at=_registered_at(registered_on),
                    )
                )
                continue
            if stored["registration_body_id"] != body.pk:
                errors.append(_error(result, "number_of_other_body", value=number))
                continue
            _keep_platform_links(values, stored)
            same_day = (
                stored["registered_at"] and timezone.localdate(stored["registered_at"]) == registered_on
            )
            changed = [name for name in COMPARED_FIELDS if stored[name] != values[name]]
            if not changed and same_day:
                unchanged += 1
                continue
            if stored["source"] != ContractSource.IMPORT:
                errors.append(_error(result, "not_imported", value=number))
                continue
            rows_of[number] = result
            contract = ContractRegistration(pk=stored["pk"], **values)
            contract.registered_at = stored["registered_at"] if same_day else _registered_at(registered_on)
            contract.applicant_id = values["seller_organisation_id"]
            contract.updated_at = now
            written = (*changed, "duplicate_key", "updated_at", *(() if same_day else ("registered_at",)))
            if "seller_organisation_id" in changed:
                written += ("applicant_id",)
            to_update.setdefault(written, []).append(contract)
        to_create, to_update = _refuse_duplicates(to_create, to_update, rows_of, errors)
        ContractRegistration.objects.bulk_create(to_create, batch_size=SAVE_BATCH_ROWS)
        # Rows that changed the same columns are written together, those columns only.
        for names, contracts in to_update.items():
            _update_all(contracts, list(names))
        errors.sort(key=lambda error: (error["row"], error["cell"]))
        ContractImport.objects.filter(pk=record.pk).update(
            status=ContractImportStatus.DONE,
            total_rows=total,
            processed_rows=total,
            created_count=len(to_create),
            updated_count=sum(len(contracts) for contracts in to_update.values()),
            unchanged_count=unchanged,
            error_count=len({error["row"] for error in errors}),
            errors=errors,
            finished_at=timezone.now(),
        )
