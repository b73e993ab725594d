"""Writes of the annual rating: the rating sets, a cell's self-rating and the upper level's
decision, a member's rating. Each runs in one transaction with its audit event; a refusal is a
ValidationError in Vietnamese and writes nothing."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.dated import end_dated_row, set_to_replace
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text

from .models import CellRating, MemberRating, RatingLevel, RatingSet, year_end


def set_in_force(year: int) -> RatingSet:
    """The set that rates `year` (in force on 31/12); refused when none is."""
    found = RatingSet.objects.in_force(year_end(year)).first()
    if found is None:
        raise ValidationError(
            {"year": _("Chưa có bộ tiêu chuẩn xếp loại áp dụng cho năm %(y)s.") % {"y": year}}
        )
    return found


def level_for(rating_set: RatingSet, points: Decimal) -> RatingLevel:
    """The level `points` reach in `rating_set`: the highest whose threshold they meet."""
    levels = sorted(rating_set.levels.all(), key=lambda lv: lv.min_points, reverse=True)
    for level in levels:
        if points >= level.min_points:
            return level
    return levels[-1]


@transaction.atomic
def set_create(
    *,
    name: str,
    reference: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    top_quota_percent: Decimal,
    levels: list[tuple[str, str, Decimal]],
    actor,
    replace: bool = False,
) -> RatingSet:
    """A new rating set; `levels` is (code, name, min_points) from the top level down, the last
    one's threshold 0. With `replace`, the running set (no end, started before the new one) is
    ended on `valid_from` (core.dated.end_dated_row; its ratings keep it); any other set sharing
    a day with the new one is refused, naming it, and nothing is written."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Hãy ghi tên bộ tiêu chuẩn.")})
    if valid_to is not None and valid_to <= valid_from:
        raise ValidationError({"valid_to": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    codes = [c for c, _n, _m in levels]
    if any(not c or not n for c, n, _m in levels) or len(set(codes)) != len(codes):
        raise ValidationError(_("Mỗi mức cần một mã riêng và một tên."))
    if not levels or levels[-1][2] != 0:
        raise ValidationError(_("Mức thấp nhất phải bắt đầu từ 0 điểm."))
    mins = [Decimal(m) for _c, _n, m in levels]
    if any(m < 0 or m > 100 for m in mins) or mins != sorted(set(mins), reverse=True):
        raise ValidationError(_("Ngưỡng điểm các mức phải giảm dần, trong khoảng 0–100."))
    if not 0 <= top_quota_percent <= 100:
        raise ValidationError({"top_quota_percent": _("Tỉ lệ phải từ 0 đến 100.")})

    def clash_message(clash, may_replace):
        message = _("Trùng thời gian với bộ tiêu chuẩn “%(n)s” (từ %(d)s đến %(t)s).") % {
            "n": clash.name,
            "d": day_text(clash.valid_from),
            "t": day_text(clash.valid_to),
        }
        if may_replace:
            message += " " + _(
                "Chọn “Thay thế bộ đang áp dụng” để bộ mới thay bộ cũ từ ngày bắt đầu của nó."
            )
        return message

    replaced = set_to_replace(
        RatingSet.objects.all(), valid_from, valid_to, replace=replace, clash_message=clash_message
    )
    if replaced is not None:
        end_dated_row(
            row=replaced,
            on=valid_from,
            actor=actor,
            field_end="valid_to",
            note=_("Thay bằng bộ tiêu chuẩn “%(n)s”") % {"n": name},
        )
    row = RatingSet.objects.create(
        name=name,
        reference=reference,
        valid_from=valid_from,
        valid_to=valid_to,
        top_quota_percent=top_quota_percent,
    )
    RatingLevel.objects.bulk_create(
        RatingLevel(rating_set=row, code=code, name=label, rank=i, min_points=m)
        for i, ((code, label, _m), m) in enumerate(zip(levels, mins, strict=True), start=1)
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=row,
        changes={
            **audit.snapshot(
                row, ["name", "reference", "valid_from", "valid_to", "top_quota_percent"]
            ),
            "levels": [[c, n, str(m)] for c, n, m in levels],
        },
    )
    return row


def _points(points) -> Decimal:
    if points is None or not Decimal(0) <= Decimal(points) <= Decimal(100):
        raise ValidationError({"points": _("Điểm phải trong khoảng 0–100.")})
    return Decimal(points)


@transaction.atomic
def cell_self_rate(*, cell, year: int, points, on: datetime.date, actor) -> CellRating:
    """The cell's self-rating for `year`: its points and the level they reach in the set in
    force at the year's end. One a year: a second is refused."""
    if not cell.is_cell:
        raise ValidationError(_("Chỉ chi bộ tự đánh giá, xếp loại."))
    points = _points(points)
    if CellRating.objects.select_for_update().filter(cell=cell, year=year).exists():
        raise ValidationError(
            {"year": _("Chi bộ đã tự đánh giá, xếp loại năm %(y)s.") % {"y": year}}
        )
    if on.year < year:
        raise ValidationError({"on": _("Chỉ tự đánh giá sau khi năm đánh giá bắt đầu.")})
    rating_set = set_in_force(year)
    row = CellRating.objects.create(
        cell=cell,
        year=year,
        rating_set=rating_set,
        points=points,
        proposed_level=level_for(rating_set, points),
        self_rated_on=on,
        actor=actor,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=row,
        changes={"points": str(points), "proposed_level": row.proposed_level.code},
    )
    return row


def _level_of(rating_set, level) -> RatingLevel:
    if level is None or level.rating_set_id != rating_set.pk:
        raise ValidationError({"level": _("Mức xếp loại không thuộc bộ tiêu chuẩn của năm.")})
    return level


@transaction.atomic
def cell_decide(
    *, cell, year: int, level, decision_number: str, decision_date: datetime.date, actor
) -> CellRating:
    """The upper level's decision on the cell's rating for `year`: refused before the cell's
    self-rating, and once decided (a decision is not rewritten here)."""
    row = CellRating.objects.select_for_update().filter(cell=cell, year=year).first()
    if row is None:
        raise ValidationError(
            _("Chi bộ chưa tự đánh giá, xếp loại năm %(y)s: chưa thể quyết định.") % {"y": year}
        )
    if row.decided_level_id is not None:
        raise ValidationError(_("Cấp trên đã quyết định xếp loại năm %(y)s.") % {"y": year})
    if not decision_number.strip():
        raise ValidationError({"decision_number": _("Cần số quyết định.")})
    if decision_date < row.self_rated_on:
        raise ValidationError(
            {
                "decision_date": _("Ngày quyết định phải từ ngày chi bộ tự đánh giá (%(d)s).")
                % {"d": day_text(row.self_rated_on)}
            }
        )
    row.decided_level = _level_of(row.rating_set, level)
    row.decision_number = decision_number.strip()
    row.decision_date = decision_date
    row.save(update_fields=["decided_level", "decision_number", "decision_date", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=row,
        changes={
            "decided_level": [None, row.decided_level.code],
            "decision_number": [None, row.decision_number],
            "decision_date": [None, decision_date.isoformat()],
        },
    )
    return row


@transaction.atomic
def member_rate(*, member, year: int, self_level, proposed_level, actor) -> MemberRating:
    """A member's rating for `year` in the member's cell: the member's own level and the cell's
    proposal (which may wait). One a year: a second is refused."""
    if MemberRating.objects.select_for_update().filter(member=member, year=year).exists():
        raise ValidationError(
            {"year": _("Đảng viên đã được đánh giá, xếp loại năm %(y)s.") % {"y": year}}
        )
    rating_set = set_in_force(year)
    row = MemberRating.objects.create(
        member=member,
        cell=member.cell,
        year=year,
        rating_set=rating_set,
        self_level=_level_of(rating_set, self_level),
        proposed_level=_level_of(rating_set, proposed_level) if proposed_level else None,
        actor=actor,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=row,
        changes={
            "self_level": self_level.code,
            "proposed_level": proposed_level.code if proposed_level else None,
        },
    )
    return row


@transaction.atomic
def member_decide(
    *, rating: MemberRating, level, decision_number: str, decision_date: datetime.date, actor
) -> MemberRating:
    """The decision on a member's rating: refused before the cell's proposal, and once
    decided."""
    row = MemberRating.objects.select_for_update().get(pk=rating.pk)
    if row.proposed_level_id is None:
        raise ValidationError(_("Chi bộ chưa đề xuất mức xếp loại: chưa thể quyết định."))
    if row.decided_level_id is not None:
        raise ValidationError(_("Đã có quyết định xếp loại năm %(y)s.") % {"y": row.year})
    if not decision_number.strip():
        raise ValidationError({"decision_number": _("Cần số quyết định.")})
    row.decided_level = _level_of(row.rating_set, level)
    row.decision_number = decision_number.strip()
    row.decision_date = decision_date
    row.save(update_fields=["decided_level", "decision_number", "decision_date", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=row,
        changes={"decided_level": [None, row.decided_level.code]},
    )
    return row
