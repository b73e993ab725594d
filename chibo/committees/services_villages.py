"""Writes to village posts (concurrent roles). Each runs in a transaction, takes the acting user
and audits; the village row is locked so two entries for one post cannot both pass."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.models import AuditEvent
from chibo.members.models import IN_CELL_STATUSES, Member
from chibo.organizations.models import Village

from .models import ConcurrentRole
from .rules import day_text
from .selectors import overlapping

ROLE_FIELDS = ["village", "kind", "member", "person_name", "start", "end"]


@transaction.atomic
def concurrent_role_assign(
    *,
    village: Village,
    kind: str,
    start: datetime.date,
    member: Member | None = None,
    person_name: str = "",
    end: datetime.date | None = None,
    actor,
) -> ConcurrentRole:
    """Record who holds a village post from `start`: a member, or a person who is not one.

    One holder per post and village at a time; the village row is locked so two entries for the
    same post cannot both pass.
    """
    Village.objects.select_for_update().get(pk=village.pk)
    person_name = " ".join((person_name or "").split())
    if kind not in ConcurrentRole.Kind.values:
        raise ValidationError({"kind": _("Chức danh không hợp lệ.")})
    if (member is None) == (not person_name):
        raise ValidationError(
            {
                "member": _(
                    "Chọn một đảng viên, hoặc ghi họ tên người không phải đảng viên "
                    "(một trong hai)."
                )
            }
        )
    if end is not None and end <= start:
        raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    if member is not None and member.status not in IN_CELL_STATUSES:
        raise ValidationError(
            {"member": _("%(name)s không còn sinh hoạt đảng.") % {"name": member}}
        )
    other = (
        overlapping(ConcurrentRole.objects.filter(village=village, kind=kind), start, end)
        .select_related("member")
        .order_by("start")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "start": _(
                    "%(v)s đã có %(k)s %(name)s từ %(s)s đến %(e)s. Hãy kết thúc trước hoặc chọn "
                    "ngày khác."
                )
                % {
                    "v": village,
                    "k": other.get_kind_display().lower(),
                    "name": other.holder_name,
                    "s": day_text(other.start),
                    "e": day_text(other.end),
                }
            }
        )
    role = ConcurrentRole.objects.create(
        village=village, kind=kind, member=member, person_name=person_name, start=start, end=end
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=role,
        changes=audit.snapshot(role, ROLE_FIELDS),
    )
    return role


@transaction.atomic
def concurrent_role_end(*, role: ConcurrentRole, end: datetime.date, actor) -> ConcurrentRole:
    locked = (
        ConcurrentRole.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=role.pk)
    )
    if locked.end is not None and locked.end <= end:
        raise ValidationError(
            {"end": _("Chức danh này đã kết thúc ngày %(d)s.") % {"d": day_text(locked.end)}}
        )
    if end <= locked.start:
        raise ValidationError(
            {
                "end": _("Ngày kết thúc phải sau ngày bắt đầu (%(d)s).")
                % {"d": day_text(locked.start)}
            }
        )
    old = locked.end
    locked.end = end
    locked.save(update_fields=["end", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        changes={"end": [old.isoformat() if old else None, end.isoformat()]},
    )
    return locked
