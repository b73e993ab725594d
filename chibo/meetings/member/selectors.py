"""Reads of a member's own pages, the cell task board, the inbox and the calendar feeds; the
lookups that answer 404 outside the user's scope.

Who is "a member" here: a signed-in user linked to a Member record who holds a current role (any
role: a member, a secretary, commune staff who is also a member somewhere). A user whose roles have
all ended loses their own pages and personal feed, like every other page.
"""

import datetime

from django.db.models import Case, Count, DateField, F, IntegerField, Prefetch, Q, Value, When
from django.http import Http404

from chibo.accounts.scope import Scope
from chibo.core import web
from chibo.members.models import IN_CELL_STATUSES, Member
from chibo.organizations.models import Organization

from ..models import (
    AgendaItem,
    CalendarFeed,
    CellMeeting,
    FollowAssignment,
    Material,
    Task,
    TaskUpdate,
)
from .services import is_task_owner, may_report, token_hash

UPCOMING_LIMIT = 6
RECENT_LIMIT = 3
REVIEWED_LIMIT = 10
# How far back a feed reaches: calendar apps drop events that leave the feed, a year of history
# is enough to look back on, and it keeps a feed of many followed cells small.
FEED_MONTHS_BACK = 12


# --- who ----------------------------------------------------------------------------------------


def has_any_role(scope: Scope) -> bool:
    return scope.superuser or bool(scope.grants)


def self_member(scope: Scope) -> Member | None:
    """The member record the signed-in user may use their own pages with (see the module
    docstring), with the current cell; None for anyone else. One query."""
    member_id = getattr(scope.user, "member_id", None)
    if not member_id or not has_any_role(scope):
        return None
    return Member.objects.select_related("cell").filter(pk=member_id).first()


def in_cell(member: Member | None) -> bool:
    """The member belongs to a cell today (active or exempt), so the cell's meetings are theirs."""
    return member is not None and member.status in IN_CELL_STATUSES


# --- tasks --------------------------------------------------------------------------------------


def _latest_update():
    """The latest progress report of each task, in one query for a whole list (a sliced
    prefetch: a window function per task)."""
    return Prefetch(
        "updates",
        queryset=TaskUpdate.objects.select_related("user").order_by("-at", "-id")[:1],
        to_attr="latest_updates",
    )


def _mark(tasks, on: datetime.date):
    for t in tasks:
        t.overdue = t.state == Task.State.OPEN and t.deadline < on
        t.latest = t.latest_updates[0] if getattr(t, "latest_updates", None) else None
    return tasks


def member_open_tasks(member: Member, on: datetime.date) -> list[Task]:
    """The member's open tasks, earliest deadline first (so the overdue ones lead), each with
    `overdue` and `latest` (the latest progress report)."""
    qs = (
        Task.objects.filter(owner_member=member, state=Task.State.OPEN)
        .select_related("cell", "meeting", "target")
        .prefetch_related(_latest_update())
        .order_by("deadline", "id")
    )
    return _mark(list(qs), on)


def member_reviewed_tasks(member: Member, on: datetime.date) -> list[Task]:
    """The member's latest reviewed tasks, with the meeting that reviewed them."""
    qs = (
        Task.objects.filter(owner_member=member)
        .exclude(state=Task.State.OPEN)
        .select_related("reviewed_at")
        .order_by("-deadline", "-id")[:REVIEWED_LIMIT]
    )
    return _mark(list(qs), on)


STATE_FILTERS = ("open", "overdue", "done", "late", "not_done", "all")


def cell_tasks(cell: Organization, *, on: datetime.date, state: str = "open", owner: str = ""):
    """A cell's tasks for the task board: overdue first, then open ones by deadline, then the
    reviewed ones, latest deadline first; each with its owner and its latest report.

    `state` is one of STATE_FILTERS ("overdue" = open past its deadline); `owner` is "" (all),
    "committee", "mass_org" or a member's id as text.
    """
    qs = Task.objects.filter(cell=cell)
    if state == "overdue":
        qs = qs.filter(state=Task.State.OPEN, deadline__lt=on)
    elif state != "all":
        qs = qs.filter(state=state)
    if owner in (Task.Owner.COMMITTEE, Task.Owner.MASS_ORG):
        qs = qs.filter(owner_kind=owner)
    elif owner:
        qs = qs.filter(owner_kind=Task.Owner.MEMBER, owner_member_id=int(owner))
    rank = Case(
        When(state=Task.State.OPEN, deadline__lt=on, then=Value(0)),
        When(state=Task.State.OPEN, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    # Reviewed tasks: the latest deadline first (the others: NULL here, ordered by deadline next).
    reviewed_first = Case(When(rank=2, then=F("deadline")), output_field=DateField())
    return (
        qs.annotate(rank=rank)
        .select_related("owner_member", "meeting", "target")
        .prefetch_related(_latest_update())
        .order_by("rank", reviewed_first.desc(nulls_last=True), "deadline", "id")
    )


def mark_tasks(tasks, on: datetime.date):
    return _mark(tasks, on)


def owner_choices(cell: Organization) -> list[tuple[str, str]]:
    """Members who are in the cell or own a task of it, for the board's owner filter."""
    # An IN over the cell's task owners, not a join of every member with their tasks (that
    # read the whole member table, then DISTINCT).
    owners = Task.objects.filter(cell=cell, owner_member__isnull=False).values("owner_member_id")
    members = (
        Member.objects.filter(Q(cell=cell) | Q(pk__in=owners))
        .order_by("sort_key", "id")
        .values_list("pk", "full_name")
    )
    return [(str(pk), name) for pk, name in members]


def task_board_cells(scope: Scope, on: datetime.date):
    """The cells in scope that have open tasks, with the number open and overdue; most overdue
    first. One grouped query."""
    return (
        Task.objects.filter(scope.paths_q("cell__path"), state=Task.State.OPEN)
        .values("cell_id", "cell__name", "cell__path")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(deadline__lt=on)),
        )
        .order_by("-overdue", "cell__path")
    )


