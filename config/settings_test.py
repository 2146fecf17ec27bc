"""Test settings: the real settings with a throwaway key and fast password hashing.

pytest-django loads this module (pyproject.toml); everything else, including PostgreSQL and, in CI,
Redis, comes from the same environment variables as production.
"""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
# The browser tests' live server speaks plain HTTP, where a browser drops "Secure" cookies.
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Axes reads the request to count failures; tests sign in with client.force_login or the login page.
AXES_ENABLED = True
# Tests run Celery tasks in-process unless a test opts into the real broker.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
# Many tests send wrong keys from 127.0.0.1 into one shared cache; the refusal of an address that sends
# too many is tested with its own address and limit (tests/accounts/test_api.py).
API_KEY_FAILURE_LIMIT = 1_000_000
