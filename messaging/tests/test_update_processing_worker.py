"""The real thing: a Celery worker (threads, Redis broker) processes stored updates, each task
delivered twice, with no duplicate message."""

import time

from messaging.models import Message, TelegramUpdate
from messaging.telegram.tasks_ingest import update_process
from messaging.telegram.webhook import update_store
from messaging.tests import updates


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_real_worker_processes_many_updates_without_duplicates(connected, celery_worker):
    ids = []
    for n in range(40):
        sender = {**updates.ANNA, "id": 100 + n % 5, "username": f"user{n % 5}"}
        update = updates.update(text=f"message {n}", sender=sender)
        pk = update_store(
            organization_id=connected.bot.organization_id, bot_id=connected.bot.pk, payload=update
        )
        ids.append(pk)
        update_process.delay(pk)
        update_process.delay(pk)  # a duplicate delivery of the task

    assert _wait_for(lambda: not TelegramUpdate.objects.filter(status="pending").exists())
    assert Message.objects.count() == 40
    assert TelegramUpdate.objects.filter(status="processed").count() == 40
