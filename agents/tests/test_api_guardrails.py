"""Guardrail refusals over the API: 429 with ``Retry-After`` and ``retry_after`` in the body."""

from __future__ import annotations

from agents.llm import TokenUsage
from agents.models import AISettings, Usage
from agents.usage import usage_record
from messaging.tests.factories import ChatFactory


def _chat(member):
    org = member.organization
    return ChatFactory(organization=org, bot__organization=org)


def test_second_draft_above_the_members_limit_answers_429_with_retry_after(make_member, jwt_client):
    member = make_member("bidi")
    AISettings.objects.create(organization=member.organization, user_drafts_per_minute=1)
    chat = _chat(member)
    client = jwt_client(member.user)
    assert client.post(f"/api/v1/chats/{chat.pk}/drafts/", {}, format="json").status_code == 201

    response = client.post(f"/api/v1/chats/{chat.pk}/drafts/", {}, format="json")

    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "ai_rate_limited"
    assert 1 <= error["retry_after"] <= 60
    assert response["Retry-After"] == str(error["retry_after"])
    assert error["message"] == (
        f"You can request 1 draft a minute; try again in {error['retry_after']} s."
    )


def test_spent_monthly_budget_answers_429_until_next_month(make_member, jwt_client):
    member = make_member("bidi")
    AISettings.objects.create(organization=member.organization, monthly_token_budget=100)
    usage_record(
        organization=member.organization,
        user=member.user,
        kind=Usage.Kind.DRAFT,
        provider="openai",
        model="gpt-4o-mini",
        usage=TokenUsage(80, 20),
    )

    response = jwt_client(member.user).post(
        f"/api/v1/chats/{_chat(member).pk}/drafts/", {}, format="json"
    )

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "ai_budget_exhausted"
    assert int(response["Retry-After"]) > 0
