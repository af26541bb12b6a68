"""Serializers of the pipelines API. Money is a string with two decimals ("1250.00"); sums on
the board are per currency, the organization's currency first."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from accounts.api.members import UserSummarySerializer
from accounts.api_base import OrgPrimaryKeyRelatedField
from crm.api.fields import CompanySummarySerializer, OrgMemberField, TagSummarySerializer
from crm.models import Company, Contact
from pipelines.models import Deal, DealVia, Pipeline, Stage, StageKind
from pipelines.selectors import Board

MONEY = {"max_digits": 14, "decimal_places": 2}


class StageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    probability = serializers.IntegerField(read_only=True, help_text="0–100 %.")
    kind = serializers.ChoiceField(choices=StageKind.choices, read_only=True)
    rotting_days = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Days idle before a deal is stale; null: never."
    )


class StageInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    probability = serializers.IntegerField(min_value=0, max_value=100)
    kind = serializers.ChoiceField(choices=StageKind.choices, required=False)
    rotting_days = serializers.IntegerField(
        min_value=1, max_value=3650, required=False, allow_null=True
    )
    position = serializers.IntegerField(
        min_value=0, required=False, write_only=True, help_text="0-based; default: last."
    )


class StagesReorderSerializer(serializers.Serializer):
    stage_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=100
    )


class StageDeleteSerializer(serializers.Serializer):
    move_deals_to = OrgPrimaryKeyRelatedField(
        queryset=Stage.objects.all(),
        required=False,
        allow_null=True,
        help_text="Stage (same pipeline) that receives the deleted stage's deals.",
    )


class PipelineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    is_default = serializers.BooleanField(read_only=True)
    stages = StageOutputSerializer(many=True, read_only=True, source="stages.all")
    created_at = serializers.DateTimeField(read_only=True)


class PipelineInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    position = serializers.IntegerField(required=False)
    is_default = serializers.BooleanField(required=False)
    stages = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        max_length=30,
        write_only=True,
        help_text="On create: [{name, probability, kind?, rotting_days?}]; default: the BD stages.",
    )


class ContactSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class DealCardSerializer(serializers.Serializer):
    """A card on the board: what a column shows."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    value = serializers.DecimalField(**MONEY, read_only=True)
    currency = serializers.CharField(read_only=True)
    weighted_value = serializers.DecimalField(**MONEY, read_only=True)
    owner = UserSummarySerializer(read_only=True, allow_null=True)
    company = CompanySummarySerializer(read_only=True, allow_null=True)
    tags = TagSummarySerializer(many=True, read_only=True, source="card_tags")
    stage = serializers.IntegerField(read_only=True, source="stage_id")
    rank = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    expected_close_date = serializers.DateField(read_only=True, allow_null=True)
    days_in_stage = serializers.IntegerField(read_only=True)
    is_stale = serializers.BooleanField(read_only=True)


class DealOutputSerializer(DealCardSerializer):
    tags = TagSummarySerializer(many=True, read_only=True, source="tags.all")
    pipeline = serializers.IntegerField(read_only=True, source="pipeline_id")
    contacts = ContactSummarySerializer(many=True, read_only=True, source="contacts.all")
    source = serializers.CharField(read_only=True)
    lost_reason = serializers.CharField(read_only=True)
    stage_entered_at = serializers.DateTimeField(read_only=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_by = serializers.IntegerField(read_only=True, source="created_by_id", allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class DealInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    value = serializers.DecimalField(**MONEY, min_value=Decimal("0"), required=False)
    currency = serializers.CharField(
        max_length=3, required=False, help_text="ISO 4217; default: the organization's."
    )
    pipeline = OrgPrimaryKeyRelatedField(queryset=Pipeline.objects.all(), required=False)
    stage = OrgPrimaryKeyRelatedField(queryset=Stage.objects.all(), required=False)
    owner = OrgMemberField(required=False, allow_null=True)
    company = OrgPrimaryKeyRelatedField(
        queryset=Company.objects.all(), required=False, allow_null=True
    )
    contacts = OrgPrimaryKeyRelatedField(queryset=Contact.objects.all(), many=True, required=False)
    expected_close_date = serializers.DateField(required=False, allow_null=True)
    source = serializers.CharField(max_length=60, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50
    )


class DealUpdateSerializer(DealInputSerializer):
    title = serializers.CharField(max_length=200, required=False)
    lost_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version you loaded (or send If-Match); a newer one answers 409.",
    )


class DealMoveSerializer(serializers.Serializer):
    # An id: the move reads the stage once, together with its column's lock (deal_move).
    stage = serializers.IntegerField(help_text="The target stage (same pipeline as the deal).")
    before_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="Deal that ends up directly above."
    )
    after_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="Deal that ends up directly below."
    )
    position = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text="0-based index in the column."
    )
    lost_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class StageChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    from_stage = StageOutputSerializer(read_only=True, allow_null=True)
    to_stage = StageOutputSerializer(read_only=True, allow_null=True)
    actor = UserSummarySerializer(read_only=True, allow_null=True)
    via = serializers.ChoiceField(choices=DealVia.choices, read_only=True)
    changed_at = serializers.DateTimeField(read_only=True)


