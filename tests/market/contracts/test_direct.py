"""Registration of any technology contract, without a platform deal (issue 13): parties of every kind,
routing to the body of the applicant's locality, the duplicate check, paper applications entered by a
registrar and a natural person's identity number (masked, revealed only with an audit event)."""

from datetime import timedelta
from decimal import Decimal

import pghistory
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from institutions.models import AuditEvent
from market import policies
from market.choices import ContractSource, ContractStatus, PartyKind
from market.models import ContractRegistration
from market.models.contracts import ID_NUMBER_REVEALED
from market.services import contracts as services
from tests import factories
from tests.market import factories as market_factories
from tests.market.contracts.conftest import pdf_file

SHANGHAI_CREDIT_CODE = factories.credit_code_for("310104", 901)
PERSON_ID = "11010519491231002X"  # a valid check character (python-stdnum's own example)


def form_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "project_name": "高性能锂电池隔膜制备技术转让",
        "contract_category": "transfer",
        "sub_type": "patent_right",
        "licence_scope": "",
        "signed_on": today - timedelta(days=3),
        "valid_from": today - timedelta(days=3),
        "valid_until": today + timedelta(days=700),
        "contract_amount": Decimal("800000.00"),
        "non_technical_amount": Decimal("50000.00"),
        "payment_method": "lump_sum",
        "ip_type": "invention_patent",
        "technology_field": market_factories.technology_field("03"),
        "expected_investment": Decimal("1000000"),
        "expected_output": Decimal("3000000"),
        "plan_category": "1",
        "socio_economic_goal": "01",
        "trade_subject": "1",
    }
    data.update(overrides)
    return data


def shanghai_buyer(**overrides) -> dict:
    return {
        "kind": PartyKind.ORGANISATION,
        "name": "上海徐汇精密仪器有限公司",
        "credit_code": SHANGHAI_CREDIT_CODE,
        "region_code": "310104",
        "entity_type": "150",
        **overrides,
    }


def open_direct(actor, applicant, buyer=None, **data) -> ContractRegistration:
    return services.contract_open(
        actor=actor, applicant=applicant, data=form_data(**data), buyer=buyer or shanghai_buyer()
    )


def ready(contract) -> ContractRegistration:
    contract.contract_file.save("signed.pdf", pdf_file(), save=True)
    return contract


# Opening without a deal -------------------------------------------------------------------------


def test_an_applicant_registers_a_contract_without_a_deal(
    seller, seller_user, chengdu_body, registrar, shanghai
):
    contract = open_direct(seller_user, seller)

    assert contract.deal is None
    assert contract.source == ContractSource.DIRECT
    assert contract.status == ContractStatus.DRAFT
    assert contract.applicant == seller
    assert (contract.seller_kind, contract.seller_organisation, contract.seller_name) == (
        PartyKind.PLATFORM,
        seller,
        seller.name,
    )
    assert contract.seller_entity_type == "024"
    assert contract.registration_body == chengdu_body
    assert contract.technical_amount == Decimal("750000.00")
    assert (contract.plan_category, contract.socio_economic_goal, contract.trade_subject) == ("1", "01", "1")
    assert (contract.buyer_kind, contract.buyer_region_code, contract.buyer_credit_code) == (
        PartyKind.ORGANISATION,
        "310104",
        SHANGHAI_CREDIT_CODE,
    )

    contract = services.contract_submit(actor=seller_user, contract=ready(contract))
    contract = services.contract_register(actor=registrar, contract=contract, version=contract.version)

    assert contract.status == ContractStatus.REGISTERED
    assert contract.disclosure_starts_on is None  # 成交公示 is of platform deals only


def test_the_forms_own_codes_come_from_their_lists(seller, seller_user, chengdu_body, shanghai):
    with pytest.raises(ValidationError) as error:
        open_direct(seller_user, seller, plan_category="9", socio_economic_goal="99", trade_subject="Z")

    assert set(error.value.message_dict) == {"plan_category", "socio_economic_goal", "trade_subject"}
    assert error.value.message_dict["plan_category"] == ["9 is not a code of this list."]
    blank = open_direct(seller_user, seller, plan_category="", socio_economic_goal="", trade_subject="")
    assert (blank.plan_category, blank.socio_economic_goal, blank.trade_subject) == ("", "", "")


