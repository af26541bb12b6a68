"""The deal drawer's "Record payment" form: records the payment, answers with the payments
section, shows field errors in place; viewers see the list without the form."""

from __future__ import annotations

import pytest

from pipelines.models import DealPayment
from pipelines.tests.factories import DealFactory, DealPaymentFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def deal(team):
    return DealFactory(organization=team.organization, stage=team.stage("Proposal"), currency="EUR")


def test_a_member_records_a_payment_from_the_drawer(team, client, deal):
    client.force_login(team.bidi)

    response = client.post(
        f"/deals/{deal.pk}/payments/",
        {"amount": "1200", "currency": "", "reference": "INV-9"},
        **HTMX,
    )

    assert response.status_code == 200
    payment = DealPayment.objects.get()
    assert (payment.deal, payment.currency, payment.reference) == (deal, "EUR", "INV-9")
    html = response.content.decode()
    assert 'id="deal-payments"' in html
    assert "INV-9" in html


def test_a_bad_amount_comes_back_next_to_its_field(team, client, deal):
    client.force_login(team.bidi)

    html = client.post(
        f"/deals/{deal.pk}/payments/", {"amount": "-3", "currency": "EUR"}, **HTMX
    ).content.decode()

    assert 'id="id_amount_error"' in html
    assert not DealPayment.objects.exists()


def test_the_drawer_lists_payments_and_viewers_get_no_form(team, client, deal):
    DealPaymentFactory(organization=team.organization, deal=deal, reference="INV-1")
    client.force_login(team.viewer)

    html = client.get(f"/deals/{deal.pk}/", **HTMX).content.decode()

    assert "INV-1" in html
    assert "Record payment" not in html


def test_a_viewer_cannot_post_a_payment(team, client, deal):
    client.force_login(team.viewer)

    response = client.post(f"/deals/{deal.pk}/payments/", {"amount": "5"}, **HTMX)

    assert response.status_code == 403
    assert not DealPayment.objects.exists()
