"""Contract registration services: the pre-filled form, the technical-amount arithmetic, the rules in
force by date, submission problems, registration numbers, corrections, refusals and resubmission,
certified income, the deal state machine and the permission matrix of every action."""

import re
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from achievements.choices import CooperationMode, IPKind
from achievements.models import IPAsset
from core import uploads, workdays
from institutions.choices import ClassificationScheme
from market import policies
from market.choices import (
    CONTRACT_NO_IP,
    ContractCategory,
    ContractSubType,
    DealStatus,
    ListingStatus,
    PaymentMethod,
    RejectionReason,
)
from market.models import ContractRegistration, Deal, RegistrationSequence
from market.selectors import contracts as contract_selectors
from market.services import contract_lifecycle as lifecycle
from market.services import contracts as services
from notifications.models import Notification
from tests import factories
from tests.achievements.factories import classification, published
from tests.market import factories as market_factories
from tests.market.contracts.conftest import PDF, filled_contract, pdf_file, submitted_contract

pytestmark = pytest.mark.django_db


def reload(contract: ContractRegistration) -> ContractRegistration:
    return ContractRegistration.objects.select_related("deal").get(pk=contract.pk)


def at_date(monkeypatch, day: date) -> None:
    """Makes the services believe today is ``day`` (the clock of the rest of Django is untouched)."""
    monkeypatch.setattr(services, "timezone", SimpleNamespace(localdate=lambda *args: day, now=timezone.now))


# --- Preparing the form ---------------------------------------------------------------------------


def test_prepare_fills_the_form_from_the_deal_and_the_parties(seller, buyer, seller_user, chengdu_official):
    achievement = published(seller_user, chengdu_official, seller)
    IPAsset.objects.create(achievement=achievement, kind="invention_patent", number="ZL202310123456.6")
    listing = market_factories.listing(
        seller, seller_user, achievement=achievement, status=ListingStatus.IN_DEAL
    )
    deal = market_factories.deal(
        seller, buyer, seller_user, listing_record=listing, signed_on=date(2026, 11, 2)
    )
    chengdu_body = market_factories.registration_body("510100")
    market_factories.registration_body("510000")

    contract = services.contract_prepare(actor=seller_user, deal=deal)

    assert contract.registration_body == chengdu_body
    assert contract.project_name == "硅碳负极材料专利权转让"
    assert (contract.contract_category, contract.sub_type, contract.licence_scope) == (
        ContractCategory.TRANSFER,
        ContractSubType.PATENT_RIGHT,
        "",
    )
    assert (contract.signed_on, contract.valid_from, contract.valid_until) == (
        date(2026, 11, 2),
        date(2026, 11, 2),
        date(2028, 11, 2),
    )
    assert (contract.contract_amount, contract.non_technical_amount, contract.technical_amount) == (
        Decimal("1200000.00"),
        Decimal("0"),
        Decimal("1200000.00"),
    )
    assert contract.payment_method == PaymentMethod.INSTALMENTS
    assert contract.ip_type == IPKind.INVENTION_PATENT
    assert contract.technology_field == classification(ClassificationScheme.TECHNOLOGY_FIELD, "03")
    assert (contract.seller_name, contract.seller_credit_code, contract.seller_entity_type) == (
        "成都锦江技术转移中心",
        seller.credit_code,
        "024",
    )
    assert (contract.seller_region_code, contract.buyer_region_code, contract.buyer_entity_type) == (
        "510104",
        "510603",
        "150",
    )


def test_prepare_suggests_a_know_how_licence_with_its_scope_when_no_patent_is_involved(
    seller, buyer, seller_user, chengdu_body
):
    deal = market_factories.deal(
        seller, buyer, seller_user, transaction_mode=CooperationMode.LICENCE_SOLE, contract_category="licence"
    )

    contract = services.contract_prepare(actor=seller_user, deal=deal)

    assert (contract.contract_category, contract.sub_type, contract.licence_scope) == (
        "licence",
        "technical_secret_licence",
        "sole",
    )
    assert contract.ip_type == CONTRACT_NO_IP
    assert contract.technology_field is None


