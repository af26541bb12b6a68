"""Signals in a prospect's message that a deal may be ready for its next stage.

Keyword and pattern lists, not a model: deterministic, free, instant and explainable — the
reason a member sees quotes the words that triggered it. The lists cover English, Russian,
Ukrainian, German, Spanish, French, Portuguese and Italian; a language without words here
still gets the language-free signals (currency amounts, clock times, the first reply).

Signals, strongest first (one message yields at most one suggestion, for its strongest):

- ``agreement`` — contract, signing, invoice, purchase order;
- ``meeting`` — a call, meeting, Zoom/Meet/Teams, calendar link, "let's talk", a clock time;
- ``price`` — price, cost, budget, quote, discount, an amount with a currency sign;
- ``reply`` — decided by the caller (``agents.services.suggestions``): the prospect's first
  answer after our message while the deal is in its pipeline's first stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUOTE_MAX = 120

# Each pattern is matched case-insensitively against the message text; \b is Unicode-aware.
_AGREEMENT = [
    r"\bcontracts?\b",
    r"\bsign(?:ed|ing|ature)?\b",
    r"\binvoice[ds]?\b",
    r"\bpurchase order\b",
    r"\bpaperwork\b",
    r"\bagreement\b",
    r"\blet'?s (?:do it|go ahead|proceed)\b",
    r"\b(?:договор\w*|контракт\w*|подпис\w*|сч[её]т на оплату|выставьте сч[её]т|оплат\w*)",
    r"\b(?:угод\w*|рахун\w*)",
    r"\b(?:vertrag\w*|unterschreib\w*|unterzeichn\w*|rechnung\w*|bestellung)\b",
    r"\b(?:contrato\w*|firmar\w*|firma|factura\w*)\b",
    r"\b(?:contrat\w*|signer|signature|facture\w*|bon de commande)\b",
    r"\b(?:assinar|assinatura|fatura\w*)\b",
    r"\b(?:contratto|firmare|fattura\w*)\b",
]
_MEETING = [
    r"\b(?:call|calls|meeting|meet|zoom|google meet|teams call|calendar|calendly|schedule|"
    r"demo)\b",
    r"\blet'?s (?:talk|chat|speak|connect)\b",
    r"\b(?:hop|jump) on a\b",
    r"\b(?:звон\w*|позвон\w*|созвон\w*|встреч\w*|встрет\w*|зум\w*|календар\w*|демо)",
    r"\b(?:дзвін\w*|зустріч\w*)",
    r"\b(?:anruf\w*|termin\w*|treffen|besprechung|telefonieren|kalender)\b",
    r"\b(?:llamada|reuni[oó]n|cita|calendario|hablamos)\b",
    r"\b(?:appel|r[ée]union|rendez-vous|calendrier|visio)\b",
    r"\b(?:chamada|reuni[ãa]o|liga[çc][ãa]o|agenda)\b",
    r"\b(?:chiamata|riunione|incontro)\b",
    # a day with a time ("tomorrow at 10", "завтра в 11"), a clock time (15:30, 3pm, 10 am)
    r"\b(?:today|tomorrow|monday|tuesday|wednesday|thursday|friday|next week)\s+(?:at|around)"
    r"\s*\d",
    r"\b(?:сегодня|завтра|понедельник|вторник|сред[ау]|четверг|пятниц[ау])\s+(?:в|к)\s*\d",
    r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b",
    r"\b(?:1[0-2]|0?[1-9])\s?(?:am|pm)\b",
]
_PRICE = [
    r"\b(?:price|prices|pricing|cost|costs|budget|quote|quotation|discount|how much|per seat|"
    r"rates?)\b",
    r"\b(?:цен\w*|стоимост\w*|сколько стоит|бюджет\w*|прайс\w*|скидк\w*|тариф\w*)",
    r"\b(?:скільки коштує|вартіст\w*|знижк\w*)",
    r"\b(?:preis\w*|kosten|kostet|angebot|budget|rabatt)\b",
    r"\b(?:precio\w*|costo|coste|cu[aá]nto cuesta|presupuesto|descuento)\b",
    r"\b(?:prix|co[uû]t\w*|combien|devis|remise)\b",
    r"\b(?:pre[çc]o\w*|custo|quanto custa|or[çc]amento|desconto)\b",
    r"\b(?:prezzo|costo|quanto costa|preventivo|sconto)\b",
    # an amount with a currency
    r"[$€£₽₴]\s?\d",
    r"\d\s?[$€£₽₴]",
    r"\b\d[\d,. ]*\s?(?:usd|eur|gbp|rub|uah|dollars?|euros?|руб\w*|грн)\b",
]

_COMPILED = {
    kind: [re.compile(p, re.IGNORECASE) for p in patterns]
    for kind, patterns in (("agreement", _AGREEMENT), ("meeting", _MEETING), ("price", _PRICE))
}
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


@dataclass(frozen=True)
class Signal:
    kind: str  # "agreement" | "meeting" | "price" | "reply"
    quote: str  # the sentence of the message that carries it, shortened

    def reason(self) -> str:
        """The one line a member reads, quoting the prospect."""
        asked = self.quote.rstrip().endswith("?")
        lead = {
            "agreement": "They talked about signing",
            "meeting": "They asked for a meeting" if asked else "They mentioned a meeting",
            "price": "They asked about price" if asked else "They discussed price",
            "reply": "They replied to your message",
        }[self.kind]
        return f"{lead}: “{self.quote}”"


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= QUOTE_MAX:
        return text
    cut = text[: QUOTE_MAX - 1].rsplit(" ", 1)[0]
    return cut + "…"


def quote_of(text: str, start: int | None = None) -> str:
    """The sentence of ``text`` around position ``start`` (the whole text when None)."""
    if start is None:
        return _shorten(text)
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() <= start:
            begin = match.end()
        else:
            end = match.start()
            return _shorten(text[begin:end])
    return _shorten(text[begin:])


def detect_signal(text: str) -> Signal | None:
    """The strongest keyword signal in ``text`` (agreement, then meeting, then price) with the
    sentence that carries it, or None."""
    if not text or not text.strip():
        return None
    for kind, patterns in _COMPILED.items():
        for pattern in patterns:
            match = pattern.search(text)
            if match:
                return Signal(kind=kind, quote=quote_of(text, match.start()))
    return None
