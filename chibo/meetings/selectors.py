"""Reads of meetings that the features share (record, prepare, documents...), each preloading
what its page touches, in a fixed number of queries.

`meeting_or_404` is the scope helper every meeting page starts from: a meeting of a cell outside
the user's scope is a 404, the same as a missing one.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, Min, OuterRef, Prefetch, Q, prefetch_related_objects

from chibo.core import web
from chibo.core.dated import in_force_q
from chibo.members.models import IN_CELL_STATUSES, Member, Membership, Status, StatusChange
from chibo.organizations.models import Organization, OrganizationPeriod, subtree_q
from chibo.organizations.selectors import path_as_of
from chibo.plans.selectors import followed_targets
from chibo.targets.models import Target, TargetProgress

from .models import (
    AgendaItem,
    Attendance,
    CellMeeting,
    FollowAssignment,
    Guest,
    Material,
    MeetingSubmission,
    ScoreEntry,
    Speech,
    Task,
)
from .schedule import first_of_month, last_of_month, quarter_of

# --- scope ------------------------------------------------------------------------------------


def meeting_or_404(scope, pk, *, write=False, related=()) -> CellMeeting:
    """The meeting `pk` with its cell and the cell's parent (and the `related` a page shows), if
    the scope reads (writes, with `write`) the cell; else 404, the same as a missing one. One
    query."""
    meetings = CellMeeting.objects.select_related("cell__parent", *related)
    return web.scoped_or_404(scope, meetings, pk, org="cell", write=write)


# --- structure --------------------------------------------------------------------------------


def cell_periods_in_month(org: Organization, month: datetime.date) -> list[OrganizationPeriod]:
    """The periods of the cells under `org` (itself if a cell) that overlap `month`, on the
    structure of that month; with the organization. One query after the org's path."""
    start, end = first_of_month(month), last_of_month(month)
    path = path_as_of(org, start) or path_as_of(org, end) or org.path
    return list(
        OrganizationPeriod.objects.filter(
            subtree_q(path),
            Q(valid_to__isnull=True) | Q(valid_to__gt=start),
            organization__kind=Organization.Kind.CELL,
            valid_from__lte=end,
        )
        .select_related("organization")
        .order_by("path", "valid_from")
    )


# --- roll call --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RollEntry:
    """A member of the cell on the meeting's date: summoned (official or probationary, in the
    base) or exempt from activities (outside the base, may still come)."""

    member: Member
    summoned: bool

    @property
    def exempt(self) -> bool:
        return not self.summoned

    def is_official(self, on):
        return self.member.is_official(on)


def statuses_on(member_ids, on: datetime.date) -> dict[int, str]:
    """member id -> status on `on`, from the dated status changes (members without a change
    keep their current status; the caller passes it as the default). One query."""
    result: dict[int, str] = {}
    first_after: dict[int, str] = {}
    rows = StatusChange.objects.filter(member_id__in=member_ids).order_by("member_id", "on", "id")
    for member_id, status, previous, when in rows.values_list(
        "member_id", "status", "previous", "on"
    ):
        if when <= on:
            result[member_id] = status
        elif member_id not in result and member_id not in first_after:
            first_after[member_id] = previous
    for member_id, previous in first_after.items():
        result.setdefault(member_id, previous)
    return result


def roll_call(cell: Organization, on: datetime.date) -> list[RollEntry]:
    """The members of `cell` on `on`: those with a membership open there that day, admitted by
    then and in the cell (active or exempt) that day; exempt ones outside the base. Two queries."""
    members = list(
        Member.objects.filter(
            memberships__in=Membership.objects.filter(in_force_q(on), cell=cell),
            admission_date__lte=on,
        )
        .distinct()
        .order_by("sort_key", "id")
    )
    statuses = statuses_on([m.pk for m in members], on)
    entries = []
    for m in members:
        status = statuses.get(m.pk, m.status)
        if status not in IN_CELL_STATUSES:
            continue
        entries.append(RollEntry(member=m, summoned=status != Status.EXEMPT))
    return entries


