"""Suggesting the mapping from the header row, in English and Russian."""

import pytest

from crm.import_fields import mapping_suggest
from crm.models import CustomFieldDefinition
from crm.tests.factories import CustomFieldDefinitionFactory


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("Почта", "email"),
        ("Электронная почта", "email"),
        ("Имя", "first_name"),
        ("First Name", "first_name"),
        ("Фамилия", "last_name"),
        ("Surname", "last_name"),
        ("ФИО", "full_name"),
        ("Name", "full_name"),
        ("Телефон", "phone"),
        ("Mobile phone", "phone"),
        ("Компания", "company"),
        ("Organization", "company"),
        ("Должность", "title"),
        ("Job title", "title"),
        ("Telegram", "telegram_username"),
        ("Телеграм", "telegram_username"),
        ("Telegram ID", "telegram_user_id"),
        ("Website", "company_domain"),
        ("Источник", "source"),
        ("Ответственный", "owner_email"),
        ("Теги", "tags"),
        ("Notes about the weather", ""),
    ],
)
def test_contact_headers_suggest_their_field(header, target):
    assert mapping_suggest("contact", [header], {}) == {header: target}


def test_several_columns_may_feed_emails_phones_and_tags():
    headers = ["Email", "Email 2", "Work phone", "Mobile", "Tags", "Labels"]

    assert list(mapping_suggest("contact", headers, {}).values()) == [
        "email",
        "email",
        "phone",
        "phone",
        "tags",
        "tags",
    ]


def test_a_single_field_goes_to_the_first_column_asking_for_it():
    assert mapping_suggest("contact", ["First name", "Имя"], {}) == {
        "First name": "first_name",
        "Имя": "",
    }


def test_custom_fields_are_suggested_by_key_or_label(db):
    budget = CustomFieldDefinitionFactory(
        key="budget", label="Annual budget", field_type=CustomFieldDefinition.FieldType.NUMBER
    )
    segment = CustomFieldDefinitionFactory(
        organization=budget.organization, key="segment", label="Сегмент"
    )
    definitions = {d.key: d for d in (budget, segment)}

    assert mapping_suggest("contact", ["Annual budget", "segment"], definitions) == {
        "Annual budget": "cf.budget",
        "segment": "cf.segment",
    }


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("Company", "name"),
        ("Название", "name"),
        ("Website", "website"),
        ("Сайт", "website"),
        ("Domain", "domain"),
        ("Отрасль", "industry"),
        ("Employees", "size"),
        ("Страна", "country"),
        ("Description", "description"),
    ],
)
def test_company_headers_suggest_their_field(header, target):
    assert mapping_suggest("company", [header], {}) == {header: target}
