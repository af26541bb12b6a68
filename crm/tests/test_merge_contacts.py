"""Merging two contacts: the primary survives with everything of both; the duplicate is gone."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from accounts.errors import NotFound, PermissionDenied, ValidationError
from accounts.models import AuditEntry
from automation.models import Event
from crm.models import Contact, ContactCompany, CustomFieldDefinition, Note
from crm.selectors import contact_timeline
from crm.services import contacts as contact_services
from crm.services.merge import contacts_merge
from crm.tests.factories import (
    CompanyFactory,
    ContactCompanyFactory,
    ContactFactory,
    CustomFieldDefinitionFactory,
    NoteFactory,
    TagFactory,
)


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def pair(owner):
    org = owner.organization
    primary = ContactFactory(organization=org, first_name="Ann", last_name="Lee", title="")
    duplicate = ContactFactory(organization=org, first_name="Anne", last_name="Lee", title="CTO")
    return primary, duplicate


def merge(owner, primary, duplicate):
    return contacts_merge(
        organization=owner.organization, actor=owner.user, primary=primary, duplicate=duplicate
    )


def test_the_duplicate_is_deleted_and_the_primary_kept(owner, pair):
    primary, duplicate = pair

    merged = merge(owner, primary, duplicate)

    assert merged.pk == primary.pk
    assert not Contact.objects.filter(pk=duplicate.pk).exists()


def test_the_primary_wins_where_both_have_a_value_and_blanks_are_filled(owner, pair):
    primary, duplicate = pair

    merged = merge(owner, primary, duplicate)

    assert merged.first_name == "Ann"
    assert merged.title == "CTO"
    assert merged.full_name == "Ann Lee"


def test_emails_and_phones_of_both_are_kept_without_repeats(owner, pair):
    primary, duplicate = pair
    primary.emails, primary.phones = ["ann@acme.io", "ann@gmail.com"], ["+4930123456"]
    primary.save()
    duplicate.emails, duplicate.phones = ["ann@gmail.com", "a.lee@acme.io"], ["+79161234567"]
    duplicate.save()

    merged = merge(owner, primary, duplicate)

    assert merged.emails == ["ann@acme.io", "ann@gmail.com", "a.lee@acme.io"]
    assert merged.phones == ["+4930123456", "+79161234567"]


def test_the_primary_takes_over_the_duplicates_telegram_identity(owner, pair):
    primary, duplicate = pair
    duplicate.telegram_user_id, duplicate.telegram_username = 4242, "ann_lee"
    duplicate.save()

    merged = merge(owner, primary, duplicate)

    assert (merged.telegram_user_id, merged.telegram_username) == (4242, "ann_lee")


def test_tags_of_both_end_up_on_the_primary_once(owner, pair):
    primary, duplicate = pair
    vip, berlin = (
        TagFactory(organization=owner.organization),
        TagFactory(organization=owner.organization),
    )
    primary.tags.add(vip)
    duplicate.tags.add(vip, berlin)

    merged = merge(owner, primary, duplicate)

    assert set(merged.tags.all()) == {vip, berlin}


def test_notes_of_the_duplicate_move_to_the_primary(owner, pair):
    primary, duplicate = pair
    note = NoteFactory(organization=owner.organization, contact=duplicate)

    merge(owner, primary, duplicate)

    assert Note.objects.get(pk=note.pk).contact_id == primary.pk


def test_company_links_move_and_a_shared_company_keeps_one_link_with_the_role(owner, pair):
    primary, duplicate = pair
    org = owner.organization
    shared, other = CompanyFactory(organization=org), CompanyFactory(organization=org)
    ContactCompanyFactory(organization=org, contact=primary, company=shared, role="")
    ContactCompanyFactory(organization=org, contact=duplicate, company=shared, role="CTO")
    ContactCompanyFactory(organization=org, contact=duplicate, company=other, role="Advisor")

    merge(owner, primary, duplicate)

    links = {link.company_id: link.role for link in ContactCompany.objects.filter(contact=primary)}
    assert links == {shared.pk: "CTO", other.pk: "Advisor"}


def test_the_primary_keeps_its_main_company(owner, pair):
    primary, duplicate = pair
    org = owner.organization
    main = ContactCompanyFactory(organization=org, contact=primary, is_primary=True)
    ContactCompanyFactory(organization=org, contact=duplicate, is_primary=True)

    merge(owner, primary, duplicate)

    assert list(
        ContactCompany.objects.filter(contact=primary, is_primary=True).values_list("pk", flat=True)
    ) == [main.pk]


def test_custom_fields_are_combined_with_the_primary_winning(owner, pair):
    primary, duplicate = pair
    org = owner.organization
    for key in ("stage", "budget"):
        CustomFieldDefinitionFactory(
            organization=org, key=key, field_type=CustomFieldDefinition.FieldType.TEXT
        )
    primary.custom_fields = {"stage": "pilot"}
    primary.save()
    duplicate.custom_fields = {"stage": "lead", "budget": "10k"}
    duplicate.save()

    merged = merge(owner, primary, duplicate)

    assert merged.custom_fields == {"stage": "pilot", "budget": "10k"}


def test_the_earliest_creation_and_latest_contact_times_are_kept(owner, pair):
    primary, duplicate = pair
    now = timezone.now()
    Contact.objects.filter(pk=primary.pk).update(
        created_at=now - dt.timedelta(days=1), last_contacted_at=now - dt.timedelta(days=30)
    )
    Contact.objects.filter(pk=duplicate.pk).update(
        created_at=now - dt.timedelta(days=400), last_contacted_at=now - dt.timedelta(days=2)
    )
    primary.refresh_from_db()
    duplicate.refresh_from_db()

    merged = merge(owner, primary, duplicate)

    assert merged.created_at == now - dt.timedelta(days=400)
    assert merged.last_contacted_at == now - dt.timedelta(days=2)


def test_the_owner_is_taken_from_the_duplicate_when_the_primary_has_none(owner, pair):
    primary, duplicate = pair
    duplicate.owner = owner.user
    duplicate.save()

    merged = merge(owner, primary, duplicate)

    assert merged.owner == owner.user


def test_rows_of_any_app_that_point_at_the_duplicate_are_repointed(owner, pair):
    """A later app's foreign key (a deal, a chat…) is found through the model's meta."""
    primary, duplicate = pair
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE later_deal (id serial PRIMARY KEY, contact_id bigint)"
        )

    class LaterDeal(models.Model):  # registering it clears the models' relation caches
        contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")

        class Meta:
            app_label = "crm"
            db_table = "later_deal"
            managed = False

    try:
        deal = LaterDeal.objects.create(contact=duplicate)

        merge(owner, primary, duplicate)

        assert LaterDeal.objects.get(pk=deal.pk).contact_id == primary.pk
    finally:
        del apps.all_models["crm"]["laterdeal"]
        apps.clear_cache()


def test_merging_emits_contact_merged_and_records_an_audit_entry(owner, pair):
    primary, duplicate = pair
    duplicate_id = duplicate.pk

    merge(owner, primary, duplicate)

    event = Event.objects.get(name="contact.merged")
    assert event.payload["contact"]["id"] == primary.pk
    assert event.payload["merged_id"] == duplicate_id
    assert event.actor == owner.user
    assert AuditEntry.objects.filter(action="contact.merged", target_id=str(primary.pk)).exists()


def test_a_viewer_cannot_merge(make_member, owner, pair):
    viewer = make_member("viewer", organization=owner.organization)
    primary, duplicate = pair

    with pytest.raises(PermissionDenied):
        merge(viewer, primary, duplicate)

    assert Contact.objects.filter(pk=duplicate.pk).exists()


def test_a_contact_of_another_organization_is_not_found(owner, pair):
    primary, _ = pair
    stranger = ContactFactory()

    with pytest.raises(NotFound):
        merge(owner, primary, stranger)

    assert Contact.objects.filter(pk=stranger.pk).exists()


def test_a_contact_cannot_be_merged_with_itself(owner, pair):
    primary, _ = pair

    with pytest.raises(ValidationError):
        merge(owner, primary, primary)


def test_the_duplicates_history_stays_on_the_primarys_timeline(owner):
    org = owner.organization
    primary, duplicate, older = (
        contact_services.contact_create(organization=org, actor=owner.user, data={"first_name": n})
        for n in ("Ann", "Anne", "Annie")
    )
    merge(owner, duplicate, older)  # an earlier merge into the duplicate

    merge(owner, primary, duplicate)

    created = [
        entry.event.payload["contact"]["id"]
        for entry in contact_timeline(primary)
        if entry.event is not None and entry.event.name == "contact.created"
    ]
    assert sorted(created) == sorted([primary.pk, duplicate.pk, older.pk])
