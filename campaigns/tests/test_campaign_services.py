"""Writing campaigns: settings are validated field by field, the status decides what may still
change, and steps with their A/B variants are replaced (drafts) or edited in place (paused)."""

import datetime

import pytest

from accounts.errors import PermissionDenied, ValidationError
from automation.models import Event
from campaigns.models import Campaign, CampaignStep, StepVariant
from campaigns.services.campaigns import (
    campaign_create,
    campaign_delete,
    campaign_steps_set,
    campaign_update,
)
from campaigns.tests.factories import CampaignFactory
from crm.models import Entity
from crm.tests.factories import SavedViewFactory, TagFactory
from messaging.tests.factories import TelegramBotFactory

pytestmark = pytest.mark.django_db
Status = Campaign.Status


@pytest.fixture
def member(make_member):
    return make_member("bidi")


def _draft(member, **fields) -> Campaign:
    return CampaignFactory(organization=member.organization, created_by=member.user, **fields)


def _step(body="Hi {{ contact.first_name }}", **extra):
    return {"delay_minutes": 0, "variants": [{"body": body}], **extra}


def test_creating_a_campaign_makes_a_draft_sent_by_its_author(member):
    bot = TelegramBotFactory(organization=member.organization)
    TagFactory(organization=member.organization, name="vip")

    campaign = campaign_create(
        organization=member.organization,
        actor=member.user,
        data={
            "name": "  Q3   founders ",
            "bot": bot.pk,
            "audience_filters": {"tag": ["VIP"], "sort": "name"},
            "window_days": [4, 0, 0, 2],
            "window_start": "10:00",
            "daily_cap": "50",
            "stop_on_reply": "false",
        },
    )

    campaign.refresh_from_db()
    assert campaign.name == "Q3 founders"
    assert (campaign.status, campaign.bot, campaign.sender) == (Status.DRAFT, bot, member.user)
    assert campaign.audience_filters == {"tag": ["vip"]}
    assert campaign.window_days == [0, 2, 4]
    assert campaign.window_start == datetime.time(10, 0)
    assert (campaign.daily_cap, campaign.stop_on_reply) == (50, False)
    assert Event.objects.get(name="campaign.created").payload["campaign"]["id"] == campaign.pk


def test_a_viewer_cannot_create_campaigns(make_member):
    viewer = make_member("viewer")

    with pytest.raises(PermissionDenied):
        campaign_create(organization=viewer.organization, actor=viewer.user, data={"name": "X"})


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"description": "x" * 501}, "description"),
        ({"window_days": [7]}, "window_days"),
        ({"window_days": "mon"}, "window_days"),
        ({"window_start": "25:00"}, "window_start"),
        ({"time_zone_mode": "moon"}, "time_zone_mode"),
        ({"daily_cap": 0}, "daily_cap"),
        ({"daily_cap": "lots"}, "daily_cap"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"stop_on_reply": "maybe"}, "stop_on_reply"),
        ({"audience_filters": {"created_after": "soon"}}, "audience_filters"),
        ({"audience_filters": ["tag"]}, "audience_filters"),
    ],
)
def test_bad_settings_are_refused_with_the_field_named(member, data, field):
    with pytest.raises(ValidationError) as error:
        campaign_create(
            organization=member.organization, actor=member.user, data={"name": "X", **data}
        )

    assert field in error.value.fields
    assert not Campaign.objects.exists()


def test_records_of_another_organization_are_refused(member, make_member):
    stranger = make_member("owner")
    foreign_bot = TelegramBotFactory(organization=stranger.organization)
    foreign_view = SavedViewFactory(organization=stranger.organization, owner=stranger.user)
    company_view = SavedViewFactory(organization=member.organization, entity=Entity.COMPANY)
    private_view = SavedViewFactory(organization=member.organization, shared=False)

    for data, field in [
        ({"bot": foreign_bot.pk}, "bot"),
        ({"bot": "abc"}, "bot"),
        ({"sender": stranger.user.pk}, "sender"),
        ({"audience_view": foreign_view.pk}, "audience_view"),
        ({"audience_view": company_view.pk}, "audience_view"),
        ({"audience_view": private_view.pk}, "audience_view"),
    ]:
        with pytest.raises(ValidationError) as error:
            campaign_create(
                organization=member.organization, actor=member.user, data={"name": "X", **data}
            )
        assert field in error.value.fields, data


def test_a_draft_changes_anything_and_reports_what_changed(member):
    campaign = _draft(member)
    view = SavedViewFactory(organization=member.organization, owner=member.user, filters={})

    campaign = campaign_update(
        campaign=campaign,
        actor=member.user,
        data={"audience_view": view, "only_never_contacted": True, "name": campaign.name},
    )

    assert (campaign.audience_view, campaign.only_never_contacted) == (view, True)
    event = Event.objects.get(name="campaign.updated")
    assert event.payload["changed"] == ["audience_view", "only_never_contacted"]


