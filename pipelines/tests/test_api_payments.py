"""``/api/v1/deals/{id}/payments/``: list and record payments of a deal."""

from __future__ import annotations

import pytest

from pipelines.models import DealPayment
from pipelines.tests.factories import DealFactory, DealPaymentFactory


@pytest.fixture
def deal(team):
    return DealFactory(organization=team.organization, stage=team.stage("Proposal"), currency="EUR")


def _url(deal):
    return f"/api/v1/deals/{deal.pk}/payments/"


def test_a_member_records_a_payment(team, deal, jwt_client):
    response = jwt_client(team.bidi).post(
        _url(deal), {"amount": "300.00", "reference": "INV-1"}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["currency"], body["reference"]) == ("300.00", "EUR", "INV-1")
    assert body["deal"] == deal.pk
    assert body["recorded_by"]["id"] == team.bidi.pk
    assert DealPayment.objects.get().deal == deal


def test_bad_values_answer_400_with_field_errors(team, deal, jwt_client):
    response = jwt_client(team.bidi).post(
        _url(deal), {"amount": "-1", "currency": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"amount", "currency"}


def test_payments_are_listed_latest_first(team, deal, jwt_client):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    older = DealPaymentFactory(
        organization=team.organization, deal=deal, received_at=now - datetime.timedelta(days=3)
    )
    newer = DealPaymentFactory(organization=team.organization, deal=deal, received_at=now)
    DealPaymentFactory(organization=team.organization)  # another deal's

    rows = jwt_client(team.viewer).get(_url(deal)).json()["results"]

    assert [row["id"] for row in rows] == [newer.pk, older.pk]


def test_a_viewer_cannot_record_payments(team, deal, jwt_client):
    response = jwt_client(team.viewer).post(_url(deal), {"amount": "5"}, format="json")

    assert response.status_code == 403
    assert not DealPayment.objects.exists()


def test_another_organizations_deal_is_404(team, jwt_client):
    foreign = DealFactory(currency="EUR")

    client = jwt_client(team.owner)
    assert client.get(_url(foreign)).status_code == 404
    assert client.post(_url(foreign), {"amount": "5"}, format="json").status_code == 404
    assert not DealPayment.objects.exists()
