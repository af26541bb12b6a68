"""The sandbox template language of canned responses and campaign messages.

Members write these bodies, so they never reach the Django template engine (whose attribute
lookups, tags and filters would hand user input a way into our objects). A body is plain text with
placeholders, and a placeholder is only a name with an optional default::

    {{ contact.first_name }}
    {{ contact.first_name | default:"there" }}   (or default:'there')
    {{ contact.first_name | there }}             (the older canned-response form)

``parse`` checks the syntax and reports every problem with its line and column, so an editor can
show them all at once; which names exist is the caller's business (each feature has its own
variables). ``render`` only ever asks the caller's ``resolve`` for a name's value: nothing in a
body can be evaluated, and a value is inserted as-is (a contact named ``{{ me.email }}`` stays
literally that).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_FILTER = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*:")
_DEFAULT_WORD = re.compile(r"\s*default\s*(?::|\Z|\}\})")
OPEN, CLOSE = "{{", "}}"


class TemplateSyntaxError(ValueError):
    """A body that is not a valid template; ``errors`` holds one readable message per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Placeholder:
    name: str  # e.g. "contact.first_name", "contact.custom.industry"
    default: str | None  # None: no default given (an empty value renders as nothing)
    start: int  # offset of "{{" in the body
    end: int  # offset just after "}}"


def _where(body: str, offset: int) -> str:
    line = body.count("\n", 0, offset) + 1
    column = offset - (body.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


@dataclass
class _Scanner:
    body: str
    errors: list[str]

    def error(self, offset: int, message: str) -> None:
        self.errors.append(f"{message} (at {_where(self.body, offset)})")

    def placeholder(self, start: int) -> tuple[Placeholder | None, int]:
        """Read the placeholder whose "{{" is at ``start``; (it or None when invalid, where the
        scan resumes)."""
        body = self.body
        inner = start + len(OPEN)
        close = body.find(CLOSE, inner)
        bar = body.find("|", inner)
        reopen = body.find(OPEN, inner)
        if close == -1 or (reopen != -1 and reopen < close and (bar == -1 or reopen < bar)):
            self.error(start, "“{{” is never closed with “}}”")
            return None, inner
        if bar == -1 or bar > close:
            return self._finish(start, body[inner:close], None, close), close + len(CLOSE)
        return self._with_filter(start, body[inner:bar], bar + 1)

    def _with_filter(self, start: int, name: str, after_bar: int) -> tuple[Placeholder | None, int]:
        body = self.body
        close = body.find(CLOSE, after_bar)
        default_word = _DEFAULT_WORD.match(body, after_bar)
        if default_word is not None:
            return self._quoted_default(start, name, default_word.end())
        named = _FILTER.match(body, after_bar)
        if named is not None:
            self.error(
                after_bar,
                f'Unknown filter “{named.group(1)}”: the only filter is default:"…"',
            )
            return None, (close + len(CLOSE)) if close != -1 else after_bar
        reopen = body.find(OPEN, after_bar)
        if close == -1 or (reopen != -1 and reopen < close):
            self.error(start, "“{{” is never closed with “}}”")
            return None, after_bar
        fallback = body[after_bar:close].strip()
        if not fallback:
            self.error(after_bar - 1, 'Write a default after “|”, e.g. | default:"there"')
            return None, close + len(CLOSE)
        return self._finish(start, name, fallback, close), close + len(CLOSE)

    def _quoted_default(self, start: int, name: str, offset: int) -> tuple[Placeholder | None, int]:
        body = self.body
        if body[offset - 1] != ":":
            self.error(offset, 'default needs a value in quotes, e.g. default:"there"')
            close = body.find(CLOSE, offset - len(CLOSE))
            return None, (close + len(CLOSE)) if close != -1 else offset
        while offset < len(body) and body[offset] in " \t":
            offset += 1
        quote = body[offset : offset + 1]
        if quote not in ('"', "'"):
            self.error(offset, 'Put the default in quotes, e.g. default:"there"')
            close = body.find(CLOSE, offset)
            return None, (close + len(CLOSE)) if close != -1 else offset
        end_quote = body.find(quote, offset + 1)
        if end_quote == -1:
            self.error(offset, f"The quote {quote} is never closed")
            return None, len(body)
        default = body[offset + 1 : end_quote]
        rest = end_quote + 1
        while rest < len(body) and body[rest] in " \t":
            rest += 1
        if body.startswith(CLOSE, rest):
            return self._finish(start, name, default, rest), rest + len(CLOSE)
        if body.startswith("|", rest):
            named = _FILTER.match(body, rest + 1)
            word = named.group(1) if named else body[rest + 1 :].split("}}")[0].strip()
            self.error(rest, f'Unknown filter “{word}”: only one default:"…" is allowed')
        else:
            self.error(rest, "Expected “}}” after the default")
        close = body.find(CLOSE, rest)
        return None, (close + len(CLOSE)) if close != -1 else rest

    def _finish(
        self, start: int, raw_name: str, default: str | None, close: int
    ) -> Placeholder | None:
        name = raw_name.strip()
        if not name:
            self.error(start, "Empty placeholder: write a variable name between “{{” and “}}”")
            return None
        if not NAME.match(name):
            self.error(
                start,
                f"“{name}” is not a variable name (letters, digits and _ separated by dots, "
                "e.g. contact.first_name)",
            )
            return None
        return Placeholder(name=name, default=default, start=start, end=close + len(CLOSE))


def _scan(body: str) -> tuple[list[Placeholder], list[str]]:
    scanner = _Scanner(body=body, errors=[])
    found: list[Placeholder] = []
    offset = 0
    while True:
        opening = body.find(OPEN, offset)
        closing = body.find(CLOSE, offset)
        if closing != -1 and (opening == -1 or closing < opening):
            scanner.error(closing, "“}}” without an opening “{{”")
            offset = closing + len(CLOSE)
            continue
        if opening == -1:
            return found, scanner.errors
        placeholder, offset = scanner.placeholder(opening)
        if placeholder is not None:
            found.append(placeholder)


def parse(body: str) -> list[Placeholder]:
    """Every placeholder of ``body`` in order; raises ``TemplateSyntaxError`` listing each
    syntax problem (unknown names are not checked here)."""
    found, errors = _scan(body)
    if errors:
        raise TemplateSyntaxError(errors)
    return found


def render(body: str, resolve: Callable[[str], str]) -> str:
    """``body`` with each placeholder replaced by ``resolve(name)``, or its default when the value
    is empty.

    Lenient on purpose: bodies were validated when saved, and one saved before a variable was
    retired must still render, so anything that is not a valid placeholder is left as written,
    and so is a placeholder whose name ``resolve`` rejects with ``KeyError``.
    """
    found, _errors = _scan(body)
    parts: list[str] = []
    offset = 0
    for placeholder in found:
        parts.append(body[offset : placeholder.start])
        try:
            value = (resolve(placeholder.name) or "").strip()
        except KeyError:
            value = body[placeholder.start : placeholder.end]
        parts.append(value or placeholder.default or "")
        offset = placeholder.end
    parts.append(body[offset:])
    return "".join(parts)