def test_only_members_of_the_applicant_open_its_forms(seller, other_party, registrar, chengdu_body, shanghai):
    for outsider in (other_party, registrar):
        with pytest.raises(PermissionDenied):
            open_direct(outsider, seller)


def test_a_platform_buyer_is_snapshotted_from_its_profile(seller, seller_user, buyer, chengdu_body):
    contract = open_direct(seller_user, seller, buyer={"kind": "platform", "organisation": buyer.pk})

    assert (contract.buyer_organisation, contract.buyer_name, contract.buyer_credit_code) == (
        buyer,
        buyer.name,
        buyer.credit_code,
    )
    assert (contract.buyer_entity_type, contract.buyer_region_code) == ("150", buyer.region_id)
    assert set(contract.party_organisation_ids) == {seller.pk, buyer.pk}


def test_every_problem_of_an_off_platform_organisation_is_reported_at_once(seller, seller_user, chengdu_body):
    with pytest.raises(ValidationError) as error:
        open_direct(
            seller_user,
            seller,
            buyer={
                "kind": "organisation",
                "name": "",
                "credit_code": "91510100123456780W",
                "region_code": "999999",
            },
            contract_amount=None,
        )

    assert set(error.value.message_dict) >= {
        "buyer_name",
        "buyer_credit_code",
        "buyer_region_code",
        "buyer_entity_type",
        "contract_amount",
    }
    assert ContractRegistration.objects.count() == 0


def test_a_foreign_buyer_has_a_country_code_and_two_names(seller, seller_user, chengdu_body):
    contract = open_direct(
        seller_user,
        seller,
        buyer={
            "kind": "foreign",
            "name": "德国精密机械公司",
            "name_original": "Deutsche Präzisionsmaschinen GmbH",
            "country_code": "304",
            "entity_type": "300",
            "credit_code": "ignored",
            "region_code": "510104",
        },
    )

    assert (contract.buyer_country_code, contract.buyer_name_original) == (
        "304",
        "Deutsche Präzisionsmaschinen GmbH",
    )
    assert (contract.buyer_credit_code, contract.buyer_region_code) == ("", "")


def test_the_certificate_shows_each_kind_of_party(seller, seller_user, chengdu_body, registrar, page_as):
    person = {"kind": "person", "name": "张伟", "id_number": PERSON_ID}
    contract = services.contract_submit(
        actor=seller_user, contract=ready(open_direct(seller_user, seller, person))
    )
    contract = services.contract_register(actor=registrar, contract=contract, version=contract.version)

    content = page_as("seller_user").get(f"/market/contracts/{contract.pk}/certificate/").content.decode()

    assert "Natural person · 110105********002X" in content
    assert PERSON_ID not in content
    assert "Credit code" in content  # the seller, an organisation on the platform


def test_the_page_names_the_codes_of_the_form(seller, seller_user, chengdu_body, page_as):
    foreign = {
        "kind": "foreign",
        "name": "德国精密机械公司",
        "name_original": "Deutsche Präzisionsmaschinen GmbH",
        "country_code": "304",
        "entity_type": "300",
    }
    contract = open_direct(seller_user, seller, buyer=foreign)

    content = page_as("seller_user").get(f"/market/contracts/{contract.pk}/").content.decode()

    assert "Country code 304 Germany" in content
    assert "1 National science and technology programme" in content  # 计划类别 1
    assert "Expected new investment / output" in content


@pytest.mark.parametrize(
    ("buyer", "fields"),
    [
        (
            {
                "kind": "foreign",
                "name": "X",
                "name_original": "X",
                "country_code": "142",
                "entity_type": "300",
            },
            {"buyer_country_code"},
        ),
        (
            {
                "kind": "foreign",
                "name": "X",
                "name_original": "X",
                "country_code": "US",
                "entity_type": "300",
            },
            {"buyer_country_code"},
        ),
        (
            {"kind": "foreign", "name": "", "country_code": "502"},
            {"buyer_name", "buyer_name_original", "buyer_entity_type"},
        ),
        ({"kind": "person", "name": "张三", "id_number": "110105194912310021"}, {"buyer_id_number"}),
        ({"kind": "person", "name": ""}, {"buyer_name", "buyer_id_number"}),
        ({"kind": "platform"}, {"buyer_organisation"}),
        ({"kind": "martian"}, {"buyer_kind"}),
    ],
)
def test_each_kind_of_party_is_checked(seller, seller_user, chengdu_body, buyer, fields):
    with pytest.raises(ValidationError) as error:
        open_direct(seller_user, seller, buyer=buyer)

    assert set(error.value.message_dict) == fields


