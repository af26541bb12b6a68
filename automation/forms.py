"""Forms of the automation pages. They only check shape (lengths, JSON that parses); the trigger
services validate the definition, and their ``ValidationError`` keys land either on a plain
field here or, for a builder row ("conditions.1.0", "actions.2.stage"), in ``builder_errors``
that static/js/trigger_builder.js shows next to that row."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from accounts.errors import DomainError
from accounts.forms import DomainErrorForm
from automation.models import Trigger

# The parts of a definition the builder edits; the page posts each as a hidden JSON input.
JSON_FIELDS = ("relative_params", "conditions", "actions")
PLAIN_FIELDS = ("name", "description", "enabled", "when", "event_name", "cron", "relative_kind")


class JSONField(forms.CharField):
    """A hidden input holding a JSON document the builder keeps in sync."""

    widget = forms.HiddenInput

    def __init__(self, *, empty: Any, **kwargs: Any) -> None:
        self.empty = empty
        super().__init__(required=False, strip=True, **kwargs)

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        return json.dumps(self.empty if value is None else value)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if not value:
            return self.empty
        try:
            return json.loads(value)
        except ValueError as exc:
            raise forms.ValidationError("The builder sent something unreadable.") from exc


class TriggerForm(DomainErrorForm):
    name = forms.CharField(
        max_length=120, error_messages={"required": "Give the automation a name."}
    )
    description = forms.CharField(max_length=500, required=False)
    enabled = forms.BooleanField(required=False, initial=True, label="Enabled")
    when = forms.ChoiceField(
        choices=Trigger.When.choices, initial=Trigger.When.EVENT, widget=forms.RadioSelect
    )
    event_name = forms.CharField(max_length=64, required=False, label="Event")
    cron = forms.CharField(max_length=120, required=False, label="Schedule (cron)")
    relative_kind = forms.CharField(max_length=64, required=False, label="Wait for")
    relative_params = JSONField(empty={})
    conditions = JSONField(empty={"all": []})
    actions = JSONField(empty=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Keyed like the service's errors ("conditions.1.0", "actions.2.stage"): the builder
        # puts each next to its row.
        self.builder_errors: dict[str, list[str]] = {}

    @classmethod
    def initial_from(cls, trigger: Trigger) -> dict[str, Any]:
        return {name: getattr(trigger, name) for name in (*PLAIN_FIELDS, *JSON_FIELDS)}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in (*PLAIN_FIELDS, *JSON_FIELDS)}

    def add_domain_error(self, exc: DomainError) -> None:
        """Plain fields get their messages; builder paths go to ``builder_errors``; a message
        with no field goes above the form."""
        placed = False
        for key, messages in exc.fields.items():
            if key in self.fields and key not in JSON_FIELDS:
                for message in messages:
                    self.add_error(key, message)
            else:
                self.builder_errors.setdefault(key, []).extend(messages)
            placed = True
        if not placed:
            self.add_error(None, exc.message)
