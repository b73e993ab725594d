"""Reads of the record page: everything the record form is built from, in a fixed number of
queries (the roll call, the follows, the tasks to review, the targets and their progress, the
score sheet)."""

import datetime

from ..models import CellMeeting, TaskUpdate
from ..schedule import rule_for, sheet_for
from ..selectors import (
    follow_assignments,
    meeting_roll,
    progress_by_target,
    targets_of,
    tasks_to_review,
)
from .forms import Context


def record_context(
    meeting: CellMeeting, held_on: datetime.date | None = None, *, complete: bool = True
):
    """Everything the record form is built from, for the roll call of `held_on` (default: the
    day the meeting was held, else its scheduled day). A fixed number of queries. Without
    `complete`, what only a page shows (the saved roll call, scores and month's progress as
    initial values, the targets' earlier progress, the rule's minimum length) is left out:
    enough to check a sent form; `complete_record_context` adds it if the page is shown."""
    on = held_on or meeting.held_on or meeting.scheduled_date
    sheet = meeting.score_sheet or sheet_for(meeting.cell, meeting.month)
    targets = targets_of(meeting.cell, meeting.month.year, meeting=meeting)
    guests = list(meeting.guests.order_by("id"))
    follows = follow_assignments(meeting.cell, on)
    followed = {f.official_id for f in follows}
    ctx = Context(
        meeting=meeting,
        roll=meeting_roll(meeting, on),
        follows=follows,
        reviews=tasks_to_review(meeting),
        targets=targets,
        progress={},
        items=list(sheet.items.order_by("order")) if sheet else [],
        guests=[g for g in guests if g.user_id is None or g.user_id not in followed],
        follow_guests={g.user_id: g for g in guests if g.user_id in followed},
        speeches=list(meeting.speeches.order_by("order", "id")),
        tasks=list(meeting.tasks.order_by("id")),
        scores={},
        attendance={},
        sheet=sheet,
    )
    return complete_record_context(ctx) if complete else ctx


def complete_record_context(ctx):
    """The parts of record_context only a page shows, added to `ctx`. Six queries."""
    meeting = ctx.meeting
    ctx.reports = latest_reports(ctx.reviews)
    ctx.progress = progress_by_target(ctx.targets, meeting.month)
    ctx.scores = dict(meeting.scores.values_list("item_id", "points"))
    ctx.attendance = {a.member_id: a for a in meeting.attendance.all()}
    ctx.rule = rule_for(meeting.cell, meeting.month)
    return ctx


def latest_reports(tasks) -> dict:
    """task id -> its latest progress report (TaskUpdate), for the tasks that have one. One
    query (none without tasks)."""
    if not tasks:
        return {}
    latest = {}
    for u in TaskUpdate.objects.filter(task__in=tasks).order_by("task_id", "at", "id"):
        latest[u.task_id] = u
    return latest
