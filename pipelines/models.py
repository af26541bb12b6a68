"""Pipelines, their ordered stages, the deals that move through them, and each deal's stage
history. Card order inside a column is a fractional rank string (see ``pipelines.ranking``)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.currencies import CURRENCY_CHOICES
from accounts.models import OrgOwned


class Pipeline(OrgOwned):
    name = models.CharField(max_length=120)
    position = models.IntegerField(default=0)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Exactly one default per organization: the partial index refuses a second one and
            # the services always set one when they clear one.
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(is_default=True),
                name="pipeline_one_default_per_org",
            )
        ]
        indexes = [models.Index(fields=["organization", "position"])]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class StageKind(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class Stage(OrgOwned):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=80)
    position = models.IntegerField(default=0)
    probability = models.PositiveSmallIntegerField(
        default=0, help_text="Chance (%) that a deal in this stage is won."
    )
    kind = models.CharField(max_length=8, choices=StageKind.choices, default=StageKind.OPEN)
    rotting_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A deal idle this many days here is stale. Empty: never."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=100),
                name="stage_probability_0_100",
            )
        ]
        indexes = [models.Index(fields=["organization", "pipeline", "position"])]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.kind != StageKind.OPEN


class DealVia(models.TextChoices):
    USER = "user", "User"
    API = "api", "API"
    AUTOMATION = "automation", "Automation"
    IMPORT = "import", "Import"
    AI_SUGGESTION = "ai_suggestion", "Accepted AI suggestion"


class Deal(OrgOwned):
    title = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(
        max_length=3, choices=CURRENCY_CHOICES, help_text="ISO 4217 code, upper-case."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contacts = models.ManyToManyField("crm.Contact", blank=True, related_name="deals")
    company = models.ForeignKey(
        "crm.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="deals")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="deals")
    # Byte-wise collation: ranks are base-62 strings compared character by character.
    rank = models.CharField(max_length=255, db_collation="C")
    expected_close_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=60, blank=True)
    tags = models.ManyToManyField("crm.Tag", blank=True, related_name="deals")
    lost_reason = models.CharField(max_length=300, blank=True)
    stage_entered_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="deal_value_not_negative"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="deal_currency_iso"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "stage", "rank"]),
            models.Index(fields=["organization", "pipeline", "stage"]),
            models.Index(fields=["organization", "owner"]),
            models.Index(fields=["organization", "expected_close_date"]),
            # "Deal in a stage longer than N days" (automation time source) scans open deals by
            # the time they entered their stage.
            models.Index(
                fields=["organization", "stage_entered_at"],
                name="deal_open_stage_entered",
                condition=Q(closed_at__isnull=True),
            ),
        ]
        ordering = ["rank", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # crm links back to a deal (e.g. after deleting one of its notes) without importing
        # pipelines.
        return reverse("pipelines:deal_detail", args=[self.pk])

    @property
    def weighted_value(self) -> Decimal:
        return (self.value * self.stage.probability / Decimal(100)).quantize(Decimal("0.01"))

    @property
    def days_in_stage(self) -> int:
        return max((timezone.now() - self.stage_entered_at).days, 0)

    @property
    def is_stale(self) -> bool:
        stage = self.stage
        return bool(
            stage.kind == StageKind.OPEN
            and stage.rotting_days
            and self.days_in_stage > stage.rotting_days
        )


class DealStageChange(OrgOwned):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=16, choices=DealVia.choices, default=DealVia.USER)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["organization", "deal", "-changed_at"])]
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.deal}: {self.from_stage} → {self.to_stage}"


class DealPayment(OrgOwned):
    """Money received for a deal, recorded by a member or the API (billing integrations later).

    Recording one emits ``payment.received``, which the built-in "payment received → Won"
    automation listens to.
    """

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(
        max_length=3, choices=CURRENCY_CHOICES, help_text="ISO 4217 code, upper-case."
    )
    reference = models.CharField(
        max_length=200, blank=True, help_text="Invoice number, transfer id, …"
    )
    received_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="dealpayment_amount_positive"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="dealpayment_currency_iso"
            ),
        ]
        indexes = [models.Index(fields=["organization", "deal", "-received_at"])]
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} for {self.deal}"
