"""The to-do page (/todo/), its API and the navigation bar's badge: what waits on each role.

A 成都 cast: an institution's staff, an enterprise's staff, the city's official, a registrar, and a
绵阳 official whose jurisdiction holds nothing of it. The data are built through the services where a
user's action makes them (filing, returning, inquiring, proposing), directly where only the state matters.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from achievements.services import filings as achievement_services
from core import todo
from institutions.choices import DesignationLevel, DesignationStatus
from institutions.models import Designation
from institutions.roles import forget_roles
from market.choices import DealStatus, DemandStatus, ListingStatus
from market.services import deals as deal_services
from market.services import inquiries as inquiry_services
from market.services import listings as listing_services
from tests import factories
from tests.achievements.factories import draft
from tests.market import factories as market_factories

OFFICIAL_SECTIONS = [
    "filings_to_review",
    "demands_to_review",
    "objections_to_resolve",
    "designations_to_decide",
]
INSTITUTION_SECTIONS = [
    "returned_filings",
    "inquiries_awaiting_answer",
    "deals_to_confirm",
    "contracts_to_submit",
]
ENTERPRISE_SECTIONS = ["inquiries_awaiting_answer", "deals_to_confirm", "returned_demands"]


def client_for(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def counts_on_page(response) -> dict[str, int]:
    return {group.key: group.count for group in response.context["groups"]}


def badge(response) -> int:
    """The navigation bar's to-do badge (0 when it is not drawn)."""
    match = re.search(r'data-todo-count="(\d+)"', response.content.decode())
    return int(match.group(1)) if match else 0


@pytest.fixture
def enterprise(db):
    return market_factories.enterprise("成都智能焊接装备有限公司", "510104")


@pytest.fixture
def enterprise_user(enterprise):
    return market_factories.enterprise_user(enterprise, "chengdu-enterprise")


@pytest.fixture
def registration_body(db):
    return market_factories.registration_body("510100")


@pytest.fixture
def registrar(registration_body):
    return market_factories.registrar_of(registration_body, "chengdu-registrar")


def submitted_filing(staff, institution, title):
    return achievement_services.achievement_submit(
        actor=staff, achievement=draft(staff, institution, title=title)
    )


@pytest.fixture
def waiting(
    chengdu_institution, chengdu_staff, chengdu_official, enterprise, enterprise_user, registration_body
):
    """One item in every section of the cast."""
    # the official's: a filing and a demand to review, an objection, a city title applied for
    filing = submitted_filing(chengdu_staff, chengdu_institution, "智能电网故障诊断")
    returned = submitted_filing(chengdu_staff, chengdu_institution, "水稻抗病育种")
    achievement_services.achievement_return(
        actor=chengdu_official, achievement=returned, reason="请补充专利信息。"
    )
    market_factories.demand(
        enterprise, enterprise_user, status=DemandStatus.SUBMITTED, submitted_at=timezone.now()
    )
    market_factories.demand(enterprise, enterprise_user, status=DemandStatus.RETURNED, title="退回的需求")
    in_publicity = market_factories.listing(
        chengdu_institution, chengdu_staff, status=ListingStatus.PUBLICITY, title="公示中的挂牌项目"
    )
    listing_services.objection_file(
        actor=enterprise_user, listing=in_publicity, reasons="权属存在争议，专利权人并非挂牌机构。"
    )
    Designation.objects.create(
        organisation=chengdu_institution,
        level=DesignationLevel.CITY,
        status=DesignationStatus.APPLIED,
        year_granted=2026,
    )
    # the institution's: an inquiry the enterprise opened, a deal it proposed, a signed deal to submit
    listing = market_factories.listing(chengdu_institution, chengdu_staff, title="硅碳负极材料制备技术")
    inquiry = inquiry_services.inquiry_open_for_listing(
        actor=enterprise_user, listing=listing, buyer=enterprise, message="请问是否可以独占许可？"
    )
    other_listing = market_factories.listing(chengdu_institution, chengdu_staff, title="工业机器人视觉定位")
    proposed = inquiry_services.inquiry_open_for_listing(
        actor=enterprise_user, listing=other_listing, buyer=enterprise, message="希望购买。"
    )
    deal = deal_services.deal_propose(
        actor=enterprise_user,
        inquiry=proposed,
        terms={
            "title": "工业机器人视觉定位技术许可",
            "amount": Decimal("800000.00"),
            "payment_method": "instalments",
            "terms": "一次性支付。",
            "disclose_amount": True,
        },
    )
    signed = market_factories.deal(chengdu_institution, enterprise, chengdu_staff, status=DealStatus.AGREED)
    # the registrar's: a contract submitted to their body
    submitted_deal = market_factories.deal(
        chengdu_institution, enterprise, chengdu_staff, status=DealStatus.SUBMITTED, title="已提交登记的合同"
    )
    contract = market_factories.contract(
        submitted_deal,
        registration_body=registration_body,
        submitted_at=timezone.now(),
        due_on=timezone.localdate() + timedelta(days=30),
    )
    return {
        "filing": filing,
        "returned": returned,
        "inquiry": inquiry,
        "deal": deal,
        "signed": signed,
        "contract": contract,
    }


