"""In a real browser, on a phone: after the congress of Chi bộ bản Đông, the commune's staff
record the new term and the cell committee it elected through the pages, and the commune's
indicators change (cells with a committee on the organization page and on the indicator's
list). Drives Debian's Chromium through Playwright."""

import datetime

import pytest

from chibo.committees.models import Position, Term, Title
from chibo.core.dates import today
from conftest import PHONE, sign_in

from .conftest import START, fill, seat

pytestmark = pytest.mark.browser


def kpi(page, code) -> str:
    return page.locator(f'.kpi[data-code="{code}"] .v').inner_text().strip()


def test_commune_records_a_new_cell_committee_and_sees_the_indicators_change(
    browser, live_server, personas, tree
):
    cell = tree.cell_a2
    people = fill(cell, 10)
    seat(cell, people[0], Title.SECRETARY)  # the secretary before the congress
    congress = today() - datetime.timedelta(days=10)
    base = live_server.url

    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, base, "commune", f"/org/{tree.commune_a.pk}/")
    assert kpi(page, "cells_with_committee") == "0/2 (0%)"

    # From the top navigation to the commune's cells, then to the cell.
    with page.expect_navigation():
        page.click("nav.mainnav >> text=Cấp ủy")
    assert page.url == f"{base}/committees/org/{tree.commune_a.pk}/"
    with page.expect_navigation():
        page.click("#cells >> text=Chi bộ bản Đông")
    assert page.url == f"{base}/committees/cell/{cell.pk}/"

    # The term of the congress.
    term_form = page.locator("#congress form[action$='/terms/new/']")
    term_form.locator("[name=name]").fill("2026–2031")
    term_form.locator("[name=start]").fill(f"{congress:%d/%m/%Y}")
    end = congress + datetime.timedelta(days=5 * 365)
    term_form.locator("[name=end]").fill(f"{end:%d/%m/%Y}")
    term_form.locator("[name=congress_date]").fill(f"{congress:%d/%m/%Y}")
    with page.expect_navigation():
        term_form.locator("button[type=submit]").click()
    assert "Đã thêm nhiệm kỳ 2026–2031." in page.locator(".messages").inner_text()

    # The committee the congress elected: a secretary, a deputy and two members.
    names = [p.full_name for p in people]
    form = page.locator("#congress form[action$='/congress/']")
    term = Term.objects.get(organization=cell)
    form.locator("[name=term]").select_option(str(term.pk))
    form.locator("[name=on]").fill(f"{congress:%d/%m/%Y}")
    form.locator("[name=secretary]").select_option(str(people[1].pk))
    form.locator("[name=deputy]").select_option(str(people[2].pk))
    for p in people[3:5]:
        form.locator(f"[name=members][value='{p.pk}']").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "Đã ghi chi ủy mới: 4 người." in page.locator(".messages").inner_text()
    committee = page.locator("#committee").inner_text()
    assert all(name in committee for name in names[1:5]) and names[0] not in committee

    # The database: the old secretary's seat ended on the congress day; four new seats.
    held = Position.objects.filter(organization=cell, end__isnull=True)
    assert sorted((p.title, p.member_id) for p in held) == sorted(
        [
            (Title.SECRETARY, people[1].pk),
            (Title.DEPUTY_SECRETARY, people[2].pk),
            (Title.COMMITTEE_MEMBER, people[3].pk),
            (Title.COMMITTEE_MEMBER, people[4].pk),
        ]
    )
    old = Position.objects.get(organization=cell, member=people[0])
    assert (old.start, old.end) == (START, congress)

    # The indicators: on the organization page and on the list behind the figure.
    page.goto(f"{base}/org/{tree.commune_a.pk}/")
    assert kpi(page, "cells_with_committee") == "1/2 (50%)"
    page.goto(f"{base}/committees/org/{tree.commune_a.pk}/indicators/cells_with_committee/")
    body = page.content()
    assert "1/2 (50%)" in body and "Chi bộ bản Đông" in body
    # The day before the congress, the cell had no committee yet.
    day_before = congress - datetime.timedelta(days=1)
    page.goto(f"{base}/org/{tree.commune_a.pk}/?as_of={day_before:%d/%m/%Y}")
    assert kpi(page, "cells_with_committee") == "0/2 (0%)"

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
