"""Per-minute draft limits and the monthly token budget (agents.guardrails)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agents.errors import AIBudgetExhausted, AIRateLimited
from agents.guardrails import check_draft_allowed, next_month_start
from agents.llm import TokenUsage
from agents.models import AISettings, Usage
from agents.usage import usage_record


def _settings(member, **fields) -> AISettings:
    return AISettings.objects.create(organization=member.organization, **fields)


def test_member_limit_refuses_the_request_above_it_with_a_clear_wait(make_member):
    member = make_member("bidi")
    settings = _settings(member, user_drafts_per_minute=2, org_drafts_per_minute=100)
    for _ in range(2):
        check_draft_allowed(organization=member.organization, user=member.user, settings=settings)

    with pytest.raises(AIRateLimited) as refused:
        check_draft_allowed(organization=member.organization, user=member.user, settings=settings)

    assert 1 <= refused.value.retry_after <= 60
    assert refused.value.status == 429
    assert refused.value.message == (
        f"You can request 2 drafts a minute; try again in {refused.value.retry_after} s."
    )


def test_one_members_limit_does_not_hold_back_a_colleague(make_member):
    first = make_member("bidi")
    colleague = make_member("bidi", organization=first.organization)
    settings = _settings(first, user_drafts_per_minute=1, org_drafts_per_minute=100)
    check_draft_allowed(organization=first.organization, user=first.user, settings=settings)

    check_draft_allowed(organization=first.organization, user=colleague.user, settings=settings)


def test_organization_limit_counts_every_member_and_automatic_drafts(make_member):
    first = make_member("bidi")
    colleague = make_member("bidi", organization=first.organization)
    settings = _settings(first, user_drafts_per_minute=10, org_drafts_per_minute=2)
    check_draft_allowed(organization=first.organization, user=first.user, settings=settings)
    check_draft_allowed(organization=first.organization, user=None, settings=settings)

    with pytest.raises(AIRateLimited, match="Your organization can request 2 drafts a minute"):
        check_draft_allowed(organization=first.organization, user=colleague.user, settings=settings)


def test_a_refused_request_takes_nothing_from_the_organization(make_member):
    first = make_member("bidi")
    colleague = make_member("bidi", organization=first.organization)
    settings = _settings(first, user_drafts_per_minute=1, org_drafts_per_minute=2)
    check_draft_allowed(organization=first.organization, user=first.user, settings=settings)
    for _ in range(3):
        with pytest.raises(AIRateLimited):
            check_draft_allowed(organization=first.organization, user=first.user, settings=settings)

    check_draft_allowed(organization=first.organization, user=colleague.user, settings=settings)


def test_limits_of_zero_mean_no_limit(make_member):
    member = make_member("bidi")
    settings = _settings(member, user_drafts_per_minute=0, org_drafts_per_minute=0)
    for _ in range(20):
        check_draft_allowed(organization=member.organization, user=member.user, settings=settings)


def test_limits_are_per_organization(make_member):
    first, other = make_member("bidi"), make_member("bidi")
    settings = _settings(first, org_drafts_per_minute=1)
    other_settings = _settings(other, org_drafts_per_minute=1)
    check_draft_allowed(organization=first.organization, user=first.user, settings=settings)

    check_draft_allowed(organization=other.organization, user=other.user, settings=other_settings)


def _spend(member, prompt: int, completion: int, *, when: datetime | None = None) -> Usage:
    row = usage_record(
        organization=member.organization,
        user=member.user,
        kind=Usage.Kind.DRAFT,
        provider="openai",
        model="gpt-4o-mini",
        usage=TokenUsage(prompt, completion),
    )
    if when:
        Usage.objects.filter(pk=row.pk).update(created_at=when)
    return row


def test_spent_budget_refuses_drafts_until_next_month(make_member):
    member = make_member("bidi")
    settings = _settings(member, monthly_token_budget=1000)
    _spend(member, 700, 300)

    with pytest.raises(AIBudgetExhausted) as refused:
        check_draft_allowed(organization=member.organization, user=member.user, settings=settings)

    now = datetime.now(UTC)
    expected = (next_month_start(now) - now).total_seconds()
    assert abs(refused.value.retry_after - expected) < 5
    assert "1,000 tokens" in refused.value.message


def test_budget_counts_only_this_calendar_month(make_member):
    member = make_member("bidi")
    settings = _settings(member, monthly_token_budget=1000)
    month_start = datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    _spend(member, 5000, 0, when=month_start - timedelta(seconds=1))
    _spend(member, 900, 0)

    check_draft_allowed(organization=member.organization, user=member.user, settings=settings)


def test_budget_refusal_does_not_use_up_the_minute(make_member):
    member = make_member("bidi")
    settings = _settings(member, monthly_token_budget=10, user_drafts_per_minute=1)
    _spend(member, 10, 0)
    with pytest.raises(AIBudgetExhausted):
        check_draft_allowed(organization=member.organization, user=member.user, settings=settings)
    settings.monthly_token_budget = 0

    check_draft_allowed(organization=member.organization, user=member.user, settings=settings)


def test_next_month_start_rolls_over_the_year():
    assert next_month_start(datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == datetime(
        2027, 1, 1, tzinfo=UTC
    )
    assert next_month_start(datetime(2026, 2, 10, tzinfo=UTC)) == datetime(2026, 3, 1, tzinfo=UTC)
