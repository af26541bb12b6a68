"""Token counts without a tokenizer: ~4 characters a token, as OpenAI documents for English.

Good enough to budget a prompt (we keep a margin) and to meter the offline provider; real
providers report exact counts, which are what usage rows store for them.
"""

from __future__ import annotations

import math


def estimate_tokens(text: str) -> int:
    """An upper-leaning estimate of ``text``'s tokens (never 0 for non-empty text)."""
    if not text:
        return 0
    return max(1, math.ceil(len(text) / 4))
