"""Phone numbers written the local way ("8 916 123-45-67") import when the person says which
country the file's numbers are from; numbers with a country code are read as written."""

import pytest
from django.urls import reverse

from crm.models import Contact
from crm.services import imports
from crm.tests.import_files import csv_upload, import_through

pytestmark = pytest.mark.django_db

LOCAL = "Name,Phone\nИван Петров,8 916 123-45-67\nHans Weber,+49 30 1234567\n"


@pytest.fixture
def member(make_member):
    return make_member("bidi")


def test_local_numbers_are_read_in_the_chosen_country(member):
    job = csv_upload(member, LOCAL)

    imports.import_configure(job=job, actor=member.user, phone_region="ru")
    imports.import_start(job=job, actor=member.user)
    job = imports.import_run(job_id=job.pk)

    assert (job.created_count, job.failed_count) == (2, 0)
    assert sorted(Contact.objects.values_list("phones", flat=True)) == [
        ["+49301234567"],
        ["+79161234567"],
    ]


def test_without_a_country_a_local_number_is_a_row_error_that_says_what_to_do(member):
    job = import_through(member, LOCAL)

    assert (job.created_count, job.failed_count) == (1, 1)
    reason = job.row_errors.get().reason
    assert "8 916 123-45-67" in reason
    assert "country code" in reason


def test_an_unknown_country_is_a_field_error_in_the_api(member, jwt_client):
    job = csv_upload(member, LOCAL)
    api = jwt_client(member.user, member.organization)

    response = api.patch(f"/api/v1/imports/{job.pk}/", {"phone_region": "XX"}, format="json")

    assert response.status_code == 400
    assert "phone_region" in response.json()["error"]["fields"]


def test_the_country_is_set_through_the_api(member, jwt_client):
    job = csv_upload(member, LOCAL)
    api = jwt_client(member.user, member.organization)

    response = api.patch(f"/api/v1/imports/{job.pk}/", {"phone_region": "RU"}, format="json")

    assert response.status_code == 200
    assert response.json()["phone_region"] == "RU"


def test_the_mapping_page_asks_for_the_country_of_local_numbers(member, client):
    client.force_login(member.user)
    job = csv_upload(member, LOCAL)
    data = {f"col_{i}": job.mapping[h] for i, h in enumerate(job.headers)}

    page = client.get(reverse("crm:import_mapping", args=[job.pk])).content.decode()
    response = client.post(
        reverse("crm:import_mapping", args=[job.pk]),
        data | {"dedupe_mode": "update", "phone_region": "RU"},
    )

    assert "Phone numbers without a country code are from" in page
    assert "Russia (+7)" in page
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.phone_region == "RU"
