"""A secretary's phone in a village with no signal, in a real browser (Debian's Chromium through
Playwright) on a 360×740 screen, with a profile on disk so that a restart keeps what the phone
keeps. The day before, chibo is opened once with a signal; the next day, with no signal from the
first page load, the secretary records the whole meeting, reloads, restarts the browser, and the
record reaches the server, once, when the signal is back. And a record the commune changed
meanwhile is shown as a conflict, not overwritten.

The steps of the recording are counted (TAPS, TYPED) for bench/results/meeting-record-taps.md."""

import datetime
import re
from contextlib import suppress

import pytest
from playwright.sync_api import expect

from chibo.meetings.models import Attendance, CellMeeting, MeetingSubmission, Task, TaskUpdate
from chibo.meetings.record.selectors import record_context
from chibo.meetings.record.services import meeting_record
from conftest import CHROMIUM_ARGS, sign_in, sign_in_on_login_page

from .core_helpers import APRIL, MARCH, key, meeting_of, record_data

pytestmark = pytest.mark.browser
SCREEN = {"width": 360, "height": 740}
QUEUED = "Đã lưu trên máy — sẽ tự gửi khi có sóng."


@pytest.fixture
def phone(playwright, chromium, headless_shell, tmp_path, request):
    """The phone's browser: a persistent profile (cache, storage, service worker survive a
    restart: open it again). Debian's headless shell, or with `full=True` the full Chromium
    (Background Sync, which the headless shell lacks). With `restartable=False`, for a test
    that never restarts the phone: a context of the run's shared headless shell, which keeps
    the same while it is open, with no browser of its own to launch."""
    opened = []
    options = {
        "viewport": SCREEN,
        "is_mobile": True,
        "has_touch": True,
        "locale": "vi-VN",
        "service_workers": "allow",
    }

    def open_phone(full=False, restartable=True):
        if restartable:
            context = playwright.chromium.launch_persistent_context(
                str(tmp_path / "profile"),
                executable_path=chromium if full else headless_shell,
                headless=True,
                args=CHROMIUM_ARGS,
                **options,
            )
        else:
            context = request.getfixturevalue("browser").new_context(**options)
        context.set_default_timeout(30000)
        opened.append(context)
        return context

    yield open_phone
    for context in opened:
        context.close()  # (closed already where the test ends well)


def _cut(route):
    if route.request.service_worker is not None:
        route.abort("internetdisconnected")
    else:
        route.fallback()


def offline(context, off=True):
    """No signal at all (True) or the signal back (False), for the pages and the worker."""
    context.set_offline(off)
    if off:
        context.route("**/*", _cut)
    else:
        context.unroute("**/*", _cut)


def kept_pages(page) -> list[str]:
    return page.evaluate(
        """() => caches.open('chibo-pages').then(c => c.keys())
             .then(ks => ks.map(k => new URL(k.url).pathname + new URL(k.url).search))"""
    )


class Taps:
    """Counts what the secretary does: a tap (or a choice in a list) and a field typed in."""

    def __init__(self, page):
        self.page, self.taps, self.typed, self.chars = page, 0, 0, 0

    def tap(self, selector=None, locator=None):
        (locator or self.page.locator(selector)).tap()
        self.taps += 1

    def section(self, name):
        self.tap(f"#sec-{name} .rec-open")

    def fill(self, selector, text, locator=None):
        (locator or self.page.locator(selector)).fill(text)
        self.taps += 1  # into the field
        self.typed += 1
        self.chars += len(text)

    def choose(self, selector, value):
        self.page.select_option(selector, value)
        self.taps += 2  # open the list, pick


@pytest.fixture
def last_month(tree, personas):
    """March recorded with a task for a member; April (this test's meeting) is planned."""
    march = meeting_of(tree.cell_a, MARCH)
    ctx = record_context(march)
    data = record_data(
        march, ctx.roll, chair=tree.secretary_member_a.pk, minute_taker=tree.member_a.pk
    )
    data["tasks"] = [
        {
            "id": None,
            "title": "Vận động trồng cà phê",
            "owner_kind": Task.Owner.MEMBER,
            "owner_member": tree.member_a.pk,
            "owner_name": "",
            "deadline": datetime.date(2023, 4, 10),
            "target": None,
            "remove": False,
        }
    ]
    meeting_record(
        meeting=march, data=data, actor=personas["secretary_a"], submission_key=key(), version=1
    )
    # The member reported it done on time: the review comes pre-filled.
    task = Task.objects.get(meeting=march)
    report = TaskUpdate.objects.create(
        task=task, user=personas["member_a"], progress=100, note="Xong"
    )
    TaskUpdate.objects.filter(pk=report.pk).update(
        at=datetime.datetime(2023, 4, 5, tzinfo=datetime.UTC)
    )
    return march


