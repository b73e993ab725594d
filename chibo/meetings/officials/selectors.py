"""Reads for the officials who follow cells and the organizations that help villages.

An official's attendance comes from the meeting records: a meeting counts as held once it is
recorded (held, confirmed or returned), on its `held_on` day (its scheduled day if that is
missing); the official attended it when the record lists them as a guest (a Guest row with
their user, whatever kind the secretary chose: an assigned official or, for a police officer,
the commune police). A meeting counts for an assignment when it was held while the assignment
ran ([start, end)). "The last 12 months" before a date D are the days after D one year earlier,
up to D itself.

Every function here reads in a fixed number of queries, whatever the number of rows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from chibo.accounts.models import Role, RoleAssignment
from chibo.committees.models import in_force_q
from chibo.committees.selectors import sort_key
from chibo.committees.villages.selectors import villages_under
from chibo.core import vn
from chibo.organizations.models import UPPER_KINDS, Organization, Village
from chibo.organizations.selectors import ids_under

from ..models import CellMeeting, FollowAssignment, Guest, SupportAssignment, SupportVisit

ONE_DAY = datetime.timedelta(days=1)


def year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def window(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first, last) day of the 12 months up to `as_of`, both included."""
    return year_before(as_of) + ONE_DAY, as_of


def meeting_day():
    return Coalesce("held_on", "scheduled_date", output_field=DateField())


def cell_ids_under(org: Organization, as_of: datetime.date):
    """The ids of the cells under `org` (itself if a cell) on the structure of `as_of`
    (organizations.selectors.ids_under: a list or a subquery)."""
    return ids_under(org, as_of, "cells")


def assignments_under(org: Organization, as_of: datetime.date):
    """Follow assignments on the cells under `org` on `as_of` (any dates)."""
    return FollowAssignment.objects.filter(cell_id__in=cell_ids_under(org, as_of))


def running_on(qs, on: datetime.date):
    return qs.filter(in_force_q(on))


def overlapping(qs, first: datetime.date, last: datetime.date):
    """Assignments that ran on at least one day between `first` and `last`."""
    return qs.filter(Q(end__isnull=True) | Q(end__gt=first), start__lte=last)


def _while(a, day: datetime.date) -> bool:
    return a.start <= day and (a.end is None or day < a.end)


# --- attendance ---------------------------------------------------------------------------------

_A = "cell__follow_assignments__"


def attendance_pairs(assignments, first: datetime.date, last: datetime.date):
    """A queryset of the (assignment, meeting) pairs: each recorded meeting of a cell held
    between `first` and `last` while an assignment of `assignments` (a queryset or ids) on the
    cell ran, with `assignment_id`, `official_id` and whether the official came (`attended`).
    Counted in SQL (an aggregate or a GROUP BY, one query): a district has thousands of pairs."""
    came = Guest.objects.filter(meeting_id=OuterRef("pk"), user_id=OuterRef("official_id"))
    # One join to the assignments: the annotations below reuse the join of the first filter.
    return (
        CellMeeting.objects.filter(status__in=CellMeeting.RECORDED, **{f"{_A}in": assignments})
        .annotate(day=meeting_day())
        .filter(day__gte=first, day__lte=last)
        .annotate(
            assignment_id=F(f"{_A}pk"),
            official_id=F(f"{_A}official_id"),
            assignment_start=F(f"{_A}start"),
            assignment_end=F(f"{_A}end"),
        )
        .filter(
            Q(assignment_end__isnull=True) | Q(assignment_end__gt=F("day")),
            assignment_start__lte=F("day"),
        )
        .annotate(attended=Exists(came))
        .order_by()
    )


def attendance_counts() -> dict:
    """{"held": pairs, "attended": pairs where the official came} of `attendance_pairs`."""
    return {"held": Count("pk"), "attended": Count("pk", filter=Q(attended=True))}


# --- the officials under a node -----------------------------------------------------------------


@dataclass(frozen=True)
class Official:
    """The user who follows cells, as the list shows them."""

    pk: int
    full_name: str
    username: str

    def __str__(self):
        return self.full_name or self.username


