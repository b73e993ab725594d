"""The pages a phone keeps for use with no signal: for each cell the user is the secretary of or
follows, its current and next meetings (read view; the record page too for the secretary), the
cell's members and its open tasks. Decided here, for the logged-in user's scope."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from chibo.accounts.models import Role
from chibo.accounts.scope import Scope
from chibo.organizations.models import Organization

from ..models import CellMeeting
from ..schedule import add_months, first_of_month

ROLES = {Role.CELL_SECRETARY: True, Role.ASSIGNED_OFFICIAL: False}  # role -> records meetings
MEETINGS_PER_CELL = 2  # the current meeting and the next


@dataclass
class Page:
    url: str
    title: str


def offline_cells(scope: Scope) -> list[tuple[Organization, bool]]:
    """The cells whose pages the user's phone keeps, with whether the user records their
    meetings: where the user is the cell's secretary or an assigned official today. One query."""
    writes: dict[int, bool] = {}
    for g in scope.grants:
        if g.role in ROLES:
            writes[g.org_id] = writes.get(g.org_id, False) or ROLES[g.role]
    if not writes:
        return []
    cells = Organization.objects.cells().filter(pk__in=writes, valid_to__isnull=True)
    return [(c, writes[c.pk]) for c in cells.order_by("path")]


def current_meetings(cell: Organization, on: datetime.date) -> list[CellMeeting]:
    """The cell's current and next meetings: the latest ones not confirmed yet, months up to the
    next one (a meeting confirmed by the commune is read online). One query."""
    horizon = add_months(first_of_month(on), 1)
    rows = (
        CellMeeting.objects.filter(cell=cell, month__lte=horizon)
        .filter(~Q(status=CellMeeting.Status.CONFIRMED))
        .order_by("-month", "-scheduled_date", "-id")[:MEETINGS_PER_CELL]
    )
    return sorted(rows, key=lambda m: (m.month, m.scheduled_date, m.pk))


def offline_pages(scope: Scope, on: datetime.date) -> list[Page]:
    """The pages to keep, in the order a secretary uses them (a query per cell, two in all for
    the usual one cell)."""
    pages = [Page(reverse("home"), _("Trang chủ"))]
    for cell, records in offline_cells(scope):
        for m in current_meetings(cell, on):
            names = {"month": f"{m.month:%m/%Y}", "cell": cell.name}
            pages.append(
                Page(
                    reverse("meetings:detail", args=[m.pk]),
                    _("Sinh hoạt %(month)s · %(cell)s") % names,
                )
            )
            if records:
                pages.append(
                    Page(
                        reverse("meetings:record", args=[m.pk]),
                        _("Ghi biên bản %(month)s · %(cell)s") % names,
                    )
                )
        pages.append(
            Page(
                f"{reverse('members:list')}?org={cell.pk}",
                _("Đảng viên · %(cell)s") % {"cell": cell.name},
            )
        )
        pages.append(
            Page(
                reverse("meetings:cell_tasks", args=[cell.pk]),
                _("Nhiệm vụ đang thực hiện · %(cell)s") % {"cell": cell.name},
            )
        )
    return pages
