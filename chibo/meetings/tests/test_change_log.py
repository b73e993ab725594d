"""The meeting page's change log reads as the page does (issue 14: it printed `chair: — → 6737`,
`quality_class: → fair`, `attendance: {'6739': 'present', …}`, ISO dates, in English, ~2.000 px
long): field labels, people's names, dd/mm/yyyy, choice labels, in the user's language, the
older entries folded."""

import re

import pytest
from django.urls import reverse

from chibo.core import audit
from chibo.core.models import AuditEvent
from chibo.meetings import selectors
from chibo.meetings.record.services import meeting_record
from conftest import login_client

from .core_helpers import key, meeting_of, record_data

pytestmark = pytest.mark.django_db


def record(tree, personas, meeting, version, **over):
    roll = selectors.roll_call(tree.cell_a, meeting.scheduled_date)
    data = record_data(meeting, roll, **over)
    meeting_record(
        meeting=meeting, data=data, actor=personas["secretary_a"], submission_key=key(),
        version=version,
    )  # fmt: skip


def change_log(client, meeting) -> str:
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    return body[body.index('id="change-log"') :]


@pytest.fixture
def recorded(tree, personas):
    m = meeting_of(tree.cell_a)
    record(tree, personas, m, 1, chair=tree.member_a.pk, minute_taker=tree.secretary_member_a.pk)
    roll = selectors.roll_call(tree.cell_a, m.scheduled_date)
    absent = [
        {"member": e.member.pk, "presence": "excused" if e.member == tree.member_a else "present",
         "reason": "Ốm" if e.member == tree.member_a else ""}
        for e in roll if e.summoned
    ]  # fmt: skip
    record(
        tree, personas, m, 2, chair=tree.secretary_member_a.pk,
        minute_taker=tree.secretary_member_a.pk,
        attendance=absent,
    )  # fmt: skip
    return m


def test_the_change_log_names_fields_people_and_dates(tree, personas, recorded):
    log = change_log(login_client(personas["secretary_a"]), recorded)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", log))
    # the chair, by name, under the form's label
    assert f"Chủ trì : {tree.member_a.full_name} → {tree.secretary_member_a.full_name}" in text
    assert f"Chủ trì : — → {tree.member_a.full_name}" in text
    # the roll call: who changed, from what to what, in words
    assert "Điểm danh : 1 thay đổi" in text
    assert f"{tree.member_a.full_name}: Có mặt → Vắng có lý do" in text
    # a date as dd/mm/yyyy, a choice as its label
    assert f"Ngày họp : — → {recorded.scheduled_date:%d/%m/%Y}" in text
    assert "Trạng thái : Dự kiến → Đã ghi biên bản" in text
    assert f"Chi bộ : {tree.cell_a.name}" in text  # the creation's values, alone
    assert "Tạo theo lịch sinh hoạt tháng" in text and "generate" not in text
    for raw in ("chair", "attendance", "held_on", "quality_class", "'present'", "2023-03-"):
        assert raw not in text, raw
    assert f"'{tree.member_a.pk}'" not in log and "{'" not in log


def test_older_entries_are_folded(tree, personas, recorded):
    for i in range(4):
        audit.record(
            actor=personas["secretary_a"], action=AuditEvent.Action.UPDATE, obj=recorded,
            changes={"place": [f"Nhà {i}", f"Nhà {i + 1}"]},
        )  # fmt: skip
    log = change_log(login_client(personas["secretary_a"]), recorded)
    shown, folded = log.split("<details", 1)
    assert shown.count("<tr>") == 1 + 3  # the header and the three latest
    assert "Xem thêm 4 thay đổi" in folded  # 7 events: 3 shown, 4 folded


def test_the_english_change_log_is_english(tree, personas, recorded):
    client = login_client(personas["secretary_a"])
    client.cookies["django_language"] = "en"
    log = change_log(client, recorded)
    assert "Roll call" in log or "Attendance" in log
    assert "changed" in log and "thay đổi" not in log