def test_a_person_buyer_keeps_the_identity_number(seller, seller_user, chengdu_body):
    contract = open_direct(
        seller_user, seller, buyer={"kind": "person", "name": "张三", "id_number": PERSON_ID.lower()}
    )

    assert (contract.buyer_id_number, contract.buyer_entity_type) == (PERSON_ID, "400")
    assert policies.mask_id_number(contract.buyer_id_number) == "110105********002X"


def test_reading_a_persons_identity_number_is_audited(
    seller, seller_user, chengdu_body, registrar, platform_admin
):
    contract = open_direct(
        seller_user, seller, buyer={"kind": "person", "name": "张三", "id_number": PERSON_ID}
    )

    with pytest.raises(PermissionDenied):
        services.contract_reveal_id_number(actor=seller_user, contract=contract, side="buyer")
    with pghistory.context(user=registrar.pk):
        assert (
            services.contract_reveal_id_number(actor=registrar, contract=contract, side="buyer") == PERSON_ID
        )
    with pytest.raises(ValidationError):
        services.contract_reveal_id_number(actor=platform_admin, contract=contract, side="seller")

    events = AuditEvent.objects.filter(pgh_label=ID_NUMBER_REVEALED, pgh_obj_id=str(contract.pk))
    assert events.count() == 1
    assert events.get().user == registrar


# Routing (按地域一次登记) -------------------------------------------------------------------------


def test_the_form_goes_to_the_body_of_the_applicants_locality(
    seller, seller_user, mianyang_institution, chengdu_body, mianyang_body, shanghai
):
    from institutions.models import Classification

    mianyang_institution.entity_type = Classification.objects.get(scheme="entity_type", code="021")
    mianyang_institution.save()
    mianyang_user = factories.staff_of(mianyang_institution, username="mianyang-staff")

    assert open_direct(seller_user, seller).registration_body == chengdu_body
    assert open_direct(mianyang_user, mianyang_institution).registration_body == mianyang_body


def test_no_body_for_the_region_is_a_clear_error(seller, seller_user, shanghai):
    with pytest.raises(ValidationError) as error:
        open_direct(seller_user, seller)

    assert "No registration body serves region 510104" in str(error.value)


def test_a_seller_outside_sichuan_is_refused(seller, seller_user, chengdu_body, shanghai):
    seller.region = shanghai
    seller.save()

    with pytest.raises(ValidationError) as error:
        open_direct(seller_user, seller)

    assert "seller (the applicant) is in Sichuan" in str(error.value)


# The duplicate check ---------------------------------------------------------------------------------


def test_a_contract_is_registered_once(seller, seller_user, chengdu_body, mianyang_body, registrar, shanghai):
    first = services.contract_submit(actor=seller_user, contract=ready(open_direct(seller_user, seller)))
    first = services.contract_register(actor=registrar, contract=first, version=first.version)
    # the same contract, its title written differently, and entered on paper in 绵阳
    second = ready(open_direct(seller_user, seller, project_name="《高性能锂电池隔膜制备技术》转让"))

    with pytest.raises(ValidationError) as error:
        services.contract_submit(actor=seller_user, contract=second)

    message = " ".join(error.value.messages)
    assert chengdu_body.name in message
    assert "Registered" in message
    assert first.registration_number in message
    second.refresh_from_db()
    assert second.status == ContractStatus.DRAFT


def test_another_amount_or_date_is_another_contract(seller, seller_user, chengdu_body, shanghai):
    services.contract_submit(actor=seller_user, contract=ready(open_direct(seller_user, seller)))
    other = ready(open_direct(seller_user, seller, contract_amount=Decimal("800001.00")))

    assert services.contract_submit(actor=seller_user, contract=other).status == ContractStatus.SUBMITTED


def test_a_refused_registration_does_not_block_the_contract(
    seller, seller_user, chengdu_body, registrar, shanghai
):
    first = services.contract_submit(actor=seller_user, contract=ready(open_direct(seller_user, seller)))
    services.contract_reject(actor=registrar, contract=first, reason="not_technology_contract")
    second = ready(open_direct(seller_user, seller))

    assert services.contract_submit(actor=seller_user, contract=second).status == ContractStatus.SUBMITTED


