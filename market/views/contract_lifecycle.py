"""Pages of a registered contract's life: the registrar's correction (变更), cancellation (注销), second
check (复核), income certification per year (技术性收入核定) and national number (forms on the
contract's page), the registration certificate (技术合同登记证明) as a printable page and a PDF, and the
public verification of a certificate's code (/verify/, no sign-in, throttled against enumeration)."""

import time

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.forms import add_service_errors
from market import actions
from market.certificate_pdf import certificate_pdf
from market.choices import ContractCategory, ContractSubType, NumberSource
from market.forms import contract_lifecycle as forms
from market.models import ContractRegistration
from market.selectors import contract_lifecycle as lifecycle_selectors
from market.selectors import contracts as selectors
from market.services import contract_lifecycle as services

# Lookups one client address may make on the verification page and endpoint per window.
# Public certificate lookups per client address and window: enough for anyone checking a few certificates,
# too few to enumerate codes (16 characters of a 32-letter alphabet).
VERIFY_LIMIT = 30
VERIFY_WINDOW_SECONDS = 600


def detail_context(request, contract: ContractRegistration, overrides: dict) -> dict:
    """What the contract's page shows of its life after registration, and the registrar's forms."""
    return {
        "amendments": list(contract.amendments.all()),
        "income_certifications": list(contract.income_certifications.all()),
        "second_check": lifecycle_selectors.second_check_of(contract),
        "cancellation": lifecycle_selectors.cancellation_of(contract),
        "certificate": lifecycle_selectors.current_certificate(contract),
        "amend_form": overrides.get("amend_form") or forms.AmendForm.for_contract(contract),
        "cancel_form": overrides.get("cancel_form") or forms.CancelForm(),
        "check_form": overrides.get("check_form") or forms.SecondCheckForm(),
        "income_form": overrides.get("income_form") or forms.IncomeForm(),
        "national_form": overrides.get("national_form") or forms.NationalNumberForm(),
    }


def _page_with_errors(request, contract, **overrides):
    from market.views.contracts import _detail_page  # the contract's page renders these forms

    return _detail_page(
        request, selectors.contract_get(pk=contract.pk, actor=request.user), status=400, lifecycle=overrides
    )


def registrar_contract(request, pk: int) -> ContractRegistration:
    """A contract the user may see and register for (404, then 403): what every registrar's action starts from."""
    contract = selectors.contract_get(pk=pk, actor=request.user)
    if not request.user.has_perm("market.register_contract", contract):
        raise PermissionDenied
    return contract


def _act(request, contract, form, *, form_name: str, perform, done: str):
    """Runs a registrar's action from its posted form: ``perform(form)`` calls the service; its refusal goes
    onto the form and the contract page shows it again (400), success goes back to the page with ``done``."""
    if form.is_valid():
        try:
            perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("market:contract-detail", pk=contract.pk)
    return _page_with_errors(request, contract, **{form_name: form})


@login_required
@require_POST
def contract_amend(request, pk: int):
    contract = registrar_contract(request, pk)
    return _act(
        request,
        contract,
        forms.AmendForm.for_contract(contract, request.POST),
        form_name="amend_form",
        perform=lambda form: services.contract_amend(
            actor=request.user,
            contract=contract,
            data=form.service_data(contract),
            reason=form.cleaned_data["reason"],
        ),
        done=_("The correction has been recorded and a new certificate issued."),
    )


@login_required
@require_POST
def contract_cancel(request, pk: int):
    contract = registrar_contract(request, pk)
    return _act(
        request,
        contract,
        forms.CancelForm(request.POST),
        form_name="cancel_form",
        perform=lambda form: services.contract_cancel(
            actor=request.user, contract=contract, **form.cleaned_data
        ),
        done=_("The registration has been cancelled; the parties have been told."),
    )


@login_required
@require_POST
def contract_second_check(request, pk: int):
    contract = registrar_contract(request, pk)
    return _act(
        request,
        contract,
        forms.SecondCheckForm(request.POST),
        form_name="check_form",
        perform=lambda form: services.second_check_decide(
            actor=request.user, contract=contract, **form.service_arguments()
        ),
        done=_("The second check has been recorded."),
    )


@login_required
@require_POST
def contract_certify_income(request, pk: int):
    contract = registrar_contract(request, pk)
    return _act(
        request,
        contract,
        forms.IncomeForm(request.POST),
        form_name="income_form",
        perform=lambda form: services.income_certify(
            actor=request.user, contract=contract, **form.cleaned_data
        ),
        done=_("The certified technical income has been recorded."),
    )


@login_required
@require_POST
def contract_national_number(request, pk: int):
    contract = registrar_contract(request, pk)
    return _act(
        request,
        contract,
        forms.NationalNumberForm(request.POST),
        form_name="national_form",
        perform=lambda form: services.contract_record_national_number(
            actor=request.user, contract=contract, national_number=form.cleaned_data["national_number"]
        ),
        done=_("The number in the national system has been recorded."),
    )


