"""core.limits: every text field a person types has a documented maximum, checked by the model and by
the database."""

import pghistory.models
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models

from achievements.models import Achievement
from core import limits
from tests import factories
from tests.achievements.factories import draft

APPS = ("accounts", "notifications", "institutions", "achievements", "market")
# Written by the platform, never typed: the matching words (bounded by the segmentation cap) and why an
# Excel import failed.
DERIVED = {("achievements", "achievement", "match_terms"), ("market", "listing", "match_terms")}
DERIVED |= {("market", "demand", "match_terms"), ("achievements", "importbatch", "failure")}
DERIVED |= {("market", "contractimport", "failure")}
LIMITS = {
    limits.REASON_MAX_LENGTH,
    limits.MESSAGE_MAX_LENGTH,
    limits.SUMMARY_MAX_LENGTH,
    limits.DETAIL_MAX_LENGTH,
}


def typed_text_fields():
    for app_label in APPS:
        for model in apps.get_app_config(app_label).get_models():
            # The audit trail's event tables copy the tracked fields; the audit view is not a table.
            if issubclass(model, pghistory.models.Event) or not model._meta.managed or model._meta.proxy:
                continue
            for field in model._meta.get_fields():
                key = (app_label, model._meta.model_name, field.name)
                if isinstance(field, models.TextField) and key not in DERIVED:
                    yield pytest.param(model, field, id=".".join(key))


@pytest.mark.parametrize(("model", "field"), list(typed_text_fields()))
def test_every_typed_text_has_a_maximum_the_model_and_the_database_check(model, field):
    assert field.max_length in LIMITS
    assert any(
        isinstance(validator, MaxLengthValidator) and validator.limit_value == field.max_length
        for validator in field.validators
    )
    name = f"{model._meta.app_label}_{model._meta.model_name}_{field.name}_length"
    assert name in {constraint.name for constraint in model._meta.constraints}


def test_the_derived_texts_still_exist():
    # A renamed derived field must not silently leave the list above.
    for app_label, model_name, field_name in DERIVED:
        apps.get_model(app_label, model_name)._meta.get_field(field_name)


@pytest.fixture
def filing(db):
    institution = factories.TransferInstitutionFactory(name="长度测试技术转移中心")
    return draft(factories.staff_of(institution, username="length-staff"), institution)


def test_full_clean_refuses_a_summary_one_character_too_long(filing):
    filing.summary = "长" * (limits.SUMMARY_MAX_LENGTH + 1)

    with pytest.raises(ValidationError) as error:
        filing.full_clean()

    assert list(error.value.message_dict) == ["summary"]


def test_a_summary_at_the_maximum_is_accepted(filing):
    filing.summary = "长" * limits.SUMMARY_MAX_LENGTH

    filing.full_clean()


def test_the_database_refuses_a_too_long_text_written_past_the_model(filing):
    with pytest.raises(IntegrityError, match="achievements_achievement_detail_length"):
        Achievement.objects.filter(pk=filing.pk).update(detail="长" * (limits.DETAIL_MAX_LENGTH + 1))
