"""Shapes of the notifications API: notices, the type registry, per-type channel switches.

Channel choices travel as ``{"<type>": {"in_app": bool, "email": bool, "telegram": bool}}``;
the services take them as ``{(type, channel): bool}`` (``choices_nested`` / ``choices_flat``).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import User
from notifications.models import Channel, Notification, UserSettings
from notifications.realtime import notification_message
from notifications.registry import ALL_CHANNELS, NotificationType, notification_type

ChoiceMap = dict[tuple[str, str], bool]


def choices_nested(choices: ChoiceMap) -> dict[str, dict[str, bool]]:
    nested: dict[str, dict[str, bool]] = {}
    for (type_key, channel), enabled in choices.items():
        nested.setdefault(type_key, {})[channel] = enabled
    return nested


def choices_flat(nested: dict[str, dict[str, bool]]) -> ChoiceMap:
    return {
        (type_key, channel): enabled
        for type_key, switches in nested.items()
        for channel, enabled in switches.items()
    }


# --- notices ------------------------------------------------------------------------------------


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)


class NotificationOutputSerializer(serializers.Serializer):
    """The live socket's ``notification.created`` data plus who caused it and when it was read:
    a client renders a listed notice and a pushed one with the same code."""

    id = serializers.IntegerField(read_only=True)
    type = serializers.CharField(read_only=True, help_text="A key of `/notification-types/`.")
    organization = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Null for account-level notices (security)."
    )
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True, help_text="A path in the app: where it leads.")
    object_type = serializers.CharField(
        read_only=True, help_text="What it is about (`deal`, `chat`…), blank if nothing."
    )
    object_id = serializers.IntegerField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    read = serializers.BooleanField(read_only=True)
    actor = ActorSerializer(read_only=True, allow_null=True, help_text="Who caused it, if anyone.")
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def to_representation(self, notification: Notification) -> dict[str, Any]:
        actor: User | None = notification.actor
        return {
            **notification_message(notification),
            "actor": ActorSerializer(actor).data if actor is not None else None,
            "read_at": notification.read_at.isoformat() if notification.read_at else None,
        }


def _known_type(value: str) -> str:
    if value and notification_type(value) is None:
        raise serializers.ValidationError("Unknown notification type: see /notification-types/.")
    return value


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="`true`: only unread notices; `false`: only read ones.",
    )
    type = serializers.CharField(
        required=False, max_length=64, help_text="Only notices of this type (a registry key)."
    )

    def validate_type(self, value: str) -> str:
        return _known_type(value)


class ReadAllInputSerializer(serializers.Serializer):
    type = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="Only notices of this type; blank or left out: every unread notice.",
    )

    def validate_type(self, value: str) -> str:
        return _known_type(value)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(read_only=True, help_text="How many notices were unread.")


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(read_only=True)


# --- types --------------------------------------------------------------------------------------


class NotificationTypeOutputSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    group = serializers.CharField(read_only=True, help_text="Heading on the preferences page.")
    description = serializers.CharField(read_only=True)
    default_channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        read_only=True,
        help_text="What a member gets unless they or their organization chose otherwise.",
    )
    urgent = serializers.BooleanField(
        read_only=True, help_text="Ignores quiet hours and the email digest."
    )
    mandatory = serializers.BooleanField(
        read_only=True,
        help_text="Its default channels cannot be turned off; organization defaults do not "
        "apply to it.",
    )

    def to_representation(self, instance: NotificationType) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["default_channels"] = [c for c in ALL_CHANNELS if c in instance.default_channels]
        return data


# --- channel switches ---------------------------------------------------------------------------


class ChannelSwitchesSerializer(serializers.Serializer):
    in_app = serializers.BooleanField(read_only=True)
    email = serializers.BooleanField(read_only=True)
    telegram = serializers.BooleanField(read_only=True)


class ChannelSwitchesInputSerializer(serializers.Serializer):
    """Some of one type's channels; the ones left out keep their setting."""

    in_app = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)
    telegram = serializers.BooleanField(required=False)

    def to_internal_value(self, data: Any) -> dict[str, bool]:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(ALL_CHANNELS))
            if unknown:
                message = f"Unknown channel: use one of {', '.join(ALL_CHANNELS)}."
                raise serializers.ValidationError({name: [message] for name in unknown})
        return dict(super().to_internal_value(data))


