"""Writes to criteria: a set with its items (replacing the set of its kind in force), and a
village's values on the items in a year. Each runs in a transaction, takes the acting user and
audits in it."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.dated import end_dated_row, overlap_q, set_to_replace
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.organizations.models import Village

from .models import CriteriaItem, CriteriaSet, VillageCriterionStatus


@dataclass(frozen=True)
class ItemSpec:
    """One item of a set as entered: code, name, how it is measured, unit, compare, threshold."""

    code: str
    name: str
    unit: str
    threshold: Decimal | None
    measure: str = ""
    compare: str = CriteriaItem.Compare.AT_LEAST


def _clean(text) -> str:
    return " ".join((text or "").split())


def _check_items(items: list[ItemSpec]) -> list[ItemSpec]:
    if not items:
        raise ValidationError({"items": _("Bộ tiêu chí phải có ít nhất một tiêu chí.")})
    problems, seen, cleaned = [], set(), []
    for n, item in enumerate(items, start=1):
        code, name, unit = _clean(item.code), _clean(item.name), _clean(item.unit)
        if not code or not name:
            problems.append(_("Tiêu chí thứ %(n)s: hãy ghi mã và tên.") % {"n": n})
        if not unit:
            problems.append(_("Tiêu chí %(c)s: hãy ghi đơn vị tính.") % {"c": code or n})
        if item.threshold is None:
            problems.append(_("Tiêu chí %(c)s: hãy ghi ngưỡng đạt.") % {"c": code or n})
        if item.compare not in CriteriaItem.Compare.values:
            problems.append(_("Tiêu chí %(c)s: cách so với ngưỡng không hợp lệ.") % {"c": code})
        if code and code in seen:
            problems.append(_("Mã tiêu chí %(c)s bị trùng.") % {"c": code})
        seen.add(code)
        cleaned.append(
            ItemSpec(
                code=code,
                name=name,
                unit=unit,
                threshold=item.threshold,
                measure=_clean(item.measure),
                compare=item.compare,
            )
        )
    if problems:
        raise ValidationError({"items": problems})
    return cleaned


@transaction.atomic
def criteria_set_create(
    *,
    kind: str,
    name: str,
    valid_from: datetime.date,
    items: list[ItemSpec],
    actor,
    decision: str = "",
    valid_to: datetime.date | None = None,
    replace: bool = False,
) -> CriteriaSet:
    """Add a set of `kind` in force over [valid_from, valid_to) with its items.

    With `replace`, the set of the kind in force on `valid_from` that started before it and has
    no end is ended on `valid_from` (what was recorded against it stays). Any other set of the
    kind sharing a day with the new one is refused, naming it; nothing is written then."""
    name = _clean(name)
    if kind not in CriteriaSet.Kind.values:
        raise ValidationError({"kind": _("Loại bộ tiêu chí không hợp lệ.")})
    if not name:
        raise ValidationError({"name": _("Hãy ghi tên bộ tiêu chí.")})
    if valid_from is None:
        raise ValidationError({"valid_from": _("Hãy ghi ngày bắt đầu áp dụng.")})
    if valid_to is not None and valid_to <= valid_from:
        raise ValidationError({"valid_to": _("Ngày kết thúc phải sau ngày bắt đầu áp dụng.")})
    items = _check_items(items)

    def clash_message(other, may_replace):
        until = day_text(other.valid_to) if other.valid_to else _("nay")
        message = _(
            "Bộ tiêu chí “%(n)s” cùng loại đang áp dụng từ %(f)s đến %(t)s, trùng thời gian với "
            "bộ mới. Hai bộ cùng loại không được áp dụng cùng lúc."
        ) % {"n": other.name, "f": day_text(other.valid_from), "t": until}
        if may_replace:
            message += " " + _(
                "Chọn “Thay thế bộ cùng loại đang áp dụng” để bộ mới thay bộ cũ từ ngày này."
            )
        return message

    replaced = set_to_replace(
        CriteriaSet.objects.filter(kind=kind),
        valid_from,
        valid_to,
        replace=replace,
        clash_message=clash_message,
    )
    if replaced is not None:
        end_dated_row(
            row=replaced,
            on=valid_from,
            actor=actor,
            field_end="valid_to",
            note=_("Thay bằng bộ tiêu chí “%(n)s”") % {"n": name},
        )
    criteria_set = CriteriaSet.objects.create(
        kind=kind, name=name, decision=_clean(decision), valid_from=valid_from, valid_to=valid_to
    )
    CriteriaItem.objects.bulk_create(
        CriteriaItem(
            criteria_set=criteria_set,
            code=i.code,
            name=i.name,
            measure=i.measure,
            unit=i.unit,
            compare=i.compare,
            threshold=i.threshold,
            order=n,
        )
        for n, i in enumerate(items, start=1)
    )
    changes = audit.snapshot(criteria_set, ["kind", "name", "decision", "valid_from", "valid_to"])
    changes["items"] = [i.code for i in items]
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=criteria_set, changes=changes)
    return criteria_set


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """[1 January, next 1 January) of `year`."""
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


@transaction.atomic
def village_status_record(
    *,
    village: Village,
    year: int,
    values: dict[CriteriaItem, Decimal | None],
    actor,
) -> list[VillageCriterionStatus]:
    """Record `village`'s value on each item of `values` in `year` (None leaves an item as it
    is), judging met against the item's threshold. Every item must belong to a set in force
    during the year; a village that no longer exists that year is refused. Returns the rows
    written."""
    start, end = year_bounds(year)
    if village.valid_from >= end or (village.valid_to is not None and village.valid_to <= start):
        raise ValidationError(
            {"year": _("%(v)s không tồn tại trong năm %(y)s.") % {"v": village, "y": year}}
        )
    sets = {
        s.pk: s for s in CriteriaSet.objects.filter(overlap_q(start, end, "valid_from", "valid_to"))
    }
    problems = []
    for item, value in values.items():
        if item.criteria_set_id not in sets:
            problems.append(
                _("Tiêu chí %(c)s không thuộc bộ tiêu chí áp dụng năm %(y)s.")
                % {"c": item.code, "y": year}
            )
        elif value is not None and value < 0:
            problems.append(_("Tiêu chí %(c)s: giá trị không được âm.") % {"c": item.code})
    if problems:
        raise ValidationError({"year": problems})
    existing = {
        s.item_id: s
        for s in VillageCriterionStatus.objects.select_for_update().filter(
            village=village, year=year, item__in=[i for i, v in values.items() if v is not None]
        )
    }
    written, changes = [], {}
    for item, value in values.items():
        if value is None:
            continue
        met = item.meets(value)
        row = existing.get(item.pk)
        if row is None:
            row = VillageCriterionStatus.objects.create(
                village=village, item=item, year=year, value=value, met=met, recorded_by=actor
            )
            changes[item.code] = [None, str(value)]
        elif row.value != value:
            changes[item.code] = [str(row.value), str(value)]
            row.value, row.met, row.recorded_by = value, met, actor
            row.save(update_fields=["value", "met", "recorded_by", "recorded_at"])
        else:
            continue
        written.append(row)
    if changes:
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=village,
            changes=changes,
            note=_("Kết quả tiêu chí năm %(y)s") % {"y": year},
        )
    return written
