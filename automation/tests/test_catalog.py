import re

import pytest

from accounts.permissions import PERMISSIONS
from automation.catalog import CATALOG

EVENT_NAME = re.compile(r"[a-z_]+\.[a-z_]+ed")
# Irregular past tenses (and phrasal verbs) that are still <noun>.<past_verb>.
IRREGULAR_PAST = re.compile(r"[a-z_]+\.(sent|won|lost|read|paid|begun|done|opted_out)")


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_event_is_named_noun_dot_past_verb(name):
    assert EVENT_NAME.fullmatch(name) or IRREGULAR_PAST.fullmatch(name)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_event_is_visible_through_a_known_permission(name):
    assert CATALOG[name].visible_to in PERMISSIONS


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_event_documents_its_payload(name):
    event_type = CATALOG[name]
    assert event_type.description
    assert event_type.payload
    assert event_type.version >= 1
