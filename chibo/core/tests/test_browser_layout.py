"""In a real browser on a 390 px phone, the site-wide styles (static/css/chibo.css) that issue
14 found wrong: white text on white (`button{color:#fff}` beat `.linklike`), tap targets smaller
than a finger (menu links 24 px, breadcrumbs 16 px), a header wrapping to three rows, and
checkboxes sitting apart from their names. Measured from computed styles and boxes."""

import datetime

import pytest
from django.urls import reverse

from chibo.accounts.models import Notification
from chibo.committees.models import Term
from conftest import PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_passwords")]

WHITE = "rgb(255, 255, 255)"
LINK = "rgb(11, 87, 208)"


def boxes(page, selector):
    """[(text, x, y, width, height)] of the visible elements matching `selector`."""
    return page.evaluate(
        """s => [...document.querySelectorAll(s)].filter(e => e.offsetParent !== null)
             .map(e => { const r = e.getBoundingClientRect();
                         return [e.innerText.trim(), r.x, r.y, r.width, r.height]; })""",
        selector,
    )


def color(page, selector) -> str:
    return page.evaluate("s => getComputedStyle(document.querySelector(s)).color", selector)


def test_header_menu_and_link_buttons_on_a_phone(browser, live_server, personas, tree):
    Notification.objects.create(
        user=personas["secretary_a"], kind="invitation", text="Giấy mời sinh hoạt tháng này"
    )
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server.url, "secretary_a", "/accounts/notifications/")

    # A notification is a button drawn as a link: link blue on the white card, not white.
    assert page.is_visible("text=Giấy mời sinh hoạt tháng này")
    assert color(page, "main button.linklike") == LINK
    # In the red header the buttons drawn as links (language, sign out) stay white.
    assert color(page, ".topbar button.linklike") == WHITE

    # The header: two rows (the brand and the account links; the menu, scrolling sideways).
    header = boxes(page, "header.topbar")[0]
    assert header[4] <= 2 * 44 + 8, header
    links = boxes(page, ".mainnav a") + boxes(page, ".topbar-right a, .topbar-right button")
    assert len(links) >= 6
    for text, _x, _y, width, height in links:
        assert height >= 44 and width >= 44, (text, width, height)  # "VI" was 26 px wide
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Breadcrumbs are a finger's size too.
    page.goto(f"{live_server.url}/members/{tree.member_a.pk}/")
    crumbs = boxes(page, ".breadcrumbs a")
    assert crumbs
    for text, _x, _y, _w, height in crumbs:
        assert height >= 44, (text, height)


def test_tree_toggle_is_visible(browser, live_server, personas, tree):
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server.url, "commune", "/org/")
    toggle = page.locator(".tree button.linklike").first
    assert toggle.inner_text() == "▸"
    assert toggle.evaluate("e => getComputedStyle(e).color") == LINK


def test_checkboxes_sit_beside_their_names(browser, live_server, personas, tree):
    Term.objects.create(
        organization=tree.cell_a,
        name="2020–2025",
        start=datetime.date(2020, 6, 1),
        end=datetime.date(2025, 9, 30),
    )
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server.url, "commune", f"/committees/cell/{tree.cell_a.pk}/")

    # The committee election form: each member's box on the line of their name, just before it.
    election = page.locator("#congress input[type=checkbox]")
    assert election.count() >= 2
    for i in range(election.count()):
        box = election.nth(i)
        label = page.locator(f"label[for='{box.get_attribute('id')}']")
        b, n = box.bounding_box(), label.bounding_box()
        assert b["width"] <= 30 and b["x"] < n["x"] + 20, (b, n)
        assert abs((b["y"] + b["height"] / 2) - (n["y"] + n["height"] / 2)) < n["height"] / 2
        assert n["height"] >= 44  # the whole label is the target

    # A filter's box (the officials' page: "Cả phân công đã kết thúc"): beside its name, first.
    page.goto(f"{live_server.url}/meetings/officials/org/{tree.commune_a.pk}/")
    box = page.locator("form.filters input[type=checkbox]").first
    name = page.locator(f"label[for='{box.get_attribute('id')}']")
    b, n = box.bounding_box(), name.bounding_box()
    assert b["width"] <= 30
    assert b["x"] + b["width"] <= n["x"] <= b["x"] + b["width"] + 16, (b, n)
    assert abs((b["y"] + b["height"] / 2) - (n["y"] + n["height"] / 2)) < 8, (b, n)


def test_a_secretarys_task_links_are_a_fingers_size(browser, live_server, personas, tree):
    """The secretary's home lists the cell's open tasks, the cell's tasks page offers to report
    for another: links in a line of text, 17 and 30 px a probe measured, now 44 px high; and the
    page's text follows the size the user set in the browser (the body's font was a fixed 16px)."""
    from chibo.meetings.models import CellMeeting, Task

    meeting = CellMeeting.objects.create(
        cell=tree.cell_a,
        scheduled_date=datetime.date(2023, 3, 3),
        month=datetime.date(2023, 3, 1),
        status=CellMeeting.Status.HELD,
        held_on=datetime.date(2023, 3, 3),
    )
    Task.objects.create(
        cell=tree.cell_a,
        meeting=meeting,
        title="Vận động hộ nghèo làm chuồng trại",
        owner_kind=Task.Owner.COMMITTEE,
        deadline=datetime.date(2099, 1, 1),
    )
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server.url, "secretary_a", "/")
    home = boxes(page, "#tasks li a")
    assert home and all(height >= 44 for _t, _x, _y, _w, height in home), home
    # A larger text size chosen in the browser (here through Chromium's own setting) is kept.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 24, "fixed": 20}})
    page.reload()
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "24px"
    page.goto(live_server.url + reverse("meetings:cell_tasks", args=[tree.cell_a.pk]))
    report = boxes(page, "a[href$='#report']")
    assert report and all(height >= 44 for _t, _x, _y, _w, height in report), report