def test_the_most_specific_registration_body_of_the_seller_region_is_chosen(seller, deal, chengdu_body):
    county_body = market_factories.registration_body("510104")
    market_factories.registration_body("510000")

    contract = services.contract_prepare(actor=deal.created_by, deal=deal)

    assert contract.registration_body == county_body


def test_the_province_body_serves_a_city_without_its_own(seller, deal):
    province_body = market_factories.registration_body("510000")
    market_factories.registration_body("510700")

    assert services.contract_prepare(actor=deal.created_by, deal=deal).registration_body == province_body


def test_an_inactive_body_is_not_chosen(deal):
    body = market_factories.registration_body("510100")
    body.is_active = False
    body.save()

    with pytest.raises(ValidationError) as error:
        services.contract_prepare(actor=deal.created_by, deal=deal)

    assert error.value.messages == [
        "No registration body serves 锦江区 yet, so the contract cannot be registered on the platform; "
        "please contact the platform administrators."
    ]
    assert ContractRegistration.objects.count() == 0


def test_prepare_twice_returns_the_same_form(deal, chengdu_body, seller_user):
    first = services.contract_prepare(actor=seller_user, deal=deal)

    second = services.contract_prepare(actor=seller_user, deal=deal)

    assert second.pk == first.pk
    assert ContractRegistration.objects.count() == 1


def test_a_party_without_a_legal_entity_type_is_a_clear_error(deal, buyer, chengdu_body, seller_user):
    buyer.entity_type = None
    buyer.save()

    with pytest.raises(ValidationError) as error:
        services.contract_prepare(actor=seller_user, deal=deal)

    assert error.value.messages == [
        "德阳测试装备有限公司 has no legal-entity type (买/卖方性质) on its profile; its administrator must set "
        "it before the contract can be registered."
    ]
    assert ContractRegistration.objects.count() == 0


def test_an_unsigned_deal_cannot_be_registered(seller, buyer, seller_user, chengdu_body):
    deal = market_factories.deal(seller, buyer, seller_user, status=DealStatus.NEGOTIATING)

    with pytest.raises(ValidationError) as error:
        services.contract_prepare(actor=seller_user, deal=deal)

    assert error.value.code == "illegal_transition"
    assert error.value.messages == ["Only a signed deal can be registered; this deal is Negotiating."]


# --- The technical amount -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contract_amount", "non_technical", "technical"),
    [("1200000", "200000", "1000000.00"), ("500000", "0", "500000.00"), ("300000", "300000", "0.00")],
)
def test_technical_amount_is_contract_amount_less_non_technical_costs(
    contract, seller_user, contract_amount, non_technical, technical
):
    services.contract_update(
        actor=seller_user,
        contract=contract,
        data={"contract_amount": Decimal(contract_amount), "non_technical_amount": Decimal(non_technical)},
    )

    assert reload(contract).technical_amount == Decimal(technical)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"non_technical_amount": Decimal("1300000")},
            "non_technical_amount",
            "Non-technical costs cannot exceed the contract amount.",
        ),
        ({"non_technical_amount": Decimal("-1")}, "non_technical_amount", "Amounts cannot be negative."),
        ({"contract_amount": Decimal("-5")}, "contract_amount", "Amounts cannot be negative."),
    ],
)
def test_impossible_amounts_are_refused_next_to_the_field(contract, seller_user, data, field, message):
    with pytest.raises(ValidationError) as error:
        services.contract_update(actor=seller_user, contract=contract, data=data)

    assert error.value.message_dict == {field: [message]}
    assert reload(contract).technical_amount == Decimal("1000000.00")