def test_the_unique_index_guards_against_races(seller, seller_user, chengdu_body, shanghai):
    first = services.contract_submit(actor=seller_user, contract=ready(open_direct(seller_user, seller)))
    second = open_direct(seller_user, seller)

    with pytest.raises(IntegrityError), transaction.atomic():
        ContractRegistration.objects.filter(pk=second.pk).update(
            duplicate_key=first.duplicate_key, status=ContractStatus.SUBMITTED
        )


def test_the_duplicate_key_is_normalised():
    common = {
        "seller": "uscc:X",
        "buyer": "uscc:Y",
        "signed_on": timezone.localdate(),
        "contract_amount": Decimal("5"),
    }

    assert len(policies.duplicate_key(**common, title="A B")) == 64
    assert policies.duplicate_key(**common, title="《Ａ b》") == policies.duplicate_key(**common, title="a-b")
    assert policies.duplicate_key(**common, title="a") != policies.duplicate_key(**common, title="b")
    assert policies.party_identity(country_code="502", name="Acme Inc.") == "name:502:acmeinc"


# Paper applications -------------------------------------------------------------------------------------


def off_platform_seller(**overrides) -> dict:
    return {
        "kind": "organisation",
        "name": "成都某精密制造有限公司",
        "credit_code": factories.credit_code_for("510104", 902),
        "region_code": "510104",
        "entity_type": "170",
        **overrides,
    }


def test_a_registrar_enters_a_paper_application_another_registers_it(chengdu_body, registrar, shanghai):
    colleague = market_factories.registrar_of(chengdu_body, "chengdu-registrar-2")
    contract = services.contract_enter_paper(
        actor=registrar,
        body=chengdu_body,
        seller=off_platform_seller(),
        buyer=shanghai_buyer(),
        data=form_data(),
    )
    assert (contract.source, contract.applicant, contract.prepared_by) == (
        ContractSource.PAPER,
        None,
        registrar,
    )

    contract = services.contract_submit(actor=registrar, contract=ready(contract))
    with pytest.raises(PermissionDenied):
        services.contract_register(actor=registrar, contract=contract, version=contract.version)
    contract = services.contract_register(actor=colleague, contract=contract, version=contract.version)

    assert contract.status == ContractStatus.REGISTERED


def test_a_paper_application_of_a_platform_seller_names_it_the_applicant(
    seller, chengdu_body, registrar, shanghai
):
    contract = services.contract_enter_paper(
        actor=registrar,
        body=chengdu_body,
        seller={"kind": "platform", "organisation": seller.pk},
        buyer=shanghai_buyer(),
        data=form_data(),
    )

    assert contract.applicant == seller


def test_paper_applications_are_entered_only_by_the_body_of_the_sellers_locality(
    chengdu_body, registrar, other_registrar, mianyang_body, shanghai
):
    with pytest.raises(PermissionDenied):
        services.contract_enter_paper(
            actor=other_registrar,
            body=chengdu_body,
            seller=off_platform_seller(),
            buyer=shanghai_buyer(),
            data=form_data(),
        )
    with pytest.raises(ValidationError) as error:
        services.contract_enter_paper(
            actor=other_registrar,
            body=mianyang_body,
            seller=off_platform_seller(),
            buyer=shanghai_buyer(),
            data=form_data(),
        )

    assert chengdu_body.name in str(error.value)


# Changing the parties ---------------------------------------------------------------------------------------


def test_the_applicant_changes_the_buyer(seller, seller_user, chengdu_body, shanghai):
    contract = open_direct(seller_user, seller)

    contract = services.contract_update(
        actor=seller_user,
        contract=contract,
        data={},
        parties={
            "buyer": {
                "kind": "foreign",
                "name": "美国公司",
                "name_original": "Acme Inc.",
                "country_code": "502",
                "entity_type": "300",
            }
        },
    )

    assert (contract.buyer_kind, contract.buyer_country_code, contract.version) == ("foreign", "502", 2)


def test_a_deals_parties_are_not_changed_on_the_form(contract, seller_user):
    with pytest.raises(ValidationError):
        services.contract_update(
            actor=seller_user, contract=contract, data={}, parties={"buyer": shanghai_buyer()}
        )
