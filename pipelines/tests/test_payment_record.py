"""Recording a payment for a deal: permission, field errors, defaults, the event."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from pipelines.models import DealPayment
from pipelines.services.payments import deal_payment_record
from pipelines.tests.factories import DealFactory


@pytest.fixture
def deal(team):
    return DealFactory(organization=team.organization, stage=team.stage("Proposal"), currency="EUR")


def test_a_member_records_a_payment_and_payment_received_is_emitted(team, deal):
    payment = deal_payment_record(
        deal=deal, actor=team.bidi, amount="1250.50", currency="usd", reference=" INV-7 "
    )

    assert (payment.amount, payment.currency, payment.reference) == (
        Decimal("1250.50"),
        "USD",
        "INV-7",
    )
    assert payment.recorded_by == team.bidi
    event = Event.objects.get(name="payment.received")
    assert event.payload["payment"]["id"] == payment.pk
    assert event.payload["payment"]["amount"] == "1250.50"
    assert event.payload["deal"]["id"] == deal.pk
    assert event.actor == team.bidi


def test_the_currency_defaults_to_the_deals(team, deal):
    payment = deal_payment_record(deal=deal, actor=team.bidi, amount=10, currency="")

    assert payment.currency == "EUR"


def test_received_at_may_be_given(team, deal):
    moment = timezone.now() - datetime.timedelta(days=2)

    payment = deal_payment_record(
        deal=deal, actor=team.bidi, amount=10, currency="EUR", received_at=moment.isoformat()
    )

    assert payment.received_at == moment


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"currency": "XXQ"}, "currency"),
        ({"reference": "x" * 201}, "reference"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"received_at": "2999-01-01T00:00:00Z"}, "received_at"),
    ],
)
def test_bad_values_are_field_errors(team, deal, values, field):
    with pytest.raises(ValidationError) as error:
        deal_payment_record(
            deal=deal, actor=team.bidi, **({"amount": "10", "currency": ""} | values)
        )

    assert field in error.value.fields
    assert not DealPayment.objects.exists()


def test_a_viewer_cannot_record_payments(team, deal):
    with pytest.raises(PermissionDenied):
        deal_payment_record(deal=deal, actor=team.viewer, amount=10, currency="EUR")
