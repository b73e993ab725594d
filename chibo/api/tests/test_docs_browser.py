"""The Swagger UI page renders in a real browser from this server alone (no CDN, no validator)."""

import os
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_docs_page_renders_without_outside_requests(live_server, chromium, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; nothing here touches the ORM.
    monkeypatch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    own = urlsplit(live_server.url).netloc
    requested = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(live_server.url + "/api/v1/docs")
            page.wait_for_selector(".opblock", timeout=15_000)
            # 7 reads (sign-in included), 11 writes, and listing and revoking tokens.
            assert page.locator(".opblock").count() == 20
        finally:
            browser.close()
    outside = [u for u in requested if urlsplit(u).netloc not in (own, "")]
    assert outside == []
    assert any(u.endswith("/api/v1/openapi.json") for u in requested)
