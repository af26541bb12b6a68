"""The webhook endpoint: refuses what is not from Telegram, stores the raw update first and
acknowledges a replayed update without processing it again."""

from messaging.models import Chat, Message, TelegramUpdate
from messaging.tests import updates
from messaging.tests.conftest import webhook_post


def test_a_wrong_secret_is_401_and_nothing_is_stored(client, connected):
    response = webhook_post(client, connected.bot, updates.update(), secret="not-the-secret")

    assert response.status_code == 401
    assert not TelegramUpdate.objects.exists()


def test_a_missing_secret_is_401(client, connected):
    response = webhook_post(client, connected.bot, updates.update(), secret="")

    assert response.status_code == 401
    assert not TelegramUpdate.objects.exists()


def test_malformed_json_is_400(client, connected):
    for body in ("{not json", "[1, 2]", '{"message": {}}', '{"update_id": "7"}'):
        response = webhook_post(client, connected.bot, body, raw=True)
        assert response.status_code == 400, body
    assert not TelegramUpdate.objects.exists()


def test_an_unknown_or_disconnected_bot_is_404(client, connected):
    connected.bot.is_active = False
    connected.bot.save()

    assert webhook_post(client, connected.bot, updates.update()).status_code == 404
    response = client.post("/telegram/webhook/999999/", data="{}", content_type="application/json")
    assert response.status_code == 404


def test_only_post_is_accepted(client, connected):
    assert client.get(f"/telegram/webhook/{connected.bot.pk}/").status_code == 405


def test_an_update_is_stored_raw_and_processed(deliver, connected):
    update = updates.update(text="Do you ship to Berlin?")

    deliver(connected.bot, update)

    stored = TelegramUpdate.objects.get()
    assert stored.payload == update
    assert stored.update_id == update["update_id"]
    assert stored.status == "processed" and stored.attempts == 1
    assert Message.objects.get().text == "Do you ship to Berlin?"


def test_a_replayed_update_is_acknowledged_and_ignored(deliver, connected):
    update = updates.update(text="Once")

    deliver(connected.bot, update)
    deliver(connected.bot, update)

    assert TelegramUpdate.objects.count() == 1
    assert Message.objects.count() == 1
    assert Chat.objects.count() == 1
