"""Pages of the registration import (upload, progress, result) and the export of a contract list in the
JJ-001 layout. Thin: a form validates, a selector reads (applying visibility), the service writes."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors
from core.spreadsheets import XLSX_CONTENT_TYPE
from market.forms.contract_imports import ContractImportUploadForm
from market.policies import contract_imports as checks
from market.selectors import contract_imports as selectors
from market.selectors.contracts import QUEUE_TABS
from market.services import contract_imports as services

ERRORS_PER_PAGE = 50
TEMPLATE_FILENAME = "技术合同登记导入模板.xlsx"


@login_required
@require_http_methods(["GET", "POST"])
def contract_import_start(request):
    bodies = services.contract_import_bodies(actor=request.user)
    if not bodies.exists():
        raise PermissionDenied(_("Only the registrars of a registration body may import its registrations."))
    form = ContractImportUploadForm(request.POST or None, request.FILES or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.contract_import_create(
                actor=request.user,
                registration_body=form.cleaned_data["registration_body"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("market:contract-import-detail", pk=record.pk)
    context = {"form": form, "imports": selectors.contract_import_recent(actor=request.user)}
    return render(request, "market/contract_imports/start.html", context)


@login_required
@require_GET
def contract_import_template(request):
    response = HttpResponse(selectors.contract_import_template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, TEMPLATE_FILENAME)
    return response


@login_required
@require_GET
def contract_import_detail(request, pk: int):
    """The import's progress (the fragment polls itself while it runs) and, once done, its error table."""
    record = selectors.contract_import_get(pk=pk, actor=request.user)
    errors_page = Paginator(record.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    # Only the page's errors are worded (a file of 10,000 bad rows holds tens of thousands).
    errors_page.object_list = [
        {**error, "message": checks.message(error)} for error in errors_page.object_list
    ]
    context = {"record": record, "errors_page": errors_page}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "market/contract_imports/_status.html" if partial else "market/contract_imports/detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def contract_export(request):
    """The contracts the actor may see, with the contract list's filters (or a registration queue's
    ``tab``), as .xlsx in the JJ-001 layout."""
    tab = request.GET.get("tab", "")
    if tab and (tab not in QUEUE_TABS or not request.user.has_perm("market.view_registration_queue")):
        raise PermissionDenied(_("Only registrars have a registration queue."))
    contracts = selectors.contract_export_list(actor=request.user, filters=request.GET, tab=tab)
    workbook = selectors.contract_export_workbook(contracts)
    return workbook.response(filename=selectors.contract_export_filename())
