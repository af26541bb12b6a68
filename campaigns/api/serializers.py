"""Serializers of the campaigns API: input serializers check the shape only (the services
validate values as field errors); output serializers render models and selector results."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.api_base import OrgPrimaryKeyRelatedField
from campaigns.models import Campaign, CampaignStep, Recipient, StepVariant
from campaigns.selectors import FUNNEL_LABELS, Analytics, StepStats, VariantStats
from crm.api.fields import OrgMemberField
from crm.models import Contact, SavedView
from messaging.models import TelegramBot

CAMPAIGN_FIELDS = [
    "id",
    "name",
    "description",
    "status",
    "channel",
    "bot",
    "sender",
    "audience_view",
    "audience_filters",
    "only_never_contacted",
    "exclude_in_other_campaigns",
    "dynamic_enrolment",
    "window_days",
    "window_start",
    "window_end",
    "time_zone_mode",
    "daily_cap",
    "starts_at",
    "ends_at",
    "stop_on_reply",
    "created_by",
    "created_at",
    "updated_at",
    "launched_at",
    "finished_at",
]


class CampaignInputSerializer(serializers.Serializer):
    """Create (name needed) or PATCH (any subset; after launch only some fields may change)."""

    name = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    bot = OrgPrimaryKeyRelatedField(
        queryset=TelegramBot.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of the organization's Telegram bot that sends the messages.",
    )
    sender = OrgMemberField(
        required=False,
        allow_null=True,
        help_text="Member whose name the sender variables use (default: you).",
    )
    audience_view = OrgPrimaryKeyRelatedField(
        queryset=SavedView.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of a saved contacts view whose filters select the audience.",
    )
    audience_filters = serializers.DictField(
        required=False,
        help_text='Contact list filters (as /api/v1/contacts/ takes them), e.g. {"tag": ["lead"]}.',
    )
    only_never_contacted = serializers.BooleanField(required=False)
    exclude_in_other_campaigns = serializers.BooleanField(required=False)
    dynamic_enrolment = serializers.BooleanField(
        required=False, help_text="Enrol contacts that start matching the audience while it runs."
    )
    window_days = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Days of the week it sends on, Monday = 0.",
    )
    window_start = serializers.TimeField(required=False)
    window_end = serializers.TimeField(required=False)
    time_zone_mode = serializers.ChoiceField(choices=Campaign.TimeZoneMode.choices, required=False)
    daily_cap = serializers.IntegerField(
        required=False, allow_null=True, help_text="Sends per day at most; null for no cap."
    )
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    stop_on_reply = serializers.BooleanField(required=False)


class VariantSerializer(serializers.ModelSerializer):
    class Meta:
        model = StepVariant
        fields = ["id", "label", "body", "weight"]
        read_only_fields = fields


class StepSerializer(serializers.ModelSerializer):
    variants = VariantSerializer(many=True, read_only=True)

    class Meta:
        model = CampaignStep
        fields = ["id", "position", "delay_minutes", "only_if_no_reply", "variants"]
        read_only_fields = fields


class CampaignListSerializer(serializers.ModelSerializer):
    recipients_count = serializers.IntegerField(
        read_only=True, default=0, help_text="Enrolled contacts (unreachable ones not counted)."
    )
    sent_count = serializers.IntegerField(read_only=True, default=0)
    replied_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Campaign
        fields = [*CAMPAIGN_FIELDS, "recipients_count", "sent_count", "replied_count"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [*CAMPAIGN_FIELDS, "steps"]
        read_only_fields = fields


class VariantInputSerializer(serializers.Serializer):
    label = serializers.CharField(
        required=False, allow_blank=True, help_text="A, B, C… (assigned in order when left out)."
    )
    body = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="The message template."
    )
    weight = serializers.IntegerField(required=False, help_text="Share of traffic, 1–100.")


class StepInputSerializer(serializers.Serializer):
    delay_minutes = serializers.IntegerField(
        required=False, default=0, help_text="Wait after the previous step (the first: launch)."
    )
    only_if_no_reply = serializers.BooleanField(required=False, default=True)
    variants = VariantInputSerializer(many=True)


class StepsInputSerializer(serializers.Serializer):
    steps = StepInputSerializer(many=True, help_text="Every step in sending order (replaces all).")


class PreviewInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    contact = OrgPrimaryKeyRelatedField(
        queryset=Contact.objects.all(),
        required=False,
        allow_null=True,
        help_text="Render for this contact; without it, with the variables' example values.",
    )


class PreviewSerializer(serializers.Serializer):
    text = serializers.CharField()


class CampaignContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    telegram_username = serializers.CharField()


class AudienceSampleSerializer(serializers.Serializer):
    contact = CampaignContactSerializer()
    reason = serializers.CharField(help_text='Why it cannot be reached ("" = reachable).')


class AudienceSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    reachable = serializers.IntegerField()
    unreachable = serializers.DictField(
        child=serializers.IntegerField(), help_text="Contacts per reason (see recipients)."
    )
    sample = AudienceSampleSerializer(many=True)


def audience_data(preview: Any) -> dict[str, Any]:
    return {
        "total": preview.total,
        "reachable": preview.reachable,
        "unreachable": dict(preview.unreachable),
        "sample": [{"contact": contact, "reason": reason} for contact, reason in preview.sample],
    }


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField()
    blocking = serializers.BooleanField(help_text="True: launching is refused until fixed.")


class ChecksSerializer(serializers.Serializer):
    can_launch = serializers.BooleanField()
    problems = ProblemSerializer(many=True)


class LaunchSerializer(serializers.Serializer):
    enrolled = serializers.IntegerField()
    unreachable = serializers.IntegerField()
    campaign = CampaignSerializer()


class RecipientSerializer(serializers.ModelSerializer):
    contact = CampaignContactSerializer(read_only=True)

    class Meta:
        model = Recipient
        fields = [
            "id",
            "contact",
            "chat",
            "status",
            "reason",
            "next_position",
            "next_send_at",
            "enrolled_at",
            "last_sent_at",
            "replied_at",
            "finished_at",
        ]
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    enrolled = serializers.IntegerField()
    unreachable = serializers.IntegerField()
    active = serializers.IntegerField()
    completed = serializers.IntegerField()
    replied = serializers.IntegerField()
    opted_out = serializers.IntegerField()
    failed = serializers.IntegerField()
    stopped = serializers.IntegerField()
    sends_queued = serializers.IntegerField()
    sends_sent = serializers.IntegerField()
    sends_failed = serializers.IntegerField()
    expected_sends = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Share of the expected sends done, 0–100.")


class SignificanceSerializer(serializers.Serializer):
    p_value = serializers.FloatField()
    significant = serializers.BooleanField()
    note = serializers.CharField()


class VariantStatsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField()
    replied = serializers.IntegerField()
    reply_rate = serializers.FloatField(help_text="Replied / delivered, 0–1.")
    significance = SignificanceSerializer(
        allow_null=True, help_text="Against variant A (null for A and single-variant steps)."
    )


class StepStatsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField()
    failed = serializers.IntegerField()
    replied = serializers.IntegerField()
    variants = VariantStatsSerializer(many=True)


class FunnelStageSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    sent = serializers.IntegerField()
    replied = serializers.IntegerField()


class AnalyticsSerializer(serializers.Serializer):
    funnel = FunnelStageSerializer(many=True)
    steps = StepStatsSerializer(many=True)
    days = DaySerializer(many=True, help_text="Per day in the organization's time zone.")


def _variant_data(stats: VariantStats) -> dict[str, Any]:
    significance = stats.significance
    return {
        "id": stats.variant.pk,
        "label": stats.variant.label,
        "sent": stats.sent,
        "delivered": stats.delivered,
        "replied": stats.replied,
        "reply_rate": stats.reply_rate,
        "significance": (
            None
            if significance is None
            else {
                "p_value": significance.p_value,
                "significant": significance.significant,
                "note": significance.note,
            }
        ),
    }


def _step_data(stats: StepStats) -> dict[str, Any]:
    return {
        "id": stats.step.pk,
        "position": stats.step.position,
        "sent": stats.sent,
        "delivered": stats.delivered,
        "failed": stats.failed,
        "replied": stats.replied,
        "variants": [_variant_data(v) for v in stats.variants],
    }


def analytics_data(analytics: Analytics) -> dict[str, Any]:
    return {
        "funnel": [
            {"key": key, "label": FUNNEL_LABELS[key], "count": count}
            for key, count in analytics.funnel
        ],
        "steps": [_step_data(step) for step in analytics.steps],
        "days": [
            {"date": day, "sent": sent, "replied": replied}
            for day, sent, replied in zip(
                analytics.days, analytics.sent_per_day, analytics.replied_per_day, strict=True
            )
        ],
    }


class CampaignVariableSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text='Write it as {{ name }}, e.g. "{{ contact.first_name }}".'
    )
    label = serializers.CharField()
    example = serializers.CharField()
