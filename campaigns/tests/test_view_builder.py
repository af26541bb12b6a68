"""The builder of a draft: basics, audience with its live preview, the steps editor with its
variable picker and preview, and the schedule."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory
from campaigns.tests.ready import ready_campaign
from crm.tests.factories import ContactFactory, TagFactory
from messaging.tests.factories import TelegramBotFactory

pytestmark = pytest.mark.django_db


def _url(campaign: Campaign, part: str = "") -> str:
    return f"/campaigns/{campaign.pk}/{part}"


def _steps(*steps: list[tuple[str, str, int]], delays: tuple[int, ...] = ()) -> dict[str, str]:
    """The editor's inputs for ``steps`` (each a list of (label, body, weight))."""
    data = {"op": "save", "step_count": str(len(steps))}
    for i, variants in enumerate(steps):
        data[f"step-{i}-delay_days"] = str(delays[i] if i < len(delays) else 0)
        data[f"step-{i}-delay_hours"] = "0"
        data[f"step-{i}-only_if_no_reply"] = "on"
        data[f"step-{i}-variant_count"] = str(len(variants))
        for j, (label, body, weight) in enumerate(variants):
            data[f"step-{i}-variant-{j}-label"] = label
            data[f"step-{i}-variant-{j}-body"] = body
            data[f"step-{i}-variant-{j}-weight"] = str(weight)
    return data


def test_a_draft_opens_in_the_builder_with_every_section(make_member, client):
    owner = make_member("owner")
    ready = ready_campaign(owner)
    client.force_login(owner.user)

    html = client.get(_url(ready.campaign)).content.decode()

    for section in ('id="basics"', 'id="audience"', 'id="steps"', 'id="schedule"'):
        assert section in html
    assert "Hi {{ contact.first_name }}" in html  # the saved step
    assert 'data-insert="{{ contact.first_name | default:&quot;there&quot; }}"' in html
    assert "Ada Lovelace" in html  # sample contact of the audience preview
    assert "Review and launch" in html


def test_another_organizations_campaign_is_not_found(make_member, client):
    owner = make_member("owner")
    other = CampaignFactory()
    client.force_login(owner.user)

    assert client.get(_url(other)).status_code == 404
    assert client.post(_url(other, "basics/"), {"name": "Mine"}).status_code == 404
    assert client.post(_url(other, "steps/"), _steps([("A", "Hi", 100)])).status_code == 404


def test_viewers_see_the_builder_read_only_and_cannot_save(make_member, client):
    viewer = make_member("viewer")
    campaign = CampaignFactory(organization=viewer.organization, name="Q3")
    client.force_login(viewer.user)

    html = client.get(_url(campaign)).content.decode()
    response = client.post(_url(campaign, "basics/"), {"name": "Renamed"})

    assert "Save audience" not in html and "Save messages" not in html
    assert "<fieldset disabled>" in html
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.name == "Q3"


def test_saving_the_basics_sets_the_bot(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization)
    bot = TelegramBotFactory(organization=owner.organization)
    client.force_login(owner.user)

    response = client.post(_url(campaign, "basics/"), {"name": "Renamed", "bot": bot.pk})

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.bot) == ("Renamed", bot)


def test_the_audience_is_saved_as_contact_list_filters(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization, created_by=owner.user)
    TagFactory(organization=owner.organization, name="vip")
    client.force_login(owner.user)

    response = client.post(
        _url(campaign, "audience/"),
        {"tag": "vip", "only_never_contacted": "on", "exclude_in_other_campaigns": "on"},
    )

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.audience_filters in ({"tag": "vip"}, {"tag": ["vip"]})
    html = client.get(_url(campaign)).content.decode()
    assert '<option value="vip" selected>' in html  # read back into the filter panel
    assert campaign.only_never_contacted and campaign.exclude_in_other_campaigns
    assert not campaign.dynamic_enrolment