def test_a_whole_meeting_recorded_with_no_signal_reaches_the_server_once(
    phone, live_server, fast_passwords, personas, tree, last_month
):
    april = meeting_of(tree.cell_a, APRIL)
    record_url = f"/meetings/{april.pk}/record/"
    base = live_server.url

    # The day before, with a signal: chibo opened once; the phone keeps the secretary's pages.
    context = phone()
    page = context.new_page()
    sign_in_on_login_page(page, base, "secretary_a", "/", keep_pages=True)
    page.locator("html[data-kept]").wait_for(state="attached")
    kept = kept_pages(page)
    for url in (
        "/offline/",
        f"/meetings/{april.pk}/",
        record_url,
        f"/meetings/{last_month.pk}/record/",
        f"/members/?org={tree.cell_a.pk}",
        f"/meetings/tasks/cell/{tree.cell_a.pk}/",
    ):
        assert url in kept
    assert f"/meetings/{meeting_of(tree.cell_b, APRIL).pk}/" not in kept  # others' cells: no
    context.close()

    # The day: no signal from the first page load.
    context = phone()
    offline(context)
    page = context.new_page()
    page.goto(base + "/meetings/month/")  # a page the phone does not keep
    assert "Trang này cần kết nối mạng" in page.inner_text("main")
    page.locator("#offline-list a", has_text="Ghi biên bản 04/2023").tap()
    page.wait_for_url(base + record_url)
    assert "Không có sóng" in page.inner_text("#appbar")
    assert "Phần 1/" in page.inner_text("#rec-progress")

    # The whole meeting, section by section, as a practised secretary taps it.
    t = Taps(page)
    t.fill("input[name=start_time]", "19:30")
    t.fill("input[name=end_time]", "21:15")
    t.fill("input[name=place]", "Nhà văn hóa bản")
    t.choose("select[name=minute_taker]", str(tree.secretary_member_a.pk))
    t.tap("#sec-details .rec-next")
    row = page.locator(".rec-row", has_text="Nguyễn Văn An")
    t.tap(locator=row.locator("label", has_text="Vắng có lý do"))
    t.fill(None, "Đi làm nương", locator=row.locator("input[name^=reason_]"))
    assert "Có mặt 1/2" in page.inner_text("#roll-counts")
    t.tap("#sec-attendance .rec-next")
    t.choose("select[name=guest0_kind]", "commune_police")
    t.fill("input[name=guest0_name]", "Đinh Văn Hùng")
    t.fill("textarea[name=guest0_guidance]", "Giữ an ninh mùa thu hoạch.")
    assert not page.locator("input[name=guest1_name]").is_visible()  # rows come as needed
    t.tap("#sec-guests .rec-next")
    t.fill("textarea[name=summary]", "Thu hoạch lúa xong.")
    review = page.locator(".rec-row", has_text="Vận động trồng cà phê")
    done = review.locator("label").filter(has_text=re.compile("^Hoàn thành$"))
    assert done.locator("input").is_checked()  # from the member's report: checked, not tapped
    assert review.locator("input[name$=_note]").input_value() == "100% · Xong"
    t.tap("#sec-reviews .rec-next")
    t.fill("textarea[name=speech0_gist]", "Đề nghị sửa đường.")
    t.choose("select[name=speech0_member]", str(tree.member_a.pk))
    t.tap("#sec-speeches .rec-add")
    t.choose("select[name=speech1_member]", str(tree.secretary_member_a.pk))
    t.fill("textarea[name=speech1_gist]", "Nhất trí.")
    t.tap("#sec-speeches .rec-next")
    t.fill("textarea[name=conclusions]", "Tập trung sửa đường.")
    for i, (title, owner) in enumerate(
        [("Sửa đường vào bản", f"m{tree.member_a.pk}"), ("Họp chi ủy", "committee")]
    ):
        if i:
            t.tap("#sec-tasks .rec-add")
        t.fill(f"input[name=task{i}_title]", title)
        t.choose(f"select[name=task{i}_owner]", owner)
        t.fill(f"input[name=task{i}_deadline]", "2023-05-20")
    # Beyond the server's four blank rows: a fifth task, added on the phone.
    for _ in range(3):
        t.tap("#sec-tasks .rec-add")
    t.fill("input[name=task4_title]", "Thăm hộ nghèo")
    t.choose("select[name=task4_owner]", "committee")
    t.fill("input[name=task4_deadline]", "2023-05-30")
    t.fill("textarea[name=resolution]", "Hoàn thành sửa đường trước 20/5.")
    if page.locator("#sec-scores").count():
        t.tap("#sec-tasks .rec-next")
        for field in page.locator("#sec-scores input[name^=score_]").all():
            t.fill(None, field.get_attribute("max"), locator=field)
    # Every target on the page is at least 44 px high.
    small = page.evaluate(
        """() => Array.from(document.querySelectorAll(
              '#record-form button, #record-form select, #record-form textarea, #record-form'
              + ' input:not([type=hidden]):not([type=radio]), #record-form .seg label'))
            .filter(el => el.offsetParent !== null)
            .filter(el => el.getBoundingClientRect().height < 44)
            .map(el => el.name || el.id || el.className || el.textContent)"""
    )
    assert small == []
    t.tap("#save")
    page.locator("#record-status", has_text=QUEUED).wait_for()
    assert "1 biên bản đã lưu trên máy" in page.inner_text("#appbar")
    assert not MeetingSubmission.objects.filter(meeting=april).exists()
    taps, typed, chars = t.taps, t.typed, t.chars

    # A reload with no signal: the page and everything typed are still there, waiting.
    page.reload()
    assert page.locator("input[name=task4_title]").input_value() == "Thăm hộ nghèo"
    assert page.locator("#record-status", has_text=QUEUED).count() == 1
    assert "1 biên bản đã lưu trên máy" in page.inner_text("#appbar")

    # The phone is restarted, still no signal.
    context.close()
    context = phone()
    offline(context)
    page = context.new_page()
    page.goto(base + record_url)
    assert page.locator("input[name=place]").input_value() == "Nhà văn hóa bản"
    assert page.locator("input[name=task4_title]").input_value() == "Thăm hộ nghèo"
    page.locator("#record-status", has_text=QUEUED).wait_for()
    assert not MeetingSubmission.objects.filter(meeting=april).exists()

    # The signal comes back. The browser's restart ended the session (it ends with the
    # browser): chibo says to sign in again; after that the record goes by itself.
    offline(context, False)
    login = page.locator("#appbar a", has_text="đăng nhập lại")
    detail = base + f"/meetings/{april.pk}/"
    login.wait_for()
    assert page.url == base + record_url
    assert not MeetingSubmission.objects.filter(meeting=april).exists()
    login.tap()
    page.fill("#id_username", "secretary_a")
    page.fill("#id_password", "pw-secretary_a")
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_url(detail)
    assert "Đã lưu biên bản." in page.inner_text("main")
    assert "máy chủ đã nhận" in page.inner_text("#appbar")

    april.refresh_from_db()
    assert april.status == CellMeeting.Status.HELD and april.version == 2
    assert (april.summoned, april.present, april.absent_excused) == (2, 1, 1)
    assert (april.start_time, april.end_time) == (datetime.time(19, 30), datetime.time(21, 15))
    assert MeetingSubmission.objects.filter(meeting=april).count() == 1
    assert Attendance.objects.get(meeting=april, member=tree.member_a).reason == "Đi làm nương"
    assert sorted(april.tasks.values_list("title", flat=True)) == [
        "Họp chi ủy",
        "Sửa đường vào bản",
        "Thăm hộ nghèo",
    ]
    gists = list(april.speeches.values_list("gist", flat=True))
    assert gists == ["Đề nghị sửa đường.", "Nhất trí."]
    assert list(april.guests.values_list("name", flat=True)) == ["Đinh Văn Hùng"]
    assert Task.objects.get(title="Vận động trồng cà phê").state == Task.State.DONE
    context.close()
    print(f"\nTAPS={taps} TYPED={typed} CHARS={chars}")


