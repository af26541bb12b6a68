"""The Celery application. Queues are declared here so workers and routes agree on them."""

import os

from celery import Celery, signals
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("bidi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [
    Queue(name) for name in ("default", "telegram", "campaigns", "agents", "webhooks")
]
app.autodiscover_tasks()


@signals.worker_init.connect
def _freeze_startup_objects(**_kwargs: object) -> None:
    """Before the pool forks: children inherit the frozen generation (config/gc_tuning.py)."""
    from config.gc_tuning import freeze_startup_objects

    freeze_startup_objects()
