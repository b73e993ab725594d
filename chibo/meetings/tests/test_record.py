"""The record service: roll-call arithmetic, the task loop across two months, scores and classes,
every bad input (nothing half-saved), lost updates and repeated submits."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chibo.core.models import AuditEvent
from chibo.meetings import selectors
from chibo.meetings.models import (
    Attendance,
    CellMeeting,
    FollowAssignment,
    Guest,
    MeetingSubmission,
    QualityClass,
    ScoreEntry,
    ScoreSheet,
    Speech,
    Task,
    TaskUpdate,
)
from chibo.meetings.record.services import RecordConflict, meeting_record
from chibo.members import services as member_services
from chibo.targets import services
from chibo.targets.models import TargetProgress
from conftest import make_member, shared

from .core_helpers import APRIL, MARCH, D, follow, key, meeting_of, record_data

pytestmark = pytest.mark.django_db
T = datetime.time
FULL = {
    "time": 5,
    "attendance": 5,
    "preparation": 10,
    "conduct": 30,
    "facilitation": 10,
    "principles": 5,
    "results": 30,
    "closing": 5,
}


@shared
def roll_members(tree):
    """Cell A on 24/03/2023: An and Ánh (official), a probationary member, an exempt member;
    one who left in February and one admitted in April are not on the roll."""
    probationary = make_member(tree.cell_a, "Quàng Văn Dự", official=False, admitted=D(2022, 10, 1))
    exempt = make_member(tree.cell_a, "Lường Văn Miễn", admitted=D(1975, 1, 1), born=1950)
    member_services.member_change_status(
        member=exempt, status="exempt", on=D(2021, 1, 1), actor=None, note="Tuổi cao"
    )
    gone = make_member(tree.cell_a, "Tòng Văn Đi")
    member_services.member_transfer(member=gone, to_cell=tree.cell_a2, on=D(2023, 2, 1), actor=None)
    make_member(tree.cell_a, "Cà Thị Mới", official=False, admitted=D(2023, 4, 2))
    return {"probationary": probationary, "exempt": exempt}


@pytest.fixture
def cell(tree, roll_members):
    """The tree, with the probationary and the exempt member of cell A's roll (roll_members)."""
    tree.probationary = roll_members["probationary"]
    tree.exempt = roll_members["exempt"]
    return tree


DAY = D(2023, 3, 24)


def roll(tree, on=DAY):
    return selectors.roll_call(tree.cell_a, on)


def data_for(tree, meeting, **over):
    entries = roll(tree, over.get("held_on") or meeting.scheduled_date)
    d = record_data(meeting, entries, **over)
    d.setdefault("chair", tree.secretary_member_a.pk)
    if d["chair"] is None:
        d["chair"] = tree.secretary_member_a.pk
    if d["minute_taker"] is None:
        d["minute_taker"] = tree.member_a.pk
    return d


def record(tree, meeting, actor, version=None, k=None, **over):
    return meeting_record(
        meeting=meeting,
        data=data_for(tree, meeting, **over),
        actor=actor,
        submission_key=k or key(),
        version=meeting.version if version is None else version,
    )


def test_the_roll_call_of_the_day(cell):
    entries = roll(cell)
    names = {e.member.full_name: e.summoned for e in entries}
    assert names == {
        "Nguyễn Văn An": True,
        "Lò Thị Ánh": True,
        "Quàng Văn Dự": True,  # probationary: summoned
        "Lường Văn Miễn": False,  # exempt: outside the base
    }
    # Before the transfer, the one who left was still there.
    assert "Tòng Văn Đi" in {e.member.full_name for e in roll(cell, D(2023, 1, 24))}
    # Before the exemption, the exempt member was summoned.
    assert {e.member.full_name: e.summoned for e in roll(cell, D(2020, 6, 24))}["Lường Văn Miễn"]


