"""The demo's village plans (issue 12, part 4): for each year the meetings' demo gave a cell
targets (meetings_plan.TARGET_YEARS, then each year to today's), the plan of the village the cell
serves, approved by the commune in February, its targets the cell's, each linked to the criteria
item it serves where one does. A few plans of 2023 and of today's year wait for the commune's
approval (the years after 2023 each drawn from a generator of its own)."""

import datetime
from random import Random
from zoneinfo import ZoneInfo

from chibo.criteria.models import CriteriaItem, CriteriaSet
from chibo.organizations.models import Village
from chibo.plans.models import PlanTarget, VillagePlan
from chibo.targets.models import Target

from .meetings_plan import TARGET_YEARS
from .rows import insert

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WAITING_SHARE = 0.05  # plans of the last year not yet approved
# target name -> (kind of criteria set, item code) it serves
SERVES = {
    "Giảm hộ nghèo": (CriteriaSet.Kind.VILLAGE_NTM, "7"),
    "Làm đường bê tông": (CriteriaSet.Kind.VILLAGE_NTM, "2"),
    "Hộ được sử dụng nước sạch": (CriteriaSet.Kind.VILLAGE_NTM, "9"),
    "Trồng cây ăn quả": (CriteriaSet.Kind.DISTRICT_POLICIES, "1"),
    "Xây dựng nhà tiêu hợp vệ sinh": (CriteriaSet.Kind.DISTRICT_POLICIES, "6"),
    "Xóa nhà tạm, nhà dột nát": (CriteriaSet.Kind.DISTRICT_POLICIES, "7"),
}


def _items_of(year: int) -> dict[tuple[str, str], CriteriaItem]:
    day = datetime.date(year, 6, 30)
    items = CriteriaItem.objects.filter(
        criteria_set__in=CriteriaSet.objects.in_force(day)
    ).select_related("criteria_set")
    return {(i.criteria_set.kind, i.code): i for i in items}


def write_plans(villages: dict[str, Village], seed: int, today=None) -> dict:
    rng = Random(f"plans-{seed}")
    last = TARGET_YEARS[-1] if today is None else max(TARGET_YEARS[-1], today.year)
    years = range(TARGET_YEARS[0], last + 1)
    village_of_cell = {}
    for v in sorted(villages.values(), key=lambda v: v.code):
        if v.cell_id is not None:
            village_of_cell.setdefault(v.cell_id, v)
    targets = Target.objects.filter(
        cell_id__in=list(village_of_cell), year__in=years, withdrawn_at__isnull=True
    ).order_by("cell_id", "year", "order")
    by_cell_year: dict[tuple[int, int], list[Target]] = {}
    for t in targets:
        by_cell_year.setdefault((t.cell_id, t.year), []).append(t)
    plans = []
    later = {year: Random(f"plans-{seed}-{year}") for year in years if year > TARGET_YEARS[-1]}
    for (cell_id, year), _rows in sorted(by_cell_year.items()):
        r = later.get(year, rng)
        decided = datetime.datetime(year, 2, r.randint(5, 25), 9, 0, tzinfo=TZ)
        waiting = year in (TARGET_YEARS[-1], last) and r.random() < WAITING_SHARE
        plans.append(
            VillagePlan(
                village=village_of_cell[cell_id],
                year=year,
                status=VillagePlan.Status.SUBMITTED if waiting else VillagePlan.Status.APPROVED,
                text=f"Kế hoạch phát triển kinh tế – xã hội năm {year} của bản.",
                submitted_at=decided - datetime.timedelta(days=r.randint(3, 12)),
                decided_at=None if waiting else decided,
            )
        )
    plans = VillagePlan.objects.bulk_create(plans, batch_size=1000)
    plan_of = {(p.village_id, p.year): p for p in plans}
    items = {year: _items_of(year) for year in years}
    links = insert(
        PlanTarget,
        ("plan", "target", "criteria_item"),
        (
            (plan_of[(village_of_cell[cell_id].pk, year)].pk, t.pk, _pk(items[year], t.name))
            for (cell_id, year), rows in by_cell_year.items()
            for t in rows
        ),
    )
    return {"plans": len(plans), "plan_targets": links}


def _pk(items: dict[tuple[str, str], CriteriaItem], name: str) -> int | None:
    """The criteria item the target `name` serves, if one does."""
    item = items.get(SERVES.get(name))
    return item.pk if item is not None else None