def meeting_roll(meeting: CellMeeting, on: datetime.date) -> list[RollEntry]:
    """The roll of `meeting` held on `on`: the roll call of the day as it stood when the record
    was first saved. A member entered later with an earlier admission (an import of old members)
    was on no roll that day: left out of a recorded meeting's roll unless its saved roll call
    has them, so that saving an old record again asks for nobody new. Four queries once recorded."""
    entries = roll_call(meeting.cell, on)
    if meeting.recorded_at is None or not entries:
        return entries
    first_saved = (
        MeetingSubmission.objects.filter(meeting=meeting).aggregate(at=Min("at"))["at"]
        or meeting.recorded_at
    )
    # Always the same queries, whoever was entered when (the page's query count is fixed).
    called = set(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    return [e for e in entries if e.member.created_at <= first_saved or e.member.pk in called]


def follow_assignments(cell: Organization, on: datetime.date) -> list[FollowAssignment]:
    """The officials assigned to follow `cell` on `on`, with their user. One query."""
    return list(
        FollowAssignment.objects.filter(in_force_q(on), cell=cell)
        .select_related("official")
        .order_by("kind", "official__full_name", "id")
    )


# --- lists ------------------------------------------------------------------------------------


def cell_meetings(cell: Organization):
    """A cell's meetings, newest first (a queryset to page; the row needs nothing joined)."""
    return CellMeeting.objects.filter(cell=cell).order_by("-month", "-scheduled_date", "-id")


def cells_without_thematic(org: Organization, quarter: datetime.date) -> list[Organization]:
    """The cells under `org` (as of the quarter's last day) with no held meeting that had a
    thematic part (a thematic meeting, or a regular one with a topic) in the quarter holding
    `quarter`. Two queries after the org's path."""
    start, end = quarter_of(quarter)
    path = path_as_of(org, end) or org.path
    cells = OrganizationPeriod.objects.filter(
        subtree_q(path),
        Q(valid_to__isnull=True) | Q(valid_to__gt=end),
        organization__kind=Organization.Kind.CELL,
        valid_from__lte=end,
    )
    met = (
        CellMeeting.objects.filter(
            cell_id__in=cells.values("organization_id"),
            month__gte=start,
            month__lte=end,
            status__in=CellMeeting.RECORDED,
        )
        .filter(Q(kind=CellMeeting.Kind.THEMATIC) | ~Q(topic=""))
        .values("cell_id")
    )
    return list(
        Organization.objects.filter(pk__in=cells.values("organization_id"))
        .exclude(pk__in=met)
        .order_by("path")
    )


# --- one meeting ------------------------------------------------------------------------------


# What a meeting's read view shows besides its cell, read with it (meeting_or_404's `related`).
DETAIL_RELATED = ("chair", "minute_taker", "score_sheet", "recorded_by")


def meeting_detail(meeting: CellMeeting) -> CellMeeting:
    """The meeting (read by meeting_or_404 with DETAIL_RELATED) with everything its read view
    shows, preloaded (a fixed number of queries)."""
    prefetch_related_objects(
        [meeting],
        Prefetch("agenda", queryset=AgendaItem.objects.filter(removed=False)),
        Prefetch(
            "materials",
            queryset=Material.objects.filter(withdrawn_at__isnull=True).select_related(
                "uploaded_by"
            ),
        ),
        Prefetch("attendance", queryset=Attendance.objects.select_related("member")),
        Prefetch("guests", queryset=Guest.objects.all()),
        Prefetch("speeches", queryset=Speech.objects.select_related("member")),
        Prefetch(
            "tasks",
            queryset=Task.objects.select_related("owner_member", "target", "reviewed_at"),
        ),
        Prefetch(
            "reviewed_tasks",
            queryset=Task.objects.select_related("owner_member", "meeting").order_by("id"),
        ),
        Prefetch("scores", queryset=ScoreEntry.objects.select_related("item")),
        Prefetch(
            "target_progress",
            queryset=TargetProgress.objects.select_related("target").order_by(
                "target__order", "target_id"
            ),
        ),
    )
    return meeting


def tasks_to_review(meeting: CellMeeting) -> list[Task]:
    """The tasks the meeting reviews: the cell's open tasks set at earlier meetings, and those
    already reviewed at this one (so a saved review can be corrected). One query."""
    return list(
        Task.objects.filter(cell_id=meeting.cell_id)
        .filter(Q(state=Task.State.OPEN, meeting__month__lt=meeting.month) | Q(reviewed_at=meeting))
        .exclude(meeting=meeting)
        .select_related("owner_member", "meeting", "target")
        .order_by("deadline", "id")
    )


def targets_of(cell: Organization, *years: int, meeting: CellMeeting | None = None) -> list[Target]:
    """The cell's targets for a year or years that its meetings follow (chibo.plans: where a
    village plan gives the year's targets, those of the approved plan), by year, in order; with
    `meeting`, also those it recorded progress on or set a task for (a record keeps what it
    said). One query."""
    also = None
    if meeting is not None and meeting.pk is not None:
        also = Q(Exists(TargetProgress.objects.filter(target=OuterRef("pk"), meeting=meeting))) | Q(
            Exists(Task.objects.filter(target=OuterRef("pk"), meeting=meeting))
        )
    return list(followed_targets(cell, *years, also=also).order_by("year", "order", "id"))


def progress_by_target(targets, month: datetime.date) -> dict[int, dict]:
    """target id -> {"month": value this month or None, "before": the year before this month,
    "to_date": the year so far including this month, "note": ...}. For a target measured as a sum
    "before" adds up the earlier months of the year; for a level it is the latest earlier month's
    value (None if none). One query."""
    result = {
        t.pk: {"month": None, "before": None, "to_date": None, "note": "", "measure": t.measure}
        for t in targets
    }
    if not targets:
        return result
    rows = TargetProgress.objects.filter(
        target_id__in=list(result),
        month__gte=datetime.date(month.year, 1, 1),
        month__lte=month,
    ).values_list("target_id", "month", "value", "note")
    for target_id, m, value, note in sorted(rows, key=lambda r: (r[0], r[1])):
        row = result[target_id]
        if m == month:
            row["month"] = value
            row["note"] = note
        elif row["measure"] == Target.Measure.LEVEL:
            row["before"] = value  # months in order: the latest one stays
        else:
            row["before"] = (row["before"] or 0) + value
    for row in result.values():
        if row["measure"] == Target.Measure.LEVEL:
            row["to_date"] = row["month"] if row["month"] is not None else row["before"]
        else:
            row["to_date"] = (row["before"] or 0) + (row["month"] or 0)
            row["before"] = row["before"] or 0
    return result
