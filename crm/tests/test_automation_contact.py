"""The "contact" and "company" trigger subjects and the contact actions (tag, owner, note),
run through crm's services as the trigger's member."""

from __future__ import annotations

import pytest

from accounts.errors import ValidationError
from automation.models import Event
from automation.registry import ActionError
from automation.tests.action_runs import (
    action_context,
    context_for,
    preview_action,
    resolve,
    run_action,
)
from crm.models import Note, Tag
from crm.services.contacts import contact_payload
from crm.tests.factories import (
    CompanyFactory,
    ContactCompanyFactory,
    ContactFactory,
    TagFactory,
)


@pytest.fixture
def owner(make_member):
    return make_member("owner")


@pytest.fixture
def contact(owner):
    contact = ContactFactory(
        organization=owner.organization,
        first_name="Ada",
        last_name="Lovelace",
        emails=["ada@example.com"],
        telegram_username="ada",
        source="Referral",
        owner=owner.user,
    )
    contact.tags.add(TagFactory(organization=owner.organization, name="VIP"))
    return contact


def _ctx(owner, contact, actor=None, **kwargs):
    return action_context(
        owner.organization,
        actor or owner.user,
        "contact.created",
        {"contact": contact_payload(contact)},
        **kwargs,
    )


def test_a_contact_event_shows_the_contacts_fields(owner, contact):
    company = CompanyFactory(organization=owner.organization)
    ContactCompanyFactory(
        organization=owner.organization, contact=contact, company=company, is_primary=True
    )

    found = context_for(owner.organization, "contact.created", {"contact": {"id": contact.pk}})

    assert found["contact"] == {
        "id": contact.pk,
        "name": "Ada Lovelace",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "telegram_username": "ada",
        "title": "",
        "source": "Referral",
        "tags": ["VIP"],
        "owner_id": owner.user.pk,
        "company_id": company.pk,
        "_changed": [],
    }
    assert found["company"]["id"] == company.pk


def test_contact_updated_names_the_changed_fields_as_the_subject_does(owner, contact):
    found = context_for(
        owner.organization,
        "contact.updated",
        {"contact": {"id": contact.pk}, "changed": ["owner", "tags"]},
    )

    assert found["contact"]["_changed"] == ["owner_id", "tags"]


def test_the_contact_costs_one_query(owner, contact, django_assert_num_queries):
    context = {"event": {"name": "contact.created"}, "payload": {"contact": {"id": contact.pk}}}

    with django_assert_num_queries(1):
        resolve("contact", owner.organization, context)


def test_a_company_event_shows_the_companys_fields(owner):
    company = CompanyFactory(
        organization=owner.organization, name="Acme", industry="Robotics", country="DE"
    )
    company.tags.add(TagFactory(organization=owner.organization, name="partner"))

    found = context_for(owner.organization, "company.created", {"company": {"id": company.pk}})

    assert found["company"] | {"id": None} == {
        "id": None,
        "name": "Acme",
        "domain": company.domain,
        "industry": "Robotics",
        "size": "",
        "country": "DE",
        "owner_id": None,
        "tags": ["partner"],
        "_changed": [],
    }


def test_another_organizations_contact_is_not_found(owner):
    found = context_for(
        owner.organization, "contact.created", {"contact": {"id": ContactFactory().pk}}
    )

    assert "contact" not in found


def test_add_tag_tags_the_contact_creating_the_tag(owner, contact):
    result = run_action("contact.add_tag", _ctx(owner, contact), {"tag": "  hot  lead "})

    assert set(contact.tags.values_list("name", flat=True)) == {"VIP", "hot lead"}
    assert result == "Added the tag “hot lead” to Ada Lovelace."
    assert Event.objects.get(name="contact.updated").payload["changed"] == ["tags"]


def test_adding_a_tag_the_contact_has_changes_nothing(owner, contact):
    result = run_action("contact.add_tag", _ctx(owner, contact), {"tag": "vip"})

    assert result == "Ada Lovelace already has the tag “vip”."
    assert not Event.objects.filter(name="contact.updated").exists()


def test_remove_tag_takes_the_tag_away(owner, contact):
    run_action("contact.remove_tag", _ctx(owner, contact), {"tag": "VIP"})

    assert not contact.tags.exists()
    assert Tag.objects.filter(name="VIP").exists()  # the tag itself stays


def test_the_tag_preview_writes_nothing(owner, contact):
    text = preview_action("contact.add_tag", _ctx(owner, contact, dry_run=True), {"tag": "new"})

    assert text == "Would add the tag “new” to Ada Lovelace."
    assert not Tag.objects.filter(name="new").exists()


def test_an_empty_tag_is_refused_when_saved(owner, contact):
    with pytest.raises(ValidationError) as error:
        run_action("contact.add_tag", _ctx(owner, contact), {"tag": "  "})

    assert "tag" in error.value.fields


def test_assign_owner_gives_the_contact_to_the_member(owner, contact, make_member):
    bidi = make_member("bidi", organization=owner.organization)

    run_action("contact.assign_owner", _ctx(owner, contact), {"owner": str(bidi.user.pk)})

    contact.refresh_from_db()
    assert contact.owner == bidi.user


def test_assign_owner_refuses_a_member_of_another_organization(owner, contact, make_member):
    with pytest.raises(ValidationError) as error:
        run_action("contact.assign_owner", _ctx(owner, contact), {"owner": make_member().user.pk})

    assert "owner" in error.value.fields


def test_add_note_writes_the_rendered_note_as_the_member(owner, contact):
    run_action("contact.add_note", _ctx(owner, contact), {"body": "Hello {{ contact.first_name }}"})

    note = Note.objects.get(contact=contact)
    assert (note.body, note.author) == ("Hello Ada", owner.user)


def test_a_viewer_trigger_cannot_tag(owner, contact, make_member):
    viewer = make_member("viewer", organization=owner.organization)

    with pytest.raises(ActionError, match="permission"):
        run_action("contact.add_tag", _ctx(owner, contact, actor=viewer.user), {"tag": "x"})


def test_an_event_without_a_contact_fails_with_a_readable_message(owner):
    ctx = action_context(owner.organization, owner.user, "organization.updated", {})

    with pytest.raises(ActionError, match="no contact"):
        run_action("contact.add_tag", ctx, {"tag": "x"})
