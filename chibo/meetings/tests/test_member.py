"""A member's own page, progress reports on tasks, the cell task board and the calendar feed page
(the inbox: chibo/accounts/tests/test_notifications.py): the report rules, scope for every
persona (allowed, read-only, another member, outsider: 404) with the database state after, and
query counts at two sizes."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from chibo.accounts.models import Notification, RoleAssignment
from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.meetings.member import services
from chibo.meetings.models import (
    AgendaItem,
    CalendarFeed,
    CellMeeting,
    Material,
    Task,
    TaskUpdate,
)
from conftest import login_client, make_member, shared

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def month_of(d: datetime.date) -> datetime.date:
    return d.replace(day=1)


def make_meeting(cell, on: datetime.date, **fields) -> CellMeeting:
    kind = fields.pop("kind", CellMeeting.Kind.REGULAR)
    return CellMeeting.objects.create(
        cell=cell, month=month_of(on), kind=kind, scheduled_date=on, **fields
    )


def make_task(meeting, title, *, owner=None, deadline, kind=None, **fields) -> Task:
    return Task.objects.create(
        cell=meeting.cell,
        meeting=meeting,
        title=title,
        owner_kind=kind or (Task.Owner.MEMBER if owner else Task.Owner.COMMITTEE),
        owner_member=owner,
        deadline=deadline,
        **fields,
    )


@shared
def world(tree, personas):
    """Cell A: last month's meeting (held), next meeting in 10 days with an agenda and a topic;
    tasks of member A (one open, one overdue, one reviewed), of the secretary and the committee.
    Cell B: a meeting and a task of member B."""
    on = today()
    past = make_meeting(
        tree.cell_a,
        on - 20 * DAY,
        status=CellMeeting.Status.HELD,
        held_on=on - 20 * DAY,
    )
    if month_of(past.month) == month_of(on):
        past.month = month_of(on - 40 * DAY)
        past.save()
    nxt = make_meeting(
        tree.cell_a,
        on + 10 * DAY,
        start_time=datetime.time(19, 30),
        end_time=datetime.time(21, 30),
        place="Nhà văn hóa bản Áng",
        topic="Học tập Chỉ thị 50",
    )
    AgendaItem.objects.create(meeting=nxt, section="opening", order=1, title="Khai mạc")
    AgendaItem.objects.create(meeting=nxt, section="business", order=2, title="Bàn việc làm đường")
    AgendaItem.objects.create(
        meeting=nxt, section="business", order=3, title="Mục đã bỏ", removed=True
    )
    other = make_meeting(tree.cell_b, on + 11 * DAY, place="Nhà văn hóa bản Bó")
    tasks = {
        "open": make_task(past, "Vận động hộ nghèo", owner=tree.member_a, deadline=on + 5 * DAY),
        "overdue": make_task(past, "Sửa kênh mương", owner=tree.member_a, deadline=on - 3 * DAY),
        "reviewed": make_task(
            past,
            "Thu đảng phí",
            owner=tree.member_a,
            deadline=on - 30 * DAY,
            state=Task.State.DONE,
            reviewed_at=past,
            progress=100,
        ),
        "secretary": make_task(
            past, "Chuẩn bị nghị quyết", owner=tree.secretary_member_a, deadline=on + 2 * DAY
        ),
        "committee": make_task(past, "Kiểm tra đường bản", deadline=on - 1 * DAY),
        "b": make_task(other, "Nhiệm vụ bản Bó", owner=tree.member_b, deadline=on - 2 * DAY),
    }
    return {"on": on, "past": past, "next": nxt, "other": other, "tasks": tasks}


# --- the report rules ---------------------------------------------------------------------------


def test_owner_reports_progress(world, personas):
    task = world["tasks"]["open"]
    update = services.task_progress_report(
        task=task, progress=40, note="Đã gặp 3 hộ", actor=personas["member_a"]
    )
    task.refresh_from_db()
    assert task.progress == 40 and task.state == Task.State.OPEN
    assert (update.user, update.progress, update.note) == (personas["member_a"], 40, "Đã gặp 3 hộ")
    event = AuditEvent.objects.get(object_type="meetings.task", object_id=str(task.pk))
    assert event.actor == personas["member_a"]
    assert event.changes == {"progress": [0, 40]} and event.note == "Đã gặp 3 hộ"


@pytest.mark.parametrize("who", ["secretary_a", "commune", "admin"])
def test_a_writer_of_the_cell_reports_for_the_owner(world, personas, who):
    task = world["tasks"]["open"]
    services.task_progress_report(task=task, progress=10, note="", actor=personas[who])
    assert TaskUpdate.objects.get(task=task).user == personas[who]


@pytest.mark.parametrize("who", ["analyst", "official", "secretary_b", "member_a"])
def test_others_may_not_report(world, personas, who):
    task = world["tasks"]["secretary"]  # member A does not own it
    with pytest.raises(services.NotAllowed):
        services.task_progress_report(task=task, progress=10, note="x", actor=personas[who])
    assert not TaskUpdate.objects.exists()
    assert Task.objects.get(pk=task.pk).progress == 0
    assert not AuditEvent.objects.filter(object_type="meetings.task").exists()


def test_an_owner_whose_roles_ended_may_not_report(world, personas):
    RoleAssignment.objects.filter(user=personas["member_a"]).update(valid_to=today())
    user = type(personas["member_a"]).objects.get(pk=personas["member_a"].pk)
    with pytest.raises(services.NotAllowed):
        services.task_progress_report(task=world["tasks"]["open"], progress=5, note="", actor=user)


def test_a_reviewed_task_takes_no_report(world, personas):
    task = world["tasks"]["reviewed"]
    with pytest.raises(ValidationError) as e:
        services.task_progress_report(task=task, progress=100, note="x", actor=personas["member_a"])
    assert "đã được đánh giá (hoàn thành)" in str(e.value)
    assert not TaskUpdate.objects.exists()


@pytest.mark.parametrize(
    "progress, note, field",
    [(101, "", "progress"), (-1, "", "progress"), ("abc", "", "progress"), (30, "x" * 501, "note")],
)
def test_bad_reports(world, personas, progress, note, field):
    task = world["tasks"]["open"]
    with pytest.raises(ValidationError) as e:
        services.task_progress_report(
            task=task, progress=progress, note=note, actor=personas["member_a"]
        )
    assert field in e.value.error_dict
    assert not TaskUpdate.objects.exists()


def test_progress_goes_back_only_with_a_reason_and_says_something(world, personas):
    task, actor = world["tasks"]["open"], personas["member_a"]
    services.task_progress_report(task=task, progress=60, note="", actor=actor)
    with pytest.raises(ValidationError) as e:
        services.task_progress_report(task=task, progress=40, note="  ", actor=actor)
    assert "hãy ghi lý do" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.task_progress_report(task=task, progress=60, note="", actor=actor)
    assert "Tiến độ không đổi" in str(e.value)
    services.task_progress_report(task=task, progress=60, note="Chờ vật liệu", actor=actor)
    services.task_progress_report(task=task, progress=40, note="Mưa lũ cuốn đoạn kênh", actor=actor)
    task.refresh_from_db()
    assert task.progress == 40
    assert list(TaskUpdate.objects.values_list("progress", flat=True)) == [60, 60, 40]
    # 100% does not close the task: the next meeting reviews it.
    services.task_progress_report(task=task, progress=100, note="", actor=actor)
    task.refresh_from_db()
    assert (task.progress, task.state) == (100, Task.State.OPEN)


# --- the member's own page ----------------------------------------------------------------------


def test_member_sees_their_meetings_and_tasks(world, clients, tree):
    r = clients["member_a"].get(reverse("meetings:my"))
    assert r.status_code == 200
    html = r.content.decode()
    nxt = world["next"]
    assert f'id="meeting-{nxt.pk}"' in html
    assert nxt.scheduled_date.strftime("%d/%m/%Y") in html
    assert "19:30–21:30" in html and "Nhà văn hóa bản Áng" in html
    assert "Học tập Chỉ thị 50" in html
    assert "Bàn việc làm đường" in html and "Mục đã bỏ" not in html
    assert "Nhà văn hóa bản Bó" not in html  # cell B's meeting
    t = world["tasks"]
    for key in ("open", "overdue", "reviewed"):
        assert t[key].title in html
    for key in ("secretary", "committee", "b"):
        assert t[key].title not in html
    # the overdue task is marked and listed first
    overdue_at = html.index(t["overdue"].title)
    assert html.index("Quá hạn", overdue_at) < html.index(t["open"].title)
    # a form to report on open tasks only
    assert f'action="{reverse("meetings:task", args=[t["open"].pk])}"' in html
    assert f'action="{reverse("meetings:task", args=[t["reviewed"].pk])}"' not in html


def test_materials_link_to_their_download(world, clients, personas):
    live = Material.objects.create(
        meeting=world["next"],
        file="meetings/x/tai-lieu.pdf",
        name="Tài liệu Chỉ thị 50",
        content_type="application/pdf",
        size=1000,
        sha256="0" * 64,
        uploaded_by=personas["secretary_a"],
    )
    Material.objects.create(
        meeting=world["next"],
        file="meetings/x/cu.pdf",
        name="Bản cũ đã rút",
        content_type="application/pdf",
        size=1000,
        sha256="1" * 64,
        uploaded_by=personas["secretary_a"],
        withdrawn_at=timezone.now(),
    )
    html = clients["member_a"].get(reverse("meetings:my")).content.decode()
    href = reverse("meetings:material_download", args=[live.pk])
    assert f'<a href="{href}">Tài liệu Chỉ thị 50</a>' in html
    assert "Bản cũ đã rút" not in html


def test_secretary_has_their_own_page_too(world, clients):
    html = clients["secretary_a"].get(reverse("meetings:my")).content.decode()
    assert world["tasks"]["secretary"].title in html
    assert world["tasks"]["open"].title not in html
    # the secretary reads the cell: the meeting's own page is a link away; a member's is not
    detail = reverse("meetings:detail", args=[world["next"].pk])
    assert f'href="{detail}"' in html
    assert (
        f'href="{detail}"' not in clients["member_a"].get(reverse("meetings:my")).content.decode()
    )


@pytest.mark.parametrize("who", ["admin", "analyst", "commune", "official", "secretary_b"])
def test_no_own_page_without_a_member_record(world, clients, who):
    assert clients[who].get(reverse("meetings:my")).status_code == 404


def test_no_own_page_once_the_roles_ended(world, clients, personas):
    RoleAssignment.objects.filter(user=personas["member_a"]).update(valid_to=today())
    assert clients["member_a"].get(reverse("meetings:my")).status_code == 404


def test_a_member_who_left_the_party_keeps_tasks_but_no_meetings(world, clients, tree):
    tree.member_a.status = "transferred_out"
    tree.member_a.save()
    html = clients["member_a"].get(reverse("meetings:my")).content.decode()
    assert "Học tập Chỉ thị 50" not in html
    assert "Bạn hiện không sinh hoạt tại chi bộ nào" in html
    assert world["tasks"]["open"].title in html


def test_report_from_the_own_page(world, clients):
    task = world["tasks"]["open"]
    r = clients["member_a"].post(
        reverse("meetings:task", args=[task.pk]),
        {"progress": 30, "note": "Đã họp tổ", "back": "my"},
    )
    assert r.status_code == 302
    assert r["Location"] == reverse("meetings:my") + f"#task-{task.pk}"
    task.refresh_from_db()
    assert task.progress == 30
    r = clients["member_a"].get(reverse("meetings:my"))
    assert "Đã ghi báo cáo tiến độ 30%" in r.content.decode()
    assert "Đã họp tổ" in r.content.decode()


def test_a_report_sent_twice_is_recorded_once(world, clients):
    """The report forms carry a submission key (issue 14): back, then submit again, records
    nothing more and leads where the first led; before, a report with a note was stored twice."""
    task = world["tasks"]["open"]
    client = clients["member_a"]
    url = reverse("meetings:task", args=[task.pk])
    for page, back in ((url, ""), (reverse("meetings:my"), "my")):
        body = client.get(page).content.decode()
        key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', body)[1]
        data = {"progress": 30, "note": f"Đã họp tổ ({back or 'task'})", "back": back}
        data["submission_key"] = key
        first = client.post(url, data)
        assert first.status_code == 302
        again = client.post(url, data, follow=True)
        assert again.redirect_chain == [(first["Location"], 302)]
        assert "Trang này đã được gửi trước đó; không tạo thêm." in again.content.decode()
        assert TaskUpdate.objects.filter(task=task, note=data["note"]).count() == 1


def test_bad_report_is_a_400_with_the_message(world, clients):
    task = world["tasks"]["open"]
    url = reverse("meetings:task", args=[task.pk])
    r = clients["member_a"].post(url, {"progress": "abc", "note": ""})
    assert r.status_code == 400
    assert "Tiến độ" in r.content.decode()
    r = clients["member_a"].post(url, {"progress": 0, "note": ""})
    assert r.status_code == 400
    assert "Tiến độ không đổi" in r.content.decode()
    assert not TaskUpdate.objects.exists()


def test_report_on_a_reviewed_task_is_refused_clearly(world, clients):
    task = world["tasks"]["reviewed"]
    url = reverse("meetings:task", args=[task.pk])
    r = clients["member_a"].get(url)
    assert r.status_code == 200
    assert "không nhận thêm báo cáo tiến độ" in r.content.decode()
    assert 'name="progress"' not in r.content.decode()
    r = clients["member_a"].post(url, {"progress": 100, "note": "xong"})
    assert r.status_code == 400
    assert "không nhận thêm báo cáo tiến độ" in r.content.decode()
    assert not TaskUpdate.objects.exists()


# --- a task: who sees it, who reports -----------------------------------------------------------

# (persona, task) -> GET status, may report
TASK_ACCESS = {
    ("member_a", "open"): (200, True),
    ("member_a", "secretary"): (404, False),  # another member's task
    ("member_a", "committee"): (404, False),
    ("member_a", "b"): (404, False),
    ("secretary_a", "open"): (200, True),
    ("secretary_a", "b"): (404, False),
    ("commune", "open"): (200, True),
    ("commune", "b"): (404, False),
    ("admin", "b"): (200, True),
    ("analyst", "open"): (200, False),
    ("official", "open"): (200, False),
    ("official", "b"): (404, False),
    ("secretary_b", "open"): (404, False),
    ("secretary_b", "b"): (200, True),
}


@pytest.mark.parametrize("who, key", sorted(TASK_ACCESS))
def test_task_scope(world, clients, who, key):
    task = world["tasks"][key]
    status, may = TASK_ACCESS[(who, key)]
    url = reverse("meetings:task", args=[task.pk])
    r = clients[who].get(url)
    assert r.status_code == status
    if status == 200:
        assert task.title in r.content.decode()
        assert ('name="progress"' in r.content.decode()) == may
    r = clients[who].post(url, {"progress": 20, "note": "x"})
    assert r.status_code == (302 if may else 404)
    assert TaskUpdate.objects.filter(task=task).exists() == may
    assert Task.objects.get(pk=task.pk).progress == (20 if may else 0)


def test_missing_task_is_404(world, clients):
    assert clients["admin"].get(reverse("meetings:task", args=[999999])).status_code == 404


# --- the cell task board ------------------------------------------------------------------------


def test_secretary_goes_straight_to_their_cell(world, clients, tree):
    r = clients["secretary_a"].get(reverse("meetings:task_board"))
    assert r.status_code == 302
    assert r["Location"] == reverse("meetings:cell_tasks", args=[tree.cell_a.pk])


def test_cell_tasks_overdue_first_with_the_latest_report(world, clients, tree, personas):
    t = world["tasks"]
    services.task_progress_report(
        task=t["open"], progress=20, note="Bước đầu", actor=personas["member_a"]
    )
    services.task_progress_report(
        task=t["open"], progress=50, note="Một nửa", actor=personas["member_a"]
    )
    r = clients["secretary_a"].get(reverse("meetings:cell_tasks", args=[tree.cell_a.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    # overdue ones first (earliest deadline first), then the open ones by deadline
    order = [t[k].title for k in ("overdue", "committee", "secretary", "open")]
    assert [html.index(x) for x in order] == sorted(html.index(x) for x in order)
    assert html.count('badge warn">Quá hạn') == 2
    assert "Một nửa" in html and "Bước đầu" not in html
    assert t["reviewed"].title not in html  # open ones by default
    assert t["b"].title not in html
    assert "Báo cáo thay" in html


def test_cell_tasks_filters(world, clients, tree):
    url = reverse("meetings:cell_tasks", args=[tree.cell_a.pk])
    t = world["tasks"]
    c = clients["secretary_a"]
    html = c.get(url, {"owner": tree.member_a.pk}).content.decode()
    assert t["open"].title in html and t["overdue"].title in html
    assert t["secretary"].title not in html and t["committee"].title not in html
    html = c.get(url, {"state": "overdue"}).content.decode()
    assert t["overdue"].title in html and t["committee"].title in html
    assert t["open"].title not in html
    html = c.get(url, {"state": "done"}).content.decode()
    assert t["reviewed"].title in html and t["open"].title not in html
    html = c.get(url, {"owner": "committee", "state": "all"}).content.decode()
    assert t["committee"].title in html and t["open"].title not in html
    html = c.get(url, {"state": "all"}).content.decode()
    assert all(t[k].title in html for k in ("open", "overdue", "reviewed", "secretary"))
    # HTMX asks for the results only
    r = c.get(url, {"state": "all"}, headers={"HX-Request": "true"})
    assert r.content.decode().lstrip().startswith('<div id="results">')
    assert "HX-Request" in r["Vary"]


def test_cell_tasks_pages_keep_the_filters(world, clients, tree):
    for i in range(50):
        make_task(world["past"], f"Việc thêm {i}", deadline=world["on"] + (i + 10) * DAY)
    url = reverse("meetings:cell_tasks", args=[tree.cell_a.pk])
    html = clients["secretary_a"].get(url, {"owner": "committee"}).content.decode()
    assert "Trang 1/2" in html and 'href="?owner=committee&page=2"' in html
    html = clients["secretary_a"].get(url, {"owner": "committee", "page": 2}).content.decode()
    assert "Trang 2/2" in html and 'href="?owner=committee&page=1"' in html


@pytest.mark.parametrize(
    "params", [{"state": "<script>"}, {"owner": "<b>9</b>"}, {"owner": 999999}, {"page": "x"}]
)
def test_cell_tasks_bad_query_is_400(world, clients, tree, params):
    r = clients["secretary_a"].get(reverse("meetings:cell_tasks", args=[tree.cell_a.pk]), params)
    assert r.status_code == 400
    assert b"<script>" not in r.content and b"<b>" not in r.content


# who -> cell A tasks page status, "report for" links shown
BOARD_ACCESS = {
    "admin": (200, True),
    "analyst": (200, False),
    "commune": (200, True),
    "secretary_a": (200, True),
    "official": (200, False),
    "member_a": (404, False),
    "secretary_b": (404, False),
}


@pytest.mark.parametrize("who", sorted(BOARD_ACCESS))
def test_cell_tasks_scope(world, clients, tree, who):
    status, writes = BOARD_ACCESS[who]
    r = clients[who].get(reverse("meetings:cell_tasks", args=[tree.cell_a.pk]))
    assert r.status_code == status
    if status == 200:
        html = r.content.decode()
        assert world["tasks"]["overdue"].title in html
        assert ("Báo cáo thay" in html) == writes


def test_cell_tasks_of_a_commune_is_404(world, clients, tree):
    assert (
        clients["admin"].get(reverse("meetings:cell_tasks", args=[tree.commune_a.pk])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "who, sees",
    [("admin", {"a", "b"}), ("analyst", {"a", "b"}), ("commune", {"a"})],
)
def test_board_lists_cells_with_open_tasks_in_scope(world, clients, tree, who, sees):
    r = clients[who].get(reverse("meetings:task_board"))
    assert r.status_code == 200
    html = r.content.decode()
    assert (tree.cell_a.name in html) == ("a" in sees)
    assert (tree.cell_b.name in html) == ("b" in sees)
    assert tree.cell_a2.name not in html  # no open tasks
    if "a" in sees:
        row = html[html.index(tree.cell_a.name) :]
        # cell A: 4 open, 2 overdue
        assert '<td class="num">4</td>' in row and '<span class="badge warn">2</span>' in row


def test_member_alone_has_no_board(world, clients):
    assert clients["member_a"].get(reverse("meetings:task_board")).status_code == 404


def test_board_bad_page_is_400(world, clients):
    assert clients["admin"].get(reverse("meetings:task_board"), {"page": "x"}).status_code == 400


# --- the calendar page --------------------------------------------------------------------------


def test_make_a_personal_feed_shown_once(world, clients, personas):
    c = clients["member_a"]
    r = c.post(reverse("meetings:calendar"), {"target": "me"})
    assert r.status_code == 302
    feed = CalendarFeed.objects.get(user=personas["member_a"])
    assert feed.cell is None and feed.revoked_at is None
    html = c.get(reverse("meetings:calendar")).content.decode()
    assert "chỉ hiện một lần" in html
    url = html.split('id="feed-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert "/meetings/ical/" in url and url.endswith(".ics")
    token = url.rsplit("/", 1)[1][: -len(".ics")]
    assert feed.token == services.token_hash(token) and token not in feed.token
    # not shown again
    assert token not in c.get(reverse("meetings:calendar")).content.decode()
    event = AuditEvent.objects.get(object_type="meetings.calendarfeed", object_id=str(feed.pk))
    assert token not in str(event.changes)


def test_a_new_feed_replaces_the_old_one(world, clients, personas):
    c = clients["secretary_a"]
    c.post(reverse("meetings:calendar"), {"target": "me"})
    c.post(reverse("meetings:calendar"), {"target": "me"})
    assert (
        CalendarFeed.objects.filter(user=personas["secretary_a"], revoked_at__isnull=True).count()
        == 1
    )
    assert CalendarFeed.objects.filter(user=personas["secretary_a"]).count() == 2


def test_cell_feed_only_for_a_cell_the_user_reads(world, clients, tree, personas):
    c = clients["secretary_a"]
    html = c.get(reverse("meetings:calendar")).content.decode()
    assert f'value="{tree.cell_a.pk}"' in html and f'value="{tree.cell_b.pk}"' not in html
    r = c.post(reverse("meetings:calendar"), {"target": tree.cell_b.pk})
    assert r.status_code == 400
    assert not CalendarFeed.objects.exists()
    assert c.post(reverse("meetings:calendar"), {"target": tree.cell_a.pk}).status_code == 302
    assert CalendarFeed.objects.get().cell == tree.cell_a
    # a member alone reads no cell: only their own calendar is offered
    html = clients["member_a"].get(reverse("meetings:calendar")).content.decode()
    assert f'value="{tree.cell_a.pk}"' not in html


def test_revoke_own_feed_only(world, clients, personas):
    feed, _raw = services.calendar_feed_create(
        user=personas["member_a"], actor=personas["member_a"]
    )
    url = reverse("meetings:calendar_revoke", args=[feed.pk])
    assert clients["secretary_a"].post(url).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None
    assert clients["member_a"].post(url).status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert AuditEvent.objects.filter(
        object_type="meetings.calendarfeed", action=AuditEvent.Action.UPDATE
    ).exists()


@pytest.mark.parametrize(
    "who, cells",
    [
        ("admin", {"cell_a", "cell_a2", "cell_b"}),
        ("analyst", {"cell_a", "cell_a2", "cell_b"}),
        ("commune", {"cell_a", "cell_a2"}),
        ("secretary_a", {"cell_a"}),
        ("official", {"cell_a"}),
        ("secretary_b", {"cell_b"}),
        ("member_a", set()),
    ],
)
def test_calendar_page_offers_the_cells_in_scope(world, clients, tree, who, cells):
    r = clients[who].get(reverse("meetings:calendar"))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'value="me"' in html
    for name in ("cell_a", "cell_a2", "cell_b"):
        assert (f'value="{getattr(tree, name).pk}"' in html) == (name in cells), name


def test_calendar_page_needs_a_role(world, clients, personas):
    RoleAssignment.objects.filter(user=personas["member_a"]).update(valid_to=today())
    assert clients["member_a"].get(reverse("meetings:calendar")).status_code == 404


# --- query counts -------------------------------------------------------------------------------
# Every signed-in page costs 2 queries before the view (session, the user with the roles held
# today; none of these users must pass the TOTP step, so no TOTP device is read) and 1 while
# rendering (the unread count of the top bar); the session is written once a minute at most
# (SessionRefreshMiddleware), not after each request.
BASE = 3


def grow(world, tree, personas, n):
    """n more of what each page lists: meetings with agenda, tasks of member A with reports,
    committee tasks, notifications."""
    on = world["on"]
    for _ in range(n):
        i = world.setdefault("n", 0) + 1
        world["n"] = i
        m = make_meeting(
            tree.cell_a, on + (30 + i) * DAY, kind=CellMeeting.Kind.THEMATIC, topic=f"Chuyên đề {i}"
        )
        AgendaItem.objects.create(meeting=m, section="opening", order=1, title=f"Mục {i}")
        t = make_task(m, f"Việc {i}", owner=tree.member_a, deadline=on + (i - 3) * DAY)
        TaskUpdate.objects.create(task=t, user=personas["member_a"], progress=10, note="a")
        TaskUpdate.objects.create(task=t, user=personas["secretary_a"], progress=20, note="b")
        make_task(m, f"Việc chi ủy {i}", deadline=on + i * DAY)
        make_member(tree.cell_a, f"Đảng viên mới {i}")
        Notification.objects.create(
            user=personas["member_a"], kind="invitation", text=f"Mời {i}", key=f"meeting:{m.pk}"
        )


def pages(world, tree):
    return {
        # member; meetings, agenda, materials; recent meetings; open tasks, their latest
        # reports; reviewed tasks
        "my": ("member_a", reverse("meetings:my"), {}, BASE + 8),
        # cell; owner choices; count, tasks, latest reports
        "cell_tasks": (
            "secretary_a",
            reverse("meetings:cell_tasks", args=[tree.cell_a.pk]),
            {"state": "all"},
            BASE + 5,
        ),
        # top organizations; grouped count of cells, the page of cells
        "board": ("commune", reverse("meetings:task_board"), {}, BASE + 3),
        # a task: the task; its reports
        "task": (
            "member_a",
            reverse("meetings:task", args=[world["tasks"]["open"].pk]),
            {},
            BASE + 2,
        ),
        # cells to choose from, the user's feeds
        "calendar": ("secretary_a", reverse("meetings:calendar"), {}, BASE + 2),
    }


@pytest.mark.parametrize("name", ["my", "cell_tasks", "board", "task", "calendar"])
def test_query_count_does_not_grow(world, tree, personas, name, django_assert_num_queries):
    who, url, params, expected = pages(world, tree)[name]
    client = login_client(personas[who])
    grow(world, tree, personas, 1)
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200
    grow(world, tree, personas, 4)
    with django_assert_num_queries(expected):
        r = client.get(url, params)
    assert r.status_code == 200
    if name in ("my", "cell_tasks"):
        assert "Việc 5" in r.content.decode()