class ChannelChoicesField(serializers.DictField):
    """``{"<type>": {"<channel>": bool}}`` in input. Unknown types and channels, and changes a
    mandatory type does not allow, come back together as errors keyed by type and channel,
    like DRF's own nested errors.

    A member may not turn off a mandatory type's default channels; with ``defaults`` (the
    organization's defaults, which mandatory types ignore) nothing of such a type may be set.
    """

    def __init__(self, *, defaults: bool = False, **kwargs: Any) -> None:
        self.defaults = defaults
        kwargs.setdefault(
            "help_text",
            "Per type key, the channels to change; types and channels left out keep their setting.",
        )
        super().__init__(child=ChannelSwitchesInputSerializer(), required=False, **kwargs)

    def to_internal_value(self, data: Any) -> dict[str, dict[str, bool]]:
        if not isinstance(data, dict):
            self.fail("not_a_dict", input_type=type(data).__name__)
        errors: dict[str, Any] = {
            str(key): ["Unknown notification type: see /notification-types/."]
            for key in data
            if notification_type(str(key)) is None
        }
        known = {key: switches for key, switches in data.items() if str(key) not in errors}
        try:
            value = super().to_internal_value(known)
        except serializers.ValidationError as error:
            errors.update(error.detail)
            value = {}
        for type_key, switches in value.items():
            locked = self._locked(notification_type(type_key), switches)
            if locked:
                errors[type_key] = locked
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def _locked(
        self, type_: NotificationType | None, switches: dict[str, bool]
    ) -> dict[str, list[str]]:
        if type_ is None or not type_.mandatory:
            return {}
        if self.defaults:
            message = f"“{type_.label}” always reaches members its own way: it has no defaults."
            return {channel: [message] for channel in switches}
        message = f"“{type_.label}” is always sent this way: it cannot be turned off."
        return {
            channel: [message]
            for channel, enabled in switches.items()
            if not enabled and channel in type_.default_channels
        }


def channels_output_field(help_text: str) -> serializers.DictField:
    return serializers.DictField(
        child=ChannelSwitchesSerializer(), read_only=True, help_text=help_text
    )


# --- preferences and defaults -------------------------------------------------------------------


class QuietHoursSerializer(serializers.Serializer):
    start = serializers.TimeField(format="%H:%M", allow_null=True, help_text="e.g. `22:00`.")
    end = serializers.TimeField(format="%H:%M", allow_null=True, help_text="e.g. `07:00`.")


class PreferencesOutputSerializer(serializers.Serializer):
    channels = channels_output_field(
        "Every type with the channels it reaches you through (your choice, else the "
        "organization's default, else the type's)."
    )
    quiet_hours = QuietHoursSerializer(
        read_only=True,
        help_text="Email and Telegram wait while quiet (in `time_zone`); in-app notices and "
        "urgent types do not. Both null: no quiet hours.",
    )
    digest = serializers.ChoiceField(choices=UserSettings.Digest.choices, read_only=True)
    time_zone = serializers.CharField(
        read_only=True, help_text="Yours, from your profile (`PATCH /api/v1/me/`)."
    )


class PreferencesInputSerializer(serializers.Serializer):
    channels = ChannelChoicesField()
    quiet_hours = QuietHoursSerializer(
        required=False, help_text="Both times, or both null for none; left out: unchanged."
    )
    digest = serializers.ChoiceField(
        choices=UserSettings.Digest.choices, required=False, help_text="Left out: unchanged."
    )


class DefaultsOutputSerializer(serializers.Serializer):
    channels = channels_output_field(
        "Every type with what members get unless they chose themselves (the organization's "
        "default, else the type's)."
    )


class DefaultsInputSerializer(serializers.Serializer):
    channels = ChannelChoicesField(defaults=True)
