"""Forms of Settings → Events: the event log's filters."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from accounts.forms import DomainErrorForm
from automation.catalog import CATALOG


def event_name_choices() -> list[tuple[str, Any]]:
    """ "All events", then one group per prefix: "all deal events" and each deal event."""
    groups: dict[str, list[str]] = {}
    for name in sorted(CATALOG):
        groups.setdefault(name.split(".", 1)[0], []).append(name)
    choices: list[tuple[str, Any]] = [("", "All events")]
    for prefix, names in groups.items():
        label = prefix.replace("_", " ")
        choices.append(
            (label.capitalize(), [(f"{prefix}.*", f"All {label} events"), *((n, n) for n in names)])
        )
    return choices


class EventFilterForm(DomainErrorForm):
    name = forms.ChoiceField(required=False, label="Event type")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    actor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Actor")

    def __init__(self, *args: Any, actors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = event_name_choices()
        self.fields["actor"].choices = [("", "Everyone"), *actors]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "Pick a day on or after the first one.")
        return data

    def window(self) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """The date range as instants in the viewer's time zone; ``until`` includes its day."""
        data = self.cleaned_data
        since = until = None
        if data.get("since"):
            since = _start_of(data["since"])
        if data.get("until"):
            until = _start_of(data["until"] + datetime.timedelta(days=1))
        return since, until


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
