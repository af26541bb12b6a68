"""Campaigns: cold-outreach sequences sent to an audience of contacts through a Telegram bot.

A campaign has ordered steps; each step has one or more A/B variants (the message template and
its share of traffic). Launching snapshots the audience into ``Recipient`` rows — reachable ones
``active``, the rest ``unreachable`` with the reason, never silently dropped. The engine
(``campaigns/engine/``) walks due recipients and records one ``CampaignSend`` per (recipient,
step): the unique constraint is what makes a restarted worker unable to send a step twice.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import OrgOwned
from crm.models import Contact, SavedView
from messaging.models import Chat, Message, TelegramBot

ALL_WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]  # Monday = 0, as datetime.weekday()


def default_window_days() -> list[int]:
    return [0, 1, 2, 3, 4]


class Campaign(OrgOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class Channel(models.TextChoices):
        TELEGRAM = "telegram", "Telegram"

    class TimeZoneMode(models.TextChoices):
        CONTACT = "contact", "The contact's time zone (organization's when unknown)"
        ORGANIZATION = "organization", "The organization's time zone"

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.TELEGRAM)
    bot = models.ForeignKey(
        TelegramBot, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns"
    )
    # The member whose name the templates' sender variables use (and who launched it).
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Audience: a saved contacts view and/or contact list filters (crm/filters.py parameters),
    # both applied when both are set; plus the campaign-only flags below.
    audience_view = models.ForeignKey(
        SavedView, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    audience_filters = models.JSONField(default=dict, blank=True)
    only_never_contacted = models.BooleanField(default=False)
    exclude_in_other_campaigns = models.BooleanField(default=True)
    # Contacts that start matching the audience after launch are enrolled while it runs.
    dynamic_enrolment = models.BooleanField(default=False)
    # Send window: days of week (Monday = 0) and hours, in the contact's or org's time zone.
    window_days = ArrayField(models.PositiveSmallIntegerField(), default=default_window_days)
    window_start = models.TimeField(default="09:00")
    window_end = models.TimeField(default="18:00")
    time_zone_mode = models.CharField(
        max_length=16, choices=TimeZoneMode.choices, default=TimeZoneMode.CONTACT
    )
    daily_cap = models.PositiveIntegerField(null=True, blank=True)  # sends per day; None = no cap
    starts_at = models.DateTimeField(null=True, blank=True)  # None: as soon as launched
    ends_at = models.DateTimeField(null=True, blank=True)  # None: until every sequence is done
    # A reply stops the contact's sequence; when off, steps marked "only if no reply" are skipped
    # for contacts who replied and the others still go out.
    stop_on_reply = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    launched_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)  # completed or cancelled

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(
                fields=["status"],
                name="campaign_live_idx",
                condition=Q(status__in=["scheduled", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_editable(self) -> bool:
        """Steps (their number and order) change only before launch."""
        return self.status == self.Status.DRAFT

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.SCHEDULED, self.Status.RUNNING, self.Status.PAUSED)


class CampaignStep(OrgOwned):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()  # 0, 1, 2 … in sending order
    # Wait after the previous step was sent (the first step: after launch / start).
    delay_minutes = models.PositiveIntegerField(default=0)
    only_if_no_reply = models.BooleanField(default=True)

    class Meta:
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "position"], name="campaign_step_position")
        ]

    def __str__(self) -> str:
        return f"Step {self.position + 1} of {self.campaign_id}"


class StepVariant(OrgOwned):
    """One version of a step's message; recipients are split across variants by ``weight``."""

    step = models.ForeignKey(CampaignStep, on_delete=models.CASCADE, related_name="variants")
    label = models.CharField(max_length=8)  # "A", "B", …
    body = models.TextField()
    weight = models.PositiveSmallIntegerField(default=50)

    class Meta:
        ordering = ["step", "label"]
        constraints = [models.UniqueConstraint(fields=["step", "label"], name="step_variant_label")]

    def __str__(self) -> str:
        return f"Variant {self.label}"


class Recipient(OrgOwned):
    """A contact enrolled in a campaign (or listed as unreachable, with the reason)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "In sequence"
        COMPLETED = "completed", "Sequence finished"
        REPLIED = "replied", "Replied"
        OPTED_OUT = "opted_out", "Opted out"
        FAILED = "failed", "Failed"
        STOPPED = "stopped", "Stopped"  # campaign cancelled, contact became unreachable…
        UNREACHABLE = "unreachable", "Not reachable"

    class Reason(models.TextChoices):
        NONE = "", "—"
        NO_CHAT = "no_chat", "Has not started the bot and shares no group with it"
        BLOCKED = "blocked", "Blocked the bot"
        DO_NOT_CONTACT = "do_not_contact", "Marked do-not-contact"
        OTHER_CAMPAIGN = "other_campaign", "In another active campaign"
        BOT_DISCONNECTED = "bot_disconnected", "The campaign's bot is disconnected"
        SEND_FAILED = "send_failed", "Telegram refused the message"
        CANCELLED = "cancelled", "The campaign was cancelled"
        ENDED = "ended", "The campaign reached its end date"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    chat = models.ForeignKey(
        Chat, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    reason = models.CharField(max_length=32, choices=Reason.choices, blank=True, default="")
    next_position = models.PositiveIntegerField(default=0)  # the step it gets next
    next_send_at = models.DateTimeField(null=True, blank=True)  # None: nothing due
    enrolled_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "contact"], name="recipient_unique")
        ]
        indexes = [
            models.Index(fields=["organization", "campaign", "status"]),
            models.Index(fields=["organization", "contact"]),
            # The engine's "who is due" scan.
            models.Index(
                fields=["campaign", "next_send_at"],
                name="recipient_due_idx",
                condition=Q(status="active"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} in campaign {self.campaign_id}"


class CampaignSend(OrgOwned):
    """One step sent (or being sent) to one recipient: the delivery-tracking row."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        REPLIED = "replied", "Replied"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sends")
    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="sends")
    step = models.ForeignKey(CampaignStep, on_delete=models.CASCADE, related_name="sends")
    variant = models.ForeignKey(StepVariant, on_delete=models.CASCADE, related_name="sends")
    message = models.OneToOneField(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaign_send"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Never the same step twice to one recipient, whatever crashes and restarts.
            models.UniqueConstraint(fields=["recipient", "step"], name="campaign_send_once")
        ]
        indexes = [
            models.Index(fields=["organization", "campaign", "created_at"]),
            models.Index(fields=["campaign", "status"]),
        ]

    def __str__(self) -> str:
        return f"Step {self.step_id} to recipient {self.recipient_id}"