def test_the_amounts_and_the_dates_are_refused_together(contract, seller_user):
    # given costs above the amount and a signing date after today
    data = {"non_technical_amount": Decimal("1300000"), "signed_on": timezone.localdate() + timedelta(days=1)}

    # when the form is saved
    with pytest.raises(ValidationError) as error:
        services.contract_update(actor=seller_user, contract=contract, data=data)

    # then both errors come back at once, each once, and nothing changed
    assert sorted(error.value.message_dict) == ["non_technical_amount", "signed_on"]
    assert error.value.message_dict["non_technical_amount"] == [
        "Non-technical costs cannot exceed the contract amount."
    ]
    assert reload(contract).technical_amount == Decimal("1000000.00")


def test_the_form_cannot_change_once_submitted(submitted, seller_user):
    with pytest.raises(ValidationError) as error:
        services.contract_update(actor=seller_user, contract=submitted, data={"project_name": "改名"})

    assert error.value.code == "not_editable"
    assert reload(submitted).project_name == "硅碳负极材料专利权转让"


# --- The signed contract file ---------------------------------------------------------------------


def test_a_pdf_is_attached(deal, chengdu_body, seller_user):
    contract = market_factories.contract(deal, registration_body=chengdu_body)

    services.contract_attach_file(actor=seller_user, contract=contract, uploaded_file=pdf_file("合同.pdf"))

    contract = reload(contract)
    assert contract.contract_file_name == "合同.pdf"
    assert contract.contract_file.read() == PDF


def test_a_file_that_is_not_a_pdf_or_image_is_refused(contract, seller_user):
    fake = SimpleUploadedFile("contract.pdf", b"just text pretending", content_type="application/pdf")

    with pytest.raises(ValidationError) as error:
        services.contract_attach_file(actor=seller_user, contract=contract, uploaded_file=fake)

    assert error.value.message_dict == {
        "contract_file": ["The signed contract must be a PDF or a scan as PNG or JPEG."]
    }
    assert reload(contract).contract_file_name == "signed.pdf"


def test_a_file_over_the_limit_is_refused(contract, seller_user, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (2 * 1024 * 1024))

    with pytest.raises(ValidationError) as error:
        services.contract_attach_file(actor=seller_user, contract=contract, uploaded_file=big)

    assert error.value.message_dict == {"contract_file": ["The file is 2.0 MB; files may be at most 1 MB."]}


# --- Submitting: rules in force, problems, due date ------------------------------------------------


def test_submit_snapshots_the_declaration_and_notifies_the_registrars(contract, seller_user, registrar):
    submitted = services.contract_submit(actor=seller_user, contract=contract)

    today = timezone.localdate()
    submitted = reload(submitted)
    assert submitted.deal.status == DealStatus.SUBMITTED
    assert submitted.rule_set.code == "miit-2026"
    assert submitted.due_on == today + timedelta(days=30)
    assert (submitted.declared_category, submitted.declared_technical_amount) == (
        "transfer",
        Decimal("1000000.00"),
    )
    notification = Notification.objects.get(recipient=registrar)
    assert notification.verb == "contract.submitted"
    assert notification.url == f"/market/contracts/{contract.pk}/"


def test_the_decision_days_setting_applies_when_the_rules_in_force_do_not_say(
    contract, seller_user, settings
):
    settings.MARKET_REGISTRATION_DECISION_DAYS = 20

    services.contract_submit(actor=seller_user, contract=contract)

    assert reload(contract).due_on == timezone.localdate() + timedelta(days=20)


def test_an_application_before_2026_01_23_is_judged_by_the_2000_rules(
    monkeypatch, deal, chengdu_body, seller_user
):
    contract = filled_contract(
        deal,
        chengdu_body,
        signed_on=date(2025, 6, 1),
        valid_from=date(2025, 6, 1),
        valid_until=date(2027, 6, 1),
    )
    at_date(monkeypatch, date(2026, 1, 22))

    services.contract_submit(actor=seller_user, contract=contract)

    contract = reload(contract)
    assert contract.rule_set.code == "most-2000"
    assert contract.due_on == date(2026, 2, 21)