def test_a_roll_is_what_it_was_on_the_meeting_day(cell, personas, clients):
    """Members entered after a record was saved, with an admission date before the meeting (an
    import of old members), are not added to its roll: saving the record again works, with the
    same roll, and its page shows that roll. A meeting recorded afterwards includes them."""
    m = meeting_of(cell.cell_a)
    first = data_for(cell, m)
    record(cell, m, personas["secretary_a"])
    late = make_member(cell.cell_a, "Lò Văn Nhập Muộn", admitted=D(2010, 5, 19), card="01000077")
    m.refresh_from_db()
    resaved = meeting_record(
        meeting=m,
        data={**first, "summary": "Sửa lại phần tóm tắt."},
        actor=personas["secretary_a"],
        submission_key=key(),
        version=m.version,
    )
    assert resaved.meeting.summary == "Sửa lại phần tóm tắt."
    assert not Attendance.objects.filter(meeting=m, member=late).exists()
    m.refresh_from_db()
    assert late.pk not in {e.member.pk for e in selectors.meeting_roll(m, m.held_on)}
    page = clients["secretary_a"].get(f"/meetings/{m.pk}/record/")
    assert page.status_code == 200 and "Lò Văn Nhập Muộn" not in page.content.decode()
    april = meeting_of(cell.cell_a, APRIL)
    assert late.pk in {e.member.pk for e in selectors.meeting_roll(april, D(2023, 4, 24))}


def test_roll_call_arithmetic(cell, personas):
    m = meeting_of(cell.cell_a)
    att = [
        {"member": cell.member_a.pk, "presence": "present"},
        {"member": cell.secretary_member_a.pk, "presence": "present"},
        {"member": cell.probationary.pk, "presence": "excused", "reason": "Ốm"},
        {"member": cell.exempt.pk, "presence": "present"},
    ]
    result = record(cell, m, personas["secretary_a"], attendance=att)
    m = result.meeting
    assert (m.summoned, m.present, m.absent_excused, m.absent_unexcused) == (3, 2, 1, 0)
    assert m.status == CellMeeting.Status.HELD and m.version == 2
    exempt_row = Attendance.objects.get(meeting=m, member=cell.exempt)
    assert exempt_row.summoned is False and exempt_row.presence == "present"
    # Corrected: An absent without reason; the exempt member stayed at home (no row).
    att[0] = {"member": cell.member_a.pk, "presence": "unexcused"}
    att[3] = {"member": cell.exempt.pk, "presence": ""}
    m = record(
        cell, m, personas["secretary_a"], attendance=att, minute_taker=cell.secretary_member_a.pk
    ).meeting
    assert (m.summoned, m.present, m.absent_excused, m.absent_unexcused) == (3, 1, 1, 1)
    assert m.summoned == m.present + m.absent_excused + m.absent_unexcused
    assert not Attendance.objects.filter(meeting=m, member=cell.exempt).exists()
    assert Attendance.objects.filter(meeting=m).count() == 3