# The certificate -----------------------------------------------------------------------------------


def _verify_url(request, certificate) -> str:
    return request.build_absolute_uri(reverse("certificate-verify-code", args=[certificate.code]))


@login_required
@require_GET
def contract_certificate(request, pk: int):
    contract = selectors.contract_certificate_get(pk=pk, actor=request.user)
    certificate = lifecycle_selectors.current_certificate(contract)
    context = {
        "contract": contract,
        "certificate": certificate,
        "second_check": lifecycle_selectors.second_check_of(contract),
        "verify_url": _verify_url(request, certificate) if certificate else "",
        "can": actions.CONTRACT_ACTIONS.may(request.user, contract),
    }
    return render(request, "market/contracts/certificate.html", context)


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def certificate_rows(snapshot: dict, *, second_check=None) -> list[tuple[str, str]]:
    """What the certificate prints, as (label, value) rows, in the current language."""
    number = snapshot.get("registration_number") or ""
    if snapshot.get("number_source") == NumberSource.PLATFORM:
        own = _("this platform's own number, not a number of the national system")
        number = f"{number} ({own})"
    rows = [
        (_("Registration number"), number),
    ]
    if snapshot.get("national_number"):
        rows.append((_("Number in the national system"), snapshot["national_number"]))
    rows += [
        (_("Project name"), snapshot.get("project_name", "")),
        (
            _("Contract category"),
            f"{_label(ContractCategory, snapshot.get('contract_category'))} · "
            f"{_label(ContractSubType, snapshot.get('sub_type'))}",
        ),
        (_("Seller"), snapshot.get("seller_name", "")),
        (_("Buyer"), snapshot.get("buyer_name", "")),
        (_("Signed on"), snapshot.get("signed_on") or ""),
        (_("Valid"), f"{snapshot.get('valid_from') or ''} – {snapshot.get('valid_until') or ''}"),
        (_("Contract amount"), f"{snapshot.get('contract_amount')} {_('yuan')}"),
        (_("Technical transaction amount"), f"{snapshot.get('technical_amount')} {_('yuan')}"),
        (_("Registered on"), snapshot.get("registered_on") or ""),
        (_("Registration body"), snapshot.get("registration_body", "")),
    ]
    if second_check is not None:
        rows.append((_("Second check (tax exemption)"), second_check.get_status_display()))
    return rows


@login_required
@require_GET
def contract_certificate_pdf(request, pk: int):
    contract = selectors.contract_certificate_get(pk=pk, actor=request.user)
    certificate = lifecycle_selectors.certificate_for_download(contract=contract)
    verify_url = _verify_url(request, certificate)
    content = certificate_pdf(
        rows=certificate_rows(
            certificate.snapshot, second_check=lifecycle_selectors.second_check_of(contract)
        ),
        title=_("Technology Contract Registration Certificate") + " 技术合同登记证明",
        number=contract.registration_number,
        code=certificate.display_code,
        footer=_("Verification code %(code)s: check it at %(url)s")
        % {"code": certificate.display_code, "url": verify_url},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{contract.registration_number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# Public verification ---------------------------------------------------------------------------------


def verification_allowed(request) -> tuple[bool, int]:
    """Counts a lookup from the client's address; ``False`` (and the seconds left in the window) once it
    has made ``VERIFY_LIMIT`` lookups in the window, so codes cannot be enumerated."""
    address = get_client_ip_address(request) or "unknown"
    now = int(time.time())
    window = now // VERIFY_WINDOW_SECONDS
    key = f"market:certificate-verify:{address}:{window}"
    seconds_left = VERIFY_WINDOW_SECONDS - now % VERIFY_WINDOW_SECONDS
    cache.add(key, 0, timeout=seconds_left + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=seconds_left + 1)
        count = 1
    return count <= VERIFY_LIMIT, seconds_left


def _throttled(request, seconds_left: int):
    response = render(
        request, "market/certificates/throttled.html", {"minutes": max(seconds_left // 60, 1)}, status=429
    )
    response["Retry-After"] = str(seconds_left)
    return response


@require_GET
def certificate_verify(request):
    """The verification form; a code given in the query goes to its result page."""
    form = forms.VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = services.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("certificate-verify-code", code=code)
        form.add_error("code", _("A verification code has 16 letters and digits."))
    return render(
        request, "market/certificates/verify.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
def certificate_verify_code(request, code: str):
    allowed, seconds_left = verification_allowed(request)
    if not allowed:
        return _throttled(request, seconds_left)
    verification = lifecycle_selectors.certificate_verification(services.normalise_code(code))
    context = {"verification": verification, "form": forms.VerifyForm(initial={"code": code})}
    status = 404 if verification.outcome == lifecycle_selectors.UNKNOWN else 200
    response = render(request, "market/certificates/result.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
