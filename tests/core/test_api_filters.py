"""The named ordering filter: public names stand for columns; an unknown name is invalid input."""

from types import SimpleNamespace

import pytest
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.api.filters import NamedOrderingFilter
from institutions.models import Region

pytestmark = pytest.mark.django_db

VIEW = SimpleNamespace(ordering_fields={"deepest": ("-code", "name"), "name": ("name",)})


def ordered(query: str):
    request = Request(APIRequestFactory().get("/", {"ordering": query} if query is not None else {}))
    return NamedOrderingFilter().filter_queryset(request, Region.objects.all(), VIEW)


def test_a_name_orders_by_its_columns():
    assert ordered("deepest").query.order_by == ("-code", "name")


def test_several_names_order_by_their_columns_in_turn():
    assert ordered("name,deepest").query.order_by == ("name", "-code", "name")


@pytest.mark.parametrize("query", ["", None])
def test_no_name_keeps_the_default_order(query):
    assert ordered(query).query.order_by == ()


@pytest.mark.parametrize("query", ["bogus", "-deepest", "code", "bogus,name", "name,"])
def test_unknown_names_and_raw_columns_are_invalid_input(query):
    with pytest.raises(ValidationError) as error:
        ordered(query)

    assert list(error.value.detail) == ["ordering"]


def test_the_schema_lists_the_names_only():
    (parameter,) = NamedOrderingFilter().get_schema_operation_parameters(VIEW)

    assert parameter["name"] == "ordering"
    assert parameter["schema"] == {"type": "string", "enum": ["deepest", "name"]}