def test_an_application_from_2026_01_23_is_judged_by_the_2026_rules(
    monkeypatch, deal, chengdu_body, seller_user
):
    contract = filled_contract(
        deal,
        chengdu_body,
        signed_on=date(2026, 1, 10),
        valid_from=date(2026, 1, 10),
        valid_until=date(2028, 1, 10),
    )
    at_date(monkeypatch, date(2026, 1, 23))

    services.contract_submit(actor=seller_user, contract=contract)

    assert reload(contract).rule_set.code == "miit-2026"


def test_the_signing_date_picks_the_rules_when_the_setting_says_so(contract, settings):
    settings.MARKET_RULE_SET_REFERENCE_DATE = "signing"
    contract.signed_on = date(2025, 12, 1)

    rule_set, problems = contract_selectors.contract_problems(contract, date(2026, 11, 28))

    assert rule_set.code == "most-2000"
    assert problems == {}


def test_the_statistical_category_of_a_licence_follows_the_rules_in_force(contract):
    old, _ = contract_selectors.contract_problems(contract, date(2025, 12, 31))
    new, _ = contract_selectors.contract_problems(contract, date(2026, 2, 1))

    assert policies.statistical_category(contract_selectors.rule_set_value(old), "licence") == "transfer"
    assert policies.statistical_category(contract_selectors.rule_set_value(new), "licence") == "licence"
    assert (
        policies.statistical_category(contract_selectors.rule_set_value(old), "development") == "development"
    )


def test_every_problem_is_reported_at_once_and_nothing_changes(deal, chengdu_body, seller_user):
    contract = market_factories.contract(
        deal,
        registration_body=chengdu_body,
        contract_category=ContractCategory.LICENCE,
        sub_type=ContractSubType.PATENT_RIGHT,
        licence_scope="",
    )

    with pytest.raises(ValidationError) as error:
        services.contract_submit(actor=seller_user, contract=contract)

    assert error.value.message_dict == {
        "sub_type": ["Patent right transfer (专利权转让) is not a kind of Technology licence contract."],
        "licence_scope": ["Say whether the licence is exclusive, sole or ordinary."],
        "contract_file": ["Attach the signed written contract; oral contracts cannot be registered."],
    }
    contract = reload(contract)
    assert contract.deal.status == DealStatus.AGREED
    assert contract.submitted_at is None


def test_a_transfer_needs_the_expected_investment_and_output(deal, chengdu_body, seller_user):
    contract = filled_contract(deal, chengdu_body, expected_investment=None)

    with pytest.raises(ValidationError) as error:
        services.contract_submit(actor=seller_user, contract=contract)

    assert error.value.message_dict == {
        "expected_investment": ["Transfer contracts must state the expected new investment and output."]
    }


def test_a_late_application_is_flagged_not_refused(deal, chengdu_body, seller_user, registrar):
    signed_on = timezone.localdate() - timedelta(days=45)
    contract = filled_contract(
        deal,
        chengdu_body,
        signed_on=signed_on,
        valid_from=signed_on,
        valid_until=signed_on + timedelta(days=700),
    )

    services.contract_submit(actor=seller_user, contract=contract)

    contract = reload(contract)
    assert contract.deal.status == DealStatus.SUBMITTED
    assert contract_selectors.is_late(contract) is True
    assert "45" in Notification.objects.get(recipient=registrar).body


def test_submitting_twice_is_an_illegal_transition(submitted, seller_user):
    with pytest.raises(ValidationError) as error:
        services.contract_submit(actor=seller_user, contract=submitted)

    assert error.value.code == "illegal_transition"
    assert error.value.messages == [
        "The registration is Submitted for registration and cannot become Submitted for registration."
    ]


# --- Registering ----------------------------------------------------------------------------------


