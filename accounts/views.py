"""Sign-in (with its second step, the authenticator code), sign-out, account security, password
change and reset pages (Django's views where they fit, our templates)."""

import base64
import time

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts import selectors, services
from accounts.forms import SecondFactorCodeForm, SignInForm
from core.forms import add_service_errors

# The user who gave the right password and still owes a code: kept in the session between the steps.
PENDING_SIGN_IN = "accounts_pending_sign_in"


def locked_out(request, original_response=None, credentials=None):
    """The page axes shows instead of the sign-in form while the username is locked at this address
    (``AXES_LOCKOUT_CALLABLE``): until when, and how to unlock it now, by a password reset e-mail."""
    handler = AxesProxyHandler.get_implementation()
    locked_until = handler.locked_until(request, credentials)
    remaining = locked_until - timezone.now() if locked_until else None
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "locked_until": locked_until,
        "remaining_minutes": max(1, -(-int(remaining.total_seconds()) // 60)) if remaining else 0,
    }
    return render(request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class SignInView(auth_views.LoginView):
    """The password step. A user with an authenticator app (or a platform admin who must enrol one,
    ``OTP_REQUIRED_FOR_ADMINS``) is not signed in yet: the code step (:func:`sign_in_code`) follows."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        enrolled = selectors.second_factor_device_get(user=user) is not None
        must_enrol = settings.OTP_REQUIRED_FOR_ADMINS and user.is_superuser
        if not (enrolled or must_enrol):
            return super().form_valid(form)
        self.request.session[PENDING_SIGN_IN] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "since": time.time(),
        }
        return redirect("accounts:sign_in_code")


def _pending_user(request):
    pending = request.session.get(PENDING_SIGN_IN)
    if not pending or time.time() - pending["since"] > settings.OTP_SIGN_IN_MINUTES * 60:
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def _secret_for_display(device) -> str:
    """The key as an authenticator app takes it by hand: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def _enrolment_context(device) -> dict:
    return {"enrolment": device, "secret": _secret_for_display(device), "otpauth_url": device.config_url}


@never_cache
@sensitive_post_parameters("token")
def sign_in_code(request):
    """The second step of signing in: the code from the user's authenticator app, or, for a platform
    admin who must have one and has none, enrolling the app first."""
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_SIGN_IN, None)
        messages.error(request, _("Please sign in again: the code step waits only a few minutes."))
        return redirect("accounts:login")
    enrolled = selectors.second_factor_device_get(user=user) is not None
    enrolment = None
    if not enrolled:
        enrolment = selectors.second_factor_device_get(
            user=user, confirmed=False
        ) or services.second_factor_enrolment_start(actor=user)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        try:
            if enrolled:
                device = services.second_factor_check(user=user, token=token)
            else:
                device = services.second_factor_enrolment_confirm(actor=user, token=token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            del request.session[PENDING_SIGN_IN]
            auth_login(request, user, backend=pending["backend"])
            django_otp.login(request, device)
            return redirect(pending["next"])
    context = {"form": form, "user_signing_in": user}
    if enrolment is not None:
        context.update(_enrolment_context(enrolment))
    return render(request, "accounts/sign_in_code.html", context)


@login_required
@sensitive_post_parameters("token")
def account_security(request):
    """The signed-in user's second factor: enrol an authenticator app, finish enrolling, remove it."""
    user = request.user
    device = selectors.second_factor_device_get(user=user)
    enrolment = None if device else selectors.second_factor_device_get(user=user, confirmed=False)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            try:
                services.second_factor_enrolment_start(actor=user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect("accounts:security")
        try:
            if action in ("confirm", "remove") and form.is_valid():
                if action == "confirm":
                    confirmed = services.second_factor_enrolment_confirm(
                        actor=user, token=form.cleaned_data["token"]
                    )
                    django_otp.login(request, confirmed)
                    messages.success(
                        request, _("Your authenticator app is enrolled: signing in now asks for its code.")
                    )
                else:
                    services.second_factor_remove(actor=user, token=form.cleaned_data["token"])
                    messages.success(request, _("Your authenticator app has been removed."))
                return redirect("accounts:security")
        except ValidationError as error:
            add_service_errors(form, error)
    context = {
        "form": form,
        "device": device,
        "may_enrol": user.has_perm("accounts.use_second_factor"),
        "required": settings.OTP_REQUIRED_FOR_ADMINS and user.is_superuser,
    }
    if enrolment is not None:
        context.update(_enrolment_context(enrolment))
    return render(request, "accounts/security.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever reads the account's e-mail has shown it is theirs: a lock-out ends here.
        services.sign_in_failures_forget(username=self.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
