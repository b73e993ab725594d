"""In a real browser on a phone-sized screen: the secretary records a meeting, the connection drops
once at the moment of sending, the page keeps the input and says so, the connection returns and
the record is sent by itself and saved exactly once. Drives Debian's Chromium through Playwright.
(With no signal from the first page load of the day: test_browser_offline.)"""

from contextlib import contextmanager, suppress

import pytest
from playwright.sync_api import expect

from chibo.meetings.models import Attendance, CellMeeting, MeetingSubmission, Task
from chibo.meetings.record.selectors import record_context
from chibo.meetings.record.services import meeting_record
from conftest import PHONE, between_requests, sign_in

from .core_helpers import key as fresh_key
from .core_helpers import meeting_of, record_data

pytestmark = pytest.mark.browser
OFFLINE = "Đã lưu trên máy — sẽ tự gửi khi có sóng."


def section(page, name):
    """Open a section of the record page (one is open at a time)."""
    page.locator(f"#sec-{name} .rec-open").tap()


def drafts(page):
    return page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('chibo:meeting:'))"
    )


def test_secretary_records_a_meeting_through_a_dropped_connection(
    browser, live_server, fast_passwords, personas, tree, tmp_path
):
    meeting = meeting_of(tree.cell_a)
    url = f"/meetings/{meeting.pk}/record/"
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    context.set_default_timeout(60000)
    page = context.new_page()
    sign_in(page, live_server.url, "secretary_a", url)
    assert page.url == f"{live_server.url}{url}"
    assert "Phần 1/" in page.locator("#rec-progress").inner_text()
    section(page, "attendance")
    assert "Lò Thị Ánh" in page.locator("#sec-attendance").inner_text()
    key = page.locator("input[name=submission_key]").input_value()
    assert drafts(page) == [f"chibo:meeting:{meeting.pk}:v1"]

    # One-handed: big segmented buttons for the roll call; the absent one gets a reason.
    row = page.locator(".rec-row", has_text="Nguyễn Văn An")
    row.locator("label", has_text="Vắng có lý do").tap()
    row.locator("input[name^=reason_]").fill("Đi làm nương")
    section(page, "details")
    page.fill("input[name=start_time]", "19:30")
    page.fill("input[name=end_time]", "21:30")
    page.select_option("select[name=minute_taker]", str(tree.secretary_member_a.pk))
    section(page, "tasks")
    page.fill("input[name=task0_title]", "Sửa đường vào bản")
    page.select_option("select[name=task0_owner]", f"m{tree.member_a.pk}")
    page.fill("input[name=task0_deadline]", "2023-04-20")
    page.fill("textarea[name=conclusions]", "Tập trung sửa đường.")
    assert "Có mặt 1/2" in page.locator("#roll-counts").inner_text()
    assert "120 phút" in page.locator("#duration").inner_text()

    # A reload (the phone slept, the tab was reopened) brings the input back, same key, and
    # the section the secretary was in.
    page.reload()
    assert page.locator("input[name=task0_title]").is_visible()
    assert page.locator("input[name=start_time]").input_value() == "19:30"
    assert page.locator("input[name=task0_title]").input_value() == "Sửa đường vào bản"
    assert (
        page.locator(".rec-row", has_text="Nguyễn Văn An")
        .locator("input[name^=reason_]")
        .input_value()
        == "Đi làm nương"
    )
    assert page.locator("input[name=submission_key]").input_value() == key

    # The page fits the phone, a small one too.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    section(page, "attendance")
    page.locator("#sec-attendance").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "roll-call-360.png"))
    # Zoomed to twice the text (half the width and height in CSS pixels): the save bar stays a
    # strip, its button on one line (side by side with the status it took a third of the screen).
    page.set_viewport_size({"width": 180, "height": 370})
    bar, button = (page.locator(s).bounding_box() for s in (".savebar", "#save"))
    status = page.locator("#record-status").inner_text()
    page.screenshot(path=str(tmp_path / "save-bar-zoomed.png"))
    assert bar["height"] <= 370 * (0.3 if status else 0.17), (bar, status)
    assert 44 <= button["height"] < 60 and button["width"] > 150, button
    assert page.evaluate("document.documentElement.scrollWidth") <= 180  # the header wraps
    page.set_viewport_size(PHONE)

    # A mistake: the server's answer replaces the page in place, input kept, nothing saved.
    section(page, "details")
    page.fill("input[name=end_time]", "19:00")
    page.locator("#save").tap()
    page.locator("#errors", has_text="Giờ kết thúc phải sau giờ bắt đầu.").wait_for()
    assert page.locator("input[name=task0_title]").input_value() == "Sửa đường vào bản"
    assert page.locator("input[name=submission_key]").input_value() == key
    assert not MeetingSubmission.objects.exists()
    assert page.locator("input[name=end_time]").is_visible()  # the section with the mistake
    page.fill("input[name=end_time]", "21:30")

    # The connection drops as the secretary taps "Lưu biên bản".
    context.set_offline(True)
    page.locator("#save").tap()
    status = page.locator("#record-status")
    status.filter(has_text=OFFLINE).wait_for()
    assert page.url == f"{live_server.url}{url}"
    assert page.locator("textarea[name=conclusions]").input_value() == "Tập trung sửa đường."
    assert drafts(page) == [f"chibo:meeting:{meeting.pk}:v1"]
    meeting.refresh_from_db()
    assert meeting.status == CellMeeting.Status.PLANNED and not MeetingSubmission.objects.exists()
    page.screenshot(path=str(tmp_path / "offline.png"), full_page=False)

    # The connection returns; the record goes by itself.
    context.set_offline(False)
    page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/")
    assert "Đã lưu biên bản." in page.content()
    assert drafts(page) == []

    meeting.refresh_from_db()
    assert meeting.status == CellMeeting.Status.HELD and meeting.version == 2
    assert (meeting.summoned, meeting.present, meeting.absent_excused) == (2, 1, 1)
    assert MeetingSubmission.objects.filter(meeting=meeting).count() == 1
    assert str(MeetingSubmission.objects.get().key) == key
    assert Attendance.objects.get(member=tree.member_a).reason == "Đi làm nương"
    assert list(Task.objects.values_list("title", flat=True)) == ["Sửa đường vào bản"]
    context.close()


