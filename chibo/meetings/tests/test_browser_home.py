"""In a real browser on a 360 px phone: the secretary signs in, lands on their home, plans this
month's meeting with one big button, and finds the next steps as buttons a finger can hit."""

import pytest

from chibo.core.dates import today
from chibo.meetings.models import CellMeeting
from chibo.meetings.schedule import first_of_month
from conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_passwords"),
]
SMALL = {"width": 360, "height": 740}


def test_the_secretary_plans_and_finds_the_next_step(browser, live_server, personas, tree):
    page = browser.new_page(viewport=SMALL)
    sign_in(page, live_server.url, "secretary_a", "/")
    assert page.is_visible("h1:has-text('Chi bộ bản Áng')")
    with page.expect_navigation():
        page.click("button:has-text('Tạo lịch sinh hoạt tháng này')")
    assert page.url == f"{live_server.url}/"
    meeting = CellMeeting.objects.get(cell=tree.cell_a, month=first_of_month(today()))
    record = page.locator(".big-actions a:has-text('Ghi biên bản')")
    box = record.bounding_box()
    assert box["height"] >= 44 and box["width"] >= SMALL["width"] - 60, box
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL["width"]
    # no htmx on the home: one script less on a slow line
    assert page.evaluate("typeof window.htmx") == "undefined"
    with page.expect_navigation():
        record.click()
    assert page.url.endswith(f"/meetings/{meeting.pk}/record/")
