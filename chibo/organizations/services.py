"""Writes to the organization tree. Every change is dated, kept in history and audited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.dated import end_dated_row
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text

from .models import Organization, OrganizationEvent, OrganizationPeriod, path_segment, subtree_q

KIND_RANK = {
    Organization.Kind.PROVINCE_COMMITTEE: 0,
    Organization.Kind.DISTRICT_COMMITTEE: 1,
    Organization.Kind.GRASSROOTS: 2,
    Organization.Kind.CELL: 3,
}


def _check_parent(kind, parent, cell_type=""):
    if parent is None:
        # A root may be a province or district committee, or a grassroots organization (a
        # commune committee directly under a province after 2025); never a cell.
        if kind == Organization.Kind.CELL:
            raise ValidationError(_("Chi bộ phải có tổ chức cấp trên."))
        return
    if parent.kind == Organization.Kind.CELL:
        raise ValidationError(_("Chi bộ không có tổ chức trực thuộc."))
    if KIND_RANK[kind] <= KIND_RANK[parent.kind]:
        raise ValidationError(_("Tổ chức cấp trên phải ở cấp cao hơn."))
    if parent.valid_to is not None:
        raise ValidationError(_("Tổ chức cấp trên đã hết hiệu lực."))
    if (
        kind == Organization.Kind.CELL
        and parent.is_upper_committee
        and cell_type != Organization.CellType.AGENCY
    ):
        # A cell directly under an upper committee is a grassroots cell (chi bộ cơ sở) of an
        # agency, a school, a health centre: village cells belong to a commune committee.
        raise ValidationError(
            _("Chi bộ trực thuộc đảng bộ tỉnh, huyện là chi bộ cơ sở của cơ quan, đơn vị.")
        )


def _open_period(org, on, actor=None):
    """The organization's period from `on`, as it now is. A period that began that very day
    (a second change the same day: a cell founded on the day of a reorganization, then moved
    under the new commune) is amended in place, audited: it never held a day as it was."""
    same_day = org.periods.filter(valid_from=on, valid_to__isnull=True).first()
    if same_day is not None:
        fields = ["name", "parent", "path"]
        before = audit.snapshot(same_day, fields)
        same_day.name, same_day.parent, same_day.path = org.name, org.parent, org.path
        same_day.save(update_fields=fields)
        audit.record(
            actor=actor,
            action=AuditEvent.Action.RESTRUCTURE,
            obj=same_day,
            changes=audit.diff(before, audit.snapshot(same_day, fields)),
            note=_("Thay đổi lần nữa trong ngày %(d)s") % {"d": day_text(on)},
        )
        return
    OrganizationPeriod.objects.create(
        organization=org, name=org.name, parent=org.parent, path=org.path, valid_from=on
    )


def _close_period(org, on, actor=None, *, same_day=False):
    """End the open period on `on`, before _open_period opens the next. With `same_day`
    (a rename or a re-parenting), a period that began on `on` is left for _open_period to
    amend; otherwise (a closing) a change on or before the period's start is refused."""
    period = (
        org.periods.select_for_update()
        .filter(valid_to__isnull=True)
        .order_by("-valid_from")
        .first()
    )
    if period is None:
        return
    if same_day and on == period.valid_from:
        return
    if on <= period.valid_from:
        raise ValidationError(
            _("Ngày thay đổi phải sau ngày %(d)s.") % {"d": day_text(period.valid_from)}
        )
    end_dated_row(row=period, on=on, actor=actor, field_end="valid_to")


