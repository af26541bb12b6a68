"""Companies, contacts and what hangs off them: links, tags, notes, custom fields, saved views,
and CSV import jobs."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce, Concat, Lower, Trim
from django.utils import timezone

from accounts.models import OrgOwned

# Never-contacted contacts sort as if contacted at the epoch (oldest), so the sort key is never
# NULL and keyset pagination over it stays a plain row comparison (see docs/architecture/crm.md).
NEVER_CONTACTED = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def name_search_vector(field: str) -> Func:
    """Words and sound-alike codes of a name (SQL function from migration 0002): the indexed
    expression the search box matches, so it must stay identical in indexes and queries."""
    return Func(F(field), function="crm_name_vector", output_field=SearchVectorField())


def last_contacted_sort_key() -> Coalesce:
    return Coalesce("last_contacted_at", Value(NEVER_CONTACTED))


class Entity(models.TextChoices):
    CONTACT = "contact", "Contact"
    COMPANY = "company", "Company"


class Tag(OrgOwned):
    name = models.CharField(max_length=60)
    color = models.CharField(max_length=7, default="#6366f1", help_text="Hex colour, e.g. #6366f1")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="tag_unique_name_ci")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NameWord(OrgOwned):
    """The organization's dictionary of words in contact and company names, for typo tolerance.

    The search box corrects a mistyped word ("Nguyne") by looking up which of its one-edit
    variants are real name words here, then asks the name index for those alone: the way a
    search engine expands a fuzzy term against its term dictionary. Rows are written by
    statement-level triggers on ``crm_contact`` and ``crm_company`` (migration 0003), so every
    write path (services, imports with COPY, merges, the admin) keeps it complete. Words of
    renamed or deleted records stay: a stale word only widens a typo search that then matches
    no one.
    """

    word = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "word"], name="name_word_unique")
        ]

    def __str__(self) -> str:
        return self.word


class CustomFieldDefinition(OrgOwned):
    """A field an organization adds to contacts or companies; values live in ``custom_fields``."""

    class FieldType(models.TextChoices):
        TEXT = "text", "Text"
        NUMBER = "number", "Number"
        DATE = "date", "Date"
        SELECT = "select", "Select"
        MULTI_SELECT = "multi_select", "Multi-select"
        BOOL = "bool", "Yes / no"

    entity = models.CharField(max_length=16, choices=Entity.choices)
    key = models.SlugField(max_length=50, help_text="Used in the API, imports and templates.")
    label = models.CharField(max_length=80)
    field_type = models.CharField(max_length=16, choices=FieldType.choices)
    options = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    required = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "entity", "key"], name="customfield_unique_key"
            )
        ]
        ordering = ["entity", "position", "label"]

    def __str__(self) -> str:
        return f"{self.get_entity_display()}: {self.label}"


class Company(OrgOwned):
    class Size(models.TextChoices):
        S1 = "1-10", "1–10"
        S2 = "11-50", "11–50"
        S3 = "51-200", "51–200"
        S4 = "201-1000", "201–1,000"
        S5 = "1001-5000", "1,001–5,000"
        S6 = "5001+", "5,001+"

    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, blank=True, help_text="Lower-case, without www.")
    website = models.URLField(max_length=300, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    size = models.CharField(max_length=16, choices=Size.choices, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="companies")
    custom_fields = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "companies"
        indexes = [
            models.Index(fields=["organization", "-id"]),
            models.Index(fields=["organization", "domain"]),
            models.Index(fields=["organization", "created_at"]),
            GinIndex(OpClass(Lower("name"), name="gin_trgm_ops"), name="company_name_trgm"),
            GinIndex(name_search_vector("name"), name="company_name_search"),
            models.Index("organization", Lower("name"), "id", name="company_name_sort"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(OrgOwned):
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    full_name = models.GeneratedField(
        expression=Trim(Concat("first_name", Value(" "), "last_name")),
        output_field=models.CharField(max_length=201),
        db_persist=True,
    )
    emails = ArrayField(
        models.EmailField(max_length=254), default=list, blank=True, help_text="Lower-case."
    )
    phones = ArrayField(
        models.CharField(max_length=20), default=list, blank=True, help_text="E.164, e.g. +4930…"
    )
    telegram_user_id = models.BigIntegerField(null=True, blank=True)
    telegram_username = models.CharField(
        max_length=32, blank=True, help_text="Without @, lower-case."
    )
    telegram_bio = models.TextField(blank=True)
    title = models.CharField(max_length=150, blank=True)
    companies = models.ManyToManyField(
        Company, through="ContactCompany", blank=True, related_name="contacts"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=60, blank=True, help_text="Where the contact came from.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")
    custom_fields = models.JSONField(default=dict, blank=True)
    last_contacted_at = models.DateTimeField(null=True, blank=True)
    last_replied_at = models.DateTimeField(null=True, blank=True)
    # IANA name (e.g. "Europe/Berlin"); blank = unknown. Campaign send windows use it.
    time_zone = models.CharField(max_length=64, blank=True, default="", db_default="")
    # Set when the contact asked not to be contacted (an opt-out word in reply to a campaign, or
    # a member); campaigns never enrol them.
    do_not_contact = models.BooleanField(default=False, db_default=False)
    do_not_contact_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "-id"]),
            models.Index(fields=["organization", "created_at"]),
            models.Index(fields=["organization", "last_contacted_at"]),
            models.Index(fields=["organization", "owner"]),
            GinIndex(fields=["emails"], name="contact_emails_gin"),
            GinIndex(fields=["phones"], name="contact_phones_gin"),
            GinIndex(OpClass(Lower("full_name"), name="gin_trgm_ops"), name="contact_name_trgm"),
            GinIndex(name_search_vector("full_name"), name="contact_name_search"),
            models.Index("organization", Lower("full_name"), "id", name="contact_name_sort"),
            models.Index(
                "organization", last_contacted_sort_key(), "id", name="contact_contacted_sort"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "telegram_user_id"],
                condition=Q(telegram_user_id__isnull=False),
                name="contact_unique_telegram_id",
            ),
            models.UniqueConstraint(
                fields=["organization", "telegram_username"],
                condition=~Q(telegram_username=""),
                name="contact_unique_telegram_username",
            ),
        ]
        ordering = ["-id"]

    def __str__(self) -> str:
        if self.full_name:
            return self.full_name
        if self.emails:
            return self.emails[0]
        if self.telegram_username:
            return f"@{self.telegram_username}"
        return f"Contact #{self.pk}"


class ContactCompany(OrgOwned):
    """A contact's place at a company: their role there, and which link is the main one."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="company_links")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contact_links")
    role = models.CharField(max_length=150, blank=True)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "company"], name="contactcompany_unique")
        ]
        indexes = [models.Index(fields=["organization", "company"])]

    def __str__(self) -> str:
        return f"{self.contact} at {self.company}"