def test_a_full_record(cell, personas):
    actor = personas["secretary_a"]
    official = personas["official"]
    official.full_name = "Hà Văn Huyện"
    official.save()
    follow(official, cell.cell_a)
    m = meeting_of(cell.cell_a)
    target = services.target_add(
        cell=cell.cell_a,
        year=2023,
        name="Hộ nghèo giảm",
        unit="hộ",
        yearly_value=Decimal(3),
        actor=actor,
    )
    d = data_for(
        cell,
        m,
        guests=[
            {"user": official.pk, "guidance": "Chú ý phòng cháy rừng."},
            {"kind": "commune_police", "name": "Lò Văn Công", "organization": "Công an xã An"},
            {"name": "", "guidance": ""},
        ],
        speeches=[
            {"member": cell.member_a.pk, "gist": "Đề nghị sửa đường."},
            {"speaker": "Lò Văn Công", "gist": "Tình hình an ninh ổn định."},
            {"speaker": "", "gist": ""},
        ],
        progress=[{"target": target.pk, "value": "1", "note": "Hộ ông A"}],
        tasks=[
            {
                "title": "Sửa đường vào bản",
                "owner_kind": "member",
                "owner_member": cell.member_a.pk,
                "deadline": D(2023, 4, 20),
                "target": target.pk,
            },
            {"title": "Họp dân", "owner_kind": "committee", "deadline": D(2023, 4, 10)},
            {
                "title": "Ra quân vệ sinh",
                "owner_kind": "mass_org",
                "owner_name": "Chi đoàn thanh niên",
                "deadline": D(2023, 3, 30),
            },
            {"title": ""},
        ],
        scores=FULL,
    )
    result = meeting_record(meeting=m, data=d, actor=actor, submission_key=key(), version=1)
    m = result.meeting
    assert result.warnings == [] and not result.repeated
    assert m.quality_points == 100 and m.quality_class == QualityClass.GOOD
    assert m.recorded_by == actor and m.chair == cell.secretary_member_a
    guests = list(Guest.objects.filter(meeting=m).order_by("id"))
    assert [(g.kind, g.user_id, g.name) for g in guests] == [
        ("assigned_official", official.pk, "Hà Văn Huyện"),
        ("commune_police", None, "Lò Văn Công"),
    ]
    assert guests[0].guidance == "Chú ý phòng cháy rừng."
    assert list(Speech.objects.filter(meeting=m).values_list("order", "speaker")) == [
        (1, "Nguyễn Văn An"),
        (2, "Lò Văn Công"),
    ]
    assert list(m.tasks.values_list("owner_kind", flat=True).order_by("id")) == [
        "member",
        "committee",
        "mass_org",
    ]
    assert TargetProgress.objects.get(target=target, month=MARCH).value == Decimal("1.00")
    assert MeetingSubmission.objects.get(meeting=m).version == 2
    event = AuditEvent.objects.filter(object_type="meetings.cellmeeting", action="update").get()
    assert event.actor == actor and event.changes["status"] == ["planned", "held"]


def test_the_task_loop_across_two_months(cell, personas):
    actor = personas["secretary_a"]
    march = meeting_of(cell.cell_a)
    tasks = [
        {"title": f"Việc {i}", "owner_kind": "committee", "deadline": D(2023, 4, 15)}
        for i in range(4)
    ]
    record(cell, march, actor, tasks=tasks)
    set_in_march = list(Task.objects.filter(meeting=march).order_by("id"))
    assert [t.state for t in set_in_march] == ["open"] * 4
    april = meeting_of(cell.cell_a, APRIL)
    assert selectors.tasks_to_review(april) == set_in_march
    assert selectors.tasks_to_review(march) == []
    reviews = [
        {"task": set_in_march[0].pk, "state": "done", "note": "Xong"},
        {"task": set_in_march[1].pk, "state": "late", "note": "Chậm 5 ngày"},
        {"task": set_in_march[2].pk, "state": "not_done", "note": "Thiếu kinh phí"},
        {"task": set_in_march[3].pk, "state": ""},  # not reviewed: carried over
    ]
    new = [{"title": "Việc tháng 5", "owner_kind": "committee", "deadline": D(2023, 5, 20)}]
    record(cell, april, actor, reviews=reviews, tasks=new)
    states = {t.title: (t.state, t.reviewed_at_id, t.review_note) for t in Task.objects.all()}
    assert states["Việc 0"] == ("done", april.pk, "Xong")
    assert states["Việc 1"] == ("late", april.pk, "Chậm 5 ngày")
    assert states["Việc 2"] == ("not_done", april.pk, "Thiếu kinh phí")
    assert states["Việc 3"] == ("open", None, "")
    assert states["Việc tháng 5"] == ("open", None, "")
    # April's page still lists what it reviewed (to correct it) and the carried task.
    assert {t.title for t in selectors.tasks_to_review(april)} == {f"Việc {i}" for i in range(4)}
    # May reviews the carried task and April's new one, not those closed in April.
    may = meeting_of(cell.cell_a, D(2023, 5, 1))
    assert {t.title for t in selectors.tasks_to_review(may)} == {"Việc 3", "Việc tháng 5"}


@pytest.mark.parametrize(
    "points, cls",
    [(90, "good"), (89, "fair"), (70, "fair"), (69, "average"), (50, "average"), (49, "poor")],
)
def test_score_classes(points, cls):
    sheet = ScoreSheet.objects.get()
    assert sheet.classify(points) == cls


