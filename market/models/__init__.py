"""Models of the market, split by sub-domain: listings and demands, matching, deals, contract registration."""

from market.models.contract_imports import ContractImport, ContractImportStatus
from market.models.contracts import ContractRegistration, RegistrationRuleSet, RegistrationSequence
from market.models.deals import Deal, DealBroker, Inquiry, InquiryMessage
from market.models.listings import Demand, Listing, ListingObjection
from market.models.matching import Match, MatchFeedback, MatchNotice

__all__ = [
    "ContractImport",
    "ContractImportStatus",
    "ContractRegistration",
    "Deal",
    "DealBroker",
    "Demand",
    "Inquiry",
    "InquiryMessage",
    "Listing",
    "ListingObjection",
    "Match",
    "MatchFeedback",
    "MatchNotice",
    "RegistrationRuleSet",
    "RegistrationSequence",
]
