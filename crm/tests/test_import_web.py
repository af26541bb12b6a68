"""The import pages: upload, mapping, preview, start, progress and report, as a person uses them."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.models import Contact, ImportJob
from crm.tests.import_files import csv_upload

CSV = (
    "Имя;Фамилия;E-mail;Телефон;Компания\n"
    "Иван;Петров;ivan@example.com;+7 916 123-45-67;ООО Ромашка\n"
    "Анна;Смирнова;not-an-email;;\n"
)


@pytest.fixture
def member(make_member, client):
    member = make_member("bidi")
    client.force_login(member.user)
    return member


def upload(client, content: bytes, entity: str = "contact", name: str = "people.csv"):
    return client.post(
        reverse("crm:import_start"),
        {"entity": entity, "file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_upload_page_offers_contacts_or_companies(member, client):
    html = client.get(reverse("crm:import_start") + "?entity=company").content.decode()

    assert "Import from CSV" in html
    assert re.search(r'value="company"[^>]*checked', html)


def test_uploading_a_file_leads_to_the_suggested_mapping(member, client):
    response = upload(client, CSV.encode("cp1251"))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("crm:import_mapping", args=[job.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Windows-1251 (Cyrillic)" in html
    assert "separated by semicolon" in html
    assert "ivan@example.com" in html  # a sample value beside its column
    form = client.get(response["Location"]).context["form"]
    assert [form[f"col_{i}"].value() for i in range(5)] == [
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
    ]


def test_a_bad_file_is_explained_next_to_the_file_field(member, client):
    response = upload(client, b"PK\x03\x04 not really a workbook", name="people.xlsx")

    assert response.status_code == 400
    assert "This is an Excel workbook (.xlsx) or a zip archive" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(member, client, settings):
    settings.CRM_IMPORT_MAX_BYTES = 1024

    response = upload(client, b"email\n" + b"someone@example.com\n" * 10_000)

    assert response.status_code == 413
    assert "the limit is 1 KB" in response.content.decode()


def test_mapping_without_an_identifying_column_shows_why(member, client):
    job = csv_upload(member, CSV)

    response = client.post(
        reverse("crm:import_mapping", args=[job.pk]),
        {"col_4": "company", "dedupe_mode": "update"},
    )

    assert response.status_code == 400
    assert "a contact needs one of them" in response.content.decode()


def test_saved_mapping_leads_to_a_preview_with_each_bad_cell_marked(member, client):
    job = csv_upload(member, CSV)
    data = {f"col_{i}": job.mapping[h] for i, h in enumerate(job.headers)} | {"dedupe_mode": "skip"}

    response = client.post(reverse("crm:import_mapping", args=[job.pk]), data)

    assert response["Location"] == reverse("crm:import_preview", args=[job.pk])
    job.refresh_from_db()
    assert job.dedupe_mode == "skip"
    html = client.get(response["Location"]).content.decode()
    assert "1 of the first 2 rows has a problem" in html
    assert "“not-an-email” is not a valid email address." in html
    assert "Import 2 rows" in html


def test_starting_runs_the_import_and_shows_the_report(
    member, client, django_capture_on_commit_callbacks
):
    job = csv_upload(member, CSV)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("crm:import_run", args=[job.pk]))

    assert response["Location"] == reverse("crm:import_detail", args=[job.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Import finished" in html
    assert "“not-an-email” is not a valid email address." in html
    assert Contact.objects.get().companies.get().name == "ООО Ромашка"


def test_progress_page_polls_until_the_import_finishes(member, client):
    job = csv_upload(member, CSV)
    ImportJob.objects.filter(pk=job.pk).update(status="running", processed_rows=1)

    page = client.get(reverse("crm:import_detail", args=[job.pk])).content.decode()
    partial = client.get(reverse("crm:import_progress", args=[job.pk]))

    assert 'hx-trigger="every 1s"' in page
    assert "1 of 2 rows" in partial.content.decode()
    assert "HX-Refresh" not in partial
    ImportJob.objects.filter(pk=job.pk).update(status="completed", processed_rows=2)
    assert client.get(reverse("crm:import_progress", args=[job.pk]))["HX-Refresh"] == "true"


def test_imports_of_another_organization_are_not_found(member, client, make_member):
    other = make_member("owner")
    job = csv_upload(other, CSV)

    for name in ("crm:import_detail", "crm:import_mapping", "crm:import_errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_viewer_cannot_open_the_import_pages(make_member, client):
    viewer = make_member("viewer")
    client.force_login(viewer.user)

    assert client.get(reverse("crm:import_start")).status_code == 403
