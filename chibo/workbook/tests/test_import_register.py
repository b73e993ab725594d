"""A new committee's own register, as a probe loaded one: one bad row is one error (the rows
that name it are not each an error), a code typed in another case is pointed to, a member is in
one cell at a time, and a meeting's figures are its roll call's (never 99 present of 12)."""

import datetime
import io

import pytest

from chibo.meetings.models import Attendance, CellMeeting
from chibo.members.models import Member
from chibo.workbook import importer, schema
from chibo.workbook.tests.test_import import (
    CELL,
    COMMUNE,
    ROOT,
    SCHOOL,
    _errors,
    book,
    member,
    rows,
)

pytestmark = pytest.mark.django_db
D = datetime.date
MEMBERS = [member("18000001", "Lò Văn Pọm"), member("18000002", "Cầm Thị Ánh", sex="Nữ")]


def meeting(ref, **extra):
    data = {
        "ref_code": ref,
        "cell": "HX.X1.01",
        "scheduled_date": "05/03/2023",
        "held_on": "05/03/2023",
        "status": "Đã ghi biên bản",
    }
    data.update(extra)
    return data


def roll(ref, card, presence="Có mặt"):
    return {"meeting": ref, "member": card, "presence": presence}


def register(members=MEMBERS, meetings=(), attendance=(), **sheets):
    data = {
        "Tổ chức": rows(schema.ORGANIZATIONS, [ROOT, COMMUNE, CELL, SCHOOL]),
        "Xã": rows(
            schema.COMMUNES, [{"code": "X1", "name": "Mường Ơ", "valid_from": D(2015, 1, 1)}]
        ),
        "Thôn, bản": rows(
            schema.VILLAGES,
            [{"code": "X1.NA", "name": "Nà", "commune": "X1", "valid_from": D(2015, 1, 1)}],
        ),
        "Đảng viên": rows(schema.MEMBERS, list(members)),
        "Kiêm nhiệm ở thôn": rows(
            schema.POSTS,
            [
                {
                    "village": "X1.NA",
                    "kind": "Trưởng thôn, bản, tiểu khu",
                    "member": "18000001",
                    "start": D(2020, 1, 1),
                }
            ],
        ),  # fmt: skip
        "Sinh hoạt chi bộ": rows(schema.MEETINGS, list(meetings)),
        "Điểm danh": rows(schema.ATTENDANCE, list(attendance)),
    }
    data.update(sheets)
    return book(data)


def test_one_bad_member_row_is_one_error_not_one_for_each_row_naming_it():
    meetings = [meeting("SH-1"), meeting("SH-2", scheduled_date="05/04/2023", held_on="05/04/2023")]
    attendance = [roll(m, c) for m in ("SH-1", "SH-2") for c in ("18000001", "18000002")]
    bad = [member("18000001", "Lò Văn Pọm", birth_date="31/02/1980"), MEMBERS[1]]
    (problem,) = _errors(register(bad, meetings, attendance))
    assert (problem.sheet, problem.row, problem.column) == ("Đảng viên", 2, "Ngày sinh")
    # A meeting that fails (its chair is no member) is one error too, not one per roll-call row.
    meetings[0]["chair"] = "18000009"
    errors = _errors(register(MEMBERS, meetings, attendance))
    assert [(e.sheet, e.row) for e in errors] == [("Sinh hoạt chi bộ", 2)]


def test_a_code_in_another_case_is_pointed_to():
    typed = [member("18000001", "Lò Văn Pọm", cell="  hx.x1.01 "), MEMBERS[1]]
    (problem,) = _errors(register(typed))
    assert "Có phải mã «HX.X1.01»?" in problem.message


def test_a_member_is_in_one_cell_at_a_time():
    periods = [
        {"member": "18000001", "cell": "HX.X1.01", "start": D(2010, 5, 19)},
        {"member": "18000001", "cell": "HX.THPT", "start": D(2018, 1, 1)},
    ]
    (problem,) = _errors(register(**{"Quá trình sinh hoạt": rows(schema.MEMBERSHIPS, periods)}))
    assert (problem.sheet, problem.row) == ("Quá trình sinh hoạt", 3)
    assert "Trùng thời gian với dòng 2" in problem.message
    periods[0]["end"] = D(2018, 1, 1)  # left the day the other began: no overlap
    result = importer.import_workbook(
        io.BytesIO(register(**{"Quá trình sinh hoạt": rows(schema.MEMBERSHIPS, periods)}))
    )
    assert result.written, result.errors


def test_a_meetings_figures_are_its_roll_calls():
    attendance = [roll("SH-1", "18000001"), roll("SH-1", "18000002", "Vắng có lý do")]
    wrong = [meeting("SH-1", summoned=12, present=99, absent_excused=0, absent_unexcused=0)]
    (problem,) = _errors(register(MEMBERS, wrong, attendance))
    assert (problem.sheet, problem.row, problem.column) == ("Sinh hoạt chi bộ", 2, "Có mặt")
    assert "có mặt 99" in problem.message and "điểm danh có 2, 1, 1, 0" in problem.message
    # Left blank, they are counted from the roll call, as a record saved on the page stores them.
    result = importer.import_workbook(io.BytesIO(register(MEMBERS, [meeting("SH-1")], attendance)))
    assert result.written, result.errors
    held = CellMeeting.objects.get()
    assert (held.summoned, held.present, held.absent_excused, held.absent_unexcused) == (2, 1, 1, 0)


def test_a_roll_call_names_members_of_the_meetings_cell_on_its_day():
    school = member("18000003", "Quàng Văn Xôm", cell="HX.THPT")
    attendance = [roll("SH-1", "18000001"), roll("SH-1", "18000003")]
    (problem,) = _errors(register([*MEMBERS, school], [meeting("SH-1")], attendance))
    assert (problem.sheet, problem.row) == ("Điểm danh", 3)  # the row to correct
    assert "«SH-1»" in problem.message and "«18000003»" in problem.message
    assert "05/03/2023" in problem.message
    assert not Attendance.objects.exists() and not Member.objects.exists()
