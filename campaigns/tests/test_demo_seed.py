"""The demo seed leaves one draft campaign, filled in, and adds nothing when run again."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from campaigns.models import Campaign


def test_seed_demo_leaves_a_filled_in_draft_campaign_once(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.bot is not None
    assert campaign.audience_filters in ({"tag": "warm"}, {"tag": ["warm"]})
    steps = list(campaign.steps.order_by("position"))
    assert [len(step.variants.all()) for step in steps] == [2, 1]
