"""Forms of Settings → Webhooks: an endpoint, rotating its secret, replaying failures, and the
deliveries table's filters. The services (automation.webhooks.services) validate; these only
shape the input and carry the services' field errors back to their fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from accounts.errors import DomainError
from accounts.forms import DomainErrorForm
from automation.catalog import CATALOG
from automation.models import WebhookDelivery
from automation.webhooks.services import MAX_OVERLAP_HOURS

ALL_EVENTS = "*"


_GROUP_LABELS = {"ai_settings": "AI settings", "apikey": "API keys", "trigger": "Automations"}


def event_type_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Catalogue names grouped by prefix ("Deal" → deal.created, deal.won, …)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(CATALOG):
        prefix = name.split(".", 1)[0]
        label = _GROUP_LABELS.get(prefix, prefix.replace("_", " ").capitalize())
        groups.setdefault(label, []).append((name, CATALOG[name].description))
    return list(groups.items())


class EndpointForm(DomainErrorForm):
    url = forms.CharField(
        label="URL",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/webhooks/bidi"}),
        help_text="We POST each event here as JSON, signed (Standard Webhooks).",
    )
    description = forms.CharField(
        label="Description", max_length=200, required=False, help_text="What receives it."
    )
    all_events = forms.BooleanField(label="All events, including ones added later", required=False)
    event_types = forms.MultipleChoiceField(
        label="Events", required=False, widget=forms.CheckboxSelectMultiple
    )
    enabled = forms.BooleanField(label="Enabled", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = [(name, name) for name in sorted(CATALOG)]

    @classmethod
    def initial_for(cls, endpoint: Any) -> dict[str, Any]:
        everything = ALL_EVENTS in endpoint.event_types
        return {
            "url": endpoint.url,
            "description": endpoint.description,
            "all_events": everything,
            "event_types": [] if everything else list(endpoint.event_types),
            "enabled": endpoint.enabled,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("all_events") and not data.get("event_types"):
            self.add_error("event_types", "Choose the events to send, or all of them.")
        return data

    def add_domain_error(self, exc: DomainError) -> None:
        """The webhook services word each field message as a full sentence ("Webhooks cannot
        be sent there: … resolves to a private address"): show those, not the summary."""
        known = {name: msgs for name, msgs in exc.fields.items() if name in self.fields}
        if not known:
            super().add_domain_error(exc)
        for name, msgs in known.items():
            for message in msgs:
                self.add_error(name, message)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "url": data["url"],
            "description": data.get("description", ""),
            "event_types": [ALL_EVENTS] if data.get("all_events") else data["event_types"],
            "enabled": bool(data.get("enabled")),
        }


OVERLAP_CHOICES = [
    (0, "No overlap: the old secret stops now"),
    (24, "24 hours"),
    (72, "3 days"),
    (MAX_OVERLAP_HOURS, "7 days"),
]


class RotateSecretForm(DomainErrorForm):
    overlap_hours = forms.TypedChoiceField(
        label="Keep signing with the old secret for",
        choices=OVERLAP_CHOICES,
        coerce=int,
        initial=24,
        help_text=(
            "During the overlap each delivery carries two signatures, one per secret, so your "
            "receiver keeps verifying while you deploy the new one."
        ),
    )


class ReplayFailedForm(DomainErrorForm):
    since = forms.DateTimeField(
        label="Failed since",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )

    def clean_since(self) -> Any:
        since = self.cleaned_data["since"]
        if since > timezone.now():
            raise forms.ValidationError("Pick a time in the past.")
        return since


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, label="Status")
    event_type = forms.ChoiceField(required=False, label="Event type")

    def __init__(self, *args: Any, event_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *WebhookDelivery.Status.choices]
        self.fields["event_type"].choices = [("", "All events"), *((n, n) for n in event_types)]
