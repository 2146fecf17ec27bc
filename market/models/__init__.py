"""Models of the market, split by sub-domain: listings and demands, matching, deals, contract registration."""

from market.models.contract_imports import ContractImport, ContractImportStatus
from market.models.contracts import ContractRegistration, RegistrationRuleSet, RegistrationSequence
from market.models.deals import Deal, DealBroker, Inquiry, InquiryMessage
from market.models.listings import Demand, Listing, ListingObjection
from market.models.matching import Match, MatchFeedback, MatchNotice
from market.models.registration_lifecycle import (
    ContractAmendment,
    ContractCancellation,
    IncomeCertification,
    RegistrationCertificate,
    SecondCheck,
)

__all__ = [
    "ContractAmendment",
    "ContractCancellation",
    "ContractImport",
    "ContractImportStatus",
    "ContractRegistration",
    "Deal",
    "DealBroker",
    "Demand",
    "IncomeCertification",
    "Inquiry",
    "InquiryMessage",
    "Listing",
    "ListingObjection",
    "Match",
    "MatchFeedback",
    "MatchNotice",
    "RegistrationCertificate",
    "RegistrationRuleSet",
    "RegistrationSequence",
    "SecondCheck",
]
