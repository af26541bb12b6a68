"""Triggers (when → conditions → actions) and the log of each run.

A trigger's conditions and actions are JSON documents validated by ``automation.triggers``
(the same validation for the API, the web form builder and the admin); they are data, not
code, so a trigger survives deploys and can be shown, edited and dry-run.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from accounts.models import OrgOwned
from automation.models.events import Event


class Trigger(OrgOwned):
    class When(models.TextChoices):
        EVENT = "event", "When an event happens"
        CRON = "cron", "On a schedule"
        RELATIVE = "relative", "After a while without something happening"

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)
    enabled = models.BooleanField(default=True)
    when = models.CharField(max_length=16, choices=When.choices, default=When.EVENT)
    # when=event: a name from automation.catalog.CATALOG.
    event_name = models.CharField(max_length=64, blank=True)
    # when=cron: five cron fields, read in the organization's time zone.
    cron = models.CharField(max_length=120, blank=True)
    # when=relative: a key of automation.registry time sources (e.g. "chat.no_reply") and its
    # parameters (e.g. {"days": 3}).
    relative_kind = models.CharField(max_length=64, blank=True)
    relative_params = models.JSONField(default=dict, blank=True)
    # {"all": [...]} / {"any": [...]} of {"field", "op", "value"} leaves and nested groups.
    conditions = models.JSONField(default=dict, blank=True)
    # [{"type": <action key>, "params": {...}}, ...], run in order.
    actions = models.JSONField(default=list, blank=True)
    # Set on the built-in automatic deal transitions (e.g. "transition.first_reply"), which the
    # product creates for the default pipeline; members may edit or disable them.
    builtin = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # when=cron/relative: when the scheduler looks at it next.
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(
                fields=["organization", "event_name"],
                name="trigger_event_enabled_idx",
                condition=models.Q(enabled=True, when="event"),
            ),
            models.Index(
                fields=["next_run_at"],
                name="trigger_due_idx",
                condition=models.Q(enabled=True) & ~models.Q(when="event"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "builtin"],
                name="trigger_builtin_unique",
                condition=~models.Q(builtin=""),
            )
        ]

    def __str__(self) -> str:
        return self.name


class TriggerRun(OrgOwned):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        RETRYING = "retrying", "Waiting to retry"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Conditions not met"
        LOOP = "loop", "Stopped: loop"

    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="runs")
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What makes a run unique for its trigger: "event:<id>", "cron:<iso minute>",
    # "relative:<source key>" — a redispatch or a second scheduler tick finds it taken.
    dedupe_key = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # The event's payload, or what a time-based trigger fired for.
    payload = models.JSONField(default=dict, blank=True)
    # [{"path": "0.1", "field", "op", "value", "actual", "passed"}], in evaluation order.
    conditions_result = models.JSONField(default=list, blank=True)
    # [{"index", "type", "status": succeeded|failed|skipped, "result", "error", "attempts"}].
    actions_result = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    trigger_chain = ArrayField(models.IntegerField(), default=list, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["trigger", "dedupe_key"], name="trigger_run_unique")
        ]
        indexes = [
            models.Index(fields=["organization", "-id"]),
            models.Index(fields=["trigger", "-id"]),
            models.Index(fields=["organization", "status", "-id"]),
            models.Index(
                fields=["next_attempt_at"],
                name="trigger_run_retry_idx",
                condition=models.Q(status__in=["pending", "retrying"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trigger} #{self.pk} ({self.status})"
