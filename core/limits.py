"""How long a text a person types may be, and what it may hold: one documented maximum per kind of
text, shared by every app.

A text field of a model declares its maximum once (``bounded_text_field``); the model checks it in
``full_clean`` (a validator) and the database with a named constraint (``length_constraint``:
``TextField(max_length=…)`` alone is not enforced by PostgreSQL); model forms render it as the
textarea's ``maxlength`` (with the character counter of ``static/js/site.js``) and model serializers
as the field's ``max_length``. Hand-written forms, input serializers and the Excel import use the same
constants. Without a maximum, a 100,000-character summary was accepted and took minutes to save.

The limits (characters, as PostgreSQL's ``length`` and Python's ``len`` count them):
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from core.validators import validate_single_line, validate_text

# Why something was returned, refused, closed or cancelled; a note, a resolution.
REASON_MAX_LENGTH = 2_000
# A message between parties, a notification.
MESSAGE_MAX_LENGTH = 5_000
# A summary, a problem to solve, an expected outcome, an introduction, objection reasons.
SUMMARY_MAX_LENGTH = 5_000
# Technical detail, the main terms of a deal, a commission agreement.
DETAIL_MAX_LENGTH = 20_000


def bounded_text_field(*args, max_length: int, **kwargs) -> models.TextField:
    """A ``TextField`` of at most ``max_length`` characters, without direction overrides or control
    characters other than tab and line breaks (``core.validators.validate_text``), checked by
    ``full_clean``; pair it with ``length_constraint`` in the model's ``Meta.constraints``."""
    return models.TextField(
        *args, max_length=max_length, validators=[MaxLengthValidator(max_length), validate_text], **kwargs
    )


def single_line_field(*args, validators=(), **kwargs) -> models.CharField:
    """A ``CharField`` a person types on one line (a title, a name, an address): ``full_clean`` refuses
    line breaks, control characters and direction overrides (``core.validators.validate_single_line``);
    model forms and model serializers carry the check. Give ``max_length`` as for any ``CharField``."""
    return models.CharField(*args, validators=[validate_single_line, *validators], **kwargs)


def length_constraint(field_name: str, max_length: int) -> models.CheckConstraint:
    """The database's check that ``field_name`` holds at most ``max_length`` characters."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field_name), max_length),
        name=f"%(app_label)s_%(class)s_{field_name}_length",
    )
