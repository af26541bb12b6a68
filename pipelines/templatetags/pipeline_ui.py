"""Template helpers of the pipeline pages: money as people read it on a board.

Load with ``{% load pipeline_ui %}``.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.urls import reverse

register = template.Library()

# Symbols for the currencies BD teams quote most; any other code is written after the amount.
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "RUB": "₽", "INR": "₹", "USDT": "₮"}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _with_currency(amount: str, currency: str) -> str:
    symbol = SYMBOLS.get((currency or "").upper())
    if symbol:
        return f"{symbol}{amount}"
    return f"{amount} {currency}".strip()


@register.filter
def money(value: Any, currency: str = "") -> str:
    """``Decimal("12500.00"), "EUR"`` → ``€12,500``; cents only when there are some."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        text = f"{int(amount):,}"
    else:
        text = f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    return _with_currency(text, currency)


@register.filter
def money_short(value: Any, currency: str = "") -> str:
    """Column totals: ``1250000, "USD"`` → ``$1.3M``, ``12500`` → ``$12.5k``."""
    amount = _decimal(value)
    if amount is None:
        return ""
    for limit, suffix in (
        (Decimal(1_000_000_000), "B"),
        (Decimal(1_000_000), "M"),
        (Decimal(1000), "k"),
    ):
        if abs(amount) >= limit:
            scaled = (amount / limit).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            text = f"{scaled:f}".removesuffix(".0") + suffix
            return _with_currency(text, currency)
    return _with_currency(str(int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))), currency)


@register.simple_tag
def column_money(column: Any, attr: str, currency: str) -> str:
    """A column's (or the board's) total or weighted value: one amount per currency, since
    BiDi has no exchange rates — ``$12.5k + €3k``; ``$0`` when empty."""
    parts = [money_short(getattr(total, attr), total.currency) for total in column.totals]
    return " + ".join(parts) or money_short(0, currency)


@register.simple_tag
def money_by_currency(amounts: dict[str, Any], currency: str, short: bool = False) -> str:
    """``{"USD": 1200, "EUR": 300}`` → ``$1,200 + €300`` (the organization's currency first);
    ``$0`` when empty."""
    fmt = money_short if short else money
    codes = sorted(amounts, key=lambda code: (code != currency, code))
    return " + ".join(fmt(amounts[code], code) for code in codes) or fmt(0, currency)


@register.filter
def get_amount(amounts: dict[str, Any], currency: str) -> Any:
    """One currency's amount of a ``{currency: amount}`` map (None when absent)."""
    return amounts.get(currency)


@functools.cache
def _deal_url_pattern() -> str:
    return reverse("pipelines:deal_detail", args=[0]).replace("/0/", "/{}/")


@register.filter
def deal_href(pk: int) -> str:
    """The deal page's URL. A board renders hundreds of cards: one ``reverse`` per process
    instead of one per card."""
    return _deal_url_pattern().format(int(pk))
