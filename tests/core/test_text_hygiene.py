"""What a typed text may hold (core.validators): one-line texts hold no line break or control
character, and no text holds a direction override; every typed one-line field of a model says so."""

import pghistory.models
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from core.validators import single_line, validate_phone, validate_single_line, validate_text

APPS = ("accounts", "notifications", "institutions", "achievements", "market")
# One-line texts that are not typed as free text: codes and numbers with their own format check, values
# the platform writes or copies, and Django's and the API-key library's own fields.
NOT_FREE_TEXT = {
    ("accounts", "user", "password"),
    ("accounts", "user", "username"),
    ("accounts", "user", "first_name"),
    ("accounts", "user", "last_name"),
    ("accounts", "user", "email"),
    ("accounts", "partnerapikey", "id"),
    ("accounts", "partnerapikey", "prefix"),
    ("accounts", "partnerapikey", "hashed_key"),
    ("accounts", "partnerapikey", "name"),
    ("notifications", "notification", "verb"),
    ("notifications", "notification", "url"),
    ("institutions", "region", "code"),
    ("institutions", "classification", "version"),
    ("institutions", "classification", "code"),
    ("institutions", "organisation", "credit_code"),
    ("institutions", "organisation", "website"),
    ("institutions", "organisation", "contact_phone"),
    ("achievements", "achievement", "filing_number"),
    ("achievements", "achievement", "import_key"),
    ("achievements", "achievementowner", "credit_code"),
    ("achievements", "attachment", "content_type"),
    ("achievements", "filingsequence", "region_code"),
    ("achievements", "importbatch", "file_sha256"),
    ("market", "contractimport", "file_sha256"),
    ("market", "listing", "contact_phone"),
    ("market", "listing", "contact_email"),
    ("market", "demand", "contact_phone"),
    ("market", "inquirymessage", "attachment_type"),
    ("market", "registrationruleset", "code"),
    ("market", "contractregistration", "duplicate_key"),
    ("market", "contractregistration", "seller_credit_code"),
    ("market", "contractregistration", "seller_entity_type"),
    ("market", "contractregistration", "seller_region_code"),
    ("market", "contractregistration", "buyer_credit_code"),
    ("market", "contractregistration", "buyer_entity_type"),
    ("market", "contractregistration", "buyer_region_code"),
    ("market", "contractregistration", "registration_number"),
    ("market", "contractregistration", "seller_id_number"),
    ("market", "contractregistration", "seller_country_code"),
    ("market", "contractregistration", "buyer_id_number"),
    ("market", "contractregistration", "buyer_country_code"),
    ("market", "contractregistration", "plan_category"),
    ("market", "contractregistration", "socio_economic_goal"),
    ("market", "contractregistration", "trade_subject"),
    ("market", "contractregistration", "national_number"),
    ("market", "registrationcertificate", "code"),
    ("market", "match", "matched_terms"),
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def one_line_fields():
    for app_label in APPS:
        for model in apps.get_app_config(app_label).get_models():
            if issubclass(model, pghistory.models.Event) or not model._meta.managed or model._meta.proxy:
                continue
            for field in model._meta.get_fields():
                key = (app_label, model._meta.model_name, field.name)
                # a list of words (keywords) is checked word by word
                checked = getattr(field, "base_field", field)
                if isinstance(checked, models.CharField) and not checked.choices and key not in NOT_FREE_TEXT:
                    yield pytest.param(checked, id=".".join(key))


@pytest.mark.parametrize("field", list(one_line_fields()))
def test_every_typed_one_line_text_refuses_line_breaks_and_overrides(field):
    assert validate_single_line in field.validators


def test_the_list_of_texts_that_are_not_free_text_names_existing_fields():
    for app_label, model_name, field_name in NOT_FREE_TEXT:
        apps.get_model(app_label, model_name)._meta.get_field(field_name)


@pytest.mark.parametrize(
    "value",
    [
        "石墨烯\n电池",
        "石墨烯\r电池",
        "a\tb",
        "a\vb",
        "a\fb",
        "a\x85b",
        "a\u2028b",
        "a\u2029b",
        "a\x00b",
        "a\x1bb",
    ],
    ids=["lf", "cr", "tab", "vt", "ff", "nel", "line-separator", "paragraph-separator", "nul", "escape"],
)
def test_a_one_line_text_refuses_line_breaks_and_control_characters(value):
    with pytest.raises(ValidationError) as error:
        validate_single_line(value)

    assert error.value.code == "not_single_line"


@pytest.mark.parametrize(
    "override", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
def test_no_text_holds_a_direction_override_or_isolate(override):
    for validate in (validate_single_line, validate_text):
        with pytest.raises(ValidationError) as error:
            validate(f"invoice{override}fdp.exe")

        assert error.value.code == "direction_override"


def test_the_message_names_the_invisible_character():
    with pytest.raises(ValidationError) as error:
        validate_text("发票\u202efdp.exe")

    assert error.value.messages == [
        "This text holds an invisible character that changes the direction of the text around it "
        "(U+202E); remove it."
    ]


@pytest.mark.parametrize("value", ["\ud800", "a\x00b", "a\x1bb", "a\x7fb", "a\fb"])
def test_a_text_of_several_lines_refuses_control_characters_and_lone_surrogates(value):
    with pytest.raises(ValidationError) as error:
        validate_text(value)

    assert error.value.code == "control_character"


def test_what_texts_may_hold():
    # line breaks and tabs in a text of several lines; direction marks, joiners and any script anywhere
    validate_text("第一段\r\n\t第二段\n")
    for value in ("四川大学 Sichuan University", "مرحبا\u200f 2027", "家庭👨\u200d👩\u200d👧", "«引号» — ½"):
        validate_single_line(value)
        validate_text(value)


def test_a_line_the_platform_composes_is_cleaned_not_refused():
    assert single_line("新消息：石墨烯\r\n电池\u202e\x00\t报价") == "新消息：石墨烯 电池 报价"


def test_a_phone_number_holds_no_trailing_line_break():
    with pytest.raises(ValidationError):
        validate_phone("13800000000\n")
