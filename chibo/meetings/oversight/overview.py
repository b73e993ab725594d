"""Reads of the district's overview: one row per grassroots organization for a month, aggregated
in the database (a fixed number of queries whatever the number of cells). The month at a glance
and the shared rules and structure reads are in selectors."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from chibo.core import dates, vn
from chibo.organizations.models import OrganizationPeriod, grassroots_level_q

from ..models import CellMeeting, QualityClass
from .selectors import (
    Rules,
    S,
    _under,
    _valid_on,
    cell_periods,
    month_end,
    month_start,
    percent,
    quarter_start,
    root_paths,
)

# --- the district overview ------------------------------------------------------------------


@dataclass
class OverviewRow:
    """One grassroots organization's month (or the total line, with org None)."""

    org_id: int | None
    name: str
    path: str = ""
    cells: int = 0
    regular: int = 0  # regular meetings on record for the month (any status)
    held: int = 0
    on_day: int = 0
    late: int = 0
    overdue: int = 0
    to_review: int = 0
    returned: int = 0
    present: int = 0
    summoned: int = 0
    good: int = 0
    fair: int = 0
    average: int = 0
    poor: int = 0
    thematic_cells: int = 0

    @property
    def not_held(self) -> int:
        return self.cells - self.held

    @property
    def unscheduled(self) -> int:
        return max(self.cells - self.regular, 0)

    @property
    def attendance(self) -> str:
        return percent(self.present, self.summoned)

    @property
    def on_day_pct(self) -> str:
        return percent(self.on_day, self.cells)

    @property
    def thematic_pct(self) -> str:
        return percent(self.thematic_cells, self.cells)

    def add(self, other: "OverviewRow"):
        for f in self.NUMBERS:
            setattr(self, f, getattr(self, f) + getattr(other, f))


OverviewRow.NUMBERS = (
    "cells",
    "regular",
    "held",
    "on_day",
    "late",
    "overdue",
    "to_review",
    "returned",
    "present",
    "summoned",
    "good",
    "fair",
    "average",
    "poor",
    "thematic_cells",
)


@dataclass
class Overview:
    month: datetime.date
    quarter_start: datetime.date
    rows: list[OverviewRow]
    total: OverviewRow


def overdue_q(rules: Rules, today: datetime.date, month: datetime.date, cells=None) -> Q:
    """Q for the planned meetings past their recording deadline on `today`.

    With one overdue_after_days in all the rules (the usual case), a single date bound. With
    several, the cells are grouped by the number their rule gives: `cells()` returns
    (organization_id, path, cell_type) of the cells concerned (one query).
    """
    days = rules.distinct_days()
    if len(days) == 1:
        (n,) = days
        return Q(scheduled_date__lt=today - datetime.timedelta(days=n))
    groups = {}
    for pk, path, cell_type in cells():
        groups.setdefault(rules.overdue_days(path, cell_type, month), []).append(pk)
    q = Q(pk__in=[])
    for n, ids in groups.items():
        q |= Q(cell_id__in=ids, scheduled_date__lt=today - datetime.timedelta(days=n))
    return q


def overview(roots, month: datetime.date, *, today=None) -> Overview:
    """One row per grassroots organization (grassroots cells included) under `roots` on the
    month's last day: its cells, the month's regular meetings (held, on the day, late, overdue),
    attendance and quality classes of every meeting recorded in the month, and the cells with a
    thematic meeting (or a thematic part) recorded from the quarter's first month to this one.

    Queries: the roots' paths, the grassroots organizations, the rules, then per depth at which
    grassroots organizations sit (one, in a district) the cells counted and the meetings
    aggregated, grouped by the grassroots part of each cell's path on that date.
    """
    today = today or dates.today()
    month = month_start(month)
    on = month_end(month)
    q_start = quarter_start(month)
    paths = root_paths(roots, on)
    grassroots = list(
        OrganizationPeriod.objects.filter(
            # grassroots cells (parent then an upper committee) are rows of their own
            _under(paths),
            _valid_on(on),
            grassroots_level_q("organization__"),
        )
        .order_by("path")
        .values_list("organization_id", "name", "path")
    )
    rules = Rules()
    rows = {path: OverviewRow(org_id=pk, name=name, path=path) for pk, name, path in grassroots}
    cells = cell_periods(paths, on)
    overdue = overdue_q(
        rules,
        today,
        month,
        lambda: cells.values_list(
            "organization_id", "organization__path", "organization__cell_type"
        ),
    )
    then_path = Subquery(
        OrganizationPeriod.objects.filter(_valid_on(on), organization_id=OuterRef("cell_id"))
        .order_by()
        .values("path")[:1]
    )
    this_month = Q(month=month)
    regular = this_month & Q(kind=CellMeeting.Kind.REGULAR)
    recorded = Q(status__in=CellMeeting.RECORDED)
    held = regular & recorded
    scored = this_month & recorded
    thematic = recorded & (Q(kind=CellMeeting.Kind.THEMATIC) | ~Q(topic=""))
    for length in sorted({len(p) for p in rows}):
        for r in (
            cells.annotate(g=Substr("path", 1, length))
            .values("g")
            .annotate(n=Count("id"))
            .order_by()
        ):
            if r["g"] in rows:
                rows[r["g"]].cells += r["n"]
        aggregates = (
            CellMeeting.objects.filter(
                cell_id__in=cells.values("organization_id"), month__gte=q_start, month__lte=month
            )
            .annotate(g=Substr(then_path, 1, length))
            .values("g")
            .annotate(
                regular=Count("id", filter=regular),
                held=Count("id", filter=held),
                on_day=Count("id", filter=held & Q(held_on=F("scheduled_date"))),
                late=Count("id", filter=held & Q(held_on__gt=F("scheduled_date"))),
                overdue=Count("id", filter=regular & Q(status=S.PLANNED) & overdue),
                to_review=Count("id", filter=this_month & Q(status=S.HELD)),
                returned=Count("id", filter=this_month & Q(status=S.RETURNED)),
                present=Sum("present", filter=scored),
                summoned=Sum("summoned", filter=scored),
                good=Count("id", filter=scored & Q(quality_class=QualityClass.GOOD)),
                fair=Count("id", filter=scored & Q(quality_class=QualityClass.FAIR)),
                average=Count("id", filter=scored & Q(quality_class=QualityClass.AVERAGE)),
                poor=Count("id", filter=scored & Q(quality_class=QualityClass.POOR)),
                thematic_cells=Count("cell_id", filter=thematic, distinct=True),
            )
            .order_by()
        )
        for a in aggregates:
            row = rows.get(a.pop("g"))
            if row is None:
                continue
            for k, v in a.items():
                setattr(row, k, getattr(row, k) + (v or 0))
    ordered = sorted(rows.values(), key=lambda r: vn.text_sort_key(r.name))
    total = OverviewRow(org_id=None, name=str(_("Tổng cộng")))
    for r in ordered:
        total.add(r)
    return Overview(month=month, quarter_start=q_start, rows=ordered, total=total)
