"""Web forms of the notification settings: the channel matrix (a member's own choices and the
organization's defaults), quiet hours and the email digest.

They check shape only; the services validate the rest and their field messages land next to
the fields (``DomainErrorForm.add_domain_error``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.boundfield import BoundField

from accounts.errors import DomainError
from accounts.forms import DomainErrorForm
from notifications.models import Channel, UserSettings
from notifications.registry import ALL_CHANNELS, EMAIL, IN_APP, NotificationType

# Preference page headings, in this order; groups a later app adds come after them.
GROUP_ORDER = (
    "Inbox",
    "Notes",
    "Pipeline",
    "AI drafts",
    "Campaigns",
    "Imports",
    "Organization",
    "Security",
    "Automations",
)
# A mandatory type (security) always reaches its user in the app and by email.
MANDATORY_CHANNELS = frozenset({IN_APP, EMAIL})
CHANNEL_LABELS = dict(Channel.choices)


@dataclass(frozen=True)
class MatrixRow:
    notification_type: NotificationType
    cells: list[BoundField]  # one per channel, in ALL_CHANNELS order
    locked: bool  # at least one box cannot be changed (mandatory type)


@dataclass(frozen=True)
class MatrixGroup:
    name: str
    rows: list[MatrixRow]


def _field_name(type_key: str, channel: str) -> str:
    return f"{type_key.replace('.', '-')}--{channel}"


class ChannelMatrixForm(forms.Form):
    """One checkbox per (type, channel); ``locked`` pairs show checked and cannot change.

    For a member's own preferences the mandatory types lock in-app and email; for the
    organization's defaults every channel of a mandatory type is locked (its defaults do not
    apply to such types).
    """

    def __init__(
        self,
        *args: Any,
        types: list[NotificationType],
        choices: dict[tuple[str, str], bool],
        lock_all_mandatory: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.types = types
        self.pairs: dict[str, tuple[str, str]] = {}
        self.locked: set[tuple[str, str]] = set()
        for notification_type in types:
            for channel in ALL_CHANNELS:
                pair = (notification_type.key, channel)
                locked = notification_type.mandatory and (
                    lock_all_mandatory or channel in MANDATORY_CHANNELS
                )
                if locked:
                    self.locked.add(pair)
                name = _field_name(*pair)
                label = f"{CHANNEL_LABELS[channel]}: {notification_type.label}"
                self.pairs[name] = pair
                self.fields[name] = forms.BooleanField(
                    required=False,
                    initial=True if locked and not lock_all_mandatory else choices.get(pair),
                    disabled=locked,
                    label=CHANNEL_LABELS[channel],
                    widget=forms.CheckboxInput(attrs={"aria-label": label}),
                )

    def groups(self) -> list[MatrixGroup]:
        """The rows under their group headings, groups in the preferences page's order."""
        by_group: dict[str, list[MatrixRow]] = {}
        for notification_type in self.types:
            cells = [self[_field_name(notification_type.key, c)] for c in ALL_CHANNELS]
            locked = any((notification_type.key, c) in self.locked for c in ALL_CHANNELS)
            by_group.setdefault(notification_type.group or "Other", []).append(
                MatrixRow(notification_type=notification_type, cells=cells, locked=locked)
            )
        order = {name: i for i, name in enumerate(GROUP_ORDER)}
        names = sorted(by_group, key=lambda name: order.get(name, len(order)))
        return [MatrixGroup(name=name, rows=by_group[name]) for name in names]

    def changes(self) -> dict[tuple[str, str], bool]:
        """{(type, channel): enabled} for every box that may change."""
        return {
            pair: bool(self.cleaned_data.get(name))
            for name, pair in self.pairs.items()
            if pair not in self.locked
        }


class PreferencesForm(ChannelMatrixForm):
    def changes(self) -> dict[tuple[str, str], bool]:
        """Every shown choice, the locked ones on: saved as the member's own."""
        return {**super().changes(), **dict.fromkeys(self.locked, True)}


class UserSettingsForm(DomainErrorForm):
    def add_domain_error(self, exc: DomainError) -> None:
        """The service's field messages ("Set both the start and the end…") say more than its
        summary, so each goes next to its field."""
        for name, msgs in exc.fields.items():
            for message in msgs:
                self.add_error(name if name in self.fields else None, message)
        if not exc.fields:
            self.add_error(None, exc.message)

    quiet_start = forms.TimeField(
        required=False,
        label="From",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        required=False,
        label="Until",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    digest = forms.ChoiceField(
        choices=UserSettings.Digest.choices,
        label="Email",
        help_text="A digest gathers the emails of an hour or a day into one message. Security "
        "emails always go out at once.",
    )
