"""Payments received for deals: recorded by a member or over the API.

Recording one emits ``payment.received`` — the built-in "payment received → Won" automation
(``pipelines.transitions``) and outgoing webhooks listen to it. A billing integration will call
the same service later.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from accounts.services import require_permission
from automation.events import emit
from crm.services.records import Errors, text_clean
from pipelines.models import Deal, DealPayment
from pipelines.services.deal_fields import currency_clean, value_clean
from pipelines.services.deals import deal_payload

MAX_REFERENCE = 200


def payment_payload(payment: DealPayment) -> dict[str, Any]:
    """The payment as ``payment.received`` carries it (version 1)."""
    return {
        "id": payment.pk,
        "deal_id": payment.deal_id,
        "amount": str(payment.amount),
        "currency": payment.currency,
        "reference": payment.reference,
        "received_at": payment.received_at.isoformat(),
        "recorded_by": payment.recorded_by_id,
    }


def _amount_clean(value: Any, errors: Errors) -> Decimal | None:
    found = Errors()
    amount = value_clean("x" if value in (None, "") else value, found)
    for message in found.get("value", []):
        errors.add("amount", message.replace("The value", "The amount"))
    if amount is not None and amount <= 0:
        errors.add("amount", "Enter an amount above zero.")
        return None
    return amount


def _received_at_clean(value: Any, errors: Errors) -> datetime.datetime:
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        moment = parse_datetime(str(value).strip())
        if moment is None:
            errors.add("received_at", "Enter a date and time, e.g. 2026-05-01T14:30:00Z.")
            return timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + datetime.timedelta(minutes=5):
        errors.add("received_at", "A payment cannot be received in the future.")
    return moment


@transaction.atomic
def deal_payment_record(
    *,
    deal: Deal,
    actor: User,
    amount: Decimal | str | int,
    currency: str,
    reference: str = "",
    received_at: datetime.datetime | str | None = None,
) -> DealPayment:
    """Record money received for ``deal`` (``deal.edit``) and emit ``payment.received``.

    ``currency`` defaults to the deal's when empty. Raises ``ValidationError`` with field
    errors on amount, currency, reference and received_at.
    """
    organization = deal.organization
    require_permission(organization, actor, "deal.edit")
    errors = Errors()
    cleaned_amount = _amount_clean(amount, errors)
    cleaned_currency = currency_clean(currency or deal.currency, errors)
    cleaned_reference = text_clean(reference, "reference", MAX_REFERENCE, errors)
    moment = _received_at_clean(received_at, errors)
    # One field at fault: its own sentence reads better above the form than a summary.
    errors.raise_if_any(
        next(iter(errors.values()))[0] if len(errors) == 1 else "Check the payment's details."
    )
    payment = DealPayment.objects.create(
        organization=organization,
        deal=deal,
        amount=cleaned_amount,
        currency=cleaned_currency,
        reference=cleaned_reference,
        received_at=moment,
        recorded_by=actor,
    )
    emit(
        organization,
        "payment.received",
        {"payment": payment_payload(payment), "deal": deal_payload(deal)},
        actor,
    )
    return payment
