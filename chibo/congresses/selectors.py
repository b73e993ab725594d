"""Reads of congress planning: the cells' congresses of the plans for the term in force on a
day, under an organization, and the figures the indicator and the plan page show; the
grassroots committees' congresses (đại hội đảng bộ cơ sở) under a province or district."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from chibo.committees.models import Term
from chibo.organizations.models import Organization, subtree_q
from chibo.organizations.selectors import ids_under, periods_under

from .models import CellCongress, CongressPlan, RegulationReview, WorkingRegulation


def plans_in_force(on: datetime.date):
    """Plans whose term [term_start, term_end) holds `on`."""
    return CongressPlan.objects.filter(term_start__lte=on, term_end__gt=on)


def congresses_under(org: Organization, on: datetime.date):
    """The congresses of the cells under `org` on `on` in the plans for the term in force."""
    return CellCongress.objects.filter(
        plan__in=plans_in_force(on), cell_id__in=ids_under(org, on, "cells")
    )


@dataclass
class Progress:
    total: int
    held: int
    deadline: datetime.date | None
    last_held: datetime.date | None

    @property
    def done(self) -> bool:
        return self.total > 0 and self.held == self.total

    @property
    def days_ahead(self) -> int | None:
        """Days from the last congress to the plans' deadline (negative: late), once every cell
        has held its congress."""
        if not self.done:
            return None
        return (self.deadline - self.last_held).days


def progress(org: Organization, on: datetime.date) -> Progress:
    """How far the congresses under `org` are on `on` (a congress held after `on` counts as not
    held: the figure as of a day does not change later). One query."""
    row = congresses_under(org, on).aggregate(
        total=Count("pk"),
        held=Count("pk", filter=Q(held_on__lte=on)),
        deadline=Max("plan__deadline"),
        last_held=Max("held_on", filter=Q(held_on__lte=on)),
    )
    return Progress(**row)


def plan_page(plan: CongressPlan, org: Organization, on: datetime.date) -> list[CellCongress]:
    """The plan's congresses of the cells under `org` (`org` may be the plan's organization or
    a commune under it), with the cell and the term read in the same query."""
    cells = periods_under(org, on).filter(organization__kind=Organization.Kind.CELL)
    return list(
        plan.cells.filter(cell_id__in=cells.values("organization_id"))
        .select_related("cell", "term")
        .order_by("cell__name", "pk")
    )


@dataclass
class RollupRow:
    org: Organization
    total: int = 0
    held: int = 0
    last_held: datetime.date | None = None
    late: int = 0  # held after their deadline, or not held with the deadline past


def plan_rollup(plan: CongressPlan, org: Organization, on: datetime.date) -> list[RollupRow]:
    """Per organization directly under `org` on `on` (the communes of a district), the plan's
    cells under it: planned, held by `on`, the last held, late. Two queries."""
    return rollup(plan.cells.all(), org, on)


def rollup(congresses, org: Organization, on: datetime.date) -> list[RollupRow]:
    """`plan_rollup` for any queryset of congresses (those of the term in force under `org`,
    for the plans page), the cells' only. Two queries; empty when `org` has only cells under
    it."""
    children = [
        RollupRow(p.organization)
        for p in periods_under(org, on)
        .filter(parent=org)
        .exclude(organization__kind=Organization.Kind.CELL)
        .select_related("organization")
        .order_by("organization__name", "pk")
    ]
    paths = [(r.org.path, r) for r in children]
    if not children:
        return []
    cells = congresses.filter(cell__kind=Organization.Kind.CELL)
    for path, held_on, deadline in cells.values_list("cell__path", "held_on", "deadline"):
        row = next((r for p, r in paths if path.startswith(p)), None)
        if row is None:
            continue
        row.total += 1
        if held_on is not None and held_on <= on:
            row.held += 1
            row.last_held = max(row.last_held or held_on, held_on)
            row.late += held_on > deadline
        else:
            row.late += on > deadline
    return [r for r in children if r.total]


def committee_congresses_under(org: Organization, on: datetime.date) -> list[CellCongress]:
    """The congresses of the grassroots committees under `org` (a province or district) in the
    plans for the term in force on `on`, by name, with the plan and the term. One query."""
    return list(
        CellCongress.objects.filter(
            subtree_q(org.path, "cell__path"),
            plan__in=plans_in_force(on),
            cell__kind=Organization.Kind.GRASSROOTS,
        )
        .select_related("cell", "plan", "term")
        .order_by("cell__name", "pk")
    )


def plan_committees(plan: CongressPlan, org: Organization) -> list[CellCongress]:
    """The plan's congresses of grassroots committees, `org` and those under it. One query."""
    return list(
        plan.cells.filter(
            subtree_q(org.path, "cell__path"), cell__kind=Organization.Kind.GRASSROOTS
        )
        .select_related("cell", "term")
        .order_by("cell__name", "pk")
    )


