"""The one search box: contacts and companies by name, email, phone, @username, Telegram id,
company, tag and note text, ranked, and fast at a million contacts.

Every branch is a small query on an index that answers it without scanning the organization
(docs/architecture/crm.md lists which), capped with LIMIT before anything is ranked:

- identifiers (tier 0): exact email (GIN on ``emails``), phone normalised to E.164 (GIN on
  ``phones``), @username and Telegram id (the per-organization unique indexes), company domain;
- names (tier 1): ``crm_name_vector`` (migration 0002) holds each name's words and a Soundex
  code per word. Exact words first, then the last word as a prefix (type-ahead). Candidates
  come unordered from the GIN index and are ranked here by pg_trgm's similarity;
- related (tier 2): contacts of the best-matching companies, contacts and companies with a tag
  of that name, and notes whose words match (GIN full-text on the body);
- typos, only when nothing above matched: first each mistyped word is corrected against the
  organization's dictionary of name words (``NameWord``: its variants one edit away — a letter
  dropped, added, replaced or two neighbours swapped — that are real name words, "Nguyne" →
  nguyen), and the name index is asked for those exact words; then sound-alike codes ("Jhon
  Smtih" → J500 & S530); then trigram similarity (``lower(name) % q`` on the trigram GIN index)
  as the last resort.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Lower

from accounts.models import Organization
from crm.models import (
    Company,
    Contact,
    ContactCompany,
    NameWord,
    Note,
    Tag,
    name_search_vector,
)
from crm.normalize import (
    domain_normalize,
    email_normalize,
    phone_normalize,
    telegram_username_normalize,
)

CONTACT = "contact"
COMPANY = "company"
# Tiers: identifiers, then names, then matches through a company, tag or note.
IDENTIFIER, NAME, RELATED = 0, 1, 2
# Name candidates fetched (unordered, straight from the index) before ranking them.
NAME_CANDIDATES = 200
# pg_trgm's default threshold (0.3) lets names sharing only common trigrams ("an", "ov")
# through: at a million contacts ~15,000 rows rechecked, and a LIMIT that cuts off the real
# match. Two letters swapped in a short two-word name ("Leon Wlison") still scores ≥ 0.45.
TRIGRAM_THRESHOLD = 0.45
MAX_QUERY_LENGTH = 200
# Shorter words have too many real neighbours one edit away ("li" → al, le, lin, …) to correct.
MIN_CORRECTED_WORD = 4
# Letters a typo can add or put in place of another: the word's own script, with the accented
# Latin letters European names use.
_LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyzàáâãäåçćčďèéêëěìíîïłñńňòóôõöøřśšşťùúûüůýÿžźżß"
_CYRILLIC_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ"

# Same separators as the SQL function: whitespace and ASCII punctuation.
_SEPARATORS = re.compile(r"[\s!-/:-@\[-`{-~]+")
# The SQL function's letter folding: Cyrillic transliterated, Latin accents dropped.
_FOLD = str.maketrans(
    "абвгдеёжзийклмнопрстуфхцчшщыэюяіїєґ"
    "àáâãäåāăąçćčďđèéêëēėęěìíîïīįłñńňòóôõöøōőřśšşťùúûüūůűųýÿžźżß",
    "abvgdeejziiklmnoprstufkccssyeuaiieg"
    "aaaaaaaaacccddeeeeeeeeiiiiiilnnnoooooooorssstuuuuuuuuyyzzzs",
    "ъь",
)
_SOUNDEX_DIGITS = str.maketrans("aeiouyhwbfpvcgjkqsxzdtlmnr", "000000--111122222222334556")
_REPEATS = re.compile(r"(.)\1+")
_NOT_LATIN = re.compile(r"[^a-z]")
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]+$")
_USERNAME_LIKE = re.compile(r"^@?[A-Za-z][A-Za-z0-9_]{4,31}$")
_TRIGRAM_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchHit:
    """One result of the search box. ``match`` says why it was found (shown to the user)."""

    kind: str  # "contact" or "company"
    id: int
    name: str
    subtitle: str
    # email, phone, username, telegram_id, domain, name, similar_name, company, tag or note
    match: str
    tier: int
    score: float


@dataclass
class _Candidate:
    kind: str
    id: int
    tier: int
    score: float
    match: str


# --- text helpers (Python twins of the SQL side) --------------------------------------------


def query_words(text: str) -> list[str]:
    """Lower-case words of ``text`` split like ``crm_name_vector`` splits names."""
    return [w for w in _SEPARATORS.split(text.lower()) if any(c.isalnum() for c in w)]


def sound_code(word: str) -> str | None:
    """Soundex of one word after folding it to a-z, exactly as ``crm_name_vector`` does
    (``smith`` and ``smtih`` → ``s530``, ``смирнов`` and ``smirnov`` → ``s565``)."""
    latin = _NOT_LATIN.sub("", word.lower().translate(_FOLD))
    if not latin:
        return None
    digits = _REPEATS.sub(r"\1", latin.translate(_SOUNDEX_DIGITS).replace("-", ""))
    return latin[0] + (digits[1:].replace("0", "") + "000")[:3]


def _trigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for word in _TRIGRAM_WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def name_similarity(a: str, b: str) -> float:
    """How alike two names are, from 0 to 1: pg_trgm's ``similarity()`` (shared trigrams over all
    trigrams), also taken after transliteration ("Smirnov" ~ "Смирнов") and, slightly lower,
    on each word's sorted letters, so swapped letters ("Jhon Smtih") still rank "John Smith"
    above other sound-alikes."""
    a, b = a.lower().translate(_FOLD), b.lower().translate(_FOLD)
    return max(
        _similarity(a, b),
        0.9 * _similarity(_sorted_letters(a), _sorted_letters(b)),
    )


def _sorted_letters(text: str) -> str:
    return " ".join("".join(sorted(word)) for word in _TRIGRAM_WORD.findall(text))


def _similarity(a: str, b: str) -> float:
    left, right = _trigrams(a), _trigrams(b)
    if not left or not right:
        return 0.0
    shared = len(left & right)
    return shared / (len(left) + len(right) - shared)


def _tsquery(terms: Iterable[str], *, prefix_last: bool = False) -> str:
    quoted = [f"'{term}'" for term in dict.fromkeys(terms)]
    if prefix_last and quoted:
        quoted[-1] += ":*"
    return " & ".join(quoted)


def one_edit_variants(word: str) -> set[str]:
    """Every string one edit away from ``word`` (Damerau: a letter deleted, inserted or replaced,
    or two neighbours swapped), in the word's own alphabet. A 7-letter word has ~1,300."""
    alphabet = _CYRILLIC_LETTERS if any(c in _CYRILLIC_LETTERS for c in word) else _LATIN_LETTERS
    variants: set[str] = set()
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        variants.update(head + letter + tail for letter in alphabet)
        if tail:
            variants.add(head + tail[1:])
            variants.update(head + letter + tail[1:] for letter in alphabet)
        if len(tail) > 1:
            variants.add(head + tail[1] + tail[0] + tail[2:])
    variants.discard(word)
    return variants


