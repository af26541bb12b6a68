"""A campaign's analytics page: funnel, steps and variants, the chart's series."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import timezone

from campaigns.tests.factories import (
    CampaignFactory,
    CampaignSendFactory,
    CampaignStepFactory,
    RecipientFactory,
    StepVariantFactory,
)

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_funnel_the_variants_and_the_daily_series(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization, status="running")
    step = CampaignStepFactory(campaign=campaign, position=0)
    a = StepVariantFactory(step=step, label="A", weight=50)
    b = StepVariantFactory(step=step, label="B", weight=50)
    for n in range(4):
        replied_at = timezone.now() if n == 0 else None
        recipient = RecipientFactory(
            campaign=campaign, status="replied" if n == 0 else "active", replied_at=replied_at
        )
        CampaignSendFactory(
            recipient=recipient,
            step=step,
            variant=a if n % 2 == 0 else b,
            status="replied" if n == 0 else "sent",
            sent_at=timezone.now(),
            replied_at=replied_at,
        )
    client.force_login(owner.user)

    response = client.get(f"/campaigns/{campaign.pk}/analytics/")
    html = response.content.decode()

    assert response.status_code == 200
    for label in ("Enrolled", "Sent", "Delivered", "Replied", "Deal created", "Won"):
        assert label in html
    assert 'data-stage="enrolled"' in html
    assert "Variant A" in html and "Variant B" in html
    assert "50%" in html  # variant A: 1 reply of 2 delivered
    data = json.loads(re.search(r'id="campaign-chart-data"[^>]*>(.*?)</script>', html).group(1))
    assert sum(data["sent"]) == 4 and sum(data["replied"]) == 1
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_viewers_see_analytics(make_member, client):
    viewer = make_member("viewer")
    campaign = CampaignFactory(organization=viewer.organization, status="completed")
    client.force_login(viewer.user)

    response = client.get(f"/campaigns/{campaign.pk}/analytics/")

    assert response.status_code == 200
    assert "Nothing sent yet." in response.content.decode()
