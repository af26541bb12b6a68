"""Campaign reads: the list's counts, one campaign with its steps, progress and recipients."""

from __future__ import annotations

import pytest

from accounts.tests.factories import OrganizationFactory
from campaigns import selectors
from campaigns.models import Campaign, CampaignSend, Recipient
from campaigns.tests.factories import (
    CampaignFactory,
    CampaignSendFactory,
    CampaignStepFactory,
    RecipientFactory,
    StepVariantFactory,
)
from crm.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _steps(campaign: Campaign, count: int) -> list:
    steps = []
    for position in range(count):
        step = CampaignStepFactory(campaign=campaign, position=position)
        StepVariantFactory(step=step, label="A")
        steps.append(step)
    return steps


def _send(recipient: Recipient, step, status: str) -> CampaignSend:
    return CampaignSendFactory(
        recipient=recipient, step=step, variant=step.variants.first(), status=status
    )


def test_list_counts_recipients_sends_and_replies_per_campaign():
    org = OrganizationFactory()
    busy = CampaignFactory(organization=org, name="Busy", status=Campaign.Status.RUNNING)
    (step,) = _steps(busy, 1)
    replied = RecipientFactory(campaign=busy, replied_at="2026-01-02T10:00:00Z")
    quiet = RecipientFactory(campaign=busy)
    RecipientFactory(campaign=busy, status=Recipient.Status.UNREACHABLE, reason="no_chat")
    _send(replied, step, CampaignSend.Status.REPLIED)
    _send(quiet, step, CampaignSend.Status.SENT)
    CampaignFactory(organization=org, name="Empty draft")
    CampaignFactory(name="Other org's")

    rows = {c.name: c for c in selectors.campaigns_list(org)}

    assert set(rows) == {"Busy", "Empty draft"}
    assert (rows["Busy"].recipients_count, rows["Busy"].sent_count) == (2, 2)
    assert rows["Busy"].replied_count == 1
    assert (rows["Empty draft"].recipients_count, rows["Empty draft"].sent_count) == (0, 0)


def test_list_filters_by_status_and_search_text():
    org = OrganizationFactory()
    CampaignFactory(organization=org, name="Spring outreach", status=Campaign.Status.RUNNING)
    CampaignFactory(organization=org, name="Autumn outreach")
    CampaignFactory(organization=org, name="Partners", description="spring fair follow-up")

    def names(**kwargs) -> set[str]:
        return {c.name for c in selectors.campaigns_list(org, **kwargs)}

    assert names(status="running") == {"Spring outreach"}
    assert names(q="spring") == {"Spring outreach", "Partners"}
    assert names(status="draft", q="outreach") == {"Autumn outreach"}


def test_get_returns_steps_in_order_with_variants_and_nothing_of_other_orgs(
    django_assert_num_queries,
):
    campaign = CampaignFactory()
    second = CampaignStepFactory(campaign=campaign, position=1)
    first = CampaignStepFactory(campaign=campaign, position=0)
    StepVariantFactory(step=first, label="B", body="Hey")
    StepVariantFactory(step=first, label="A", body="Hi")
    StepVariantFactory(step=second, label="A", body="Bump")

    with django_assert_num_queries(3):
        found = selectors.campaign_get(campaign.organization, campaign.pk)
        steps = list(found.steps.all())
        bodies = [[v.body for v in step.variants.all()] for step in steps]

    assert [s.pk for s in steps] == [first.pk, second.pk]
    assert bodies == [["Hi", "Hey"], ["Bump"]]
    assert selectors.campaign_get(OrganizationFactory(), campaign.pk) is None
    assert selectors.campaign_get(campaign.organization, "abc") is None


def test_progress_counts_statuses_and_the_share_of_expected_sends_done():
    campaign = CampaignFactory(status=Campaign.Status.RUNNING)
    first, second, _third = _steps(campaign, 3)
    # Active, got step 1: two steps still ahead.
    active = RecipientFactory(campaign=campaign, next_position=1)
    _send(active, first, CampaignSend.Status.SENT)
    # Active, step 1 queued: counts as expected, not yet done; three steps in all.
    waiting = RecipientFactory(campaign=campaign, next_position=1)
    _send(waiting, first, CampaignSend.Status.QUEUED)
    # Replied after two steps: its sequence stopped, nothing more expected.
    replied = RecipientFactory(campaign=campaign, status=Recipient.Status.REPLIED)
    _send(replied, first, CampaignSend.Status.SENT)
    _send(replied, second, CampaignSend.Status.REPLIED)
    failed = RecipientFactory(campaign=campaign, status=Recipient.Status.FAILED)
    _send(failed, first, CampaignSend.Status.FAILED)
    RecipientFactory(
        campaign=campaign, status=Recipient.Status.UNREACHABLE, reason=Recipient.Reason.BLOCKED
    )

    progress = selectors.campaign_progress(campaign)

    assert (progress.enrolled, progress.unreachable, progress.active) == (4, 1, 2)
    assert (progress.replied, progress.failed, progress.completed) == (1, 1, 0)
    assert (progress.sends_queued, progress.sends_sent, progress.sends_failed) == (1, 3, 1)
    # 5 sends exist + active ones still have 3 + 3 steps minus the 2 sends they already got.
    assert progress.expected_sends == 9
    assert progress.percent == 4 * 100 // 9


def test_progress_of_a_finished_campaign_is_complete():
    campaign = CampaignFactory(status=Campaign.Status.COMPLETED)
    (step,) = _steps(campaign, 1)
    done = RecipientFactory(campaign=campaign, status=Recipient.Status.COMPLETED)
    _send(done, step, CampaignSend.Status.SENT)

    assert selectors.campaign_progress(campaign).percent == 100
    assert selectors.campaign_progress(CampaignFactory()).percent == 0


def test_recipients_filter_by_status_reason_and_contact_name():
    campaign = CampaignFactory()
    org = campaign.organization
    ada = RecipientFactory(
        campaign=campaign, contact=ContactFactory(organization=org, first_name="Ada")
    )
    blocked = RecipientFactory(
        campaign=campaign,
        contact=ContactFactory(organization=org, first_name="Bob", telegram_username="bobby"),
        status=Recipient.Status.UNREACHABLE,
        reason=Recipient.Reason.BLOCKED,
    )
    RecipientFactory(
        campaign=campaign,
        contact=ContactFactory(organization=org, first_name="Cy"),
        status=Recipient.Status.UNREACHABLE,
        reason=Recipient.Reason.NO_CHAT,
    )
    RecipientFactory()  # another campaign

    def ids(**kwargs) -> list[int]:
        return [r.pk for r in selectors.recipients_list(campaign, **kwargs)]

    assert len(ids()) == 3
    assert ids(status="active") == [ada.pk]
    assert ids(reason="blocked") == [blocked.pk]
    assert ids(q="@bobb") == [blocked.pk]
    assert ids(q="ada") == [ada.pk]
