"""The engine end to end with a real Celery worker and the fake Telegram: launch → runner on
the campaigns queue → the campaign share → delivery on the telegram queue; paced within the
share while inbox sends go through; and no step twice after a runner's database connection is
killed mid-campaign."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections

from campaigns.engine import runner
from campaigns.models import Campaign, CampaignSend, Recipient
from campaigns.services.lifecycle import campaign_launch
from campaigns.tasks import campaign_run
from campaigns.tests.engine_helpers import Step, add_recipient, running_campaign
from messaging.models import Message
from messaging.services.sending import message_send
from messaging.tests.factories import ChatFactory

pytestmark = pytest.mark.django_db(transaction=True)

TWO_STEPS = [Step("one {{ contact.first_name }}"), Step("two")]


def wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def campaign_done(campaign: Campaign) -> bool:
    return (
        not Recipient.objects.filter(campaign=campaign, status="active").exists()
        and not Message.objects.filter(chat__bot=campaign.bot, status="queued").exists()
    )


def test_launched_campaign_is_paced_within_its_share_while_inbox_sends_go_through(
    celery_worker, fake_telegram, make_member, settings
):
    settings.TELEGRAM_RATE_PER_BOT = 10
    settings.TELEGRAM_RATE_PER_CHAT = 5
    settings.CAMPAIGN_SEND_SHARE = 0.5  # campaigns: 5 a second
    settings.CAMPAIGN_RUNNER_SECONDS = 2  # hand over between runs a few times
    token = fake_telegram.add_bot()
    campaign = running_campaign(recipients=0, steps=TWO_STEPS, token=token, status="draft")
    owner = make_member("owner", organization=campaign.organization)
    campaign.sender = owner.user
    campaign.save()
    chats = [ChatFactory(bot=campaign.bot, organization=campaign.organization) for _ in range(12)]
    inbox_chat = ChatFactory(bot=campaign.bot, organization=campaign.organization)
    inbox_chat.contact.do_not_contact = True  # not in the campaign
    inbox_chat.contact.save()

    result = campaign_launch(campaign=campaign, actor=owner.user)
    assert result.enrolled == 12
    inbox_ids = []
    for i in range(8):
        inbox_ids.append(message_send(chat=inbox_chat, actor=owner.user, text=f"reply {i}").pk)
        time.sleep(0.3)
    wait_for(lambda: campaign_done(campaign))
    wait_for(lambda: Campaign.objects.get(pk=campaign.pk).status == "completed")

    calls = fake_telegram.calls("sendMessage")
    campaign_calls = [c for c in calls if not c.params["text"].startswith("reply")]
    got = Counter((str(c.params["chat_id"]), c.params["text"].split()[0]) for c in campaign_calls)
    expected = {(str(chat.telegram_chat_id), word) for chat in chats for word in ("one", "two")}
    assert set(got) == expected
    assert set(got.values()) == {1}
    # Never more campaign messages than the share (5) nor sends than the bot's 10 in 1 s.
    stamps = sorted(c.at for c in campaign_calls)
    all_stamps = sorted(c.at for c in calls)
    for start in stamps:
        assert sum(1 for t in stamps if start <= t < start + 1) <= 5
    for start in all_stamps:
        assert sum(1 for t in all_stamps if start <= t < start + 1) <= 10
    # Every inbox reply went out, none held back behind the campaign.
    assert set(Message.objects.filter(pk__in=inbox_ids).values_list("status", flat=True)) == {
        "sent"
    }
    # Delivery tracking (message.sent dispatched to the subscriber) follows shortly.
    wait_for(lambda: CampaignSend.objects.filter(campaign=campaign, status="sent").count() == 24)


def test_a_runner_killed_mid_campaign_leaves_no_step_sent_twice_or_skipped(
    celery_worker, fake_telegram, settings
):
    settings.TELEGRAM_RATE_PER_BOT = 60
    settings.TELEGRAM_RATE_PER_CHAT = 5
    settings.CAMPAIGN_SEND_SHARE = 0.5  # 30 a second
    campaign = running_campaign(recipients=0, steps=TWO_STEPS, token=fake_telegram.add_bot())
    recipients = [add_recipient(campaign) for _ in range(30)]
    backend: list[int] = []
    errors: list[BaseException] = []

    def doomed_runner() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend.append(cursor.fetchone()[0])
            runner.run(campaign.pk, seconds=30)
        except BaseException as exc:  # the killed connection surfaces here
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=doomed_runner)
    thread.start()
    wait_for(lambda: CampaignSend.objects.filter(campaign=campaign).count() >= 10, timeout=30)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend[0]])
    thread.join(timeout=30)
    assert errors, "the runner should have died with its connection"
    assert Recipient.objects.filter(campaign=campaign, status="active").exists()

    campaign_run.delay(campaign.pk)  # what the hand-over or the tick does next
    wait_for(lambda: campaign_done(campaign))

    got = Counter(
        (str(c.params["chat_id"]), c.params["text"].split()[0])
        for c in fake_telegram.calls("sendMessage")
    )
    expected = {(str(r.chat.telegram_chat_id), word) for r in recipients for word in ("one", "two")}
    assert set(got) == expected
    assert set(got.values()) == {1}
    assert CampaignSend.objects.filter(campaign=campaign).count() == 60
