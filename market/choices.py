"""Statuses and categories of the technology market (天府技术交易大市场)."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from achievements.choices import CooperationMode, IPKind


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLICITY = "publicity", _("In publicity (公示)")
    ACTIVE = "active", _("Listed")
    IN_DEAL = "in_deal", _("In a deal")
    SOLD = "sold", _("Sold")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The market's two listing counts, each defined here once (``ListingQuerySet.public`` and
# ``.open_for_inquiries``): on the market (挂牌技术, what the board lists) and open for inquiries.
PUBLIC_LISTING_STATUSES = (
    ListingStatus.PUBLICITY,
    ListingStatus.ACTIVE,
    ListingStatus.IN_DEAL,
    ListingStatus.SOLD,
)
OPEN_LISTING_STATUSES = (ListingStatus.PUBLICITY, ListingStatus.ACTIVE)


# A listing's, deal's or demand's mode (交易方式) is achievements' ``CooperationMode``.
SERVICE_MODES = (CooperationMode.TECHNICAL_SERVICE, CooperationMode.TECHNICAL_CONSULTING)


class PricingMethod(models.TextChoices):
    FIXED = "fixed", _("Fixed price")
    RANGE = "range", _("Price range")
    NEGOTIABLE = "negotiable", _("Negotiable")
    AUCTION = "auction", _("By auction")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("objection status", "Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class DemandStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class InquiryStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONVERTED = "converted", _("Became a deal")
    CLOSED = "closed", _("Closed")


class DealStatus(models.TextChoices):
    NEGOTIATING = "negotiating", _("Negotiating")
    AGREED = "agreed", _("Agreed and signed")
    SUBMITTED = "submitted", _("Submitted for registration")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Not registered (未予登记)")
    PERFORMED = "performed", _("Performed")
    CANCELLED = "cancelled", _("Cancelled")


class ContractStatus(models.TextChoices):
    """Where a registration form stands: prepared by the applicant, with the registration body,
    registered (认定登记) or refused (未予登记), and — once registered — cancelled (注销)."""

    DRAFT = "draft", _("Being prepared")
    SUBMITTED = "submitted", _("Submitted for registration")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Not registered (未予登记)")
    CANCELLED = "cancelled", _("Cancelled (注销)")


class ContractSource(models.TextChoices):
    """How a registration came to the platform: from a deal made here, opened directly by the applicant
    for a contract negotiated elsewhere, entered by a registrar from a paper application, or imported
    from a registration body's historical records."""

    DEAL = "deal", _("Deal on the platform")
    DIRECT = "direct", _("Applied for online")
    PAPER = "paper", _("Paper application entered by the registrar")
    IMPORT = "import", _("Imported historical registration")


class PartyKind(models.TextChoices):
    """Who a party to a registered contract is. Organisations off the platform may be anywhere in China
    (their GB/T 2260 region says where); foreign parties carry a customs country code; natural persons
    a masked identity number."""

    PLATFORM = "platform", _("Organisation on the platform")
    ORGANISATION = "organisation", _("Organisation not on the platform")
    FOREIGN = "foreign", _("Foreign party")
    PERSON = "person", _("Natural person")


class NumberSource(models.TextChoices):
    """Who assigned a registration number: this platform's own sequence (never to be mistaken for a
    number of the national 技术合同管理与服务系统), or the registration body through the national system."""

    PLATFORM = "platform", _("Assigned by this platform")
    NATIONAL = "national", _("Assigned in the national system")


class BrokerRole(models.TextChoices):
    """How a broker (技术经纪人) serves a deal."""

    INTERMEDIARY = "intermediary", _("Intermediary (居间)")
    COMMISSION_AGENT = "commission_agent", _("Commission agent (行纪)")
    AGENT = "agent", _("Agent (代理)")


class FeeBasis(models.TextChoices):
    FIXED = "fixed", _("Fixed fee")
    PERCENT_OF_CONTRACT = "pct_of_contract", _("Percentage of the contract amount")
    PERCENT_OF_RECEIVED = "pct_of_received", _("Percentage of the amount received")


class ContractCategory(models.TextChoices):
    """合同类别 (DOMAIN §2.2); the statistical category is mapped through the rule set in force."""

    DEVELOPMENT = "development", _("Technology development")
    TRANSFER = "transfer", _("Technology transfer")
    LICENCE = "licence", _("Technology licence")
    CONSULTING = "consulting", _("Technology consulting")
    SERVICE = "service", _("Technology service")


