"""Indicators of the meetings: held on schedule, attendance, thematic, quality, tasks (those of
the officials and helping organizations are in officials.indicators, registered from here when
this module is autodiscovered).

Each is computed for an organization as of a date, on the structure of that date (the cells
under the organization's path on that date, OrganizationPeriod), in a fixed number of queries.
Each has a `*_rows(org, as_of)` function: the list behind the figure, shown by the page
meetings:indicator (/meetings/indicators/<code>/?org=<id>&as_of=dd/mm/yyyy).

The month of an indicator (`reference_month`): the month of the as-of date once its meetings
are past due, else the month before. "Past due" means the as-of date is later than the latest
scheduled day of that month's regular meetings under the organization plus the longest
overdue_after_days of the rules (24th or 25th + 2: from the 28th in most months); a month
without any regular meeting on record is not due either. So on 31/03/2023 the figures are
March's, on 10/04/2023 still March's, and on 28/04/2023 April's.

The cells that "should have met" in that month: the cells on the structure of the as-of date
founded on or before the month's last day.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, Sum
from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, once_per_batch, prime, primed, register, register_preload
from chibo.organizations.models import Organization, OrganizationPeriod, subtree_q
from chibo.organizations.selectors import ids_at, path_as_of, preloaded_count, preloaded_ids

from .models import CellMeeting, MeetingRule, QualityClass, Task
from .officials import indicators as officials_indicators  # noqa: F401 (registers them)
from .schedule import DEFAULT_OVERDUE_DAYS, add_months, quarter_of
from .schedule import first_of_month as month_start
from .schedule import last_of_month as month_end

REGULAR = CellMeeting.Kind.REGULAR
DONE_STATES = (Task.State.DONE, Task.State.LATE)
REVIEWED_STATES = (Task.State.DONE, Task.State.LATE, Task.State.NOT_DONE)
CODES = (
    "meetings_held_on_schedule",
    "meeting_attendance_rate",
    "thematic_meetings_quarter",
    "meeting_quality_classes",
    "task_completion_rate",
)


@dataclass(frozen=True)
class Basis:
    """Where an indicator looks: the organization's path on the as-of date and the month."""

    path: str | None
    as_of: datetime.date
    month: datetime.date

    def cells(self, founded_by: datetime.date | None = None):
        """Periods of the cells under the path on the as-of date (founded by a date if given)."""
        if self.path is None:
            return OrganizationPeriod.objects.none()
        qs = OrganizationPeriod.objects.filter(
            subtree_q(self.path),
            Q(valid_to__isnull=True) | Q(valid_to__gt=self.as_of),
            valid_from__lte=self.as_of,
            organization__kind=Organization.Kind.CELL,
        )
        if founded_by is not None:
            qs = qs.filter(organization__valid_from__lte=founded_by)
        return qs

    def cell_ids(self):
        """The ids of those cells, for an `__in` filter (organizations.selectors.ids_at)."""
        return ids_at(self.path, self.as_of, "cells")

    def expected_cells(self):
        """The cells that should have met in the month."""
        return self.cells(founded_by=month_end(self.month))

    def meetings(self):
        """The month's meetings of the cells under the path."""
        return CellMeeting.objects.filter(month=self.month, cell_id__in=self.cell_ids())


def reference_month(path: str | None, as_of: datetime.date) -> datetime.date:
    """The as-of date's month once its meetings are past due, else the month before (see the
    module's docstring). Two queries."""
    month = month_start(as_of)
    if path is None:
        return add_months(month, -1)
    latest = CellMeeting.objects.filter(
        month=month,
        kind=REGULAR,
        cell_id__in=Basis(path, as_of, month).cell_ids(),
    ).aggregate(d=Max("scheduled_date"))["d"]
    return _month_of(latest, as_of)


def _month_of(latest: datetime.date | None, as_of: datetime.date) -> datetime.date:
    """reference_month from the latest scheduled day of the as-of month's regular meetings."""
    month = month_start(as_of)
    days = once_per_batch(
        "meetings.overdue_days",
        lambda: MeetingRule.objects.aggregate(n=Max("overdue_after_days"))["n"],
    )
    days = DEFAULT_OVERDUE_DAYS if days is None else days
    if latest is not None and as_of > latest + datetime.timedelta(days=days):
        return month
    return add_months(month, -1)