@dataclass
class AssignmentRow:
    """One follow assignment of the list (read as plain values: a district has hundreds)."""

    pk: int
    kind: str
    kind_label: str
    cell_name: str
    start: datetime.date
    end: datetime.date | None
    decision: str
    held: int = 0
    attended: int = 0

    @property
    def share(self):
        return (self.attended, self.held)


@dataclass
class OfficialRow:
    official: Official
    rows: list[AssignmentRow] = field(default_factory=list)
    url: str = ""  # the official's page, set by the view for the rows it shows

    @property
    def held(self) -> int:
        return sum(r.held for r in self.rows)

    @property
    def attended(self) -> int:
        return sum(r.attended for r in self.rows)

    @property
    def share(self):
        return (self.attended, self.held)

    @property
    def kinds(self) -> list[str]:
        seen = []
        for r in self.rows:
            if r.kind_label not in seen:
                seen.append(r.kind_label)
        return seen


def officials_under(
    org: Organization,
    as_of: datetime.date,
    *,
    kind: str = "",
    include_ended: bool = False,
    attendance: bool = True,
) -> list[OfficialRow]:
    """The officials who follow cells under `org` on `as_of` (with `include_ended`, everyone
    assigned there since any date up to `as_of`), each with their assignments and the meetings
    they attended of those held while assigned in the last 12 months (without `attendance`,
    zero until `count_attendance` fills them in, e.g. for one page). Three queries: the path,
    the assignments with officials and cells, the counts."""
    qs = assignments_under(org, as_of).filter(start__lte=as_of)
    if not include_ended:
        qs = running_on(qs, as_of)
    if kind:
        qs = qs.filter(kind=kind)
    labels = {k: str(label) for k, label in FollowAssignment.Kind.choices}
    people: dict[int, OfficialRow] = {}
    for pk, official_id, full_name, username, k, cell, start, end, decision in qs.order_by(
        "start", "pk"
    ).values_list(
        *("pk", "official_id", "official__full_name", "official__username", "kind"),
        *("cell__name", "start", "end", "decision"),
    ):
        person = people.get(official_id)
        if person is None:
            person = people[official_id] = OfficialRow(Official(official_id, full_name, username))
        person.rows.append(AssignmentRow(pk, k, labels[k], cell, start, end, decision))
    for person in people.values():
        person.rows.sort(key=lambda r: (sort_key(r.cell_name), r.start))
    rows = sorted(
        people.values(), key=lambda p: (vn.full_name_sort_key(str(p.official)), p.official.pk)
    )
    if attendance:
        count_attendance(rows, as_of)
    return rows


def count_attendance(people: list[OfficialRow], as_of: datetime.date) -> None:
    """Fill in the meetings held and attended in the 12 months up to `as_of` of the rows of
    `people` (officials_under's). One query."""
    rows = {r.pk: r for p in people for r in p.rows}
    if not rows:
        return
    first, last = window(as_of)
    counts = (
        attendance_pairs(list(rows), first, last)
        .values("assignment_id")
        .annotate(**attendance_counts())
    )
    for c in counts:
        row = rows[c["assignment_id"]]
        row.held, row.attended = c["held"], c["attended"]


# --- one official -----------------------------------------------------------------------------


@dataclass
class SeenMeeting:
    meeting: CellMeeting
    attended: bool
    guidance: str


@dataclass
class FollowedCell:
    assignment: FollowAssignment
    meetings: list[SeenMeeting] = field(default_factory=list)
    held_year: int = 0
    attended_year: int = 0

    @property
    def share_year(self):
        return (self.attended_year, self.held_year)


