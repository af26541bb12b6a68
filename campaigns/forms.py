"""Web forms of the campaign pages. They only shape input (types, lengths, choices); the
services (campaigns.services.*) decide the rest and their field errors land next to the fields.

The steps editor is not a Django form: its rows are numbered inputs (``step-0-variant-1-body``)
read by ``read_steps`` into the list ``campaign_steps_set`` takes, so adding a step or a variant
is one more row, not a formset management dance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import QuerySet

from accounts.forms import DomainErrorForm
from campaigns.models import Campaign, CampaignStep, Recipient
from messaging.models import TelegramBot

WEEKDAYS = [
    (0, "Mon"),
    (1, "Tue"),
    (2, "Wed"),
    (3, "Thu"),
    (4, "Fri"),
    (5, "Sat"),
    (6, "Sun"),
]
MAX_STEPS = 10
MAX_VARIANTS = 4
LABELS = "ABCDEFGHIJ"


class BotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: TelegramBot) -> str:
        return f"{obj.name} (@{obj.username})"


class CampaignBasicsForm(DomainErrorForm):
    """Name, bot and description: the create page and the builder's first section."""

    name = forms.CharField(
        label="Name",
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": "Founders in fintech, Q3"}),
    )
    bot = BotChoiceField(
        label="Send from bot",
        queryset=TelegramBot.objects.none(),
        required=False,
        empty_label="Choose a bot…",
        help_text="Contacts get the messages from this bot; they must have started it or share "
        "a group with it.",
    )
    description = forms.CharField(
        label="Description",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, bots: QuerySet[TelegramBot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bot"].queryset = bots

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        return {"name": campaign.name, "bot": campaign.bot_id, "description": campaign.description}

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "bot": data.get("bot"),
            "description": data.get("description", ""),
        }


class AudienceFlagsForm(DomainErrorForm):
    """The audience's saved view and flags; the contact filters come from crm's filter panel."""

    audience_view = forms.TypedChoiceField(
        label="Saved contact view",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Start from a saved view of the contacts list; the filters below narrow it.",
    )
    only_never_contacted = forms.BooleanField(
        label="Only contacts we have never written to", required=False
    )
    exclude_in_other_campaigns = forms.BooleanField(
        label="Skip contacts who are in another active campaign", required=False
    )
    dynamic_enrolment = forms.BooleanField(
        label="Also enrol contacts who match later, while the campaign runs", required=False
    )

    def __init__(self, *args: Any, views: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience_view"].choices = [("", "All contacts"), *views]

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        return {
            "audience_view": campaign.audience_view_id,
            "only_never_contacted": campaign.only_never_contacted,
            "exclude_in_other_campaigns": campaign.exclude_in_other_campaigns,
            "dynamic_enrolment": campaign.dynamic_enrolment,
        }


class ScheduleForm(DomainErrorForm):
    window_days = forms.TypedMultipleChoiceField(
        label="Send on",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    window_start = forms.TimeField(
        label="From", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    window_end = forms.TimeField(
        label="Until", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    time_zone_mode = forms.ChoiceField(
        label="In the time zone of", choices=Campaign.TimeZoneMode.choices
    )
    daily_cap = forms.IntegerField(
        label="At most this many messages a day",
        required=False,
        min_value=1,
        max_value=100000,
        help_text="Leave empty for no cap.",
    )
    starts_at = forms.DateTimeField(
        label="Start on",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text="Empty: as soon as it is launched.",
    )
    ends_at = forms.DateTimeField(
        label="Stop on",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text="Empty: when every sequence is done.",
    )
    stop_on_reply = forms.BooleanField(
        label="Stop a contact's sequence when they reply", required=False
    )

    FIELDS = (
        "window_days",
        "window_start",
        "window_end",
        "time_zone_mode",
        "daily_cap",
        "starts_at",
        "ends_at",
        "stop_on_reply",
    )

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        return {name: getattr(campaign, name) for name in cls.FIELDS}

    def service_data(self, campaign: Campaign) -> dict[str, Any]:
        """Only what is allowed to change in the campaign's status (a running campaign keeps
        its start and time zone mode: the form shows them read-only)."""
        data = {name: self.cleaned_data.get(name) for name in self.FIELDS}
        if not campaign.is_editable:
            for name in ("window_days", "time_zone_mode", "starts_at"):
                if data[name] == getattr(campaign, name) or name not in self.data:
                    data.pop(name)
        return data


class RecipientFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Recipient.Status.choices]
    )
    reason = forms.ChoiceField(
        label="Reason",
        required=False,
        choices=[("", "Any reason"), *Recipient.Reason.choices[1:]],
    )
    q = forms.CharField(label="Search", required=False, max_length=100)


# --- the steps editor ----------------------------------------------------------------------


@dataclass
class VariantRow:
    label: str = "A"
    body: str = ""
    weight: str = "100"
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class StepRow:
    delay_days: str = "0"
    delay_hours: str = "0"
    only_if_no_reply: bool = True
    variants: list[VariantRow] = field(default_factory=lambda: [VariantRow()])
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def can_add_variant(self) -> bool:
        return len(self.variants) < MAX_VARIANTS


def rows_from_steps(steps: list[CampaignStep]) -> list[StepRow]:
    rows = []
    for step in steps:
        days, minutes = divmod(step.delay_minutes, 1440)
        rows.append(
            StepRow(
                delay_days=str(days),
                delay_hours=str(minutes // 60),
                only_if_no_reply=step.only_if_no_reply,
                variants=[
                    VariantRow(label=v.label, body=v.body, weight=str(v.weight))
                    for v in step.variants.all()
                ],
            )
        )
    return rows


def _count(data: Any, name: str, limit: int) -> int:
    raw = str(data.get(name, "0"))
    return min(int(raw), limit) if raw.isdigit() else 0


def read_rows(data: Any) -> list[StepRow]:
    """The editor's rows as typed, for re-rendering (with errors) and for saving."""
    rows = []
    for i in range(_count(data, "step_count", MAX_STEPS + 1)):
        prefix = f"step-{i}-"
        variants = []
        for j in range(_count(data, f"{prefix}variant_count", MAX_VARIANTS + 1)):
            vp = f"{prefix}variant-{j}-"
            variants.append(
                VariantRow(
                    label=str(data.get(f"{vp}label", "")).strip()[:8],
                    body=str(data.get(f"{vp}body", "")),
                    weight=str(data.get(f"{vp}weight", "")).strip(),
                )
            )
        rows.append(
            StepRow(
                delay_days=str(data.get(f"{prefix}delay_days", "0")).strip() or "0",
                delay_hours=str(data.get(f"{prefix}delay_hours", "0")).strip() or "0",
                only_if_no_reply=bool(data.get(f"{prefix}only_if_no_reply")),
                variants=variants,
            )
        )
    return rows


def relabel(rows: list[StepRow]) -> None:
    for row in rows:
        for n, variant in enumerate(row.variants):
            variant.label = LABELS[n]


def _even_weights(row: StepRow) -> None:
    """A variant added or removed splits the traffic evenly again (the author tunes it after)."""
    share = str(100 // len(row.variants))
    for variant in row.variants:
        variant.weight = share


def apply_op(rows: list[StepRow], op: str) -> None:
    """Structural edits of the editor (no saving): add/remove a step or a variant."""
    parts = op.split("-")
    if op == "add_step" and len(rows) < MAX_STEPS:
        rows.append(StepRow(delay_days="2" if rows else "0", only_if_no_reply=True))
    elif parts[0] == "remove_step" and len(parts) == 2 and parts[1].isdigit():
        index = int(parts[1])
        if 0 <= index < len(rows):
            rows.pop(index)
    elif parts[0] == "add_variant" and len(parts) == 2 and parts[1].isdigit():
        index = int(parts[1])
        if 0 <= index < len(rows) and rows[index].can_add_variant:
            rows[index].variants.append(VariantRow())
            _even_weights(rows[index])
    elif parts[0] == "remove_variant" and len(parts) == 3 and parts[1].isdigit():
        index, variant = int(parts[1]), int(parts[2]) if parts[2].isdigit() else -1
        if 0 <= index < len(rows) and 0 <= variant < len(rows[index].variants) > 1:
            rows[index].variants.pop(variant)
            _even_weights(rows[index])
    relabel(rows)


def _int(value: str, row_errors: dict[str, list[str]], key: str, label: str, top: int) -> int:
    try:
        number = int(value)
    except ValueError:
        row_errors.setdefault(key, []).append(f"{label} must be a whole number.")
        return 0
    if number < 0 or number > top:
        row_errors.setdefault(key, []).append(f"{label} must be between 0 and {top}.")
        return 0
    return number


def steps_payload(rows: list[StepRow]) -> list[dict[str, Any]] | None:
    """The list ``campaign_steps_set`` takes, or None when a number is not a number (its
    message is then on the row)."""
    steps: list[dict[str, Any]] = []
    ok = True
    for row in rows:
        days = _int(row.delay_days, row.errors, "delay_minutes", "Days", 365)
        hours = _int(row.delay_hours, row.errors, "delay_minutes", "Hours", 23)
        variants = []
        for variant in row.variants:
            weight = variant.weight
            if not weight.isdigit():
                variant.errors.setdefault("weight", []).append("Weight must be 1–100.")
                ok = False
            variants.append(
                {
                    "label": variant.label,
                    "body": variant.body,
                    "weight": int(weight) if weight.isdigit() else 0,
                }
            )
        ok = ok and not row.errors
        steps.append(
            {
                "delay_minutes": days * 1440 + hours * 60,
                "only_if_no_reply": row.only_if_no_reply,
                "variants": variants,
            }
        )
    return steps if ok else None


def place_step_errors(rows: list[StepRow], fields: dict[str, list[str]]) -> list[str]:
    """Put the service's "steps.<i>.variants.<j>.body" errors on their rows; what names no
    row (e.g. "steps": too many) is returned for the top of the editor."""
    rest: list[str] = []
    for key, messages in fields.items():
        parts = key.split(".")
        if parts[0] != "steps" or len(parts) < 3 or not parts[1].isdigit():
            rest.extend(messages)
            continue
        index = int(parts[1])
        if index >= len(rows):
            rest.extend(messages)
            continue
        row = rows[index]
        if parts[2] == "variants" and len(parts) >= 4 and parts[3].isdigit():
            j = int(parts[3])
            name = parts[4] if len(parts) > 4 else "body"
            if j < len(row.variants):
                row.variants[j].errors.setdefault(name, []).extend(messages)
            else:
                row.errors.setdefault("variants", []).extend(messages)
        else:
            row.errors.setdefault(parts[2], []).extend(messages)
    return rest
