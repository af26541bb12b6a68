"""The campaign runner: sends the due steps of one campaign for up to
``CAMPAIGN_RUNNER_SECONDS``, then hands over (``campaigns.tasks.campaign_run``).

Restart safety. Each send happens in one transaction: lock the recipient row (``SKIP
LOCKED``, so a second runner passes it by), create the message (``message_send``) and its
``CampaignSend`` (unique per recipient and step), advance the recipient to its next step. A
crash before the commit leaves nothing behind (the step is sent by whoever runs next; delivery
is only queued on commit); after it, the recipient has moved on. So no contact gets a step
twice and none is skipped, whatever dies when. A few sends share a transaction
(``GROUP_SIZE``, ``GROUP_SECONDS``): one commit instead of ten, same guarantees.

Pace. Before a message is created the runner takes a token of the bot's campaign share
(``messaging.ratelimit.acquire_campaign``): campaign messages enter the telegram queue no
faster than the share, and the inbox always has the rest of the bot's rate.

Control. The campaign's status is read again at least every ``STATUS_EVERY`` seconds, so a
pause, a cancel or the end date stops the runner within about a second.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from accounts.errors import ValidationError
from automation.events import dispatch_deferred
from campaigns import variables
from campaigns.engine import scheduling
from campaigns.engine.lease import Lease
from campaigns.engine.status import campaign_complete, campaign_end, mark_running
from campaigns.models import Campaign, CampaignSend, CampaignStep, Recipient, StepVariant
from config.redis_connection import redis_client
from messaging import ratelimit, templating
from messaging.models import Message
from messaging.services.sending import message_send

BATCH = 50  # due recipients whose template values are loaded together
STATUS_EVERY = 1.0  # seconds between two reads of the campaign's status
TOKEN_MAX_WAIT = 1.0  # longer campaign-share waits (a 429 pause) end the run with a countdown
HANDOVER_MAX = 60.0  # a next due time further away is left to campaigns_tick
# Sends committed together (their messages enter the telegram queue at the commit).
GROUP_SIZE = 10
GROUP_SECONDS = 0.1
_MORE, _DONE = object(), object()

# message_send's refusal codes → why the recipient stopped.
REFUSALS = {
    "chat_blocked": Recipient.Reason.BLOCKED,
    "channel_unavailable": Recipient.Reason.BOT_DISCONNECTED,
}


@dataclass(frozen=True)
class RunResult:
    sent: int
    status: str  # the campaign's status at the end, or "busy" (another runner holds it)
    next_in: float | None  # run again after this many seconds (None: the tick will decide)


def stats_key(campaign_id: int) -> str:
    """Redis hash of the runner's totals (sends, busy seconds, CPU seconds): the benchmark's
    "scheduling overhead per recipient", cheap enough to keep always."""
    return f"{settings.REDIS_KEY_PREFIX}:campaign-stats:{campaign_id}"


def run(campaign_id: int, *, seconds: float | None = None) -> RunResult:
    """Send what is due for up to ``seconds`` (``CAMPAIGN_RUNNER_SECONDS``); exits at once
    when another runner holds the campaign's lease."""
    lease = Lease(campaign_id)
    if not lease.acquire():
        return RunResult(0, "busy", None)
    runner = _Runner(
        campaign_id, lease, settings.CAMPAIGN_RUNNER_SECONDS if seconds is None else seconds
    )
    try:
        with dispatch_deferred():
            return runner.loop()
    finally:
        lease.release()
        runner.record_stats()


