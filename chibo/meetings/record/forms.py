"""Forms of a cell's meetings: the list's query string, the month to generate, a thematic meeting;
and the record form.

The record form: one page, built from the meeting's context (the roll call of the day, the
assigned officials, the tasks to review, the cell's targets, the score sheet) with a fixed number
of blank rows for guests, speakers and tasks, so it works as a plain form POST without JavaScript;
a sent form has as many rows as it sent (the page adds rows as needed), up to MAX_ROWS.

The form checks types (dates, times, numbers, choices); `to_data()` turns it into the plain data
of services.meeting_record, which checks everything else. Its messages come back by part
(`part_errors`) or on the field they concern.
"""

import re
import uuid
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chibo.core.forms import MAX_ID, MonthField, PageField, VnDecimalField, digits
from chibo.core.renderers import RENDERER

from ..fields import DateField
from ..models import Attendance, Guest, Task

P = Attendance.Presence
TIME_WIDGET = forms.TimeInput(format="%H:%M", attrs={"type": "time"})
STRANGER = re.compile(r"att_(\d{1,12})")
BLANK_GUESTS = 2
BLANK_SPEECHES = 4
BLANK_TASKS = 4
MAX_ROWS = 60  # rows of one kind a sent form may add beyond the blanks (meeting-record.js adds)
SENT_ROW = re.compile(r"(guest|speech|task)(\d{1,3})_")
PARTS = ["attendance", "guests", "speeches", "reviews", "progress", "tasks", "scores"]
FIELD_PARTS = ["held_on", "start_time", "end_time", "place", "topic", "chair", "minute_taker"]


# --- a cell's meetings: the list's query string, the month to generate, a thematic meeting ---


class MonthForm(forms.Form):
    month = MonthField(label=_("Tháng"))


class CellMeetingsForm(forms.Form):
    """The query string of a cell's meeting list."""

    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    page = PageField(max_value=10000)


class ThematicForm(forms.Form):
    scheduled_date = DateField(label=_("Ngày họp dự kiến"))
    topic = forms.CharField(label=_("Chuyên đề"), max_length=300)


# --- the record form -----------------------------------------------------------------------


def text(label, required=False, max_length=None, rows=None, **attrs):
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget)


@dataclass
class Context:
    """What the form is built from (selectors.record_context)."""

    meeting: object
    roll: list  # RollEntry
    follows: list  # FollowAssignment
    reviews: list  # Task
    targets: list  # Target
    progress: dict  # target id -> {"month", "before", "note"}
    items: list  # ScoreItem
    guests: list  # Guest (saved, not from a follow)
    follow_guests: dict  # official id -> Guest (saved)
    speeches: list
    tasks: list  # Task set at this meeting
    scores: dict  # item id -> points
    attendance: dict  # member id -> Attendance
    sheet: object = None  # ScoreSheet
    rule: object = None  # MeetingRule
    reports: dict = None  # task id -> latest TaskUpdate (the tasks to review)