def typing_with_no_signal(context, base, record_url):
    """The secretary's record page kept on the phone with a signal, then opened again with none,
    its times typed: the page, for the rest of the record and its saving."""
    page = context.new_page()
    sign_in(page, base, "secretary_a", record_url, keep_pages=True)
    page.locator("html[data-kept]").wait_for(state="attached")
    offline(context)
    page.reload()
    page.fill("input[name=start_time]", "19:00")
    page.fill("input[name=end_time]", "21:00")
    return page


def test_a_record_the_commune_changed_meanwhile_is_a_conflict_not_overwritten(
    phone, live_server, fast_passwords, personas, tree
):
    april = meeting_of(tree.cell_a, APRIL)
    record_url = f"/meetings/{april.pk}/record/"
    base = live_server.url
    context = phone(restartable=False)
    page = typing_with_no_signal(context, base, record_url)
    page.locator("#sec-tasks .rec-open").tap()
    page.fill("textarea[name=conclusions]", "Bản của bí thư.")
    page.locator("#save").tap()
    page.locator("#record-status", has_text=QUEUED).wait_for()

    # Meanwhile the commune records the meeting from its office.
    data = record_data(
        april,
        record_context(april).roll,
        conclusions="Bản của Đảng ủy.",
        chair=tree.secretary_member_a.pk,
        minute_taker=tree.member_a.pk,
    )
    meeting_record(
        meeting=april, data=data, actor=personas["commune"], submission_key=key(), version=1
    )

    offline(context, False)
    page.locator("#conflict").wait_for()
    assert page.locator("#old-draft").is_visible()
    april.refresh_from_db()
    assert april.version == 2 and april.conclusions == "Bản của Đảng ủy."
    assert MeetingSubmission.objects.filter(meeting=april).count() == 1
    # The newest record is on the page; what the secretary typed is kept and offered back.
    assert page.locator("input[name=version]").input_value() == "2"
    page.locator("#sec-tasks .rec-open").tap()
    assert page.locator("textarea[name=conclusions]").input_value() == "Bản của Đảng ủy."
    page.locator("#restore-old").tap()
    # Both wrote conclusions (and times): the commune's stay, hers are named; she takes hers.
    # (A tap's click comes after the touch: the page is read once it has run.)
    both = page.locator("#both-changed li")
    expect(both).to_have_count(3)
    assert page.locator("textarea[name=conclusions]").input_value() == "Bản của Đảng ủy."
    both.filter(has_text="Bản của bí thư.").locator("button").tap()
    expect(page.locator("textarea[name=conclusions]")).to_have_value("Bản của bí thư.")
    april.refresh_from_db()
    assert april.conclusions == "Bản của Đảng ủy."  # nothing sent until the secretary saves
    # The secretary saves her text (the minute taker she had not chosen yet too) over the
    # newest version, once.
    page.locator("#sec-details .rec-open").tap()
    page.select_option("select[name=minute_taker]", str(tree.member_a.pk))
    page.locator("#save").tap()
    page.wait_for_url(f"{base}/meetings/{april.pk}/")
    april.refresh_from_db()
    assert april.version == 3 and april.conclusions == "Bản của bí thư."
    assert MeetingSubmission.objects.filter(meeting=april).count() == 2
    context.close()


