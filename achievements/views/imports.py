"""Pages of the Excel import and export: upload, progress and preview, confirmation, the template and
the export of any achievement list. Views are thin: a form validates, a selector reads (applying
visibility), an import service writes (checking permission).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from achievements import exporting, importing
from achievements.actions import IMPORT_BATCH_ACTIONS
from achievements.choices import ImportStatus
from achievements.forms import imports as import_forms
from achievements.selectors import imports as import_selectors
from achievements.services import imports as import_services
from core.forms import add_service_errors

ERRORS_PER_PAGE = 100
TITLES_SHOWN = 100
POLLING_STATUSES = (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    institutions = import_services.import_institutions(actor=request.user)
    if not institutions.exists():
        raise PermissionDenied(_("Only the staff of an institution that files achievements can import them."))
    form = import_forms.ImportUploadForm(
        request.POST or None, request.FILES or None, institutions=institutions
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_services.import_batch_create(
                actor=request.user,
                institution=form.cleaned_data["institution"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("achievement_imports:detail", pk=batch.pk)
    context = {"form": form, "imports": import_services.import_batch_recent(actor=request.user)}
    return render(request, "achievements/import_start.html", context)


@login_required
@require_GET
def import_template(request):
    response = HttpResponse(import_services.import_template(), content_type=importing.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "科技成果导入模板.xlsx")
    return response


def _detail_context(request, batch) -> dict:
    context = {
        "batch": batch,
        "polling": batch.status in POLLING_STATUSES,
        "invalid_rows": max(batch.total_rows - batch.valid_rows, 0),
        "can": IMPORT_BATCH_ACTIONS.may(request.user, batch),
    }
    if batch.status == ImportStatus.VALIDATED:
        errors = [{**error, "message": importing.localised(error)} for error in batch.errors]
        context.update(
            errors_page=Paginator(errors, ERRORS_PER_PAGE).get_page(request.GET.get("page")),
            valid_titles=[
                (entry["row"], entry["data"].get("title", "")) for entry in batch.rows[:TITLES_SHOWN]
            ],
            more_titles=max(len(batch.rows) - TITLES_SHOWN, 0),
            already_imported=import_services.import_batch_already_imported(batch=batch),
        )
    return context


@login_required
@require_GET
def import_detail(request, pk: int):
    batch = import_selectors.import_batch_get(pk=pk, actor=request.user)
    partial = request.htmx and not request.htmx.history_restore_request
    template = "achievements/import_status.html" if partial else "achievements/import_detail.html"
    response = render(request, template, _detail_context(request, batch))
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_POST
def import_confirm(request, pk: int):
    batch = import_selectors.import_batch_get(pk=pk, actor=request.user)
    try:
        import_services.import_batch_confirm(actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The valid rows are being imported as drafts; this page shows the result when they are done."),
        )
    return redirect("achievement_imports:detail", pk=batch.pk)


@require_GET
def export(request):
    """Streams a list as .xlsx with the list page's filters: ``scope`` blank (the public database, for
    anyone), ``mine`` (the institution's filings) or ``review`` (an official's queue)."""
    scope = request.GET.get("scope", "")
    if scope not in exporting.SCOPES:
        return HttpResponseBadRequest(_("Unknown list to export."))
    if scope in ("mine", "review") and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if scope == "review" and not exporting.has_review_queue(request.user):
        raise PermissionDenied(_("Only officials have a review queue."))
    achievements = exporting.achievement_export_list(
        actor=request.user,
        scope=scope,
        filters=exporting.list_filters(request.GET),
        q=request.GET.get("q", ""),
        ordering=request.GET.get("ordering") or request.GET.get("sort", ""),
    )
    return exporting.export_response(achievements, actor=request.user, scope=scope)
