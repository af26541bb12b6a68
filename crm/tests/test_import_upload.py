"""Uploading a CSV: the format is detected, a mapping suggested, and bad files refused clearly."""

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.errors import PermissionDenied, ValidationError
from crm.models import ImportJob
from crm.services import imports


def upload(member, content: bytes, name: str = "people.csv", entity: str = "contact"):
    return imports.import_upload(
        organization=member.organization,
        actor=member.user,
        entity=entity,
        file=SimpleUploadedFile(name, content, content_type="text/csv"),
    )


@pytest.fixture
def owner(make_member):
    return make_member("owner")


def test_utf8_file_is_read_as_utf8(owner):
    job = upload(owner, "Name,Email\nZoë Brandt,zoe@example.com\n".encode())

    assert (job.encoding, job.delimiter, job.headers, job.total_rows) == (
        "utf-8",
        ",",
        ["Name", "Email"],
        1,
    )


def test_utf8_with_bom_does_not_leak_the_bom_into_the_first_header(owner):
    job = upload(owner, codecs.BOM_UTF8 + "E-mail;Имя\nivan@example.com;Иван\n".encode())

    assert job.encoding == "utf-8-sig"
    assert job.headers == ["E-mail", "Имя"]
    assert job.mapping == {"E-mail": "email", "Имя": "first_name"}


def test_windows_1251_russian_file_is_detected(owner):
    content = "Фамилия;Имя;Телефон\nПетров;Иван;+7 916 123-45-67\nСидорова;Анна;\n"

    job = upload(owner, content.encode("cp1251"))

    assert job.encoding == "cp1251"
    assert job.headers == ["Фамилия", "Имя", "Телефон"]
    assert job.total_rows == 2


def test_western_european_legacy_file_is_not_mistaken_for_cyrillic(owner):
    job = upload(owner, "Name,City\nJürgen Müller,Köln\nSøren Ås,Århus\n".encode("cp1252"))

    assert job.encoding == "cp1252"


@pytest.mark.parametrize(
    ("content", "delimiter"),
    [
        ("first_name,email\nAnn,ann@example.com\n", ","),
        ("first_name;email\nAnn;ann@example.com\n", ";"),
        ("first_name\temail\nAnn\tann@example.com\n", "\t"),
        ("first_name|email\nAnn|ann@example.com\n", "|"),
        ('name;note\n"Smith, John";"likes commas, a lot"\n"Doe, Jane";"x, y"\n', ";"),
    ],
)
def test_delimiter_is_detected(owner, content, delimiter):
    assert upload(owner, content.encode()).delimiter == delimiter


def test_blank_and_duplicate_headers_get_usable_names(owner):
    job = upload(owner, b"Email,,Email\na@example.com,x,b@example.com\n")

    assert job.headers == ["Email", "Column 2", "Email (2)"]
    assert job.mapping == {"Email": "email", "Column 2": "", "Email (2)": "email"}


def test_stored_file_name_does_not_reveal_the_original(owner):
    job = upload(owner, b"email\na@example.com\n", name="clients-acme-2025.csv")

    assert job.original_filename == "clients-acme-2025.csv"
    assert "acme" not in job.file.name


def test_empty_file_is_refused(owner):
    with pytest.raises(ValidationError, match="The file is empty"):
        upload(owner, b"")
    assert not ImportJob.objects.exists()


def test_header_without_rows_is_refused(owner):
    with pytest.raises(ValidationError, match="no rows to import"):
        upload(owner, b"email,name\n\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00xl/workbook.xml", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "PDF"),
        (bytes(range(256)) * 20, "not a text file"),
    ],
)
def test_files_that_are_not_csv_are_refused(owner, content, message):
    with pytest.raises(ValidationError, match=message) as exc:
        upload(owner, content, name="people.csv")
    assert "CSV UTF-8" in exc.value.message


def test_file_over_the_size_limit_is_refused(owner, settings):
    settings.CRM_IMPORT_MAX_BYTES = 1024

    with pytest.raises(ValidationError, match=r"the limit is 1 KB"):
        upload(owner, b"email\n" + b"someone@example.com\n" * 100)


def test_viewer_cannot_upload(make_member):
    viewer = make_member("viewer")

    with pytest.raises(PermissionDenied):
        upload(viewer, b"email\na@example.com\n")
