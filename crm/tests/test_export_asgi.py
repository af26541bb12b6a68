"""Under ASGI (how BiDi is served) the export streams block by block, reading the database on
the thread that owns its connection, instead of Django buffering the whole file first."""

import csv
import io
import urllib.request

from django.test import AsyncRequestFactory, RequestFactory
from django.urls import reverse

from crm.services.exports import csv_response
from crm.tests.factories import ContactFactory


def test_export_streams_over_asgi(asgi_live_server, make_member, client):
    member = make_member("bidi")
    ContactFactory.create_batch(3, organization=member.organization)
    client.force_login(member.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    request = urllib.request.Request(
        asgi_live_server.url + reverse("crm:contacts_export"), headers={"Cookie": cookie}
    )

    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode("utf-8-sig")
        content_type = response.headers["Content-Type"]

    assert content_type == "text/csv; charset=utf-8"
    assert len(list(csv.DictReader(io.StringIO(body)))) == 3


def test_asgi_requests_get_an_async_stream_and_wsgi_ones_a_plain_one():
    blocks = [b"ID\r\n", b"1\r\n"]

    over_asgi = csv_response(AsyncRequestFactory().get("/"), iter(blocks), "x.csv")
    over_wsgi = csv_response(RequestFactory().get("/"), iter(blocks), "x.csv")

    assert over_asgi.is_async
    assert not over_wsgi.is_async