def test_the_score_total_and_class(cell, personas):
    m = meeting_of(cell.cell_a)
    scores = dict(FULL, conduct=20, results=15)  # 100 - 10 - 15 = 75
    m = record(cell, m, personas["secretary_a"], scores=scores).meeting
    assert (m.quality_points, m.quality_class) == (75, "fair")
    assert ScoreEntry.objects.filter(meeting=m).count() == 8
    # A correction rescoring the record.
    m = record(cell, m, personas["secretary_a"], scores=dict(scores, results=0)).meeting
    assert (m.quality_points, m.quality_class) == (60, "average")
    assert ScoreEntry.objects.filter(meeting=m).count() == 8


def test_warnings_short_meetings_and_late(cell, personas):
    m = meeting_of(cell.cell_a)
    r = record(cell, m, personas["secretary_a"], end_time=T(20, 45))  # 75 minutes
    assert r.warnings == ["Buổi sinh hoạt kéo dài 75 phút, dưới mức tối thiểu 90 phút."]
    r = record(
        cell,
        r.meeting,
        personas["secretary_a"],
        topic="Chuyển đổi số",
        end_time=T(21, 10),  # 100 minutes: enough alone, short with a thematic part
        held_on=D(2023, 3, 27),
    )
    assert r.warnings == [
        "Buổi sinh hoạt kéo dài 100 phút, dưới mức tối thiểu 120 phút (có phần chuyên đề).",
        "Họp muộn so với ngày dự kiến 24/03/2023.",
    ]


# --- bad input: a clear message, nothing half-saved ----------------------------------------------


def assert_untouched(meeting):
    meeting.refresh_from_db()
    assert meeting.status == CellMeeting.Status.PLANNED and meeting.version == 1
    assert meeting.held_on is None and meeting.summoned == 0
    assert not Attendance.objects.filter(meeting=meeting).exists()
    assert not Task.objects.filter(meeting=meeting).exists()
    assert not Guest.objects.exists() and not Speech.objects.exists()
    assert not ScoreEntry.objects.exists() and not TargetProgress.objects.exists()
    assert not MeetingSubmission.objects.exists()
    # No audit row of the record service (the fixture's transfer audits its membership's end).
    written = AuditEvent.objects.filter(object_type__startswith="meetings.")
    assert not written.exclude(action=AuditEvent.Action.CREATE).exists()


def bad(cell, meeting, actor, **over):
    with pytest.raises(ValidationError) as e:
        record(cell, meeting, actor, **over)
    assert_untouched(meeting)
    return e.value.message_dict


GOOD_TASK = {"title": "Việc tốt", "owner_kind": "committee", "deadline": D(2023, 4, 1)}


@pytest.mark.parametrize(
    "over, part, text",
    [
        ({"end_time": T(19, 0)}, "end_time", "Giờ kết thúc phải sau giờ bắt đầu."),
        ({"end_time": T(19, 30)}, "end_time", "Giờ kết thúc phải sau giờ bắt đầu."),
        ({"held_on": None}, "held_on", "Hãy ghi ngày họp."),
        ({"held_on": D(2023, 2, 27)}, "held_on", "Ngày họp không được trước tháng 03/2023."),
        ({"held_on": D(2099, 3, 1)}, "held_on", "Ngày họp không được sau hôm nay."),
        (
            {"tasks": [GOOD_TASK, dict(GOOD_TASK, title="Việc cũ", deadline=D(2023, 3, 1))]},
            "tasks",
            "Thời hạn của nhiệm vụ “Việc cũ” (01/03/2023) đã qua so với ngày họp.",
        ),
        (
            {"tasks": [dict(GOOD_TASK, owner_kind="mass_org")]},
            "tasks",
            "Hãy ghi tên đoàn thể nhận nhiệm vụ “Việc tốt”.",
        ),
        ({"tasks": [dict(GOOD_TASK, owner_kind="")]}, "tasks", "Hãy chọn người hoặc tổ chức"),
        ({"scores": dict(FULL, conduct=31)}, "scores", "phải từ 0 đến 30"),
        ({"scores": dict(FULL, conduct=-1)}, "scores", "phải từ 0 đến 30"),
        ({"scores": {"conduct": 10}}, "scores", "Hãy chấm điểm"),
        ({"scores": dict(FULL, bogus=1)}, "scores", "bogus"),
        ({"guests": [{"guidance": "x"}]}, "guests", "Hãy ghi họ tên khách mời."),
        ({"speeches": [{"speaker": "A", "gist": ""}]}, "speeches", "Hãy tóm tắt ý kiến của A."),
        ({"chair": 0}, "chair", "phải là đảng viên của chi bộ"),
    ],
)
def test_bad_input_is_refused_whole(cell, personas, over, part, text):
    m = meeting_of(cell.cell_a)
    errors = bad(cell, m, personas["secretary_a"], **over)
    assert any(text in msg for msg in errors[part]), errors


