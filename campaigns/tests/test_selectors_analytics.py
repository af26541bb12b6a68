"""Campaign analytics: the funnel up to won deals, per-step/variant results and daily series."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from campaigns.models import Campaign, CampaignSend, Recipient
from campaigns.selectors import campaign_analytics
from campaigns.tests.factories import (
    CampaignFactory,
    CampaignSendFactory,
    CampaignStepFactory,
    RecipientFactory,
    StepVariantFactory,
)
from crm.tests.factories import ContactFactory
from pipelines.models import StageKind
from pipelines.tests.factories import DealFactory, StageFactory

pytestmark = pytest.mark.django_db

LAUNCH = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def _deal(contact, *, created_at: datetime, won: bool = False):
    org = contact.organization
    stage = StageFactory(organization=org, kind=StageKind.WON if won else StageKind.OPEN)
    deal = DealFactory(organization=org, stage=stage, created_at=created_at)
    deal.contacts.add(contact)
    return deal


def test_funnel_from_enrolment_to_won_deals(django_assert_max_num_queries):
    campaign = CampaignFactory(status=Campaign.Status.RUNNING, launched_at=LAUNCH)
    step = CampaignStepFactory(campaign=campaign, position=0)
    variant = StepVariantFactory(step=step)
    org = campaign.organization

    def recipient(**kwargs) -> Recipient:
        contact = ContactFactory(organization=org)
        return RecipientFactory(campaign=campaign, contact=contact, enrolled_at=LAUNCH, **kwargs)

    def send(r: Recipient, status: str) -> None:
        CampaignSendFactory(recipient=r, step=step, variant=variant, status=status)

    won = recipient(status=Recipient.Status.REPLIED, replied_at=_at(3))
    send(won, CampaignSend.Status.REPLIED)
    _deal(won.contact, created_at=_at(4), won=True)
    open_deal = recipient(status=Recipient.Status.REPLIED, replied_at=_at(3))
    send(open_deal, CampaignSend.Status.REPLIED)
    _deal(open_deal.contact, created_at=_at(5))
    old_deal = recipient()  # its deal predates the campaign: not the campaign's doing
    send(old_deal, CampaignSend.Status.SENT)
    _deal(old_deal.contact, created_at=_at(1), won=True)
    send(recipient(), CampaignSend.Status.FAILED)
    send(recipient(), CampaignSend.Status.QUEUED)
    recipient()  # not reached yet
    recipient(status=Recipient.Status.UNREACHABLE, reason=Recipient.Reason.NO_CHAT)

    with django_assert_max_num_queries(6):
        analytics = campaign_analytics(campaign, now=_at(6))

    assert analytics.funnel == [
        ("enrolled", 6),
        ("sent", 5),
        ("delivered", 3),
        ("replied", 2),
        ("deal_created", 2),
        ("won", 1),
    ]


def test_step_and_variant_results_with_significance_against_a():
    campaign = CampaignFactory(status=Campaign.Status.RUNNING, launched_at=LAUNCH)
    step = CampaignStepFactory(campaign=campaign, position=0)
    a = StepVariantFactory(step=step, label="A", weight=50)
    b = StepVariantFactory(step=step, label="B", weight=50)
    single = CampaignStepFactory(campaign=campaign, position=1)
    StepVariantFactory(step=single, label="A")

    def sends(variant, count: int, status: str) -> None:
        for _ in range(count):
            CampaignSendFactory(
                campaign=campaign,
                recipient=RecipientFactory(campaign=campaign),
                step=step,
                variant=variant,
                status=status,
            )

    sends(a, 4, CampaignSend.Status.REPLIED)
    sends(a, 36, CampaignSend.Status.SENT)
    sends(b, 16, CampaignSend.Status.REPLIED)
    sends(b, 24, CampaignSend.Status.SENT)
    sends(b, 2, CampaignSend.Status.FAILED)

    first, second = campaign_analytics(campaign, now=_at(6)).steps

    assert (first.sent, first.delivered, first.failed, first.replied) == (82, 80, 2, 20)
    stats_a, stats_b = first.variants
    assert (stats_a.variant, stats_a.reply_rate, stats_a.significance) == (a, 0.1, None)
    assert (stats_b.variant, stats_b.sent, stats_b.delivered) == (b, 42, 40)
    assert stats_b.reply_rate == 0.4
    assert stats_b.significance.significant is True
    assert stats_b.significance.note == "B's reply rate is higher, p = 0.002"
    assert (second.sent, [v.significance for v in second.variants]) == (0, [None])


def test_daily_series_in_the_organization_time_zone_with_empty_days():
    campaign = CampaignFactory(
        status=Campaign.Status.COMPLETED, launched_at=LAUNCH, finished_at=_at(6)
    )
    campaign.organization.time_zone = "America/New_York"  # UTC-5 in early March
    campaign.organization.save()
    step = CampaignStepFactory(campaign=campaign, position=0)
    variant = StepVariantFactory(step=step)

    def sent(at: datetime, replied_at: datetime | None = None) -> None:
        recipient = RecipientFactory(campaign=campaign, replied_at=replied_at)
        CampaignSendFactory(recipient=recipient, step=step, variant=variant, created_at=at)

    sent(_at(2, 14), replied_at=_at(5, 3))  # replied on the 4th in New York
    sent(_at(3, 2))  # the evening of the 2nd in New York
    sent(_at(4, 15))

    analytics = campaign_analytics(campaign, now=_at(20))

    assert analytics.days == [date(2026, 3, d) for d in range(2, 7)]
    assert analytics.sent_per_day == [2, 0, 1, 0, 0]
    assert analytics.replied_per_day == [0, 0, 1, 0, 0]


def test_a_draft_has_no_series():
    analytics = campaign_analytics(CampaignFactory())
    assert (analytics.days, analytics.steps) == ([], [])
    assert analytics.funnel[0] == ("enrolled", 0)