def test_a_send_left_unanswered_is_given_up_and_the_next_try_sends_the_record_once(
    phone, live_server, fast_passwords, personas, tree
):
    """The signal dies mid-send (the request goes and nothing comes back): the page gives it up
    after its wait, and the next try sends the record, once. (A request that hung held every
    record behind it until the secretary opened another page.)"""
    april = meeting_of(tree.cell_a, APRIL)
    record_url = f"/meetings/{april.pk}/record/"
    base = live_server.url
    context = phone(restartable=False)
    context.add_init_script("window.chiboSyncWait = 1000;")
    page = typing_with_no_signal(context, base, record_url)
    page.select_option("select[name=minute_taker]", str(tree.member_a.pk))
    page.locator("#save").tap()
    page.locator("#record-status", has_text=QUEUED).wait_for()
    page.goto(base + f"/meetings/{april.pk}/")  # kept: every page sends what waits

    held = []

    def first_never_answered(route):
        if route.request.method == "POST" and not held:
            held.append(route)  # it went; no answer comes back
        else:
            route.fallback()

    page.route(base + record_url, first_never_answered)
    with page.expect_event("requestfailed", timeout=10_000) as given_up:
        offline(context, False)  # the signal is back: the page sends, and waits in vain
    assert given_up.value.url == base + record_url and len(held) == 1
    assert not MeetingSubmission.objects.filter(meeting=april).exists()

    # The next try (the signal coming back again) sends it, and its answer comes.
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.evaluate("window.dispatchEvent(new Event('online'))")
    assert answer.value.status == 200
    page.locator("#appbar", has_text="máy chủ đã nhận").wait_for()
    april.refresh_from_db()
    assert april.status == CellMeeting.Status.HELD and april.start_time == datetime.time(19, 0)
    assert MeetingSubmission.objects.filter(meeting=april).count() == 1
    with suppress(Exception):
        held[0].abort()
    context.close()