class _Wait(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class _Runner:
    def __init__(self, campaign_id: int, lease: Lease, seconds: float) -> None:
        self.campaign_id = campaign_id
        self.lease = lease
        self.deadline = time.monotonic() + seconds
        self.started = (time.monotonic(), time.thread_time())
        self.waited = 0.0
        self.sent = 0
        self.campaign: Campaign | None = None
        self.steps: dict[int, tuple[CampaignStep, list[StepVariant]]] = {}
        self.checked_at = 0.0
        self.sent_today = 0
        self.day_end: datetime.datetime | None = None

    # --- the loop ------------------------------------------------------------------------------

    def loop(self) -> RunResult:
        while time.monotonic() < self.deadline:
            if not self.refresh():
                return self.result(None)
            now = timezone.now()
            if self.cap_reached():
                return self.result(min(HANDOVER_MAX, (self.day_end - now).total_seconds()))
            due = list(
                Recipient.objects.filter(
                    campaign_id=self.campaign_id,
                    status=Recipient.Status.ACTIVE,
                    next_send_at__lte=now,
                )
                .select_related("contact")
                .order_by("next_send_at", "pk")[:BATCH]
            )
            if not due:
                return self.idle(now)
            resolvers = variables.values_for(self.campaign, [r.contact for r in due])
            pending = iter(due)
            while True:
                outcome = self.send_group(pending, resolvers)
                if outcome is not _MORE:
                    break
            if outcome is not _DONE:
                return self.result(outcome)
        return self.result(0)

    def send_group(self, pending: Iterator[Recipient], resolvers: dict) -> object:
        """Process recipients in one transaction for up to ``GROUP_SIZE`` of them or
        ``GROUP_SECONDS``: each is all-or-nothing as before (a crash rolls the whole group
        back, before any of its messages was queued), for one commit instead of many.

        Returns ``_MORE`` (go on), ``_DONE`` (this batch is through) or what ``result``
        should say: None (stop), or seconds to come back after."""
        started = time.monotonic()
        with transaction.atomic():
            for count, recipient in enumerate(pending, start=1):
                if time.monotonic() - self.checked_at >= STATUS_EVERY and not self.refresh():
                    return None
                if self.cap_reached() or time.monotonic() >= self.deadline:
                    return _DONE
                try:
                    self.process(recipient.pk, resolvers.get(recipient.contact_id, _blank))
                except _Wait as wait:
                    return wait.seconds  # what was done so far commits
                if count >= GROUP_SIZE or time.monotonic() - started >= GROUP_SECONDS:
                    return _MORE
        return _DONE

    def refresh(self) -> bool:
        """Read the campaign again; True while it may send (running, before its end, lease
        still ours)."""
        campaign = (
            Campaign.objects.select_related("organization", "bot")
            .filter(pk=self.campaign_id)
            .first()
        )
        self.campaign = campaign
        self.checked_at = time.monotonic()
        if campaign is None:
            return False
        now = timezone.now()
        if campaign.status == Campaign.Status.SCHEDULED and (
            campaign.starts_at is None or campaign.starts_at <= now
        ):
            mark_running(campaign)
        if campaign.status != Campaign.Status.RUNNING or not self.lease.renew():
            return False
        if campaign.ends_at is not None and now >= campaign.ends_at:
            campaign_end(campaign, now=now)
            return False
        if not self.steps:
            steps = CampaignStep.objects.filter(campaign=campaign).prefetch_related("variants")
            self.steps = {step.position: (step, list(step.variants.all())) for step in steps}
        if campaign.daily_cap is not None:
            start, self.day_end = scheduling.day_bounds(now, campaign.organization.time_zone)
            self.sent_today = CampaignSend.objects.filter(
                organization_id=campaign.organization_id,
                campaign=campaign,
                created_at__gte=start,
                created_at__lt=self.day_end,
            ).count()
        return True

    def cap_reached(self) -> bool:
        cap = self.campaign.daily_cap
        return cap is not None and self.sent_today >= cap

    def idle(self, now: datetime.datetime) -> RunResult:
        """Nothing due: complete the campaign when no sequence is left, else say when the next
        step is due."""
        campaign = self.campaign
        next_due = Recipient.objects.filter(
            campaign=campaign, status=Recipient.Status.ACTIVE
        ).aggregate(at=Min("next_send_at"))["at"]
        active = Recipient.objects.filter(campaign=campaign, status=Recipient.Status.ACTIVE)
        if not active.exists():
            # Dynamic enrolment keeps a campaign open for newcomers until its end date (or
            # until it is cancelled, without one).
            if not campaign.dynamic_enrolment:
                campaign_complete(campaign, now=now)
            return self.result(None)
        if next_due is None:
            return self.result(None)
        wait = (next_due - now).total_seconds()
        if campaign.ends_at is not None:
            wait = min(wait, (campaign.ends_at - now).total_seconds())
        return self.result(max(wait, 0.0) if wait <= HANDOVER_MAX else None)

    # --- one recipient -------------------------------------------------------------------------

    def process(self, recipient_id: int, resolve: Callable[[str], str]) -> None:
        """One recipient's due step (or why not), inside the group's transaction."""
        campaign = self.campaign
        # No ORDER BY/LIMIT (``first()``) and only the joins needed: compiling this query
        # is a good part of a send's CPU. The chat's bot and organization are the
        # campaign's (a chat of another bot is reported as disconnected below).
        recipient = next(
            iter(
                Recipient.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("contact", "chat")
                .filter(pk=recipient_id, status=Recipient.Status.ACTIVE)
            ),
            None,
        )
        now = timezone.now()
        if recipient is None or recipient.next_send_at is None or recipient.next_send_at > now:
            return  # another runner has it, or it moved on
        found = self.steps.get(recipient.next_position)
        if found is None:
            _finish(recipient, Recipient.Status.COMPLETED, "", now)
            return
        step, variants = found
        reason = _unreachable(campaign, recipient)
        if reason:
            _finish(recipient, Recipient.Status.STOPPED, reason, now)
            return
        tz = scheduling.recipient_zone(
            campaign, recipient.contact.time_zone, campaign.organization.time_zone
        )
        if step.only_if_no_reply and recipient.replied_at is not None:
            self.advance(recipient, now, tz, sent=False)  # skipped, not sent
            return
        when = scheduling.due_at(campaign, now, tz)
        if when is None:  # the window does not open again before the end
            _finish(recipient, Recipient.Status.STOPPED, Recipient.Reason.ENDED, now)
            return
        if when > now:
            recipient.next_send_at = when
            recipient.save(update_fields=["next_send_at"])
            return
        variant = scheduling.choose_variant(variants, recipient_id=recipient.pk, step_id=step.pk)
        text = templating.render(variant.body, resolve)
        self.take_token(campaign.bot_id)
        try:
            with transaction.atomic():
                message = message_send(
                    chat=recipient.chat, actor=None, text=text, source=Message.Source.CAMPAIGN
                )
                CampaignSend.objects.create(
                    organization_id=campaign.organization_id,
                    campaign=campaign,
                    recipient=recipient,
                    step=step,
                    variant=variant,
                    message=message,
                    created_at=now,
                )
        except ValidationError as refused:
            reason = REFUSALS.get(refused.code or "", Recipient.Reason.SEND_FAILED)
            status = (
                Recipient.Status.STOPPED if reason in REFUSALS.values() else Recipient.Status.FAILED
            )
            _finish(recipient, status, reason, now)
            return
        except IntegrityError:
            # This step went out in a run whose recipient update was lost: move on.
            self.advance(recipient, now, tz, sent=False)
            return
        self.sent += 1
        self.sent_today += 1
        self.advance(recipient, now, tz, sent=True)

    def take_token(self, bot_id: int) -> None:
        started = time.monotonic()
        try:
            while True:
                wait = ratelimit.acquire_campaign(bot_id=bot_id)
                if wait == 0:
                    return
                if wait > TOKEN_MAX_WAIT:
                    raise _Wait(wait)
                time.sleep(wait)
        finally:
            self.waited += time.monotonic() - started

    def advance(
        self, recipient: Recipient, now: datetime.datetime, tz: datetime.tzinfo, *, sent: bool
    ) -> None:
        """Point the recipient at its next step (due its delay after now, in its window), or
        finish its sequence."""
        fields = ["next_position", "next_send_at", "status", "finished_at"]
        recipient.next_position += 1
        if sent:
            recipient.last_sent_at = now
            fields.append("last_sent_at")
        found = self.steps.get(recipient.next_position)
        if found is None:
            recipient.status = Recipient.Status.COMPLETED
            recipient.next_send_at, recipient.finished_at = None, now
        else:
            earliest = scheduling.after_delay(now, found[0].delay_minutes)
            recipient.next_send_at = scheduling.due_at(self.campaign, earliest, tz) or earliest
        recipient.save(update_fields=fields)

    # --- results -------------------------------------------------------------------------------

    def result(self, next_in: float | None) -> RunResult:
        status = self.campaign.status if self.campaign is not None else "missing"
        return RunResult(self.sent, status, next_in)

    def record_stats(self) -> None:
        wall = time.monotonic() - self.started[0]
        if not self.sent:
            return
        key = stats_key(self.campaign_id)
        pipe = redis_client().pipeline()
        pipe.hincrby(key, "sent", self.sent)
        pipe.hincrbyfloat(key, "busy_seconds", max(wall - self.waited, 0.0))
        pipe.hincrbyfloat(key, "cpu_seconds", time.thread_time() - self.started[1])
        pipe.expire(key, 7 * 24 * 3600)
        pipe.execute()


def _blank(name: str) -> str:
    return ""


def _unreachable(campaign: Campaign, recipient: Recipient) -> str:
    """Why the recipient can no longer be written to ("" when it can). Gives the chat the
    campaign's bot and organization (already loaded) for ``message_send``."""
    if recipient.contact.do_not_contact:
        return Recipient.Reason.DO_NOT_CONTACT
    if campaign.bot is None or not campaign.bot.is_active:
        return Recipient.Reason.BOT_DISCONNECTED
    chat = recipient.chat
    if chat is None:
        return Recipient.Reason.NO_CHAT
    if chat.bot_id != campaign.bot_id:
        return Recipient.Reason.BOT_DISCONNECTED
    chat.bot, chat.organization = campaign.bot, campaign.organization
    if chat.is_blocked:
        return Recipient.Reason.BLOCKED
    return ""


def _finish(recipient: Recipient, status: str, reason: str, now: datetime.datetime) -> None:
    recipient.status, recipient.reason = status, reason
    recipient.next_send_at, recipient.finished_at = None, now
    recipient.save(update_fields=["status", "reason", "next_send_at", "finished_at"])
