"""Conditions, table-driven: each operator on the values members compare."""

import pytest

from accounts.errors import ValidationError
from automation.triggers.conditions import conditions_clean, conditions_evaluate

CONTEXT = {
    "event": {"id": 1, "name": "deal.updated", "actor_id": 5, "created_at": None},
    "payload": {"changed": ["title"], "amount": "1200.50", "source": {"channel": "telegram"}},
    "deal": {
        "id": 9,
        "title": "Globex Pilot",
        "stage_id": 32,
        "value": "1200.50",
        "owner_id": None,
        "close_date": "2026-03-01",
        "_changed": ["stage_id"],
    },
    "contact": {"first_name": "Ada", "tags": ["VIP", "newsletter"], "email": ""},
}


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    [
        ("deal.title", "equals", "globex pilot", True),  # text is case-insensitive
        ("deal.title", "equals", "Globex", False),
        ("deal.stage_id", "equals", "32", True),  # a form sends numbers as text
        ("deal.stage_id", "not_equals", 31, True),
        ("deal.owner_id", "equals", None, True),
        ("deal.title", "contains", "PILOT", True),
        ("deal.title", "not_contains", "renewal", True),
        ("contact.tags", "contains", "vip", True),  # a list contains the value
        ("contact.tags", "contains", "vi", False),  # …as an element, not a substring
        ("deal.stage_id", "in", [31, 32], True),
        ("deal.stage_id", "in", "31, 32", True),
        ("deal.stage_id", "not_in", [1, 2], True),
        ("contact.tags", "in", ["newsletter", "x"], True),
        ("deal.value", "gt", 1000, True),
        ("deal.value", "gte", "1200.50", True),
        ("deal.value", "lt", 1000, False),
        ("deal.value", "lte", "1200.5", True),
        ("deal.close_date", "lt", "2026-04-01", True),
        ("deal.title", "gt", 5, False),  # text is not a number: false, not an error
        ("deal.stage_id", "changed_to", 32, True),
        ("deal.stage_id", "changed_to", 31, False),
        ("deal.title", "changed_to", "Globex Pilot", False),  # equal but not changed here…
        ("payload.changed", "contains", "title", True),
        ("contact.tags", "tag_present", "vip", True),
        ("contact.tags", "tag_present", "churned", False),
        ("contact.tags", "tag_absent", "churned", True),
        ("contact.email", "is_empty", None, True),
        ("deal.owner_id", "is_empty", None, True),
        ("contact.tags", "is_not_empty", None, True),
        ("contact.phone", "is_empty", None, True),  # a field the subject lacks is empty
        ("company.name", "equals", "Acme", False),  # a subject the event lacks
        ("payload.source.channel", "equals", "Telegram", True),
        ("event.name", "equals", "deal.updated", True),
        ("event.actor_id", "equals", 5, True),
    ],
)
def test_a_condition_compares_as_a_person_would(field, op, value, expected):
    leaf = {"field": field, "op": op, "value": value}

    passed, results = conditions_evaluate({"all": [leaf]}, CONTEXT)

    assert passed is expected
    assert results[0]["passed"] is expected


def test_changed_to_also_reads_the_payloads_changed_list():
    context = {"payload": {"deal": {"id": 9}, "changed": ["title"]}, "deal": {"title": "Renewal"}}

    passed, _ = conditions_evaluate(
        {"all": [{"field": "deal.title", "op": "changed_to", "value": "renewal"}]}, context
    )

    assert passed


@pytest.mark.parametrize(
    ("tree", "expected"),
    [
        ({"all": []}, True),
        ({"any": []}, True),
        ({}, True),
        ({"all": [{"field": "deal.stage_id", "op": "equals", "value": 32}]}, True),
        (
            {
                "any": [
                    {"field": "deal.stage_id", "op": "equals", "value": 1},
                    {"field": "contact.tags", "op": "tag_present", "value": "VIP"},
                ]
            },
            True,
        ),
        (
            {
                "all": [
                    {"field": "deal.stage_id", "op": "equals", "value": 32},
                    {
                        "any": [
                            {"field": "contact.first_name", "op": "equals", "value": "Bob"},
                            {"field": "deal.value", "op": "gt", "value": 5000},
                        ]
                    },
                ]
            },
            False,
        ),
    ],
)
def test_groups_combine_their_conditions_with_and_or(tree, expected):
    passed, _ = conditions_evaluate(tree, CONTEXT)

    assert passed is expected


def test_every_leaf_is_recorded_with_its_path_and_the_value_it_saw():
    tree = {
        "any": [
            {"field": "deal.stage_id", "op": "equals", "value": 32},
            {"all": [{"field": "contact.first_name", "op": "equals", "value": "Bob"}]},
        ]
    }

    _, results = conditions_evaluate(tree, CONTEXT)

    assert results == [
        {
            "path": "0",
            "field": "deal.stage_id",
            "op": "equals",
            "value": 32,
            "actual": 32,
            "passed": True,
        },
        {
            "path": "1.0",
            "field": "contact.first_name",
            "op": "equals",
            "value": "Bob",
            "actual": "Ada",
            "passed": False,
        },
    ]


@pytest.mark.parametrize(
    ("tree", "error_key"),
    [
        ([1, 2], "conditions"),
        ({"all": [{"field": "deal.stage_id", "op": "resembles", "value": 1}]}, "conditions.0"),
        ({"all": [{"field": "", "op": "equals", "value": 1}]}, "conditions.0"),
        ({"all": [{"field": "deal.stage_id", "op": "in", "value": []}]}, "conditions.0"),
        ({"all": [{"field": "deal.value", "op": "gt", "value": "lots"}]}, "conditions.0"),
        ({"all": [{"field": "deal.title", "op": "contains", "value": ""}]}, "conditions.0"),
        (
            {"all": [{"field": "x.y", "op": "equals", "value": 1}, {"any": ["nonsense"]}]},
            "conditions.1.0",
        ),
        ({"all": [{"any": [{"all": [{"any": []}]}]}]}, "conditions.0.0.0"),  # too deep
        (
            {"all": [{"field": "deal.id", "op": "equals", "value": n} for n in range(51)]},
            "conditions",
        ),
    ],
)
def test_a_broken_condition_is_reported_at_its_index_path(tree, error_key):
    with pytest.raises(ValidationError) as caught:
        conditions_clean(tree)

    assert error_key in caught.value.fields


def test_clean_conditions_come_back_normalised():
    tree = {"any": [{"field": "deal.stage_id", "op": "in", "value": "1, 2", "extra": True}]}

    assert conditions_clean(tree) == {
        "any": [{"field": "deal.stage_id", "op": "in", "value": ["1", "2"]}]
    }
    assert conditions_clean({}) == {"all": []}
    assert conditions_clean(
        {"all": [{"field": "contact.email", "op": "is_empty", "value": "ignored"}]}
    ) == {"all": [{"field": "contact.email", "op": "is_empty"}]}