def test_register_assigns_a_16_digit_number_and_opens_the_disclosure(
    submitted, registrar, seller_user, buyer_user
):
    registered = services.contract_register(
        actor=registrar, contract=submitted, version=submitted.version, note="材料齐全"
    )

    today = timezone.localdate()
    registered = reload(registered)
    assert re.fullmatch(r"\d{16}", registered.registration_number)
    assert registered.registration_number == f"{today.year}510100000001"
    assert registered.deal.status == DealStatus.REGISTERED
    assert registered.registrar == registrar
    assert registered.registrar_note == "材料齐全"
    # 成交公示 runs 5 working days after the day of registration (tests/core/test_workdays.py pins the
    # holidays); whatever today is, that is at least a week.
    assert (registered.disclosure_starts_on, registered.disclosure_ends_on) == (
        today,
        workdays.add_working_days(today, 5),
    )
    assert registered.disclosure_ends_on >= today + timedelta(days=7)
    assert set(
        Notification.objects.filter(verb="contract.registered").values_list("recipient__username", flat=True)
    ) == {"seller-staff", "buyer-staff"}


def test_numbers_are_unique_and_sequential_per_body_and_year(
    seller, buyer, seller_user, chengdu_body, registrar
):
    numbers = []
    for _ in range(3):
        deal = market_factories.deal(seller, buyer, seller_user)
        contract = submitted_contract(deal, chengdu_body)
        numbers.append(
            services.contract_register(
                actor=registrar, contract=contract, version=contract.version
            ).registration_number
        )

    year = timezone.localdate().year
    assert numbers == [f"{year}510100000001", f"{year}510100000002", f"{year}510100000003"]
    assert RegistrationSequence.objects.get(registration_body=chengdu_body, year=year).last_serial == 3


def test_the_registrar_correction_is_stored_beside_the_declaration(submitted, registrar):
    services.contract_register(
        actor=registrar,
        contract=submitted,
        version=submitted.version,
        contract_category=ContractCategory.LICENCE,
        sub_type=ContractSubType.PATENT_LICENCE,
        non_technical_amount=Decimal("400000"),
    )

    contract = reload(submitted)
    assert (contract.declared_category, contract.contract_category, contract.sub_type) == (
        "transfer",
        "licence",
        "patent_licence",
    )
    assert (contract.declared_technical_amount, contract.technical_amount) == (
        Decimal("1000000.00"),
        Decimal("800000.00"),
    )
    assert contract.is_corrected is True


def test_the_registrar_may_set_the_technical_amount_directly(submitted, registrar):
    services.contract_register(
        actor=registrar, contract=submitted, version=submitted.version, technical_amount=Decimal("900000")
    )

    assert reload(submitted).technical_amount == Decimal("900000.00")


@pytest.mark.parametrize("amount", [Decimal("-1"), Decimal("1200000.01")])
def test_a_technical_amount_outside_zero_to_the_contract_amount_is_refused(submitted, registrar, amount):
    with pytest.raises(ValidationError) as error:
        services.contract_register(
            actor=registrar, contract=submitted, version=submitted.version, technical_amount=amount
        )

    assert error.value.message_dict == {
        "technical_amount": [
            "The technical transaction amount must be between 0 and the contract amount (1200000.00 yuan)."
        ]
    }
    contract = reload(submitted)
    assert contract.deal.status == DealStatus.SUBMITTED
    assert contract.registration_number is None


def test_a_mismatched_correction_is_refused(submitted, registrar):
    with pytest.raises(ValidationError) as error:
        services.contract_register(
            actor=registrar,
            contract=submitted,
            version=submitted.version,
            contract_category=ContractCategory.SERVICE,
        )

    assert error.value.message_dict == {
        "sub_type": ["Patent right transfer (专利权转让) is not a kind of Technology service contract."]
    }


def test_registering_a_contract_that_was_not_submitted_is_illegal(contract, registrar):
    contract.submitted_at = timezone.now()  # visible to the registrar, but the deal is only agreed
    contract.save()

    with pytest.raises(ValidationError) as error:
        services.contract_register(actor=registrar, contract=contract, version=contract.version)

    assert error.value.messages == ["The registration is Being prepared and cannot become Registered."]
    assert reload(contract).registration_number is None