def test_after_launch_only_some_settings_change(member):
    campaign = _draft(member, status=Status.RUNNING)

    with pytest.raises(ValidationError) as error:
        campaign_update(
            campaign=campaign,
            actor=member.user,
            data={"daily_cap": 10, "audience_filters": {}, "bot": None},
        )
    assert set(error.value.fields) == {"audience_filters", "bot"}
    assert "after launch" in error.value.fields["bot"][0]

    campaign = campaign_update(
        campaign=campaign, actor=member.user, data={"daily_cap": 10, "window_end": "17:30"}
    )
    assert (campaign.daily_cap, campaign.window_end) == (10, datetime.time(17, 30))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"window_days": []}, "window_days"),
        ({"window_start": "18:00", "window_end": "09:00"}, "window_end"),
        ({"ends_at": "2020-01-01T00:00:00+00:00"}, "ends_at"),
    ],
)
def test_a_live_campaign_refuses_a_schedule_that_would_never_send(member, data, field):
    campaign = _draft(member, status=Status.RUNNING)

    with pytest.raises(ValidationError) as refused:
        campaign_update(campaign=campaign, actor=member.user, data=data)

    assert field in refused.value.fields
    campaign.refresh_from_db()
    assert campaign.window_days == [0, 1, 2, 3, 4]
    assert campaign.ends_at is None


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CANCELLED])
def test_a_finished_campaign_can_only_be_renamed(member, status):
    campaign = _draft(member, status=status)

    campaign = campaign_update(campaign=campaign, actor=member.user, data={"name": "Old one"})
    with pytest.raises(ValidationError) as error:
        campaign_update(campaign=campaign, actor=member.user, data={"daily_cap": 5})

    assert campaign.name == "Old one"
    assert "daily_cap" in error.value.fields


def test_steps_replace_the_drafts_and_labels_come_in_order(member):
    campaign = _draft(member)
    campaign_steps_set(campaign=campaign, actor=member.user, steps=[_step(), _step()])

    steps = campaign_steps_set(
        campaign=campaign,
        actor=member.user,
        steps=[
            {
                "delay_minutes": 0,
                "variants": [
                    {"body": 'Hi {{ contact.first_name | default:"there" }}', "weight": 70},
                    {"body": "Hello {{ contact.full_name }}", "weight": 30},
                ],
            },
            {"delay_minutes": 2880, "only_if_no_reply": False, "variants": [{"body": "Bump"}]},
        ],
    )

    assert [(s.position, s.delay_minutes, s.only_if_no_reply) for s in steps] == [
        (0, 0, True),
        (1, 2880, False),
    ]
    assert [(v.label, v.weight) for v in steps[0].variants.all()] == [("A", 70), ("B", 30)]
    assert CampaignStep.objects.count() == 2 and StepVariant.objects.count() == 3
    assert Event.objects.filter(name="campaign.updated").last().payload["changed"] == ["steps"]


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([], "steps"),
        ([_step()] * 11, "steps"),
        ([_step(body="")], "steps.0.variants.0.body"),
        ([_step(body="x" * 4097)], "steps.0.variants.0.body"),
        ([_step(), _step(body="Hi {{ contact.nickname }}")], "steps.1.variants.0.body"),
        ([_step(body="{{ contact.__class__ }}")], "steps.0.variants.0.body"),
        ([_step(body="{{ sender.password }}")], "steps.0.variants.0.body"),
        ([_step(body="Hi {{ contact.first_name")], "steps.0.variants.0.body"),
        ([_step(delay_minutes=-5)], "steps.0.delay_minutes"),
        ([{"variants": []}], "steps.0.variants"),
        ([{"variants": [{"body": "x"}] * 5}], "steps.0.variants"),
        ([{"variants": [{"body": "x", "weight": 0}]}], "steps.0.variants.0.weight"),
        ([{"variants": [{"body": "x", "weight": 101}]}], "steps.0.variants.0.weight"),
        (
            [{"variants": [{"body": "x", "label": "A"}, {"body": "y", "label": "a"}]}],
            "steps.0.variants",
        ),
    ],
)
def test_bad_steps_are_refused_with_the_field_named(member, steps, field):
    campaign = _draft(member)

    with pytest.raises(ValidationError) as error:
        campaign_steps_set(campaign=campaign, actor=member.user, steps=steps)

    assert field in error.value.fields, error.value.fields
    assert not CampaignStep.objects.exists()


def test_a_paused_campaigns_steps_change_in_place_only(member):
    campaign = _draft(member)
    campaign_steps_set(campaign=campaign, actor=member.user, steps=[_step(), _step(body="Bump")])
    Campaign.objects.filter(pk=campaign.pk).update(status=Status.PAUSED)
    ids = set(StepVariant.objects.values_list("pk", flat=True))

    with pytest.raises(ValidationError):
        campaign_steps_set(campaign=campaign, actor=member.user, steps=[_step()])
    campaign_steps_set(
        campaign=campaign,
        actor=member.user,
        steps=[_step(body="Hey {{ contact.first_name }}"), _step(body="Bump!", delay_minutes=60)],
    )

    assert set(StepVariant.objects.values_list("pk", flat=True)) == ids
    assert list(StepVariant.objects.order_by("step__position").values_list("body", flat=True)) == [
        "Hey {{ contact.first_name }}",
        "Bump!",
    ]
    assert CampaignStep.objects.get(position=1).delay_minutes == 60


def test_running_campaigns_steps_do_not_change(member):
    campaign = _draft(member, status=Status.RUNNING)

    with pytest.raises(ValidationError) as error:
        campaign_steps_set(campaign=campaign, actor=member.user, steps=[_step()])

    assert "Pause" in error.value.fields["steps"][0]


def test_only_drafts_are_deleted(member):
    draft = _draft(member)
    running = _draft(member, status=Status.RUNNING)
    draft_id = draft.pk

    campaign_delete(campaign=draft, actor=member.user)
    with pytest.raises(ValidationError):
        campaign_delete(campaign=running, actor=member.user)

    assert list(Campaign.objects.all()) == [running]
    assert Event.objects.get(name="campaign.deleted").payload["campaign"]["id"] == draft_id