def test_a_bad_audience_filter_is_shown_next_to_it_and_nothing_is_saved(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization)
    client.force_login(owner.user)

    response = client.post(_url(campaign, "audience/"), {"created_after": "not a date"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "filter-field filter-field-wide has-error" in html
    campaign.refresh_from_db()
    assert campaign.audience_filters == {}


def test_the_audience_preview_counts_reachable_and_unreachable_contacts(make_member, client):
    owner = make_member("owner")
    ready = ready_campaign(owner)
    vip = ContactFactory(organization=owner.organization, first_name="Grace", last_name="Hopper")
    vip.tags.add(ready.contact.tags.get())  # tagged, but never talked to the bot
    client.force_login(owner.user)

    html = client.post(
        _url(ready.campaign, "audience/preview/"), {"tag": "founders"}
    ).content.decode()

    assert "data-audience-total>2<" in html
    assert "data-audience-reachable>1<" in html
    assert "Has not started the bot" in html
    assert "Grace Hopper" in html and "Ada Lovelace" in html


def test_saving_two_steps_with_an_a_b_split(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization, created_by=owner.user)
    client.force_login(owner.user)

    response = client.post(
        _url(campaign, "steps/"),
        _steps(
            [("A", "Hi {{ contact.first_name }}", 50), ("B", "Hello there", 50)],
            [("A", "Following up", 100)],
            delays=(0, 3),
        ),
    )

    assert "Messages saved." in response.content.decode()
    steps = list(campaign.steps.order_by("position"))
    assert [s.delay_minutes for s in steps] == [0, 3 * 1440]
    assert [(v.label, v.body, v.weight) for v in steps[0].variants.all()] == [
        ("A", "Hi {{ contact.first_name }}", 50),
        ("B", "Hello there", 50),
    ]


def test_a_template_error_is_shown_next_to_its_variant(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization)
    client.force_login(owner.user)

    html = client.post(
        _url(campaign, "steps/"), _steps([("A", "Hi {{ contact.nickname }}", 100)])
    ).content.decode()

    assert 'id="step-0-variant-0-body-error"' in html
    assert "contact.nickname" in html
    assert not campaign.steps.exists()


def test_adding_a_step_and_a_variant_does_not_save(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization)
    client.force_login(owner.user)

    data = _steps([("A", "Hi", 100)])
    html = client.post(_url(campaign, "steps/"), {**data, "op": "add_step"}).content.decode()
    assert 'name="step-1-variant-0-body"' in html
    html = client.post(_url(campaign, "steps/"), {**data, "op": "add_variant-0"}).content.decode()
    assert "Variant B" in html
    assert not campaign.steps.exists()


def test_the_message_preview_shows_the_sample_contacts_name(make_member, client):
    owner = make_member("owner")
    ready = ready_campaign(owner)
    client.force_login(owner.user)

    html = client.post(
        _url(ready.campaign, "steps/preview/"),
        {
            "step-0-variant-0-body": "Hi {{ contact.first_name }}!",
            "preview_contact": ready.contact.pk,
        },
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER_NAME="step-0-variant-0-body",
    ).content.decode()

    assert "Hi Ada!" in html


def test_the_message_preview_reports_syntax_errors(make_member, client):
    owner = make_member("owner")
    ready = ready_campaign(owner)
    client.force_login(owner.user)

    html = client.post(
        _url(ready.campaign, "steps/preview/"),
        {"step-0-variant-0-body": "Hi {{ contact.first_name", "preview_contact": ready.contact.pk},
        HTTP_HX_TRIGGER_NAME="step-0-variant-0-body",
    ).content.decode()

    assert "campaign-preview-errors" in html


def test_the_preview_never_shows_another_organizations_contact(make_member, client):
    owner = make_member("owner")
    ready = ready_campaign(owner)
    stranger = ContactFactory(first_name="Mallory")
    client.force_login(owner.user)

    html = client.post(
        _url(ready.campaign, "steps/preview/"),
        {"step-0-variant-0-body": "Hi {{ contact.first_name }}", "preview_contact": stranger.pk},
        HTTP_HX_TRIGGER_NAME="step-0-variant-0-body",
    ).content.decode()

    assert "Mallory" not in html


def test_saving_the_schedule(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization)
    client.force_login(owner.user)

    response = client.post(
        _url(campaign, "schedule/"),
        {
            "window_days": ["0", "2", "4"],
            "window_start": "10:00",
            "window_end": "16:30",
            "time_zone_mode": "organization",
            "daily_cap": "40",
            "stop_on_reply": "on",
        },
    )

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.window_days == [0, 2, 4]
    assert str(campaign.window_start) == "10:00:00" and campaign.daily_cap == 40
    assert campaign.time_zone_mode == "organization"


def test_a_bad_daily_cap_is_reported_next_to_it(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization)
    client.force_login(owner.user)

    html = client.post(
        _url(campaign, "schedule/"),
        {"window_days": ["0"], "window_start": "09:00", "window_end": "18:00",
         "time_zone_mode": "contact", "daily_cap": "0"},
    ).content.decode()  # fmt: skip

    assert 'id="id_daily_cap_error"' in html


def test_deleting_a_draft(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization)
    client.force_login(owner.user)

    response = client.post(_url(campaign, "delete/"))

    assert response["Location"] == "/campaigns/"
    assert not Campaign.objects.filter(pk=campaign.pk).exists()
