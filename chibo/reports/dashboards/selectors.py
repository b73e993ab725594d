"""The dashboard of an organization (province, district, commune or cell) as of a date: the
36-month trends of the meeting indicators, the comparison of its direct children, and the cells
that need attention. Read in a fixed number of grouped queries whatever the number of cells
(the months and the cells are summed in Python), never one query a month or a cell.

A trend's point for month M is the indicator's value for M: the meetings of M and the tasks due
in the 12 months up to M's last day, on the structure of M's last day, as the indicator computes
it as of that day once M's meetings are past due (meetings.indicators.reference_month). The last
month is the reference month of the dashboard's date; when that month is the date's own, its
point is the indicator as of the date itself (the tasks due up to that day).
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.db.models import Value as V
from django.db.models.functions import Length
from django.utils.translation import get_language

from chibo.committees.models import Position, Title, in_force_q
from chibo.committees.selectors import rule_on
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
from chibo.organizations.models import PATH_STEP, Organization, OrganizationPeriod, subtree_q
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
    """What the dashboard reads from the database, grouped by month and cell."""

    org_periods: list  # (path, valid_from, valid_to) of the organization
    cells: list[CellPeriod]
    meetings: dict  # (month, cell id) -> {on_day, present, summoned, scored, ok}
    tasks: dict  # cell id -> [(done, total) due in the 12 months up to each point's month]
    tasks_now: dict  # cell id -> (done, total) due in the 12 months up to the date


def _read(org: Organization, points, as_of: datetime.date) -> _Reads:
    first = points[0][0]
    last_day = points[-1][1]
    org_periods = list(
        OrganizationPeriod.objects.filter(organization=org, valid_from__lte=as_of)
        .filter(_open_on(first))
        .values_list("path", "valid_from", "valid_to")
    )
    if not org_periods:
        return _Reads(org_periods, [], {}, {}, {})
    under = Q()
    for path in {p for p, _s, _e in org_periods}:
        under |= subtree_q(path)
    cell_periods = OrganizationPeriod.objects.filter(
        under, organization__kind=Organization.Kind.CELL, valid_from__lte=as_of
    ).filter(_open_on(first))
    cells = [
        CellPeriod(c, p, s, e, f, n, t == Organization.CellType.RESIDENTIAL)
        for c, p, s, e, f, n, t in cell_periods.values_list(
            *("organization_id", "path", "valid_from", "valid_to"),
            *("organization__valid_from", "organization__name", "organization__cell_type"),
        )
    ]
    cell_ids = cell_periods.values("organization_id")
    meetings = {
        (r.pop("month"), r.pop("cell_id")): r
        for r in CellMeeting.objects.filter(
            month__gte=first, month__lte=points[-1][0], cell_id__in=cell_ids
        )
        .values("month", "cell_id")
        .annotate(
            on_day=Count("id", filter=RECORDED & Q(kind=REGULAR, held_on=F("scheduled_date"))),
            present=Sum("present", filter=RECORDED),
            summoned=Sum("summoned", filter=RECORDED),
            scored=Count("id", filter=RECORDED & ~Q(quality_class="")),
            ok=Count("id", filter=RECORDED & Q(quality_class__in=GOOD_OR_FAIR)),
        )
        .order_by()
    }
    reviewed = Task.objects.filter(cell_id__in=cell_ids, state__in=REVIEWED_STATES)
    done = Count("id", filter=Q(state__in=DONE_STATES))
    # The month of a deadline as its index among the months (a CASE of plain comparisons:
    # SQLite truncates dates with a Python function, a call a row).
    months = [add_months(first, i - 11) for i in range(len(points) + 11)]
    index = Case(
        *(When(deadline__lt=add_months(m, 1), then=V(i)) for i, m in enumerate(months)),
        output_field=IntegerField(),
    )
    tasks = {
        (months[i], c): (d, t)
        for i, c, d, t in reviewed.filter(
            deadline__gte=months[0], deadline__lte=last_of_month(points[-1][0])
        )
        .annotate(m=index)
        .values("m", "cell_id")
        .annotate(done=done, total=Count("id"))
        .order_by()
        .values_list("m", "cell_id", "done", "total")
    }
    tasks_now = {
        c: (d, t)
        for c, d, t in reviewed.filter(deadline__gt=year_before(last_day), deadline__lte=last_day)
        .values("cell_id")
        .annotate(done=done, total=Count("id"))
        .order_by()
        .values_list("cell_id", "done", "total")
    }
    return _Reads(org_periods, cells, meetings, _rolling(tasks, points), tasks_now)


def _rolling(by_month: dict, points) -> dict:
    """cell id -> [(done, total) due in the 12 months up to each point's month], from the
    counts by (month, cell): prefix sums over the months, one pass a cell."""
    months = [add_months(points[0][0], i - 11) for i in range(len(points) + 11)]
    per_cell = {}
    for (month, cell), (d, t) in by_month.items():
        per_cell.setdefault(cell, {})[month] = (d, t)
    out = {}
    for cell, counts in per_cell.items():
        done = total = 0
        sums = [(0, 0)]
        for m in months:
            d, t = counts.get(m, (0, 0))
            done, total = done + d, total + t
            sums.append((done, total))
        out[cell] = [
            (sums[i + 12][0] - sums[i][0], sums[i + 12][1] - sums[i][1]) for i in range(len(points))
        ]
    return out


def _values(reads: _Reads, cells, i, month, *, exact_tasks: bool) -> dict[str, Value]:
    """The four indicators of point `i` (`month`) over `cells` (the cells on the point's day
    under the node)."""
    on_day = expected = present = summoned = scored = ok = done = total = 0
    end = last_of_month(month)
    no_tasks = ((0, 0),) * (i + 1)
    for c in cells:
        m = reads.meetings.get((month, c.cell_id))
        if c.founded <= end:
            expected += 1
            on_day += bool(m and m["on_day"])
        if m:
            present += m["present"] or 0
            summoned += m["summoned"] or 0
            scored += m["scored"]
            ok += m["ok"]
        if exact_tasks:
            d, t = reads.tasks_now.get(c.cell_id, (0, 0))
            done, total = done + d, total + t
        else:
            d, t = reads.tasks.get(c.cell_id, no_tasks)[i]
            done, total = done + d, total + t
    return {
        "meetings_held_on_schedule": Value(on_day, expected),
        "meeting_attendance_rate": Value(present, summoned),
        "meeting_quality_classes": Value(ok, scored),
        "task_completion_rate": Value(done, total),
    }


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
    by_month = []
    for i, (month, day) in enumerate(points):
        cells = _under(reads.cells, _path_on(reads.org_periods, day), day)
        exact = i == len(points) - 1 and day != last_of_month(month)
        by_month.append((month, day, _values(reads, cells, i, month, exact_tasks=exact)))
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


def _children(path: str | None, day: datetime.date) -> list[tuple[int, str, str]]:
    """(id, path, name) of the organizations directly under `path` on `day`, by path."""
    if path is None:
        return []
    return list(
        OrganizationPeriod.objects.filter(subtree_q(path), valid_from__lte=day)
        .filter(_open_on(day))
        .annotate(depth=Length("path"))
        .filter(depth=len(path) + PATH_STEP)
        .order_by("path")
        .values_list("organization_id", "path", "organization__name")
    )


def comparison(reads: _Reads, points) -> list[dict]:
    """For each trend indicator, its value for each direct child in the last month, worst
    first (the lowest share; a child with nothing to count last)."""
    month, day = points[-1]
    children = _children(_path_on(reads.org_periods, day), day)
    exact = day != last_of_month(month)
    per_child = []
    for pk, path, name in children:
        values = _values(
            reads, _under(reads.cells, path, day), len(points) - 1, month, exact_tasks=exact
        )
        per_child.append((Organization(pk=pk, path=path, name=name), values))
    out = []
    for code in TREND_CODES:
        items = [
            {**_item(child.name, values[code], list_url(code, child, day)), "org": child}
            for child, values in per_child
        ]
        items.sort(
            key=lambda i: (i["share"] is None, i["share"] or 0, vn.text_sort_key(i["label"]))
        )
        out.append({"code": code, "name": str(get(code).name), "items": items})
    return out if children else []


def attention(org: Organization, reads: _Reads, points, as_of: datetime.date) -> list[dict]:
    """The cells under the node on the date that need attention, by path, each with its
    reasons (a reason: its text and the list behind it): a village cell without a committee
    (fewer positions in force than the committee rule's minimum), a cell that did not meet on
    its day in the last month, a village cell whose secretary is below the theory standard."""
    month, day = points[-1]
    cells = _under(reads.cells, _path_on(reads.org_periods, as_of), as_of)
    if not cells:
        return []
    ids = [c.cell_id for c in cells]
    rule = rule_on(as_of)
    seats = dict(
        Position.objects.filter(in_force_q(as_of), organization_id__in=ids)
        .values("organization_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("organization_id", "n")
    )
    _standard, below, positions = village_committee_theory_rows(org, as_of)
    weak = set()
    if below:
        weak = set(
            positions.filter(title=Title.SECRETARY, level_then__in=below).values_list(
                "organization_id", flat=True
            )
        )
    out = []
    end = last_of_month(month)
    for c in sorted(cells, key=lambda c: c.path):
        cell = Organization(pk=c.cell_id, path=c.path, name=c.name)
        reasons = []
        if c.residential and rule is not None and seats.get(c.cell_id, 0) < rule.min_committee_size:
            reasons.append(("no_committee", list_url("cells_with_committee", cell, as_of)))
        m = reads.meetings.get((month, c.cell_id))
        if c.founded <= end and c.on(day) and not (m and m["on_day"]):
            reasons.append(("late", list_url("meetings_held_on_schedule", cell, day)))
        if c.residential and c.cell_id in weak:
            reasons.append(("secretary", list_url("village_committee_theory_ok", cell, as_of)))
        if reasons:
            out.append({"cell": cell, "reasons": reasons})
    return out


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
