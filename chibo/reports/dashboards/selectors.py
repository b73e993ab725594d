"""The dashboard of an organization (province, district, commune or cell) as of a date: the
36-month trends of the meeting indicators, the comparison of its direct children, and the cells
that need attention. Read in a fixed number of grouped queries whatever the number of cells,
never one query a month or a cell: the months before the last summed in SQL over the groups of
cells they count alike (the structure seldom changes), the last month read by cell.

A trend's point for month M is the indicator's value for M: the meetings of M and the tasks due
in the 12 months up to M's last day, on the structure of M's last day, as the indicator computes
it as of that day once M's meetings are past due (meetings.indicators.reference_month). The last
month is the reference month of the dashboard's date; when that month is the date's own, its
point is the indicator as of the date itself (the tasks due up to that day).
"""

import datetime
from bisect import bisect_left
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.db.models import Value as V
from django.utils.translation import get_language

from chibo.committees.models import Title
from chibo.committees.rules import Flag
from chibo.committees.selectors import cells_lacking_committee
from chibo.committees.web import flagged_cells_url
from chibo.core import audit, vn
from chibo.core.indicators import Value, get, list_url
from chibo.meetings.indicators import (
    DONE_STATES,
    REGULAR,
    REVIEWED_STATES,
    reference_month,
    year_before,
)
from chibo.meetings.models import CellMeeting, QualityClass, Task
from chibo.meetings.schedule import add_months, last_of_month
from chibo.organizations.models import PATH_STEP, Organization, OrganizationPeriod, subtrees_q
from chibo.organizations.selectors import path_as_of
from chibo.training.indicators import village_committee_theory_rows

MONTHS = 36
TREND_CODES = (
    "meetings_held_on_schedule",
    "meeting_attendance_rate",
    "meeting_quality_classes",
    "task_completion_rate",
)
RECORDED = Q(status__in=CellMeeting.RECORDED)
GOOD_OR_FAIR = (QualityClass.GOOD, QualityClass.FAIR)


