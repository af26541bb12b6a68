"""Retrying a failed outbound message: ``message_retry``, its API action and the web endpoint
(the inbox bubble's "Retry" button posts there with htmx)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from messaging.models import Message
from messaging.services.sending import message_deliver, message_retry, message_send
from messaging.tests.factories import MessageFactory


@pytest.fixture(autouse=True)
def _fast_chats(settings):
    settings.TELEGRAM_RATE_PER_CHAT = 1000


@pytest.fixture
def chat(writable_chat):
    return writable_chat


@pytest.fixture
def failed(chat, fake_telegram, settings):
    """A message that gave up after its attempts (Telegram answered 500 every time)."""
    settings.TELEGRAM_SEND_MAX_ATTEMPTS = 2
    fake_telegram.fail_next("sendMessage", 500, times=2)
    message = message_send(chat=chat, actor=None, text="Proposal attached", source="campaign")
    message_deliver(message_id=message.pk)
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "failed"
    return message


def test_a_failed_message_is_queued_again_with_a_fresh_budget(writer, failed):
    message = message_retry(message=failed, actor=writer.user)

    message.refresh_from_db()
    assert (message.status, message.failure_reason, message.attempts) == ("queued", "", 0)
    assert message.next_attempt_at is not None
    event = Event.objects.filter(name="message.queued").latest("pk")
    assert event.payload["message"]["id"] == message.pk
    assert event.payload["message"]["status"] == "queued"
    assert event.actor == writer.user


def test_the_retried_message_is_delivered_once(
    writer, failed, fake_telegram, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_retry(message=failed, actor=writer.user)

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 1)
    texts = [c.params["text"] for c in fake_telegram.calls("sendMessage")]
    assert texts == ["Proposal attached"] * 3  # two refused, one accepted


@pytest.mark.parametrize("status", ["queued", "sent"])
def test_only_failed_messages_can_be_retried(writer, chat, status):
    message = MessageFactory(chat=chat, direction="out", status=status, sent_by_bot=True)

    with pytest.raises(ValidationError) as caught:
        message_retry(message=message, actor=writer.user)

    assert caught.value.code == "not_retryable"
    message.refresh_from_db()
    assert message.status == status


def test_an_inbound_message_cannot_be_retried(writer, chat):
    message = MessageFactory(chat=chat, direction="in", status="failed")

    with pytest.raises(ValidationError, match="Only an outbound message"):
        message_retry(message=message, actor=writer.user)


def test_a_message_to_a_chat_that_blocked_the_bot_is_not_retried(writer, failed):
    failed.chat.is_blocked = True
    failed.chat.save()

    with pytest.raises(ValidationError) as caught:
        message_retry(message=failed, actor=writer.user)

    assert caught.value.code == "chat_blocked"
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_a_viewer_cannot_retry(make_member, failed):
    viewer = make_member("viewer", organization=failed.organization)

    with pytest.raises(PermissionDenied):
        message_retry(message=failed, actor=viewer.user)


# --- API ----------------------------------------------------------------------------------------


def test_the_api_retries_a_failed_message(jwt_client, writer, failed):
    response = jwt_client(writer.user).post(f"/api/v1/messages/{failed.pk}/retry/")

    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["status"]) == (failed.pk, "queued")


def test_the_api_refuses_to_retry_a_sent_message(jwt_client, writer, chat):
    message = MessageFactory(chat=chat, direction="out", status="sent", sent_by_bot=True)

    response = jwt_client(writer.user).post(f"/api/v1/messages/{message.pk}/retry/")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_retryable"


def test_the_api_refuses_a_viewer(jwt_client, make_member, failed):
    viewer = make_member("viewer", organization=failed.organization)

    response = jwt_client(viewer.user).post(f"/api/v1/messages/{failed.pk}/retry/")

    assert response.status_code == 403
    assert Message.objects.get(pk=failed.pk).status == "failed"


def test_the_api_does_not_find_another_organizations_message(jwt_client, make_member, failed):
    stranger = make_member("owner")

    response = jwt_client(stranger.user).post(f"/api/v1/messages/{failed.pk}/retry/")

    assert response.status_code == 404
    assert Message.objects.get(pk=failed.pk).status == "failed"


# --- web ----------------------------------------------------------------------------------------


def test_the_htmx_retry_answers_with_an_event(client, writer, failed):
    client.force_login(writer.user)

    response = client.post(
        reverse("messaging:message_retry", args=[failed.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 204
    assert json.loads(response["HX-Trigger"]) == {"message:retried": {"message": failed.pk}}
    assert Message.objects.get(pk=failed.pk).status == "queued"


def test_the_htmx_retry_of_a_blocked_chat_says_why(client, writer, failed):
    failed.chat.is_blocked = True
    failed.chat.save()
    client.force_login(writer.user)

    response = client.post(
        reverse("messaging:message_retry", args=[failed.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    refused = json.loads(response["HX-Trigger"])["message:retry-refused"]
    assert refused["message"] == failed.pk
    assert "blocked the bot" in refused["error"]
    assert Message.objects.get(pk=failed.pk).status == "failed"


def test_without_javascript_the_retry_returns_to_the_chat(client, writer, failed):
    client.force_login(writer.user)

    response = client.post(reverse("messaging:message_retry", args=[failed.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:inbox_chat", args=[failed.chat_id])
    assert Message.objects.get(pk=failed.pk).status == "queued"


def test_another_organizations_message_is_not_found_on_the_web(client, make_member, failed):
    stranger = make_member("owner")
    client.force_login(stranger.user)

    response = client.post(reverse("messaging:message_retry", args=[failed.pk]))

    assert response.status_code == 404
    assert Message.objects.get(pk=failed.pk).status == "failed"


def test_a_viewer_cannot_retry_from_the_web(client, make_member, failed):
    viewer = make_member("viewer", organization=failed.organization)
    client.force_login(viewer.user)

    response = client.post(reverse("messaging:message_retry", args=[failed.pk]))

    assert response.status_code == 403
    assert Message.objects.get(pk=failed.pk).status == "failed"