def _corrected_words(organization: Organization, words: list[str]) -> list[list[str]]:
    """For each query word, the name words it may stand for: itself when the organization's
    names use it, otherwise its real neighbours one edit away. When every word is a real word
    (and yet no name had them all: "Paul Smit" for Paul Smith), all are widened. An empty list
    means some word has no correction, and this stage cannot help."""
    correctable = [w for w in words if len(w) >= MIN_CORRECTED_WORD]
    candidates = set(words)
    for word in correctable:
        candidates |= one_edit_variants(word)
    # One array parameter, not ``IN (%s, …)`` with thousands of placeholders to parse.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word FROM {NameWord._meta.db_table} "  # noqa: S608 - our own table name
            "WHERE organization_id = %s AND word = ANY(%s::varchar[])",
            [organization.pk, sorted(candidates)],
        )
        known = {word for (word,) in cursor.fetchall()}
    all_known = all(word in known for word in words)
    groups = []
    for word in words:
        if word in known and not (all_known and word in correctable):
            groups.append([word])
            continue
        group = sorted((one_edit_variants(word) | {word}) & known) if word in correctable else []
        if not group:
            return []
        groups.append(group)
    return groups


def _tsquery_any(groups: list[list[str]]) -> str:
    """Every group matched by one of its words: ``('nguyen' | 'nguyan') & ('mark')``."""
    return " & ".join("(" + " | ".join(f"'{word}'" for word in group) + ")" for group in groups)


