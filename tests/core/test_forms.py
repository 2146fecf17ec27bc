"""Form helpers: a service's errors shown on the form, and the keywords field."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.forms import KeywordsField, add_service_errors


class ContactForm(forms.Form):
    username = forms.CharField()
    note = forms.CharField(required=False)
    keywords = KeywordsField(max_keywords=3, required=False)


def bound_form(**data) -> ContactForm:
    form = ContactForm({"username": "chengdu-staff", **data})
    assert form.is_valid()
    return form


def test_a_service_error_on_a_field_is_shown_next_to_it():
    form = bound_form()

    add_service_errors(form, ValidationError({"note": "Too short."}))

    assert form.errors == {"note": ["Too short."]}


def test_an_alias_maps_the_services_name_to_the_forms_field():
    form = bound_form()

    add_service_errors(
        form, ValidationError({"user": "No active user has this username."}), aliases={"user": "username"}
    )

    assert form.errors == {"username": ["No active user has this username."]}


def test_an_error_on_a_field_the_form_does_not_have_is_shown_above_the_form():
    form = bound_form()

    add_service_errors(form, ValidationError({"status": "Not in this status."}))

    assert form.non_field_errors() == ["Not in this status."]
    assert list(form.errors) == ["__all__"]


def test_an_error_without_a_field_is_shown_above_the_form():
    form = bound_form()

    add_service_errors(form, ValidationError("This cannot be done now.", code="illegal_transition"))

    assert form.non_field_errors() == ["This cannot be done now."]


def test_keywords_are_split_on_chinese_and_western_separators_without_repeats():
    form = bound_form(keywords="锂离子电池、负极材料, 硅碳；锂离子电池")

    assert form.cleaned_data["keywords"] == ["锂离子电池", "负极材料", "硅碳"]


def test_keywords_are_shown_joined_with_the_chinese_comma():
    assert KeywordsField(max_keywords=3).prepare_value(["锂离子电池", "负极材料"]) == "锂离子电池、负极材料"


@pytest.mark.parametrize(
    ("typed", "code"),
    [("一、二、三、四", "too_many_keywords"), ("一" * 31, "keyword_too_long")],
)
def test_too_many_or_too_long_keywords_are_refused(typed, code):
    form = ContactForm({"username": "chengdu-staff", "keywords": typed})

    assert not form.is_valid()
    assert form.errors.as_data()["keywords"][0].code == code
