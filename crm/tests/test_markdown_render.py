from crm.markdown import markdown_render


def test_markdown_is_rendered():
    assert markdown_render("**bold** and *it*") == "<p><strong>bold</strong> and <em>it</em></p>"


def test_scripts_and_event_handlers_are_removed():
    html = markdown_render('<script>alert(1)</script><img src=x onerror="alert(1)"> ok')

    assert "<script" not in html
    assert "onerror" not in html
    assert "ok" in html


def test_javascript_links_lose_their_target():
    html = markdown_render("[click](javascript:alert(1))")

    assert "javascript" not in html


def test_links_get_nofollow_noopener():
    html = markdown_render("[site](https://example.com)")

    assert html == '<p><a href="https://example.com" rel="nofollow noopener">site</a></p>'
