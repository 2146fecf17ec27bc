"""The effective Celery configuration (DESIGN.md, background work)."""

from django.conf import settings

from config.celery import app


def test_tasks_are_acknowledged_late_with_a_visibility_timeout_above_the_longest_task():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit
    assert app.conf.task_serializer == "json"
    assert app.conf.timezone == "Asia/Shanghai"


def test_the_broker_is_redis_when_configured_and_tasks_run_in_process_otherwise():
    if settings.REDIS_URL:
        assert app.conf.broker_url == settings.REDIS_URL
    else:
        assert app.conf.broker_url == "memory://"
        assert app.conf.task_always_eager is True
