"""Each contract category names its parties in its own words (DOMAIN §2.2, 民法典 第二十章): the
certificate, the contract page and the deal page all read them from ``market.choices.contract_parties``."""

import pytest
from django.conf import settings

from market.services import contracts as services
from tests.market.contracts.conftest import submitted_contract

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("category", "sub_type", "seller_side", "buyer_side"),
    [
        ("development", "commissioned_development", "研究开发方", "委托方"),
        ("transfer", "patent_right", "让与方", "受让方"),
        ("licence", "patent_licence", "许可方", "被许可方"),
        ("consulting", "feasibility", "受托方", "委托方"),
        ("service", "technical_service", "受托方", "委托方"),
    ],
)
def test_the_certificate_and_the_pages_name_the_parties_as_the_category_does(
    client, deal, chengdu_body, registrar, seller_user, category, sub_type, seller_side, buyer_side
):
    # given a registered contract of the category (a licence also states its scope)
    deal.contract_category = category
    deal.save()
    contract = submitted_contract(
        deal,
        chengdu_body,
        contract_category=category,
        sub_type=sub_type,
        declared_category=category,
        licence_scope="ordinary" if category == "licence" else "",
    )
    services.contract_register(actor=registrar, contract=contract, version=contract.version)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(seller_user)

    # when the seller reads its certificate, the contract and the deal
    pages = [
        client.get(f"/market/contracts/{contract.pk}/certificate/").content.decode(),
        client.get(f"/market/contracts/{contract.pk}/").content.decode(),
        client.get(f"/market/deals/{deal.pk}/").content.decode(),
    ]

    # then each names the seller and the buyer as the category does, never 转让方/买方 on a non-transfer
    for page in pages:
        assert f'data-party="seller">{seller_side}</' in page
        assert f'data-party="buyer">{buyer_side}</' in page
        if category != "transfer":
            assert "转让方" not in page
