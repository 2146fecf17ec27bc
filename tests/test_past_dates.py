"""Dates that record something that has happened (an achievement's completion, a patent's grant, a
contract's signing, its performance) are refused in the future, by the model, the page's form and the
API's serializer alike, compared with today's local date when validated."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import serializers

from achievements.api.serializers import filings as filing_serializers
from achievements.forms.filings import IPAssetForm, TermsForm
from achievements.models import Achievement, IPAsset
from market.api.serializers import contract_lifecycle as lifecycle_serializers
from market.api.serializers import contracts as contract_serializers
from market.forms.contract_lifecycle import IncomeForm
from market.models import ContractRegistration, Deal

# 23:30 in Chengdu: already the next day in UTC's terms would be wrong; local time decides
NOW = datetime(2026, 6, 1, 23, 30, tzinfo=timezone.get_fixed_timezone(8 * 60))
TODAY, TOMORROW = date(2026, 6, 1), date(2026, 6, 2)

MODEL_FIELDS = [
    (Achievement, "completed_on"),
    (IPAsset, "granted_on"),
    (ContractRegistration, "signed_on"),
    (Deal, "signed_on"),
    (Deal, "performed_on"),
]
# plain forms; a ModelForm (ContractForm) runs the model's validators itself
FORM_FIELDS = [
    (TermsForm, "completed_on"),
    (IPAssetForm, "granted_on"),
    (IncomeForm, "performed_on"),
]


def _serializer_fields():
    for module in (filing_serializers, contract_serializers, lifecycle_serializers):
        for serializer in vars(module).values():
            if isinstance(serializer, type) and issubclass(serializer, serializers.Serializer):
                for name, field in serializer._declared_fields.items():
                    if (
                        name in {"completed_on", "granted_on", "signed_on", "performed_on"}
                        and not field.read_only
                    ):
                        yield pytest.param(field, id=f"{serializer.__name__}.{name}")


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("model", "name"), MODEL_FIELDS, ids=lambda value: getattr(value, "__name__", value))
def test_the_model_refuses_a_date_after_today(model, name):
    field = model._meta.get_field(name)

    field.run_validators(TODAY)
    with pytest.raises(ValidationError) as caught:
        field.run_validators(TOMORROW)

    assert caught.value.error_list[0].code == "date_in_future"


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("form", "name"), FORM_FIELDS, ids=lambda value: getattr(value, "__name__", value))
def test_the_forms_refuse_a_date_after_today(form, name):
    field = form.base_fields[name]

    assert field.clean(TODAY.isoformat()) == TODAY
    with pytest.raises(ValidationError):
        field.clean(TOMORROW.isoformat())


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("field", list(_serializer_fields()))
def test_the_api_refuses_a_date_after_today(field):
    assert field.run_validation(TODAY.isoformat()) == TODAY
    with pytest.raises(serializers.ValidationError):
        field.run_validation(TOMORROW.isoformat())