def test_registering_sells_a_transferred_listing(seller, buyer, seller_user, chengdu_body, registrar):
    listing = market_factories.listing(seller, seller_user, status=ListingStatus.IN_DEAL)
    deal = market_factories.deal(seller, buyer, seller_user, listing_record=listing)
    contract = submitted_contract(deal, chengdu_body)

    services.contract_register(actor=registrar, contract=contract, version=contract.version)

    listing.refresh_from_db()
    assert listing.status == ListingStatus.SOLD


# --- Refusing and resubmitting --------------------------------------------------------------------


def test_refusal_with_a_coded_reason_tells_the_seller(submitted, registrar, seller_user):
    services.contract_reject(actor=registrar, contract=submitted, reason=RejectionReason.SEALS_DEFECTIVE)

    contract = reload(submitted)
    assert contract.deal.status == DealStatus.REJECTED
    assert contract.rejection_reason == "seals_defective"
    assert contract.registration_number is None
    notification = Notification.objects.get(recipient=seller_user)
    assert notification.verb == "contract.rejected"


def test_other_reason_needs_a_note(submitted, registrar):
    with pytest.raises(ValidationError) as error:
        services.contract_reject(actor=registrar, contract=submitted, reason=RejectionReason.OTHER, note=" ")

    assert error.value.message_dict == {"note": ["Explain the reason when it is not one of the listed ones."]}
    assert reload(submitted).deal.status == DealStatus.SUBMITTED


def test_an_unknown_reason_is_refused(submitted, registrar):
    with pytest.raises(ValidationError) as error:
        services.contract_reject(actor=registrar, contract=submitted, reason="bored")

    assert error.value.message_dict == {"reason": ["Choose one of the listed reasons."]}


def test_the_seller_corrects_and_submits_again_after_a_refusal(submitted, registrar, seller_user):
    services.contract_reject(
        actor=registrar, contract=submitted, reason=RejectionReason.OTHER, note="请补充合同附件"
    )
    services.contract_update(
        actor=seller_user, contract=submitted, data={"project_name": "硅碳负极材料专利权转让合同"}
    )

    services.contract_submit(actor=seller_user, contract=submitted)

    contract = reload(submitted)
    assert contract.deal.status == DealStatus.SUBMITTED
    assert (contract.rejected_at, contract.rejection_reason, contract.rejection_note) == (None, "", "")
    assert contract.project_name == "硅碳负极材料专利权转让合同"
    assert (
        services.contract_register(
            actor=registrar, contract=contract, version=contract.version
        ).registration_number
        is not None
    )


# --- Certified technical income -------------------------------------------------------------------


def test_certified_income_closes_the_deal(submitted, registrar):
    services.contract_register(actor=registrar, contract=submitted, version=submitted.version)
    today = timezone.localdate()

    lifecycle.income_certify(
        actor=registrar, contract=submitted, amount=Decimal("950000"), performed_on=today
    )

    contract = reload(submitted)
    assert contract.certified_income == Decimal("950000.00")
    assert contract.deal.status == DealStatus.PERFORMED
    assert contract.deal.performed_on == today


def test_income_above_the_contract_amount_is_refused(submitted, registrar):
    services.contract_register(actor=registrar, contract=submitted, version=submitted.version)

    with pytest.raises(ValidationError) as error:
        lifecycle.income_certify(
            actor=registrar,
            contract=submitted,
            year=timezone.localdate().year,
            amount=Decimal("1200001"),
            performed_on=timezone.localdate() + timedelta(days=1),
        )

    assert error.value.message_dict == {
        "amount": [
            "With the 0.00 yuan already certified, the total would exceed the contract amount "
            "(1200000.00 yuan)."
        ],
        "performed_on": ["The performance date must lie between the signing date and today."],
    }
    assert reload(submitted).deal.status == DealStatus.REGISTERED


def test_income_cannot_be_certified_before_registration(submitted, registrar):
    with pytest.raises(ValidationError) as error:
        lifecycle.income_certify(
            actor=registrar, contract=submitted, amount=Decimal("1"), performed_on=timezone.localdate()
        )

    assert error.value.messages == [
        "Only a registered contract can be certified; it is Submitted for registration."
    ]


# --- Permission matrix ----------------------------------------------------------------------------