def expected_count(b: Basis) -> int:
    """How many cells should have met in the basis's month: counted once for the meeting
    indicators of a compute_all (on the list of ids_at when it reads one)."""

    def read():
        ids = ids_at(b.path, b.as_of, "cells", founded_by=month_end(b.month))
        return len(ids) if isinstance(ids, list) else b.expected_cells().count()

    return once_per_batch(("meetings.expected_count", b), read)


def basis(org: Organization, as_of: datetime.date) -> Basis:
    """The path on the as-of date and the reference month. Three queries, read once for the
    meeting indicators of a compute_all."""

    def read():
        path = path_as_of(org, as_of)
        return Basis(path, as_of, reference_month(path, as_of))

    return once_per_batch(("meetings.basis", org.pk, as_of), read)


def _month_conditions(b: Basis) -> dict:
    """month_counts' figures as aggregates of the meetings from the quarter's first month to the
    basis's month (its filter but the cells')."""
    recorded = Q(status__in=CellMeeting.RECORDED)
    in_month = recorded & Q(month=b.month)
    scored = in_month & ~Q(quality_class="")
    # the cells that should have met (Basis.expected_cells)
    expected = Q(cell__valid_from__lte=month_end(b.month))
    return {
        "on_day": Count(
            "cell_id",
            distinct=True,
            filter=in_month & expected & Q(kind=REGULAR, held_on=F("scheduled_date")),
        ),
        "thematic": Count(
            "cell_id",
            distinct=True,
            filter=recorded & expected & (Q(kind=CellMeeting.Kind.THEMATIC) | ~Q(topic="")),
        ),
        "present": Sum("present", filter=in_month),
        "summoned": Sum("summoned", filter=in_month),
        "scored": Count("id", filter=scored),
        "good": Count(
            "id", filter=scored & Q(quality_class__in=(QualityClass.GOOD, QualityClass.FAIR))
        ),
    }


def _quarter_meetings(b: Basis):
    return CellMeeting.objects.filter(month__gte=quarter_of(b.month)[0], month__lte=b.month)


@register_preload
def preload(orgs, as_of: datetime.date) -> None:
    """basis and month_counts of every organization of a compute_many: the latest scheduled day
    of each cell's regular meetings of the month, then month_counts' figures of each cell (for
    each reference month), in two or three queries; each organization's are its cells' (the
    distinct counts of cells are the cells that count one)."""
    month = month_start(as_of)
    latest = dict(
        CellMeeting.objects.filter(month=month, kind=REGULAR)
        .values("cell_id")
        .annotate(d=Max("scheduled_date"))
        .order_by()
        .values_list("cell_id", "d")
    )
    bases = {}
    for org in orgs:
        path = primed(("path_as_of", org.pk, as_of))
        cells = preloaded_ids(path, as_of, "cells")
        if path is None or cells is None:
            continue
        days = [latest[c] for c in cells & latest.keys() if latest[c] is not None]
        b = Basis(path, as_of, _month_of(max(days) if days else None, as_of))
        prime(("meetings.basis", org.pk, as_of), b)
        expected = preloaded_count(path, as_of, "cells", founded_by=month_end(b.month))
        prime(("meetings.expected_count", b), expected)
        bases[b] = cells
    per_month: dict[datetime.date, dict] = {}
    for b, cells in bases.items():
        if b.month not in per_month:
            per_month[b.month] = {
                row.pop("cell_id"): row
                for row in _quarter_meetings(b)
                .values("cell_id")
                .annotate(**_month_conditions(b))
                .order_by()
            }
        by_cell = per_month[b.month]
        found = [by_cell[c] for c in cells & by_cell.keys()]
        counts = {}
        for name in ("on_day", "thematic"):
            counts[name] = sum(1 for row in found if row[name])
        for name in ("scored", "good"):
            counts[name] = sum(row[name] for row in found)
        for name in ("present", "summoned"):  # a sum over no meeting is None, as in SQL
            values = [row[name] for row in found if row[name] is not None]
            counts[name] = sum(values) if values else None
        prime(("meetings.month_counts", b), counts)
    _preload_tasks(orgs, as_of)