def test_attendance_for_someone_not_in_the_cell(cell, personas):
    m = meeting_of(cell.cell_a)
    entries = roll(cell)
    att = [{"member": e.member.pk, "presence": "present"} for e in entries if e.summoned]
    att.append({"member": cell.member_b.pk, "presence": "present"})
    errors = bad(cell, m, personas["secretary_a"], attendance=att)
    assert errors["attendance"] == ["Không phải đảng viên của chi bộ vào ngày họp: Cầm Văn Bình."]


def test_every_summoned_member_is_called_and_reasons_are_given(cell, personas):
    m = meeting_of(cell.cell_a)
    att = [
        {"member": cell.member_a.pk, "presence": "excused", "reason": " "},
        {"member": cell.secretary_member_a.pk, "presence": "present"},
    ]
    errors = bad(cell, m, personas["secretary_a"], attendance=att)
    assert errors["attendance"] == [
        "Hãy ghi lý do vắng của Nguyễn Văn An.",
        "Chưa điểm danh: Quàng Văn Dự.",
    ]
    assert errors["minute_taker"] == ["Thư ký (Nguyễn Văn An) phải có mặt."]


def test_a_guest_must_be_assigned_to_the_cell(cell, personas):
    m = meeting_of(cell.cell_a)
    follow(personas["official"], cell.cell_b)
    follow(personas["analyst"], cell.cell_a, start=D(2023, 3, 25))
    for user in (personas["official"], personas["analyst"]):
        errors = bad(cell, m, personas["secretary_a"], guests=[{"user": user.pk}])
        assert errors["guests"] == ["Khách mời không phải cán bộ được phân công theo dõi chi bộ."]


def test_reviews_and_progress_only_of_the_cell(cell, personas):
    other = meeting_of(cell.cell_b)
    foreign = Task.objects.create(
        cell=cell.cell_b, meeting=other, title="X", owner_kind="committee", deadline=D(2023, 3, 30)
    )
    target_b = services.target_add(
        cell=cell.cell_b, year=2023, name="Y", unit="hộ", yearly_value=1, actor=None
    )
    m = meeting_of(cell.cell_a)
    errors = bad(
        cell,
        m,
        personas["secretary_a"],
        reviews=[{"task": foreign.pk, "state": "done"}],
        progress=[{"target": target_b.pk, "value": "1"}],
        tasks=[dict(GOOD_TASK, target=target_b.pk)],
    )
    assert set(errors) == {"reviews", "progress", "tasks"}


def test_a_confirmed_record_is_closed(cell, personas):
    m = meeting_of(cell.cell_a)
    m = record(cell, m, personas["secretary_a"]).meeting
    CellMeeting.objects.filter(pk=m.pk).update(status=CellMeeting.Status.CONFIRMED)
    with pytest.raises(ValidationError, match="đã được Đảng ủy xác nhận"):
        record(cell, m, personas["secretary_a"], place="Khác")
    m.refresh_from_db()
    assert m.place == "Nhà văn hóa bản" and m.version == 2


