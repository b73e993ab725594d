"""Reads of congress planning: the cells' congresses of the plans for the term in force on a
day, under an organization, and the figures the indicator and the plan page show."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from chibo.organizations.models import Organization
from chibo.organizations.selectors import periods_under

from .models import CellCongress, CongressPlan


def plans_in_force(on: datetime.date):
    """Plans whose term [term_start, term_end) holds `on`."""
    return CongressPlan.objects.filter(term_start__lte=on, term_end__gt=on)


def congresses_under(org: Organization, on: datetime.date):
    """The congresses of the cells under `org` on `on` in the plans for the term in force."""
    cells = periods_under(org, on).filter(organization__kind=Organization.Kind.CELL)
    return CellCongress.objects.filter(
        plan__in=plans_in_force(on), cell_id__in=cells.values("organization_id")
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