def official_cells(official, scope, as_of: datetime.date) -> list[FollowedCell]:
    """The official's assignments on cells the viewer may read (begun by `as_of`), each with
    the cell's meetings while it ran up to `as_of`: recorded ones with whether the official
    came and the guidance they left, unrecorded ones as such. Three queries."""
    assignments = list(
        FollowAssignment.objects.filter(scope.paths_q("cell__path"), official=official)
        .filter(start__lte=as_of)
        .select_related("cell", "cell__parent")
        .order_by("-start", "pk")
    )
    if not assignments:
        return []
    earliest = min(a.start for a in assignments)
    meetings = list(
        CellMeeting.objects.filter(cell_id__in={a.cell_id for a in assignments})
        .annotate(day=meeting_day())
        .filter(day__gte=earliest, day__lte=as_of)
        .only(
            "pk",
            "cell_id",
            "month",
            "kind",
            "topic",
            "status",
            "held_on",
            "scheduled_date",
            "quality_class",
        )
        .order_by("-day", "-pk")
    )
    guests = defaultdict(list)
    for meeting_id, guidance in Guest.objects.filter(
        meeting_id__in=[m.pk for m in meetings], user=official
    ).values_list("meeting_id", "guidance"):
        guests[meeting_id].append(guidance)
    first, _last = window(as_of)
    rows = []
    for a in assignments:
        row = FollowedCell(a)
        for m in meetings:
            if m.cell_id != a.cell_id or not _while(a, m.day):
                continue
            came = m.pk in guests
            row.meetings.append(
                SeenMeeting(m, came, "\n".join(g for g in guests.get(m.pk, []) if g))
            )
            if m.status in CellMeeting.RECORDED and m.day >= first:
                row.held_year += 1
                row.attended_year += came
        rows.append(row)
    return rows


def officials_in_scope(scope):
    """Users who may be picked as officials: anyone with a follow assignment on a cell the
    user reads, or a non-member role at an organization the user reads."""
    User = get_user_model()
    roles = RoleAssignment.objects.filter(
        scope.paths_q("organization__path"),
        role__in=[Role.ASSIGNED_OFFICIAL, Role.COMMUNE_STAFF, Role.ORG_ADMIN, Role.ORG_ANALYST],
        user_id=OuterRef("pk"),
    )
    follows = FollowAssignment.objects.filter(scope.paths_q("cell__path"), official=OuterRef("pk"))
    return User.objects.filter(Exists(roles) | Exists(follows), is_active=True).order_by(
        "full_name", "username"
    )


# --- the official's own cells -----------------------------------------------------------------


@dataclass
class MyCell:
    cell: Organization
    assignment: FollowAssignment | None
    next_meeting: CellMeeting | None
    last_meeting: CellMeeting | None
    attended_last: bool

    @property
    def last_overdue(self) -> bool:
        m = self.last_meeting
        return m is not None and m.status == CellMeeting.Status.PLANNED


def my_cells(user, scope, on: datetime.date) -> list[MyCell]:
    """The cells the user follows now (their ASSIGNED_OFFICIAL roles), with the next meeting
    still to hold on or after `on`, the latest meeting before it and whether the user came, and
    the follow assignment that made the role. Four queries."""
    paths = sorted({g.path for g in scope.grants if g.role == Role.ASSIGNED_OFFICIAL})
    if not paths:
        return []
    meetings = CellMeeting.objects.filter(cell=OuterRef("pk"))
    upcoming = meetings.filter(scheduled_date__gte=on, status=CellMeeting.Status.PLANNED)
    past = meetings.filter(
        Q(scheduled_date__lt=on) | Q(scheduled_date=on, status__in=CellMeeting.RECORDED)
    )
    cells = list(
        Organization.objects.cells()
        .filter(scope.paths_q(paths=paths), valid_to__isnull=True)
        .select_related("parent")
        .annotate(
            next_id=Subquery(upcoming.order_by("scheduled_date", "pk").values("pk")[:1]),
            last_id=Subquery(past.order_by("-scheduled_date", "-pk").values("pk")[:1]),
        )
        .order_by("path")
    )
    if not cells:
        return []
    ids = [c.next_id for c in cells if c.next_id] + [c.last_id for c in cells if c.last_id]
    by_id = {m.pk: m for m in CellMeeting.objects.filter(pk__in=ids)}
    came = set(
        Guest.objects.filter(
            meeting_id__in=[c.last_id for c in cells if c.last_id], user=user
        ).values_list("meeting_id", flat=True)
    )
    follows = {
        a.cell_id: a
        for a in running_on(FollowAssignment.objects.filter(official=user), on).order_by("start")
    }
    return [
        MyCell(
            cell=c,
            assignment=follows.get(c.pk),
            next_meeting=by_id.get(c.next_id),
            last_meeting=by_id.get(c.last_id),
            attended_last=c.last_id in came,
        )
        for c in sorted(cells, key=lambda c: sort_key(c.name))
    ]


