"""The Telegram history pages: upload, live progress, report — as an admin uses them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from messaging.models import HistoryImport
from messaging.tests.factories import HistoryImportFactory, TelegramBotFactory

EXPORT = Path(__file__).parent / "data" / "telegram_export_chat" / "result.json"


@pytest.fixture
def admin(make_member, client):
    member = make_member("admin")
    client.force_login(member.user)
    return member


@pytest.fixture
def bot(admin, fake_telegram):
    token = fake_telegram.add_bot(bot_id=7_900_000_002)
    return TelegramBotFactory(
        organization=admin.organization, telegram_id=7_900_000_002, token=token
    )


def upload(client, bot, name="result.json", data=None):
    data = EXPORT.read_bytes() if data is None else data
    return client.post(
        reverse("messaging:history_upload"),
        {"bot": bot.pk, "file": SimpleUploadedFile(name, data, content_type="application/json")},
    )


def test_the_upload_page_offers_the_organizations_bots(admin, bot, client):
    TelegramBotFactory(username="someone_elses_bot")

    html = client.get(reverse("messaging:history_upload")).content.decode()

    assert "Import Telegram history" in html
    assert f"@{bot.username}" in html or bot.name in html
    assert "someone_elses_bot" not in html


def test_without_a_bot_the_page_says_to_connect_one(admin, client):
    html = client.get(reverse("messaging:history_upload")).content.decode()

    assert "Connect a bot first" in html
    assert reverse("messaging:bot_list") in html


def test_uploading_an_export_imports_it_and_shows_the_report(
    admin, bot, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, bot)

    job = HistoryImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:history_detail", args=[job.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Import finished" in html
    assert "Only result.json was uploaded" in html  # the photo and the PDF
    assert "File not included" in html  # the voice message
    assert "4 Mar 2024" in html


def test_a_file_that_is_no_export_is_explained_next_to_the_file_field(admin, bot, client):
    response = upload(client, bot, name="chat.html", data=b"<html><body>Chat</body></html>")

    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith("This is not a Telegram")
    assert not HistoryImport.objects.exists()


def test_a_running_import_polls_its_progress(admin, bot, client):
    job = HistoryImportFactory(
        organization=admin.organization, bot=bot, status="running", total=200, processed=50
    )

    page = client.get(reverse("messaging:history_detail", args=[job.pk])).content.decode()
    partial = client.get(reverse("messaging:history_progress", args=[job.pk]))

    progress_url = reverse("messaging:history_progress", args=[job.pk])
    assert f'hx-get="{progress_url}"' in page
    assert "50 of 200 messages" in partial.content.decode()


def test_the_progress_partial_reloads_the_page_when_the_import_finished(admin, bot, client):
    job = HistoryImportFactory(organization=admin.organization, bot=bot, status="done")

    response = client.get(reverse("messaging:history_progress", args=[job.pk]))

    assert (response.status_code, response["HX-Refresh"]) == (204, "true")


def test_a_failed_import_shows_why(admin, bot, client):
    job = HistoryImportFactory(
        organization=admin.organization, bot=bot, status="failed", error="The ZIP is damaged."
    )

    html = client.get(reverse("messaging:history_detail", args=[job.pk])).content.decode()

    assert "Import stopped" in html and "The ZIP is damaged." in html


def test_business_developers_cannot_import(make_member, client):
    member = make_member("bidi")
    client.force_login(member.user)

    assert client.get(reverse("messaging:history_upload")).status_code == 403


def test_another_organizations_import_is_not_found(admin, client):
    job = HistoryImportFactory()

    assert client.get(reverse("messaging:history_detail", args=[job.pk])).status_code == 404
