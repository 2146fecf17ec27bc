"""The OpenAPI schema documents the ``actions`` of every market object: a read-only array of one named
enum per ``ActionSet``, listing exactly the set's names."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from market import actions

pytestmark = pytest.mark.django_db

# component → (enum component, action set)
DOCUMENTED = {
    "Listing": ("ListingActionsEnum", actions.LISTING_ACTIONS),
    "Objection": ("ObjectionActionsEnum", actions.OBJECTION_ACTIONS),
    "Demand": ("DemandActionsEnum", actions.DEMAND_ACTIONS),
    "DemandDetail": ("DemandActionsEnum", actions.DEMAND_ACTIONS),
    "Inquiry": ("InquiryActionsEnum", actions.INQUIRY_ACTIONS),
    "InquiryDetail": ("InquiryActionsEnum", actions.INQUIRY_ACTIONS),
    "Deal": ("DealActionsEnum", actions.DEAL_ACTIONS),
    "BrokerEngagement": ("DealBrokerActionsEnum", actions.DEAL_BROKER_ACTIONS),
    "Contract": ("ContractActionsEnum", actions.CONTRACT_ACTIONS),
    "Match": ("MatchActionsEnum", actions.MATCH_ACTIONS),
}


def test_every_market_object_documents_its_actions_enum():
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]

    for component, (enum_name, action_set) in DOCUMENTED.items():
        field = schemas[component]["properties"]["actions"]
        assert field["type"] == "array", component
        assert field["readOnly"] is True, component
        assert field["items"] == {"$ref": f"#/components/schemas/{enum_name}"}, component
        assert schemas[enum_name]["enum"] == action_set.names, enum_name
    assert schemas["ListingActionsEnum"]["enum"] == ["edit", "publish", "withdraw", "object", "inquire"]
    assert schemas["DealBrokerActionsEnum"]["enum"] == ["release"]
