"""Sign-in, sign-out, password change and reset pages (Django's views, our templates)."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone

from accounts import services
from accounts.forms import SignInForm


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
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


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
