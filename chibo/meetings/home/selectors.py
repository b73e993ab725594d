"""Reads of the role homes: which homes a user has (most local first), and what each shows.
Each reads a fixed number of queries whatever the size of the cell, commune or list."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chibo.accounts.models import Role
from chibo.accounts.scope import Scope
from chibo.organizations.models import Organization

from ..member import selectors as member_selectors
from ..models import CellMeeting
from ..officials import selectors as officials_selectors
from ..oversight import selectors as oversight_selectors
from ..schedule import first_of_month

SECRETARY, MEMBER, OFFICIAL, COMMUNE, BOARD = "secretary", "member", "official", "commune", "board"
KINDS = (SECRETARY, MEMBER, OFFICIAL, COMMUNE, BOARD)
LABELS = {
    SECRETARY: _("Bí thư chi bộ"),
    MEMBER: _("Đảng viên"),
    OFFICIAL: _("Chi bộ tôi theo dõi"),
    COMMUNE: _("Đảng ủy xã"),
    BOARD: _("Ban Tổ chức"),
}
# The home each role has, and which comes first of two roles held at the same node.
ROLE_HOME = {
    Role.CELL_SECRETARY: SECRETARY,
    Role.ASSIGNED_OFFICIAL: OFFICIAL,
    Role.MEMBER: MEMBER,
    Role.COMMUNE_STAFF: COMMUNE,
    Role.ORG_ADMIN: BOARD,
    Role.ORG_ANALYST: BOARD,
}
RANK = {kind: i for i, kind in enumerate(KINDS)}
HOME_TASKS = 12  # the open tasks a secretary's home lists (the rest: the cell's task board)


@dataclass
class Home:
    kind: str
    org_id: int
    org: Organization | None = None

    @property
    def name(self) -> str:
        return self.org.name if self.org is not None else ""

    @property
    def label(self):
        return LABELS[self.kind]

    @property
    def url(self) -> str:
        return reverse("meetings:home_for", args=[self.kind, self.org_id])


def homes(scope: Scope) -> list[Home]:
    """The user's homes, most local first: one per role and node (an assigned official has one
    home for all the cells they follow, at the first of them), the member's only with a member
    record; with their organizations. One query (none without roles)."""
    found: dict[tuple[str, int], tuple] = {}
    for g in scope.grants:
        kind = ROLE_HOME.get(g.role)
        if kind is None or (kind == MEMBER and not getattr(scope.user, "member_id", None)):
            continue
        key = (kind, 0) if kind == OFFICIAL else (kind, g.org_id)
        rank = (-len(g.path), RANK[kind], g.path)
        if key not in found or rank < found[key][0]:
            found[key] = (rank, Home(kind=kind, org_id=g.org_id))
    ordered = [home for _rank, home in sorted(found.values(), key=lambda x: x[0])]
    if ordered:
        orgs = Organization.objects.in_bulk({h.org_id for h in ordered})
        for h in ordered:
            h.org = orgs.get(h.org_id)
    return ordered


# --- the secretary ------------------------------------------------------------------------------


def month_meetings(cell: Organization, month: datetime.date) -> list[CellMeeting]:
    """The cell's meetings of `month`, the regular one first. One query."""
    return list(
        CellMeeting.objects.filter(cell=cell, month=month).order_by("-kind", "scheduled_date", "pk")
    )


def secretary_home(cell: Organization, on: datetime.date) -> dict:
    """This month's meetings of the cell (`regular`: the monthly one, or None before it is
    planned; `thematic`), the next month's regular meeting, and the cell's open tasks (overdue
    first) with their number. Five queries."""
    month = first_of_month(on)
    meetings = month_meetings(cell, month)
    regular = next((m for m in meetings if m.kind == CellMeeting.Kind.REGULAR), None)
    tasks = member_selectors.cell_tasks(cell, on=on, state="open")
    return {
        "month": month,
        "regular": regular,
        "thematic": [m for m in meetings if m.kind != CellMeeting.Kind.REGULAR],
        "open_tasks": member_selectors.mark_tasks(list(tasks[:HOME_TASKS]), on),
        "open_count": tasks.count(),
    }


# --- the member ---------------------------------------------------------------------------------


def member_home(member, on: datetime.date) -> dict:
    """The member's next meeting (with its agenda and materials) and open tasks. Five queries
    (none for the meeting outside a cell)."""
    in_cell = member_selectors.in_cell(member)
    upcoming = member_selectors.upcoming_meetings(member.cell_id, on) if in_cell else []
    return {
        "member": member,
        "in_cell": in_cell,
        "next_meeting": upcoming[0] if upcoming else None,
        "open_tasks": member_selectors.member_open_tasks(member, on),
    }


# --- the commune --------------------------------------------------------------------------------

# What waits, in the order the commune's home lists it: its own work first.
WAITING = ("to_review", oversight_selectors.Situation.OVERDUE, "returned", "unscheduled", "planned")


def commune_home(org: Organization, on: datetime.date, scope: Scope) -> dict:
    """The month's meetings of the cells under `org` grouped by what waits: minutes to review
    (the commune's), meetings overdue, records returned (the cells'), cells without a meeting
    planned, meetings not yet held. Four queries (oversight's month view)."""
    view = oversight_selectors.month_view([org], first_of_month(on), scope=scope, today=on)
    groups = [
        {
            "code": code,
            "label": dict(oversight_selectors.FILTERS).get(code, code),
            "rows": [r for r in view.rows if r.matches(code)],
        }
        for code in WAITING
    ]
    return {"view": view, "groups": groups}


# --- the assigned official ----------------------------------------------------------------------


def official_home(user, scope: Scope, on: datetime.date):
    """The cells the user follows with their next and last meetings. Four queries."""
    return officials_selectors.my_cells(user, scope, on)
