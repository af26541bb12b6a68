"""Forms of the pipeline pages. They check the shape of the input (a number, a date, a member
of this organization); the services hold the rules and their errors land on these fields
through ``add_domain_error``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from accounts.forms import DomainErrorForm
from accounts.models import User
from crm.forms import _COMPANY_PICKER, OwnerField, TagNamesField
from pipelines.models import Deal, Stage, StageKind

VALUE_ERRORS = {
    "invalid": "Enter an amount, e.g. 12500 or 12500.50.",
    "min_value": "The value cannot be negative.",
    "max_digits": "That amount is too large.",
    "max_decimal_places": "Use at most two decimals.",
    "max_whole_digits": "That amount is too large.",
}


def _value_field(**kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        error_messages=VALUE_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


class QuickCreateForm(DomainErrorForm):
    title = forms.CharField(
        max_length=200, error_messages={"required": "Give the deal a title."}, strip=True
    )
    value = _value_field(required=False)


class StageChoiceField(forms.ModelChoiceField):
    """A stage of any pipeline; named "Pipeline · Stage" when there are several pipelines."""

    with_pipeline = False

    def label_from_instance(self, obj: Stage) -> str:
        return f"{obj.pipeline.name} · {obj.name}" if self.with_pipeline else obj.name


class DealFieldsForm(DomainErrorForm):
    """The fields the new-deal page and the drawer's editor share, defined once."""

    title = forms.CharField(max_length=200, error_messages={"required": "Give the deal a title."})
    value = _value_field(required=False, label="Value")
    owner = OwnerField()
    company = forms.CharField(
        max_length=200,
        required=False,
        label="Company",
        widget=forms.TextInput(attrs=_COMPANY_PICKER),
        help_text="Type to find a company of your CRM.",
    )
    expected_close_date = forms.DateField(
        required=False, label="Expected close", widget=forms.DateInput(attrs={"type": "date"})
    )


class DealCreateForm(DealFieldsForm):
    """The new-deal page (from a contact's or company's "New deal"). ``contact`` is the id of
    the contact the deal is for; the view resolves it in the organization."""

    stage = StageChoiceField(queryset=Stage.objects.none(), empty_label=None)
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        *args: Any,
        stages: QuerySet[Stage],
        several_pipelines: bool,
        members: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages
        self.fields["stage"].with_pipeline = several_pipelines
        self.fields["owner"].queryset = members


class DealForm(DealFieldsForm):
    """The drawer's editor. ``version`` is the deal's version when the editor opened."""

    field_order = (
        *("version", "title", "value", "currency", "stage", "owner", "company"),
        *("expected_close_date", "source", "tags", "lost_reason"),
    )

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    currency = forms.CharField(
        max_length=3,
        min_length=3,
        label="Currency",
        help_text="ISO 4217 code, e.g. USD, EUR.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "text-uppercase"}),
    )
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), empty_label=None)
    source = forms.CharField(max_length=60, required=False)
    tags = TagNamesField()
    lost_reason = forms.CharField(
        max_length=300,
        required=False,
        label="Lost reason",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        deal: Deal,
        stages: QuerySet[Stage],
        members: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(deal)
        super().__init__(*args, **kwargs)
        self.deal = deal
        self.fields["stage"].queryset = stages
        self.fields["owner"].queryset = members

    @staticmethod
    def initial_from(deal: Deal) -> dict[str, Any]:
        return {
            "version": deal.version,
            "title": deal.title,
            "value": deal.value,
            "currency": deal.currency,
            "stage": deal.stage_id,
            "owner": deal.owner_id,
            "company": deal.company.name if deal.company else "",
            "expected_close_date": deal.expected_close_date,
            "source": deal.source,
            "tags": ", ".join(tag.name for tag in deal.tags.all()),
            "lost_reason": deal.lost_reason,
        }

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].strip().upper()
        if not code.isalpha():
            raise forms.ValidationError("Use a three-letter ISO 4217 code, e.g. USD.")
        return code


class PipelineForm(DomainErrorForm):
    name = forms.CharField(max_length=120, error_messages={"required": "Give it a name."})


class StageForm(DomainErrorForm):
    name = forms.CharField(max_length=80, error_messages={"required": "Give the stage a name."})
    probability = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Probability (%)",
        error_messages={
            "required": "Enter a probability from 0 to 100.",
            "invalid": "Enter a whole number from 0 to 100.",
            "min_value": "Enter a number from 0 to 100.",
            "max_value": "Enter a number from 0 to 100.",
        },
    )
    kind = forms.ChoiceField(choices=StageKind.choices, initial=StageKind.OPEN)
    rotting_days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        required=False,
        label="Stale after (days)",
        help_text="Empty: deals here never go stale.",
        error_messages={"invalid": "Enter a whole number of days."},
    )


class StageDeleteForm(DomainErrorForm):
    """Where a deleted stage's deals go; the view offers the pipeline's other stages."""

    move_deals_to = forms.ModelChoiceField(
        queryset=Stage.objects.none(),
        required=False,
        label="Move its deals to",
        empty_label="Choose a stage",
    )

    def __init__(self, *args: Any, stage: Stage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["move_deals_to"].queryset = stage.pipeline.stages.exclude(pk=stage.pk)


class PaymentForm(DomainErrorForm):
    """The deal drawer's "Record payment": amount, currency (the deal's by default) and a
    reference; ``deal_payment_record`` checks the values and its errors land here."""

    amount = forms.CharField(
        max_length=20,
        label="Amount",
        error_messages={"required": "Enter the amount received."},
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "1250.00"}
        ),
    )
    currency = forms.CharField(
        max_length=3,
        required=False,
        label="Currency",
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "text-uppercase"}),
    )
    reference = forms.CharField(
        max_length=200,
        required=False,
        label="Reference",
        widget=forms.TextInput(attrs={"placeholder": "Invoice or transfer id"}),
    )
