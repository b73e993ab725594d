"""In a real browser: a cell secretary on a phone searches the member list (HTMX), and an
org-board admin sets up two-factor sign-in. Drives Debian's Chromium through Playwright."""

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PHONE, sign_in, sign_in_on_login_page

pytestmark = pytest.mark.browser


def test_secretary_searches_members_on_a_phone(
    browser, live_server, fast_passwords, personas, tmp_path
):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server.url, "secretary_a", "/members/")
    assert page.url == f"{live_server.url}/members/"

    results = page.locator("#results")
    assert "Nguyễn Văn An" in results.inner_text()
    assert "Lò Thị Ánh" in results.inner_text()
    assert "Cầm Văn Bình" not in page.content()  # cell B is outside the scope

    # A marker that a full page load would erase: the update must come through HTMX.
    page.evaluate("window.__stillHere = true")
    page.locator("#id_q").press_sequentially("nguyen van an", delay=30)
    page.wait_for_function(
        "() => !document.querySelector('#results').innerText.includes('Lò Thị Ánh')"
    )
    # On a busy machine a pause between keys can send "nguyen van" first (it already hides
    # Lò Thị Ánh): wait for the whole query's answer, which pushes its URL.
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("q") == ["nguyen van an"])
    # The rows come first; the count follows from members:count (htmx, on load).
    page.wait_for_function(
        "() => document.querySelector('#member-count').innerText.includes('1 đảng viên')"
    )
    text = results.inner_text()
    assert "Nguyễn Văn An" in text and "Đang đếm" not in text
    assert "Cầm Văn Bình" not in text
    assert page.evaluate("window.__stillHere") is True
    # hx-push-url keeps the search in the address, so a reload or a shared link shows it.
    assert parse_qs(urlsplit(page.url).query)["q"] == ["nguyen van an"]

    # Searching for someone of another cell finds nobody.
    page.locator("#id_q").fill("")
    page.locator("#id_q").press_sequentially("cam van", delay=30)
    page.wait_for_function(
        "() => document.querySelector('#results').innerText.includes('Không tìm thấy')"
    )
    page.wait_for_function(
        "() => document.querySelector('#member-count').innerText.includes('0 đảng viên')"
    )
    assert "Cầm Văn Bình" not in results.inner_text()

    # The page fits the phone: nothing wider than the screen but the scrolling tables.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]

    shot = tmp_path / "members-phone.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    context.close()


def test_a_bad_filter_value_shows_the_filters_with_its_error(
    browser, live_server, fast_passwords, personas
):
    """htmx ignores a 400 unless told (templates/htmx.html): a bad value in a live filter showed
    nothing, the old list staying as if it had been filtered."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server.url, "secretary_a", "/members/")
    page.evaluate("window.__stillHere = true")
    page.locator("#id_ethnicity").fill("Thái" * 12)  # 48 characters; the field takes 40
    page.locator("#id_ethnicity").press("Tab")  # the change that sends the filters
    page.locator("#bad-query").wait_for()
    assert "Bộ lọc không hợp lệ: Dân tộc:" in page.locator("#bad-query").inner_text()
    field = page.locator("form.filters div:has(#id_ethnicity)")
    assert "tối đa 40 kí tự (hiện có 48)" in field.locator(".errorlist").inner_text()
    assert page.locator("#id_ethnicity").input_value() == "Thái" * 12  # as typed, to correct
    assert page.locator("#results").count() == 0  # not the old list
    assert page.evaluate("window.__stillHere") is True  # swapped by htmx, not a page load
    assert parse_qs(urlsplit(page.url).query)["ethnicity"] == ["Thái" * 12]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Corrected and sent from the page with the error: the list again.
    page.locator("#id_ethnicity").fill("Thái")
    page.locator("form.filters button[type=submit]").click()
    page.locator("#results").wait_for()
    assert "Lò Thị Ánh" in page.locator("#results").inner_text()
    context.close()


def test_admin_sets_up_totp_in_the_browser(browser, live_server, fast_passwords, personas, tree):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    sign_in_on_login_page(page, live_server.url, "admin", "/members/")
    assert page.url.startswith(f"{live_server.url}/accounts/otp/")
    assert page.locator("svg").count() >= 1  # the QR code

    # Any other page sends back to the code page until the code is given.
    page.goto(f"{live_server.url}/org/")
    assert page.url.startswith(f"{live_server.url}/accounts/otp/")
    page.goto(f"{live_server.url}/accounts/otp/?next=/members/")

    secret = page.locator("#totp-secret").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    assert TOTPDevice.objects.get(user=personas["admin"], confirmed=False).bin_key == key
    page.fill("#id_token", f"{TOTP(key).token():06d}")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Xác nhận')")

    assert page.url == f"{live_server.url}/members/"
    assert "Nguyễn Văn An" in page.locator("#results").inner_text()
    assert "Cầm Văn Bình" in page.locator("#results").inner_text()
    assert TOTPDevice.objects.get(user=personas["admin"]).confirmed is True
    page.goto(f"{live_server.url}/org/{tree.district.pk}/")
    assert tree.district.name in page.locator("h1").inner_text()

    # Signing out is a POST from the top bar; afterwards pages ask for a login again.
    with page.expect_navigation():
        page.click("button:has-text('Đăng xuất')")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    page.goto(f"{live_server.url}/members/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    context.close()
