"""The one search box: what it finds, and in which order."""

import re

import pytest

from crm.search import one_edit_variants, query_words, sound_code
from crm.selectors import crm_search
from crm.tests.factories import (
    CompanyFactory,
    ContactCompanyFactory,
    ContactFactory,
    NoteFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(make_member):
    return make_member("owner").organization


def person(org, first, last="", **fields):
    fields.setdefault("emails", [])
    return ContactFactory(organization=org, first_name=first, last_name=last, **fields)


def found(org, q):
    return [(hit.kind, hit.name) for hit in crm_search(org, q)]


def test_exact_email_comes_first(org):
    person(org, "Mail", "Lookalike")
    NoteFactory(organization=org, contact=person(org, "Noted"), body="write to ada@example.com")
    person(org, "Ada", "Lovelace", emails=["other@example.com", "ada@example.com"])

    hits = crm_search(org, "ADA@example.com")

    assert (hits[0].name, hits[0].match) == ("Ada Lovelace", "email")


def test_typos_in_both_names_still_find_the_person_first(org):
    person(org, "Jean", "Smith")
    person(org, "Jane", "Smyth")
    person(org, "John", "Smith")
    person(org, "Johanna", "Schmidt")

    hits = crm_search(org, "Jhon Smtih")

    assert hits[0].name == "John Smith"
    assert hits[0].match == "similar_name"


@pytest.mark.parametrize(
    "typed",
    ["Mark Nguyne", "Mark Ngyen", "Mark Nguyeen", "Mark Nguyan", "Mrak Nguyen", "mark nguyen."],
    ids=["swapped", "dropped", "doubled", "replaced", "swapped-first-name", "exact"],
)
def test_one_mistyped_letter_still_finds_the_person_first(org, typed):
    person(org, "Mark", "Nguyen")
    person(org, "Marc", "Newton")
    person(org, "Maria", "Nguyen-Ho")
    person(org, "Mary", "Young")

    assert found(org, typed)[0] == ("contact", "Mark Nguyen")


def test_a_mistyped_cyrillic_name_is_corrected(org):
    person(org, "Николай", "Козлов")
    person(org, "Николай", "Куликов")

    assert found(org, "Николай Колзов")[0] == ("contact", "Николай Козлов")


def test_a_real_word_in_the_wrong_name_is_widened_to_its_neighbours(org):
    """ "Paul Smit": both words are names here, but no one is called that; Paul Smith is."""
    person(org, "Paul", "Smith")
    person(org, "Anna", "Smit")

    assert found(org, "Paul Smit")[0] == ("contact", "Paul Smith")


def test_a_mistyped_company_name_finds_the_company(org):
    CompanyFactory(organization=org, name="Northwind Capital")

    assert found(org, "Nortwhind")[0] == ("company", "Northwind Capital")


def test_one_edit_variants_cover_every_kind_of_single_typo():
    variants = one_edit_variants("smith")

    assert {"mith", "smiths", "smyth", "msith", "smiht"} <= variants
    assert "smith" not in variants
    assert "smtih" in one_edit_variants("smith")
    assert "козлов" in one_edit_variants("колзов")


def test_exact_name_ranks_above_longer_names(org):
    person(org, "Ada", "Lovelace-Byron")
    person(org, "Ada", "Lovelace")

    assert found(org, "ada lovelace")[0] == ("contact", "Ada Lovelace")


def test_the_last_word_is_a_prefix_while_typing(org):
    person(org, "Ada", "Lovelace")

    assert found(org, "Ada Lov") == [("contact", "Ada Lovelace")]


def test_at_username_finds_the_telegram_contact(org):
    person(org, "Username", "Lookalike")
    person(org, "Ada", telegram_username="ada_l")

    hits = crm_search(org, "@Ada_L")

    assert (hits[0].name, hits[0].match) == ("Ada", "username")


@pytest.mark.parametrize("typed", ["+49 (30) 1234-5678", "0049 30 12345678", "4930 12345678"])
def test_phone_is_found_in_other_formats(org, typed):
    person(org, "Ada", phones=["+493012345678"])

    hits = crm_search(org, typed)

    assert [(hit.name, hit.match) for hit in hits] == [("Ada", "phone")]


def test_telegram_user_id_finds_the_contact(org):
    person(org, "Ada", telegram_user_id=123456789)

    assert [(h.name, h.match) for h in crm_search(org, "123456789")] == [("Ada", "telegram_id")]


def test_note_text_finds_the_contact(org):
    NoteFactory(organization=org, contact=person(org, "Ada"), body="Wants a pilot in Lisbon")

    hits = crm_search(org, "lisbon pilot")

    assert [(hit.name, hit.match) for hit in hits] == [("Ada", "note")]


def test_words_in_a_note_beat_sound_alike_names(org):
    person(org, "Eric", "Perkins")
    NoteFactory(organization=org, contact=person(org, "Ada"), body="Call about pricing")

    assert [(hit.name, hit.match) for hit in crm_search(org, "pricing")] == [("Ada", "note")]


def test_company_name_finds_the_company_then_its_people(org):
    acme = CompanyFactory(organization=org, name="Acme Robotics", domain="acme.io")
    ContactCompanyFactory(organization=org, company=acme, contact=person(org, "Ada"))

    hits = crm_search(org, "acme robotics")

    assert [(hit.kind, hit.name, hit.match) for hit in hits] == [
        ("company", "Acme Robotics", "name"),
        ("contact", "Ada", "company"),
    ]


def test_domain_finds_the_company(org):
    CompanyFactory(organization=org, name="Acme", domain="acme.io")

    assert found(org, "https://www.acme.io") == [("company", "Acme")]


def test_tag_name_finds_tagged_contacts_and_companies(org):
    tag = TagFactory(organization=org, name="Investor")
    person(org, "Ada").tags.add(tag)
    CompanyFactory(organization=org, name="Fund One").tags.add(tag)

    assert sorted(found(org, "investor")) == [("company", "Fund One"), ("contact", "Ada")]


def test_latin_spelling_finds_a_cyrillic_name(org):
    person(org, "Иван", "Смирнов")

    assert found(org, "Smirnov") == [("contact", "Иван Смирнов")]


def test_cyrillic_names_are_found_by_words(org):
    person(org, "Иван", "Смирнов")

    assert found(org, "смирнов иван") == [("contact", "Иван Смирнов")]


def test_another_organizations_contacts_are_never_found(org):
    person(ContactFactory().organization, "Ada", "Lovelace", emails=["ada@example.com"])

    assert found(org, "ada lovelace") == []
    assert found(org, "ada@example.com") == []


def test_one_character_finds_nothing(org):
    person(org, "A")

    assert found(org, "a") == []


def test_subtitle_shows_title_company_and_email(org):
    acme = CompanyFactory(organization=org, name="Acme")
    ada = person(org, "Ada", title="CTO", emails=["ada@acme.io"])
    ContactCompanyFactory(organization=org, company=acme, contact=ada, is_primary=True)

    assert crm_search(org, "ada")[0].subtitle == "CTO · Acme · ada@acme.io"


NAMES = [
    "Smith", "Smtih", "Schmidt", "Pfister", "Tymczak", "Ashcraft", "Lloyd", "O'Brien", "Jean-Luc",
    "Смирнов", "Щукин", "Ёлкин", "Хабаров", "Їжак", "x", "Müller", "42", "Łukasz",
]  # fmt: skip


def test_python_sound_codes_match_the_indexed_ones(org):
    """``sound_code`` builds queries against codes the SQL function indexed: they must agree."""
    from django.db import connection

    with connection.cursor() as cursor:
        for name in NAMES:
            cursor.execute("SELECT crm_name_vector(%s)::text", [name])
            indexed = set(re.findall(r"'([a-z][0-9]{3})'", cursor.fetchone()[0]))
            assert indexed == {sound_code(w) for w in query_words(name)} - {None}, name
