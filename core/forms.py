"""Form helpers every app's pages share: a service's errors shown on the form, and a keywords field."""

import re

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
