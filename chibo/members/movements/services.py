"""Movements of a member: transfers (official or temporary), exemption, death, removal from the
rolls and expulsion. Each is a dated StatusChange (or a dated TemporaryStay) with its
documents; none is edited or deleted afterwards: it is undone by a later dated event.

Every function runs in one transaction, takes the acting user, writes an audit event and
refuses bad input (ValidationError, in Vietnamese) before writing anything.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.dated import end_dated_row
from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.organizations.models import Organization

from .. import counts
from ..checks import check_after_last_change, check_cell_on
from ..models import IN_CELL_STATUSES, Member, Membership, Status, StatusChange, TemporaryStay

Kind = StatusChange.Kind


def _lock(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("cell").get(pk=member.pk)


def _check_day(locked: Member, on: datetime.date):
    if on > today():
        raise ValidationError({"on": _("Ngày không được sau hôm nay.")})
    if on < locked.admission_date:
        raise ValidationError(
            {
                "on": _("Ngày không được trước ngày vào Đảng (%(d)s).")
                % {"d": day_text(locked.admission_date)}
            }
        )
    check_after_last_change(locked, on)


def _require(**values):
    missing = {name: _("Trường này là bắt buộc.") for name, value in values.items() if not value}
    if missing:
        raise ValidationError(missing)


def _check_status(locked: Member, allowed, message):
    if locked.status not in allowed:
        raise ValidationError(message % {"status": locked.get_status_display()})


def _leave_cell(locked: Member, on: datetime.date, actor, note: str):
    current = Membership.objects.select_for_update().filter(member=locked, end__isnull=True).first()
    if current is None:
        return
    if on <= current.start:
        raise ValidationError(
            {
                "on": _("Ngày phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại (%(d)s).")
                % {"d": day_text(current.start)}
            }
        )
    end_dated_row(row=current, on=on, actor=actor, note=note, error_field="on")


def _open_cell(locked: Member, cell: Organization, on: datetime.date, letter_number: str, note):
    check_cell_on(cell, on)
    last = locked.memberships.order_by("-start").first()
    if last is not None and (last.end is None or on < last.end):
        raise ValidationError(
            {"on": _("Ngày phải sau ngày rời chi bộ trước (%(d)s).") % {"d": day_text(last.end)}}
        )
    Membership.objects.create(
        member=locked,
        cell=cell,
        start=on,
        reason=Membership.Reason.TRANSFER_IN,
        letter_number=letter_number,
        note=note[:200],
    )


def _record(locked: Member, *, status, kind, on, actor, note="", **fields) -> StatusChange:
    change = StatusChange.objects.create(
        member=locked,
        status=status,
        previous=locked.status,
        kind=kind,
        on=on,
        note=note,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        **fields,
    )
    old = locked.status
    locked.status = status
    locked.status_since = on
    locked.save(update_fields=["status", "status_since", "cell", "updated_at"])
    # The member's cell (a transfer in sets a new one: they were counted in none before).
    counts.refresh([locked.cell_id])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.STATUS,
        obj=locked,
        changes={
            "status": [old, status],
            "kind": [None, kind],
            "on": [None, on.isoformat()],
            **{
                k: [None, v.isoformat() if hasattr(v, "isoformat") else v]
                for k, v in fields.items()
                if v
            },
        },
        note=note,
    )
    return change


IN_CELL = _("Đảng viên đang ở trạng thái %(status)s.")


@transaction.atomic
def member_exempt(
    *,
    member: Member,
    on: datetime.date,
    reason: str,
    actor,
    until: datetime.date | None = None,
    decided_by: str = "",
    decision_number: str = "",
    note: str = "",
) -> StatusChange:
    """Exempt an active member from activities (miễn sinh hoạt) from `on`, for `reason`, until
    `until` if the decision says; the member stays on the cell's roll."""
    locked = _lock(member)
    _check_status(locked, (Status.ACTIVE,), IN_CELL)
    _require(reason=reason.strip())
    _check_day(locked, on)
    if until is not None and until <= on:
        raise ValidationError({"until": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    return _record(
        locked,
        status=Status.EXEMPT,
        kind=Kind.EXEMPTION,
        on=on,
        actor=actor,
        note=note,
        reason=reason.strip(),
        until=until,
        decided_by=decided_by,
        decision_number=decision_number,
    )


@transaction.atomic
def member_end_exemption(
    *, member: Member, on: datetime.date, actor, note: str = ""
) -> StatusChange:
    """An exempt member takes part in activities again from `on`."""
    locked = _lock(member)
    _check_status(locked, (Status.EXEMPT,), IN_CELL)
    _check_day(locked, on)
    return _record(locked, status=Status.ACTIVE, kind=Kind.RETURN, on=on, actor=actor, note=note)


@transaction.atomic
def member_transfer_out(
    *,
    member: Member,
    on: datetime.date,
    letter_number: str,
    place: str,
    actor,
    note: str = "",
) -> StatusChange:
    """Official transfer to a Party organization outside chibo's tree, with the introduction
    letter: the membership ends on `on` and the member is no longer counted here."""
    locked = _lock(member)
    _check_status(locked, IN_CELL_STATUSES, IN_CELL)
    _require(letter_number=letter_number.strip(), place=place.strip())
    _check_day(locked, on)
    _leave_cell(locked, on, actor, note or place)
    return _record(
        locked,
        status=Status.TRANSFERRED_OUT,
        kind=Kind.TRANSFER_OUT,
        on=on,
        actor=actor,
        note=note,
        letter_number=letter_number.strip(),
        place=place.strip(),
    )


@transaction.atomic
def member_transfer_in(
    *,
    member: Member,
    to_cell: Organization,
    on: datetime.date,
    letter_number: str,
    place: str,
    actor,
    note: str = "",
) -> StatusChange:
    """A member who had transferred out comes back (official transfer in, with the letter of
    the organization they come from): a membership opens in `to_cell` on `on`. A member new
    to chibo is added with the member form, reason "chuyển đến"."""
    locked = _lock(member)
    _check_status(
        locked,
        (Status.TRANSFERRED_OUT,),
        _("Chỉ nhận chuyển đến đảng viên đã chuyển đi (%(status)s)."),
    )
    _require(letter_number=letter_number.strip(), place=place.strip())
    _check_day(locked, on)
    _open_cell(locked, to_cell, on, letter_number.strip(), place.strip())
    locked.cell = to_cell
    return _record(
        locked,
        status=Status.ACTIVE,
        kind=Kind.TRANSFER_IN,
        on=on,
        actor=actor,
        note=note,
        letter_number=letter_number.strip(),
        place=place.strip(),
    )


@transaction.atomic
def member_transfer_within(
    *,
    member: Member,
    to_cell: Organization,
    on: datetime.date,
    letter_number: str,
    actor,
    note: str = "",
) -> Membership:
    """Official transfer to another cell of the tree: members.services.member_transfer, with
    the introduction letter kept on the new membership."""
    from .. import services

    _require(letter_number=letter_number.strip())
    if on > today():
        raise ValidationError({"on": _("Ngày không được sau hôm nay.")})
    new = services.member_transfer(member=member, to_cell=to_cell, on=on, actor=actor, note=note)
    new.letter_number = letter_number.strip()
    new.save(update_fields=["letter_number"])
    return new


@transaction.atomic
def member_temporary_start(
    *,
    member: Member,
    on: datetime.date,
    letter_number: str,
    actor,
    host_cell: Organization | None = None,
    host_name: str = "",
    note: str = "",
) -> TemporaryStay:
    """Temporary activity elsewhere (sinh hoạt tạm thời) from `on`: the member stays on the
    home cell's roll, counted there; the stay is listed on the member's record."""
    locked = _lock(member)
    _check_status(locked, (Status.ACTIVE,), IN_CELL)
    _require(letter_number=letter_number.strip())
    if host_cell is None and not host_name.strip():
        raise ValidationError({"host_name": _("Hãy chọn chi bộ hoặc ghi nơi sinh hoạt tạm thời.")})
    if on > today():
        raise ValidationError({"on": _("Ngày không được sau hôm nay.")})
    if host_cell is not None:
        check_cell_on(host_cell, on, field="host_cell")
        if host_cell.pk == locked.cell_id:
            raise ValidationError({"host_cell": _("Đảng viên đang sinh hoạt ở chi bộ này.")})
    current = locked.memberships.filter(end__isnull=True).first()
    if current is None or on < current.start:
        raise ValidationError({"on": _("Ngày phải trong thời gian sinh hoạt ở chi bộ hiện tại.")})
    if TemporaryStay.objects.select_for_update().filter(member=locked, end__isnull=True).exists():
        raise ValidationError(_("Đảng viên đang sinh hoạt tạm thời ở nơi khác."))
    last = TemporaryStay.objects.filter(member=locked).order_by("-start").first()
    if last is not None and on < last.end:
        raise ValidationError({"on": _("Ngày phải sau lần sinh hoạt tạm thời trước.")})
    stay = TemporaryStay.objects.create(
        member=locked,
        host_cell=host_cell,
        host_name="" if host_cell is not None else host_name.strip(),
        start=on,
        letter_number=letter_number.strip(),
        note=note,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.TRANSFER,
        obj=locked,
        changes={"temporary": [None, stay.host], "on": [None, on.isoformat()]},
        note=_("Sinh hoạt tạm thời"),
    )
    return stay


@transaction.atomic
def member_temporary_end(
    *, member: Member, on: datetime.date, actor, note: str = ""
) -> TemporaryStay:
    """The member's temporary activity elsewhere ends on `on` (the day they are back)."""
    locked = _lock(member)
    stay = TemporaryStay.objects.select_for_update().filter(member=locked, end__isnull=True).first()
    if stay is None:
        raise ValidationError(_("Đảng viên không sinh hoạt tạm thời ở nơi khác."))
    if on > today():
        raise ValidationError({"on": _("Ngày không được sau hôm nay.")})
    return end_dated_row(row=stay, on=on, actor=actor, note=note, error_field="on")


@transaction.atomic
def member_record_death(
    *, member: Member, on: datetime.date, actor, note: str = ""
) -> StatusChange:
    """The member died on `on`: the membership and any temporary stay end, the record stays,
    with its history (members.services.member_change_status, the one home of a death)."""
    from .. import services

    locked = _lock(member)
    _check_status(locked, IN_CELL_STATUSES, IN_CELL)
    _check_day(locked, on)
    return services.member_change_status(
        member=locked, status=Status.DECEASED, on=on, actor=actor, note=note
    )


@transaction.atomic
def member_remove(
    *,
    member: Member,
    on: datetime.date,
    kind: str,
    decided_by: str,
    decision_number: str,
    actor,
    reason: str = "",
    note: str = "",
) -> StatusChange:
    """Removal from the rolls (xóa tên) or expulsion (khai trừ) on `on`, by the decision of
    `decided_by` number `decision_number`: the membership ends, the record stays."""
    if kind not in (Kind.REMOVAL, Kind.EXPULSION):
        raise ValidationError({"kind": _("Hãy chọn xóa tên hoặc khai trừ.")})
    locked = _lock(member)
    _check_status(locked, IN_CELL_STATUSES, IN_CELL)
    _require(decided_by=decided_by.strip(), decision_number=decision_number.strip())
    _check_day(locked, on)
    _leave_cell(locked, on, actor, note or decision_number)
    stay = TemporaryStay.objects.filter(member=locked, end__isnull=True)
    stay.filter(start__lt=on).update(end=on)
    return _record(
        locked,
        status=Status.REMOVED,
        kind=kind,
        on=on,
        actor=actor,
        note=note,
        reason=reason.strip(),
        decided_by=decided_by.strip(),
        decision_number=decision_number.strip(),
    )


@transaction.atomic
def member_reinstate(
    *,
    member: Member,
    on: datetime.date,
    decided_by: str,
    decision_number: str,
    actor,
    note: str = "",
) -> StatusChange:
    """A removal or expulsion annulled by a later decision (on a complaint): the member is back
    in the last cell from `on`. The time between counts as party age (the removal was void)."""
    locked = _lock(member)
    _check_status(
        locked,
        (Status.REMOVED,),
        _("Chỉ khôi phục đảng viên đã bị xóa tên hoặc khai trừ (%(status)s)."),
    )
    _require(decided_by=decided_by.strip(), decision_number=decision_number.strip())
    _check_day(locked, on)
    _open_cell(locked, locked.cell, on, "", decision_number.strip())
    return _record(
        locked,
        status=Status.ACTIVE,
        kind=Kind.REINSTATEMENT,
        on=on,
        actor=actor,
        note=note,
        decided_by=decided_by.strip(),
        decision_number=decision_number.strip(),
    )