# --- branches ----------------------------------------------------------------------------------


def _names_matching(queryset: QuerySet, field: str, tsquery: str, limit: int) -> list[tuple]:
    """(id, name) of rows whose name vector matches, straight from the GIN index."""
    if not tsquery:
        return []
    matches = queryset.alias(_name_vector=name_search_vector(field)).filter(
        _name_vector=SearchQuery(tsquery, search_type="raw", config="simple")
    )
    return list(matches.values_list("id", field)[:limit])


def names_similar(queryset: QuerySet, field: str, text: str) -> QuerySet:
    """The last resort, trigram similarity: ``lower(name) % text`` (the trigram GIN index)."""
    return queryset.alias(_lower_name=Lower(field)).filter(_lower_name__trigram_similar=text)


def _names_at_stage(
    queryset: QuerySet,
    field: str,
    stage: str,
    text: str,
    words: list[str],
    limit: int,
    corrections: list[list[str]] | None = None,
) -> list[tuple]:
    """(id, name) found by one stage: exact words, last word as prefix, corrected words (the
    groups ``_corrected_words`` found), sound-alike, trigram."""
    if stage == "corrected":
        return (
            _names_matching(queryset, field, _tsquery_any(corrections), limit)
            if corrections
            else []
        )
    if stage == "exact":
        return _names_matching(queryset, field, _tsquery(words), limit)
    if stage == "prefix":
        return _names_matching(queryset, field, _tsquery(words, prefix_last=True), limit)
    if stage == "sound":
        codes = [code for code in map(sound_code, words) if code]
        return _names_matching(queryset, field, _tsquery(codes), limit)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [TRIGRAM_THRESHOLD])
        return list(names_similar(queryset, field, text).values_list("id", field)[:limit])


class _Collector:
    def __init__(self) -> None:
        self.best: dict[tuple[str, int], _Candidate] = {}

    def add(self, kind: str, pk: int, tier: int, score: float, match: str) -> None:
        key = (kind, pk)
        current = self.best.get(key)
        if current is None or (tier, -score) < (current.tier, -current.score):
            self.best[key] = _Candidate(kind, pk, tier, score, match)

    def ranked(self) -> list[_Candidate]:
        return sorted(self.best.values(), key=lambda c: (c.tier, -c.score, c.kind, c.id))

    def ids(self, kind: str) -> list[int]:
        return [c.id for c in self.ranked() if c.kind == kind]


def _collect(
    organization: Organization, q: str, *, limit: int, kinds: tuple[str, ...]
) -> _Collector:
    text = " ".join(q.split())[:MAX_QUERY_LENGTH]
    found = _Collector()
    if len(text) < 2:
        return found
    # order_by(): no model ordering, so LIMIT stops at the first rows the index hands over.
    contacts = Contact.objects.filter(organization=organization).order_by()
    companies = Company.objects.filter(organization=organization).order_by()
    _identifiers(organization, text, found, limit=limit, kinds=kinds)
    words = query_words(text)
    if not words:
        return found
    lowered = text.lower().lstrip("@#")
    # Company names are searched for contacts too: their people are related matches.
    sources = [(COMPANY, companies, "name")]
    if CONTACT in kinds:
        sources.append((CONTACT, contacts, "full_name"))
    cap = max(limit, NAME_CANDIDATES)
    names: dict[str, dict[int, str]] = {kind: {} for kind, _, _ in sources}
    for stage in ("exact", "prefix"):
        for kind, queryset, field in sources:
            if len(names[kind]) < cap:
                names[kind].update(_names_at_stage(queryset, field, stage, lowered, words, cap))
    _add_names(organization, found, names, lowered, "name", limit=limit, kinds=kinds)
    _tags(organization, lowered, found, limit=limit, kinds=kinds)
    _notes(organization, words, found, limit=limit, kinds=kinds)
    # Typo tolerance only when nothing at all matched: the fast path stays fast, exact note or
    # tag matches are not pushed down by sound-alike names, and typos still find someone.
    if not found.best:
        corrections = _corrected_words(organization, words)
        for stage in ("corrected", "sound", "similar"):
            names = {
                kind: dict(
                    _names_at_stage(queryset, field, stage, lowered, words, cap, corrections)
                )
                for kind, queryset, field in sources
            }
            if any(names.values()):
                _add_names(organization, found, names, lowered, "similar_name", limit, kinds)
                break
    return found


