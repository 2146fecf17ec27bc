"""Builders for market records. Behaviour tests go through the services; these builders make the
surrounding data in a given state directly, so each sub-domain can be tested on its own."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from achievements.choices import CooperationMode, IPKind
from institutions.choices import ClassificationScheme, MembershipRole, OrganisationKind
from market.choices import (
    ContractCategory,
    ContractSource,
    ContractStatus,
    ContractSubType,
    DealStatus,
    DemandStatus,
    ListingStatus,
    NumberSource,
    PaymentMethod,
    PricingMethod,
)
from market.models import ContractRegistration, Deal, Demand, Inquiry, Listing, RegistrationRuleSet
from tests import factories
from tests.achievements.factories import classification


def enterprise(name: str = "德阳测试装备有限公司", region_code: str = "510603"):
    organisation = factories.OrganisationFactory(name=name, region=factories.region(region_code))
    return organisation


def enterprise_user(organisation, username: str):
    return factories.staff_of(organisation, username=username)


def registration_body(region_code: str = "510000", name: str | None = None):
    return factories.OrganisationFactory(
        name=name or f"{factories.region(region_code).name}技术合同认定登记站",
        kind=OrganisationKind.REGISTRATION_BODY,
        region=factories.region(region_code),
        credit_code=factories.credit_code_for(region_code, next(factories._serial), prefix="12"),
    )


def registrar_of(body, username: str):
    user = factories.UserFactory(username=username)
    factories.MembershipFactory(user=user, organisation=body, role=MembershipRole.OFFICIAL)
    return user


def broker_at(agency, username: str):
    user = factories.UserFactory(username=username)
    factories.MembershipFactory(user=user, organisation=agency, role=MembershipRole.BROKER)
    return user


def technology_field(code: str = "03"):
    return classification(ClassificationScheme.TECHNOLOGY_FIELD, code)


def listing(institution, created_by, *, status=ListingStatus.ACTIVE, **overrides) -> Listing:
    now = timezone.now()
    data = {
        "institution": institution,
        "created_by": created_by,
        "status": status,
        "title": "高安全锂离子电池硅碳负极材料制备技术",
        "summary": "纳米硅与石墨复合的负极材料制备工艺，循环寿命提升30%，已完成中试。",
        "keywords": ["锂离子电池", "负极材料"],
        "technology_field": technology_field("03"),
        "trl": 6,
        "region": institution.region,
        "transaction_mode": CooperationMode.TRANSFER,
        "pricing_method": PricingMethod.FIXED,
        "price": Decimal("1200000.00"),
        "listed_until": timezone.localdate() + timedelta(days=180),
        "contact_name": "王老师",
        "contact_phone": "028-85400000",
    }
    if status != ListingStatus.DRAFT:
        data.update(
            publicity_days=15,
            published_at=now - timedelta(days=20),
            publicity_ends_at=now - timedelta(days=5)
            if status != ListingStatus.PUBLICITY
            else now + timedelta(days=10),
        )
    data.update(overrides)
    return Listing.objects.create(**data)


def demand(enterprise_organisation, created_by, *, status=DemandStatus.PUBLISHED, **overrides) -> Demand:
    data = {
        "enterprise": enterprise_organisation,
        "created_by": created_by,
        "status": status,
        "title": "大型铸锻件智能焊接工艺改进",
        "problem": "现有埋弧焊工艺焊缝一次合格率不足90%，需要提高自动化水平。",
        "expected_outcome": "焊缝一次合格率达到98%以上，形成可推广的工艺规范。",
        "keywords": ["智能焊接", "铸锻件"],
        "technology_field": technology_field("02"),
        "budget_min": Decimal("500000"),
        "budget_max": Decimal("2000000"),
        "deadline": timezone.localdate() + timedelta(days=90),
        "cooperation_mode": CooperationMode.JOINT_DEVELOPMENT,
        "region": enterprise_organisation.region,
        "contact_name": "赵工",
        "contact_phone": "0838-2200000",
        "published_at": timezone.now() if status in (DemandStatus.PUBLISHED, DemandStatus.CLOSED) else None,
    }
    data.update(overrides)
    return Demand.objects.create(**data)


def inquiry(listing_record, buyer, opened_by, **overrides) -> Inquiry:
    data = {
        "listing": listing_record,
        "seller": listing_record.institution,
        "buyer": buyer,
        "opened_by": opened_by,
        "subject": f"关于“{listing_record.title}”的合作意向",
        "last_message_at": timezone.now(),
    }
    data.update(overrides)
    return Inquiry.objects.create(**data)


def deal(seller, buyer, created_by, *, status=DealStatus.AGREED, listing_record=None, **overrides) -> Deal:
    data = {
        "seller": seller,
        "buyer": buyer,
        "created_by": created_by,
        "listing": listing_record,
        "status": status,
        "title": "硅碳负极材料专利权转让",
        "transaction_mode": CooperationMode.TRANSFER,
        "contract_category": ContractCategory.TRANSFER,
        "amount": Decimal("1200000.00"),
        "payment_method": PaymentMethod.INSTALMENTS,
        "terms": "首付30%，验收后支付其余70%。",
        "disclose_amount": True,
    }
    if status not in (DealStatus.NEGOTIATING, DealStatus.CANCELLED):
        now = timezone.now()
        data.update(seller_confirmed_at=now, buyer_confirmed_at=now, signed_on=timezone.localdate())
    data.update(overrides)
    return Deal.objects.create(**data)


# The registration's status a deal's status implies (a performed deal's contract stays registered).
CONTRACT_STATUS_OF_DEAL = {
    DealStatus.AGREED: ContractStatus.DRAFT,
    DealStatus.SUBMITTED: ContractStatus.SUBMITTED,
    DealStatus.REGISTERED: ContractStatus.REGISTERED,
    DealStatus.PERFORMED: ContractStatus.REGISTERED,
    DealStatus.REJECTED: ContractStatus.REJECTED,
}


def contract(deal_record, *, registration_body=None, **overrides) -> ContractRegistration:
    """A filled registration form for a signed deal, not yet submitted."""
    seller, buyer = deal_record.seller, deal_record.buyer
    signed_on = deal_record.signed_on or timezone.localdate()
    data = {
        "deal": deal_record,
        "source": ContractSource.DEAL,
        "status": CONTRACT_STATUS_OF_DEAL.get(deal_record.status, ContractStatus.DRAFT),
        "applicant": seller,
        "seller_organisation": seller,
        "buyer_organisation": buyer,
        "registration_body": registration_body,
        "project_name": deal_record.title,
        "contract_category": ContractCategory.TRANSFER,
        "sub_type": ContractSubType.PATENT_RIGHT,
        "signed_on": signed_on,
        "valid_from": signed_on,
        "valid_until": signed_on + timedelta(days=730),
        "contract_amount": deal_record.amount,
        "non_technical_amount": Decimal("200000.00"),
        "technical_amount": deal_record.amount - Decimal("200000.00"),
        "payment_method": deal_record.payment_method,
        "ip_type": IPKind.INVENTION_PATENT,
        "technology_field": technology_field("03"),
        "expected_investment": Decimal("5000000"),
        "expected_output": Decimal("20000000"),
        "seller_name": seller.name,
        "seller_credit_code": seller.credit_code,
        "seller_entity_type": "024",
        "seller_region_code": seller.region_id,
        "buyer_name": buyer.name,
        "buyer_credit_code": buyer.credit_code,
        "buyer_entity_type": "150",
        "buyer_region_code": buyer.region_id,
    }
    data.update(overrides)
    if data.get("registration_number"):
        data.setdefault("number_source", NumberSource.PLATFORM)
    return ContractRegistration.objects.create(**data)


def rule_set(code: str) -> RegistrationRuleSet:
    return RegistrationRuleSet.objects.get(code=code)
