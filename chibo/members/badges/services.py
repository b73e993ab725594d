"""Writes of badges and interruptions: one transaction, the actor, an audit event."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.accounts import notifications
from chibo.core import audit
from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text

from ..models import BadgeAward, Member, PartyInterruption, Status
from .ages import reaches
from .selectors import reminder_key, rule_on


def _gaps(member):
    return list(PartyInterruption.objects.filter(member=member).values_list("start", "end"))


@transaction.atomic
def badge_award(
    *,
    member: Member,
    years: int,
    awarded_on: datetime.date,
    actor,
    decided_by: str = "",
    decision_number: str = "",
    note: str = "",
) -> BadgeAward:
    """Record that `member` was awarded the badge of `years` of party age on `awarded_on`."""
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if awarded_on > today():
        raise ValidationError({"awarded_on": _("Ngày trao tặng không được sau hôm nay.")})
    rule = rule_on(awarded_on)
    if rule is None or years not in rule.years:
        raise ValidationError({"years": _("Không có huy hiệu %(y)s năm tuổi Đảng.") % {"y": years}})
    if locked.status == Status.REMOVED:
        raise ValidationError(_("Đảng viên đã bị xóa tên hoặc khai trừ."))
    reached = reaches(locked.admission_date, years, _gaps(locked))
    if reached > awarded_on:
        raise ValidationError(
            {
                "awarded_on": _("Đến %(d)s mới đủ %(y)s năm tuổi Đảng.")
                % {"d": day_text(reached), "y": years}
            }
        )
    if BadgeAward.objects.filter(member=locked, years=years).exists():
        raise ValidationError({"years": _("Đảng viên đã được trao huy hiệu này.")})
    award = BadgeAward.objects.create(
        member=locked,
        years=years,
        awarded_on=awarded_on,
        decided_by=decided_by.strip(),
        decision_number=decision_number.strip(),
        note=note,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=award,
        changes=audit.snapshot(award, ["member", "years", "awarded_on", "decision_number"]),
    )
    # Done: the reminders of this badge (and of any smaller one it passes over) are settled.
    for y in rule.years:
        if y <= years:
            notifications.settle(key=reminder_key(locked.pk, y))
    return award


@transaction.atomic
def interruption_record(
    *, member: Member, start: datetime.date, end: datetime.date, actor, note: str = ""
) -> PartyInterruption:
    """Record a time the member was out of the Party (it does not count toward party age)."""
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if end <= start:
        raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    if start < locked.admission_date or end > today():
        raise ValidationError({"start": _("Thời gian gián đoạn phải sau ngày vào Đảng.")})
    if PartyInterruption.objects.filter(member=locked, start__lt=end, end__gt=start).exists():
        raise ValidationError({"start": _("Trùng với một thời gian gián đoạn đã ghi.")})
    row = PartyInterruption.objects.create(
        member=locked,
        start=start,
        end=end,
        note=note,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=row,
        changes=audit.snapshot(row, ["member", "start", "end"]),
        note=note,
    )
    return row
