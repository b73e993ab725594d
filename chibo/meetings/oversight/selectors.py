"""Reads of the oversight pages: a month's meetings of the cells under some organizations (the
commune's month at a glance), and the rules and structure reads that the district's overview
(overview, one row per grassroots organization) shares.

Both read the structure of the month (OrganizationPeriod on the month's last day): a cell that
left a commune later still shows under it for the months it belonged there. Each runs a fixed
number of queries whatever the number of cells; the overview aggregates in the database.

What a row says about timing (its "situation"), relative to `today`:
  on_day     recorded, held on the scheduled day
  early      recorded, held before it
  late       recorded, held after it
  overdue    not recorded, and today is later than the scheduled day + the rule's
             overdue_after_days (24th + 2: the secretary has through the 26th)
  planned    not recorded, not overdue yet
  unscheduled  no regular meeting of that month on record for the cell
"""

import datetime
import functools
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from chibo.core import dates, vn
from chibo.organizations.models import Organization, OrganizationPeriod, subtrees_q

from .. import schedule
from ..models import CellMeeting, MeetingRule, QualityClass
from ..schedule import DEFAULT_OVERDUE_DAYS

K = Organization.Kind
S = CellMeeting.Status


class Situation:
    ON_DAY = "on_day"
    EARLY = "early"
    LATE = "late"
    OVERDUE = "overdue"
    PLANNED = "planned"
    UNSCHEDULED = "unscheduled"

    LABELS = {
        ON_DAY: _("Họp đúng ngày"),
        EARLY: _("Họp trước ngày dự kiến"),
        LATE: _("Họp muộn"),
        OVERDUE: _("Quá hạn chưa ghi biên bản"),
        PLANNED: _("Chưa đến hạn"),
        UNSCHEDULED: _("Chưa có lịch"),
    }
    # Badge class of each: ok, warn or plain.
    TONE = {ON_DAY: "ok", EARLY: "ok", LATE: "warn", OVERDUE: "warn", PLANNED: "", UNSCHEDULED: ""}


# What the status filter of the month page offers: situations, then the review statuses.
FILTERS = [
    *Situation.LABELS.items(),
    ("to_review", _("Chờ xác nhận")),
    (S.CONFIRMED, _("Đã xác nhận")),
    (S.RETURNED, _("Đã trả lại")),
]


# --- months (schedule.py's: a month is its first day) ---------------------------------------

month_start = schedule.first_of_month
month_end = schedule.last_of_month
add_months = schedule.add_months


def quarter_start(month: datetime.date) -> datetime.date:
    return schedule.quarter_of(month)[0]


def percent(n, d) -> str:
    return vn.format_percent(n, d, 1) if d else ""


# --- rules ----------------------------------------------------------------------------------


class Rules:
    """The meeting rules, read once (one query); which one governs a cell's month, chosen as
    schedule.py chooses (the nearest organization's, latest in force on the month's first day).
    Only overdue_after_days is read here."""

    def __init__(self):
        self.rules = list(
            MeetingRule.objects.only(
                "organization_id", "cell_type", "effective_from", "overdue_after_days"
            )
        )

    def overdue_days(self, cell_path: str, cell_type: str, month: datetime.date) -> int:
        rows = [r for r in self.rules if r.cell_type == cell_type]
        rule = schedule.nearest_in_force(rows, schedule.ancestor_ids(cell_path), month)
        return rule.overdue_after_days if rule else DEFAULT_OVERDUE_DAYS

    def distinct_days(self) -> set[int]:
        return {r.overdue_after_days for r in self.rules} or {DEFAULT_OVERDUE_DAYS}


def situation(meeting: CellMeeting | None, overdue_days: int, today: datetime.date) -> str:
    if meeting is None:
        return Situation.UNSCHEDULED
    if meeting.status == S.PLANNED or meeting.held_on is None:
        if today > meeting.scheduled_date + datetime.timedelta(days=overdue_days):
            return Situation.OVERDUE
        return Situation.PLANNED
    if meeting.held_on == meeting.scheduled_date:
        return Situation.ON_DAY
    return Situation.LATE if meeting.held_on > meeting.scheduled_date else Situation.EARLY


