"""In a real browser on a phone-sized screen: a member sees the unread invitation in the top bar,
opens it, lands on the meeting on their own page and reports progress on their task."""

import datetime

import pytest

from chibo.accounts.models import Notification
from chibo.core.dates import today
from chibo.meetings.models import Task, TaskUpdate
from conftest import PHONE, sign_in

from .test_member import DAY, make_meeting, make_task  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_passwords"),
]


def test_member_opens_the_invitation_and_reports_on_a_phone(
    browser, live_server, personas, tree, tmp_path
):
    on = today()
    meeting = make_meeting(
        tree.cell_a,
        on + 5 * DAY,
        start_time=datetime.time(19, 30),
        place="Nhà văn hóa bản Áng",
    )
    task = make_task(meeting, "Vận động hộ nghèo", owner=tree.member_a, deadline=on - DAY)
    Notification.objects.create(
        user=personas["member_a"],
        kind="invitation",
        text="Giấy mời sinh hoạt",
        url=f"/meetings/my/#meeting-{meeting.pk}",
        key=f"meeting:{meeting.pk}:invitation",
    )
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server.url, "member_a", "/accounts/notifications/")
    assert page.is_visible("text=Thông báo (1)")
    with page.expect_navigation():
        page.click("button:has-text('Giấy mời sinh hoạt')")
    assert page.url.endswith(f"/meetings/my/#meeting-{meeting.pk}")
    assert page.is_visible("text=Thông báo (0)")
    assert page.is_visible("text=Nhà văn hóa bản Áng")
    card = page.locator(f"#task-{task.pk}")
    assert card.locator("text=Quá hạn").is_visible()
    card.locator("input[name=progress]").fill("60")
    card.locator("textarea[name=note]").fill("Đã gặp 4 hộ")
    with page.expect_navigation():
        card.locator("button:has-text('Báo cáo tiến độ')").click()
    page.screenshot(path=str(tmp_path / "my.png"), full_page=True)
    assert page.is_visible("text=Đã ghi báo cáo tiến độ 60%")
    assert Task.objects.get(pk=task.pk).progress == 60
    assert TaskUpdate.objects.get(task=task).note == "Đã gặp 4 hộ"
    # nothing wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