class Note(OrgOwned):
    """Markdown text on a contact, a company or a deal. Rendered sanitised."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    # A string reference: crm must not import pipelines (pipelines stands on crm).
    deal = models.ForeignKey(
        "pipelines.Deal", null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False)
                | Q(company__isnull=False)
                | Q(deal__isnull=False),
                name="note_has_subject",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "contact", "-created_at"]),
            models.Index(fields=["organization", "company", "-created_at"]),
            models.Index(fields=["organization", "deal", "-created_at"]),
            GinIndex(SearchVector("body", config="simple"), name="note_body_search"),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class DuplicateDismissal(OrgOwned):
    """Two records a person said are different people (or companies) despite what they share:
    the duplicates list stops pairing them. Ids rather than foreign keys, as the pair may be
    contacts or companies; a dismissal of a deleted record simply never matches again."""

    entity = models.CharField(max_length=16, choices=Entity.choices)
    low_id = models.PositiveBigIntegerField(help_text="The smaller of the two record ids.")
    high_id = models.PositiveBigIntegerField(help_text="The larger of the two record ids.")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "entity", "low_id", "high_id"],
                name="duplicate_dismissal_unique",
            ),
            models.CheckConstraint(
                condition=Q(low_id__lt=F("high_id")), name="duplicate_dismissal_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.low_id} ≠ {self.high_id}"


class SavedView(OrgOwned):
    """A named set of list filters, private to its owner or shared with the organization."""

    entity = models.CharField(max_length=16, choices=Entity.choices)
    name = models.CharField(max_length=80)
    filters = models.JSONField(default=dict)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organization", "entity", "owner"])]

    def __str__(self) -> str:
        return self.name


class ImportJob(OrgOwned):
    """A CSV import: uploaded, mapped, then run in the background in committed chunks, so a
    crash resumes from ``processed_rows`` and never leaves half a row."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class DedupeMode(models.TextChoices):
        UPDATE = "update", "Update existing"
        SKIP = "skip", "Skip existing"

    entity = models.CharField(max_length=16, choices=Entity.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_filename = models.CharField(max_length=255)
    encoding = models.CharField(max_length=32, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True, help_text="CSV column → field key.")
    dedupe_mode = models.CharField(
        max_length=8, choices=DedupeMode.choices, default=DedupeMode.UPDATE
    )
    phone_region = models.CharField(
        max_length=2,
        blank=True,
        help_text="Country (ISO 3166-1 alpha-2) of phone numbers written without a country code.",
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    error_message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    progressed_at = models.DateTimeField(
        null=True, blank=True, help_text="Queued, started or last chunk written: a stall shows."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"Import of {self.original_filename}"


class ImportRowError(OrgOwned):
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField(help_text="Line number in the file, header = 1.")
    reason = models.TextField()
    row = models.JSONField(default=dict)

    class Meta:
        ordering = ["line"]
        indexes = [models.Index(fields=["job", "line"])]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"