@dataclass(frozen=True)
class ContractParties:
    """What a contract category calls its two parties (民法典 合同编 第二十章; DOMAIN §2.2): the
    seller side (the applicant for registration) and the buyer side."""

    seller: str
    buyer: str


CONTRACT_PARTIES: dict[str, ContractParties] = {
    ContractCategory.DEVELOPMENT: ContractParties(
        seller=_("Developer (研究开发方)"), buyer=_("Commissioning party (委托方)")
    ),
    ContractCategory.TRANSFER: ContractParties(
        seller=_("Transferor (让与方)"), buyer=_("Transferee (受让方)")
    ),
    ContractCategory.LICENCE: ContractParties(seller=_("Licensor (许可方)"), buyer=_("Licensee (被许可方)")),
    ContractCategory.CONSULTING: ContractParties(
        seller=_("Commissioned party (受托方)"), buyer=_("Commissioning party (委托方)")
    ),
    ContractCategory.SERVICE: ContractParties(
        seller=_("Commissioned party (受托方)"), buyer=_("Commissioning party (委托方)")
    ),
}
# Before a category is chosen.
UNCATEGORISED_PARTIES = ContractParties(seller=_("Seller"), buyer=_("Buyer"))


def contract_parties(category: str) -> ContractParties:
    """The party names of a contract category, for every page, form and certificate that names them."""
    return CONTRACT_PARTIES.get(category, UNCATEGORISED_PARTIES)


class ContractSubType(models.TextChoices):
    """合同子类; each belongs to one category (``SUB_TYPE_CATEGORY``)."""

    COMMISSIONED_DEVELOPMENT = "commissioned_development", _("Commissioned development (委托开发)")
    COOPERATIVE_DEVELOPMENT = "cooperative_development", _("Cooperative development (合作开发)")
    PATENT_RIGHT = "patent_right", _("Patent right transfer (专利权转让)")
    PATENT_APPLICATION_RIGHT = (
        "patent_application_right",
        _("Patent application right transfer (专利申请权转让)"),
    )
    TECHNICAL_SECRET_TRANSFER = "technical_secret_transfer", _("Technical secret transfer (技术秘密转让)")
    OTHER_IP_TRANSFER = "other_ip_transfer", _("Other IP transfer (布图设计、植物新品种、软件著作权等)")
    TECHNOLOGY_EQUITY = "technology_equity", _("Technology as equity (技术入股)")
    PATENT_LICENCE = "patent_licence", _("Patent licence (专利实施许可)")
    TECHNICAL_SECRET_LICENCE = "technical_secret_licence", _("Technical secret licence (技术秘密使用许可)")
    FEASIBILITY = "feasibility", _("Feasibility study (可行性论证)")
    FORECAST = "forecast", _("Technology forecast (技术预测)")
    SPECIAL_SURVEY = "special_survey", _("Special survey (专题调查)")
    EVALUATION_REPORT = "evaluation_report", _("Analysis and evaluation report (分析评价报告)")
    TECHNICAL_SERVICE = "technical_service", _("Technical service (技术服务)")
    TECHNICAL_TRAINING = "technical_training", _("Technical training (技术培训)")
    TECHNICAL_INTERMEDIARY = "technical_intermediary", _("Technical intermediary (技术中介)")


SUB_TYPE_CATEGORY: dict[str, str] = {
    ContractSubType.COMMISSIONED_DEVELOPMENT: ContractCategory.DEVELOPMENT,
    ContractSubType.COOPERATIVE_DEVELOPMENT: ContractCategory.DEVELOPMENT,
    ContractSubType.PATENT_RIGHT: ContractCategory.TRANSFER,
    ContractSubType.PATENT_APPLICATION_RIGHT: ContractCategory.TRANSFER,
    ContractSubType.TECHNICAL_SECRET_TRANSFER: ContractCategory.TRANSFER,
    ContractSubType.OTHER_IP_TRANSFER: ContractCategory.TRANSFER,
    ContractSubType.TECHNOLOGY_EQUITY: ContractCategory.TRANSFER,
    ContractSubType.PATENT_LICENCE: ContractCategory.LICENCE,
    ContractSubType.TECHNICAL_SECRET_LICENCE: ContractCategory.LICENCE,
    ContractSubType.FEASIBILITY: ContractCategory.CONSULTING,
    ContractSubType.FORECAST: ContractCategory.CONSULTING,
    ContractSubType.SPECIAL_SURVEY: ContractCategory.CONSULTING,
    ContractSubType.EVALUATION_REPORT: ContractCategory.CONSULTING,
    ContractSubType.TECHNICAL_SERVICE: ContractCategory.SERVICE,
    ContractSubType.TECHNICAL_TRAINING: ContractCategory.SERVICE,
    ContractSubType.TECHNICAL_INTERMEDIARY: ContractCategory.SERVICE,
}


