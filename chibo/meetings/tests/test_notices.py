"""Each step of a meeting that waits on someone notifies them through the service that causes it:
the record (the commune's review, the members given tasks), the review (confirmed, returned), the
daily reminder of tasks due or late; and the notices are once per person and thing."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from chibo.accounts.models import Notification, Role, RoleAssignment, User
from chibo.meetings import notices, selectors
from chibo.meetings.models import CellMeeting, Task
from chibo.meetings.oversight import services as review
from chibo.meetings.record.services import meeting_record
from conftest import make_member

from .core_helpers import MARCH, D, key, meeting_of, record_data

pytestmark = pytest.mark.django_db
S = CellMeeting.Status


def record(tree, meeting, actor, **over):
    data = record_data(meeting, selectors.roll_call(tree.cell_a, meeting.scheduled_date), **over)
    data["chair"], data["minute_taker"] = tree.secretary_member_a.pk, tree.member_a.pk
    return meeting_record(
        meeting=meeting, data=data, actor=actor, submission_key=key(), version=meeting.version
    ).meeting


DUE = D(2023, 4, 20)


def task_row(title, member, deadline=DUE):
    return {"title": title, "owner_kind": "member", "owner_member": member.pk, "deadline": deadline}


def notes(**filters):
    return {(n.user.username, n.kind): n for n in Notification.objects.filter(**filters)}


def test_a_record_tells_the_commune_and_each_member_given_a_task(tree, personas):
    other_staff = User.objects.create_user(username="staff_b")
    RoleAssignment.objects.create(
        user=other_staff, role=Role.COMMUNE_STAFF, organization=tree.commune_b, valid_from=MARCH
    )
    m = meeting_of(tree.cell_a)
    m = record(
        tree,
        m,
        personas["secretary_a"],
        tasks=[
            task_row("Sửa đường bản", tree.member_a),
            {"title": "Việc chi ủy", "owner_kind": "committee", "deadline": D(2023, 4, 20)},
        ],
    )
    got = notes()
    assert set(got) == {("commune", "minutes_review"), ("member_a", "task_assigned")}
    review_note = got["commune", "minutes_review"]
    assert review_note.url == reverse("meetings:meeting_review", args=[m.pk])
    assert "Chi bộ bản Áng" in review_note.text and "03/2023" in review_note.text
    task = Task.objects.get(title="Sửa đường bản")
    task_note = got["member_a", "task_assigned"]
    assert task_note.url == reverse("meetings:task", args=[task.pk])
    assert "Sửa đường bản" in task_note.text and "20/04/2023" in task_note.text
    # Saved again while it waits: nobody is told twice.
    Notification.objects.update(read_at=datetime.datetime(2023, 3, 25, tzinfo=datetime.UTC))
    m = record(
        tree,
        m,
        personas["secretary_a"],
        place="Nhà bí thư",
        tasks=[dict(task_row("Sửa đường bản", tree.member_a), id=task.pk)],
    )
    assert Notification.objects.count() == 2
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_returned_then_saved_again_waits_on_the_commune_again(tree, personas):
    m = record(tree, meeting_of(tree.cell_a), personas["secretary_a"])
    m = review.meeting_return(meeting=m, actor=personas["commune"], comment="Thiếu kết luận.")
    got = notes()
    # the return settles the review notice and tells the recorder
    assert got["commune", "minutes_review"].read_at is not None
    assert got["secretary_a", "returned"].url == reverse("meetings:record", args=[m.pk])
    m = record(tree, m, personas["secretary_a"], conclusions="Đã bổ sung kết luận.")
    assert m.status == S.HELD
    again = notes()["commune", "minutes_review"]
    assert again.pk == got["commune", "minutes_review"].pk and again.read_at is None


def test_confirming_settles_the_review_and_tells_the_recorder(tree, personas):
    m = record(tree, meeting_of(tree.cell_a), personas["secretary_a"])
    review.meeting_confirm(meeting=m, actor=personas["admin"])
    got = notes()
    assert got["commune", "minutes_review"].read_at is not None  # done by someone else
    confirmed = got["secretary_a", "minutes_confirmed"]
    assert confirmed.read_at is None and confirmed.url == reverse("meetings:detail", args=[m.pk])
    assert confirmed.key == notices.meeting_key(m.pk, "minutes_confirmed")


def test_tasks_due_and_late_are_told_once(tree, personas):
    m = meeting_of(tree.cell_a)
    no_account = make_member(tree.cell_a, "Chưa có tài khoản")
    on = D(2023, 4, 10)

    def task(title, deadline, member=tree.member_a, **extra):
        return Task.objects.create(
            cell=tree.cell_a,
            meeting=m,
            title=title,
            owner_kind="member",
            owner_member=member,
            deadline=deadline,
            **extra,
        )

    soon = task("Sắp đến hạn", on + datetime.timedelta(days=3))
    late = task("Đã quá hạn", on - datetime.timedelta(days=1))
    far = task("Còn xa", on + datetime.timedelta(days=4))
    task("Xong rồi", on - datetime.timedelta(days=5), state=Task.State.DONE)
    task("Không ai đọc", on, member=no_account)
    out = StringIO()
    call_command("notify_tasks", "--on", "10/04/2023", stdout=out)
    assert "2" in out.getvalue()
    got = {n.key: n for n in Notification.objects.all()}
    assert set(got) == {f"task:{soon.pk}:task_due", f"task:{late.pk}:task_late"}
    assert all(n.user == personas["member_a"] for n in got.values())
    assert got[f"task:{late.pk}:task_late"].url == reverse("meetings:task", args=[late.pk])
    assert "09/04/2023" in got[f"task:{late.pk}:task_late"].text
    call_command("notify_tasks", "--on", "10/04/2023", stdout=StringIO())
    assert Notification.objects.count() == 2
    # four days on: the task due is late, the far one is due now
    call_command("notify_tasks", "--on", "14/04/2023", stdout=StringIO())
    assert set(Notification.objects.values_list("key", flat=True)) == set(got) | {
        f"task:{soon.pk}:task_late",
        f"task:{far.pk}:task_due",
    }


def test_notify_tasks_refuses_a_bad_day():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="31/02/2023"):
        call_command("notify_tasks", "--on", "31/02/2023")