class CurrencyTotalSerializer(serializers.Serializer):
    currency = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True)
    total_value = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)
    weighted_value = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)


class BoardTotalsSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True)
    total_value = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        read_only=True,
        help_text="In the organization's currency; other currencies are in `totals`.",
    )
    weighted_value = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)
    totals = CurrencyTotalSerializer(many=True, read_only=True)


class ColumnSerializer(BoardTotalsSerializer):
    stage = StageOutputSerializer(read_only=True)
    has_more = serializers.BooleanField(read_only=True)
    deals = DealCardSerializer(many=True, read_only=True)


class BoardSerializer(serializers.Serializer):
    pipeline = PipelineOutputSerializer(read_only=True)
    currency = serializers.CharField(read_only=True)
    columns = ColumnSerializer(many=True, read_only=True)
    totals = BoardTotalsSerializer(read_only=True)


class ColumnPageSerializer(serializers.Serializer):
    stage = serializers.IntegerField(read_only=True)
    deals = DealCardSerializer(many=True, read_only=True)
    has_more = serializers.BooleanField(read_only=True)


class MoneySerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True)
    total = serializers.DictField(child=serializers.CharField(), read_only=True)
    expected = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="value x probability"
    )


class ForecastMonthSerializer(serializers.Serializer):
    month = serializers.DateField(read_only=True)
    money = MoneySerializer(read_only=True)


class StageConversionSerializer(serializers.Serializer):
    stage = StageOutputSerializer(read_only=True)
    reached = serializers.IntegerField(read_only=True)
    advanced = serializers.IntegerField(read_only=True)
    rate = serializers.FloatField(read_only=True, allow_null=True)


class ForecastSerializer(serializers.Serializer):
    currency = serializers.CharField(read_only=True)
    currencies = serializers.ListField(child=serializers.CharField(), read_only=True)
    months = ForecastMonthSerializer(many=True, read_only=True)
    overdue = MoneySerializer(read_only=True)
    undated = MoneySerializer(read_only=True)
    won = MoneySerializer(read_only=True)
    lost = MoneySerializer(read_only=True)
    conversion = StageConversionSerializer(many=True, read_only=True)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def card_data(deal: Deal) -> dict:
    """``DealCardSerializer(deal).data``, built directly: the board renders 350 cards and DRF's
    field machinery cost about as much as the queries. ``test_api_board_fast_path`` keeps the
    two identical."""
    owner, company = deal.owner, deal.company
    return {
        "id": deal.pk,
        "title": deal.title,
        "value": _money(deal.value),
        "currency": deal.currency,
        "weighted_value": _money(deal.weighted_value),
        "owner": {"id": owner.pk, "email": owner.email, "full_name": owner.full_name}
        if owner is not None
        else None,
        "company": {"id": company.pk, "name": company.name, "domain": company.domain}
        if company is not None
        else None,
        "tags": [{"id": t.pk, "name": t.name, "color": t.color} for t in deal.card_tags],
        "stage": deal.stage_id,
        "rank": deal.rank,
        "version": deal.version,
        "expected_close_date": deal.expected_close_date.isoformat()
        if deal.expected_close_date
        else None,
        "days_in_stage": deal.days_in_stage,
        "is_stale": deal.is_stale,
    }


def board_data(board: Board) -> dict:
    """``BoardSerializer(board).data`` with the cards from ``card_data``."""
    return {
        "pipeline": PipelineOutputSerializer(board.pipeline).data,
        "currency": board.currency,
        "columns": [
            {
                **BoardTotalsSerializer(column).data,
                "stage": StageOutputSerializer(column.stage).data,
                "has_more": column.has_more,
                "deals": [card_data(deal) for deal in column.deals],
            }
            for column in board.columns
        ],
        "totals": BoardTotalsSerializer(board.totals).data,
    }


class PaymentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    deal = serializers.IntegerField(read_only=True, source="deal_id")
    amount = serializers.DecimalField(read_only=True, **MONEY)
    currency = serializers.CharField(read_only=True, help_text="ISO 4217.")
    reference = serializers.CharField(read_only=True)
    received_at = serializers.DateTimeField(read_only=True)
    recorded_by = UserSummarySerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class PaymentInputSerializer(serializers.Serializer):
    # Loose types on purpose: the service checks amount, currency and time and answers every
    # field error at once, the same way for the API and the deal drawer's form.
    amount = serializers.CharField(help_text='A positive amount, e.g. "1250.00".')
    currency = serializers.CharField(
        required=False, allow_blank=True, help_text="ISO 4217; default: the deal's currency."
    )
    reference = serializers.CharField(required=False, allow_blank=True, max_length=200)
    received_at = serializers.CharField(
        required=False, allow_blank=True, help_text="ISO 8601; default: now."
    )
