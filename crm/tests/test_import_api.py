"""The import API: upload, mapping, preview, start, progress and the failed rows as CSV."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.models import Contact, ImportJob
from crm.services import imports
from crm.tests.import_files import csv_upload

URL = "/api/v1/imports/"
CSV = "Name;E-mail;Телефон\nAnn Lee;ann@example.com;+49 30 1234567\nBob;bob@;\n"


@pytest.fixture
def member(make_member):
    return make_member("bidi")


@pytest.fixture
def api(member, jwt_client):
    return jwt_client(member.user, member.organization)


def test_upload_answers_with_the_detected_format_and_a_suggested_mapping(api):
    response = api.post(
        URL,
        {"file": SimpleUploadedFile("people.csv", CSV.encode()), "entity": "contact"},
        format="multipart",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["encoding"], body["delimiter"]) == ("uploaded", "utf-8", ";")
    assert body["headers"] == ["Name", "E-mail", "Телефон"]
    assert body["mapping"] == {"Name": "full_name", "E-mail": "email", "Телефон": "phone"}
    assert body["total_rows"] == 2
    assert {"key": "tags", "label": "Tags", "multiple": True} in body["available_fields"]


def test_upload_of_a_non_csv_file_is_a_field_error(api):
    response = api.post(
        URL, {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04abc")}, format="multipart"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["file"] == [
        "This is an Excel workbook (.xlsx) or a zip archive, not a CSV file."
    ]


def test_upload_over_the_limit_is_413(api, settings):
    settings.CRM_IMPORT_MAX_BYTES = 1024
    content = b"email\n" + b"someone@example.com\n" * 10_000

    response = api.post(URL, {"file": SimpleUploadedFile("big.csv", content)}, format="multipart")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"


def test_mapping_and_dedupe_mode_can_be_changed_before_the_start(api, member):
    job = csv_upload(member, CSV)

    response = api.patch(
        f"{URL}{job.pk}/",
        {"mapping": {"E-mail": "email", "Name": "first_name"}, "dedupe_mode": "skip"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["mapping"] == {"Name": "first_name", "E-mail": "email", "Телефон": ""}
    assert response.json()["dedupe_mode"] == "skip"


def test_mapping_missing_required_columns_is_a_400_naming_the_problem(api, member):
    job = csv_upload(member, CSV)

    response = api.patch(f"{URL}{job.pk}/", {"mapping": {"Name": ""}}, format="json")

    assert response.status_code == 400
    assert "a contact needs one of them" in response.json()["error"]["fields"]["mapping"][0]


def test_preview_marks_the_bad_cells(api, member):
    job = csv_upload(member, CSV)

    body = api.get(f"{URL}{job.pk}/preview/").json()

    assert body["columns"][1] == {"column": "E-mail", "field": "Email"}
    assert [row["ok"] for row in body["rows"]] == [True, False]
    assert body["rows"][1]["cells"][1] == {
        "value": "bob@",
        "error": "“bob@” is not a valid email address.",
    }


def test_start_runs_the_import_and_the_job_reports_the_counts(
    api, member, django_capture_on_commit_callbacks
):
    job = csv_upload(member, CSV)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{URL}{job.pk}/start/")

    assert response.status_code == 202
    body = api.get(f"{URL}{job.pk}/").json()
    assert (body["status"], body["processed_rows"], body["created"], body["failed"]) == (
        "completed",
        2,
        1,
        1,
    )
    assert Contact.objects.get().phones == ["+49301234567"]
    assert api.post(f"{URL}{job.pk}/start/").status_code == 409


def test_errors_endpoint_streams_the_failed_rows_as_csv(api, member):
    job = csv_upload(member, CSV)
    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    imports.import_run(job_id=job.pk)

    response = api.get(f"{URL}{job.pk}/errors/")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines == [
        "Line,Reason,Name,E-mail,Телефон,Original line",
        "3,E-mail: “bob@” is not a valid email address.,Bob,bob@,,",
    ]


def test_imports_of_another_organization_are_404(api, make_member):
    other = make_member("owner")
    job = csv_upload(other, CSV)

    assert api.get(f"{URL}{job.pk}/").status_code == 404
    assert api.post(f"{URL}{job.pk}/start/").status_code == 404


def test_viewer_cannot_import(make_member, jwt_client):
    viewer = make_member("viewer")
    api = jwt_client(viewer.user, viewer.organization)

    response = api.post(URL, {"file": SimpleUploadedFile("p.csv", CSV.encode())})

    assert response.status_code == 403
    assert response.json()["error"]["permission"] == "crm.import"


def test_list_shows_the_organizations_imports_newest_first(api, member, make_member):
    first = csv_upload(member, CSV)
    second = csv_upload(member, CSV)
    csv_upload(make_member("owner"), CSV)

    body = api.get(URL).json()

    assert [job["id"] for job in body["results"]] == [second.pk, first.pk]


def test_list_queries_do_not_grow_with_the_imports(api, member, django_assert_max_num_queries):
    for _ in range(5):
        csv_upload(member, CSV)

    with django_assert_max_num_queries(12):
        assert len(api.get(URL).json()["results"]) == 5
