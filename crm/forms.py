"""Web forms of the CRM. They parse what people type (emails one per line or comma-separated,
phones in any notation, tags as a list of names) into the canonical values the services take,
and put every message next to its field; the services decide everything else.

A record form can be cut down to a few fields (``only=``) so the detail page's inline edit uses
the same parsing and messages as the create form.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.text import slugify

from accounts.errors import DomainError
from accounts.forms import DomainErrorForm
from accounts.models import User
from crm import normalize
from crm.models import Company, Contact, CustomFieldDefinition, Entity

FieldType = CustomFieldDefinition.FieldType
CUSTOM_PREFIX = "cf_"
_SPLIT = re.compile(r"[\n,;]+")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,49}")
# A company name input whose suggestions (the datalist) follow what is typed.
_COMPANY_PICKER = {
    "list": "company-names",
    "autocomplete": "off",
    "hx-get": reverse_lazy("crm:company_names"),
    "hx-trigger": "input changed delay:250ms",
    "hx-target": "#company-names",
    "hx-swap": "innerHTML",
}

# Tag colours: the design system's tones, so chips always match the rest of the product.
TAG_COLORS: tuple[tuple[str, str], ...] = (
    ("#5b5bd6", "Indigo"),
    ("#2f80ed", "Blue"),
    ("#0e9f9a", "Teal"),
    ("#16a34a", "Green"),
    ("#b7791f", "Amber"),
    ("#e0702b", "Orange"),
    ("#d9488f", "Pink"),
    ("#7a5af8", "Violet"),
    ("#6b7280", "Grey"),
)


def split_list(text: str) -> list[str]:
    """Items typed one per line or separated by commas/semicolons, blanks dropped."""
    return [part.strip() for part in _SPLIT.split(text or "") if part.strip()]


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.lower(), value)
    return list(seen.values())


class CrmForm(DomainErrorForm):
    """Service errors name model fields (``emails``, ``custom_fields.budget``); place each
    message on the form field that shows it. The CRM services' own message is a summary
    ("Check the contact's details."), so it shows only when no field is named."""

    field_aliases: dict[str, str] = {}

    def add_domain_error(self, exc: DomainError) -> None:
        placed = False
        for name, messages in exc.fields.items():
            if name.startswith("custom_fields."):
                name = CUSTOM_PREFIX + name.removeprefix("custom_fields.")
            name = self.field_aliases.get(name, name)
            target = name if name in self.fields else None
            for message in messages:
                if target is None and name != "non_field_errors":
                    continue
                self.add_error(target, message)
                placed = True
        if not placed:
            self.add_error(None, exc.message)


# --- custom fields --------------------------------------------------------------------------


def custom_form_field(definition: CustomFieldDefinition) -> forms.Field:
    """The form field for one custom field definition."""
    common: dict[str, Any] = {"label": definition.label, "required": definition.required}
    kind = definition.field_type
    if kind == FieldType.NUMBER:
        return forms.DecimalField(widget=forms.NumberInput(attrs={"step": "any"}), **common)
    if kind == FieldType.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
            **common,
        )
    if kind == FieldType.SELECT:
        return forms.ChoiceField(
            choices=[("", "—"), *((o, o) for o in definition.options)], **common
        )
    if kind == FieldType.MULTI_SELECT:
        return forms.MultipleChoiceField(
            choices=[(o, o) for o in definition.options],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == FieldType.BOOL:
        return forms.NullBooleanField(
            widget=forms.Select(choices=[("unknown", "—"), ("true", "Yes"), ("false", "No")]),
            **common,
        )
    return forms.CharField(max_length=2000, **common)


def custom_value_json(value: Any) -> Any:
    """A cleaned form value as the JSON value ``custom_values_clean`` accepts."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if value in ("", []):
        return None
    return value


def custom_initial(definition: CustomFieldDefinition, value: Any) -> Any:
    if value is None:
        return None
    if definition.field_type == FieldType.DATE:
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return None
    return value


# --- contacts and companies -----------------------------------------------------------------


