"""The overdue-registration task: reminds the registrars once, however often it runs."""

import pytest
from django.conf import settings

from market.models import ContractRegistration
from market.tasks import contracts as tasks_contracts
from notifications.models import Notification
from tests.market import factories as market_factories
from tests.market.contracts.conftest import submitted_contract

pytestmark = pytest.mark.django_db


def test_overdue_contracts_are_flagged_once_when_run_twice(
    seller, buyer, seller_user, chengdu_body, registrar
):
    overdue = submitted_contract(market_factories.deal(seller, buyer, seller_user), chengdu_body, days_ago=31)
    submitted_contract(market_factories.deal(seller, buyer, seller_user), chengdu_body, days_ago=30)

    first = tasks_contracts.contract_flag_overdue_task()
    flagged_at = ContractRegistration.objects.get(pk=overdue.pk).overdue_notified_at
    second = tasks_contracts.contract_flag_overdue_task.delay().get()

    assert (first, second) == (1, 0)
    assert flagged_at is not None
    assert ContractRegistration.objects.get(pk=overdue.pk).overdue_notified_at == flagged_at
    assert list(Notification.objects.filter(verb="contract.overdue").values_list("recipient", "url")) == [
        (registrar.pk, f"/market/contracts/{overdue.pk}/")
    ]


def test_a_decided_contract_is_not_flagged(seller, buyer, seller_user, chengdu_body, registrar):
    contract = submitted_contract(
        market_factories.deal(seller, buyer, seller_user), chengdu_body, days_ago=40
    )
    contract.deal.status = contract.status = "registered"
    contract.deal.save()
    contract.save()

    assert tasks_contracts.contract_flag_overdue_task() == 0
    assert Notification.objects.count() == 0


def test_the_beat_entry_runs_the_task_hourly_and_expires():
    entry = settings.CELERY_BEAT_SCHEDULE["market-flag-overdue-registrations"]

    assert entry == {
        "task": "market.tasks.contracts.contract_flag_overdue_task",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    }
    assert tasks_contracts.contract_flag_overdue_task.name == entry["task"]
