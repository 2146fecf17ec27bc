"""Fixtures of the demand tests: an enterprise in 成都 (under the 成都 official, outside 绵阳's) with
its poster, another enterprise in 绵阳, and builders that go through the services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from achievements.choices import CooperationMode
from market.services import demands as services
from tests import factories
from tests.market import factories as market_factories


@pytest.fixture
def chengdu_enterprise(db):
    return market_factories.enterprise("成都智造装备有限公司", "510107")


@pytest.fixture
def poster(chengdu_enterprise):
    return market_factories.enterprise_user(chengdu_enterprise, "poster")


@pytest.fixture
def mianyang_enterprise(db):
    return market_factories.enterprise("绵阳长虹配套科技有限公司", "510703")


@pytest.fixture
def other_poster(mianyang_enterprise):
    return market_factories.enterprise_user(mianyang_enterprise, "other-poster")


@pytest.fixture
def outsider(db):
    """Signed in, but a member of nothing."""
    return factories.UserFactory(username="outsider")


def demand_data(**overrides) -> dict:
    data = {
        "title": "大型铸锻件智能焊接工艺改进",
        "problem": "现有埋弧焊工艺焊缝一次合格率不足90%，需要提高自动化水平。",
        "expected_outcome": "焊缝一次合格率达到98%以上，形成可推广的工艺规范。",
        "keywords": ["智能焊接", "铸锻件"],
        "technology_field": market_factories.technology_field("02"),
        "budget_min": Decimal("500000"),
        "budget_max": Decimal("2000000"),
        "deadline": timezone.localdate() + timedelta(days=60),
        "cooperation_mode": CooperationMode.JOINT_DEVELOPMENT,
        "contact_name": "赵工",
        "contact_phone": "028-66000000",
    }
    data.update(overrides)
    return data


def draft_demand(actor, enterprise, **overrides):
    return services.demand_create(actor=actor, enterprise=enterprise, data=demand_data(**overrides))


def submitted_demand(actor, enterprise, **overrides):
    return services.demand_submit(actor=actor, demand=draft_demand(actor, enterprise, **overrides))


def published_demand(actor, official, enterprise, **overrides):
    return services.demand_approve(actor=official, demand=submitted_demand(actor, enterprise, **overrides))


@pytest.fixture
def client_as(request):
    """An English-speaking API client signed in as the named user fixture (or anonymous)."""

    def make(name: str) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if name != "anonymous":
            client.force_authenticate(request.getfixturevalue(name))
        return client

    return make
