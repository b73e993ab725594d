"""The roll-up of the village plans under an organization as of a date: the villages served by
its cells that day, each with its plan of the year and whether the commune had approved it by
then, the approved plan's targets and whether each is on track, and the criteria sets the village
met whole the year before. The three indicators of plans (indicators.py) count it, and the lists
behind them (lists.py) show it: a line per village under a commune or a cell, a line per commune
above.

The year: that of the last month the date completes (31/03/2023: March 2023; 10/01/2024:
December 2023, the year's plans judged on the whole year). A target is on track when the year so
far reaches its share of the months completed: a sum (hộ, m) at least yearly value × months / 12,
a level (a rate reached again each month) its latest month at the yearly value. Criteria are
those of the year before the roll-up's year: a village's standing on a year is judged once the
year is over.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Coalesce

from chibo.core.indicators import once_per_batch, prime
from chibo.criteria.models import CriteriaSet, VillageCriterionStatus
from chibo.criteria.selectors import sets_of_year
from chibo.organizations.models import Commune, Organization, Village, VillageCellLink
from chibo.organizations.selectors import (
    ids_under,
    preload_orgs,
    preloaded_under,
    village_led_on,
)
from chibo.targets.models import Target, TargetProgress

from .models import VillagePlan

NTM = CriteriaSet.Kind.VILLAGE_NTM


def reference_month(as_of: datetime.date) -> datetime.date:
    """The first day of the last month `as_of` completes (its own month on its last day)."""
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        return as_of.replace(day=1)
    return (as_of.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` in the committee's time zone (a decision "by" `day`)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tz)


@dataclass
class TargetLine:
    """A target of an approved plan: the year so far, the share expected by now, on track."""

    target: Target
    to_date: Decimal
    expected: Decimal

    @property
    def on_track(self) -> bool:
        return self.to_date >= self.expected


@dataclass
class VillageLine:
    village: Village
    plan: VillagePlan | None
    approved: bool  # approved by the date
    targets: list[TargetLine] = field(default_factory=list)  # those of the approved plan
    sets_met: list[CriteriaSet] = field(default_factory=list)

    @property
    def on_track(self) -> int:
        return sum(t.on_track for t in self.targets)

    @property
    def ntm(self) -> bool:
        """Met a village new-rural set whole."""
        return any(s.kind == NTM for s in self.sets_met)


@dataclass
class CommuneLine:
    """The villages of one commune under the organization, counted."""

    commune: Commune
    committee_id: int | None = None  # the commune committee that led it on the day
    villages: int = 0
    approved: int = 0
    targets: int = 0
    on_track: int = 0
    ntm: int = 0


@dataclass
class Rollup:
    as_of: datetime.date
    month: datetime.date  # the reference month
    villages: list[VillageLine]

    @property
    def year(self) -> int:
        return self.month.year

    @property
    def criteria_year(self) -> int:
        return self.month.year - 1

    @property
    def targets(self) -> list[tuple[VillageLine, TargetLine]]:
        return [(v, t) for v in self.villages for t in v.targets]

    def communes(self) -> list[CommuneLine]:
        """A line per commune, by name."""
        lines: dict[int, CommuneLine] = {}
        for v in self.villages:
            village = v.village  # with the commune it lay in on the day (_read)
            line = lines.get(village.commune_on_id)
            if line is None:
                commune = Commune(
                    pk=village.commune_on_id,
                    name=village.commune_on_name,
                    kind=village.commune_on_kind,
                )
                line = lines[commune.pk] = CommuneLine(commune, village.committee_id)
            line.villages += 1
            line.approved += v.approved
            line.targets += len(v.targets)
            line.on_track += v.on_track
            line.ntm += v.ntm
        return sorted(lines.values(), key=lambda c: (c.commune.name, c.commune.pk))


def _expected(target: Target, months: int) -> Decimal:
    if target.measure == Target.Measure.LEVEL:
        return target.yearly_value
    return (target.yearly_value * months / 12).quantize(Decimal("0.01"))


def _to_date(target: Target, values: list[Decimal]) -> Decimal:
    if not values:
        return Decimal(0)
    if target.measure == Target.Measure.LEVEL:
        return values[-1]
    return sum(values, Decimal(0))


def _read(org: Organization, as_of: datetime.date) -> Rollup:
    return Rollup(
        as_of=as_of,
        month=reference_month(as_of),
        villages=_village_lines(ids_under(org, as_of, "cells"), as_of),
    )


def _village_lines(cells, as_of: datetime.date) -> list[VillageLine]:
    """The lines of the villages served on `as_of` by the cells `cells` (ids or a subquery), by
    name. Up to eight queries whatever their number."""
    month = reference_month(as_of)
    year = month.year
    # Only what the lists show: a district's roll-up reads some 300 villages and 1.500 targets.
    links = VillageCellLink.objects.in_force(as_of).filter(cell_id__in=cells)
    villages = list(
        Village.objects.filter(pk__in=links.values("village_id"))
        .annotate(
            **village_led_on(as_of),
            # the commune it lay in on the day (the one now if the links leave a gap that
            # day), and the committee that led that commune then
            commune_on_id=Coalesce("placed__commune_id", "commune_id"),
            commune_on_name=Coalesce("placed__commune__name", "commune__name"),
            commune_on_kind=Coalesce("placed__commune__kind", "commune__kind"),
            committee_id=F("led__committee_id"),
        )
        .only("name", "kind")
        .order_by("name", "id")
    )
    if not villages:  # none served (an agency cell, say): nothing more to read
        return []
    ids = [v.pk for v in villages]
    plans = {
        p.village_id: p
        for p in VillagePlan.objects.filter(village_id__in=ids, year=year).only(
            "village_id", "status", "decided_at"
        )
    }
    by = end_of_day(as_of)
    approved = {
        vid
        for vid, p in plans.items()
        if p.status == VillagePlan.Status.APPROVED and p.decided_at < by
    }
    targets: dict[int, list[Target]] = {}
    if approved:
        for t in (
            Target.objects.filter(
                plan_link__plan__village_id__in=approved,
                plan_link__plan__year=year,
                withdrawn_at__isnull=True,
            )
            .annotate(village_id=F("plan_link__plan__village_id"))
            .only("name", "unit", "yearly_value", "measure", "order")
            .order_by("order", "id")
        ):
            targets.setdefault(t.village_id, []).append(t)
    values: dict[int, list[Decimal]] = {}
    if targets:
        for target_id, value in (
            TargetProgress.objects.filter(
                target_id__in=[t.pk for ts in targets.values() for t in ts],
                month__gte=datetime.date(year, 1, 1),
                month__lte=month,
            )
            .order_by("target_id", "month")
            .values_list("target_id", "value")
        ):
            values.setdefault(target_id, []).append(value)
    met: dict[int, set[int]] = {}
    for vid, item_id in VillageCriterionStatus.objects.filter(
        village_id__in=ids, year=year - 1, met=True
    ).values_list("village_id", "item_id"):
        met.setdefault(vid, set()).add(item_id)
    # A set is met when every one of its items is: with no item met, none is (no need to read them).
    sets = sets_of_year(year - 1) if met else []
    items = {s.pk: {i.pk for i in s.items.all()} for s in sets}
    lines = []
    for v in villages:
        done = met.get(v.pk, set())
        lines.append(
            VillageLine(
                village=v,
                plan=plans.get(v.pk),
                approved=v.pk in approved,
                targets=[
                    TargetLine(t, _to_date(t, values.get(t.pk, [])), _expected(t, month.month))
                    for t in targets.get(v.pk, [])
                ],
                sets_met=[s for s in sets if items[s.pk] and items[s.pk] <= done],
            )
        )
    return lines


def preload(orgs, as_of: datetime.date) -> None:
    """For a compute_many: the roll-up of every organization of `orgs` (rollup's), from the
    lines of every village served on `as_of` by a cell under one of them, read together
    (_village_lines' queries and one of the links), each organization's villages those its
    cells served that day."""
    cells = preloaded_under(as_of, "cells")
    if cells is None:
        return
    lines = _village_lines(cells, as_of)
    at: dict[int, list[int]] = {}  # a village's lines (one, unless its links overlap)
    for i, line in enumerate(lines):
        at.setdefault(line.village.pk, []).append(i)
    served: dict[int, set[int]] = {}  # cell id -> the lines of the villages it served
    if lines:
        for village_id, cell_id in (
            VillageCellLink.objects.in_force(as_of)
            .filter(cell_id__in=cells)
            .values_list("village_id", "cell_id")
        ):
            served.setdefault(cell_id, set()).update(at[village_id])
    month = reference_month(as_of)
    for org, ids in preload_orgs(orgs, as_of, "cells"):
        mine = sorted({i for cell_id in ids & served.keys() for i in served[cell_id]})
        rollup_ = Rollup(as_of=as_of, month=month, villages=[lines[i] for i in mine])
        prime(("plans.rollup", org.pk, as_of), rollup_)


def rollup(org: Organization, as_of: datetime.date) -> Rollup:
    """The roll-up of `org` as of `as_of` (see the module), read once for the three indicators
    of a compute_all. Eight queries whatever the number of villages."""
    return once_per_batch(("plans.rollup", org.pk, as_of), lambda: _read(org, as_of))
