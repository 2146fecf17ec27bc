"""In CI the suite must run against the real services (DESIGN.md, runtime modes), never quietly without them.

This test never skips: on a developer machine (no ``CI``) it checks only the database engine; with
``CI`` set it also demands ``REDIS_URL`` and a Redis that answers, so a CI run that lost a service fails.
"""

import os

import pytest
import redis
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.services]

MINIMUM_POSTGRESQL = 150000  # PostgreSQL 15, what CI machines run (server_version_num)


def test_the_database_is_postgresql_15_or_newer():
    assert connection.vendor == "postgresql"
    assert connection.pg_version >= MINIMUM_POSTGRESQL, connection.pg_version


def test_in_ci_redis_is_configured_and_answers():
    if not os.environ.get("CI"):
        # Outside CI the embedded default runs Celery in-process and needs no Redis.
        expected_broker = settings.REDIS_URL or "memory://"
        assert expected_broker == settings.CELERY_BROKER_URL
        return
    redis_url = os.environ.get("REDIS_URL", "")
    assert redis_url, "CI must set REDIS_URL"
    assert redis_url == settings.REDIS_URL
    assert redis_url == settings.CELERY_BROKER_URL
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5).ping() is True