# --- a signal that comes back weak, or dies mid-send -------------------------------------------
# The record page's waits are shortened for these (meeting-record.js reads them before it runs):
# a try with no answer is given up after TIMEOUT ms, a record waiting is tried again every RETRY.
TIMES = "window.chiboRecordTimes = {timeout: %d, retry: %d};"
TIMED_OUT = "Máy chủ chưa trả lời (sóng yếu). Biên bản đã lưu trên máy — sẽ tự gửi lại khi có sóng."


def phone_on_record_page(browser, live_server, tree, meeting, *, timeout=1500, retry=300):
    """A phone on the record page of `meeting`, with a record ready to save."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    context.set_default_timeout(8000)
    context.add_init_script(TIMES % (timeout, retry))
    page = context.new_page()
    sign_in(page, live_server.url, "secretary_a", f"/meetings/{meeting.pk}/record/")
    page.fill("input[name=start_time]", "19:30")
    page.fill("input[name=end_time]", "21:30")
    page.select_option("select[name=minute_taker]", str(tree.secretary_member_a.pk))
    section(page, "tasks")
    page.fill("textarea[name=conclusions]", "Tập trung sửa đường.")
    return context, page


def test_a_record_saved_offline_is_sent_when_the_signal_comes_back_weak(
    browser, live_server, fast_passwords, personas, tree
):
    """The signal returns but the first requests fail (a weak signal fires one `online` event):
    the page tries again by itself, with no other page and no service worker, and the record is
    saved once."""
    meeting = meeting_of(tree.cell_a)
    context, page = phone_on_record_page(browser, live_server, tree, meeting)
    key = page.locator("input[name=submission_key]").input_value()
    context.set_offline(True)
    page.locator("#save").tap()
    page.locator("#record-status", has_text=OFFLINE).wait_for()

    failed = []

    def weak(route):
        if len(failed) < 3:
            failed.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.fallback()

    page.route("**/*", weak)
    context.set_offline(False)
    page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/")
    assert len(failed) == 3
    assert "Đã lưu biên bản." in page.content()
    assert drafts(page) == []
    meeting.refresh_from_db()
    assert meeting.status == CellMeeting.Status.HELD
    assert meeting.conclusions == "Tập trung sửa đường."
    assert [str(s.key) for s in MeetingSubmission.objects.filter(meeting=meeting)] == [key]
    context.close()


@contextmanager
def first_answer_lost(page, url):
    """Inside the block, the first POST to `url` reaches the server (it saves it), and its answer
    never reaches the phone; that request is dropped when the block ends."""
    held = []

    def lost_answer(route):
        if route.request.method == "POST" and route.request.url == url and not held:
            route.fetch()  # the server saves it...
            held.append(route)  # ...and its answer never reaches the phone
        else:
            route.fallback()

    page.route("**/*", lost_answer)
    try:
        yield
    finally:
        for route in held:
            with suppress(Exception):
                route.abort()


def test_a_send_with_no_answer_gives_up_says_the_record_is_kept_and_is_sent_once_later(
    browser, live_server, fast_passwords, personas, tree
):
    """The signal dies mid-send: the server got the record but its answer never comes. The page
    stops waiting, says the record is kept on the phone, lets the secretary tap again; the next
    try (same submission key) finds it saved and nothing is written twice."""
    meeting = meeting_of(tree.cell_a)
    # No try by itself for this part (the test above has them): the secretary's taps alone.
    context, page = phone_on_record_page(browser, live_server, tree, meeting, retry=600000)
    key = page.locator("input[name=submission_key]").input_value()
    with first_answer_lost(page, f"{live_server.url}/meetings/{meeting.pk}/record/"):
        page.locator("#save").tap()
        status = page.locator("#record-status")
        status.filter(has_text="Đang gửi…").wait_for()
        assert page.locator("#save").is_disabled()
        status.filter(has_text=TIMED_OUT).wait_for()
        assert page.locator("#save").is_enabled()
        assert page.locator("input[name=submission_key]").input_value() == key
        assert MeetingSubmission.objects.filter(meeting=meeting).count() == 1

        page.locator("#save").tap()  # as the next try would: the same key
        page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/")
        assert "Biên bản này đã được lưu từ lần gửi trước; không ghi thêm." in page.content()
        assert [str(s.key) for s in MeetingSubmission.objects.filter(meeting=meeting)] == [key]
        meeting.refresh_from_db()
        assert meeting.version == 2
    context.close()


def test_an_edit_after_a_send_with_no_answer_is_never_dropped_as_a_repeat(
    browser, live_server, fast_passwords, personas, tree
):
    """The server got a send whose answer never came; the secretary then changes the record and
    taps again. Under the first send's key the server would find its result and keep nothing
    of the change: the change makes a new key, and as the record was saved meanwhile (the first
    send) it is a conflict, her change offered back, never lost and never saved twice."""
    meeting = meeting_of(tree.cell_a)
    context, page = phone_on_record_page(browser, live_server, tree, meeting, retry=600000)
    key = page.locator("input[name=submission_key]").input_value()
    with first_answer_lost(page, f"{live_server.url}/meetings/{meeting.pk}/record/"):
        page.locator("#save").tap()
        page.locator("#record-status").filter(has_text=TIMED_OUT).wait_for()
        section(page, "tasks")
        page.fill("textarea[name=conclusions]", "Kết luận sửa sau khi mất sóng.")
        assert page.locator("input[name=submission_key]").input_value() != key
        page.locator("#save").tap()
        conflict = page.locator("#conflict")
        conflict.wait_for()
        page.locator("#restore-old").tap()
        # The first send's conclusions are the record's now; hers since are named, one tap away.
        both = page.locator("#both-changed")
        # (a tap's click comes after the touch: the list is read once it has run)
        expect(both).to_contain_text("Kết luận sửa sau khi mất sóng.")
        both.locator("li button").tap()
        section(page, "tasks")
        expect(page.locator("textarea[name=conclusions]")).to_have_value(
            "Kết luận sửa sau khi mất sóng."
        )
        assert MeetingSubmission.objects.filter(meeting=meeting).count() == 1
        meeting.refresh_from_db()
        assert meeting.version == 2 and meeting.conclusions != "Kết luận sửa sau khi mất sóng."
    context.close()


def test_after_a_conflict_only_what_the_secretary_changed_comes_back_and_clashes_are_named(
    browser, live_server, fast_passwords, personas, tree
):
    """The commune saved the record while the secretary typed hers: «Khôi phục» puts back what
    she changed on the phone, leaves what only the commune changed, and names the fields both
    changed (the commune's stays until she takes hers)."""
    meeting = meeting_of(tree.cell_a)
    context, page = phone_on_record_page(browser, live_server, tree, meeting, retry=600000)
    section(page, "attendance")
    row = page.locator(".rec-row", has_text="Nguyễn Văn An")
    row.locator("label", has_text="Vắng có lý do").tap()
    row.locator("input[name^=reason_]").fill("Đi làm nương")

    # Meanwhile the commune records the meeting from its office: a summary, its conclusions.
    with between_requests():
        data = record_data(
            meeting,
            record_context(meeting).roll,
            summary="Bản bổ sung của xã.",
            conclusions="Bản của Đảng ủy.",
            chair=tree.secretary_member_a.pk,
            minute_taker=tree.secretary_member_a.pk,
        )
        meeting_record(
            meeting=meeting,
            data=data,
            actor=personas["commune"],
            submission_key=fresh_key(),
            version=1,
        )

    page.locator("#save").tap()
    conflict = page.locator("#conflict")
    conflict.wait_for()
    assert "Trang đã được mở lại với bản mới nhất." in conflict.inner_text()
    assert "Hãy mở lại trang" not in conflict.inner_text()
    page.locator("#restore-old").tap()

    # Hers, changed on the phone only: back. The commune's alone: kept.
    section(page, "attendance")
    row = page.locator(".rec-row", has_text="Nguyễn Văn An")
    assert row.locator("input[value=excused]").is_checked()
    assert row.locator("input[name^=reason_]").input_value() == "Đi làm nương"
    section(page, "reviews")
    assert page.locator("textarea[name=summary]").input_value() == "Bản bổ sung của xã."
    # Both changed: the commune's stays, hers is named and offered.
    both = page.locator("#both-changed")
    assert both.is_visible()
    assert both.locator("li").count() == 1
    assert "Tập trung sửa đường." in both.inner_text()
    section(page, "tasks")
    assert page.locator("textarea[name=conclusions]").input_value() == "Bản của Đảng ủy."
    both.locator("li button").tap()
    expect(page.locator("textarea[name=conclusions]")).to_have_value("Tập trung sửa đường.")
    expect(both).to_be_hidden()

    page.locator("#save").tap()
    page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/")
    meeting.refresh_from_db()
    assert meeting.version == 3
    assert meeting.summary == "Bản bổ sung của xã."
    assert meeting.conclusions == "Tập trung sửa đường."
    assert Attendance.objects.get(meeting=meeting, member=tree.member_a).reason == "Đi làm nương"
    context.close()
