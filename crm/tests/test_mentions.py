"""Which members an ``@name`` in a note names (crm/mentions.py)."""

from __future__ import annotations

import pytest

from crm.mentions import mention_handles, mentioned_user_ids, mentions_resolve

ANNA = (1, "anna@acme.com", "Anna Petrova")
BORIS = (2, "b.kuznetsov@acme.com", "Boris Kuznetsov")
ANNA_LEE = (3, "alee@acme.com", "Anna Lee")
CID = (4, "cid@acme.com", "")


def test_handles_are_words_after_an_at_sign():
    assert mention_handles("@Anna and @boris, call (@cid) back") == ["anna", "boris", "cid"]


def test_an_email_address_is_no_mention():
    assert mention_handles("Write to anna@acme.com or a@b.com") == []


def test_a_full_stop_after_a_handle_is_not_part_of_it():
    assert mention_handles("Ask @anna. Or @b.kuznetsov!") == ["anna", "b.kuznetsov"]


def test_a_double_at_sign_is_no_mention():
    assert mention_handles("@@anna") == []


def test_each_handle_counts_once():
    assert mention_handles("@anna @ANNA @Anna") == ["anna"]


def test_a_handle_names_a_member_by_email_local_part():
    assert mentions_resolve(["b.kuznetsov"], [ANNA, BORIS]) == [2]


def test_a_handle_names_a_member_by_full_name_without_spaces():
    assert mentions_resolve(mention_handles("@AnnaPetrova"), [ANNA, ANNA_LEE]) == [1]


def test_a_first_name_names_a_member_when_it_is_theirs_alone():
    assert mentions_resolve(["boris"], [ANNA, BORIS, ANNA_LEE]) == [2]


def test_a_first_name_two_members_share_names_nobody():
    assert mentions_resolve(["anna"], [(5, "sales@acme.com", "Anna Petrova"), ANNA_LEE]) == []


def test_an_email_local_part_wins_over_a_shared_first_name():
    assert mentions_resolve(["anna"], [ANNA, ANNA_LEE]) == [1]


def test_unknown_handles_name_nobody():
    assert mentions_resolve(["zoe"], [ANNA, BORIS, CID]) == []


def test_members_come_in_order_of_first_mention():
    assert mentions_resolve(["cid", "annapetrova", "cid"], [ANNA, CID]) == [4, 1]


@pytest.mark.django_db
def test_only_members_of_the_organization_are_mentioned(make_member):
    anna = make_member("bidi", email="anna@acme.com", full_name="Anna Petrova")
    make_member("bidi", email="boris@globex.com", full_name="Boris K")

    found = mentioned_user_ids(anna.organization.pk, "@anna and @boris, see the deck")

    assert found == [anna.user.pk]


@pytest.mark.django_db
def test_deactivated_members_are_not_mentioned(make_member):
    anna = make_member("bidi", email="anna@acme.com", full_name="Anna Petrova")
    anna.user.is_active = False
    anna.user.save(update_fields=["is_active"])

    assert mentioned_user_ids(anna.organization.pk, "@anna") == []
