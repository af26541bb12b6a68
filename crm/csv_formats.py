"""Reading the CSV files people actually have: the encoding Excel or 1C chose (UTF-8, UTF-8 with
a BOM, Windows-1251 for Russian, Windows-1252 for Western Europe), the delimiter their locale
uses (``,`` ``;`` tab ``|``) and rows with broken quotes, which must cost one row, not the file.

Everything here is pure: bytes and text in, records out. ``crm.services.imports`` stores the
decisions on the ``ImportJob`` and reads the file again with them when the import runs.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from accounts.errors import ValidationError

DELIMITERS = ",;\t|"
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
SAMPLE_BYTES = 64 * 1024
# A quoted field may hold line breaks (a note, an address); a record spanning more physical
# lines than this is an unclosed quote swallowing the rows after it.
MAX_RECORD_LINES = 50
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1252": "Windows-1252 (Western)",
}
SAVE_AS_CSV = "Save it as CSV (in Excel: File → Save as → “CSV UTF-8”) and upload that."

# Signatures of files people upload by mistake instead of their CSV export.
_MAGIC = (
    (b"PK\x03\x04", "This is an Excel workbook (.xlsx) or a zip archive, not a CSV file."),
    (b"\xd0\xcf\x11\xe0", "This is an old Excel (.xls) or Word file, not a CSV file."),
    (b"%PDF", "This is a PDF document, not a CSV file."),
    (b"\x89PNG", "This is a PNG image, not a CSV file."),
    (b"\xff\xd8\xff", "This is a JPEG image, not a CSV file."),
    (b"GIF8", "This is a GIF image, not a CSV file."),
    (b"\x1f\x8b", "This is a gzip archive, not a CSV file."),
    (b"{\\rtf", "This is an RTF document, not a CSV file."),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def encoding_detect(stream: IO[bytes]) -> str:
    """The codec name to read ``stream`` with; raises ValidationError for non-text files.

    A BOM decides at once. Otherwise strict UTF-8 over the whole file (a file that decodes is
    UTF-8: other encodings almost never form valid multi-byte sequences); failing that,
    Windows-1251 when the text reads as Cyrillic words, else Windows-1252.
    """
    stream.seek(0)
    head = stream.read(SAMPLE_BYTES)
    if not head:
        raise ValidationError("The file is empty.", fields={"file": ["The file is empty."]})
    for magic, message in _MAGIC:
        if head.startswith(magic):
            raise ValidationError(f"{message} {SAVE_AS_CSV}", fields={"file": [message]})
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif _utf8_decodes(stream, head):
        encoding = "utf-8"
    elif b"\x00" in head:
        encoding = ""
    else:
        encoding = "cp1251" if _reads_as_cyrillic(head) else "cp1252"
    if not encoding or not _looks_like_text(head, encoding):
        message = "This is not a text file, so it cannot be a CSV file."
        raise ValidationError(f"{message} {SAVE_AS_CSV}", fields={"file": [message]})
    return encoding


def _utf8_decodes(stream: IO[bytes], head: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        decoder.decode(head)
        while chunk := stream.read(1024 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _reads_as_cyrillic(sample: bytes) -> bool:
    """True when the bytes, read as Windows-1251, make Cyrillic words rather than Latin words
    with stray Cyrillic letters inside (``Mьller`` is Latin-1 ``Müller`` misread)."""
    text = sample.decode("cp1251", errors="replace")
    cyrillic_words = mixed_words = 0
    for word in _WORD.findall(text):
        if not _CYRILLIC.search(word):
            continue
        if _LATIN.search(word):
            mixed_words += 1
        else:
            cyrillic_words += 1
    return cyrillic_words > mixed_words


def _looks_like_text(sample: bytes, encoding: str) -> bool:
    text = sample.decode(encoding, errors="replace")
    if not text:
        return False
    bad = len(_CONTROL.findall(text)) + text.count("\ufffd")
    return bad / len(text) < 0.01


def text_open(stream: IO[bytes], encoding: str) -> io.TextIOWrapper:
    """``stream`` as text lines with their own line endings (what ``csv`` needs).

    Undecodable bytes become U+FFFD instead of aborting a long import on row 90,000.
    """
    stream.seek(0)
    return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")


def delimiter_detect(sample: str) -> str:
    """The delimiter among ``, ; tab |`` that splits the first lines into the same number of
    columns; ``csv.Sniffer`` first, checked by that consistency test, which also decides when
    the sniffer gives up. A one-column file gets a comma."""
    lines = sample.splitlines()
    if len(sample) >= SAMPLE_BYTES // 2 and len(lines) > 1:
        lines = lines[:-1]  # the sample cut the last line in half
    lines = [line for line in lines if line.strip()][:50]
    if not lines:
        return ","
    text = "\n".join(lines)
    try:
        sniffed = csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    scores = {d: _consistency(text, d) for d in DELIMITERS}
    if sniffed in scores and scores[sniffed] >= max(scores.values()):
        return sniffed
    best = max(DELIMITERS, key=lambda d: scores[d])
    return best if scores[best] > 0 else ","


def _consistency(text: str, delimiter: str) -> float:
    """How well ``delimiter`` explains the sample: the share of rows with the header's column
    count, times the column count — 0 when it does not split the header at all."""
    try:
        rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row]
    except csv.Error:
        return 0
    if not rows or len(rows[0]) < 2:
        return 0
    width = len(rows[0])
    same = sum(1 for row in rows if len(row) == width)
    return same / len(rows) * width


@dataclass(frozen=True)
class Record:
    """One data row: ``line`` is its first physical line in the file (header = 1).

    Either ``values`` (one string per header column) or ``error`` is set.
    """

    line: int
    values: list[str] | None = None
    error: str = ""
    raw: str = ""


class _Lines:
    """Physical lines fed to ``csv.reader``, remembering those the current record consumed so
    a record broken by an unclosed quote can hand them back and be re-read from the next line."""

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self._pending: deque[str] = deque()
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if len(self.taken) > MAX_RECORD_LINES:
            raise StopIteration  # the reader reports the open quote; the caller re-reads
        line = self._pending.popleft() if self._pending else next(self._text)
        self.taken.append(line)
        return line

    def give_back(self, lines: list[str]) -> None:
        self._pending.extendleft(reversed(lines))


def records_read(text: IO[str], delimiter: str) -> tuple[list[str], Iterator[Record]]:
    """The header row and an iterator of data records, blank rows left out.

    A row with broken quotes, a NUL byte or more non-empty cells than the header has becomes a
    ``Record`` with an ``error``, and reading goes on with the next line, so the rest of the
    file still imports. Raises ValidationError when there is no header row.
    """
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    header: list[str] | None = None
    line_no = 0
    while header is None:
        lines.taken = []
        try:
            row = next(reader)
        except StopIteration:
            raise ValidationError(
                "The file has no header row.", fields={"file": ["The file is empty."]}
            ) from None
        except csv.Error as exc:
            message = f"The header row cannot be read ({exc})."
            raise ValidationError(message, fields={"file": [message]}) from None
        line_no += len(lines.taken)
        if any(cell.strip() for cell in row):
            header = [cell.strip() for cell in row]
    header_line_count = line_no
    return header, _records(reader, lines, header, header_line_count)


def _records(
    reader: Iterator[list[str]], lines: _Lines, header: list[str], line_no: int
) -> Iterator[Record]:
    width = len(header)
    while True:
        lines.taken = []
        start = line_no + 1
        try:
            row = next(reader)
            error = ""
        except StopIteration:
            return
        except csv.Error as exc:
            row, error = [], _csv_error_message(str(exc))
        taken = lines.taken
        spans = len(taken)
        if spans > 1 and (error or len(row) != width or spans > MAX_RECORD_LINES):
            # An unclosed quote swallowed the following lines: blame its first line only and
            # read the rest again.
            lines.give_back(taken[1:])
            yield Record(
                line=start,
                error="A quote is opened and never closed on this line (malformed quotes).",
                raw=taken[0].rstrip("\r\n")[:2000],
            )
            line_no = start
            continue
        line_no += spans
        if error:
            yield Record(line=start, error=error, raw="".join(taken).rstrip("\r\n")[:2000])
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                yield Record(
                    line=start,
                    error=(
                        f"This row has {len(row)} cells but the header has {width} columns: "
                        "check the quotes and delimiters on this line."
                    ),
                    raw="".join(taken).rstrip("\r\n")[:2000],
                )
                continue
            row = row[:width]
        elif len(row) < width:
            row = row + [""] * (width - len(row))
        yield Record(line=start, values=row)


def _csv_error_message(detail: str) -> str:
    if "NUL" in detail:
        return "This line holds a NUL byte: the file may be damaged."
    if "field larger" in detail:
        return "A cell on this line is too long (over 128 KB), probably an unclosed quote."
    if "expected after" in detail or "quote" in detail:
        return "Malformed quotes: text follows a closing quote on this line."
    return f"This line cannot be read as CSV ({detail})."


def headers_unique(header: list[str]) -> list[str]:
    """Column names fit to key a mapping: blanks get ``Column 3``, repeats ``Email (2)``."""
    seen: dict[str, int] = {}
    result = []
    for index, name in enumerate(header, start=1):
        name = name.strip() or f"Column {index}"
        count = seen.get(name.lower(), 0) + 1
        seen[name.lower()] = count
        result.append(name if count == 1 else f"{name} ({count})")
    return result
