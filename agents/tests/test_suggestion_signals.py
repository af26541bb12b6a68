"""Signals detected in a prospect's message (agents.suggestions)."""

from __future__ import annotations

import pytest

from agents.suggestions import Signal, detect_signal


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Sounds good. What would it cost for 20 seats?", "price"),
        ("Сколько стоит ваш тариф для команды?", "price"),
        ("Wir haben ein Budget von 5000 im Quartal", "price"),
        ("¿Cuánto cuesta la licencia anual?", "price"),
        ("Is 400€ per month possible", "price"),
        ("Can we do a quick call on Thursday?", "meeting"),
        ("Let's talk next week", "meeting"),
        ("Давайте созвонимся завтра", "meeting"),
        ("Tomorrow 15:30 works for me", "meeting"),
        ("Friday at 10 suits us", "meeting"),
        ("Завтра в 11 удобно", "meeting"),
        ("Is 19.99$ per seat ok?", "price"),
        ("On peut organiser une réunion ?", "meeting"),
        ("Please send the contract, our legal team will review it", "agreement"),
        ("Пришлите договор, пожалуйста", "agreement"),
        ("Bitte schicken Sie uns die Rechnung", "agreement"),
    ],
)
def test_signals_are_found_in_several_languages(text, kind):
    signal = detect_signal(text)

    assert signal is not None and signal.kind == kind


def test_agreement_outranks_meeting_and_price():
    signal = detect_signal("The price is fine, let's have a call and then sign the contract.")

    assert signal.kind == "agreement"


def test_small_talk_carries_no_signal():
    assert detect_signal("Thanks, have a nice weekend!") is None
    assert detect_signal("I will answer tomorrow") is None
    assert detect_signal("") is None


def test_reason_quotes_the_sentence_that_carries_the_signal():
    signal = detect_signal("Hi Anna! Thanks for the deck. What would it cost for 20 seats? Cheers")

    assert signal.reason() == "They asked about price: “What would it cost for 20 seats?”"


def test_long_quotes_are_shortened():
    signal = Signal(kind="price", quote="x")
    long = detect_signal("Our budget " + "is really quite large " * 20)

    assert len(long.quote) <= 120 and long.quote.endswith("…")
    assert signal.reason() == "They discussed price: “x”"
