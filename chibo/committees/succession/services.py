"""Writes to succession planning (quy hoạch). Each runs in a transaction, takes the acting user
and audits; a successor taken out of the plan keeps the row, with the date it was removed."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.members.models import IN_CELL_STATUSES, Member
from chibo.organizations.models import Organization

from .. import rules
from ..models import SuccessionPlan, Title

PLAN_FIELDS = ["organization", "term_name", "title", "member", "approved_on", "removed_on", "note"]


@transaction.atomic
def succession_plan_add(
    *,
    organization: Organization,
    term_name: str,
    title: str,
    member: Member,
    approved_on: datetime.date,
    note: str = "",
    actor,
) -> SuccessionPlan:
    """Plan `member` as a successor for `title` of `organization` in the term `term_name`."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    term_name = " ".join((term_name or "").split())
    if not term_name:
        raise ValidationError({"term_name": _("Hãy chọn nhiệm kỳ quy hoạch.")})
    if title not in Title.values or (org.is_cell and title not in rules.CELL_TITLES):
        raise ValidationError({"title": _("Tổ chức này không có chức danh này.")})
    if member.status not in IN_CELL_STATUSES:
        raise ValidationError(
            {"member": _("%(name)s không còn sinh hoạt đảng.") % {"name": member}}
        )
    if SuccessionPlan.objects.filter(
        organization=org, term_name=term_name, title=title, member=member, removed_on__isnull=True
    ).exists():
        raise ValidationError(
            {
                "member": _("%(name)s đã có trong quy hoạch chức danh này, nhiệm kỳ %(n)s.")
                % {"name": member, "n": term_name}
            }
        )
    plan = SuccessionPlan.objects.create(
        organization=org,
        term_name=term_name,
        title=title,
        member=member,
        approved_on=approved_on,
        note=note or "",
        actor=actor if (actor is not None and actor.is_authenticated) else None,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=plan,
        changes=audit.snapshot(plan, PLAN_FIELDS),
    )
    return plan


@transaction.atomic
def succession_plan_remove(
    *, plan: SuccessionPlan, on: datetime.date, actor, note: str = ""
) -> SuccessionPlan:
    """Take a successor out of the plan on `on`; the row stays, with `removed_on` set."""
    locked = SuccessionPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.removed_on is not None:
        raise ValidationError(
            {"on": _("Đã đưa ra khỏi quy hoạch ngày %(d)s.") % {"d": day_text(locked.removed_on)}}
        )
    if on < locked.approved_on:
        raise ValidationError(
            {
                "on": _("Ngày không được trước ngày phê duyệt (%(d)s).")
                % {"d": day_text(locked.approved_on)}
            }
        )
    locked.removed_on = on
    if note:
        locked.note = (f"{locked.note} · {note}" if locked.note else note)[:300]
    locked.save(update_fields=["removed_on", "note", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        changes={"removed_on": [None, on.isoformat()]},
        note=note,
    )
    return locked
