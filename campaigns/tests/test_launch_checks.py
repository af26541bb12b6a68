"""Launch checks: what blocks a launch and what only deserves a warning, each pointing at the
setting to fix."""

import datetime

import pytest
from django.utils import timezone

from campaigns.checks import launch_problems
from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory, CampaignStepFactory, StepVariantFactory
from crm.tests.factories import ContactCompanyFactory, ContactFactory
from messaging.tests.factories import ChatFactory, TelegramBotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready():
    """A campaign that can launch: a connected bot, one message, two reachable contacts."""
    bot = TelegramBotFactory()
    campaign = CampaignFactory(organization=bot.organization, bot=bot)
    step = CampaignStepFactory(campaign=campaign, position=0)
    StepVariantFactory(step=step, body='Hi {{ contact.first_name | default:"there" }}')
    for chat in ChatFactory.create_batch(2, bot=bot):
        ContactCompanyFactory(organization=bot.organization, contact=chat.contact)
    return campaign


def _codes(campaign: Campaign, *, blocking: bool) -> list[str]:
    return [p.code for p in launch_problems(campaign) if p.blocking == blocking]


def test_a_ready_campaign_has_no_problems(ready):
    assert launch_problems(ready) == []


def test_no_bot_blocks_and_says_so(ready):
    ready.bot = None

    problems = [p for p in launch_problems(ready) if p.blocking]

    assert problems[0].code == "no_bot" and problems[0].field == "bot"
    assert "launching without a connected bot" in problems[0].message


def test_a_disconnected_bot_blocks(ready):
    ready.bot.is_active = False
    ready.bot.save()

    assert "bot_inactive" in _codes(ready, blocking=True)


def test_no_steps_blocks(ready):
    ready.steps.all().delete()

    assert _codes(ready, blocking=True) == ["no_steps"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("   ", "empty_body"),
        ("Hi {{ contact.nickname }}", "template_error"),
        ("Hi {{ contact.__class__ }}", "template_error"),
        ("Hi {{ contact.first_name", "template_error"),
    ],
)
def test_a_broken_message_blocks_and_points_at_it(ready, body, code):
    second = CampaignStepFactory(campaign=ready, position=1)
    StepVariantFactory(step=second, label="A", body="fine")
    StepVariantFactory(step=second, label="B", body=body)

    problems = [p for p in launch_problems(ready) if p.blocking]

    assert [(p.code, p.field) for p in problems] == [(code, "steps.1.variants.1.body")]
    assert problems[0].message.startswith("Step 2, variant B")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"window_days": []}, "window_no_days"),
        ({"window_start": datetime.time(18), "window_end": datetime.time(9)}, "window_empty"),
        ({"window_start": datetime.time(9), "window_end": datetime.time(9)}, "window_empty"),
        ({"ends_at": timezone.now() - datetime.timedelta(hours=1)}, "ends_in_past"),
        (
            {
                "starts_at": timezone.now() + datetime.timedelta(days=3),
                "ends_at": timezone.now() + datetime.timedelta(days=2),
            },
            "ends_before_start",
        ),
    ],
)
def test_an_impossible_schedule_blocks(ready, fields, code):
    for name, value in fields.items():
        setattr(ready, name, value)

    assert _codes(ready, blocking=True) == [code]


def test_an_empty_audience_blocks(ready):
    ready.audience_filters = {"source": "nowhere"}

    assert _codes(ready, blocking=True) == ["audience_empty"]


def test_invalid_audience_filters_block(ready):
    ready.audience_filters = {"created_after": "yesterday-ish"}

    problems = [p for p in launch_problems(ready) if p.blocking]

    assert [(p.code, p.field) for p in problems] == [("audience_invalid", "audience_filters")]


def test_nobody_reachable_blocks_and_the_reasons_are_warnings(ready):
    ready.audience_filters = {"source": "fair"}
    ContactFactory.create_batch(2, organization=ready.organization, source="fair")
    ContactFactory(organization=ready.organization, source="fair", do_not_contact=True)

    problems = launch_problems(ready)

    assert [p.code for p in problems if p.blocking] == ["no_reachable"]
    warnings = {p.code: p.message for p in problems if not p.blocking}
    assert "2 contacts" in warnings["unreachable_no_chat"]
    assert "1 contact " in warnings["unreachable_do_not_contact"]


def test_missing_variables_and_a_low_cap_are_warnings(ready):
    StepVariantFactory(step=ready.steps.get(), label="B", body="Hi {{ contact.title }}")
    ready.daily_cap = 1

    problems = launch_problems(ready)

    assert not [p for p in problems if p.blocking]
    warnings = {p.code: p.message for p in problems}
    assert "2 contacts have no contact.title" in warnings["missing_variable"]
    assert "variant B" in warnings["missing_variable"]
    assert "2 days" in warnings["daily_cap_low"]
