"""The checks of a meeting record, all run before services writes anything: every problem
found is collected, by part of the form, and raised at once as one ValidationError.

`validate(meeting, data)` returns the cleaned rows (unsaved model instances and plain values) for
the writes.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.core.dates import today
from chibo.core.forms import vn_decimal
from chibo.core.vn import day_text
from chibo.members.models import Member

from .. import schedule, selectors
from ..models import Attendance, CellMeeting, FollowAssignment, Guest, ScoreEntry, Speech, Task

P = Attendance.Presence
REVIEW_STATES = {Task.State.DONE, Task.State.LATE, Task.State.NOT_DONE}
GUEST_KIND_OF = {
    FollowAssignment.Kind.DISTRICT_CADRE: Guest.Kind.ASSIGNED_OFFICIAL,
    FollowAssignment.Kind.COMMUNE_CADRE: Guest.Kind.ASSIGNED_OFFICIAL,
    FollowAssignment.Kind.COMMUNE_POLICE: Guest.Kind.COMMUNE_POLICE,
}


class _Errors(dict):
    def add(self, part, message):
        self.setdefault(part, []).append(message)


def _text(value, limit=None) -> str:
    text = str(value or "").strip()
    return text[:limit] if limit else text


def _int(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # never a valid id: reported as not in the cell


@dataclass
class Clean:
    held_on: datetime.date
    roll: dict
    fields: dict
    attendance: list
    guests: list
    speeches: list
    reviews: list
    progress: list
    tasks: list
    removed_tasks: list
    scores: list
    sheet: object


def _check_details(meeting, data, e: _Errors):
    held_on = data.get("held_on")
    start, end = data.get("start_time"), data.get("end_time")
    if not isinstance(held_on, datetime.date):
        e.add("held_on", _("Hãy ghi ngày họp."))
        held_on = None
    elif held_on < meeting.month:
        e.add(
            "held_on",
            _("Ngày họp không được trước tháng %(m)s.") % {"m": f"{meeting.month:%m/%Y}"},
        )
    elif held_on > today():
        e.add("held_on", _("Ngày họp không được sau hôm nay."))
    if not isinstance(start, datetime.time):
        e.add("start_time", _("Hãy ghi giờ bắt đầu."))
    if not isinstance(end, datetime.time):
        e.add("end_time", _("Hãy ghi giờ kết thúc."))
    if isinstance(start, datetime.time) and isinstance(end, datetime.time) and end <= start:
        e.add("end_time", _("Giờ kết thúc phải sau giờ bắt đầu."))
    elif isinstance(end, datetime.time) and held_on == today():
        now = timezone.localtime()
        if end > now.time():
            # A record says what happened: a meeting of today cannot have ended later than now.
            e.add(
                "end_time",
                _("Giờ kết thúc %(end)s chưa đến (bây giờ là %(now)s): hãy ghi giờ đã kết thúc.")
                % {"end": f"{end:%H:%M}", "now": f"{now:%H:%M}"},
            )
    topic = _text(data.get("topic"), 300)
    if meeting.kind == CellMeeting.Kind.THEMATIC and not topic:
        e.add("topic", _("Buổi sinh hoạt chuyên đề phải có chuyên đề."))
    return held_on, {
        "held_on": held_on,
        "start_time": start,
        "end_time": end,
        "place": _text(data.get("place"), 200),
        "topic": topic,
        "summary": _text(data.get("summary")),
        "conclusions": _text(data.get("conclusions")),
        "resolution": _text(data.get("resolution")),
    }


def _names(ids) -> str:
    found = dict(
        Member.objects.filter(pk__in=[i for i in ids if i and i > 0]).values_list("pk", "full_name")
    )
    unknown = [i for i in ids if i not in found]
    return ", ".join([*sorted(found.values()), *([_("(không rõ)")] if unknown else [])])


def _check_attendance(data, roll, e: _Errors):
    rows, seen, strangers = [], set(), []
    for row in data.get("attendance") or []:
        member_id = _int(row.get("member"))
        if member_id not in roll:
            strangers.append(member_id)
            continue
        if member_id in seen:
            e.add("attendance", _("%(n)s được điểm danh hai lần.") % {"n": roll[member_id].member})
            continue
        seen.add(member_id)
        entry = roll[member_id]
        presence = row.get("presence") or ""
        reason = _text(row.get("reason"), 200)
        if entry.exempt and presence in ("", None):
            continue  # an exempt member who did not come: outside the base, nothing to record
        if presence not in P.values:
            e.add("attendance", _("Chưa điểm danh %(n)s.") % {"n": entry.member})
            continue
        if presence == P.EXCUSED and not reason:
            e.add("attendance", _("Hãy ghi lý do vắng của %(n)s.") % {"n": entry.member})
        if presence == P.PRESENT:
            reason = ""
        rows.append(
            Attendance(
                member_id=member_id, summoned=entry.summoned, presence=presence, reason=reason
            )
        )
    if strangers:
        e.add(
            "attendance",
            _("Không phải đảng viên của chi bộ vào ngày họp: %(n)s.") % {"n": _names(strangers)},
        )
    missing = [x.member.full_name for x in roll.values() if x.summoned and x.member.pk not in seen]
    if missing:
        e.add("attendance", _("Chưa điểm danh: %(n)s.") % {"n": ", ".join(missing)})
    return rows


def _check_person(data, name, roll, rows, e: _Errors, label):
    member_id = _int(data.get(name))
    if member_id is None:
        e.add(name, _("Hãy chọn %(who)s.") % {"who": label})
        return None
    if member_id not in roll:
        e.add(name, _("%(who)s phải là đảng viên của chi bộ.") % {"who": label.capitalize()})
        return None
    present = {a.member_id for a in rows if a.presence == P.PRESENT}
    if member_id not in present:
        e.add(
            name,
            _("%(who)s (%(n)s) phải có mặt.")
            % {"who": label.capitalize(), "n": roll[member_id].member},
        )
    return member_id


def _check_guests(meeting, data, held_on, e: _Errors):
    follows = (
        {f.official_id: f for f in selectors.follow_assignments(meeting.cell, held_on)}
        if held_on
        else {}
    )
    rows, seen = [], set()
    for row in data.get("guests") or []:
        user_id = _int(row.get("user"))
        guidance = _text(row.get("guidance"))
        organization = _text(row.get("organization"), 200)
        if user_id is not None:
            f = follows.get(user_id)
            if f is None:
                e.add("guests", _("Khách mời không phải cán bộ được phân công theo dõi chi bộ."))
                continue
            if user_id in seen:
                continue
            seen.add(user_id)
            rows.append(
                Guest(
                    kind=GUEST_KIND_OF[f.kind],
                    user_id=user_id,
                    name=_text(row.get("name"), 120) or str(f.official),
                    organization=organization or f.get_kind_display(),
                    guidance=guidance,
                )
            )
            continue
        name = _text(row.get("name"), 120)
        kind = row.get("kind") or Guest.Kind.OTHER
        if not name:
            if guidance or organization:
                e.add("guests", _("Hãy ghi họ tên khách mời."))
            continue
        if kind not in Guest.Kind.values or kind == Guest.Kind.ASSIGNED_OFFICIAL:
            kind = Guest.Kind.OTHER
        rows.append(Guest(kind=kind, name=name, organization=organization, guidance=guidance))
    return rows


def _check_speeches(data, roll, e: _Errors):
    rows = []
    for row in data.get("speeches") or []:
        member_id = _int(row.get("member"))
        speaker = _text(row.get("speaker"), 120)
        gist = _text(row.get("gist"))
        if member_id is not None:
            if member_id not in roll:
                e.add("speeches", _("Người phát biểu phải là đảng viên của chi bộ hoặc ghi tên."))
                continue
            speaker = roll[member_id].member.full_name
        if not speaker and not gist:
            continue
        if not speaker:
            e.add("speeches", _("Hãy ghi tên người phát biểu."))
            continue
        if not gist:
            e.add("speeches", _("Hãy tóm tắt ý kiến của %(n)s.") % {"n": speaker})
            continue
        rows.append(Speech(order=len(rows) + 1, member_id=member_id, speaker=speaker, gist=gist))
    return rows


def _check_reviews(meeting, data, e: _Errors):
    reviewable = {t.pk: t for t in selectors.tasks_to_review(meeting)}
    rows = []
    for row in data.get("reviews") or []:
        task = reviewable.get(_int(row.get("task")))
        if task is None:
            e.add(
                "reviews", _("Nhiệm vụ được đánh giá không thuộc các nhiệm vụ kỳ trước của chi bộ.")
            )
            continue
        state = row.get("state") or Task.State.OPEN
        if state not in REVIEW_STATES and state != Task.State.OPEN:
            e.add("reviews", _("Kết quả không hợp lệ cho nhiệm vụ “%(t)s”.") % {"t": task.title})
            continue
        rows.append((task, state, _text(row.get("note"), 300)))
    return rows


def _decimal(value):
    if value in (None, ""):
        return None
    try:
        return vn_decimal(str(value))  # 1.500 is fifteen hundred, as in every number box
    except InvalidOperation:
        return "bad"


def _check_progress(meeting, data, targets, e: _Errors):
    targets = {t.pk: t for t in targets if t.year == meeting.month.year}
    rows = []
    for row in data.get("progress") or []:
        target = targets.get(_int(row.get("target")))
        if target is None:
            e.add("progress", _("Chỉ tiêu không thuộc chi bộ trong năm của buổi họp."))
            continue
        value = _decimal(row.get("value"))
        if value is None:
            continue
        if value == "bad" or value < 0 or value >= Decimal("1e10"):
            e.add(
                "progress", _("Kết quả của “%(t)s” phải là một số không âm.") % {"t": target.name}
            )
            continue
        rows.append((target, value.quantize(Decimal("0.01")), _text(row.get("note"), 300)))
    return rows


def _check_tasks(meeting, data, held_on, roll, targets, e: _Errors):
    own = {t.pk: t for t in meeting.tasks.all()}
    targets = {t.pk: t for t in targets}
    rows, removed = [], []
    for row in data.get("tasks") or []:
        task_id = _int(row.get("id"))
        task = own.get(task_id) if task_id is not None else None
        if task_id is not None and task is None:
            e.add("tasks", _("Nhiệm vụ này không thuộc buổi sinh hoạt."))
            continue
        title = _text(row.get("title"), 300)
        if row.get("remove"):
            if task is not None:
                if task.reviewed_at_id or task.updates.exists():
                    e.add(
                        "tasks",
                        _(
                            "Nhiệm vụ “%(t)s” đã có báo cáo tiến độ hoặc đã được đánh giá; "
                            "không bỏ được."
                        )
                        % {"t": task.title},
                    )
                else:
                    removed.append(task)
            continue
        if not title:
            if task is not None:
                e.add("tasks", _("Hãy ghi nội dung nhiệm vụ (hoặc đánh dấu bỏ)."))
            continue
        owner_kind = row.get("owner_kind") or ""
        owner_member = _int(row.get("owner_member"))
        owner_name = _text(row.get("owner_name"), 120)
        if owner_kind == Task.Owner.MEMBER:
            if owner_member not in roll:
                e.add(
                    "tasks",
                    _("Người nhận nhiệm vụ “%(t)s” phải là đảng viên của chi bộ.") % {"t": title},
                )
                continue
            owner_name = ""
        elif owner_kind == Task.Owner.MASS_ORG:
            owner_member = None
            if not owner_name:
                e.add("tasks", _("Hãy ghi tên đoàn thể nhận nhiệm vụ “%(t)s”.") % {"t": title})
                continue
        elif owner_kind == Task.Owner.COMMITTEE:
            owner_member, owner_name = None, ""
        else:
            e.add("tasks", _("Hãy chọn người hoặc tổ chức nhận nhiệm vụ “%(t)s”.") % {"t": title})
            continue
        deadline = row.get("deadline")
        if not isinstance(deadline, datetime.date):
            e.add("tasks", _("Hãy ghi thời hạn của nhiệm vụ “%(t)s”.") % {"t": title})
            continue
        if held_on and deadline < held_on:
            e.add(
                "tasks",
                _("Thời hạn của nhiệm vụ “%(t)s” (%(d)s) đã qua so với ngày họp.")
                % {"t": title, "d": day_text(deadline)},
            )
            continue
        target_id = _int(row.get("target"))
        if target_id is not None and target_id not in targets:
            e.add("tasks", _("Chỉ tiêu của nhiệm vụ “%(t)s” không thuộc chi bộ.") % {"t": title})
            continue
        rows.append(
            (
                task,
                {
                    "title": title,
                    "owner_kind": owner_kind,
                    "owner_member_id": owner_member,
                    "owner_name": owner_name,
                    "deadline": deadline,
                    "target_id": target_id,
                },
            )
        )
    return rows, removed


def _check_scores(meeting, data, e: _Errors):
    sheet = meeting.score_sheet or schedule.sheet_for(meeting.cell, meeting.month)
    given = {k: v for k, v in (data.get("scores") or {}).items() if v not in (None, "")}
    if sheet is None or not given:
        return sheet, []
    items = {i.code: i for i in sheet.items.all()}
    rows = []
    for code in given:
        if code not in items:
            e.add("scores", _("Tiêu chí chấm điểm không có trong phiếu: %(c)s.") % {"c": code})
    for code, item in items.items():
        if code not in given:
            e.add("scores", _("Hãy chấm điểm “%(i)s” (hoặc để trống cả phiếu).") % {"i": item.name})
            continue
        points = _int(given[code])
        if points is None or points < 0 or points > item.max_points:
            e.add(
                "scores",
                _("Điểm “%(i)s” phải từ 0 đến %(m)s.") % {"i": item.name, "m": item.max_points},
            )
            continue
        rows.append(ScoreEntry(item=item, points=points))
    return sheet, rows


def validate(meeting: CellMeeting, data: dict) -> Clean:
    e = _Errors()
    held_on, fields = _check_details(meeting, data, e)
    roll = {x.member.pk: x for x in selectors.meeting_roll(meeting, held_on)} if held_on else {}
    attendance = _check_attendance(data, roll, e) if held_on else []
    if held_on:
        fields["chair_id"] = _check_person(data, "chair", roll, attendance, e, _("người chủ trì"))
        fields["minute_taker_id"] = _check_person(
            data, "minute_taker", roll, attendance, e, _("thư ký")
        )
    guests = _check_guests(meeting, data, held_on, e)
    speeches = _check_speeches(data, roll, e)
    reviews = _check_reviews(meeting, data, e)
    # The targets of the meeting's year (progress) and the next (a task may serve those).
    year = meeting.month.year
    targets = selectors.targets_of(meeting.cell, year, year + 1, meeting=meeting)
    progress = _check_progress(meeting, data, targets, e)
    tasks, removed = _check_tasks(meeting, data, held_on, roll, targets, e)
    sheet, scores = _check_scores(meeting, data, e)
    if e:
        raise ValidationError(dict(e))
    return Clean(
        held_on=held_on,
        roll=roll,
        fields=fields,
        attendance=attendance,
        guests=guests,
        speeches=speeches,
        reviews=reviews,
        progress=progress,
        tasks=tasks,
        removed_tasks=removed,
        scores=scores,
        sheet=sheet,
    )
