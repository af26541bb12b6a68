"""``@name`` mentions in note text: which members of the organization a note names.

A mention is ``@`` at the start of a word followed by a handle (letters, digits, ``_``, and
``.``, ``+`` or ``-`` inside it, so a sentence's full stop is not part of it). The handle names a
member by the local part of their email (``@anna`` for anna@acme.com), by their full name
without spaces (``@AnnaPetrova``), or by their first name when no other member of the
organization has it (``@Anna``). Case does not matter. An ``@`` inside a word, as in an email
address (a@b.com), is no mention.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from accounts.models import Membership

MENTION = re.compile(r"(?<![\w@])@(\w(?:[\w.+-]*\w)?)")

# (user id, email, full name) of a member.
Person = tuple[int, str, str]


def mention_handles(text: str) -> list[str]:
    """The handles mentioned in ``text``, case-folded, in order of appearance, each once."""
    return list(dict.fromkeys(match.casefold() for match in MENTION.findall(text or "")))


def mentions_resolve(handles: Iterable[str], people: Iterable[Person]) -> list[int]:
    """The ids of the ``people`` the ``handles`` name, in order of first mention.

    An email local part or a squashed full name names everyone who has it (they wrote it
    exactly); a first name names someone only when it is theirs alone, since "@Anna" in a team
    with two Annas says nothing about which one.
    """
    exact: dict[str, set[int]] = defaultdict(set)
    first_names: dict[str, set[int]] = defaultdict(set)
    for user_id, email, full_name in people:
        exact[email.partition("@")[0].casefold()].add(user_id)
        words = full_name.split()
        if words:
            exact["".join(words).casefold()].add(user_id)
            first_names[words[0].casefold()].add(user_id)
    found: dict[int, None] = {}
    for handle in handles:
        named = exact.get(handle) or set()
        if not named and len(first_names.get(handle, ())) == 1:
            named = first_names[handle]
        found.update(dict.fromkeys(sorted(named)))
    return list(found)


def mentioned_user_ids(organization_id: int, text: str) -> list[int]:
    """The active members of the organization that ``text`` mentions."""
    handles = mention_handles(text)
    if not handles:
        return []
    people = Membership.objects.filter(
        organization_id=organization_id, user__is_active=True
    ).values_list("user_id", "user__email", "user__full_name")
    return mentions_resolve(handles, people)
