"""Reads for the criteria pages: the sets of a year with their items, a village's statuses and
the commune's table. Each preloads what its template touches."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch

from chibo.core.dated import overlap_q
from chibo.organizations.models import Commune, Village
from chibo.organizations.selectors import village_ids_in

from .models import CriteriaItem, CriteriaSet, VillageCriterionStatus
from .services import year_bounds


def sets_of_year(year: int) -> list[CriteriaSet]:
    """The sets in force on at least one day of `year`, their items preloaded, by kind then
    start (a set replaced in the year and its successor both count for it)."""
    start, end = year_bounds(year)
    items = Prefetch("items", queryset=CriteriaItem.objects.order_by("order", "id"))
    return list(
        CriteriaSet.objects.filter(overlap_q(start, end, "valid_from", "valid_to"))
        .prefetch_related(items)
        .order_by("kind", "valid_from", "id")
    )


def all_sets():
    """Every set, oldest first within its kind, with its number of items."""
    return CriteriaSet.objects.annotate(n_items=Count("items")).order_by("kind", "valid_from")


@dataclass
class ItemRow:
    item: CriteriaItem
    status: VillageCriterionStatus | None

    @property
    def met(self) -> bool:
        return self.status is not None and self.status.met


@dataclass
class SetStatus:
    """A village's standing on one set in a year: met when every item is met."""

    criteria_set: CriteriaSet
    rows: list[ItemRow] = field(default_factory=list)

    @property
    def n_met(self) -> int:
        return sum(r.met for r in self.rows)

    @property
    def n_items(self) -> int:
        return len(self.rows)

    @property
    def met(self) -> bool:
        return bool(self.rows) and self.n_met == self.n_items


def _statuses(villages, year) -> dict[tuple[int, int], VillageCriterionStatus]:
    rows = VillageCriterionStatus.objects.filter(village__in=villages, year=year)
    return {(s.village_id, s.item_id): s for s in rows}


def village_status(village: Village, year: int, sets=None) -> list[SetStatus]:
    """`village`'s standing on each set of `year`, item by item."""
    sets = sets_of_year(year) if sets is None else sets
    found = _statuses([village], year)
    return [
        SetStatus(s, [ItemRow(i, found.get((village.pk, i.pk))) for i in s.items.all()])
        for s in sets
    ]


@dataclass
class CommuneRow:
    village: Village
    sets: list[SetStatus]


def commune_table(commune: Commune, year: int) -> tuple[list[CriteriaSet], list[CommuneRow]]:
    """The villages that lay in `commune` on a day of `year`, each with its standing on each set of
    the year; and the sets (the table's columns). Three queries whatever the size."""
    start, end = year_bounds(year)
    sets = sets_of_year(year)
    villages = list(
        Village.objects.filter(pk__in=village_ids_in(commune, start, end)).order_by("name", "id")
    )
    found = _statuses(villages, year)
    rows = [
        CommuneRow(
            v,
            [
                SetStatus(s, [ItemRow(i, found.get((v.pk, i.pk))) for i in s.items.all()])
                for s in sets
            ],
        )
        for v in villages
    ]
    return sets, rows
