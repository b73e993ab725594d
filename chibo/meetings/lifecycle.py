"""A meeting's life: planned (here: the month's regular meetings, a thematic meeting, its topic
and day while planned), prepared (prepare/), held (record/), then confirmed or returned by the
commune (oversight/). Each write runs in a transaction, takes the acting user and audits in it.

`lock` and `check_open` are the guard every later write to a meeting takes: the meeting's row
locked for the transaction, and no write once the commune has confirmed the record.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.organizations.models import Organization
from chibo.organizations.selectors import path_as_of

from . import selectors
from .models import AgendaItem, AgendaTemplateItem, CellMeeting
from .schedule import Schedule, first_of_month, last_of_month


def _audit_created(meetings, actor, note):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor if (actor is not None and actor.is_authenticated) else None,
            action=AuditEvent.Action.CREATE,
            object_type=CellMeeting._meta.label_lower,
            object_id=str(m.pk),
            object_repr=str(m)[:200],
            changes={
                "cell": [None, m.cell_id],
                "month": [None, m.month.isoformat()],
                "scheduled_date": [None, m.scheduled_date.isoformat()],
            },
            note=note,
        )
        for m in meetings
    )


def _copy_agenda(meetings, template_of):
    """Copy each meeting's agenda template items (template_of: meeting -> template or None)."""
    template_ids = {t.pk for t in map(template_of, meetings) if t is not None}
    items = list(AgendaTemplateItem.objects.filter(template_id__in=template_ids))
    rows = []
    for m in meetings:
        template = template_of(m)
        if template is None:
            continue
        rows += [
            AgendaItem(meeting=m, section=i.section, order=i.order, title=i.title)
            for i in items
            if i.template_id == template.pk
        ]
    AgendaItem.objects.bulk_create(rows)


def _generate(org: Organization, month: datetime.date, actor) -> list[CellMeeting]:
    periods = selectors.cell_periods_in_month(org, month)
    if not periods:
        return []
    by_cell: dict[int, list] = {}
    for p in periods:
        by_cell.setdefault(p.organization_id, []).append(p)
    existing = set(
        CellMeeting.objects.filter(
            cell_id__in=list(by_cell), month=month, kind=CellMeeting.Kind.REGULAR
        ).values_list("cell_id", flat=True)
    )
    schedule = Schedule.load(templates=True, sheets=True)
    planned, templates = [], {}
    for cell_id, cell_periods in by_cell.items():
        if cell_id in existing:
            continue
        cell = cell_periods[0].organization
        first = cell_periods[0]
        day = schedule.day_for(cell.cell_type, first.path, month)
        if day is None:
            continue
        # The cell must exist, under `org`, on the day itself.
        period = next(
            (
                p
                for p in cell_periods
                if p.valid_from <= day and (p.valid_to is None or p.valid_to > day)
            ),
            None,
        )
        if period is None:
            continue
        meeting = CellMeeting(
            cell=cell,
            month=month,
            kind=CellMeeting.Kind.REGULAR,
            scheduled_date=day,
            score_sheet=schedule.sheet_for(period.path, month),
        )
        templates[cell_id] = schedule.template_for(period.path, month)
        planned.append(meeting)
    created = CellMeeting.objects.bulk_create(planned)
    _copy_agenda(created, lambda m: templates.get(m.cell_id))
    _audit_created(created, actor, "generate")
    return created


def meetings_generate(*, org: Organization, month: datetime.date, actor) -> list[CellMeeting]:
    """Create the planned regular meeting of `month` for every cell under `org` (itself if a
    cell) that exists, under `org`, on its scheduled day (the structure of that month), with the
    agenda copied from the template in force and the score sheet in force.

    Idempotent: a cell that already has its regular meeting of the month is left alone, so a
    second run creates nothing and a rule changed since does not move a meeting already planned
    or recorded. Returns the meetings created.
    """
    month = first_of_month(month)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _generate(org, month, actor)
        except IntegrityError:
            # Another run created some of the same meetings meanwhile; the second pass skips them.
            if attempt:
                raise
    return []


