from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Django's sign-in form; django-axes counts its failures and locks the username out.

    Django's form sets the username's ``max_length`` after building the field, so the length was not
    checked: a username of 400 characters reached ``authenticate`` and django-axes, whose record of the
    failure (a ``varchar(255)``) could not hold it, a 500. The username is checked against the user
    model's maximum before anything is looked up.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length))
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
