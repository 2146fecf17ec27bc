"""Fixtures of the matching tests: an enterprise in 德阳 with a demand for lithium-battery anode
material, a 成都 institution with a listing that answers it in other words, and one that does not."""

from decimal import Decimal

import pytest

from achievements.choices import CooperationMode
from market.services import matching
from market.tasks import matching as tasks_matching
from tests import factories
from tests.market import factories as market_factories


@pytest.fixture(autouse=True)
def fresh_corpus():
    """Each test starts without the corpus an earlier test's (rolled-back) data left in the process."""
    matching.corpus_clear()
    yield
    matching.corpus_clear()


@pytest.fixture
def deyang_enterprise(db):
    return market_factories.enterprise("德阳储能电池有限公司", "510603")


@pytest.fixture
def poster(deyang_enterprise):
    return market_factories.enterprise_user(deyang_enterprise, "poster")


@pytest.fixture
def seller(chengdu_institution):
    return factories.staff_of(chengdu_institution, username="seller")


def with_terms(record):
    compute = matching.demand_terms if hasattr(record, "problem") else matching.offer_terms
    type(record).objects.filter(pk=record.pk).update(match_terms=compute(record))
    record.refresh_from_db()
    return record


@pytest.fixture
def battery_demand(deyang_enterprise, poster):
    return with_terms(
        market_factories.demand(
            deyang_enterprise,
            poster,
            title="动力锂电池高容量负极材料技术需求",
            problem="现有石墨负极比容量不足，快充性能差，希望引进硅碳负极材料技术提升电池能量密度。",
            expected_outcome="负极比容量不低于450mAh/g，循环寿命满足动力电池要求。",
            keywords=["锂电池", "负极材料", "硅碳"],
            technology_field=market_factories.technology_field("03"),
            required_trl=5,
            budget_min=Decimal("500000"),
            budget_max=Decimal("1500000"),
            cooperation_mode=CooperationMode.TRANSFER,
        )
    )


@pytest.fixture
def anode_listing(chengdu_institution, seller):
    """The factory's default listing: 锂离子电池硅碳负极材料, TRL 6, 1.2 million, transfer."""
    return with_terms(market_factories.listing(chengdu_institution, seller))


@pytest.fixture
def camera_listing(chengdu_institution, seller):
    return with_terms(
        market_factories.listing(
            chengdu_institution,
            seller,
            title="基于深度学习的人脸识别门禁终端",
            summary="嵌入式人脸识别算法，识别准确率99.5%，支持活体检测。",
            keywords=["人脸识别", "门禁"],
            technology_field=market_factories.technology_field("01"),
        )
    )


@pytest.fixture
def run_tasks_now(monkeypatch):
    """Celery runs in-process in the tests; this makes the queued refreshes visible to assert on."""
    return tasks_matching
