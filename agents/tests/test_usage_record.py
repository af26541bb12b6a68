"""Usage metering, cost estimates and the usage summary (agents.usage, pricing, selectors)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from agents.llm import TokenUsage
from agents.models import Usage
from agents.pricing import cost_estimate, price_note
from agents.selectors import month_tokens_used, usage_summary
from agents.usage import usage_record


def test_cost_is_priced_per_million_prompt_and_completion_tokens():
    cost = cost_estimate(
        "gpt-4o-mini", TokenUsage(prompt_tokens=1_000_000, completion_tokens=500_000)
    )

    assert cost == Decimal("0.450000")


def test_dated_snapshots_take_their_familys_price():
    assert cost_estimate("gpt-4o-mini-2024-07-18", TokenUsage(2_000_000, 0)) == Decimal("0.3")
    assert cost_estimate("gpt-4o-2024-08-06", TokenUsage(1_000_000, 0)) == Decimal("2.5")


def test_unknown_model_costs_nothing_and_says_so():
    assert cost_estimate("llama3:8b", TokenUsage(1000, 1000)) == Decimal("0")
    assert "llama3:8b" in price_note("llama3:8b")
    assert price_note("gpt-4o") == ""


def test_usage_record_stores_tokens_and_estimated_cost(make_member):
    member = make_member("bidi")

    row = usage_record(
        organization=member.organization,
        user=member.user,
        kind=Usage.Kind.DRAFT,
        provider="openai",
        model="gpt-4o",
        usage=TokenUsage(1000, 200),
    )

    assert (row.prompt_tokens, row.completion_tokens) == (1000, 200)
    assert row.cost_usd == Decimal("0.004500")


def test_the_offline_provider_costs_nothing(make_member):
    member = make_member("bidi")

    row = usage_record(
        organization=member.organization,
        user=None,
        kind=Usage.Kind.DRAFT,
        provider="local",
        model="gpt-4o",
        usage=TokenUsage(1000, 200),
    )

    assert row.cost_usd == 0


def _row(member, user, prompt, completion, model="gpt-4o-mini", when=None):
    row = usage_record(
        organization=member.organization,
        user=user,
        kind=Usage.Kind.DRAFT,
        provider="openai",
        model=model,
        usage=TokenUsage(prompt, completion),
    )
    if when:
        Usage.objects.filter(pk=row.pk).update(created_at=when)
    return row


def test_month_to_date_tokens_sum_this_month_of_this_organization(make_member):
    member, other = make_member("bidi"), make_member("bidi")
    now = datetime(2026, 5, 20, tzinfo=UTC)
    _row(member, member.user, 100, 50, when=now - timedelta(days=1))
    _row(member, member.user, 1000, 0, when=datetime(2026, 4, 30, 23, tzinfo=UTC))
    _row(other, other.user, 7, 7, when=now - timedelta(days=1))

    assert month_tokens_used(member.organization, now=now) == 150


def test_usage_summary_totals_and_splits_per_member(make_member):
    member = make_member("bidi")
    colleague = make_member("bidi", organization=member.organization)
    _row(member, member.user, 1_000_000, 0)
    _row(member, colleague.user, 0, 1_000_000)
    _row(member, None, 10, 10, model="my-local-llama")
    now = datetime.now(UTC)

    summary = usage_summary(
        member.organization, since=now - timedelta(hours=1), until=now + timedelta(hours=1)
    )

    assert summary["totals"]["prompt_tokens"] == 1_000_010
    assert summary["totals"]["completion_tokens"] == 1_000_010
    assert summary["totals"]["cost_usd"] == "0.750000"
    by_user = {(u["user"] or {}).get("email"): u for u in summary["users"]}
    assert by_user[colleague.user.email]["cost_usd"] == "0.600000"
    assert by_user[member.user.email]["prompt_tokens"] == 1_000_000
    assert by_user[None]["total_tokens"] == 20
    assert summary["notes"] == [price_note("my-local-llama")]


def test_usage_summary_counts_drafts_not_calls(make_member):
    from agents.tests.factories import DraftFactory

    member = make_member("bidi")
    draft = DraftFactory(organization=member.organization)
    for _ in range(2):
        usage_record(
            organization=member.organization,
            user=member.user,
            kind=Usage.Kind.DRAFT,
            provider="local",
            model="local",
            usage=TokenUsage(1, 1),
            draft=draft,
        )
    now = datetime.now(UTC)

    summary = usage_summary(
        member.organization, since=now - timedelta(hours=1), until=now + timedelta(hours=1)
    )

    assert summary["totals"]["drafts"] == 1
    assert summary["totals"]["calls"] == 2