def month_counts(b: Basis) -> dict:
    """What four indicators count of the meetings in the cells under the basis's path, from the
    quarter's first month to the reference month: the cells that should have met with a
    regular meeting recorded on its day (on_day) and with a thematic one in the quarter
    (thematic), and over the month's recorded meetings the members present and summoned, the
    meetings scored and those scored Tốt or Khá. One query, read once for the four of a
    compute_all; each condition is that of the indicator's list (`_on_day`, `_thematic`,
    `_recorded`, `_scored`)."""

    def read():
        return (
            _quarter_meetings(b).filter(cell_id__in=b.cell_ids()).aggregate(**_month_conditions(b))
        )

    return once_per_batch(("meetings.month_counts", b), read)


# --- held on schedule -----------------------------------------------------------------------


def _on_day(b: Basis):
    return CellMeeting.objects.filter(
        month=b.month,
        kind=REGULAR,
        status__in=CellMeeting.RECORDED,
        held_on=F("scheduled_date"),
        cell_id__in=b.expected_cells().values("organization_id"),
    )


@register("meetings_held_on_schedule", _("Chi bộ sinh hoạt đúng ngày quy định trong tháng"))
def meetings_held_on_schedule(org: Organization, as_of: datetime.date) -> Value:
    """Cells whose regular meeting of the reference month was recorded as held on its scheduled
    day, of the cells that should have met then. Five queries (the path, the month, the rules'
    overdue days, the month's counts, the cells), shared with the other meeting indicators."""
    b = basis(org, as_of)
    return Value(month_counts(b)["on_day"], expected_count(b))


def meetings_held_on_schedule_rows(org, as_of):
    """(basis, the cells that should have met, ordered; ids of those that met on the day)."""
    b = basis(org, as_of)
    return b, b.expected_cells().order_by("path"), _on_day(b).values("cell_id")


# --- attendance -----------------------------------------------------------------------------


def _recorded(b: Basis):
    return b.meetings().filter(status__in=CellMeeting.RECORDED)


@register("meeting_attendance_rate", _("Tỷ lệ đảng viên dự sinh hoạt chi bộ trong tháng"))
def meeting_attendance_rate(org: Organization, as_of: datetime.date) -> Value:
    """Members present, of members summoned, over every meeting recorded (regular and
    thematic) in the reference month in cells under `org`. Queries shared (month_counts)."""
    a = month_counts(basis(org, as_of))
    return Value(a["present"] or 0, a["summoned"] or 0)


def meeting_attendance_rate_rows(org, as_of):
    b = basis(org, as_of)
    return b, _recorded(b).select_related("cell").order_by("cell__path", "scheduled_date", "id")


# --- thematic -------------------------------------------------------------------------------


def _thematic(b: Basis):
    """Meetings recorded from the quarter's first month to the reference month that were
    thematic or had a thematic part, in the cells that should have met."""
    return CellMeeting.objects.filter(
        Q(kind=CellMeeting.Kind.THEMATIC) | ~Q(topic=""),
        month__gte=quarter_of(b.month)[0],
        month__lte=b.month,
        status__in=CellMeeting.RECORDED,
        cell_id__in=b.expected_cells().values("organization_id"),
    )


@register(
    "thematic_meetings_quarter",
    _("Chi bộ có sinh hoạt chuyên đề trong quý"),
)
def thematic_meetings_quarter(org: Organization, as_of: datetime.date) -> Value:
    """Cells with a thematic meeting (or a regular one with a thematic part) recorded in the
    quarter of the reference month, up to that month, of the cells that should have met.
    Queries shared (month_counts, expected_count)."""
    b = basis(org, as_of)
    return Value(month_counts(b)["thematic"], expected_count(b))


def thematic_meetings_quarter_rows(org, as_of):
    """(basis, the cells, ordered; the thematic meetings of those cells)."""
    b = basis(org, as_of)
    return b, b.expected_cells().order_by("path"), _thematic(b)


# --- quality --------------------------------------------------------------------------------


def _scored(b: Basis):
    return _recorded(b).exclude(quality_class="")


