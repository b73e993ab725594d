"""The lists behind the meeting indicators, shown by meetings:indicator
(/meetings/indicators/<code>/?org=<id>&as_of=dd/mm/yyyy) and registered with the indicator
registry by meetings/lists.py. Each gives (rows, context): the rows are read a page at a time,
with what the page shows of them (the cell's meeting, whether it counts)."""

from chibo.core.web import LazyRows

from .. import indicators as ind
from ..models import CellMeeting, Task
from .selectors import quarter_start

VIEW = "meetings:indicator"  # the page that shows these lists


def _cells(periods):
    """The cells' periods of a list of cells, with the cell, counted once."""
    periods = periods.select_related("organization")
    return periods, periods.count()


def meetings_held_on_schedule(org, as_of):
    b, cells, on_day = ind.meetings_held_on_schedule_rows(org, as_of)

    def show(periods):
        ids = [p.organization_id for p in periods]
        meetings = {m.cell_id: m for m in b.meetings().filter(kind=ind.REGULAR, cell_id__in=ids)}
        counted = set(on_day.filter(cell_id__in=ids).values_list("cell_id", flat=True))
        for p in periods:
            p.meeting = meetings.get(p.organization_id)
            p.counted = p.organization_id in counted
        return periods

    periods, n = _cells(cells)
    return LazyRows(periods, show, length=n), {"basis": b}


def thematic_meetings_quarter(org, as_of):
    b, cells, thematic = ind.thematic_meetings_quarter_rows(org, as_of)

    def show(periods):
        ids = [p.organization_id for p in periods]
        found = {}
        for m in thematic.filter(cell_id__in=ids).order_by("scheduled_date", "id"):
            found.setdefault(m.cell_id, []).append(m)
        for p in periods:
            p.thematic = found.get(p.organization_id, [])
            p.counted = bool(p.thematic)
        return periods

    periods, n = _cells(cells)
    context = {"basis": b, "quarter_start": quarter_start(b.month)}
    return LazyRows(periods, show, length=n), context


def task_completion_rate(org, as_of):
    """The database sorts the narrow ids; a page's tasks are read with their joins."""
    since, value, ids = ind.task_completion_rate_list(org, as_of)
    owners, states = dict(Task.Owner.choices), dict(Task.State.choices)

    def show(page_ids):
        tasks = list(ind.tasks_shown(page_ids))
        for t in tasks:
            t.owner_label = owners.get(t.owner_kind, t.owner_kind)
            t.state_label = states.get(t.state, t.state)
        return tasks

    return LazyRows(ids, show, length=value.of), {"since": since, "value": value}


def meeting_quality_classes(org, as_of):
    b, rows, breakdown = ind.meeting_quality_classes_rows(org, as_of)
    labels = dict(CellMeeting._meta.get_field("quality_class").choices)
    return rows, {"basis": b, "breakdown": [(labels[c], n) for c, n in breakdown.items()]}


def meeting_attendance_rate(org, as_of):
    b, rows = ind.meeting_attendance_rate_rows(org, as_of)
    return rows, {"basis": b}


# In the order of the overview page's links (indicators.CODES).
ROWS = {
    "meetings_held_on_schedule": meetings_held_on_schedule,
    "meeting_attendance_rate": meeting_attendance_rate,
    "thematic_meetings_quarter": thematic_meetings_quarter,
    "meeting_quality_classes": meeting_quality_classes,
    "task_completion_rate": task_completion_rate,
}
