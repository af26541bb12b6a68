"""The sandbox template language (messaging/templating.py) shared by campaigns and canned
responses: what parses, what each syntax error says, and how rendering fills placeholders."""

import pytest

from messaging.templating import Placeholder, TemplateSyntaxError, parse, render


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("No placeholders at all.", []),
        ("Hi {{ contact.first_name }}!", [("contact.first_name", None)]),
        ("Hi {{contact.first_name}}", [("contact.first_name", None)]),
        ('{{ contact.first_name | default:"there" }}', [("contact.first_name", "there")]),
        ("{{ contact.first_name|default:'friend' }}", [("contact.first_name", "friend")]),
        ('{{ a.b | default: "" }}', [("a.b", "")]),
        ('{{ a.b | default:"x }} y" }}', [("a.b", "x }} y")]),
        ("{{ contact.first_name | there }}", [("contact.first_name", "there")]),
        ("{{ contact.custom.industry }}", [("contact.custom.industry", None)]),
        ("{{ a.b }} and {{ c.d | e }}", [("a.b", None), ("c.d", "e")]),
        ("{% now 'Y' %} {# c #}", []),  # Django syntax is plain text here
    ],
)
def test_valid_bodies_parse_to_names_and_defaults(body, expected):
    assert [(p.name, p.default) for p in parse(body)] == expected


def test_placeholders_carry_their_offsets():
    body = "Hi {{ a.b }}, {{ c | default:'x' }}."

    found = parse(body)

    assert found == [
        Placeholder("a.b", None, 3, 12),
        Placeholder("c", "x", 14, 35),
    ]
    assert [body[p.start : p.end] for p in found] == ["{{ a.b }}", "{{ c | default:'x' }}"]


@pytest.mark.parametrize(
    ("body", "message", "where"),
    [
        ("Hi {{ contact.first_name", "never closed", "line 1, column 4"),
        ("Hi {{ a {{ b }}", "never closed", "line 1, column 4"),
        ("Hi }} there", "without an opening", "line 1, column 4"),
        ("Hi {{ }}", "Empty placeholder", "line 1, column 4"),
        ("Hi\n  {{ first name }}", "is not a variable name", "line 2, column 3"),
        ("{{ contact.first-name }}", "is not a variable name", "line 1, column 1"),
        ("{{ 1st.name }}", "is not a variable name", "line 1, column 1"),
        ("{{ a.b | upper:'x' }}", "Unknown filter “upper”", "line 1, column 9"),
        ('{{ a.b | default:"x" | upper }}', "Unknown filter “upper”", "line 1, column 22"),
        ('{{ a.b | default:"there }}', "never closed", "line 1, column 18"),
        ("{{ a.b | default:there }}", "in quotes", "line 1, column 18"),
        ("{{ a.b | default }}", "needs a value", "line 1"),
        ("{{ a.b | }}", "Write a default", "line 1, column 8"),
        ('{{ a.b | default:"x" y }}', "Expected “}}”", "line 1, column 22"),
    ],
)
def test_syntax_errors_say_what_and_where(body, message, where):
    with pytest.raises(TemplateSyntaxError) as error:
        parse(body)

    assert len(error.value.errors) == 1, error.value.errors
    assert message in error.value.errors[0]
    assert where in error.value.errors[0]


def test_every_error_of_a_body_is_reported_at_once():
    with pytest.raises(TemplateSyntaxError) as error:
        parse("{{ }} fine {{ a.b }} }} and {{ x | upper:1 }}")

    assert len(error.value.errors) == 3


VALUES = {"contact.first_name": "Ada", "contact.last_name": "", "company.name": "  "}


def resolve(name: str) -> str:
    if name not in VALUES:
        raise KeyError(name)
    return VALUES[name]


@pytest.mark.parametrize(
    ("body", "rendered"),
    [
        ("Hi {{ contact.first_name }}!", "Hi Ada!"),
        ('Hi {{ contact.first_name | default:"there" }}!', "Hi Ada!"),
        ('Hi {{ contact.last_name | default:"there" }}!', "Hi there!"),
        ("Hi {{ contact.last_name | friend }}!", "Hi friend!"),
        ("Hi {{ contact.last_name }}!", "Hi !"),
        ('At {{ company.name | default:"your company" }}', "At your company"),
        # Unknown names and broken placeholders stay as written, never evaluated.
        ("{{ contact.__class__ }}", "{{ contact.__class__ }}"),
        ("{{ sender.password }}", "{{ sender.password }}"),
        ("Hi {{ contact.first_name", "Hi {{ contact.first_name"),
        ("{{ }} {{ contact.first_name }}", "{{ }} Ada"),
    ],
)
def test_rendering_substitutes_names_and_defaults(body, rendered):
    assert render(body, resolve) == rendered


def test_values_are_inserted_as_text_not_rendered_again():
    def sneaky(name: str) -> str:
        return "{{ sender.password }}{% debug %}"

    assert render("Hi {{ contact.first_name }}", sneaky) == "Hi {{ sender.password }}{% debug %}"
