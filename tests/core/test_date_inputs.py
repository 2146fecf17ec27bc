"""Every date and datetime input of every form renders an ISO value, whatever the language: a browser
drops any other value of ``<input type="date">`` (zh-hans would render 2027/12/31), and the field the
user never touched then fails as required."""

import importlib
import pkgutil
import re
from datetime import date, datetime

import pytest
from django import forms
from django.utils import timezone, translation

from core.forms import DateInput, DateTimeInput

APPS = ("accounts", "institutions", "achievements", "market", "notifications", "core")
VALUE = re.compile(r'\bvalue="([^"]*)"')


def _form_modules():
    for app in APPS:
        for name in (f"{app}.forms", f"{app}.filters"):
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError:
                continue
            yield module
            for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
                yield importlib.import_module(f"{name}.{info.name}")


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def project_forms() -> list[type[forms.BaseForm]]:
    list(_form_modules())  # import them all, so their classes are known
    return sorted(
        {form for form in _subclasses(forms.BaseForm) if form.__module__.split(".")[0] in APPS},
        key=lambda form: f"{form.__module__}.{form.__qualname__}",
    )


def date_fields() -> list:
    return [
        pytest.param(form, name, field, id=f"{form.__module__}.{form.__qualname__}.{name}")
        for form in project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
    ]


def test_the_project_has_date_fields_to_check():
    names = {param.values[1] for param in date_fields()}

    assert {"listed_until", "completed_on", "signed_on", "deadline", "performed_on"} <= names


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("form", "name", "field"), date_fields())
def test_every_date_input_renders_an_iso_value(form, name, field, language):
    # given a date (and a moment) the browser's picker must show
    value = datetime(2027, 12, 31, 9, 30, tzinfo=timezone.get_current_timezone())
    if not isinstance(field, forms.DateTimeField):
        value = value.date()

    # when the field's widget renders it in the language
    with translation.override(language):
        html = field.widget.render(name, field.prepare_value(value))

    # then it is the browser's picker with an ISO value
    expected_type = (
        "date" if isinstance(value, date) and not isinstance(value, datetime) else "datetime-local"
    )
    assert f'type="{expected_type}"' in html, f"{form}.{name}: {html}"
    rendered = VALUE.search(html).group(1)
    if expected_type == "date":
        assert date.fromisoformat(rendered) == value, f"{form}.{name}: {rendered}"
    else:
        assert datetime.fromisoformat(rendered) == value.replace(tzinfo=None), f"{form}.{name}: {rendered}"


def test_the_listing_form_of_a_saved_listing_renders_its_end_date_as_iso():
    # given the terms of a saved listing, as its edit page fills the form
    from market.forms.listings import ListingForm

    initial = {"listed_until": date(2027, 12, 31), "title": "锂电池负极材料"}

    # when the form renders in Chinese
    with translation.override("zh-hans"):
        html = str(ListingForm(initial=initial, service_only=True)["listed_until"])

    # then the date input holds the ISO date the browser keeps
    assert 'type="date"' in html
    assert 'value="2027-12-31"' in html


@pytest.mark.parametrize("widget", [DateInput(), DateTimeInput()], ids=["date", "datetime"])
def test_the_core_widgets_ignore_the_languages_format(widget):
    moment = datetime(2027, 1, 2, 3, 4)

    with translation.override("zh-hans"):
        html = widget.render("when", moment)

    assert VALUE.search(html).group(1) in {"2027-01-02", "2027-01-02T03:04"}