# --- villages and their helpers -----------------------------------------------------------------


@dataclass
class VillageSupport:
    village: Village
    assignment: SupportAssignment | None
    last_visit: SupportVisit | None

    @property
    def flagged(self) -> bool:
        """Especially disadvantaged and no organization helping it."""
        return self.village.especially_disadvantaged and self.assignment is None

    @property
    def commune(self):
        return commune_then(self.village)

    @property
    def cell(self):
        return cell_then(self.village)


def commune_then(village):
    """The commune a village of villages_under(…, on) lay in on `on` (its dated link, read with
    select_related("placed__commune"); None if it lay in none). Village.commune is today's."""
    placed = getattr(village, "placed", None)
    return placed.commune if placed is not None else None


def cell_then(village):
    """The cell that served a village of villages_under(…, on) on `on` (select_related
    ("served__cell"); None if none). Village.cell is today's."""
    served = getattr(village, "served", None)
    return served.cell if served is not None else None


def support_assignments_running(on: datetime.date):
    return SupportAssignment.objects.filter(in_force_q(on))


def disadvantaged_villages_under(org: Organization, as_of: datetime.date):
    return villages_under(org, as_of).filter(especially_disadvantaged=True)


def supported_under(org: Organization, as_of: datetime.date) -> list[VillageSupport]:
    """The especially disadvantaged villages under `org` on `as_of` and any other village helped
    then, each with its helper on `as_of` and its last visit by then, its commune and cell those
    of `as_of` (a list of 2023 reads a village under the commune it lay in then). Four queries."""
    running = support_assignments_running(as_of).filter(village=OuterRef("pk"))
    visits = SupportVisit.objects.filter(assignment__village=OuterRef("pk"), on__lte=as_of)
    villages = villages_under(org, as_of).select_related("placed__commune", "served__cell")
    villages = villages.annotate(
        helped=Exists(running),
        assignment_id=Subquery(running.order_by("-start", "-pk").values("pk")[:1]),
        last_visit_id=Subquery(visits.order_by("-on", "-pk").values("pk")[:1]),
    )
    villages = list(villages.filter(Q(especially_disadvantaged=True) | Q(helped=True)))
    assignments = {
        a.pk: a
        for a in SupportAssignment.objects.filter(
            pk__in=[v.assignment_id for v in villages if v.assignment_id]
        ).select_related("helper")
    }
    last_visits = {
        s.pk: s
        for s in SupportVisit.objects.filter(
            pk__in=[v.last_visit_id for v in villages if v.last_visit_id]
        )
    }
    rows = [
        VillageSupport(v, assignments.get(v.assignment_id), last_visits.get(v.last_visit_id))
        for v in villages
    ]
    return sorted(
        rows,
        key=lambda r: (sort_key(r.commune.name if r.commune else ""), sort_key(r.village.name)),
    )


def village_log(village: Village):
    """Every support assignment of the village, newest first, with its visits. Two queries."""
    return list(
        SupportAssignment.objects.filter(village=village)
        .select_related("helper")
        .prefetch_related("visits__recorded_by")
        .order_by("-start", "-pk")
    )


def helpers_in_scope(scope):
    """Organizations the user may name as helpers: in force, in their scope, an agency
    grassroots organization (a grassroots cell included) or a district or province body."""
    K = Organization.Kind
    return (
        Organization.objects.active()
        .filter(scope.paths_q())
        .filter(
            Q(kind__in=[K.DISTRICT_COMMITTEE, K.PROVINCE_COMMITTEE])
            | (Q(kind=K.GRASSROOTS) & ~Q(grassroots_type=Organization.GrassrootsType.COMMUNE))
            | Q(kind=K.CELL, parent__kind__in=UPPER_KINDS)  # grassroots cells
        )
        .order_by("path")
    )