# --- sections per role ---------------------------------------------------------------------------


def test_an_official_sees_filings_demands_objections_and_titles_to_decide(chengdu_official, waiting):
    response = client_for(chengdu_official).get("/todo/")

    assert response.status_code == 200
    assert counts_on_page(response) == dict.fromkeys(OFFICIAL_SECTIONS, 1)
    filings = next(group for group in response.context["groups"] if group.key == "filings_to_review")
    assert [item.url for item in filings.items] == [f"/achievements/{waiting['filing'].pk}/"]
    assert filings.queue_url == "/achievements/review/"


def test_an_official_of_another_city_has_the_same_sections_and_nothing_in_them(mianyang_official, waiting):
    response = client_for(mianyang_official).get("/todo/")

    assert counts_on_page(response) == dict.fromkeys(OFFICIAL_SECTIONS, 0)
    assert response.context["total"] == 0
    assert badge(response) == 0


def test_a_registrar_sees_the_contracts_submitted_to_their_body(registrar, waiting):
    response = client_for(registrar).get("/todo/")

    assert counts_on_page(response) == {"contracts_to_register": 1, "contracts_to_check": 0}
    groups = {group.key: group for group in response.context["groups"]}
    assert [item.url for item in groups["contracts_to_register"].items] == [
        f"/market/contracts/{waiting['contract'].pk}/"
    ]
    assert groups["contracts_to_check"].items == []


def test_institution_staff_see_returned_filings_inquiries_deals_and_contracts_to_submit(
    chengdu_staff, waiting
):
    response = client_for(chengdu_staff).get("/todo/")

    assert counts_on_page(response) == {
        **dict.fromkeys(INSTITUTION_SECTIONS, 1),
        "registrations_to_submit": 0,
    }
    urls = {group.key: [item.url for item in group.items] for group in response.context["groups"]}
    assert urls["returned_filings"] == [f"/achievements/{waiting['returned'].pk}/"]
    assert urls["inquiries_awaiting_answer"] == [f"/market/inquiries/{waiting['inquiry'].pk}/"]
    assert urls["deals_to_confirm"] == [f"/market/deals/{waiting['deal'].pk}/"]
    assert urls["contracts_to_submit"] == [f"/market/deals/{waiting['signed'].pk}/"]


def test_an_enterprise_sees_its_returned_demands_and_nothing_it_already_answered(enterprise_user, waiting):
    response = client_for(enterprise_user).get("/todo/")

    # it spoke last on its inquiry and confirmed the deal it proposed
    assert counts_on_page(response) == {
        "inquiries_awaiting_answer": 0,
        "deals_to_confirm": 0,
        "registrations_to_submit": 0,
        "returned_demands": 1,
    }


def test_an_answer_moves_the_inquiry_to_the_other_partys_list(chengdu_staff, enterprise_user, waiting):
    inquiry_services.message_post(actor=chengdu_staff, inquiry=waiting["inquiry"], body="可以，欢迎详谈。")

    assert todo.todo_counts(user=chengdu_staff).counts["inquiries_awaiting_answer"] == 0
    assert todo.todo_counts(user=enterprise_user).counts["inquiries_awaiting_answer"] == 1


def test_a_visitor_is_sent_to_sign_in(db):
    response = client_for().get("/todo/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/todo/")


@pytest.mark.parametrize(
    "role", ["chengdu_official", "mianyang_official", "registrar", "chengdu_staff", "enterprise_user"]
)
def test_the_badge_shows_the_pages_total(role, request, waiting):
    user = request.getfixturevalue(role)
    client = client_for(user)

    page = client.get("/todo/")
    home = client.get("/")

    assert badge(home) == page.context["total"] == sum(counts_on_page(page).values())
    assert f'data-todo-total="{page.context["total"]}"' in page.content.decode()


def test_each_sections_queue_is_a_page_the_user_may_open(
    chengdu_official, registrar, chengdu_staff, enterprise_user, waiting
):
    for user in (chengdu_official, registrar, chengdu_staff, enterprise_user):
        client = client_for(user)
        for group in client.get("/todo/").context["groups"]:
            assert client.get(group.queue_url).status_code == 200, group.key


