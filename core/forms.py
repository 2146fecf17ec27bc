"""Form helpers every app's pages share: a service's errors shown on the form, cross-field rules run
with the field checks, the date widgets, and a keywords field."""

import re
import uuid
from collections.abc import Callable, Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Keywords are typed as one line: 锂离子电池、负极材料, or separated by commas or semicolons.
KEYWORD_SEPARATORS = re.compile(r"[,，、;；\n\r]+")
KEYWORD_MAX_LENGTH = 30


def add_service_errors(form: forms.Form, error: ValidationError, *, aliases: dict | None = None) -> None:
    """Shows a service's ValidationError on the form: next to the field it names (``aliases`` maps the
    service's names to the form's), or above the form.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = (aliases or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def add_cross_field_errors(
    form: forms.Form, check: Callable[[dict], object], *, inputs: Iterable[str]
) -> None:
    """Runs a rule over several fields from the form's ``clean()`` even when other fields failed, so
    the user sees every error at once rather than one more per submit. The rule reads the cleaned
    values; it is skipped when one of its ``inputs`` failed (that field already shows its error)."""
    if any(name in form.errors for name in inputs):
        return
    try:
        check(form.cleaned_data)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            # a field that failed already shows why; a rule reading its missing value would only repeat it
            error = ValidationError(
                {name: errors for name, errors in error.error_dict.items() if name not in form.errors}
            )
        add_service_errors(form, error)


def model_form_field(model, name: str, **overrides) -> forms.Field:
    """The form field of a model field, for plain forms, carrying the validators declared on the model
    field (a phone number, a date not in the future). Django's ``formfield()`` leaves those to a
    ModelForm's model validation, which a plain form never runs."""
    field = model._meta.get_field(name)
    form_field = field.formfield(**overrides)
    # ``_validators`` are the ones the model field was declared with (``validators`` adds implicit
    # ones); one the form field has already (a length limit) is not added twice.
    form_field.validators.extend(
        validator for validator in field._validators if validator not in form_field.validators
    )
    return form_field


ISO_DATE_FORMAT = "%Y-%m-%d"
ISO_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO (2027-12-31): a browser drops any other
    value, and Django would otherwise render the language's format (zh-hans: 2027/12/31)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE_FORMAT)


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, with the ISO value ``datetime-local`` requires."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATETIME_FORMAT)


class KeywordsField(forms.CharField):
    """Keywords typed on one line, separated by 、 or commas; cleaned to a list without repeats, each at
    most ``KEYWORD_MAX_LENGTH`` characters and at most ``max_keywords`` of them."""

    def __init__(self, *, max_keywords: int, **kwargs):
        self.max_keywords = max_keywords
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        words = (word.strip() for word in KEYWORD_SEPARATORS.split(text or ""))
        return list(dict.fromkeys(word for word in words if word))

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "、".join(value)
        return value

    def validate(self, value) -> None:
        super().validate(value)
        too_long = [word for word in value if len(word) > KEYWORD_MAX_LENGTH]
        if too_long:
            raise ValidationError(
                _("Keep each keyword to %(limit)d characters: %(words)s")
                % {"limit": KEYWORD_MAX_LENGTH, "words": "、".join(too_long)},
                code="keyword_too_long",
            )
        if len(value) > self.max_keywords:
            raise ValidationError(
                _("Give at most %(limit)d keywords.") % {"limit": self.max_keywords},
                code="too_many_keywords",
            )


class SubmissionKeyForm(forms.Form):
    """A create form that is sent once: it carries a key made when it is rendered, which the create
    service claims (``core.submissions``), so that sending it again returns the first record. Render
    ``{{ form.submission_key }}`` inside the ``<form>``; pass ``form.sent_submission_key`` to the
    service as its ``submission_key``."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    sent_submission_key: uuid.UUID | None = None

    def _post_clean(self) -> None:
        super()._post_clean()
        # Kept out of ``cleaned_data``: the key is not data of the record the service creates.
        self.sent_submission_key = self.cleaned_data.pop("submission_key", None)