def test_a_record_queued_on_the_phone_is_sent_by_background_sync_with_the_page_closed(
    phone, live_server, fast_passwords, personas, tree
):
    """Where the browser has Background Sync, the service worker sends the records waiting when
    the signal returns, with no chibo page open; the next page opened says it was received."""
    april = meeting_of(tree.cell_a, APRIL)
    record_url = f"/meetings/{april.pk}/record/"
    base = live_server.url
    context = phone(full=True)
    page = typing_with_no_signal(context, base, record_url)
    assert page.evaluate("'sync' in ServiceWorkerRegistration.prototype")
    page.select_option("select[name=minute_taker]", str(tree.member_a.pk))
    page.locator("#sec-tasks .rec-open").tap()
    page.fill("textarea[name=conclusions]", "Sửa đường vào bản.")
    page.locator("#save").tap()
    page.locator("#record-status", has_text=QUEUED).wait_for()
    # The record waits where the worker reads it, and a sync is asked for.
    page.wait_for_function(
        """() => new Promise(ok => {
             const req = indexedDB.open('chibo', 1);
             req.onsuccess = () => req.result.transaction('outbox').objectStore('outbox')
               .getAll().onsuccess = e => ok(e.target.result.some(r => r.state === 'queued'));
           })"""
    )
    page.wait_for_function(
        """() => navigator.serviceWorker.ready.then(r => r.sync.getTags())
             .then(tags => tags.includes('chibo-records'))"""
    )

    # The page is closed (the browser stays open, as a phone's does).
    page.close()
    assert not MeetingSubmission.objects.filter(meeting=april).exists()

    # The signal comes back: the browser fires the sync by itself, the worker sends the record
    # (its answer awaited before the database is read: the live server's SQLite is shared).
    def sent(response):
        request = response.request
        return request.method == "POST" and request.service_worker is not None

    with context.expect_event("response", predicate=sent, timeout=30000) as answer:
        offline(context, False)
    assert answer.value.url == base + record_url and answer.value.status == 200
    april.refresh_from_db()
    assert april.status == CellMeeting.Status.HELD and april.version == 2
    assert (april.start_time, april.end_time) == (datetime.time(19, 0), datetime.time(21, 0))
    assert april.conclusions == "Sửa đường vào bản."

    # The next chibo page says the record was received, and does not send it again.
    posts = []
    context.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page = context.new_page()
    page.goto(base + f"/meetings/{april.pk}/")
    page.locator("#appbar", has_text="máy chủ đã nhận").wait_for()
    page.wait_for_load_state("networkidle")
    drafts = "Object.keys(localStorage).filter(k => k.startsWith('chibo:meeting:')).length"
    assert page.evaluate(drafts) == 0
    context.close()
    assert posts == []
    assert MeetingSubmission.objects.filter(meeting=april).count() == 1