# --- structure ------------------------------------------------------------------------------


def _valid_on(on: datetime.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def root_paths(roots, on: datetime.date) -> list[str]:
    """The paths of `roots` on `on` (one query); a root that did not exist then has none."""
    ids = [r.pk for r in roots]
    paths = sorted(
        OrganizationPeriod.objects.filter(_valid_on(on), organization_id__in=ids).values_list(
            "path", flat=True
        )
    )
    kept = []
    for p in paths:  # a root under another root adds nothing
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def _under(paths) -> Q:
    return subtrees_q(paths)


def cell_periods(paths, on: datetime.date):
    """Periods of the cells under `paths` on `on`."""
    return OrganizationPeriod.objects.filter(
        _under(paths), _valid_on(on), organization__kind=K.CELL
    )


def default_month(roots, today: datetime.date | None = None) -> datetime.date:
    """The current month if it has meetings under `roots`, else the latest earlier month that
    has (the demo's meetings stop at its own date), else the current month. One query."""
    current = month_start(today or dates.today())
    q = subtrees_q([r.path for r in roots], "cell__path")
    latest = (
        CellMeeting.objects.filter(q, month__lte=current).aggregate(m=Max("month"))["m"]
        if roots
        else None
    )
    return latest or current


# --- the month at a glance ------------------------------------------------------------------


@dataclass
class MonthRow:
    """One cell in a month: its regular meeting (if on record) and any separate thematic ones."""

    cell_id: int
    name: str
    parent_name: str
    cell_type: str
    cell_path: str
    meeting: "MonthMeeting | None"
    thematic: list = field(default_factory=list)
    situation: str = Situation.UNSCHEDULED
    overdue_days: int = DEFAULT_OVERDUE_DAYS
    can_review: bool = False
    # The meeting's pages, set by the view for the rows it shows.
    record_url: str = ""
    review_url: str = ""
    confirm_url: str = ""
    return_url: str = ""

    @property
    def situation_label(self):
        return Situation.LABELS[self.situation]

    @property
    def situation_tone(self):
        return Situation.TONE[self.situation]

    @property
    def due(self) -> datetime.date | None:
        if self.meeting is None:
            return None
        return self.meeting.scheduled_date + datetime.timedelta(days=self.overdue_days)

    @functools.cached_property  # the month page asks twice a row
    def attendance(self) -> str:
        m = self.meeting
        if m is None or m.status not in CellMeeting.RECORDED:
            return ""
        return percent(m.present, m.summoned)

    @functools.cached_property
    def thematic_topics(self) -> list[str]:
        topics = []
        if self.meeting is not None and self.meeting.has_thematic_part:
            topics.append(self.meeting.topic or str(_("Chuyên đề")))
        topics += [t.topic or str(_("Chuyên đề")) for t in self.thematic]
        return topics

    def matches(self, status: str) -> bool:
        if not status:
            return True
        if status == "to_review":
            return self.meeting is not None and self.meeting.status == S.HELD
        if status in (S.CONFIRMED, S.RETURNED):
            return self.meeting is not None and self.meeting.status == status
        return self.situation == status


@dataclass
class Month:
    month: datetime.date
    rows: list[MonthRow]
    counts: dict  # filter code -> number of cells

    @property
    def total(self) -> int:
        return len(self.rows)


# What the month page and its export read of a meeting; the long texts stay unloaded.
ROW_FIELDS = (
    "id",
    "cell_id",
    "month",
    "kind",
    "topic",
    "scheduled_date",
    "held_on",
    "status",
    "present",
    "summoned",
    "quality_points",
    "quality_class",
    "review_comment",
    "version",
)
# Names repeat from request to request (and every cell of a commune sorts by its name first).
sort_key = functools.lru_cache(maxsize=8192)(vn.text_sort_key)


STATUS_LABELS = dict(CellMeeting.Status.choices)
KIND_LABELS = dict(CellMeeting.Kind.choices)
QUALITY_LABELS = dict(QualityClass.choices)


class MonthMeeting:
    """A meeting as the month page and its export read it (ROW_FIELDS and the number of
    guests): plain values, a district's month has hundreds; the model's labels and
    `has_thematic_part`."""

    __slots__ = (*ROW_FIELDS, "guest_count")

    def __init__(self, values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)

    @property
    def pk(self) -> int:
        return self.id

    @property
    def has_thematic_part(self) -> bool:
        return self.kind == CellMeeting.Kind.THEMATIC or bool(self.topic)

    def get_status_display(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    def get_kind_display(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    def get_quality_class_display(self) -> str:
        return str(QUALITY_LABELS.get(self.quality_class, self.quality_class))


def _meetings(qs) -> list[MonthMeeting]:
    """The meetings of `qs` as MonthMeeting, by cell and day. One query."""
    rows = (
        qs.annotate(guest_count=Count("guests"))
        .order_by("cell_id", "scheduled_date", "id")
        .values_list(*ROW_FIELDS, "guest_count")
    )
    return [MonthMeeting(r) for r in rows]


def month_view(roots, month: datetime.date, *, scope=None, today=None) -> Month:
    """Every cell under `roots` on the month's last day with its meetings of that month.

    Four queries: the roots' paths then, the cells, the meetings (with their guests counted),
    the rules. Rows in Vietnamese order of the parent's name, then the cell's.
    """
    from .services import can_review

    today = today or dates.today()
    month = month_start(month)
    on = month_end(month)
    cells = cell_periods(root_paths(roots, on), on)
    periods = cells.values_list(
        "organization_id",
        "name",
        "parent__name",
        "organization__cell_type",
        "organization__path",
    )
    meetings = _meetings(
        CellMeeting.objects.filter(month=month, cell_id__in=cells.values("organization_id"))
    )
    regular, thematic = {}, {}
    for m in meetings:
        if m.kind == CellMeeting.Kind.REGULAR:
            regular[m.cell_id] = m
        else:
            thematic.setdefault(m.cell_id, []).append(m)
    rules = Rules()
    rows = []
    for pk, name, parent_name, cell_type, path in periods:
        row = MonthRow(
            cell_id=pk,
            name=name,
            parent_name=parent_name or "",
            cell_type=cell_type,
            cell_path=path,
            meeting=regular.get(pk),
            thematic=thematic.get(pk, []),
        )
        _finish(row, rules, month, today, scope, can_review)
        rows.append(row)
    rows.sort(key=lambda r: (sort_key(r.parent_name), sort_key(r.name)))
    counts = Counter()
    for r in rows:
        for code, _label in FILTERS:
            if r.matches(code):
                counts[code] += 1
    return Month(month=month, rows=rows, counts=dict(counts))


def _finish(row, rules, month, today, scope, can_review):
    row.overdue_days = rules.overdue_days(row.cell_path, row.cell_type, month)
    row.situation = situation(row.meeting, row.overdue_days, today)
    if scope is not None and row.meeting is not None:
        row.can_review = can_review(scope, row.cell_path)


def month_row(meeting: CellMeeting, *, scope=None, today=None) -> MonthRow:
    """The month page's row of one meeting's cell, after a review (HTMX). Four queries."""
    from .services import can_review

    today = today or dates.today()
    cell = meeting.cell
    period = (
        OrganizationPeriod.objects.filter(_valid_on(month_end(meeting.month)), organization=cell)
        .select_related("parent")
        .first()
    )
    meetings = _meetings(CellMeeting.objects.filter(month=meeting.month, cell=cell))
    regular = next((m for m in meetings if m.kind == CellMeeting.Kind.REGULAR), None)
    row = MonthRow(
        cell_id=cell.pk,
        name=period.name if period else cell.name,
        parent_name=period.parent.name if period and period.parent_id else "",
        cell_type=cell.cell_type,
        cell_path=cell.path,
        meeting=regular,
        thematic=[m for m in meetings if m.kind != CellMeeting.Kind.REGULAR],
    )
    _finish(row, Rules(), meeting.month, today, scope, can_review)
    return row
