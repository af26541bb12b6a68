"""Fetching and reading a page's card from a real HTTP server on 127.0.0.1.

Reaching a local server needs ``LINK_PREVIEW_ALLOW_PRIVATE`` (the ``fake_website`` fixture
turns it on for the test): it is the only way to exercise a fetch offline.
"""

from __future__ import annotations

import time

import pytest

from messaging.linkpreview.fetch import LinkFetchFailed, fetch_page
from messaging.linkpreview.parse import decode_html, parse_card

ARTICLE = """<!doctype html>
<html><head>
<title>Fallback title</title>
<meta property="og:title" content="Q3 pricing update">
<meta property="og:description" content="New   plans for teams,
  effective October.">
<meta property="og:image" content="/img/cover.png">
<meta property="og:site_name" content="Acme Blog">
</head><body><p>Body</p></body></html>"""


def test_a_page_is_fetched_and_its_opengraph_card_read(fake_website):
    url = fake_website.page("/post", ARTICLE)

    page = fetch_page(url)
    card = parse_card(decode_html(page.body, page.charset), page.url)

    assert page.status == 200
    assert not page.truncated
    assert card.title == "Q3 pricing update"
    assert card.description == "New plans for teams, effective October."
    assert card.image_url == f"{fake_website.url}/img/cover.png"
    assert card.site_name == "Acme Blog"


def test_the_request_names_the_host_and_asks_for_uncompressed_html(fake_website):
    fake_website.page("/post", ARTICLE)

    fetch_page(f"http://localhost:{fake_website.port}/post")

    headers = fake_website.requests[0][1]
    assert headers["Host"] == f"localhost:{fake_website.port}"
    assert headers["Accept-Encoding"] == "identity"
    assert "BiDiLinkPreview" in headers["User-Agent"]


def test_redirects_are_followed_up_to_three_hops(fake_website):
    fake_website.redirect("/a", "/b", status=301)
    fake_website.redirect("/b", "/c", status=307)
    fake_website.redirect("/c", f"{fake_website.url}/post", status=308)
    fake_website.page("/post", ARTICLE)

    page = fetch_page(fake_website.url + "/a")

    assert page.url == f"{fake_website.url}/post"
    assert fake_website.paths() == ["/a", "/b", "/c", "/post"]


def test_reading_stops_at_the_size_limit(fake_website, settings):
    settings.LINK_PREVIEW_MAX_BYTES = 64 * 1024
    url = fake_website.huge("/big", ARTICLE, size=5 * 1024 * 1024)

    page = fetch_page(url)

    assert page.truncated
    assert len(page.body) == 64 * 1024
    assert parse_card(decode_html(page.body, None), page.url).title == "Q3 pricing update"


def test_a_slow_server_is_cut_off_at_the_time_limit(fake_website, settings):
    settings.LINK_PREVIEW_TIMEOUT = 1.0
    url = fake_website.slow("/slow", ARTICLE, delay=0.2)

    started = time.monotonic()
    page = fetch_page(url)

    assert time.monotonic() - started < 1.8
    assert page.truncated
    assert len(page.body) < len(ARTICLE)


def test_pages_that_are_not_html_are_not_read(fake_website):
    url = fake_website.page("/file.pdf", "%PDF-1.7", content_type="application/pdf")

    with pytest.raises(LinkFetchFailed, match="not an HTML page"):
        fetch_page(url)


def test_http_errors_fail_the_fetch(fake_website):
    with pytest.raises(LinkFetchFailed, match="HTTP 404"):
        fetch_page(fake_website.url + "/missing")


def test_an_unresolvable_host_fails_the_fetch():
    with pytest.raises(LinkFetchFailed, match="could not be resolved"):
        fetch_page("http://no-such-host.invalid/")


def test_without_opengraph_the_title_and_meta_description_are_used():
    html = (
        "<html><head><title> Plain  page </title>"
        '<meta name="description" content="A page without OpenGraph.">'
        "</head></html>"
    )

    card = parse_card(html, "https://plain.example/page")

    assert card.title == "Plain page"
    assert card.description == "A page without OpenGraph."
    assert card.site_name == "plain.example"
    assert card.image_url == ""


def test_only_http_image_urls_are_kept():
    html = (
        '<meta property="og:title" content="X">'
        '<meta property="og:image" content="javascript:alert(1)">'
    )

    assert parse_card(html, "https://example.com/").image_url == ""


def test_the_charset_of_a_meta_tag_is_honoured():
    body = '<meta charset="windows-1251"><title>Привет</title>'.encode("windows-1251")

    assert parse_card(decode_html(body, None), "https://example.ru/").title == "Привет"


def test_long_titles_are_cut():
    card = parse_card(f"<title>{'word ' * 200}</title>", "https://example.com/")

    assert len(card.title) <= 300
    assert card.title.endswith("…")
