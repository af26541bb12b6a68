"""What a provider call probably cost, from a table of list prices per model.

An **estimate**: prices are the providers' published list prices (US dollars per 1 million
tokens, prompt and completion priced apart) as of when the table was last edited; discounts,
cached-prompt rates, batch rates and self-hosted servers are not modelled. A model the table
does not know costs 0 and ``price_note`` says so, so a usage report never invents a figure.
Dated snapshots ("gpt-4o-mini-2024-07-18") take the price of their family (longest prefix).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agents.llm import TokenUsage

MILLION = Decimal(1_000_000)
# Usage.cost_usd and Draft.cost_usd keep 6 decimal places.
_QUANTUM = Decimal("0.000001")


@dataclass(frozen=True)
class Price:
    """US dollars per 1M tokens."""

    prompt: Decimal
    completion: Decimal


def _p(prompt: str, completion: str = "0") -> Price:
    return Price(Decimal(prompt), Decimal(completion))


PRICES: dict[str, Price] = {
    # OpenAI chat models
    "gpt-5": _p("1.25", "10.00"),
    "gpt-5-mini": _p("0.25", "2.00"),
    "gpt-5-nano": _p("0.05", "0.40"),
    "gpt-4.1": _p("2.00", "8.00"),
    "gpt-4.1-mini": _p("0.40", "1.60"),
    "gpt-4.1-nano": _p("0.10", "0.40"),
    "gpt-4o": _p("2.50", "10.00"),
    "gpt-4o-mini": _p("0.15", "0.60"),
    "gpt-4-turbo": _p("10.00", "30.00"),
    "gpt-4": _p("30.00", "60.00"),
    "gpt-3.5-turbo": _p("0.50", "1.50"),
    "o4-mini": _p("1.10", "4.40"),
    "o3": _p("2.00", "8.00"),
    "o3-mini": _p("1.10", "4.40"),
    "o1": _p("15.00", "60.00"),
    "o1-mini": _p("1.10", "4.40"),
    # OpenAI embeddings (prompt tokens only)
    "text-embedding-3-small": _p("0.02"),
    "text-embedding-3-large": _p("0.13"),
    "text-embedding-ada-002": _p("0.10"),
}


def price_for(model: str) -> Price | None:
    """The table's price of ``model``: exact name, else the longest known prefix, else None."""
    name = (model or "").strip().lower()
    if name in PRICES:
        return PRICES[name]
    prefixes = [known for known in PRICES if name.startswith(known + "-")]
    return PRICES[max(prefixes, key=len)] if prefixes else None


def cost_estimate(model: str, usage: TokenUsage) -> Decimal:
    """Estimated US dollars of one call of ``model`` (0 for a model without a known price)."""
    price = price_for(model)
    if price is None:
        return Decimal("0")
    cost = (
        Decimal(usage.prompt_tokens) * price.prompt
        + Decimal(usage.completion_tokens) * price.completion
    ) / MILLION
    return cost.quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def price_note(model: str) -> str:
    """Empty when ``model`` is priced; otherwise why its cost shows as 0."""
    if price_for(model) is not None:
        return ""
    return f"No list price is known for model “{model}”; its cost is counted as 0."
