"""In a real browser on a 360 px phone: the commune staff open their commune's dashboard, reads its
charts without scrolling sideways, follows a bar to the list behind it, changes the date, and
finds the date kept on the next dashboard."""

import datetime

import pytest

from chibo.meetings.models import QualityClass
from chibo.meetings.tests.oversight_helpers import fixed_today, meet  # noqa: F401
from conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_passwords", "fixed_today"),
]
SMALL = {"width": 360, "height": 740}
D = datetime.date


def test_a_bar_leads_to_its_list_and_the_date_is_kept(browser, live_server, personas, tree):
    for month in (D(2023, 2, 1), D(2023, 3, 1)):
        meet(
            tree.cell_a,
            month,
            held_on=month.replace(day=24),
            present=8,
            summoned=10,
            quality=QualityClass.GOOD,
        )
        meet(tree.cell_a2, month, held_on=month.replace(day=20), present=2, summoned=5)
    page = browser.new_page(viewport=SMALL)
    sign_in(page, live_server.url, "commune", f"/org/{tree.commune_a.pk}/")
    with page.expect_navigation():
        page.click("#dashboard-link")
    assert page.url.endswith(f"/reports/org/{tree.commune_a.pk}/dashboard/")
    assert page.is_visible("h1:has-text('Bảng theo dõi')")
    chart = page.locator("#trend-meetings_held_on_schedule svg.chart")
    box = chart.bounding_box()
    assert 300 <= box["width"] <= SMALL["width"], box
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL["width"]

    # March's column: 1 of the 2 cells met on its day; it leads to the list behind the figure
    with page.expect_navigation():
        page.locator("#trend-meetings_held_on_schedule a[data-label='03/2023'] rect").first.click()
    assert "/meetings/indicators/meetings_held_on_schedule/" in page.url
    assert "as_of=31%2F03%2F2023" in page.url
    assert page.is_visible("text=Chi bộ bản Áng") and page.is_visible("text=Chi bộ bản Đông")

    # the worst cell's bar in the comparison leads to its list too
    page.go_back()
    bar = page.locator("#compare-meetings_held_on_schedule a[data-label='Chi bộ bản Đông'] rect")
    with page.expect_navigation():
        bar.first.click()
    assert f"org={tree.cell_a2.pk}" in page.url

    # change the date: the February figures; a bad date: the error beside the field
    page.go_back()
    page.fill("#dashboard-date #id_as_of", "28/02/2023")
    with page.expect_navigation():
        page.click("#dashboard-date button[type=submit]")
    assert page.is_visible("#dashboard-as-of:has-text('28/02/2023')")
    assert page.is_visible("#dashboard-as-of:has-text('02/2023')")
    page.goto(f"{live_server.url}/reports/org/{tree.cell_a.pk}/dashboard/")
    assert page.input_value("#dashboard-date #id_as_of") == "28/02/2023"
    page.fill("#dashboard-date #id_as_of", "30/02/2023")
    with page.expect_navigation():
        page.click("#dashboard-date button[type=submit]")
    assert page.is_visible("#bad-query:has-text('Ngày không hợp lệ')")
    assert page.input_value("#id_as_of") == "30/02/2023"