def test_a_keeping_cut_short_by_the_next_page_goes_on_where_it_stopped_in_one_tab(
    phone, live_server, fast_passwords, personas, tree
):
    """On a weak signal the secretary moves on before her pages are all kept: the next page
    keeps those not kept yet, not the first ones again; and with two tabs opened at once, only
    one of them keeps (each page fetched once)."""
    base = live_server.url
    list_url = base + "/meetings/offline/pages.json"
    context = phone(restartable=False)
    fetched, held, cut = [], [], {"after": 3}

    def kept_by_a_page(request):
        # The keeping's fetches, made by a page (the worker's own fetches are left out).
        return (
            request.resource_type == "fetch"
            and request.service_worker is None
            and request.url != list_url
        )

    def slow(route):
        if cut["after"] is not None and kept_by_a_page(route.request):
            if len(fetched) >= cut["after"]:
                held.append(route)  # no answer: the signal is too weak for this one
                return
            fetched.append(route.request.url)
        route.fallback()

    context.route("**/*", slow)
    page = context.new_page()
    sign_in(page, base, "secretary_a", "/", keep_pages=True)
    # Three pages kept, the fourth on its way: the secretary opens two other pages.
    for _ in range(600):
        if held:
            break
        page.wait_for_timeout(50)
    assert held
    first = list(fetched)
    cut["after"] = None
    later = []
    context.on("request", lambda r: later.append(r.url) if kept_by_a_page(r) else None)
    page.goto(base + "/meetings/month/")
    other = context.new_page()
    other.goto(base + f"/members/?org={tree.cell_a.pk}")
    for route in held:
        with suppress(Exception):
            route.abort()  # (cancelled with its page already)
    page.wait_for_function("() => localStorage.getItem('chibo:offline') !== null")

    listed = page.evaluate(
        """() => fetch('/meetings/offline/pages.json').then(r => r.json())
             .then(l => [l.offline].concat(l.pages.map(p => p.url), l.assets)
                       .map(u => new URL(u, location.href).href))"""
    )
    assert len(first) == 3 and first == listed[:3]
    assert sorted(later) == sorted(listed[3:])  # each once, none of the first three again
    assert {base + u for u in kept_pages(page)} == set(listed)
    context.close()


def test_a_page_the_signal_did_not_bring_is_not_listed_and_is_asked_for_again_alone(
    phone, live_server, fast_passwords, personas, tree
):
    """One of the secretary's pages fails to come while her pages are kept: the offline list
    does not name it (it is not on the phone), and the next keeping asks for it alone, not for
    the pages kept already."""
    base = live_server.url
    list_url = base + "/meetings/offline/pages.json"
    context = phone(restartable=False)
    lost = {"url": None, "signal": False}
    asked = []

    def kept_by_a_page(request):
        return (
            request.resource_type == "fetch"
            and request.service_worker is None
            and request.url != list_url
        )

    def weak(route):
        if kept_by_a_page(route.request):
            asked.append(route.request.url)
            # The keeping asks for the offline page, then the user's pages: the second is lost.
            if not lost["signal"] and (len(asked) == 3 or route.request.url == lost["url"]):
                lost["url"] = route.request.url
                route.abort()
                return
        route.fallback()

    context.route("**/*", weak)
    page = context.new_page()
    sign_in(page, base, "secretary_a", "/", keep_pages=True)
    page.wait_for_function("() => localStorage.getItem('chibo:offline') !== null")
    pages = page.evaluate("() => fetch('/meetings/offline/pages.json').then(r => r.json())")
    assert len(pages["pages"]) >= 2 and lost["url"] == base + pages["pages"][1]["url"]
    listed = page.evaluate("() => JSON.parse(localStorage.getItem('chibo:offline'))")
    assert [p["url"] for p in listed["pages"]] == [
        p["url"] for i, p in enumerate(pages["pages"]) if i != 1
    ]
    assert pages["pages"][1]["url"] not in kept_pages(page)

    # The signal is back: the next page keeps the one missing, and only that one.
    lost["signal"] = True
    asked.clear()
    page.goto(base + "/meetings/month/")
    page.wait_for_function(
        "n => JSON.parse(localStorage.getItem('chibo:offline')).pages.length == n",
        arg=len(pages["pages"]),
    )
    assert asked == [lost["url"]]
    assert pages["pages"][1]["url"] in kept_pages(page)
    context.close()
