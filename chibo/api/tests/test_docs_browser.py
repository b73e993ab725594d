"""The Swagger UI page renders in a real browser from this server alone (no CDN, no validator)."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_docs_page_renders_without_outside_requests(browser, live_server):
    own = urlsplit(live_server.url).netloc
    requested = []
    page = browser.new_page()
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15_000)
    # 7 reads (sign-in included), 11 writes, and listing and revoking tokens.
    assert page.locator(".opblock").count() == 20
    page.context.close()
    outside = [u for u in requested if urlsplit(u).netloc not in (own, "")]
    assert outside == []
    assert any(u.endswith("/api/v1/openapi.json") for u in requested)
