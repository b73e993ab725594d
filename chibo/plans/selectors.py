"""Reads of the village plans: the targets followed at a cell's meetings, and a commune's
villages with their plans and the criteria they met (its plans page; the roll-ups as of a date,
behind the indicators, are rollup.py's)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from chibo.criteria.models import CriteriaSet, VillageCriterionStatus
from chibo.criteria.selectors import sets_of_year
from chibo.criteria.services import year_bounds
from chibo.organizations.models import Village
from chibo.organizations.selectors import village_ids_in
from chibo.targets.models import Target

from .models import PlanTarget, VillagePlan


def plan_governs_q() -> Q:
    """Targets (Target rows) of a cell's year in which the commune assigned the cell targets in
    a village plan: from then the year's targets are the plan's."""
    return Q(
        Exists(
            PlanTarget.objects.filter(
                target__cell_id=OuterRef("cell_id"), target__year=OuterRef("year")
            )
        )
    )


def followed_q() -> Q:
    """The targets the monthly meetings follow. Where a village plan gives the cell targets for
    the year, only those of a plan the commune approved (the cell's own targets of that year,
    and those of a plan still drafted, sent or returned, are not followed). Where no plan does
    (the years before plans, a cell serving no village), the cell's own targets, as before."""
    return Q(plan_link__plan__status=VillagePlan.Status.APPROVED) | (
        Q(plan_link__isnull=True) & ~plan_governs_q()
    )


def followed_targets(cell, *years: int, also: Q | None = None):
    """The cell's targets of `years` (not withdrawn) that the monthly meetings follow
    (`followed_q`), and those `also` matches (a meeting keeps the targets it recorded progress
    on). One query."""
    rule = followed_q() if also is None else followed_q() | also
    return Target.objects.filter(cell=cell, year__in=years, withdrawn_at__isnull=True).filter(rule)


def plan_governs(cell, year: int) -> bool:
    """Whether a village plan gives `cell` its targets for `year` (then the cell adds none of
    its own). One query."""
    return PlanTarget.objects.filter(target__cell=cell, target__year=year).exists()


@dataclass
class VillageRow:
    """One village under an organization in a year: its plan, its targets, its criteria."""

    village: Village
    plan: VillagePlan | None
    n_targets: int
    sets_met: list[CriteriaSet]

    @property
    def approved(self) -> bool:
        return self.plan is not None and self.plan.status == VillagePlan.Status.APPROVED


def commune_rows(commune, year: int) -> list[VillageRow]:
    """The villages that lay in `commune` on a day of `year`, each with its plan of the year, the
    number of targets assigned in it and the criteria sets of the year it met whole (the
    commune's plans page; the roll-ups as of a date are rollup.py's)."""
    villages = Village.objects.filter(pk__in=village_ids_in(commune, *year_bounds(year)))
    return _rows(list(villages.select_related("commune").order_by("name", "id")), year)


def _rows(villages: list[Village], year: int) -> list[VillageRow]:
    plans = {
        p.village_id: p
        for p in VillagePlan.objects.filter(village__in=villages, year=year).annotate(
            n_targets=Count("targets")
        )
    }
    sets = sets_of_year(year)
    items = {s.pk: {i.pk for i in s.items.all()} for s in sets}
    met = {}
    for village_id, item_id in VillageCriterionStatus.objects.filter(
        village__in=villages, year=year, met=True
    ).values_list("village_id", "item_id"):
        met.setdefault(village_id, set()).add(item_id)
    rows = []
    for v in villages:
        plan = plans.get(v.pk)
        done = met.get(v.pk, set())
        rows.append(
            VillageRow(
                village=v,
                plan=plan,
                n_targets=plan.n_targets if plan else 0,
                sets_met=[s for s in sets if items[s.pk] and items[s.pk] <= done],
            )
        )
    return rows
