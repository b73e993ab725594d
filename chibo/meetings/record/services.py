"""The record of a held meeting, written in one transaction: details, roll call, guests, speakers,
the review of earlier tasks, target progress, next month's tasks, conclusions, resolution and the
quality self-score.

`meeting_record` is the only way a meeting becomes held (planned / returned / held → held; the
commune's confirmation and return are in oversight.services). It is safe to repeat and safe against
lost updates:

* idempotent: the browser makes a submission key once per set of attempts; a submit whose key is
  already stored returns the stored result and writes nothing;
* optimistic lock: the caller passes the meeting's version its form was built from; a stale one
  raises RecordConflict and writes nothing;
* all or nothing: every check runs before the first write, and every problem found is reported
  at once (a ValidationError with one list of messages per part of the form).
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.core import audit, changelog
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text, moment_text
from chibo.members.models import Member
from chibo.organizations.models import Organization
from chibo.targets.models import TargetProgress

from .. import notices, schedule
from ..documents import services as services_documents
from ..lifecycle import check_open
from ..models import Attendance, CellMeeting, Guest, MeetingSubmission, ScoreEntry, Speech, Task
from .checks import validate

P = Attendance.Presence
# How the record's changes read in the change log where the meeting's fields do not say it (the
# roll call, the guests, the people chairing and writing it).
changelog.describe(
    CellMeeting,
    "attendance",
    label=gettext_lazy("Điểm danh"),
    keys=Member,
    choices=Attendance.Presence,
)
changelog.describe(CellMeeting, "guests", label=gettext_lazy("Khách mời"))
changelog.note(CellMeeting, "generate", gettext_lazy("Tạo theo lịch sinh hoạt tháng"))
changelog.describe(CellMeeting, "cell", label=gettext_lazy("Chi bộ"), keys=Organization)
changelog.describe(CellMeeting, "chair", label=gettext_lazy("Chủ trì"), keys=Member)
changelog.describe(
    CellMeeting, "minute_taker", label=gettext_lazy("Thư ký (ghi biên bản)"), keys=Member
)
changelog.describe(CellMeeting, "speeches", label=gettext_lazy("Số ý kiến phát biểu"))

MAIN_FIELDS = [
    "held_on",
    "start_time",
    "end_time",
    "place",
    "chair",
    "minute_taker",
    "topic",
    "summary",
    "conclusions",
    "resolution",
    "status",
    "quality_points",
    "quality_class",
    "summoned",
    "present",
    "absent_excused",
    "absent_unexcused",
]


def _snapshot(meeting) -> dict:
    # audit.snapshot leaves times as they are; the audit row is JSON.
    return {
        k: v.isoformat() if isinstance(v, datetime.time) else v
        for k, v in audit.snapshot(meeting, MAIN_FIELDS).items()
    }


class RecordConflict(ValidationError):
    """The record changed since the form was opened (someone else saved it)."""


@dataclass
class RecordResult:
    meeting: CellMeeting
    repeated: bool = False  # the submission key had been seen: nothing was written
    warnings: list[str] = field(default_factory=list)


# --- warnings ---------------------------------------------------------------------------------


def warnings_for(meeting: CellMeeting, rule=None) -> list[str]:
    """What a held meeting falls short of without being wrong: too short, late."""
    rule = rule or schedule.rule_for(meeting.cell, meeting.month)
    out = []
    minutes = meeting.duration_minutes
    if rule is not None and minutes is not None:
        need = rule.min_minutes_thematic if meeting.has_thematic_part else rule.min_minutes
        if minutes < need:
            out.append(
                _("Buổi sinh hoạt kéo dài %(m)s phút, dưới mức tối thiểu %(n)s phút%(t)s.")
                % {
                    "m": minutes,
                    "n": need,
                    "t": _(" (có phần chuyên đề)") if meeting.has_thematic_part else "",
                }
            )
    if meeting.held_on and meeting.held_on > meeting.scheduled_date:
        out.append(
            _("Họp muộn so với ngày dự kiến %(d)s.") % {"d": day_text(meeting.scheduled_date)}
        )
    return out


# --- writes -----------------------------------------------------------------------------------


def _replace(manager, model, meeting, rows, fields):
    """Make the meeting's rows of `model` equal `rows`, updating in place by position; returns the
    old values of what changed (for the audit), as lists of dicts."""
    old = list(manager.order_by("id"))
    before = [{f: getattr(o, f) for f in fields} for o in old]
    for existing, row in zip(old, rows, strict=False):
        for f in fields:
            setattr(existing, f, getattr(row, f))
    if old[: len(rows)]:
        model.objects.bulk_update(old[: len(rows)], fields)
    for row in rows[len(old) :]:
        row.meeting = meeting
    model.objects.bulk_create(rows[len(old) :])
    if len(old) > len(rows):
        model.objects.filter(pk__in=[o.pk for o in old[len(rows) :]]).delete()
    after = [{f: getattr(r, f) for f in fields} for r in rows]
    return None if before == after else [before, after]


def _write_attendance(meeting, rows):
    old = {a.member_id: a for a in meeting.attendance.all()}
    # Read before the loop below changes the rows in place (else a changed presence would be
    # logged as no change).
    before = {m: a.presence for m, a in old.items()}
    keep, create, update = set(), [], []
    for row in rows:
        keep.add(row.member_id)
        existing = old.get(row.member_id)
        if existing is None:
            row.meeting = meeting
            create.append(row)
        elif (existing.presence, existing.reason, existing.summoned) != (
            row.presence,
            row.reason,
            row.summoned,
        ):
            existing.presence, existing.reason, existing.summoned = (
                row.presence,
                row.reason,
                row.summoned,
            )
            update.append(existing)
    Attendance.objects.bulk_create(create)
    if update:
        Attendance.objects.bulk_update(update, ["presence", "reason", "summoned"])
    gone = [a.pk for m, a in old.items() if m not in keep]
    if gone:  # a corrected roll call (another date, another member): the audit keeps the old one
        Attendance.objects.filter(pk__in=gone).delete()
    return before


def _write_tasks(meeting, clean, actor):
    """Write the record's tasks; (the new tasks, the changed ones)."""
    created, changed = [], []
    for task, values in clean.tasks:
        if task is None:
            created.append(Task(cell_id=meeting.cell_id, meeting=meeting, **values))
            continue
        if any(getattr(task, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(task, k, v)
            task.save()
            changed.append(task)
    Task.objects.bulk_create(created)
    for task in clean.removed_tasks:
        audit.record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            obj=task,
            changes=audit.snapshot(task, ["title", "owner_kind", "owner_member", "deadline"]),
            note=_("Bỏ khi sửa biên bản"),
        )
        task.delete()  # set a moment ago in this record, never reported on nor reviewed
    return created, changed


def _write_reviews(meeting, reviews):
    changed = []
    for task, state, note in reviews:
        reviewed_at = meeting.pk if state != Task.State.OPEN else None
        if (task.state, task.reviewed_at_id, task.review_note) != (state, reviewed_at, note):
            task.state, task.reviewed_at_id, task.review_note = state, reviewed_at, note
            changed.append(task)
    if changed:
        Task.objects.bulk_update(changed, ["state", "reviewed_at", "review_note", "updated_at"])
    return len(changed)


def _write_progress(meeting, rows, actor):
    existing = {
        p.target_id: p
        for p in TargetProgress.objects.filter(
            target_id__in=[t.pk for t, _v, _n in rows], month=meeting.month
        )
    }
    new = []
    for target, value, note in rows:
        p = existing.get(target.pk)
        if p is None:
            new.append(
                TargetProgress(
                    target=target,
                    month=meeting.month,
                    value=value,
                    note=note,
                    meeting=meeting,
                    recorded_by=actor,
                )
            )
        elif (p.value, p.note) != (value, note):
            p.value, p.note, p.meeting, p.recorded_by = value, note, meeting, actor
            p.save()
    TargetProgress.objects.bulk_create(new)  # a first record: every target at once


def _write_scores(meeting, sheet, rows):
    meeting.scores.exclude(item__in=[r.item for r in rows]).delete()
    old = {s.item_id: s for s in meeting.scores.all()}
    new, changed = [], []
    for row in rows:
        s = old.get(row.item.pk)
        if s is None:
            new.append(ScoreEntry(meeting=meeting, item=row.item, points=row.points))
        elif s.points != row.points:
            s.points = row.points
            changed.append(s)
    ScoreEntry.objects.bulk_create(new)  # a first record: the whole sheet at once
    if changed:
        ScoreEntry.objects.bulk_update(changed, ["points"])
    if rows:
        total = sum(r.points for r in rows)
        meeting.score_sheet = sheet
        meeting.quality_points = total
        meeting.quality_class = sheet.classify(total)
    else:
        meeting.quality_points = None
        meeting.quality_class = ""


def _counts(rows):
    base = [a for a in rows if a.summoned]
    return {
        "summoned": len(base),
        "present": sum(1 for a in base if a.presence == P.PRESENT),
        "absent_excused": sum(1 for a in base if a.presence == P.EXCUSED),
        "absent_unexcused": sum(1 for a in base if a.presence == P.UNEXCUSED),
    }


def meeting_record(
    *, meeting: CellMeeting, data: dict, actor, submission_key, version: int
) -> RecordResult:
    """Write the whole record of `meeting` from `data` (plain values: see core_helpers.record_data
    in the tests for its shape) and mark it held.

    Raises RecordConflict when `version` is not the meeting's version, ValidationError (a dict of
    lists of messages) for bad input or a confirmed record; writes nothing then. A submission key
    already used for this meeting returns the stored result (repeated=True) and writes nothing.
    The figures of the roll call are stored on the meeting: summoned = official and probationary
    members of the cell on the day (exempt members come outside the base); present and the two
    kinds of absence are counted among the summoned, so summoned = present + excused + unexcused.
    """
    try:
        key = uuid.UUID(str(submission_key))
    except (TypeError, ValueError):
        raise ValidationError(
            _("Mã lần gửi không hợp lệ; hãy tải lại trang rồi gửi lại.")
        ) from None
    with transaction.atomic():
        locked = (
            CellMeeting.objects.select_for_update(of=("self",))
            .select_related("cell", "score_sheet")
            .get(pk=meeting.pk)
        )
        seen = MeetingSubmission.objects.filter(key=key).first()
        if seen is not None:
            if seen.meeting_id != locked.pk:
                raise ValidationError(
                    _("Mã lần gửi này thuộc một biên bản khác; hãy tải lại trang.")
                )
            return RecordResult(meeting=locked, repeated=True, warnings=warnings_for(locked))
        check_open(locked)
        if version != locked.version:
            raise RecordConflict(
                _(
                    "Biên bản này vừa được %(who)s lưu lúc %(at)s, sau khi anh/chị mở trang. Chưa "
                    "lưu gì từ lần gửi này."
                )
                % {
                    "who": locked.recorded_by if locked.recorded_by_id else _("người khác"),
                    "at": moment_text(locked.recorded_at) or "—",
                },
                code="conflict",
            )
        clean = validate(locked, data)
        before = _snapshot(locked)
        for name, value in clean.fields.items():
            setattr(locked, name, value)
        old_roll = _write_attendance(locked, clean.attendance)
        for name, value in _counts(clean.attendance).items():
            setattr(locked, name, value)
        guests = _replace(
            locked.guests,
            Guest,
            locked,
            clean.guests,
            ["kind", "user_id", "name", "organization", "guidance"],
        )
        speeches = _replace(
            locked.speeches,
            Speech,
            locked,
            clean.speeches,
            ["order", "member_id", "speaker", "gist"],
        )
        reviewed = _write_reviews(locked, clean.reviews)
        created_tasks, changed_tasks = _write_tasks(locked, clean, actor)
        new_tasks = len(created_tasks)
        _write_progress(locked, clean.progress, actor)
        _write_scores(locked, clean.sheet, clean.scores)
        was = locked.status
        locked.status = CellMeeting.Status.HELD
        locked.recorded_by = actor
        locked.recorded_at = timezone.now()
        locked.version += 1
        locked.save()
        MeetingSubmission.objects.create(
            key=key, meeting=locked, user=actor, version=locked.version
        )
        # The minutes and the resolution take their numbers now, in meeting order; a download
        # only reads them.
        services_documents.documents_number(meeting=locked, actor=actor)
        changes = audit.diff(before, _snapshot(locked))
        new_roll = {a.member_id: a.presence for a in clean.attendance}
        if old_roll != new_roll:
            changes["attendance"] = [
                {str(k): v for k, v in old_roll.items()},
                {str(k): v for k, v in new_roll.items()},
            ]
        if guests:
            changes["guests"] = [[g["name"] for g in guests[0]], [g["name"] for g in guests[1]]]
        if speeches:
            changes["speeches"] = [len(speeches[0]), len(speeches[1])]
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=locked,
            changes=changes,
            note=_(
                "Ghi biên bản (phiên bản %(v)s; %(t)s nhiệm vụ mới, %(r)s nhiệm vụ được đánh giá)"
            )
            % {"v": locked.version, "t": new_tasks, "r": reviewed},
        )
        # Who waits on this record now: the commune's staff (a first record, or a returned one
        # saved again) and each member given a task.
        if was in (CellMeeting.Status.PLANNED, CellMeeting.Status.RETURNED):
            notices.minutes_to_review(locked)
        notices.tasks_assigned(created_tasks + changed_tasks)
    return RecordResult(meeting=locked, warnings=warnings_for(locked))
