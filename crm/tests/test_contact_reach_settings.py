"""A contact's time zone and do-not-contact flag: campaigns rely on both, so members set them on
the contact page and through the API, and the flag is visible wherever the contact is listed."""

import pytest

from accounts.errors import ValidationError
from crm.services.contacts import contact_update
from crm.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_do_not_contact_is_stamped_when_set_kept_while_set_and_cleared_with_it(make_member):
    member = make_member("bidi")
    contact = ContactFactory(organization=member.organization)

    contact = contact_update(contact=contact, actor=member.user, data={"do_not_contact": True})
    stamped = contact.do_not_contact_at
    assert contact.do_not_contact and stamped is not None

    contact = contact_update(contact=contact, actor=member.user, data={"do_not_contact": True})
    assert contact.do_not_contact_at == stamped

    contact = contact_update(contact=contact, actor=member.user, data={"do_not_contact": False})
    assert (contact.do_not_contact, contact.do_not_contact_at) == (False, None)


@pytest.mark.parametrize(
    ("value", "stored"),
    [("Europe/Berlin", "Europe/Berlin"), ("  America/New_York ", "America/New_York"), ("", "")],
)
def test_a_real_time_zone_or_blank_is_stored(make_member, value, stored):
    member = make_member("bidi")
    contact = ContactFactory(organization=member.organization, time_zone="Asia/Tokyo")

    contact = contact_update(contact=contact, actor=member.user, data={"time_zone": value})

    assert contact.time_zone == stored


@pytest.mark.parametrize("value", ["Berlin", "Europe/Atlantis", "UTC+3"])
def test_an_unknown_time_zone_is_refused_by_name(make_member, value):
    member = make_member("bidi")
    contact = ContactFactory(organization=member.organization)

    with pytest.raises(ValidationError) as error:
        contact_update(contact=contact, actor=member.user, data={"time_zone": value})

    assert "time_zone" in error.value.fields


def test_the_api_reads_and_writes_both_and_never_takes_the_stamp(make_member, jwt_client):
    member = make_member("bidi")
    contact = ContactFactory(organization=member.organization)
    client = jwt_client(member.user)

    response = client.patch(
        f"/api/v1/contacts/{contact.pk}/",
        {
            "time_zone": "Europe/Lisbon",
            "do_not_contact": True,
            "do_not_contact_at": "2001-01-01T00:00:00Z",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["time_zone"], body["do_not_contact"]) == ("Europe/Lisbon", True)
    assert body["do_not_contact_at"] and not body["do_not_contact_at"].startswith("2001")
    refused = client.patch(
        f"/api/v1/contacts/{contact.pk}/", {"time_zone": "Mars/Olympus"}, format="json"
    )
    assert refused.status_code == 400
    assert "time_zone" in refused.json()["error"]["fields"]


def test_the_contact_page_edits_them_and_shows_the_badge(make_member, client):
    member = make_member("bidi")
    client.force_login(member.user)
    contact = ContactFactory(organization=member.organization, first_name="Ada")
    field_url = f"/contacts/{contact.pk}/field/"

    refused = client.post(f"{field_url}?field=time_zone", {"time_zone": "Nowhere"}, **HTMX)
    client.post(f"{field_url}?field=time_zone", {"time_zone": "Europe/Berlin"}, **HTMX)
    client.post(f"{field_url}?field=do_not_contact", {"do_not_contact": "on"}, **HTMX)

    assert "is not a time zone" in refused.content.decode()
    contact.refresh_from_db()
    assert (contact.time_zone, contact.do_not_contact) == ("Europe/Berlin", True)
    detail = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Do not contact" in detail and "Europe/Berlin" in detail
    listing = client.get("/contacts/").content.decode()
    assert "badge badge-danger" in listing