class TagNamesField(forms.CharField):
    """Tags typed as a comma-separated list of names; unknown names become new tags."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Tags")
        kwargs.setdefault("help_text", "Separate tags with commas; new ones are created.")
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": "investor, warm", "list": "tag-names"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:
        names = _unique(split_list(super().clean(value)))
        for name in names:
            if len(name) > 60:
                raise forms.ValidationError(f"“{name[:20]}…” is too long: keep tags under 60.")
        return names


class OwnerField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=User.objects.none(),
            required=False,
            label="Owner",
            empty_label="No owner",
            error_messages={"invalid_choice": "Choose a member of this organization."},
            **kwargs,
        )

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class RecordForm(CrmForm):
    """Shared machinery of the contact and company forms: members as owners, custom fields,
    ``only=`` to keep a subset of fields, initial values from an existing record."""

    entity: str = ""

    def __init__(
        self,
        *args: Any,
        members: QuerySet[User],
        definitions: dict[str, CustomFieldDefinition],
        instance: Contact | Company | None = None,
        only: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.instance = instance
        self.definitions = definitions
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members
        for key, definition in definitions.items():
            self.fields[CUSTOM_PREFIX + key] = custom_form_field(definition)
        if only is not None:
            keep = set(only)
            for name in list(self.fields):
                if name not in keep:
                    del self.fields[name]

    def initial_from(self, instance: Contact | Company) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "owner": instance.owner_id,
            "tags": ", ".join(tag.name for tag in instance.tags.all()),
        }
        for key, definition in self.definitions.items():
            initial[CUSTOM_PREFIX + key] = custom_initial(
                definition, (instance.custom_fields or {}).get(key)
            )
        return initial

    def service_data(self) -> dict[str, Any]:
        """The cleaned input keyed as the services expect: model field names, ``tags`` and
        ``custom_fields`` (only the keys on the form; None clears a value)."""
        data: dict[str, Any] = {}
        custom: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith(CUSTOM_PREFIX):
                custom[name.removeprefix(CUSTOM_PREFIX)] = custom_value_json(value)
            else:
                data[name] = value
        if custom:
            data["custom_fields"] = custom
        return data

    def custom_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(CUSTOM_PREFIX)]


class ContactForm(RecordForm):
    entity = Entity.CONTACT
    field_aliases = {"companies": "company", "telegram_user_id": "telegram_username"}

    first_name = forms.CharField(max_length=100, required=False, label="First name")
    last_name = forms.CharField(max_length=100, required=False, label="Last name")
    title = forms.CharField(
        max_length=150,
        required=False,
        label="Job title",
        widget=forms.TextInput(attrs={"placeholder": "Head of Partnerships"}),
    )
    emails = forms.CharField(
        required=False,
        label="Emails",
        help_text="One per line or separated by commas.",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "anna@acme.com"}),
    )
    phones = forms.CharField(
        required=False,
        label="Phones",
        help_text="With the country code, e.g. +49 30 123456. One per line.",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "+49 30 123456"}),
    )
    telegram_username = forms.CharField(
        max_length=64,
        required=False,
        label="Telegram",
        widget=forms.TextInput(attrs={"placeholder": "@username", "autocapitalize": "off"}),
    )
    company = forms.CharField(
        max_length=200,
        required=False,
        label="Company",
        help_text="An existing company's name, or a new one to create.",
        widget=forms.TextInput(attrs=_COMPANY_PICKER),
    )
    company_role = forms.CharField(
        max_length=150,
        required=False,
        label="Role at the company",
        widget=forms.TextInput(attrs={"placeholder": "Founder"}),
    )
    owner = OwnerField()
    source = forms.CharField(
        max_length=60,
        required=False,
        label="Source",
        widget=forms.TextInput(attrs={"placeholder": "Conference, referral…", "list": "sources"}),
    )
    tags = TagNamesField()
    time_zone = forms.CharField(
        max_length=64,
        required=False,
        label="Time zone",
        help_text="Where they are, e.g. Europe/Berlin: campaigns write during their hours.",
        widget=forms.TextInput(attrs={"placeholder": "Europe/Berlin", "autocapitalize": "off"}),
    )
    do_not_contact = forms.BooleanField(
        required=False,
        label="Do not contact",
        help_text="Campaigns never write to them.",
    )

    def initial_from(self, instance: Contact | Company) -> dict[str, Any]:
        assert isinstance(instance, Contact)
        return {
            **super().initial_from(instance),
            "first_name": instance.first_name,
            "last_name": instance.last_name,
            "title": instance.title,
            "emails": "\n".join(instance.emails),
            "phones": "\n".join(instance.phones),
            "telegram_username": f"@{instance.telegram_username}"
            if instance.telegram_username
            else "",
            "source": instance.source,
            "time_zone": instance.time_zone,
            "do_not_contact": instance.do_not_contact,
        }

    def clean_time_zone(self) -> str:
        value = self.cleaned_data.get("time_zone", "").strip()
        if value and value not in zoneinfo.available_timezones():
            raise forms.ValidationError(f"“{value}” is not a time zone; use e.g. Europe/Berlin.")
        return value

    def clean_emails(self) -> list[str]:
        emails = []
        for item in split_list(self.cleaned_data.get("emails", "")):
            try:
                emails.append(normalize.email_normalize(item))
            except DjangoValidationError as exc:
                raise forms.ValidationError(f"“{item}” is not a valid email address.") from exc
        return _unique(emails)

    def clean_phones(self) -> list[str]:
        phones = []
        for item in split_list(self.cleaned_data.get("phones", "")):
            try:
                phones.append(normalize.phone_normalize(item))
            except DjangoValidationError as exc:
                raise forms.ValidationError(f"“{item}”: {' '.join(exc.messages)}") from exc
        return _unique(phones)

    def clean_telegram_username(self) -> str:
        value = self.cleaned_data.get("telegram_username", "").strip()
        if not value:
            return ""
        try:
            return normalize.telegram_username_normalize(value)
        except DjangoValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        identifying = ("first_name", "last_name", "emails", "phones", "telegram_username")
        if self.instance is None and not any(cleaned.get(name) for name in identifying):
            self.add_error("first_name", "Give the contact a name, an email, a phone or @username.")
        if cleaned.get("company_role") and "company" in self.fields and not cleaned.get("company"):
            self.add_error("company", "Name the company this role is at.")
        return cleaned


class CompanyForm(RecordForm):
    entity = Entity.COMPANY

    name = forms.CharField(
        max_length=200, label="Name", widget=forms.TextInput(attrs={"placeholder": "Acme GmbH"})
    )
    domain = forms.CharField(
        max_length=253,
        required=False,
        label="Domain",
        help_text="People with emails at this domain are linked to the company.",
        widget=forms.TextInput(attrs={"placeholder": "acme.com", "autocapitalize": "off"}),
    )
    website = forms.URLField(
        max_length=300,
        required=False,
        label="Website",
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://acme.com"}),
    )
    industry = forms.CharField(
        max_length=100,
        required=False,
        label="Industry",
        widget=forms.TextInput(attrs={"list": "industries"}),
    )
    size = forms.ChoiceField(
        choices=[("", "Unknown"), *Company.Size.choices], required=False, label="Size"
    )
    country = forms.CharField(
        max_length=60,
        required=False,
        label="Country",
        help_text="Two-letter code, e.g. DE.",
        widget=forms.TextInput(attrs={"placeholder": "DE", "autocapitalize": "characters"}),
    )
    description = forms.CharField(
        required=False, label="Description", widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = OwnerField()
    tags = TagNamesField()

    def initial_from(self, instance: Contact | Company) -> dict[str, Any]:
        assert isinstance(instance, Company)
        return {
            **super().initial_from(instance),
            "name": instance.name,
            "domain": instance.domain,
            "website": instance.website,
            "industry": instance.industry,
            "size": instance.size,
            "country": instance.country,
            "description": instance.description,
        }

    def clean_domain(self) -> str:
        value = self.cleaned_data.get("domain", "")
        if not value:
            return ""
        domain = normalize.domain_normalize(value)
        if "." not in domain or " " in domain:
            raise forms.ValidationError("Enter a domain like acme.com.")
        return domain

    def clean_country(self) -> str:
        value = self.cleaned_data.get("country", "").strip().upper()
        if value and not re.fullmatch(r"[A-Z]{2}", value):
            raise forms.ValidationError("Use the two-letter country code, e.g. DE or US.")
        return value


# --- links, notes, lists --------------------------------------------------------------------


class CompanyLinkForm(CrmForm):
    company = forms.CharField(
        max_length=200,
        label="Company",
        widget=forms.TextInput(attrs=_COMPANY_PICKER),
        error_messages={"required": "Name the company."},
    )
    role = forms.CharField(
        max_length=150,
        required=False,
        label="Role",
        widget=forms.TextInput(attrs={"placeholder": "CTO"}),
    )
    is_primary = forms.BooleanField(required=False, label="Main company")


class NoteForm(CrmForm):
    body = forms.CharField(
        max_length=20000,
        label="Note",
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": "Write a note… Markdown works: **bold**, lists, links.",
            }
        ),
        error_messages={"required": "Write something first."},
    )


class SavedViewForm(CrmForm):
    name = forms.CharField(
        max_length=80,
        label="Name",
        widget=forms.TextInput(attrs={"placeholder": "Warm investors in Berlin"}),
        error_messages={"required": "Give the view a name."},
    )
    shared = forms.BooleanField(required=False, label="Share with everyone in the organization")


class IdListField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError("The selection is not valid.") from exc


class BulkActionForm(CrmForm):
    ACTIONS = (
        ("tag", "Add tag"),
        ("untag", "Remove tag"),
        ("assign", "Assign owner"),
        ("delete", "Delete"),
    )

    action = forms.ChoiceField(choices=ACTIONS)
    ids = IdListField(error_messages={"required": "Select at least one row."})
    tag = forms.CharField(max_length=60, required=False)
    owner = OwnerField()

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("action") in ("tag", "untag") and not cleaned.get("tag", "").strip():
            self.add_error("tag", "Name the tag.")
        return cleaned


# --- settings -------------------------------------------------------------------------------


class TagForm(CrmForm):
    name = forms.CharField(
        max_length=60, label="Name", error_messages={"required": "Give the tag a name."}
    )
    color = forms.ChoiceField(
        choices=TAG_COLORS, label="Colour", initial=TAG_COLORS[0][0], widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, current_color: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A colour set through the API or an import stays choosable.
        if current_color and current_color not in dict(TAG_COLORS):
            self.fields["color"].choices = [*TAG_COLORS, (current_color, "Current")]


class CustomFieldForm(CrmForm):
    label = forms.CharField(
        max_length=80,
        label="Label",
        widget=forms.TextInput(attrs={"placeholder": "Budget"}),
        error_messages={"required": "Give the field a label."},
    )
    key = forms.CharField(
        max_length=50,
        required=False,
        label="Key",
        help_text="Used in the API and in CSV columns: lower-case letters, digits and "
        "underscores. Left empty, it is made from the label.",
        widget=forms.TextInput(attrs={"placeholder": "budget", "autocapitalize": "off"}),
    )
    field_type = forms.ChoiceField(choices=FieldType.choices, label="Type")
    options = forms.CharField(
        required=False,
        label="Options",
        help_text="For select fields: one option per line.",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Seed\nSeries A\nSeries B"}),
    )
    required = forms.BooleanField(required=False, label="Required")

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # Stored values are typed by it: the key and type stay as they were created.
            del self.fields["key"]
            del self.fields["field_type"]

    def clean_key(self) -> str:
        key = self.cleaned_data.get("key", "").strip().lower()
        if key and not _KEY.fullmatch(key):
            raise forms.ValidationError(
                "Use lower-case letters, digits and underscores, starting with a letter."
            )
        return key

    def clean_options(self) -> list[str]:
        lines = (line.strip() for line in self.cleaned_data.get("options", "").splitlines())
        return _unique(line for line in lines if line)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("field_type")
        if kind in (FieldType.SELECT, FieldType.MULTI_SELECT) and not cleaned.get("options"):
            self.add_error("options", "Add at least one option, one per line.")
        if "key" in self.fields and not cleaned.get("key") and cleaned.get("label"):
            key = re.sub(r"[^a-z0-9]+", "_", slugify(cleaned["label"]).lower()).strip("_")
            cleaned["key"] = (key if key[:1].isalpha() else f"field_{key}".rstrip("_"))[:50]
        return cleaned