def task_or_404(scope: Scope, pk) -> Task:
    """A task the user may read: its owner (see services.is_task_owner), or a role that
    reads its cell. Anyone else, another member included: 404. Sets `can_report`."""
    task = web.get_or_404(
        Task.objects.select_related("cell", "meeting", "owner_member", "target", "reviewed_at"),
        pk=pk,
    )
    if not (is_task_owner(scope.user, task) or scope.covers(task.cell)):
        raise Http404
    task.can_report = may_report(scope.user, task)
    return task


def task_updates(task: Task):
    return task.updates.select_related("user").order_by("-at", "-id")


# --- meetings -----------------------------------------------------------------------------------


def upcoming_meetings(cell_id: int, on: datetime.date) -> list[CellMeeting]:
    """The cell's next meetings from `on` (by the day held, or the day planned if not yet held),
    with their agenda (items not removed) and materials (not withdrawn)."""
    qs = (
        CellMeeting.objects.filter(cell_id=cell_id)
        .filter(Q(held_on__gte=on) | Q(held_on__isnull=True, scheduled_date__gte=on))
        .prefetch_related(
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.filter(removed=False).order_by("order"),
                to_attr="agenda_items",
            ),
            Prefetch(
                "materials",
                queryset=Material.objects.filter(withdrawn_at__isnull=True).order_by(
                    "uploaded_at", "id"
                ),
                to_attr="current_materials",
            ),
        )
        .order_by("scheduled_date", "id")
    )
    return list(qs[:UPCOMING_LIMIT])


def recent_meetings(cell_id: int, on: datetime.date) -> list[CellMeeting]:
    """The cell's last meetings before `on`."""
    qs = (
        CellMeeting.objects.filter(cell_id=cell_id)
        .filter(Q(held_on__lt=on) | Q(held_on__isnull=True, scheduled_date__lt=on))
        .order_by("-scheduled_date", "-id")
    )
    return list(qs[:RECENT_LIMIT])


# --- calendar feeds ------------------------------------------------------------------------------


def user_feeds(user):
    return (
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("cell")
        .order_by("cell__path", "created_at")
    )


def own_feed_or_404(user, pk) -> CalendarFeed:
    return web.get_or_404(CalendarFeed.objects.all(), pk=pk, user=user)


def feed_cell_choices(scope: Scope):
    """Cells the user may make a cell feed of: the active cells their roles read."""
    if not (scope.superuser or scope.read_paths):
        return Organization.objects.none()
    return (
        Organization.objects.active()
        .filter(scope.paths_q(), kind=Organization.Kind.CELL)
        .order_by("path")
    )


def feed_by_token_or_404(raw: str) -> CalendarFeed:
    """The live feed of a token (not revoked), with its owner, the owner's member and the cell."""
    if not raw or len(raw) > 100:
        raise Http404
    return web.get_or_404(
        CalendarFeed.objects.select_related("user__member", "cell"),
        token=token_hash(raw),
        revoked_at__isnull=True,
    )


def personal_feed_cells(scope: Scope, on: datetime.date) -> list[int]:
    """The cells of a user's personal feed, as of `on`:

    - the cell the user's linked member belongs to (active or exempt), and
    - the cells the user follows by a FollowAssignment current on `on`, while their roles still
      read the cell (an official whose role ended loses the cell even if the assignment was not
      closed).

    Nothing else: commune and district staff do not get every cell they can read (hundreds of
    meetings a month); they follow cells by assignment or make a feed per cell.
    """
    cells = []
    member = getattr(scope.user, "member", None)
    if getattr(scope.user, "member_id", None) and in_cell(member):
        cells.append(member.cell_id)
    follows = (
        FollowAssignment.objects.filter(official=scope.user, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gt=on))
        .values_list("cell_id", "cell__path")
    )
    for cell_id, path in follows:
        if cell_id not in cells and (
            scope.superuser or any(path.startswith(p) for p in scope.read_paths)
        ):
            cells.append(cell_id)
    return cells


def feed_meetings(cell_ids: list[int], on: datetime.date) -> list[CellMeeting]:
    """The meetings of the cells from FEED_MONTHS_BACK months before `on`, with the cell and the
    agenda."""
    if not cell_ids:
        return []
    y, m = divmod(on.year * 12 + on.month - 1 - FEED_MONTHS_BACK, 12)
    since = datetime.date(y, m + 1, 1)
    return list(
        CellMeeting.objects.filter(cell_id__in=cell_ids, month__gte=since)
        .select_related("cell")
        .prefetch_related(
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.filter(removed=False).order_by("order"),
                to_attr="agenda_items",
            )
        )
        .order_by("scheduled_date", "cell_id", "id")
    )
