"""The Celery application. Queues are declared here so workers and routes agree on them."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("bidi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [
    Queue(name) for name in ("default", "telegram", "campaigns", "agents", "webhooks")
]
app.autodiscover_tasks()