@pytest.fixture
def anonymous():
    return AnonymousUser()


SELLER_ACTION_DENIED = ["anonymous", "buyer_user", "other_party", "registrar", "chengdu_official"]
REGISTRAR_ACTION_DENIED = ["anonymous", "seller_user", "buyer_user", "other_registrar", "chengdu_official"]


@pytest.mark.parametrize("who", SELLER_ACTION_DENIED)
def test_only_the_seller_prepares_the_form(request, who, deal, chengdu_body):
    with pytest.raises(PermissionDenied):
        services.contract_prepare(actor=request.getfixturevalue(who), deal=deal)

    assert ContractRegistration.objects.count() == 0


@pytest.mark.parametrize("who", SELLER_ACTION_DENIED)
def test_only_the_seller_changes_the_form(request, who, contract):
    with pytest.raises(PermissionDenied):
        services.contract_update(
            actor=request.getfixturevalue(who), contract=contract, data={"project_name": "x"}
        )
    with pytest.raises(PermissionDenied):
        services.contract_attach_file(
            actor=request.getfixturevalue(who), contract=contract, uploaded_file=pdf_file()
        )

    assert reload(contract).project_name == "硅碳负极材料专利权转让"


@pytest.mark.parametrize("who", SELLER_ACTION_DENIED)
def test_only_the_seller_submits(request, who, contract):
    with pytest.raises(PermissionDenied):
        services.contract_submit(actor=request.getfixturevalue(who), contract=contract)

    contract = reload(contract)
    assert contract.deal.status == DealStatus.AGREED
    assert contract.submitted_at is None
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("who", REGISTRAR_ACTION_DENIED)
def test_only_a_registrar_of_the_body_registers_or_refuses(request, who, submitted):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.contract_register(actor=actor, contract=submitted, version=submitted.version)
    with pytest.raises(PermissionDenied):
        services.contract_reject(actor=actor, contract=submitted, reason=RejectionReason.VOID)

    contract = reload(submitted)
    assert contract.deal.status == DealStatus.SUBMITTED
    assert contract.registration_number is None
    assert contract.rejection_reason == ""


@pytest.mark.parametrize("who", REGISTRAR_ACTION_DENIED)
def test_only_a_registrar_of_the_body_certifies_income(request, who, submitted, registrar):
    services.contract_register(actor=registrar, contract=submitted, version=submitted.version)

    with pytest.raises(PermissionDenied):
        lifecycle.income_certify(
            actor=request.getfixturevalue(who),
            contract=submitted,
            amount=Decimal("1"),
            performed_on=timezone.localdate(),
        )

    assert reload(submitted).certified_income is None


def test_a_platform_admin_may_register(submitted, platform_admin):
    services.contract_register(actor=platform_admin, contract=submitted, version=submitted.version)

    assert Deal.objects.get(pk=submitted.deal_id).status == DealStatus.REGISTERED


def test_the_registrar_of_another_body_is_refused_even_with_a_staff_account(submitted, mianyang_body):
    both = market_factories.registrar_of(mianyang_body, "two-hats")
    factories.staff_of(factories.OrganisationFactory(name="无关企业"), username="two-hats")

    with pytest.raises(PermissionDenied):
        services.contract_register(actor=both, contract=submitted, version=submitted.version)


def test_the_signed_contract_is_stored_under_a_generated_name_and_downloads_as_a_pdf(
    deal, chengdu_body, seller_user
):
    contract = market_factories.contract(deal, registration_body=chengdu_body)

    services.contract_attach_file(actor=seller_user, contract=contract, uploaded_file=pdf_file("合同.html"))

    contract = reload(contract)
    assert contract.contract_file_name == "合同.html"
    assert re.fullmatch(r"market/contracts/[0-9a-f]{32}\.pdf", contract.contract_file.name)
    response = uploads.download_response(contract.contract_file, filename=contract.contract_file_name)
    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "application/pdf",
        "attachment; filename*=utf-8''%E5%90%88%E5%90%8C.pdf",
    )
