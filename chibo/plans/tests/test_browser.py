"""In a real browser on a phone-sized screen (390 px), the loop for one village: the commune
assigns bản Áng a target for the year, the cell sends its plan, the commune returns it with a
comment, the cell corrects and sends it again, the commune approves it; the secretary records the
month's progress at the cell meeting, and the commune's roll-up moves (plans approved 0/1 → 1/1,
targets on track 0/1 → 1/1). Drives Debian's Chromium through Playwright."""

import pytest

from chibo.core import indicators as registry
from chibo.core.dates import today
from chibo.meetings.models import CellMeeting
from chibo.meetings.tests.core_helpers import meeting_of
from chibo.organizations.models import Village
from chibo.plans.models import VillagePlan
from chibo.plans.rollup import reference_month
from chibo.targets.models import TargetProgress
from conftest import PHONE, sign_in

pytestmark = pytest.mark.browser
S = VillagePlan.Status


def _phone(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    context.set_default_timeout(60000)
    return context, context.new_page()


def _submit(page, form):
    with page.expect_navigation():
        page.locator(form).locator("button[type=submit]").tap()


def _action(name):
    return f"form:has(input[name=action][value={name}])"


def _figure(page, base, org, code):
    page.goto(f"{base}/plans/org/{org.pk}/indicators/{code}/")
    return page.locator(f".kpi-v[data-code={code}]").inner_text()


def test_the_loop_for_one_village(browser, live_server, fast_passwords, personas, tree):
    base = live_server.url
    village = Village.objects.get(code="V-A1")
    # The roll-up counts the months the day completes: the meeting is that last month's.
    month = reference_month(today())
    meeting = meeting_of(tree.cell_a, month=month)
    plan_url = f"/plans/village/{village.pk}/{month.year}/"

    commune, c = _phone(browser)
    sign_in(c, base, "commune", plan_url)
    c.fill(f"{_action('assign')} [name=name]", "Giảm hộ nghèo")
    c.fill(f"{_action('assign')} [name=unit]", "hộ")
    c.fill(f"{_action('assign')} [name=yearly_value]", "12")
    _submit(c, _action("assign"))
    assert "Giảm hộ nghèo" in c.locator("table").inner_text()
    assert c.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert _figure(c, base, tree.commune_a, "village_plans_approved").startswith("0/1")

    cell, s = _phone(browser)
    sign_in(s, base, "secretary_a", plan_url)
    s.fill(f"{_action('submit')} [name=text]", "Giảm 12 hộ nghèo.")
    _submit(s, _action("submit"))
    assert "Chờ xã phê duyệt" in s.content()

    c.goto(f"{base}{plan_url}")
    c.fill(f"{_action('return')} [name=comment]", "Ghi rõ giải pháp cho từng hộ.")
    _submit(c, _action("return"))
    assert VillagePlan.objects.get().status == S.RETURNED

    s.goto(f"{base}{plan_url}")
    assert "Ghi rõ giải pháp cho từng hộ." in s.content() and "Xã trả lại" in s.content()
    s.fill(f"{_action('submit')} [name=text]", "Giảm 12 hộ nghèo: chăn nuôi bò, trồng cây ăn quả.")
    _submit(s, _action("submit"))

    c.goto(f"{base}{plan_url}")
    _submit(c, _action("approve"))
    assert "Đã phê duyệt" in c.content()
    plan = VillagePlan.objects.get()
    assert (plan.status, plan.text) == (
        S.APPROVED,
        "Giảm 12 hộ nghèo: chăn nuôi bò, trồng cây ăn quả.",
    )
    assert _figure(c, base, tree.commune_a, "village_plans_approved").startswith("1/1")
    assert _figure(c, base, tree.commune_a, "plan_targets_on_track").startswith("0/1")

    # The month's meeting: the approved plan's target is in the record, its progress saved.
    s.goto(f"{base}/meetings/{meeting.pk}/record/")
    s.locator("#sec-details .rec-open").tap()
    s.fill("input[name=start_time]", "19:30")
    s.fill("input[name=end_time]", "21:30")
    s.select_option("select[name=minute_taker]", str(tree.member_a.pk))
    s.locator("#sec-reviews .rec-open").tap()
    target = plan.targets.get().target
    assert "Giảm hộ nghèo" in s.locator("#sec-reviews").inner_text()
    s.fill(f"input[name=progress{target.pk}_value]", "12")
    s.locator("#sec-tasks .rec-open").tap()
    s.fill("textarea[name=conclusions]", "Hoàn thành chỉ tiêu giảm hộ nghèo.")
    s.locator("#save").tap()
    s.wait_for_url(f"{base}/meetings/{meeting.pk}/")
    meeting.refresh_from_db()
    assert meeting.status == CellMeeting.Status.HELD
    (p,) = TargetProgress.objects.all()
    assert (p.target, p.value, p.meeting) == (target, 12, meeting)

    # The roll-up moved, and its list says which target.
    assert _figure(c, base, tree.commune_a, "plan_targets_on_track").startswith("1/1")
    assert "Giảm hộ nghèo" in c.locator("#rows").inner_text()
    assert c.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    on_track = registry.get("plan_targets_on_track").compute(tree.district, today())
    assert (on_track.value, on_track.of) == (1, 1)
    cell.close()
    commune.close()