class RecordForm(forms.Form):
    default_renderer = RENDERER  # Jinja2 (ADR 0011): the page repeats widgets per member and row
    version = forms.IntegerField(widget=forms.HiddenInput)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=40)
    held_on = DateField(label=_("Ngày họp"))
    start_time = forms.TimeField(label=_("Bắt đầu"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Kết thúc"), widget=TIME_WIDGET)
    place = text(_("Địa điểm"), max_length=200)
    topic = text(_("Chuyên đề (nếu có phần chuyên đề)"), max_length=300)
    chair = forms.TypedChoiceField(label=_("Chủ trì"), coerce=int, required=False)
    minute_taker = forms.TypedChoiceField(
        label=_("Thư ký (ghi biên bản)"), coerce=int, required=False
    )
    summary = text(_("Tình hình, kết quả tháng qua"), rows=4)
    conclusions = text(_("Kết luận của chủ trì"), rows=4)
    resolution = text(_("Nghị quyết tháng"), rows=5)

    def __init__(self, data=None, *, ctx: Context, user=None):
        self.ctx = ctx
        self.part_errors: dict[str, list[str]] = {}
        self.sent_rows = self._sent_rows(data)
        meeting = ctx.meeting
        super().__init__(data, initial=self._initial(ctx, user))
        members = [(e.member.pk, e.member.full_name) for e in ctx.roll]
        people = [("", "—"), *members]
        self.fields["chair"].choices = people
        self.fields["minute_taker"].choices = people
        if meeting.kind == meeting.Kind.THEMATIC:
            self.fields["topic"].required = True
            self.fields["topic"].label = _("Chuyên đề")
        # Labels repeated per row are translated once here, not once per row as they render.
        present = [(P.PRESENT, str(_("Có mặt")))]
        summoned = [
            *present,
            (P.EXCUSED, str(_("Vắng có lý do"))),
            (P.UNEXCUSED, str(_("Vắng không lý do"))),
        ]
        exempt = [("", str(_("Không dự"))), *present]
        reason = str(_("Lý do vắng"))
        for e in ctx.roll:
            pk = e.member.pk
            self.fields[f"att_{pk}"] = forms.ChoiceField(
                label=e.member.full_name,
                choices=summoned if e.summoned else exempt,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"reason_{pk}"] = text(reason, max_length=200, placeholder=reason)
        for f in ctx.follows:
            self.fields[f"fguest_{f.official_id}"] = forms.BooleanField(
                label=str(f.official), required=False
            )
            self.fields[f"fguidance_{f.official_id}"] = text(_("Ý kiến chỉ đạo"), rows=2)
        kinds = [
            (Guest.Kind.COMMUNE_POLICE, str(Guest.Kind.COMMUNE_POLICE.label)),
            (Guest.Kind.OTHER, str(Guest.Kind.OTHER.label)),
        ]
        kind, name, org = str(_("Loại khách")), str(_("Họ và tên")), str(_("Đơn vị, chức vụ"))
        guidance = str(_("Ý kiến chỉ đạo, phát biểu"))
        for i in range(self.guest_count):
            self.fields[f"guest{i}_kind"] = forms.ChoiceField(
                label=kind, choices=kinds, required=False
            )
            self.fields[f"guest{i}_name"] = text(name, max_length=120)
            self.fields[f"guest{i}_org"] = text(org, max_length=200)
            self.fields[f"guest{i}_guidance"] = text(guidance, rows=2)
        member, speaker = str(_("Đảng viên")), str(_("hoặc tên người phát biểu"))
        gist = str(_("Tóm tắt ý kiến"))
        for i in range(self.speech_count):
            self.fields[f"speech{i}_member"] = forms.TypedChoiceField(
                label=member, choices=people, coerce=int, required=False
            )
            self.fields[f"speech{i}_speaker"] = text(speaker, max_length=120)
            self.fields[f"speech{i}_gist"] = text(gist, rows=2)
        states = [("", str(_("Chưa đánh giá")))] + [
            (s, str(label)) for s, label in Task.State.choices if s != Task.State.OPEN
        ]
        note = str(_("Ghi chú"))
        for t in ctx.reviews:
            self.fields[f"review{t.pk}_state"] = forms.ChoiceField(
                label=t.title, choices=states, required=False, widget=forms.RadioSelect
            )
            self.fields[f"review{t.pk}_note"] = text(note, max_length=300)
        for t in ctx.targets:
            # A text box read as every number box is (1.500, 2,5): a number box of the browser
            # reads what is typed by the phone's own locale, and sends nothing it cannot read.
            self.fields[f"progress{t.pk}_value"] = VnDecimalField(
                label=t.name,
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            self.fields[f"progress{t.pk}_note"] = text(note, max_length=300)
        owners = [
            ("", "—"),
            (Task.Owner.COMMITTEE, str(_("Chi ủy / Bí thư"))),
            (Task.Owner.MASS_ORG, str(_("Đoàn thể (ghi tên)"))),
            *[(f"m{pk}", name) for pk, name in members],
        ]
        target_choices = [("", "—"), *[(t.pk, t.name) for t in ctx.targets]]
        title, owner, owner_name = str(_("Nhiệm vụ")), str(_("Giao cho")), str(_("Tên đoàn thể"))
        deadline, target = str(_("Thời hạn")), str(_("Phục vụ chỉ tiêu"))
        remove = str(_("Bỏ nhiệm vụ này"))
        for i in range(self.task_count):
            self.fields[f"task{i}_id"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )
            self.fields[f"task{i}_title"] = text(title, max_length=300)
            self.fields[f"task{i}_owner"] = forms.ChoiceField(
                label=owner, choices=owners, required=False
            )
            self.fields[f"task{i}_owner_name"] = text(owner_name, max_length=120)
            self.fields[f"task{i}_deadline"] = DateField(label=deadline, required=False)
            self.fields[f"task{i}_target"] = forms.TypedChoiceField(
                label=target, choices=target_choices, coerce=int, required=False
            )
            if i < len(ctx.tasks):
                self.fields[f"task{i}_remove"] = forms.BooleanField(label=remove, required=False)
        for item in ctx.items:
            self.fields[f"score_{item.code}"] = forms.IntegerField(
                label=item.name,
                required=False,
                widget=forms.NumberInput(
                    attrs={"inputmode": "numeric", "min": 0, "max": item.max_points}
                ),
            )

    # --- layout ------------------------------------------------------------------------------

    @staticmethod
    def _sent_rows(data) -> dict[str, int]:
        """kind -> how many rows of it the sent data holds (its highest index + 1)."""
        rows: dict[str, int] = {}
        for name in data or ():
            match = SENT_ROW.match(name)
            if match and int(match[2]) < MAX_ROWS:
                rows[match[1]] = max(rows.get(match[1], 0), int(match[2]) + 1)
        return rows

    @property
    def guest_count(self):
        return max(len(self.ctx.guests) + BLANK_GUESTS, self.sent_rows.get("guest", 0))

    @property
    def speech_count(self):
        return max(len(self.ctx.speeches) + BLANK_SPEECHES, self.sent_rows.get("speech", 0))

    @property
    def task_count(self):
        return max(len(self.ctx.tasks) + BLANK_TASKS, self.sent_rows.get("task", 0))

    def roll_rows(self):
        return [
            {
                "entry": e,
                "presence": self[f"att_{e.member.pk}"],
                "reason": self[f"reason_{e.member.pk}"],
            }
            for e in self.ctx.roll
        ]

    def follow_rows(self):
        return [
            {
                "follow": f,
                "came": self[f"fguest_{f.official_id}"],
                "guidance": self[f"fguidance_{f.official_id}"],
            }
            for f in self.ctx.follows
        ]

    def guest_rows(self):
        return [
            [self[f"guest{i}_{n}"] for n in ("kind", "name", "org", "guidance")]
            for i in range(self.guest_count)
        ]

    def speech_rows(self):
        return [
            [self[f"speech{i}_{n}"] for n in ("member", "speaker", "gist")]
            for i in range(self.speech_count)
        ]

    def review_rows(self):
        return [
            {"task": t, "state": self[f"review{t.pk}_state"], "note": self[f"review{t.pk}_note"]}
            for t in self.ctx.reviews
        ]

    def progress_rows(self):
        rows = []
        for t in self.ctx.targets:
            p = self.ctx.progress.get(t.pk, {})
            rows.append(
                {
                    "target": t,
                    "before": p.get("before"),
                    "value": self[f"progress{t.pk}_value"],
                    "note": self[f"progress{t.pk}_note"],
                }
            )
        return rows

    def task_rows(self):
        rows = []
        for i in range(self.task_count):
            row = {
                n: self[f"task{i}_{n}"]
                for n in ("id", "title", "owner", "owner_name", "deadline", "target")
            }
            row["remove"] = self[f"task{i}_remove"] if i < len(self.ctx.tasks) else None
            row["saved"] = i < len(self.ctx.tasks)
            rows.append(row)
        return rows

    def score_rows(self):
        return [{"item": item, "points": self[f"score_{item.code}"]} for item in self.ctx.items]

    # --- initial values ------------------------------------------------------------------------

    @staticmethod
    def _initial(ctx: Context, user) -> dict:
        m = ctx.meeting
        fresh = m.held_on is None
        member_ids = {e.member.pk for e in ctx.roll}
        own = getattr(user, "member_id", None)
        initial = {
            "version": m.version,
            "submission_key": str(uuid.uuid4()),
            "held_on": m.held_on or m.scheduled_date,
            "start_time": m.start_time,
            "end_time": m.end_time,
            "place": m.place,
            "topic": m.topic,
            "chair": m.chair_id or (own if own in member_ids else ""),
            "minute_taker": m.minute_taker_id or "",
            "summary": m.summary,
            "conclusions": m.conclusions,
            "resolution": m.resolution,
        }
        for e in ctx.roll:
            a = ctx.attendance.get(e.member.pk)
            if a is not None:
                initial[f"att_{e.member.pk}"] = a.presence
                initial[f"reason_{e.member.pk}"] = a.reason
            elif fresh and e.summoned:
                # A new roll call starts with everyone present: the secretary taps the absent.
                initial[f"att_{e.member.pk}"] = P.PRESENT
        for f in ctx.follows:
            g = ctx.follow_guests.get(f.official_id)
            initial[f"fguest_{f.official_id}"] = g is not None or fresh
            initial[f"fguidance_{f.official_id}"] = g.guidance if g else ""
        for i, g in enumerate(ctx.guests):
            initial.update(
                {
                    f"guest{i}_kind": g.kind,
                    f"guest{i}_name": g.name,
                    f"guest{i}_org": g.organization,
                    f"guest{i}_guidance": g.guidance,
                }
            )
        for i, s in enumerate(ctx.speeches):
            initial.update(
                {
                    f"speech{i}_member": s.member_id or "",
                    f"speech{i}_speaker": "" if s.member_id else s.speaker,
                    f"speech{i}_gist": s.gist,
                }
            )
        for t in ctx.reviews:
            if t.reviewed_at_id == m.pk:
                initial[f"review{t.pk}_state"] = t.state
                initial[f"review{t.pk}_note"] = t.review_note
            elif (report := (ctx.reports or {}).get(t.pk)) is not None:
                # Last month's task comes pre-filled from its owner's latest report, for the
                # meeting to check: done (late after the deadline) at 100 %, the note always.
                if report.progress >= 100:
                    on_time = timezone.localdate(report.at) <= t.deadline
                    initial[f"review{t.pk}_state"] = Task.State.DONE if on_time else Task.State.LATE
                initial[f"review{t.pk}_note"] = f"{report.progress}% · {report.note}"[:300]
        for t in ctx.targets:
            p = ctx.progress.get(t.pk, {})
            initial[f"progress{t.pk}_value"] = p.get("month")
            initial[f"progress{t.pk}_note"] = p.get("note", "")
        for i, t in enumerate(ctx.tasks):
            owner = f"m{t.owner_member_id}" if t.owner_kind == Task.Owner.MEMBER else t.owner_kind
            initial.update(
                {
                    f"task{i}_id": t.pk,
                    f"task{i}_title": t.title,
                    f"task{i}_owner": owner,
                    f"task{i}_owner_name": t.owner_name,
                    f"task{i}_deadline": t.deadline,
                    f"task{i}_target": t.target_id or "",
                }
            )
        for item in ctx.items:
            if item.pk in ctx.scores:
                initial[f"score_{item.code}"] = ctx.scores[item.pk]
        return initial

    # --- to the service ------------------------------------------------------------------------

    def to_data(self) -> dict:
        c = self.cleaned_data
        data = {k: c.get(k) for k in ("held_on", "start_time", "end_time", "place", "topic")}
        data.update({k: c.get(k) for k in ("summary", "conclusions", "resolution")})
        data["chair"] = c.get("chair")
        data["minute_taker"] = c.get("minute_taker")
        data["attendance"] = [
            {
                "member": e.member.pk,
                "presence": c.get(f"att_{e.member.pk}") or "",
                "reason": c.get(f"reason_{e.member.pk}") or "",
            }
            for e in self.ctx.roll
        ]
        # Roll-call fields for people not on the day's roll (a forged post, or a date changed to
        # one when they were not in the cell) go to the service, which names them.
        on_roll = {e.member.pk for e in self.ctx.roll}
        for name in sorted(self.data):
            match = STRANGER.fullmatch(name)
            if match and int(match[1]) not in on_roll and self.data.get(name):
                data["attendance"].append(
                    {"member": int(match[1]), "presence": self.data.get(name), "reason": ""}
                )
        guests = [
            {"user": f.official_id, "guidance": c.get(f"fguidance_{f.official_id}") or ""}
            for f in self.ctx.follows
            if c.get(f"fguest_{f.official_id}")
        ]
        for i in range(self.guest_count):
            guests.append(
                {
                    "kind": c.get(f"guest{i}_kind") or Guest.Kind.OTHER,
                    "name": c.get(f"guest{i}_name") or "",
                    "organization": c.get(f"guest{i}_org") or "",
                    "guidance": c.get(f"guest{i}_guidance") or "",
                }
            )
        data["guests"] = guests
        data["speeches"] = [
            {
                "member": c.get(f"speech{i}_member"),
                "speaker": c.get(f"speech{i}_speaker") or "",
                "gist": c.get(f"speech{i}_gist") or "",
            }
            for i in range(self.speech_count)
        ]
        data["reviews"] = [
            {
                "task": t.pk,
                "state": c.get(f"review{t.pk}_state") or "",
                "note": c.get(f"review{t.pk}_note") or "",
            }
            for t in self.ctx.reviews
        ]
        data["progress"] = [
            {
                "target": t.pk,
                "value": c.get(f"progress{t.pk}_value"),
                "note": c.get(f"progress{t.pk}_note") or "",
            }
            for t in self.ctx.targets
        ]
        tasks = []
        for i in range(self.task_count):
            owner = c.get(f"task{i}_owner") or ""
            member = None
            if owner.startswith("m") and digits(owner[1:]) and int(owner[1:]) <= MAX_ID:
                owner, member = Task.Owner.MEMBER, int(owner[1:])
            tasks.append(
                {
                    "id": c.get(f"task{i}_id"),
                    "title": c.get(f"task{i}_title") or "",
                    "owner_kind": owner,
                    "owner_member": member,
                    "owner_name": c.get(f"task{i}_owner_name") or "",
                    "deadline": c.get(f"task{i}_deadline"),
                    "target": c.get(f"task{i}_target"),
                    "remove": bool(c.get(f"task{i}_remove")),
                }
            )
        data["tasks"] = tasks
        data["scores"] = {item.code: c.get(f"score_{item.code}") for item in self.ctx.items}
        return data

    def add_service_errors(self, error):
        """Put a service's ValidationError on the fields it names, the rest by part."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for part, errors in error.message_dict.items():
            if part in FIELD_PARTS:
                self.add_error(part, errors)
            elif part in PARTS:
                self.part_errors.setdefault(part, []).extend(errors)
            else:
                self.add_error(None, errors)

    def all_messages(self) -> list[str]:
        """Every problem, for the summary at the top of the page."""
        out = list(self.non_field_errors())
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            label = self.fields[name].label if name in self.fields else name
            out += [f"{label}: {e}" for e in errors]
        for part in PARTS:
            out += self.part_errors.get(part, [])
        return out
