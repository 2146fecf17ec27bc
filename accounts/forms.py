from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Django's sign-in form; django-axes counts its failures and locks the username out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control", "autofocus": True})
        self.fields["password"].widget.attrs.update({"class": "form-control"})


class SecondFactorCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows (TOTP)."""

    token = forms.CharField(
        label=_("6-digit code"),
        min_length=6,
        max_length=6,
        validators=[RegexValidator(r"^[0-9]{6}$", _("Type the 6 digits the app shows, without spaces."))],
        help_text=_("The code your authenticator app shows for this account; it changes every 30 seconds."),
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "pattern": "[0-9]{6}",
            }
        ),
    )
