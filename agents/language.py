"""Which language a conversation is in, offline: the script first, then stop words.

Drafts must answer in the prospect's language without a network call or a model, so we use
the two signals that are cheap and reliable on chat-sized text:

1. the writing system — Cyrillic, Greek, Arabic, Hebrew, CJK, Thai… (one script often *is* the
   language; Cyrillic is split into Ukrainian and Russian by their distinctive letters and
   stop words);
2. for Latin-script text, a score of frequent function words ("the", "und", "que", "le"…) and
   language-specific letters (ß, ñ, ã, ç…) for en, de, es, fr, pt, it.

``"en"`` is the fallback when nothing is conclusive (empty input, emoji, numbers only).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

FALLBACK = "en"

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and you your is are was were to of in for on with that this it we our be have has"
        " will would can could please thanks thank hi hello what when how do does not my me"
        " i at from about if an or us"
    ),
    "de": _words(
        "der die das und ist sind nicht ich sie wir ihr mit für auf zu den dem des ein eine"
        " einen haben hat wird können kann bitte danke hallo guten wie was wann uns unser"
        " auch noch oder aber von bei gerne sehr"
    ),
    "es": _words(
        "el la los las y es son no que de en por para con un una unos su sus nos nuestro"
        " hola gracias cómo qué cuándo puede podemos usted está están pero muy también del"
        " al lo le se"
    ),
    "fr": _words(
        "le la les et est sont ne pas que de du des en pour avec un une vous nous notre votre"
        " bonjour merci comment quand pouvez je il elle sur dans mais très aussi au aux ce"
        " cette qui"
    ),
    "pt": _words(
        "o a os as e é são não que de do da dos das em por para com um uma você vocês nós"
        " nosso obrigado obrigada olá oi como quando pode podemos está estão mas muito também"
        " no na ao se"
    ),
    "it": _words(
        "il lo la i gli le e è sono non che di del della dei in per con un una uno voi noi"
        " nostro vostro ciao grazie buongiorno come quando può possiamo sta ma molto anche"
        " al alla ci si"
    ),
    "ru": _words(
        "и в не на я что он она мы вы они с по это как а но к у из за от для же ли бы"
        " здравствуйте привет спасибо пожалуйста когда можно можем ваш наш есть был"
    ),
    "uk": _words(
        "і й в у не на я що він вона ми ви вони з по це як а але до від для чи б"
        " вітаю привіт дякую будь ласка коли можна можемо ваш наш є був"
    ),
}

# Letters that occur in one Latin-script language of our set and (almost) never the others.
_LATIN_MARKERS: dict[str, str] = {
    "de": "äöüß",
    "es": "ñ¿¡",
    "fr": "èêëîœ",
    "pt": "ãõ",
    "it": "ì",
}
_UKRAINIAN_LETTERS = set("іїєґІЇЄҐ")
_RUSSIAN_ONLY_LETTERS = set("ыэъёЫЭЪЁ")

# Unicode ranges of scripts that identify a language on their own.
_SCRIPTS: list[tuple[str, int, int]] = [
    ("el", 0x0370, 0x03FF),
    ("he", 0x0590, 0x05FF),
    ("ar", 0x0600, 0x06FF),
    ("hi", 0x0900, 0x097F),
    ("th", 0x0E00, 0x0E7F),
    ("ka", 0x10A0, 0x10FF),
    ("ko", 0xAC00, 0xD7AF),
    ("ja", 0x3040, 0x30FF),  # kana: Japanese even when mixed with kanji
    ("zh", 0x4E00, 0x9FFF),
]


def _script_counts(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for char in text:
        code = ord(char)
        if 0x0400 <= code <= 0x04FF:
            counts["cyrillic"] += 1
        elif char.isalpha() and code < 0x0250:
            counts["latin"] += 1
        else:
            for name, low, high in _SCRIPTS:
                if low <= code <= high:
                    counts[name] += 1
                    break
    return counts


def _cyrillic_language(text: str, words: list[str]) -> str:
    letters = set(text)
    uk_score = 3 * len(letters & _UKRAINIAN_LETTERS) + sum(w in STOP_WORDS["uk"] for w in words)
    ru_score = 3 * len(letters & _RUSSIAN_ONLY_LETTERS) + sum(w in STOP_WORDS["ru"] for w in words)
    return "uk" if uk_score > ru_score else "ru"


def _latin_language(text: str, words: list[str]) -> str:
    scores: Counter[str] = Counter()
    for word in words:
        for language in ("en", "de", "es", "fr", "pt", "it"):
            if word in STOP_WORDS[language]:
                scores[language] += 1
    lowered = text.lower()
    for language, markers in _LATIN_MARKERS.items():
        scores[language] += 2 * sum(lowered.count(m) for m in markers)
    if not scores:
        return FALLBACK
    best = max(scores.values())
    # Ties go to English first, then the order of the table, so results are stable.
    for language in ("en", "de", "es", "fr", "pt", "it"):
        if scores[language] == best:
            return language
    return FALLBACK


def detect_language(texts: Sequence[str]) -> str:
    """The ISO 639-1 code of the language ``texts`` are mostly written in (``"en"`` fallback).

    Pass the prospect's recent messages (newest last); all of them are weighed together, so
    one short "ok" does not flip the answer.
    """
    joined = "\n".join(t for t in texts if t)
    if not joined.strip():
        return FALLBACK
    scripts = _script_counts(joined)
    if not scripts:
        return FALLBACK
    script, _ = scripts.most_common(1)[0]
    words = [w.lower() for w in _WORD.findall(joined)]
    if script == "cyrillic":
        return _cyrillic_language(joined, words)
    if script == "latin":
        return _latin_language(joined, words)
    if script == "zh" and scripts.get("ja"):
        return "ja"
    return script
