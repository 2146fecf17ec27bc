"""The Celery application.

With ``REDIS_URL`` set, tasks go to Redis and a worker runs them. Without it (the embedded default)
``CELERY_TASK_ALWAYS_EAGER`` makes them run in-process, so ``make run`` needs nothing else.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tianfu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
