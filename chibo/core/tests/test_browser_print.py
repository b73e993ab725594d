"""Printed on A4 (issue 14, part 7): a list, a dashboard and a meeting's pages print the content
only (no header, menu, filters or buttons), as wide as the paper and no wider. Chromium's print
media and its PDF."""

import pytest

from chibo.core import audit
from chibo.meetings.tests.core_helpers import meeting_of
from conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_passwords")]

# A4 less 12 mm margins each side: 186 mm at 96 px to the inch.
PRINT_WIDTH = round(186 / 25.4 * 96)


def test_lists_dashboards_and_meetings_print_on_a4(browser, live_server, personas, tree):
    meeting = meeting_of(tree.cell_a)
    for n in range(5):  # the last two are folded under "Xem thêm 2 thay đổi"
        audit.record(actor=None, action="update", obj=meeting, changes={"place": [n, n + 1]})
    page = browser.new_page(viewport={"width": PRINT_WIDTH, "height": 1000})
    sign_in(page, live_server.url, "commune", "/members/")
    folds = []
    for url in [
        "/members/",
        f"/org/{tree.commune_a.pk}/",
        "/meetings/month/",
        "/meetings/overview/",
        f"/committees/org/{tree.commune_a.pk}/",
        "/training/",
        f"/meetings/cell/{tree.cell_a.pk}/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/prepare/",
    ]:
        page.emulate_media(media="screen")
        page.goto(live_server.url + url)
        assert page.locator("header.topbar").is_visible(), url
        page.emulate_media(media="print")
        hidden = page.evaluate(
            """() => [...document.querySelectorAll(
                   'header.topbar, form.filters, .actions, .pager, main button')]
                 .filter(e => e.offsetParent !== null).map(e => e.outerHTML.slice(0, 80))"""
        )
        assert hidden == [], (url, hidden)
        assert page.locator("h1").first.is_visible(), url
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PRINT_WIDTH, (url, width)
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        assert pdf[:5] == b"%PDF-"
        folded = page.locator("#change-log .change-log-more table")
        if folded.count():
            folds.append(url)
            # Folded on the screen, printed in full (the "Xem thêm" line itself is not).
            assert folded.is_visible(), url
            assert not page.locator("#change-log summary").first.is_visible(), url
            page.emulate_media(media="screen")
            assert not folded.is_visible(), url
    assert folds == [f"/meetings/{meeting.pk}/"]
