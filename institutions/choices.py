"""Categories and statuses of the institution network."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City / prefecture")
    COUNTY = "county", _("County / district")


class OrganisationKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    ENTERPRISE = "enterprise", _("Enterprise")
    TRANSFER_AGENCY = "transfer_agency", _("Technology-transfer agency")
    GOVERNMENT_DEPARTMENT = "government_department", _("Government S&T department")
    REGISTRATION_BODY = "registration_body", _("Contract registration body")
    OTHER = "other", _("Other organisation")


# Research and transfer institutions (科研机构、技术转移机构): the kinds that file achievements and list them.
INSTITUTION_KINDS = (
    OrganisationKind.UNIVERSITY,
    OrganisationKind.RESEARCH_INSTITUTE,
    OrganisationKind.TRANSFER_AGENCY,
)


class TransferLevel(models.TextChoices):
    """Where a technology-transfer institution sits in the 省、市、县三级 network."""

    PROVINCE = "province", _("Province level")
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")


class TransferKind(models.TextChoices):
    """Kinds of technology-transfer institution (plan clause （七）)."""

    UNIVERSITY_OFFICE = "university_office", _("University or institute transfer office")
    MARKET_BASED = "market_based", _("Market-based agency")
    REGIONAL = "regional", _("Regional institution")
    INDUSTRY = "industry", _("Industry institution")


class ServiceType(models.TextChoices):
    """The seven service types of GB/T 34670-2017 《技术转移服务规范》."""

    DEVELOPMENT = "development", _("Technology development service")
    TRANSFER = "transfer", _("Technology transfer service")
    TECHNICAL = "technical", _("Technical service")
    CONSULTING = "consulting", _("Technical consulting service")
    EVALUATION = "evaluation", _("Technology evaluation service")
    FINANCING = "financing", _("Technology investment and financing service")
    PLATFORM = "platform", _("Information network platform service")


class MembershipRole(models.TextChoices):
    """What a user is in an organisation; together with the organisation's kind, their role."""

    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Staff")
    BROKER = "broker", _("Broker")
    OFFICIAL = "official", _("Official")
    PARTNER = "partner", _("Partner system")


class DesignationLevel(models.TextChoices):
    """Levels of the demonstration-institution title (技术转移示范机构), highest first. Who may grant,
    warn, reinstate and revoke each is ``policies.DESIGNATION_LEVELS_BY_POST``.
    """

    NATIONAL = "national", _("National demonstration institution")
    PROVINCIAL = "provincial", _("Provincial demonstration institution")
    CITY = "city", _("City demonstration institution")


class DesignationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    WARNED = "warned", _("Warned")
    REVOKED = "revoked", _("Revoked")


class ClassificationScheme(models.TextChoices):
    TECHNOLOGY_FIELD = "technology_field", _("Technology field (技术领域)")
    INDUSTRY = "industry", _("Industry (GB/T 4754-2017)")
    ENTITY_TYPE = "entity_type", _("Legal-entity type (买/卖方性质)")
    STRATEGIC_INDUSTRY = "strategic_industry", _("Strategic emerging industry (2018)")
    TRL = "trl", _("Technology readiness level (GB/T 22900-2022)")
    # The code lists of the registration form 技术合同登记表 (表号 JJ-001); see data/jj001.SOURCE.md.
    COUNTRY = "country", _("Country or region (customs code, 国别代码)")
    PLAN_CATEGORY = "plan_category", _("Plan category (计划类别)")
    SOCIO_ECONOMIC_GOAL = "socio_economic_goal", _("Socio-economic goal (社会经济目标)")
    TRADE_SUBJECT = "trade_subject", _("Trading party (交易主体)")
    CONTRACT_IP_TYPE = "contract_ip_type", _("Intellectual-property type of a contract (知识产权类型)")
