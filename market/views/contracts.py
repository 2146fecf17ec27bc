"""Pages of contract registration: the seller's registration form, a contract's page with the
registrar's decision forms, the printable registration certificate (技术合同登记证明), the registrar's
queue and the public disclosure board (成交公示).

Views are thin: a selector reads (what the user may not see is a 404), a permission check turns away
the rest (403), one service writes, and the page redirects with a message; a service's
ValidationError is shown next to the field it names.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core import uploads, versions
from core.forms import add_service_errors
from institutions.roles import actor_roles
from market import actions, policies
from market.choices import ContractSource
from market.filters.contracts import DisclosureFilterSet, MyContractFilterSet, RegistrationQueueFilterSet
from market.forms import contracts as forms
from market.models import ContractRegistration
from market.selectors import contracts as selectors
from market.services import contracts as services
from market.views import contract_lifecycle as lifecycle_views

PAGE_SIZE = 20
QUEUE_TAB_LABELS = {
    "waiting": gettext_lazy("Waiting"),
    "overdue": gettext_lazy("Overdue"),
    "registered": gettext_lazy("Registered"),
    "refused": gettext_lazy("Not registered"),
}


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- The seller's registration form ----------------------------------------------------------------


def _service_errors(form, error: ValidationError) -> None:
    add_service_errors(form, error, aliases={"contract_file": "upload"})


@login_required
def contract_edit(request, pk: int):
    """The registration form of deal ``pk``: created pre-filled on the first visit, then edited on the
    contract's own form page."""
    deal = selectors.deal_for_contract(pk=pk, actor=request.user)
    if not request.user.has_perm("market.manage_contract", deal):
        raise PermissionDenied
    existing = selectors.contract_of_deal(deal=deal)
    if existing is not None and existing.status not in policies.CONTRACT_EDITABLE_STATUSES:
        return redirect("market:contract-detail", pk=existing.pk)
    try:
        contract = existing or services.contract_prepare(actor=request.user, deal=deal)
    except ValidationError as error:
        context = {"deal": deal, "errors": error.messages}
        return render(request, "market/contracts/cannot_prepare.html", context, status=400)
    return redirect("market:contract-form", pk=contract.pk)


def _form_class(contract: ContractRegistration):
    if contract.deal_id is not None:
        return forms.ContractForm
    if contract.source == ContractSource.PAPER:
        return forms.PaperContractForm
    return forms.DirectContractForm


@login_required
def contract_form(request, pk: int):
    """The registration form (表号 JJ-001) of contract ``pk``, saved, then submitted: a deal's parties come
    from their profiles; a contract made off the platform names its buyer (and, on paper, its seller)."""
    contract = selectors.contract_get(pk=pk, actor=request.user)
    if not request.user.has_perm("market.manage_contract", contract):
        raise PermissionDenied
    if contract.status not in policies.CONTRACT_EDITABLE_STATUSES:
        return redirect("market:contract-detail", pk=contract.pk)
    form = _form_class(contract)(request.POST or None, request.FILES or None, instance=contract)
    if request.method == "POST":
        if form.is_valid() and _save_and_maybe_submit(request, form, contract):
            return redirect("market:contract-detail", pk=contract.pk)
        contract = selectors.contract_get(pk=contract.pk, actor=request.user)
    return _form_page(request, form, contract, status=400 if form.errors else 200)


def _form_page(request, form, contract, *, status=200):
    rule_set, problems = selectors.contract_problems(contract) if contract.pk else (None, {})
    context = {
        "contract": contract,
        "deal": contract.deal,
        "form": form,
        "rule_set": rule_set,
        "problems": _labelled(problems),
        "duplicate": selectors.contract_duplicate(contract) if contract.pk else None,
        "party_sides": getattr(form, "party_sides", ()),
        "kind_fields": forms.PARTY_KIND_FIELDS,
    }
    return render(request, "market/contracts/edit.html", context, status=status)