@transaction.atomic
def org_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Organization | None,
    valid_from: datetime.date,
    actor,
    cell_type: str = "",
    grassroots_type: str = "",
    decision: str = "",
) -> Organization:
    _check_parent(kind, parent, cell_type)
    if kind == Organization.Kind.CELL and not cell_type:
        raise ValidationError(_("Chi bộ phải có loại (thôn, bản, tiểu khu hoặc cơ quan)."))
    if Organization.objects.filter(code=code).exists():
        raise ValidationError(_("Mã %(code)s đã được dùng.") % {"code": code})
    org = Organization(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        cell_type=cell_type,
        grassroots_type=grassroots_type,
        valid_from=valid_from,
        path="",
        depth=(parent.depth + 1) if parent else 0,
    )
    org.full_clean(exclude=["path"])
    org.save()
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.save(update_fields=["path"])
    _open_period(org, valid_from)
    ev = OrganizationEvent.objects.create(
        kind=OrganizationEvent.Kind.FOUNDED,
        on=valid_from,
        organization=org,
        actor=actor,
        decision=decision,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=org,
        changes=audit.snapshot(org),
        note=str(ev),
    )
    return org


@transaction.atomic
def org_rename(*, org: Organization, name: str, on: datetime.date, actor, decision: str = ""):
    org = Organization.objects.select_for_update().get(pk=org.pk)
    old = org.name
    if not name.strip() or name == old:
        raise ValidationError(_("Tên mới phải khác tên cũ."))
    _close_period(org, on, actor, same_day=True)
    org.name = name
    org.save(update_fields=["name", "updated_at"])
    _open_period(org, on, actor)
    OrganizationEvent.objects.create(
        kind=OrganizationEvent.Kind.RENAMED,
        on=on,
        organization=org,
        actor=actor,
        note=f"{old} → {name}",
        decision=decision,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.RESTRUCTURE,
        obj=org,
        changes={"name": [old, name]},
        note=_("Đổi tên từ %(d)s") % {"d": day_text(on)},
    )
    return org


def _repath_subtree(org: Organization, new_parent: Organization, on: datetime.date, actor=None):
    old_prefix = org.path
    new_prefix = new_parent.path + path_segment(org.pk)
    depth_shift = new_parent.depth + 1 - org.depth
    subtree = list(
        Organization.objects.filter(subtree_q(old_prefix), valid_to__isnull=True).order_by("path")
    )
    for node in subtree:
        _close_period(node, on, actor, same_day=True)
        if node.pk == org.pk:
            node.parent = new_parent
        node.path = new_prefix + node.path[len(old_prefix) :]
        node.depth += depth_shift
        node.save(update_fields=["parent", "path", "depth", "updated_at"])
        _open_period(node, on, actor)


@transaction.atomic
def org_reparent(
    *, org: Organization, new_parent: Organization, on: datetime.date, actor, decision: str = ""
):
    org = Organization.objects.select_for_update().get(pk=org.pk)
    if new_parent.path.startswith(org.path):
        raise ValidationError(_("Không thể chuyển một tổ chức vào chính cây con của nó."))
    _check_parent(org.kind, new_parent, org.cell_type)
    old_parent = org.parent
    _repath_subtree(org, new_parent, on, actor)
    ev = OrganizationEvent.objects.create(
        kind=OrganizationEvent.Kind.REPARENTED,
        on=on,
        organization=org,
        actor=actor,
        decision=decision,
        note=f"{old_parent} → {new_parent}",
    )
    ev.related.add(new_parent)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.RESTRUCTURE,
        obj=org,
        changes={"parent": [old_parent.pk if old_parent else None, new_parent.pk]},
        note=str(ev),
    )
    return org


@transaction.atomic
def org_close(
    *,
    org: Organization,
    on: datetime.date,
    actor,
    kind=OrganizationEvent.Kind.DISSOLVED,
    note: str = "",
    decision: str = "",
):
    """End an organization's validity (dissolution, or the source side of a merge)."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    if org.valid_to is not None:
        raise ValidationError(_("Tổ chức này đã hết hiệu lực."))
    if Organization.objects.filter(parent=org, valid_to__isnull=True).exists():
        raise ValidationError(_("Còn tổ chức trực thuộc đang hoạt động; hãy chuyển chúng trước."))
    _close_period(org, on, actor)
    ev = OrganizationEvent.objects.create(
        kind=kind, on=on, organization=org, actor=actor, note=note, decision=decision
    )
    end_dated_row(
        row=org,
        on=on,
        actor=actor,
        field_end="valid_to",
        action=AuditEvent.Action.RESTRUCTURE,
        note=str(ev),
    )
    return ev
