import pytest
from django.db import connection
from django.urls import reverse

from accounts.errors import PermissionDenied
from automation.models import Event
from messaging.errors import BotTokenInvalid
from messaging.models import TelegramBot
from messaging.services.bots import bot_connect


@pytest.fixture
def owner(make_member):
    return make_member("owner")


def test_connecting_validates_the_token_with_getme_and_stores_the_bot(owner, fake_telegram):
    token = fake_telegram.add_bot(username="acme_sales_bot", first_name="Acme Sales")

    bot = bot_connect(organization=owner.organization, actor=owner.user, token=token)

    assert (bot.username, bot.name, bot.mode) == ("acme_sales_bot", "Acme Sales", "polling")
    assert bot.telegram_id == fake_telegram.bot(token).id
    assert len(fake_telegram.calls("getMe")) == 1
    # Polling needs the webhook gone: Telegram refuses getUpdates while one is set.
    assert len(fake_telegram.calls("deleteWebhook")) == 1
    event = Event.objects.get(organization=owner.organization, name="bot.connected")
    assert event.payload["bot"]["username"] == "acme_sales_bot"
    assert "token" not in event.payload["bot"]


def test_the_token_is_encrypted_at_rest(owner, fake_telegram):
    token = fake_telegram.add_bot()
    bot = bot_connect(organization=owner.organization, actor=owner.user, token=token)

    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM messaging_telegrambot WHERE id = %s", [bot.pk])
        stored = cursor.fetchone()[0]
    assert token not in stored
    assert token.split(":")[1] not in stored
    assert TelegramBot.objects.get(pk=bot.pk).token == token


def test_with_a_public_url_the_bot_gets_a_webhook_with_its_secret(owner, fake_telegram, settings):
    settings.PUBLIC_BASE_URL = "https://crm.example.com"
    token = fake_telegram.add_bot()

    bot = bot_connect(organization=owner.organization, actor=owner.user, token=token)

    assert bot.mode == "webhook"
    [call] = fake_telegram.calls("setWebhook")
    assert call.params["url"] == f"https://crm.example.com/telegram/webhook/{bot.pk}/"
    assert call.params["secret_token"] == bot.webhook_secret
    assert len(bot.webhook_secret) >= 32


def test_a_wrong_or_revoked_token_is_a_clear_field_error(owner, fake_telegram):
    token = fake_telegram.add_bot()
    fake_telegram.revoke(token)

    with pytest.raises(BotTokenInvalid) as error:
        bot_connect(organization=owner.organization, actor=owner.user, token=token)

    assert "refused this token" in error.value.fields["token"][0]
    assert not TelegramBot.objects.exists()


def test_a_malformed_token_is_refused_without_asking_telegram(owner, fake_telegram):
    with pytest.raises(BotTokenInvalid, match="not a bot token"):
        bot_connect(organization=owner.organization, actor=owner.user, token="hello")
    assert fake_telegram.calls() == []


def test_a_refused_webhook_leaves_no_half_connected_bot(owner, fake_telegram, settings):
    settings.PUBLIC_BASE_URL = "https://crm.example.com"
    token = fake_telegram.add_bot()
    fake_telegram.fail_next("setWebhook", 400, description="Bad Request: bad webhook")

    with pytest.raises(Exception, match="refused the webhook"):
        bot_connect(organization=owner.organization, actor=owner.user, token=token)

    assert not TelegramBot.objects.exists()


def test_the_same_bot_cannot_be_connected_twice(owner, fake_telegram):
    token = fake_telegram.add_bot(username="twice_bot")
    bot_connect(organization=owner.organization, actor=owner.user, token=token)

    with pytest.raises(Exception, match="already connected"):
        bot_connect(organization=owner.organization, actor=owner.user, token=token)


def test_a_business_developer_cannot_connect_bots(make_member, fake_telegram):
    bidi = make_member("bidi")
    with pytest.raises(PermissionDenied):
        bot_connect(organization=bidi.organization, actor=bidi.user, token=fake_telegram.add_bot())


def test_the_settings_page_connects_a_bot(client, owner, fake_telegram):
    client.force_login(owner.user)
    token = fake_telegram.add_bot(username="page_bot")

    response = client.post(reverse("messaging:bot_list"), {"token": token, "name": "Sales"})

    assert response.status_code == 302
    page = client.get(reverse("messaging:bot_list")).content.decode()
    assert "@page_bot" in page and "Sales" in page
    assert token not in page


def test_the_settings_page_shows_a_wrong_token_next_to_the_field(client, owner, fake_telegram):
    client.force_login(owner.user)
    token = fake_telegram.add_bot()
    fake_telegram.revoke(token)

    response = client.post(reverse("messaging:bot_list"), {"token": token})

    assert response.status_code == 200
    assert "Telegram refused this token" in response.content.decode()
    assert not TelegramBot.objects.exists()


def test_the_api_connects_a_bot_and_never_returns_the_token(jwt_client, owner, fake_telegram):
    token = fake_telegram.add_bot(username="api_bot")
    api = jwt_client(owner.user)

    response = api.post("/api/v1/telegram-bots/", {"token": token}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["username"] == "api_bot"
    assert token not in response.content.decode()
    bad = api.post("/api/v1/telegram-bots/", {"token": "123:short"}, format="json")
    assert bad.status_code == 400
    assert "token" in bad.json()["error"]["fields"]
