import pytest

URL = "/settings/profile/"


@pytest.fixture
def member(make_member, client):
    member = make_member("bidi", full_name="Ada Lovelace", email="ada@example.com")
    client.force_login(member.user)
    return member


def test_profile_shows_email_read_only_with_link_to_email_management(member, client):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="ada@example.com" readonly' in html
    assert "/accounts/email/" in html


def test_saving_updates_name_and_time_zone(member, client):
    response = client.post(URL, {"full_name": "Ada King", "time_zone": "Europe/London"})

    assert response.status_code == 302
    member.user.refresh_from_db()
    assert (member.user.full_name, member.user.time_zone) == ("Ada King", "Europe/London")
    assert "Your profile is saved." in client.get(URL).content.decode()


def test_unknown_time_zone_is_refused_next_to_the_field(member, client):
    response = client.post(URL, {"full_name": "Ada", "time_zone": "Mars/Olympus"})

    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]
    assert "is-invalid" in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.time_zone == "UTC"


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