def quality_breakdown(meetings) -> dict:
    """{class: number of meetings} for every class, in the order Tốt, Khá, Trung bình, Kém."""
    counts = dict(
        meetings.values_list("quality_class").annotate(n=Count("id")).order_by("quality_class")
    )
    return {c: counts.get(c, 0) for c in QualityClass.values}


@register(
    "meeting_quality_classes",
    _("Buổi sinh hoạt chi bộ xếp loại Tốt, Khá trong tháng"),
)
def meeting_quality_classes(org: Organization, as_of: datetime.date) -> Value:
    """Meetings recorded in the reference month classed Tốt or Khá, of the meetings scored then.
    Queries shared (month_counts)."""
    a = month_counts(basis(org, as_of))
    return Value(a["good"], a["scored"])


def meeting_quality_classes_rows(org, as_of):
    b = basis(org, as_of)
    scored = _scored(b)
    rows = scored.select_related("cell").order_by("cell__path", "scheduled_date", "id")
    return b, rows, quality_breakdown(scored)


# --- tasks ----------------------------------------------------------------------------------


def year_before(day: datetime.date) -> datetime.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _reviewed_tasks(path, as_of):
    b = Basis(path, as_of, month_start(as_of))
    return Task.objects.filter(
        cell_id__in=b.cell_ids(),
        deadline__gt=year_before(as_of),
        deadline__lte=as_of,
        state__in=REVIEWED_STATES,
    )


_TASK_COUNTS = {"total": Count("id"), "done": Count("id", filter=Q(state__in=DONE_STATES))}


def _task_completion(path, as_of) -> Value:
    a = once_per_batch(
        ("meetings.task_counts", path, as_of),
        lambda: _reviewed_tasks(path, as_of).aggregate(**_TASK_COUNTS),
    )
    return Value(a["done"], a["total"])


def _preload_tasks(orgs, as_of: datetime.date) -> None:
    """_task_completion's counts of every organization of a compute_many: each cell's once."""
    by_cell = {
        row.pop("cell_id"): row
        for row in Task.objects.filter(
            deadline__gt=year_before(as_of), deadline__lte=as_of, state__in=REVIEWED_STATES
        )
        .values("cell_id")
        .annotate(**_TASK_COUNTS)
        .order_by()
    }
    for path in {primed(("path_as_of", org.pk, as_of)) for org in orgs} - {None}:
        cells = preloaded_ids(path, as_of, "cells")
        if cells is not None:
            found = [by_cell[c] for c in cells & by_cell.keys()]
            prime(
                ("meetings.task_counts", path, as_of),
                {name: sum(row[name] for row in found) for name in _TASK_COUNTS},
            )


@register("task_completion_rate", _("Nhiệm vụ chi bộ giao được hoàn thành (12 tháng)"))
def task_completion_rate(org: Organization, as_of: datetime.date) -> Value:
    """Tasks with a deadline in the 12 months up to the as-of date, in cells under `org`, done
    or done late, of those tasks reviewed (done, late or not done; open ones are left out).
    Two queries."""
    return _task_completion(path_as_of(org, as_of), as_of)


TASK_ORDER = ("cell__path", "deadline", "id")


def _task_rows(path, as_of):
    return _reviewed_tasks(path, as_of).select_related("cell", "owner_member").order_by(*TASK_ORDER)


def task_completion_rate_rows(org, as_of):
    return year_before(as_of), _task_rows(path_as_of(org, as_of), as_of)


def tasks_shown(ids):
    """The tasks `ids` with what the list shows of them, in the list's order. One query."""
    return (
        Task.objects.filter(pk__in=ids)
        .select_related("cell", "owner_member")
        .only(
            *("id", "title", "cell", "owner_kind", "owner_name", "owner_member", "deadline"),
            *("state", "cell__name", "cell__path", "owner_member__full_name"),
        )
        .order_by(*TASK_ORDER)
    )


def task_completion_rate_list(org, as_of):
    """(since, the figure, the ids of the rows behind it in order) for the list page, which
    reads a page's rows with `tasks_shown`: the figure's total is the number of rows, so a page
    needs no count of its own. Two queries (the path, the figure)."""
    path = path_as_of(org, as_of)
    ids = _reviewed_tasks(path, as_of).order_by(*TASK_ORDER).values_list("pk", flat=True)
    return year_before(as_of), _task_completion(path, as_of), ids
