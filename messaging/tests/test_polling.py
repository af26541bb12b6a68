"""Long polling (no public URL): updates fetched with getUpdates are stored before the offset
confirms them, and fetching them again stores nothing twice."""

import threading

import pytest
from django.core.management import call_command

from messaging.models import Message, TelegramBot, TelegramUpdate
from messaging.telegram.polling import poll_forever, poll_once
from messaging.tests import updates


def test_polling_stores_processes_and_confirms_updates(
    connected, django_capture_on_commit_callbacks
):
    for text in ("first", "second"):
        connected.telegram.push_update(connected.token, updates.update(text=text))

    with django_capture_on_commit_callbacks(execute=True):
        assert poll_once(connected.bot, timeout=0) == 2

    assert sorted(Message.objects.values_list("text", flat=True)) == ["first", "second"]
    bot = TelegramBot.objects.get()
    assert bot.polling_offset == TelegramUpdate.objects.order_by("-update_id")[0].update_id + 1
    # The next call names the offset: Telegram forgets what was stored.
    assert poll_once(bot, timeout=0) == 0
    assert connected.telegram.calls("getUpdates")[-1].params["offset"] == str(bot.polling_offset)
    assert connected.telegram.bot(connected.token).updates == []


def test_updates_fetched_again_after_a_crash_are_stored_once(connected):
    update = connected.telegram.push_update(connected.token, updates.update(text="again"))
    poll_once(connected.bot, timeout=0)
    # The offset write was lost (crash): Telegram serves the same update again.
    TelegramBot.objects.update(polling_offset=0)
    connected.telegram.push_update(connected.token, update)

    poll_once(TelegramBot.objects.get(), timeout=0)

    assert TelegramUpdate.objects.count() == 1
    assert Message.objects.count() == 1


def test_telegram_poll_once_polls_every_polling_bot(connected, capsys):
    connected.telegram.push_update(connected.token, updates.update(text="via command"))

    call_command("telegram_poll", "--once")

    assert "@acme_sales_bot: 1 update(s)" in capsys.readouterr().out
    assert TelegramUpdate.objects.get().payload["message"]["text"] == "via command"


@pytest.mark.django_db(transaction=True)  # the polling thread has its own connection
def test_an_active_webhook_is_reported_on_the_bot(connected):
    connected.telegram.bot(connected.token).webhook = {"url": "https://elsewhere.example/hook"}
    stop = threading.Event()
    thread = threading.Thread(
        target=poll_forever, args=(connected.bot.pk, stop), kwargs={"timeout": 0}
    )

    def stop_after_first_error():
        while not TelegramBot.objects.get().last_error:
            stop.wait(0.05)
        stop.set()

    watcher = threading.Thread(target=stop_after_first_error)
    thread.start()
    watcher.start()
    watcher.join(timeout=20)
    stop.set()
    thread.join(timeout=20)

    assert "webhook is active" in TelegramBot.objects.get().last_error