class LicenceScope(models.TextChoices):
    """独占 / 排他 / 普通 (technology licences only)."""

    EXCLUSIVE = "exclusive", _("Exclusive (独占)")
    SOLE = "sole", _("Sole (排他)")
    ORDINARY = "ordinary", _("Ordinary (普通)")


class PaymentMethod(models.TextChoices):
    """支付方式 (民法典 第846条)."""

    LUMP_SUM = "lump_sum", _("Lump sum, paid at once (一次总算一次总付)")
    INSTALMENTS = "instalments", _("Lump sum in instalments (一次总算分期支付)")
    ROYALTY = "royalty", _("Royalties (提成支付)")
    ROYALTY_WITH_FEE = "royalty_with_fee", _("Royalties with an entry fee (提成支付附加预付入门费)")


# 知识产权类型 of the registration form: the kind of the achievement's IP (achievements' ``IPKind``), or none.
CONTRACT_NO_IP = "none"
# 生物、医药新品种 is registrable (DOMAIN §2.2) though no achievement records it as an IP asset.
CONTRACT_BIOMEDICAL_VARIETY = "biomedical_variety"
CONTRACT_IP_TYPES = [
    *IPKind.choices,
    (CONTRACT_BIOMEDICAL_VARIETY, _("New biological or pharmaceutical variety")),
    (CONTRACT_NO_IP, _("No intellectual property involved")),
]


class RejectionReason(models.TextChoices):
    """Why a contract is not registered (未予登记): 火炬中心 FAQ 2021-01-13, plus Chengdu's two."""

    VOID = "void", _("The contract is void or not in effect")
    NOT_TECHNOLOGY_CONTRACT = "not_technology_contract", _("It is not a technology contract")
    UNCLEAR_ESSENTIALS = "unclear_essentials", _("Parties, subject, price or royalty are unclear")
    APPROVAL_MISSING = "approval_missing", _("A required state approval is missing")
    TITLE_CONTRADICTS_CONTENT = (
        "title_contradicts_content",
        _("The title contradicts the content and was not corrected"),
    )
    RESTRICTIVE_TERMS = "restrictive_terms", _("Restrictive terms monopolise the technology")
    DOCUMENTS_DEFECTIVE = "documents_defective", _("Documents are missing or defective")
    SEALS_DEFECTIVE = "seals_defective", _("Seals are incomplete or do not match the parties")
    MAIN_TERMS_UNCLEAR = "main_terms_unclear", _("The main terms are unclear")
    BREAKS_MANDATORY_LAW = "breaks_mandatory_law", _("The subject breaks a mandatory provision of law")
    OTHER = "other", _("Other reason")


class MatchSide(models.TextChoices):
    """Which party of a match a person speaks for."""

    DEMAND = "demand", _("Demand side")
    OFFER = "offer", _("Offer side")


class MatchVerdict(models.TextChoices):
    USEFUL = "useful", _("Useful")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class MatchFeedbackReason(models.TextChoices):
    """Why a match was not relevant: the categories tuning looks at."""

    WRONG_TOPIC = "wrong_topic", _("Different technology or problem")
    WRONG_FIELD = "wrong_field", _("Different field or industry")
    IMMATURE = "immature", _("Not mature enough")
    PRICE = "price", _("Price does not fit the budget")
    MODE = "mode", _("Cooperation mode does not fit")
    REGION = "region", _("Too far away")
    ALREADY_KNOWN = "already_known", _("Already in contact or known")
    OTHER = "other", _("Other reason")
