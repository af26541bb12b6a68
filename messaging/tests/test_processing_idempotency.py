"""A worker killed mid-way and retried, or an update processed twice, records nothing twice."""

import pytest
from django.db.models.signals import post_save

from crm.models import Contact
from messaging.models import Chat, ChatMember, Message, TelegramUpdate
from messaging.telegram import processing
from messaging.telegram.tasks_ingest import sweep_pending_updates
from messaging.telegram.webhook import update_store
from messaging.tests import updates


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so no handler of ours catches it."""


def _store(bot, update):
    return update_store(organization_id=bot.organization_id, bot_id=bot.pk, payload=update)


def _counts():
    return (
        Contact.objects.count(),
        Chat.objects.count(),
        ChatMember.objects.count(),
        Message.objects.count(),
    )


@pytest.fixture
def kill_after_first_message_save():
    """Kill the worker right after the first message row is written, mid-transaction."""
    state = {"armed": True}

    def die(sender, instance, created, **kwargs):
        if created and state["armed"]:
            state["armed"] = False
            raise WorkerKilled

    post_save.connect(die, sender=Message, dispatch_uid="kill-worker")
    yield state
    post_save.disconnect(dispatch_uid="kill-worker")


def test_a_worker_killed_mid_way_leaves_nothing_and_the_retry_creates_one_of_each(
    connected, kill_after_first_message_save
):
    group_message = updates.message(
        "Welcome!", sender=updates.ANNA, chat=updates.GROUP, new_chat_members=[updates.BORIS]
    )
    pk = _store(connected.bot, updates.update(payload=group_message))

    with pytest.raises(WorkerKilled):
        processing.update_process(pk)

    # The transaction rolled back: contact, chat and member rows made before the kill are gone.
    assert _counts() == (0, 0, 0, 0)
    assert TelegramUpdate.objects.get(pk=pk).status == "pending"

    assert processing.update_process(pk) == "processed"
    assert _counts() == (2, 1, 2, 1)


def test_processing_an_update_twice_changes_nothing_the_second_time(connected):
    pk = _store(connected.bot, updates.update(text="hello", chat=updates.GROUP))
    assert processing.update_process(pk) == "processed"
    before = _counts()

    assert processing.update_process(pk) == "skipped"
    # Even if the "processed" mark were lost, the writes themselves are keyed by Telegram ids.
    TelegramUpdate.objects.filter(pk=pk).update(status="pending")
    assert processing.update_process(pk) == "processed"

    assert _counts() == before


def test_a_redelivered_copy_of_a_message_in_another_update_is_one_message(connected):
    body = updates.message("same message, two updates")
    for update in (updates.update(payload=body), updates.update(payload=body)):
        processing.update_process(_store(connected.bot, update))

    assert Message.objects.count() == 1


def test_a_failing_update_keeps_its_error_and_is_failed_after_the_last_attempt(connected):
    pk = _store(connected.bot, {"update_id": 5, "message": {"chat": {"id": 1}}})  # no message_id

    for _ in range(processing.MAX_ATTEMPTS - 1):
        with pytest.raises(processing.UpdateFailed):
            processing.update_process(pk)
    assert processing.update_process(pk) == "failed"

    update = TelegramUpdate.objects.get(pk=pk)
    assert update.status == "failed" and update.attempts == processing.MAX_ATTEMPTS
    assert "KeyError" in update.error


def test_the_sweeper_processes_updates_whose_enqueue_was_lost(connected, settings):
    settings.TELEGRAM_SWEEP_AFTER_SECONDS = 0
    pk = _store(connected.bot, updates.update(text="lost enqueue"))  # stored, never enqueued

    assert sweep_pending_updates() == 1

    assert TelegramUpdate.objects.get(pk=pk).status == "processed"
    assert Message.objects.get().text == "lost enqueue"
    assert sweep_pending_updates() == 0