def committees_to_add(plan: CongressPlan):
    """The grassroots committees under the plan's organization in its term that no plan for an
    overlapping term holds: those a writer may add to it."""
    planned = CellCongress.objects.filter(
        plan__term_start__lt=plan.term_end, plan__term_end__gt=plan.term_start
    ).values("cell_id")
    return (
        Organization.objects.filter(
            subtree_q(plan.organization.path),
            kind=Organization.Kind.GRASSROOTS,
            valid_from__lt=plan.term_end,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=plan.term_start))
        .exclude(pk__in=planned)
        .order_by("name", "pk")
    )


def plans_for(org: Organization):
    """The plans of `org`, of the organizations above it (their cells under `org` are planned
    there) and under it, newest term first."""
    return (
        CongressPlan.objects.filter(
            Q(organization__path__in=org.ancestor_paths())
            | Q(organization__path__startswith=org.path)
        )
        .select_related("organization")
        .order_by("-term_start", "organization__path")
    )


# --- working regulations ------------------------------------------------------------------------


@dataclass
class RegulationRow:
    cell: Organization
    term: Term | None
    regulation: WorkingRegulation | None  # the version in force on the day
    last_review: datetime.date | None  # adopted or reviewed, on or before the day

    @property
    def reviewed_in_term(self) -> bool:
        return bool(self.term and self.last_review and self.last_review >= self.term.start)


def regulations_under(org: Organization, on: datetime.date) -> list[RegulationRow]:
    """Each cell under `org` on `on` with its term then, its regulations in force and the last
    day they were adopted or reviewed by `on`. Four queries."""
    cells = list(
        Organization.objects.filter(
            pk__in=periods_under(org, on)
            .filter(organization__kind=Organization.Kind.CELL)
            .values("organization_id")
        ).order_by("name", "pk")
    )
    terms = {
        t.organization_id: t
        for t in Term.objects.filter(organization__in=cells).in_force(on).order_by("start")
    }
    versions = {
        r.cell_id: r
        for r in WorkingRegulation.objects.filter(cell__in=cells, adopted_on__lte=on).order_by(
            "cell_id", "adopted_on", "id"
        )
    }
    reviewed = dict(
        RegulationReview.objects.filter(regulation__cell__in=cells, reviewed_on__lte=on)
        .values("regulation__cell_id")
        .annotate(last=Max("reviewed_on"))
        .values_list("regulation__cell_id", "last")
    )
    rows = []
    for cell in cells:
        version = versions.get(cell.pk)
        days = [d for d in (version and version.adopted_on, reviewed.get(cell.pk)) if d]
        rows.append(RegulationRow(cell, terms.get(cell.pk), version, max(days) if days else None))
    return rows


def regulation_history(cell: Organization) -> list[WorkingRegulation]:
    """The cell's versions, newest first, with their reviews (two queries)."""
    return list(
        WorkingRegulation.objects.filter(cell=cell)
        .prefetch_related("reviews")
        .order_by("-adopted_on", "-id")
    )