@dataclass(frozen=True)
class CellPeriod:
    cell_id: int
    path: str
    start: datetime.date
    end: datetime.date | None
    founded: datetime.date
    name: str
    residential: bool

    def on(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def _open_on(day: datetime.date) -> Q:
    return Q(valid_to__isnull=True) | Q(valid_to__gt=day)


def _path_on(periods, day: datetime.date) -> str | None:
    for path, start, end in periods:
        if start <= day and (end is None or day < end):
            return path
    return None


def _points(path: str | None, as_of: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """(month, the day its figures are read on) for the 36 months up to the reference month."""
    last = reference_month(path, as_of)
    months = [add_months(last, i - MONTHS + 1) for i in range(MONTHS)]
    return [(m, min(last_of_month(m), as_of)) for m in months]


@dataclass
class _Reads:
    """What the dashboard reads from the database: the months before the last summed over the
    cells they count, the last month by cell (the comparison and the cells to watch need each
    cell's figures there)."""

    org_periods: list  # (path, valid_from, valid_to) of the organization
    cells: list[CellPeriod]
    others: list  # (id, path, valid_from, valid_to, name) of the other organizations under it
    earlier: list  # for each point but the last: the four indicators (code -> Value)
    meetings: dict  # cell id -> {on_day, present, summoned, scored, ok} in the last month
    tasks: dict  # cell id -> (done, total) due in the 12 months up to the last point's day


# What a month's meetings add to the indicators, summed over a cell or a group of cells. A cell
# has at most one regular meeting a month; counting the cells keeps on_day a count of cells.
MEETING_SUMS = {
    "on_day": Count(
        "cell_id", distinct=True, filter=RECORDED & Q(kind=REGULAR, held_on=F("scheduled_date"))
    ),
    "present": Sum("present", filter=RECORDED),
    "summoned": Sum("summoned", filter=RECORDED),
    "scored": Count("id", filter=RECORDED & ~Q(quality_class="")),
    "ok": Count("id", filter=RECORDED & Q(quality_class__in=GOOD_OR_FAIR)),
}
DONE = Count("id", filter=Q(state__in=DONE_STATES))


def _read(org: Organization, points, as_of: datetime.date) -> _Reads:
    first = points[0][0]
    month, last_day = points[-1]
    org_periods = list(
        OrganizationPeriod.objects.filter(organization=org, valid_from__lte=as_of)
        .filter(_open_on(first))
        .values_list("path", "valid_from", "valid_to")
    )
    if not org_periods:
        return _Reads(org_periods, [], [], _earlier([], {}, None, points), {}, {})
    under = subtrees_q({p for p, _s, _e in org_periods})
    periods = OrganizationPeriod.objects.filter(under, valid_from__lte=as_of).filter(
        _open_on(first)
    )
    cells, others = [], []
    for c, p, s, e, f, n, t, kind in periods.values_list(
        *("organization_id", "path", "valid_from", "valid_to", "organization__valid_from"),
        *("organization__name", "organization__cell_type", "organization__kind"),
    ):
        if kind == Organization.Kind.CELL:
            cells.append(CellPeriod(c, p, s, e, f, n, t == Organization.CellType.RESIDENTIAL))
        else:
            others.append((c, p, s, e, n))
    cell_ids = periods.filter(organization__kind=Organization.Kind.CELL).values("organization_id")
    meetings = {
        r.pop("cell_id"): r
        for r in CellMeeting.objects.filter(month=month, cell_id__in=cell_ids)
        .values("cell_id")
        .annotate(**MEETING_SUMS)
        .order_by()
    }
    # The tasks due in the 12 months up to the day: the calendar months up to the month's end
    # when the day is the month's last (year_before of a month's last day is a month's last).
    tasks = {
        c: (d, t)
        for c, d, t in Task.objects.filter(
            cell_id__in=cell_ids,
            state__in=REVIEWED_STATES,
            deadline__gt=year_before(last_day),
            deadline__lte=last_day,
        )
        .values("cell_id")
        .annotate(done=DONE, total=Count("id"))
        .order_by()
        .values_list("cell_id", "done", "total")
    }
    earlier = _earlier(cells, _groups(org_periods, cells, points[:-1]), cell_ids, points)
    return _Reads(org_periods, cells, others, earlier, meetings, tasks)


def _groups(org_periods, cells, points) -> dict[tuple, list[int]]:
    """The cells grouped by how each of `points` counts them: 0 when the cell is not under the
    node on the point's day, 1 when it is but was founded after the month (its meetings count,
    not as a cell expected to meet), 2 otherwise. Cells no point counts are left out."""
    days = [day for _month, day in points]
    ends = [last_of_month(month) for month, _day in points]
    paths = [_path_on(org_periods, day) for day in days]
    counted = {}
    for c in cells:
        row = counted.setdefault(c.cell_id, [0] * len(points))
        # the points whose day is in the period (the days go up)
        stop = len(days) if c.end is None else bisect_left(days, c.end)
        for i in range(bisect_left(days, c.start), stop):
            if paths[i] is not None and c.path.startswith(paths[i]):
                row[i] = 2 if c.founded <= ends[i] else 1
    groups = {}
    for cell, row in counted.items():
        if any(row):
            groups.setdefault(tuple(row), []).append(cell)
    return groups


def _earlier(cells, groups: dict, cell_ids, points) -> list[dict[str, Value]]:
    """The four indicators of each point but the last, over the cells on the point's day under
    the node: the meetings and tasks summed by month and group of cells (`_groups`) in two
    queries, whatever the number of cells."""
    n = len(points) - 1
    if not groups:
        return [_as_values({}, 0, (0, 0)) for _ in range(n)]
    # The largest group by default, the others named (few cells, as a rule: the structure
    # seldom changes), and the cells no point counts left out.
    members = list(groups.values())
    largest = max(range(len(members)), key=lambda k: len(members[k]))
    group = Case(
        *(When(cell_id__in=ids, then=V(k)) for k, ids in enumerate(members) if k != largest),
        default=V(largest),
        output_field=IntegerField(),
    )
    counted = {cell for ids in members for cell in ids}
    read = Q(cell_id__in=cell_ids)
    if left_out := sorted({c.cell_id for c in cells} - counted):
        read &= ~Q(cell_id__in=left_out)
    meetings = {
        (r.pop("month"), r.pop("g")): r
        for r in CellMeeting.objects.filter(
            read, month__gte=points[0][0], month__lte=points[n - 1][0]
        )
        .annotate(g=group)
        .values("month", "g")
        .annotate(**MEETING_SUMS)
        .order_by()
    }
    # The tasks by month of their deadline (its index among `months`), from 11 months before
    # the first point's; summed by day in SQL (SQLite truncates dates with a Python function,
    # a call a row), by month here.
    months = [add_months(points[0][0], i - 11) for i in range(n + 11)]
    by_month = {}
    for due, g, d, t in (
        Task.objects.filter(
            read,
            state__in=REVIEWED_STATES,
            deadline__gte=months[0],
            deadline__lte=last_of_month(months[-1]),
        )
        .annotate(g=group)
        .values("deadline", "g")
        .annotate(done=DONE, total=Count("id"))
        .order_by()
        .values_list("deadline", "g", "done", "total")
    ):
        key = ((due.year - months[0].year) * 12 + due.month - months[0].month, g)
        done, total = by_month.get(key, (0, 0))
        by_month[key] = (done + d, total + t)
    out = []
    for i in range(n):
        sums = dict.fromkeys(("on_day", "present", "summoned", "scored", "ok"), 0)
        expected = done = total = 0
        for k, (counts, ids) in enumerate(groups.items()):
            if not counts[i]:
                continue
            m = meetings.get((points[i][0], k))
            if m:
                for key in ("present", "summoned", "scored", "ok"):
                    sums[key] += m[key] or 0
            if counts[i] == 2:
                expected += len(ids)
                sums["on_day"] += m["on_day"] if m else 0
            for j in range(i, i + 12):  # the 12 months up to the point's
                d, t = by_month.get((j, k), (0, 0))
                done, total = done + d, total + t
        out.append(_as_values(sums, expected, (done, total)))
    return out


def _as_values(sums: dict, expected: int, tasks: tuple[int, int]) -> dict[str, Value]:
    return {
        "meetings_held_on_schedule": Value(sums.get("on_day", 0), expected),
        "meeting_attendance_rate": Value(sums.get("present", 0), sums.get("summoned", 0)),
        "meeting_quality_classes": Value(sums.get("ok", 0), sums.get("scored", 0)),
        "task_completion_rate": Value(*tasks),
    }


def _values(reads: _Reads, cells, month) -> dict[str, Value]:
    """The four indicators of the last point (`month`) over `cells` (the cells on the point's
    day under the node)."""
    sums = dict.fromkeys(("on_day", "present", "summoned", "scored", "ok"), 0)
    expected = done = total = 0
    end = last_of_month(month)
    for c in cells:
        m = reads.meetings.get(c.cell_id)
        if c.founded <= end:
            expected += 1
            sums["on_day"] += bool(m and m["on_day"])
        if m:
            for key in ("present", "summoned", "scored", "ok"):
                sums[key] += m[key] or 0
        d, t = reads.tasks.get(c.cell_id, (0, 0))
        done, total = done + d, total + t
    return _as_values(sums, expected, (done, total))


def _item(label, value: Value, url: str) -> dict:
    share = value.value / value.of if value.of else None
    text = vn.format_percent(value.value, value.of) if value.of else "—"
    return {
        "label": label,
        "value": value,
        "share": share,
        "short": text,
        "text": value.text,
        "url": url,
    }


def _under(cells, path: str | None, day: datetime.date) -> list[CellPeriod]:
    if path is None:
        return []
    return [c for c in cells if c.on(day) and c.path.startswith(path)]


def trends(org: Organization, reads: _Reads, points) -> list[dict]:
    """For each trend indicator: its name, code and a point a month (oldest first)."""
    last, last_day = points[-1]
    cells = _under(reads.cells, _path_on(reads.org_periods, last_day), last_day)
    values = [*reads.earlier, _values(reads, cells, last)]
    by_month = [(m, d, v) for (m, d), v in zip(points, values, strict=True)]
    return [
        {
            "code": code,
            "name": str(get(code).name),
            "points": [
                _item(f"{month:%m/%Y}", values[code], list_url(code, org, day))
                for month, day, values in by_month
            ],
        }
        for code in TREND_CODES
    ]


def _children(reads: _Reads, path: str | None, day: datetime.date) -> list[tuple[int, str, str]]:
    """(id, path, name) of the organizations directly under `path` on `day`, by path."""
    if path is None:
        return []
    depth = len(path) + PATH_STEP
    periods = [(c.cell_id, c.path, c.start, c.end, c.name) for c in reads.cells] + reads.others
    children = [
        (pk, p, name)
        for pk, p, start, end, name in periods
        if len(p) == depth and p.startswith(path) and start <= day and (end is None or day < end)
    ]
    return sorted(children, key=lambda child: child[1])


def comparison(reads: _Reads, points) -> list[dict]:
    """For each trend indicator, its value for each direct child in the last month, worst
    first (the lowest share; a child with nothing to count last)."""
    month, day = points[-1]
    path = _path_on(reads.org_periods, day)
    children = _children(reads, path, day)
    # the cells on the day under each child (a child's path is the node's and one step)
    under = {}
    for c in _under(reads.cells, path, day):
        under.setdefault(c.path[: len(path) + PATH_STEP], []).append(c)
    per_child = []
    for pk, child_path, name in children:
        values = _values(reads, under.get(child_path, []), month)
        child = Organization(pk=pk, path=child_path, name=name)
        per_child.append((child, values))
    name_key = {child.pk: vn.text_sort_key(child.name) for child, _v in per_child}
    out = []
    for code in TREND_CODES:
        items = [
            {**_item(child.name, values[code], list_url(code, child, day)), "org": child}
            for child, values in per_child
        ]
        items.sort(key=lambda i: (i["share"] is None, i["share"] or 0, name_key[i["org"].pk]))
        out.append({"code": code, "name": str(get(code).name), "items": items})
    return out if children else []


# The cells a dashboard lists by name: a province's can flag its 1.650 cells (a table of 1.650
# rows, 1 s of the page's time, that nobody reads); past these, the lists behind each reason
# for the whole organization, with how many cells each holds.
ATTENTION_SHOWN = 50

# Each reason's list (org, on): the cells it flags under `org` on `on`, or the list behind the
# indicator whose uncounted rows they are.
REASON_LISTS = {
    "no_committee": lambda org, on: flagged_cells_url(org, on, Flag.NO_COMMITTEE, residential=True),
    "late": lambda org, on: list_url("meetings_held_on_schedule", org, on),
    "secretary": lambda org, on: list_url(
        "village_committee_theory_ok", org, on, {"below": "1", "title": Title.SECRETARY}
    ),
}


def attention(org: Organization, reads: _Reads, points, as_of: datetime.date) -> dict:
    """The cells under the node on the date that need attention, by path: {"cells": the first
    ATTENTION_SHOWN, each with its reasons (a reason: its code and the list behind it for the
    cell), "total": how many cells, "lists": (reason, cells, the list behind it for `org`) for
    each reason found}. A reason: a village cell the committee rule requires a committee of
    that has none (rules.Flag.NO_COMMITTEE: a smaller cell elects a secretary only), a cell
    that did not meet on its day in the last month, a village cell whose secretary is below
    the theory standard."""
    month, day = points[-1]
    cells = _under(reads.cells, _path_on(reads.org_periods, as_of), as_of)
    if not cells:
        return {"cells": [], "total": 0, "lists": []}
    lacking = cells_lacking_committee([c.cell_id for c in cells if c.residential], as_of)
    _standard, below, positions = village_committee_theory_rows(org, as_of)
    weak = set()
    if below:
        weak = set(
            positions.filter(title=Title.SECRETARY, level_then__in=below).values_list(
                "organization_id", flat=True
            )
        )
    out = []
    total = 0
    per_reason: dict[tuple, int] = {}
    end = last_of_month(month)
    for c in sorted(cells, key=lambda c: c.path):
        reasons = []  # (reason, the day its list is read on)
        if c.cell_id in lacking:
            reasons.append(("no_committee", as_of))
        m = reads.meetings.get(c.cell_id)
        if c.founded <= end and c.on(day) and not (m and m["on_day"]):
            reasons.append(("late", day))
        if c.residential and c.cell_id in weak:
            reasons.append(("secretary", as_of))
        for reason in reasons:
            per_reason[reason] = per_reason.get(reason, 0) + 1
        if reasons:
            total += 1
        if reasons and len(out) < ATTENTION_SHOWN:
            cell = Organization(pk=c.cell_id, path=c.path, name=c.name, kind=Organization.Kind.CELL)
            links = [(reason, REASON_LISTS[reason](cell, on)) for reason, on in reasons]
            out.append({"cell": cell, "reasons": links})
    lists = [(reason, n, REASON_LISTS[reason](org, on)) for (reason, on), n in per_reason.items()]
    return {"cells": out, "total": total, "lists": lists}


# Computed once until the next audited change (every change goes through a service that writes
# an audit event), as core.indicators keeps the figures; CACHE_SECONDS at most.
CACHE_SECONDS = 300


def dashboard_cached(org: Organization, as_of: datetime.date) -> dict:
    """`dashboard`, kept in the cache while nothing changes (one query when it is there)."""
    key = ":".join(
        map(str, ("dashboard", org.pk, org.path, as_of, get_language(), audit.data_generation()))
    )
    data = cache.get(key)
    if data is None:
        data = dashboard(org, as_of)
        cache.set(key, data, CACHE_SECONDS)
    return data


def dashboard(org: Organization, as_of: datetime.date) -> dict:
    """Everything the dashboard page shows for `org` as of `as_of`."""
    points = _points(path_as_of(org, as_of), as_of)
    reads = _read(org, points, as_of)
    return {
        "month": points[-1][0],
        "month_day": points[-1][1],
        "trends": trends(org, reads, points),
        "comparison": comparison(reads, points),
        "attention": attention(org, reads, points, as_of),
    }