def _check_cell(cell: Organization, on: datetime.date):
    if not cell.is_cell:
        raise ValidationError(_("Chỉ chi bộ mới có buổi sinh hoạt."))
    if path_as_of(cell, on) is None:
        raise ValidationError(
            {"scheduled_date": _("Chi bộ không tồn tại vào ngày %(d)s.") % {"d": day_text(on)}}
        )


@transaction.atomic
def meeting_plan_thematic(
    *, cell: Organization, scheduled_date: datetime.date, topic: str, actor
) -> CellMeeting:
    """Plan a thematic meeting (sinh hoạt chuyên đề) of `cell` on a day, with its topic."""
    topic = (topic or "").strip()
    if not topic:
        raise ValidationError({"topic": _("Hãy ghi chuyên đề.")})
    _check_cell(cell, scheduled_date)
    month = first_of_month(scheduled_date)
    schedule = Schedule.load(templates=True, sheets=True)
    path = path_as_of(cell, scheduled_date) or cell.path
    meeting = CellMeeting.objects.create(
        cell=cell,
        month=month,
        kind=CellMeeting.Kind.THEMATIC,
        topic=topic[:300],
        scheduled_date=scheduled_date,
        score_sheet=schedule.sheet_for(path, month),
    )
    template = schedule.template_for(path, month)
    _copy_agenda([meeting], lambda m: template)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=meeting,
        changes=audit.snapshot(meeting, ["cell", "month", "kind", "topic", "scheduled_date"]),
        note="thematic",
    )
    return meeting


def lock(meeting: CellMeeting) -> CellMeeting:
    """The meeting's row, locked until the transaction ends, with its cell: every write to a
    meeting or to what hangs on it (agenda, materials, record) starts here."""
    return (
        CellMeeting.objects.select_for_update(of=("self",))
        .select_related("cell")
        .get(pk=meeting.pk)
    )


def check_open(meeting: CellMeeting):
    """Refuse a write to a meeting whose record the commune has confirmed."""
    if meeting.status == CellMeeting.Status.CONFIRMED:
        raise ValidationError(
            _("Biên bản đã được Đảng ủy xác nhận; không thể sửa buổi sinh hoạt này nữa.")
        )


@transaction.atomic
def meeting_set_topic(
    *, meeting: CellMeeting, topic: str, scheduled_date=None, actor
) -> CellMeeting:
    """Give a meeting a thematic part (a topic; blank removes it) and, while it is planned, move
    its day within its month."""
    locked = lock(meeting)
    check_open(locked)
    before = audit.snapshot(locked, ["topic", "scheduled_date"])
    topic = (topic or "").strip()
    if locked.kind == CellMeeting.Kind.THEMATIC and not topic:
        raise ValidationError({"topic": _("Buổi sinh hoạt chuyên đề phải có chuyên đề.")})
    locked.topic = topic[:300]
    if scheduled_date is not None and scheduled_date != locked.scheduled_date:
        if locked.status != CellMeeting.Status.PLANNED:
            raise ValidationError(
                {"scheduled_date": _("Buổi sinh hoạt đã họp; không đổi ngày dự kiến được.")}
            )
        if not (locked.month <= scheduled_date <= last_of_month(locked.month)):
            raise ValidationError(
                {
                    "scheduled_date": _("Ngày dự kiến phải trong tháng %(m)s.")
                    % {"m": f"{locked.month:%m/%Y}"}
                }
            )
        locked.scheduled_date = scheduled_date
    changes = audit.diff(before, audit.snapshot(locked, ["topic", "scheduled_date"]))
    if changes:
        locked.save(update_fields=["topic", "scheduled_date", "updated_at"])
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=locked, changes=changes)
    return locked
