"""What still changes on a launched campaign's page: the schedule while it is live, the messages
in place while it is paused, name and description afterwards; and the recipients table that the
live page re-reads with its filters."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign
from campaigns.services.lifecycle import campaign_launch, campaign_pause
from campaigns.tests.factories import CampaignFactory, RecipientFactory
from campaigns.tests.ready import ready_campaign

pytestmark = pytest.mark.django_db

SCHEDULE = {
    "window_days": ["1", "3"],
    "window_start": "10:00",
    "window_end": "15:00",
    "daily_cap": "25",
    "stop_on_reply": "on",
}


def _launched(member, *, paused: bool = False) -> Campaign:
    ready = ready_campaign(member)
    campaign_launch(campaign=ready.campaign, actor=member.user)
    if paused:
        campaign_pause(campaign=ready.campaign, actor=member.user)
    ready.campaign.refresh_from_db()
    return ready.campaign


def _steps(campaign: Campaign, bodies: list[list[str]], delays: tuple[int, ...] = ()) -> dict:
    """The editor's inputs: one list of variant bodies per step (labels A, B…, even weights)."""
    data = {"op": "save", "step_count": str(len(bodies))}
    for i, variants in enumerate(bodies):
        data[f"step-{i}-delay_days"] = str(delays[i] if i < len(delays) else 0)
        data[f"step-{i}-delay_hours"] = "0"
        data[f"step-{i}-only_if_no_reply"] = "on"
        data[f"step-{i}-variant_count"] = str(len(variants))
        for j, body in enumerate(variants):
            data[f"step-{i}-variant-{j}-label"] = "ABCD"[j]
            data[f"step-{i}-variant-{j}-body"] = body
            data[f"step-{i}-variant-{j}-weight"] = str(100 // len(variants))
    return data


def _bodies(campaign: Campaign) -> list[list[str]]:
    return [
        [variant.body for variant in step.variants.order_by("label")]
        for step in campaign.steps.order_by("position")
    ]


def test_a_bidi_changes_the_window_of_a_running_campaign(make_member, client):
    owner = make_member("owner")
    bidi = make_member("bidi", organization=owner.organization)
    campaign = _launched(owner)
    assert campaign.status == Campaign.Status.RUNNING
    client.force_login(bidi.user)

    html = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "Save schedule" in html
    assert 'name="starts_at"' in html and "Fixed at launch." in html

    response = client.post(
        f"/campaigns/{campaign.pk}/live/schedule/",
        {**SCHEDULE, "time_zone_mode": "organization", "dynamic_enrolment": "on"},
    )

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.window_days == [1, 3]
    assert str(campaign.window_start) == "10:00:00" and str(campaign.window_end) == "15:00:00"
    assert campaign.daily_cap == 25 and campaign.dynamic_enrolment is True
    assert campaign.time_zone_mode == "contact"  # fixed at launch: the posted value is ignored
    assert campaign.status == Campaign.Status.RUNNING
    page = client.get(response["Location"]).content.decode()
    assert "Schedule saved" in page


def test_a_window_that_never_opens_is_refused_next_to_its_field(make_member, client):
    owner = make_member("owner")
    campaign = _launched(owner)
    client.force_login(owner.user)

    html = client.post(
        f"/campaigns/{campaign.pk}/live/schedule/",
        {**SCHEDULE, "window_start": "18:00", "window_end": "09:00"},
    ).content.decode()

    assert 'id="id_window_end_error"' in html
    assert "The sending window must end after it starts." in html
    campaign.refresh_from_db()
    assert str(campaign.window_start) == "00:00:00"


def test_viewers_see_the_schedule_without_a_form_to_save_it(make_member, client):
    owner = make_member("owner")
    viewer = make_member("viewer", organization=owner.organization)
    campaign = _launched(owner)
    client.force_login(viewer.user)

    html = client.get(f"/campaigns/{campaign.pk}/").content.decode()

    assert 'id="schedule"' in html
    assert "Save schedule" not in html and "Save details" not in html
    response = client.post(f"/campaigns/{campaign.pk}/live/schedule/", SCHEDULE)
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.daily_cap is None and campaign.window_days == [0, 1, 2, 3, 4, 5, 6]


def test_a_running_campaign_asks_to_pause_before_editing_messages(make_member, client):
    owner = make_member("owner")
    campaign = _launched(owner)
    client.force_login(owner.user)

    html = client.get(f"/campaigns/{campaign.pk}/").content.decode()

    assert "Pause the campaign to edit its messages." in html
    assert "Save messages" not in html
    assert "Hi {{ contact.first_name }}" in html  # the text, read-only
    response = client.post(
        f"/campaigns/{campaign.pk}/live/steps/", _steps(campaign, [["Changed while running"]])
    )
    assert "Pause the campaign to edit its messages." in response.content.decode()
    assert _bodies(campaign) == [["Hi {{ contact.first_name }}"]]


def test_a_paused_campaigns_message_is_reworded_in_place(make_member, client):
    owner = make_member("owner")
    campaign = _launched(owner, paused=True)
    client.force_login(owner.user)

    html = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "Save messages" in html and "data-insert=" in html  # the variable picker
    assert f'hx-post="/campaigns/{campaign.pk}/live/steps/"' in html
    assert "Add step" not in html and "Add variant" not in html and "Remove step" not in html
    step_id = campaign.steps.get().pk

    response = client.post(
        f"/campaigns/{campaign.pk}/live/steps/",
        _steps(campaign, [["Hello again, {{ contact.first_name }}"]], delays=(2,)),
    )

    assert "Messages saved." in response.content.decode()
    step = campaign.steps.get()
    assert step.pk == step_id and step.delay_minutes == 2 * 1440
    assert _bodies(campaign) == [["Hello again, {{ contact.first_name }}"]]
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "Hello again, {{ contact.first_name }}" in page


def test_the_paused_editor_previews_with_a_recipient(make_member, client):
    owner = make_member("owner")
    campaign = _launched(owner, paused=True)
    client.force_login(owner.user)
    html = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    contact = campaign.recipients.get().contact
    assert f'<option value="{contact.pk}">Ada Lovelace</option>' in html

    preview = client.post(
        f"/campaigns/{campaign.pk}/steps/preview/",
        {"step-0-variant-0-body": "Hi {{ contact.first_name }}!", "preview_contact": contact.pk},
        headers={"HX-Trigger-Name": "step-0-variant-0-body"},
    ).content.decode()

    assert "Hi Ada!" in preview


def test_adding_a_step_to_a_paused_campaign_is_refused_with_a_message(make_member, client):
    owner = make_member("owner")
    campaign = _launched(owner, paused=True)
    client.force_login(owner.user)

    html = client.post(
        f"/campaigns/{campaign.pk}/live/steps/",
        _steps(campaign, [["New first text"], ["A second step"]]),
    ).content.decode()

    assert "While paused, keep the same steps and variants" in html
    assert "New first text" in html  # what was typed is kept
    assert _bodies(campaign) == [["Hi {{ contact.first_name }}"]]


def test_a_template_error_in_a_paused_campaign_shows_next_to_its_variant(make_member, client):
    owner = make_member("owner")
    campaign = _launched(owner, paused=True)
    client.force_login(owner.user)

    html = client.post(
        f"/campaigns/{campaign.pk}/live/steps/", _steps(campaign, [["Hi {{ contact.nope }}"]])
    ).content.decode()

    assert 'id="step-0-variant-0-body-error"' in html
    assert _bodies(campaign) == [["Hi {{ contact.first_name }}"]]


def test_a_finished_campaign_keeps_its_schedule_but_can_be_renamed(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization, status="completed")
    client.force_login(owner.user)

    html = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "Save schedule" not in html and "Save details" in html
    assert "Pause the campaign" not in html

    refused = client.post(f"/campaigns/{campaign.pk}/live/schedule/", SCHEDULE).content.decode()
    assert "Can&#x27;t change this after launch." in refused
    response = client.post(
        f"/campaigns/{campaign.pk}/live/details/",
        {"name": "Q3 founders (done)", "description": "Archived"},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Q3 founders (done)" and campaign.description == "Archived"
    assert campaign.daily_cap is None


def test_a_blank_name_is_reported_next_to_it(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization, status="running")
    client.force_login(owner.user)

    html = client.post(f"/campaigns/{campaign.pk}/live/details/", {"name": ""}).content.decode()

    assert 'id="id_name_error"' in html
    campaign.refresh_from_db()
    assert campaign.name.startswith("Outreach")


def test_the_recipients_table_refreshes_with_the_pages_filters(make_member, client):
    owner = make_member("owner")
    campaign = CampaignFactory(organization=owner.organization, status="running")
    RecipientFactory(campaign=campaign, contact__first_name="Replier", status="replied")
    RecipientFactory(campaign=campaign, contact__first_name="Silent", status="active")
    client.force_login(owner.user)

    page = client.get(f"/campaigns/{campaign.pk}/", {"status": "replied"}).content.decode()
    url = f"/campaigns/{campaign.pk}/recipients/?status=replied&amp;page=1"
    assert f'hx-get="{url}"' in page and "campaign:refresh from:body" in page

    partial = client.get(
        f"/campaigns/{campaign.pk}/recipients/", {"status": "replied", "page": "1"}
    ).content.decode()
    assert 'id="campaign-recipients"' in partial and "<html" not in partial
    assert "Replier" in partial and "Silent" not in partial


def test_another_organizations_campaign_cannot_be_edited(make_member, client):
    owner = make_member("owner")
    other = CampaignFactory(status="paused", name="Theirs")
    client.force_login(owner.user)

    assert client.get(f"/campaigns/{other.pk}/recipients/").status_code == 404
    assert client.post(f"/campaigns/{other.pk}/live/schedule/", SCHEDULE).status_code == 404
    assert client.post(f"/campaigns/{other.pk}/live/details/", {"name": "Ours"}).status_code == 404
    steps = _steps(other, [["Hijacked"]])
    assert client.post(f"/campaigns/{other.pk}/live/steps/", steps).status_code == 404
    other.refresh_from_db()
    assert other.name == "Theirs" and other.daily_cap is None
