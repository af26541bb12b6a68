"""The inbox's "Deal stage" filter: chats whose contact has an open deal in the stage (the
pipelines app supplies it through messaging's registry)."""

from __future__ import annotations

import pytest

from messaging.tests.factories import ChatFactory, TelegramBotFactory
from pipelines.models import Stage
from pipelines.services.deals import deal_create
from pipelines.services.pipelines import pipeline_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def chats(team):
    bot = TelegramBotFactory(organization=team.organization)
    meeting = Stage.objects.get(pipeline=team.pipeline, name="Meeting")
    in_meeting, elsewhere, no_deal = (ChatFactory(bot=bot) for _ in range(3))
    deal_create(
        organization=team.organization,
        actor=team.owner,
        title="Pilot",
        stage=meeting,
        contacts=[in_meeting.contact],
    )
    deal_create(
        organization=team.organization,
        actor=team.owner,
        title="Seed",
        contacts=[elsewhere.contact],
    )
    return meeting, in_meeting, elsewhere, no_deal


def test_the_api_lists_only_chats_whose_contact_has_an_open_deal_in_the_stage(
    team, chats, jwt_client
):
    meeting, in_meeting, *_ = chats
    client = jwt_client(team.bidi, team.organization)

    response = client.get("/api/v1/inbox/", {"stage": meeting.pk})

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [in_meeting.pk]


def test_the_inbox_page_offers_the_open_stages_and_filters_by_one(team, chats, client):
    meeting, in_meeting, elsewhere, _ = chats
    client.force_login(team.bidi)

    page = client.get("/inbox/", {"stage": meeting.pk}).content.decode()

    assert 'name="stage"' in page and ">Meeting</option>" in page
    assert ">Won</option>" not in page  # closed stages are not a deal stage to work on
    assert f'data-chat-id="{in_meeting.pk}"' in page
    assert f'data-chat-id="{elsewhere.pk}"' not in page


def test_another_organizations_stage_matches_nothing(team, chats, jwt_client, make_member):
    stranger = make_member("owner")
    other_pipeline = pipeline_create(
        organization=stranger.organization, actor=stranger.user, name="Theirs"
    )
    client = jwt_client(team.bidi, team.organization)

    foreign = other_pipeline.stages.first()
    response = client.get("/api/v1/inbox/", {"stage": foreign.pk})

    assert response.status_code == 200
    assert response.json()["results"] == []