# --- cost ----------------------------------------------------------------------------------------


def inquiries_from(enterprise, enterprise_user, institution, staff, count):
    for number in range(count):
        listing = market_factories.listing(institution, staff, title=f"挂牌技术{number}")
        inquiry_services.inquiry_open_for_listing(
            actor=enterprise_user, listing=listing, buyer=enterprise, message=f"意向{number}"
        )


# Session, user, roles, every count (one query), one query per section with items (two here), the
# notifications bell, the user menu's organisations, and saving the session (savepoint, update,
# release). The badge reuses the page's counts.
@pytest.mark.parametrize("count", [1, 8])
def test_the_page_costs_the_same_queries_for_1_and_8_items(
    count,
    chengdu_institution,
    chengdu_staff,
    chengdu_official,
    enterprise,
    enterprise_user,
    django_assert_num_queries,
):
    inquiries_from(enterprise, enterprise_user, chengdu_institution, chengdu_staff, count)
    for number in range(count):
        submitted = submitted_filing(chengdu_staff, chengdu_institution, f"退回的成果{number}")
        achievement_services.achievement_return(
            actor=chengdu_official, achievement=submitted, reason="请补充。"
        )
    client = client_for(chengdu_staff)

    with django_assert_num_queries(11):
        response = client.get("/todo/")

    assert counts_on_page(response)["inquiries_awaiting_answer"] == count
    assert counts_on_page(response)["returned_filings"] == count
    assert len(response.context["groups"][1].items) == min(count, todo.FIRST_ITEMS)


def test_every_count_of_a_user_is_one_query(chengdu_official, waiting, django_assert_num_queries):
    # an official who also registers contracts: five sections
    factories.MembershipFactory(
        user=chengdu_official, organisation=waiting["contract"].registration_body, role="official"
    )
    forget_roles(chengdu_official)

    with django_assert_num_queries(2):  # the roles, then every count
        counts = todo.todo_counts(user=chengdu_official)

    assert counts.counts == {
        **dict.fromkeys(OFFICIAL_SECTIONS, 1),
        "contracts_to_register": 1,
        "contracts_to_check": 0,
    }
    assert counts.total == 5


# --- the API -------------------------------------------------------------------------------------


def test_the_api_gives_the_sections_with_counts_and_links(chengdu_official, waiting, api_client):
    api_client.force_authenticate(chengdu_official)

    response = api_client.get("/api/v1/todo/")

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 4
    assert [section["key"] for section in body["sections"]] == OFFICIAL_SECTIONS
    filings = body["sections"][0]
    assert filings["count"] == 1
    assert filings["queue_url"] == "/achievements/review/"
    assert filings["items"] == [
        {
            "title": "智能电网故障诊断",
            "url": f"/achievements/{waiting['filing'].pk}/",
            "note": waiting["filing"].filing_institution.name,
        }
    ]


def test_the_api_refuses_a_visitor(db, api_client):
    response = api_client.get("/api/v1/todo/")

    assert response.status_code in (401, 403)
    assert response.json()["code"] in ("not_authenticated", "authentication_failed")


# --- menus follow the role -----------------------------------------------------------------------


def test_an_enterprise_sees_demands_but_not_filings_or_listings(enterprise_user):
    content = client_for(enterprise_user).get("/").content.decode()

    assert 'href="/market/demands/mine/"' in content
    assert 'href="/achievements/mine/"' not in content
    assert 'href="/market/listings/mine/"' not in content
    assert 'data-nav="supervision"' not in content


def test_institution_staff_see_filings_and_listings_but_not_demands(chengdu_staff):
    content = client_for(chengdu_staff).get("/").content.decode()

    assert 'href="/achievements/mine/"' in content
    assert 'href="/market/listings/mine/"' in content
    assert 'href="/market/demands/mine/"' not in content
    assert 'data-nav="supervision"' not in content


def test_an_official_sees_the_supervision_menu_but_no_filing_menus(chengdu_official):
    content = client_for(chengdu_official).get("/").content.decode()

    assert 'data-nav="supervision"' in content
    assert 'href="/achievements/review/"' in content
    assert 'href="/achievements/mine/"' not in content
    assert 'href="/market/listings/mine/"' not in content
    assert 'href="/market/registration/"' not in content


def test_a_registrar_sees_contract_registration_only(registrar):
    content = client_for(registrar).get("/").content.decode()

    assert 'href="/market/registration/"' in content
    assert 'href="/achievements/review/"' not in content
    assert 'href="/achievements/mine/"' not in content


def test_a_visitor_has_no_todo_link(db):
    content = client_for().get("/").content.decode()

    assert 'data-nav="todo"' not in content