def _add_names(
    organization: Organization,
    found: _Collector,
    names: dict[str, dict[int, str]],
    text: str,
    match: str,
    limit: int,
    kinds: tuple[str, ...],
) -> None:
    """Rank name matches; the people of the best-matching companies follow as related."""
    company_scores = {pk: name_similarity(name, text) for pk, name in names[COMPANY].items()}
    if COMPANY in kinds:
        for pk, score in company_scores.items():
            found.add(COMPANY, pk, NAME, score, match)
    if CONTACT not in kinds:
        return
    for pk, name in names[CONTACT].items():
        found.add(CONTACT, pk, NAME, name_similarity(name, text), match)
    best_companies = sorted(company_scores, key=company_scores.__getitem__, reverse=True)[:5]
    if not best_companies:
        return
    links = (
        ContactCompany.objects.filter(organization=organization, company_id__in=best_companies)
        .order_by()
        .values_list("contact_id", "company_id")
    )
    for contact_id, company_id in links[:limit]:
        found.add(CONTACT, contact_id, RELATED, company_scores[company_id], "company")


def _identifiers(
    organization: Organization, text: str, found: _Collector, *, limit: int, kinds: tuple
) -> None:
    """Exact email, phone, Telegram id, @username and company domain matches."""
    contacts = Contact.objects.filter(organization=organization).order_by()
    if CONTACT in kinds:
        if "@" in text[1:] and " " not in text:
            try:
                email = email_normalize(text)
            except DjangoValidationError:
                email = ""
            if email:
                for pk in contacts.filter(emails__contains=[email]).values_list("id", flat=True)[
                    :limit
                ]:
                    found.add(CONTACT, pk, IDENTIFIER, 1.0, "email")
        digits = re.sub(r"\D", "", text)
        if _PHONE_LIKE.match(text) and len(digits) >= 6:
            phone = _phone_e164(text, digits)
            if phone:
                for pk in contacts.filter(phones__contains=[phone]).values_list("id", flat=True)[
                    :limit
                ]:
                    found.add(CONTACT, pk, IDENTIFIER, 1.0, "phone")
            if text.isdigit() and len(text) <= 18:
                for pk in contacts.filter(telegram_user_id=int(text)).values_list("id", flat=True):
                    found.add(CONTACT, pk, IDENTIFIER, 1.0, "telegram_id")
        if _USERNAME_LIKE.match(text) or text.lower().startswith(("t.me/", "https://t.me/")):
            try:
                username = telegram_username_normalize(text)
            except DjangoValidationError:
                username = ""
            if username:
                for pk in contacts.filter(telegram_username=username).values_list("id", flat=True):
                    found.add(CONTACT, pk, IDENTIFIER, 1.0, "username")
    if COMPANY in kinds and "." in text and " " not in text and "@" not in text:
        domain = domain_normalize(text)
        companies = Company.objects.filter(organization=organization, domain=domain).order_by()
        for pk in companies.values_list("id", flat=True)[:limit]:
            found.add(COMPANY, pk, IDENTIFIER, 1.0, "domain")


def _phone_e164(text: str, digits: str) -> str:
    candidates = [text]
    if text.startswith("00"):
        candidates.append("+" + digits[2:])
    elif not text.startswith("+"):
        candidates.append("+" + digits)
    for candidate in candidates:
        try:
            return phone_normalize(candidate)
        except DjangoValidationError:
            continue
    return ""