@login_required
def contract_new(request):
    """Opens the registration form of a contract made off the platform, for the applicant's members."""
    applicants = selectors.organisations_to_apply_for(actor=request.user)
    if not applicants.exists():
        raise PermissionDenied
    blank = ContractRegistration(non_technical_amount=0)
    form = forms.DirectContractForm(
        request.POST or None, request.FILES or None, instance=blank, applicants=applicants
    )
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_open(
                actor=request.user,
                applicant=form.cleaned_data["applicant"],
                data=form.service_data(),
                buyer=form.parties()["buyer"],
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            return _after_opening(request, form, contract)
    return _form_page(request, form, blank, status=400 if form.errors else 200)


@login_required
def contract_paper_new(request):
    """A registrar enters a paper application on the applicant's behalf."""
    if not request.user.has_perm("market.view_registration_queue"):
        raise PermissionDenied
    bodies = selectors.bodies_of_registrar(actor=request.user)
    if not bodies.exists():
        raise PermissionDenied
    blank = ContractRegistration(non_technical_amount=0, source=ContractSource.PAPER)
    form = forms.PaperContractForm(request.POST or None, request.FILES or None, instance=blank, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        parties = form.parties()
        try:
            contract = services.contract_enter_paper(
                actor=request.user,
                body=form.cleaned_data["registration_body"],
                seller=parties["seller"],
                buyer=parties["buyer"],
                data=form.service_data(),
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            return _after_opening(request, form, contract)
    return _form_page(request, form, blank, status=400 if form.errors else 200)


def _after_opening(request, form, contract):
    upload = form.cleaned_data.get("upload")
    if upload:
        try:
            services.contract_attach_file(actor=request.user, contract=contract, uploaded_file=upload)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    duplicate = selectors.contract_duplicate(contract)
    if duplicate is not None:
        messages.warning(request, services.duplicate_message(duplicate))
    messages.success(request, _("The registration form has been saved."))
    return redirect("market:contract-form", pk=contract.pk)


@login_required
@require_GET
def my_contracts(request):
    """The registrations the user's organisations applied for, with filters."""
    if not actor_roles(request.user).member_of:
        raise PermissionDenied
    filterset = MyContractFilterSet(request.GET)
    page_obj = _page(request, selectors.my_contract_list(actor=request.user, filters=request.GET))
    context = {"filter_form": filterset.form, "page_obj": page_obj}
    return render(request, "market/contracts/list.html", context)


@login_required
@require_POST
def contract_reveal_id_number(request, pk: int, side: str):
    """Shows a natural person's full identity number to an admin or a registrar of the body (audited)."""
    contract = selectors.contract_get(pk=pk, actor=request.user)
    if not request.user.has_perm("market.reveal_id_number", contract):
        raise PermissionDenied
    try:
        revealed = services.contract_reveal_id_number(actor=request.user, contract=contract, side=side)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("market:contract-detail", pk=contract.pk)
    return _detail_page(request, contract, revealed={side: revealed})


def _save_and_maybe_submit(request, form, contract) -> bool:
    parties = form.parties() if hasattr(form, "parties") else None
    try:
        contract = services.contract_update(
            actor=request.user, contract=contract, data=form.service_data(), parties=parties
        )
        if form.cleaned_data.get("upload"):
            contract = services.contract_attach_file(
                actor=request.user, contract=contract, uploaded_file=form.cleaned_data["upload"]
            )
    except ValidationError as error:
        _service_errors(form, error)
        return False
    if request.POST.get("action") != "submit":
        messages.success(request, _("The registration form has been saved."))
        return True
    try:
        services.contract_submit(actor=request.user, contract=contract)
    except ValidationError as error:
        _service_errors(form, error)
        messages.error(request, _("The form was saved but cannot be submitted yet: see the problems listed."))
        return False
    messages.success(
        request,
        _("The contract has been submitted to %(body)s; its registrars have been notified.")
        % {"body": contract.registration_body.name},
    )
    return True


def _labelled(problems: dict[str, list[str]]) -> list[tuple[str, str]]:
    labels = {
        field.name: field.verbose_name
        for field in ContractRegistration._meta.get_fields()
        if hasattr(field, "verbose_name")
    }
    return [
        ("" if name == "__all__" else str(labels.get(name, name)), message)
        for name, messages_ in problems.items()
        for message in messages_
    ]


# --- A contract's page and the registrar's decisions -----------------------------------------------


def _detail_page(
    request,
    contract,
    *,
    register_form=None,
    reject_form=None,
    status=200,
    stale=None,
    lifecycle=None,
    revealed=None,
):
    # the form's actions (the API's ``actions``); the certificate is a download, not an action
    can = {
        **actions.CONTRACT_ACTIONS.may(request.user, contract),
        "certificate": contract.registration_number is not None,
    }
    context = {
        "contract": contract,
        "can": can,
        "deadline": selectors.contract_deadline(contract),
        "stale": stale,  # a decision on a version of the form the applicant changed since
        "revealed": revealed or {},  # a person's identity number, read on request (audited)
        "may_reveal": request.user.has_perm("market.reveal_id_number", contract),
        "register_form": register_form or forms.RegisterForm.for_contract(contract),
        "reject_form": reject_form or forms.RejectForm(),
        # corrections, cancellation, second check, income per year, certificates
        **lifecycle_views.detail_context(request, contract, lifecycle or {}),
    }
    return render(request, "market/contracts/detail.html", context, status=status)


@login_required
@require_GET
def contract_detail(request, pk: int):
    return _detail_page(request, selectors.contract_get(pk=pk, actor=request.user))


@login_required
@require_GET
def contract_file(request, pk: int):
    contract = selectors.contract_get(pk=pk, actor=request.user)
    if not contract.contract_file:
        raise Http404
    return uploads.download_response(contract.contract_file, filename=contract.contract_file_name or None)


@login_required
@require_POST
def contract_submit(request, pk: int):
    contract = selectors.contract_get(pk=pk, actor=request.user)
    if not request.user.has_perm("market.manage_contract", contract):
        raise PermissionDenied
    try:
        services.contract_submit(actor=request.user, contract=contract)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            messages.error(request, _("The contract cannot be submitted yet: complete what is listed."))
            return redirect("market:contract-form", pk=contract.pk)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The contract has been submitted; the registrars have been notified."))
    return redirect("market:contract-detail", pk=contract.pk)


@login_required
@require_POST
def contract_register(request, pk: int):
    contract = lifecycle_views.registrar_contract(request, pk)
    form = forms.RegisterForm.for_contract(contract, request.POST)
    if form.is_valid():
        try:
            contract = services.contract_register(
                actor=request.user, contract=contract, **form.service_arguments(contract)
            )
        except versions.StaleVersion as error:
            # 409: the page shows the current form, what changed, and a register form for it
            return _detail_page(request, contract, status=409, stale=error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The contract has been registered as %(number)s; the parties have been notified.")
                % {"number": contract.registration_number},
            )
            return redirect("market:contract-detail", pk=contract.pk)
    return _detail_page(request, contract, register_form=form, status=400)


@login_required
@require_POST
def contract_reject(request, pk: int):
    contract = lifecycle_views.registrar_contract(request, pk)
    form = forms.RejectForm(request.POST)
    if form.is_valid():
        try:
            services.contract_reject(actor=request.user, contract=contract, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The contract has not been registered; the seller has been told why.")
            )
            return redirect("market:contract-detail", pk=contract.pk)
    return _detail_page(request, contract, reject_form=form, status=400)


# --- The registrar's queue -------------------------------------------------------------------------


@login_required
@require_GET
def registration_queue(request):
    if not request.user.has_perm("market.view_registration_queue"):
        raise PermissionDenied
    tab = request.GET.get("tab", "waiting")
    if tab not in selectors.QUEUE_TABS:
        tab = "waiting"
    filterset = RegistrationQueueFilterSet(request.GET)
    counts = selectors.registration_queue_counts(actor=request.user, filters=request.GET)
    page_obj = _page(request, selectors.registration_queue(actor=request.user, tab=tab, filters=request.GET))
    today = timezone.localdate()
    rows = [(contract, selectors.contract_deadline(contract, today)) for contract in page_obj]
    context = {
        "filter_form": filterset.form,
        "tab": tab,
        "tabs": [(name, QUEUE_TAB_LABELS[name], counts[name]) for name in selectors.QUEUE_TABS],
        "page_obj": page_obj,
        "rows": rows,
        "may_enter_paper": bool(actor_roles(request.user).registrar_of),
    }
    return render(request, "market/contracts/queue.html", context)


# --- The disclosure board --------------------------------------------------------------------------


@require_GET
def disclosure_list(request):
    filterset = DisclosureFilterSet(request.GET)
    page_obj = _page(request, selectors.disclosure_list(filters=request.GET))
    context = {"filter_form": filterset.form, "page_obj": page_obj}
    partial = getattr(request, "htmx", False) and not request.htmx.history_restore_request
    template = "market/disclosures/_results.html" if partial else "market/disclosures/list.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@require_GET
def disclosure_detail(request, pk: int):
    return render(request, "market/disclosures/detail.html", {"contract": selectors.disclosure_get(pk=pk)})
