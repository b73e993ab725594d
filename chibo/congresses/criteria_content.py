"""What a congress document says of the criteria: the village(s) the cell serves, their result on
each item of the village criteria sets (new rural area, model village) in the last year recorded
before the congress, met and not yet met, each set met or not, and the district's policies in
force on the congress day with the village's result on them. Read from chibo.criteria: the
statuses as they were judged, the sets as they were in force (a new set rewrites nothing).
Six queries whatever the number of villages and items."""

import datetime

from django.db.models import Prefetch

from chibo.core.dated import in_force_q, overlap_q
from chibo.core.vn import format_decimal, format_int
from chibo.criteria.models import CriteriaItem, CriteriaSet, VillageCriterionStatus
from chibo.criteria.services import year_bounds
from chibo.organizations.models import Village, VillageCellLink

VILLAGE_KINDS = (CriteriaSet.Kind.VILLAGE_NTM, CriteriaSet.Kind.VILLAGE_MODEL)
POLICY_KINDS = (CriteriaSet.Kind.DISTRICT_POLICIES,)
ITEM_FIELDS = ("ban", "bo", "ma", "ten", "gia_tri", "don_vi", "nguong")


def _items_prefetch():
    return Prefetch("items", queryset=CriteriaItem.objects.order_by("order", "id"))


def _villages(cell_id: int, on: datetime.date) -> list[Village]:
    links = VillageCellLink.objects.filter(in_force_q(on), cell_id=cell_id)
    return list(Village.objects.filter(pk__in=links.values("village_id")).order_by("name", "id"))


def _year(villages: list[Village], on: datetime.date) -> int | None:
    """The year the documents report: the last one before the congress's year with a result
    recorded, else the congress's own year if it has one."""
    years = set(
        VillageCriterionStatus.objects.filter(village__in=villages, year__lte=on.year)
        .values_list("year", flat=True)
        .distinct()
    )
    before = [y for y in years if y < on.year]
    if before:
        return max(before)
    return on.year if on.year in years else None


def _item(village: Village, item: CriteriaItem, status) -> dict:
    return {
        "ban": village.name,
        "bo": item.criteria_set.name,
        "ma": item.code,
        "ten": item.name,
        "gia_tri": format_decimal(status.value, 2) if status else "",
        "don_vi": item.unit,
        "nguong": item.threshold_text,
    }


def criteria_context(cell_id: int, on: datetime.date) -> dict:
    """The criteria placeholders (placeholders.FIELDS) for the cell's congress held on `on`."""
    villages = _villages(cell_id, on)
    year = _year(villages, on) if villages else None
    policy_sets = list(
        CriteriaSet.objects.filter(in_force_q(on, "valid_from", "valid_to"), kind__in=POLICY_KINDS)
        .prefetch_related(_items_prefetch())
        .order_by("valid_from", "id")
    )
    sets = []
    found = {}
    if year is not None:
        start, end = year_bounds(year)
        sets = list(
            CriteriaSet.objects.filter(
                overlap_q(start, end, "valid_from", "valid_to"), kind__in=VILLAGE_KINDS
            )
            .prefetch_related(_items_prefetch())
            .order_by("kind", "valid_from", "id")
        )
        found = {
            (s.village_id, s.item_id): s
            for s in VillageCriterionStatus.objects.filter(village__in=villages, year=year)
        }
    met, not_met, standing = [], [], []
    for village in villages:
        for criteria_set in sets:
            items = list(criteria_set.items.all())
            n_met = 0
            for item in items:
                item.criteria_set = criteria_set
                status = found.get((village.pk, item.pk))
                if status is not None and status.met:
                    n_met += 1
                    met.append(_item(village, item, status))
                else:
                    not_met.append(_item(village, item, status))
            standing.append(
                {
                    "ban": village.name,
                    "ten": criteria_set.name,
                    "so_dat": format_int(n_met),
                    "so_tieu_chi": format_int(len(items)),
                    "danh_gia": "Đạt chuẩn" if items and n_met == len(items) else "Chưa đạt chuẩn",
                }
            )
    policies = []
    for criteria_set in policy_sets:
        for item in criteria_set.items.all():
            for village in villages:
                status = found.get((village.pk, item.pk))
                policies.append(
                    {
                        "ban": village.name,
                        "ma": item.code,
                        "ten": item.name,
                        "don_vi": item.unit,
                        "nguong": item.threshold_text,
                        "ket_qua": format_decimal(status.value, 2) if status else "",
                        "danh_gia": (
                            "" if status is None else ("Đạt" if status.met else "Chưa đạt")
                        ),
                    }
                )
    return {
        "ban": ", ".join(v.name for v in villages),
        "nam_tieu_chi": str(year) if year is not None else "",
        "bo_tieu_chi": standing,
        "tieu_chi_dat": met,
        "tieu_chi_chua_dat": not_met,
        "so_tieu_chi_dat": format_int(len(met)),
        "so_tieu_chi_chua_dat": format_int(len(not_met)),
        "chu_truong": policies,
        "chu_truong_van_ban": "; ".join(
            f"{s.name} ({s.decision})" if s.decision else s.name for s in policy_sets
        ),
        "so_chu_truong": format_int(sum(len(s.items.all()) for s in policy_sets)),
    }