def _tags(
    organization: Organization, lowered: str, found: _Collector, *, limit: int, kinds: tuple
) -> None:
    tag_ids = list(
        Tag.objects.filter(organization=organization)
        .order_by()
        .alias(lower_name=Lower("name"))
        .filter(lower_name=lowered)
        .values_list("id", flat=True)
    )
    if not tag_ids:
        return
    if CONTACT in kinds:
        tagged = Contact.tags.through.objects.filter(tag_id__in=tag_ids).order_by()
        for pk in tagged.values_list("contact_id", flat=True)[:limit]:
            found.add(CONTACT, pk, RELATED, 0.5, "tag")
    if COMPANY in kinds:
        tagged = Company.tags.through.objects.filter(tag_id__in=tag_ids).order_by()
        for pk in tagged.values_list("company_id", flat=True)[:limit]:
            found.add(COMPANY, pk, RELATED, 0.5, "tag")


def _notes(
    organization: Organization, words: list[str], found: _Collector, *, limit: int, kinds: tuple
) -> None:
    notes = (
        Note.objects.filter(organization=organization)
        .order_by()
        .alias(body_vector=SearchVector("body", config="simple"))
        .filter(body_vector=SearchQuery(_tsquery(words), search_type="raw", config="simple"))
    )
    for contact_id, company_id in notes.values_list("contact_id", "company_id")[:limit]:
        if contact_id and CONTACT in kinds:
            found.add(CONTACT, contact_id, RELATED, 0.3, "note")
        elif company_id and COMPANY in kinds:
            found.add(COMPANY, company_id, RELATED, 0.3, "note")


# --- public ------------------------------------------------------------------------------------


def search_everything(organization: Organization, q: str, limit: int = 20) -> list[SearchHit]:
    """The search box: best ``limit`` contacts and companies for ``q``, ranked by tier (exact
    identifier, name, related) then by name similarity."""
    ranked = _collect(organization, q, limit=limit, kinds=(CONTACT, COMPANY)).ranked()[:limit]
    contact_ids = [c.id for c in ranked if c.kind == CONTACT]
    company_ids = [c.id for c in ranked if c.kind == COMPANY]
    labels: dict[tuple[str, int], tuple[str, str]] = {}
    if contact_ids:
        primary_company = ContactCompany.objects.filter(contact=OuterRef("pk")).order_by(
            "-is_primary", "id"
        )
        rows = (
            Contact.objects.filter(organization=organization, id__in=contact_ids)
            .annotate(company_name=Subquery(primary_company.values("company__name")[:1]))
            .only(
                "id", "first_name", "last_name", "full_name", "emails", "telegram_username", "title"
            )
        )
        for contact in rows:
            details = [contact.title] if contact.title else []
            if contact.company_name:
                details.append(contact.company_name)
            if contact.emails:
                details.append(contact.emails[0])
            elif contact.telegram_username:
                details.append(f"@{contact.telegram_username}")
            labels[(CONTACT, contact.pk)] = (str(contact), " · ".join(details))
    if company_ids:
        rows = Company.objects.filter(organization=organization, id__in=company_ids).only(
            "id", "name", "domain", "industry"
        )
        for company in rows:
            details = [part for part in (company.domain, company.industry) if part]
            labels[(COMPANY, company.pk)] = (company.name, " · ".join(details))
    return [
        SearchHit(c.kind, c.id, *labels[(c.kind, c.id)], c.match, c.tier, round(c.score, 3))
        for c in ranked
        if (c.kind, c.id) in labels
    ]


def contact_ids_matching(organization: Organization, q: str, cap: int = 1000) -> list[int]:
    """Ids of the contacts the search box finds for ``q`` (at most ``cap``, best first): what a
    list's ``?q=`` narrows to before its own filters and sort apply."""
    return _collect(organization, q, limit=cap, kinds=(CONTACT,)).ids(CONTACT)[:cap]


def company_ids_matching(organization: Organization, q: str, cap: int = 1000) -> list[int]:
    return _collect(organization, q, limit=cap, kinds=(COMPANY,)).ids(COMPANY)[:cap]
