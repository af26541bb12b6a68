"""AI settings, reply drafts, stage suggestions and metered usage of one organization."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.crypto import EncryptedTextField
from accounts.models import OrgOwned


class AISettings(OrgOwned):
    """One row per organization (created on first use): provider, tone rules and guardrails."""

    class Provider(models.TextChoices):
        LOCAL = "local", "Built-in offline drafter (not a language model)"
        OPENAI = "openai", "OpenAI-compatible API"

    class Formality(models.TextChoices):
        CASUAL = "casual", "Casual"
        NEUTRAL = "neutral", "Neutral"
        FORMAL = "formal", "Formal"

    provider = models.CharField(max_length=16, choices=Provider.choices, default=Provider.LOCAL)
    base_url = models.URLField(
        blank=True, help_text="Empty for api.openai.com; any OpenAI-compatible server otherwise."
    )
    # Encrypted at rest (accounts.crypto); never shown again after saving.
    api_key = EncryptedTextField(blank=True)
    model = models.CharField(max_length=100, default="gpt-4o-mini")
    embedding_model = models.CharField(max_length=100, default="text-embedding-3-small")
    request_timeout = models.PositiveIntegerField(default=30, help_text="Seconds.")
    # Drafting behaviour
    auto_draft = models.BooleanField(
        default=False, help_text="Draft a reply automatically when a prospect writes."
    )
    stage_suggestions = models.BooleanField(default=True)
    language = models.CharField(
        max_length=16, default="auto", help_text="'auto' replies in the conversation's language."
    )
    context_messages = models.PositiveIntegerField(default=30)
    context_token_budget = models.PositiveIntegerField(default=3000)
    # Tone rules
    formality = models.CharField(max_length=8, choices=Formality.choices, default=Formality.NEUTRAL)
    tone_instructions = models.TextField(blank=True)
    forbidden_phrases = models.JSONField(default=list, blank=True)
    required_disclaimer = models.CharField(max_length=300, blank=True)
    banned_topics = models.JSONField(default=list, blank=True)
    # Guardrails: 0 means "no limit"
    monthly_token_budget = models.PositiveIntegerField(default=0)
    org_drafts_per_minute = models.PositiveIntegerField(default=60)
    user_drafts_per_minute = models.PositiveIntegerField(default=10)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="aisettings_one_per_org")
        ]
        verbose_name = "AI settings"
        verbose_name_plural = "AI settings"

    def __str__(self) -> str:
        return f"AI settings of {self.organization_id}"


class AutoSendChannel(OrgOwned):
    """A channel (bot) whose AI drafts are sent without a human approving each one.

    Off unless an admin adds the row: no AI text leaves without approval otherwise.
    """

    bot = models.ForeignKey("messaging.TelegramBot", on_delete=models.CASCADE, related_name="+")
    enabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    enabled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bot"], name="autosendchannel_unique_bot")]

    def __str__(self) -> str:
        return f"Auto-send on bot {self.bot_id}"


class Draft(OrgOwned):
    """One AI reply proposal for a chat, from request to the member's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", "Generating"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        SENT = "sent", "Approved and sent"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Replaced by a newer draft"

    class Trigger(models.TextChoices):
        MANUAL = "manual", "Requested by a member"
        AUTO = "auto", "Inbound message"
        REGENERATE = "regenerate", "Regenerated with an instruction"
        AUTOMATION = "automation", "Automation"

    chat = models.ForeignKey("messaging.Chat", on_delete=models.CASCADE, related_name="+")
    # The inbound message the draft answers (the newest one when it was requested).
    reply_to = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.MANUAL)
    instruction = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    text = models.TextField(blank=True, help_text="What the provider proposed.")
    final_text = models.TextField(blank=True, help_text="What was sent, after the member's edits.")
    edit_distance = models.PositiveIntegerField(null=True, blank=True)
    # Provenance, shown in the draft's "why" view
    provider = models.CharField(max_length=16, blank=True)
    model = models.CharField(max_length=100, blank=True)
    prompt_version = models.CharField(max_length=40, blank=True)
    prompt = models.JSONField(default=list, blank=True, help_text="The messages sent.")
    context = models.JSONField(default=dict, blank=True, help_text="Facts gathered.")
    guardrail_notes = models.JSONField(default=list, blank=True)
    failure_reason = models.TextField(blank=True)
    reject_reason = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    sent_message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    auto_sent = models.BooleanField(default=False)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    overhead_ms = models.PositiveIntegerField(
        null=True, blank=True, help_text="Context gathering and persistence, model call excluded."
    )
    model_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "chat", "-created_at"]),
            models.Index(fields=["organization", "status", "-created_at"]),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Draft {self.pk} for chat {self.chat_id} ({self.status})"


class StageSuggestion(OrgOwned):
    """'Move this deal to <stage>' with a one-line reason, until a member accepts or dismisses."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"
        STALE = "stale", "No longer applies"

    deal = models.ForeignKey("pipelines.Deal", on_delete=models.CASCADE, related_name="+")
    chat = models.ForeignKey(
        "messaging.Chat", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_stage = models.ForeignKey("pipelines.Stage", on_delete=models.CASCADE, related_name="+")
    to_stage = models.ForeignKey("pipelines.Stage", on_delete=models.CASCADE, related_name="+")
    signal = models.CharField(max_length=32, help_text="What prompted it: reply, meeting, price…")
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deal"], condition=Q(status="open"), name="stagesuggestion_one_open"
            )
        ]
        indexes = [models.Index(fields=["organization", "status", "-created_at"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Suggest stage {self.to_stage_id} for deal {self.deal_id}"


class Usage(OrgOwned):
    """One metered provider call: tokens and estimated cost, for billing and analytics."""

    class Kind(models.TextChoices):
        DRAFT = "draft", "Reply draft"
        SUGGESTION = "suggestion", "Stage suggestion"
        EMBEDDING = "embedding", "Embedding"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    draft = models.ForeignKey(
        Draft, null=True, blank=True, on_delete=models.SET_NULL, related_name="usage"
    )
    provider = models.CharField(max_length=16)
    model = models.CharField(max_length=100)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "created_at"]),
            models.Index(fields=["organization", "user", "created_at"]),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.model} {self.prompt_tokens}+{self.completion_tokens}"
