"""The report of failed rows: downloadable as CSV with line numbers and reasons, ready to be
fixed and uploaded again."""

import pytest
from django.urls import reverse

from crm.models import Contact
from crm.tests.import_files import import_through

CONTENT = (
    "Name,Email,Phone\n"
    "Ann Lee,ann@example.com,\n"
    "Bob,bob@,\n"
    'Cid "the kid",cid@example.com,\n'
    "Dee,dee@example.com,12\n"
)


@pytest.fixture
def member(make_member, client):
    member = make_member("bidi")
    client.force_login(member.user)
    return member


def download(client, job) -> str:
    response = client.get(reverse("crm:import_errors", args=[job.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="people-failed-rows.csv"'
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_report_lists_each_failed_row_with_its_line_and_reason(member, client):
    job = import_through(member, CONTENT)

    html = client.get(reverse("crm:import_detail", args=[job.pk])).content.decode()

    assert (job.created_count, job.failed_count) == (2, 2)
    assert "“bob@” is not a valid email address." in html
    assert "Phone: “12”:" in html
    assert "Download CSV" in html


def test_failed_rows_csv_holds_line_reason_and_the_original_cells(member, client):
    job = import_through(member, CONTENT)

    lines = download(client, job).splitlines()

    assert lines[0] == "Line,Reason,Name,Email,Phone,Original line"
    assert lines[1] == "3,Email: “bob@” is not a valid email address.,Bob,bob@,,"
    assert lines[2].startswith('5,"Phone: “12”: Enter the phone number')


def test_a_row_with_broken_quotes_keeps_its_raw_text(member, client):
    job = import_through(member, 'Name,Email\nAnn,ann@example.com\n"Bo"b,bob@example.com\n')

    lines = download(client, job).splitlines()

    assert lines[1] == (
        '3,Malformed quotes: text follows a closing quote on this line.,,,"""Bo""b,bob@example.com"'
    )


def test_the_fixed_failed_rows_import_on_a_second_try(member, client):
    job = import_through(member, CONTENT)
    fixed = download(client, job).replace("bob@,", "bob@example.com,").replace(",12,", ",,")

    retry = import_through(member, fixed)

    assert (retry.created_count, retry.failed_count) == (2, 0)
    assert Contact.objects.count() == 4
