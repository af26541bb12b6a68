"""``/api/v1/chats/{id}/drafts/``, ``/api/v1/drafts/{id}/…`` and ``/api/v1/ai/metrics/``:
the lifecycle over the API, field errors, 429 with Retry-After, roles and org isolation."""

from __future__ import annotations

import pytest

from agents.models import AISettings, Draft
from agents.tests.drafting import ready_draft
from agents.tests.factories import DraftFactory


@pytest.fixture
def api(jwt_client, member):
    return jwt_client(member.user)


def test_post_requests_a_draft_and_get_lists_the_history(
    api, chat, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            f"/api/v1/chats/{chat.pk}/drafts/", {"instruction": "mention the demo"}, format="json"
        )

    assert created.status_code == 201, created.content
    assert created.json()["status"] == "pending"
    history = api.get(f"/api/v1/chats/{chat.pk}/drafts/")
    assert history.status_code == 200
    [draft] = history.json()["results"]
    assert (draft["status"], draft["instruction"]) == ("ready", "mention the demo")
    assert draft["is_language_model"] is False


def test_the_detail_shows_the_prompt_and_the_facts(
    api, chat, member, django_capture_on_commit_callbacks
):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    body = api.get(f"/api/v1/drafts/{draft.pk}/").json()

    assert body["prompt_version"] == "reply_draft/v1"
    assert body["prompt"][0]["role"] == "system"
    assert body["context"]["contact_first_name"] == "Anna"


def test_approve_with_an_edited_text_sends_it(
    api, chat, member, fake_telegram, django_capture_on_commit_callbacks
):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/drafts/{draft.pk}/approve/", {"text": "Edited reply"}, format="json"
        )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "sent"
    assert response.json()["final_text"] == "Edited reply"
    assert fake_telegram.calls("sendMessage")[0].params["text"] == "Edited reply"


def test_reject_without_a_reason_is_a_field_error(
    api, chat, member, django_capture_on_commit_callbacks
):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    response = api.post(f"/api/v1/drafts/{draft.pk}/reject/", {}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]


def test_reject_regenerate_and_retry(api, chat, member, django_capture_on_commit_callbacks):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)

    regenerated = api.post(
        f"/api/v1/drafts/{draft.pk}/regenerate/", {"instruction": "shorter"}, format="json"
    )
    assert regenerated.status_code == 201, regenerated.content
    assert regenerated.json()["parent"] == draft.pk
    new = Draft.objects.get(pk=regenerated.json()["id"])
    Draft.objects.filter(pk=new.pk).update(status=Draft.Status.FAILED, failure_reason="boom")

    retried = api.post(f"/api/v1/drafts/{new.pk}/retry/")
    assert retried.status_code == 201
    assert retried.json()["parent"] == new.pk

    again = api.post(f"/api/v1/drafts/{draft.pk}/reject/", {"reason": "late"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "draft_not_actionable"


def test_the_rate_limit_answers_429_with_retry_after(api, chat):
    AISettings.objects.create(organization=chat.organization, user_drafts_per_minute=1)
    assert api.post(f"/api/v1/chats/{chat.pk}/drafts/", {}, format="json").status_code == 201

    refused = api.post(f"/api/v1/chats/{chat.pk}/drafts/", {}, format="json")

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "ai_rate_limited"
    assert int(refused["Retry-After"]) > 0


def test_a_viewer_reads_drafts_but_cannot_request_or_approve(
    jwt_client, chat, member, make_member, django_capture_on_commit_callbacks
):
    draft = ready_draft(chat, member.user, django_capture_on_commit_callbacks)
    viewer = jwt_client(make_member("viewer", organization=chat.organization).user)

    assert viewer.get(f"/api/v1/drafts/{draft.pk}/").status_code == 200
    assert viewer.post(f"/api/v1/chats/{chat.pk}/drafts/", {}, format="json").status_code == 403
    assert viewer.post(f"/api/v1/drafts/{draft.pk}/approve/", {}, format="json").status_code == 403


def test_drafts_of_another_organization_are_not_found(api, chat):
    theirs = DraftFactory()

    assert api.get(f"/api/v1/drafts/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/drafts/{theirs.pk}/approve/", {}, format="json").status_code == 404
    assert api.get(f"/api/v1/chats/{theirs.chat_id}/drafts/").status_code == 404


def test_metrics_count_acceptance_and_edits(api, chat):
    organization = chat.organization
    DraftFactory(organization=organization, chat=chat, status="sent", edit_distance=0)
    DraftFactory(organization=organization, chat=chat, status="sent", edit_distance=10)
    DraftFactory(organization=organization, chat=chat, status="rejected")
    DraftFactory(organization=organization, chat=chat, status="failed")
    DraftFactory(status="sent")  # another organization's

    body = api.get("/api/v1/ai/metrics/").json()

    assert body["count"] == 4
    assert (body["sent"], body["edited"], body["rejected"], body["failed"]) == (2, 1, 1, 1)
    assert body["acceptance_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert body["avg_edit_distance"] == 5.0


def test_metrics_reject_a_bad_since(api, chat):
    response = api.get("/api/v1/ai/metrics/", {"since": "yesterday"})

    assert response.status_code == 400
    assert "since" in response.json()["error"]["fields"]
