"""factory_boy factories for the foundation models. Behaviour tests prefer the services; these make
the surrounding data (regions come from the reference-data migration, so they are looked up)."""

import itertools

import factory

from accounts.models import User
from institutions.choices import MembershipRole, OrganisationKind, TransferKind, TransferLevel
from institutions.identifiers import make_credit_code
from institutions.models import Membership, Organisation, Region

_serial = itertools.count(1)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def credit_code_for(region_code: str, serial: int, *, prefix: str = "91") -> str:
    """A valid 统一社会信用代码 for a synthetic organisation in the given region."""
    return make_credit_code(f"{prefix}{region_code}", f"MA{serial:06d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.cn")
    password = factory.django.Password("Tianfu#2026")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = OrganisationKind.ENTERPRISE
    region = factory.LazyFunction(lambda: region("510104"))
    credit_code = factory.LazyAttribute(lambda org: credit_code_for(org.region.code, next(_serial)))


class TransferInstitutionFactory(OrganisationFactory):
    kind = OrganisationKind.TRANSFER_AGENCY
    is_transfer_institution = True
    transfer_level = TransferLevel.CITY
    transfer_kind = TransferKind.MARKET_BASED
    services = factory.LazyFunction(lambda: ["transfer", "consulting"])


class DepartmentFactory(OrganisationFactory):
    """A government S&T department (科技局/科技厅); its region is its officials' jurisdiction."""

    kind = OrganisationKind.GOVERNMENT_DEPARTMENT
    name = factory.LazyAttribute(lambda org: f"{org.region.name}科学技术局{next(_serial)}")
    credit_code = factory.LazyAttribute(
        lambda org: credit_code_for(org.region.code, next(_serial), prefix="11")
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.STAFF


def official_for(region_code: str, **user_fields) -> User:
    """A user who is an official of a new S&T department of the given region."""
    department = DepartmentFactory(region=region(region_code))
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=department, role=MembershipRole.OFFICIAL)
    return user


def admin_of(organisation: Organisation, **user_fields) -> User:
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=MembershipRole.ADMIN)
    return user


def staff_of(organisation: Organisation, **user_fields) -> User:
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=MembershipRole.STAFF)
    return user