def test_a_returned_record_can_be_recorded_again(cell, personas):
    m = record(cell, meeting_of(cell.cell_a), personas["secretary_a"]).meeting
    CellMeeting.objects.filter(pk=m.pk).update(status=CellMeeting.Status.RETURNED)
    m.refresh_from_db()
    m = record(cell, m, personas["secretary_a"], conclusions="Bổ sung").meeting
    assert m.status == CellMeeting.Status.HELD and m.conclusions == "Bổ sung"


# --- lost update and repeated submit --------------------------------------------------------------


def test_no_lost_update(cell, personas):
    m = meeting_of(cell.cell_a)
    first = record(cell, m, personas["secretary_a"], version=1, place="Nhà văn hóa").meeting
    with pytest.raises(RecordConflict) as e:
        record(cell, m, personas["commune"], version=1, place="Hội trường xã")
    assert "vừa được secretary_a lưu" in e.value.messages[0]
    assert "Chưa lưu gì" in e.value.messages[0]
    first.refresh_from_db()
    assert first.place == "Nhà văn hóa" and first.version == 2
    assert MeetingSubmission.objects.count() == 1
    # With the new version, the second person's save goes through.
    m = record(cell, m, personas["commune"], version=2, place="Hội trường xã").meeting
    assert m.place == "Hội trường xã" and m.version == 3


def test_a_repeated_submit_writes_nothing_more(cell, personas):
    m = meeting_of(cell.cell_a)
    k = key()
    tasks = [GOOD_TASK]
    first = record(cell, m, personas["secretary_a"], k=k, tasks=tasks)
    events = AuditEvent.objects.count()
    again = record(cell, m, personas["secretary_a"], k=k, tasks=tasks, version=1)
    assert again.repeated and not first.repeated
    assert again.meeting.pk == first.meeting.pk and again.meeting.version == 2
    assert Task.objects.count() == 1 and MeetingSubmission.objects.count() == 1
    assert AuditEvent.objects.count() == events
    # The key of one meeting cannot be replayed on another.
    other = meeting_of(cell.cell_a2)
    with pytest.raises(ValidationError, match="thuộc một biên bản khác"):
        meeting_record(
            meeting=other, data={}, actor=personas["secretary_a"], submission_key=k, version=1
        )
    with pytest.raises(ValidationError, match="Mã lần gửi không hợp lệ"):
        record(cell, other, personas["secretary_a"], k="not-a-uuid")


def test_tasks_are_edited_and_removed_only_while_untouched(cell, personas):
    actor = personas["secretary_a"]
    m = record(
        cell, meeting_of(cell.cell_a), actor, tasks=[GOOD_TASK, dict(GOOD_TASK, title="B")]
    ).meeting
    a, b = Task.objects.order_by("id")
    TaskUpdate.objects.create(task=b, user=actor, progress=50, note="Đang làm")
    m = record(
        cell,
        m,
        actor,
        tasks=[dict(GOOD_TASK, id=a.pk, title="A sửa"), dict(GOOD_TASK, id=b.pk, title="B")],
    ).meeting
    assert set(Task.objects.values_list("title", flat=True)) == {"A sửa", "B"}
    errors = bad_after(cell, m, actor, tasks=[{"id": b.pk, "remove": True}])
    assert "đã có báo cáo tiến độ" in errors["tasks"][0]
    m = record(cell, m, actor, tasks=[{"id": a.pk, "remove": True}]).meeting
    assert list(Task.objects.values_list("title", flat=True)) == ["B"]
    assert AuditEvent.objects.filter(object_type="meetings.task", action="delete").count() == 1


def bad_after(cell, meeting, actor, **over):
    version = meeting.version
    with pytest.raises(ValidationError) as e:
        record(cell, meeting, actor, **over)
    meeting.refresh_from_db()
    assert meeting.version == version
    return e.value.message_dict


def test_follow_kinds_map_to_guest_kinds(cell, personas):
    follow(personas["official"], cell.cell_a, kind=FollowAssignment.Kind.COMMUNE_POLICE)
    m = record(
        cell,
        meeting_of(cell.cell_a),
        personas["secretary_a"],
        guests=[{"user": personas["official"].pk}],
    ).meeting
    assert m.guests.get().kind == Guest.Kind.COMMUNE_POLICE
