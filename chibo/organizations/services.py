"""Writes to the organization tree. Every change is dated, kept in history and audited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.dated import end_dated_row
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text

from .models import (
    Organization,
    OrganizationEvent,
    OrganizationPeriod,
    path_segment,
    subtrees_q,
)

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


def _same_day_event(period, before, fields, on, actor):
    """The audit event of a period amended in place on `on` (see _open_period)."""
    return audit.event(
        actor=actor,
        action=AuditEvent.Action.RESTRUCTURE,
        obj=period,
        changes=audit.diff(before, audit.snapshot(period, fields)),
        note=_("Thay đổi lần nữa trong ngày %(d)s") % {"d": day_text(on)},
    )


def _open_period(org, on, actor=None, *, new=False):
    """The organization's period from `on`, as it now is. A period that began that very day
    (a second change the same day: a cell founded on the day of a reorganization, then moved
    under the new commune) is amended in place, audited: it never held a day as it was. A `new`
    organization has no period yet: none is looked for."""
    same_day = None if new else org.periods.filter(valid_from=on, valid_to__isnull=True).first()
    if same_day is not None:
        fields = ["name", "parent", "path"]
        before = audit.snapshot(same_day, fields)
        same_day.name, same_day.parent, same_day.path = org.name, org.parent, org.path
        same_day.save(update_fields=fields)
        _same_day_event(same_day, before, fields, on, actor).save()
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
    # The code's uniqueness, a cell's type and the parent (_check_parent, on the row the caller
    # read) were checked above and a new organization has no end yet (org_valid_interval):
    # full_clean would ask the database again, one query each.
    org.full_clean(exclude=["path", "parent"], validate_unique=False, validate_constraints=False)
    org.save()
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.save(update_fields=["path"])
    _open_period(org, valid_from, new=True)
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


class Reparented:
    """What re-parenting one organization (with its subtree) wrote, for the caller's records:
    `nodes` [(node, (parent_id, path, depth) before)] in path order, `periods` {node pk:
    (open period before or None, its (parent_id, path) before if it was amended in place (it
    began that day) or None, period opened or None)}, and the REPARENTED `event`."""

    def __init__(self, org):
        self.org = org
        self.nodes: list[tuple[Organization, tuple]] = []
        self.periods: dict[int, tuple] = {}
        self.event: OrganizationEvent | None = None


def _subtrees(roots: list[Organization]) -> list[Organization]:
    """The open organizations under `roots` (themselves included), locked, by path."""
    nodes = []
    for i in range(0, len(roots), 200):  # a bounded OR: one query for 200 subtrees
        q = subtrees_q(root.path for root in roots[i : i + 200])
        rows = Organization.objects.select_for_update().filter(q, valid_to__isnull=True)
        nodes += rows.order_by("path")
    return nodes


def _reparent_batch(moves, on, actor, decision) -> list[Reparented]:
    """org_reparent for `moves` [(org, new parent)] whose subtrees are disjoint and hold none
    of the new parents: the same checks, rows and audit events, in a few queries."""
    locked = Organization.objects.select_for_update().in_bulk([org.pk for org, _p in moves])
    moves = [(locked[org.pk], new_parent) for org, new_parent in moves]
    for org, new_parent in moves:
        if new_parent.path.startswith(org.path):
            raise ValidationError(_("Không thể chuyển một tổ chức vào chính cây con của nó."))
        _check_parent(org.kind, new_parent, org.cell_type)
    nodes = _subtrees([org for org, _p in moves])
    by_pk = {n.pk: n for n in nodes}
    moves = [(by_pk.get(org.pk, org), new_parent) for org, new_parent in moves]
    under = {org.path: [] for org, _p in moves}  # each moved org's subtree, by path
    for node in nodes:  # its root: the moved org whose path is one of its path's prefixes
        end = node.path.find("/")
        while end != -1 and (bucket := under.get(node.path[: end + 1])) is None:
            end = node.path.find("/", end + 1)
        if end != -1:
            bucket.append(node)
    open_periods = {}
    periods = OrganizationPeriod.objects.select_for_update().filter(
        organization_id__in=[n.pk for n in nodes], valid_to__isnull=True
    )
    for period in periods.order_by("valid_from", "id"):
        open_periods[period.organization_id] = period  # the latest start wins (_close_period)
    old_parents = Organization.objects.in_bulk({org.parent_id for org, _p in moves} - {None})
    now = timezone.now()
    done, audits, ended, amended, opened = [], [], [], [], []
    for org, new_parent in moves:
        rec = Reparented(org)
        old_parent = old_parents.get(org.parent_id)
        old_prefix, new_prefix = org.path, new_parent.path + path_segment(org.pk)
        depth_shift = new_parent.depth + 1 - org.depth
        for node in under[old_prefix]:
            rec.nodes.append((node, (node.parent_id, node.path, node.depth)))
            period = open_periods.get(node.pk)
            same_day = period is not None and period.valid_from == on
            if period is not None and not same_day:
                if on < period.valid_from:
                    raise ValidationError(
                        _("Ngày thay đổi phải sau ngày %(d)s.") % {"d": day_text(period.valid_from)}
                    )
                period.valid_to = on
                ended.append(period)
                audits.append(
                    audit.event(
                        actor=actor,
                        action=AuditEvent.Action.UPDATE,
                        obj=period,
                        changes={"valid_to": [None, on.isoformat()]},
                    )
                )  # as end_dated_row audits it
            if node.pk == org.pk:
                node.parent = new_parent
            node.path = new_prefix + node.path[len(old_prefix) :]
            node.depth += depth_shift
            node.updated_at = now
            if same_day:
                fields = ["name", "parent", "path"]
                before = audit.snapshot(period, fields)
                was = (period.parent_id, period.path)
                period.name, period.parent_id, period.path = node.name, node.parent_id, node.path
                amended.append(period)
                audits.append(_same_day_event(period, before, fields, on, actor))
                rec.periods[node.pk] = (period, was, None)
            else:
                new = OrganizationPeriod(
                    organization=node,
                    name=node.name,
                    parent_id=node.parent_id,
                    path=node.path,
                    valid_from=on,
                )
                opened.append(new)
                rec.periods[node.pk] = (period, None, new)
        rec.event = OrganizationEvent(
            kind=OrganizationEvent.Kind.REPARENTED,
            on=on,
            organization=org,
            actor=actor,
            decision=decision,
            note=f"{old_parent} → {new_parent}",
        )
        rec.new_parent = new_parent
        audits.append(
            audit.event(
                actor=actor,
                action=AuditEvent.Action.RESTRUCTURE,
                obj=org,
                changes={"parent": [old_parent.pk if old_parent else None, new_parent.pk]},
                note=str(rec.event),
            )
        )
        done.append(rec)
    if ended:
        OrganizationPeriod.objects.filter(pk__in=[p.pk for p in ended]).update(valid_to=on)
    OrganizationPeriod.objects.bulk_update(amended, ["name", "parent", "path"], batch_size=500)
    Organization.objects.bulk_update(
        [n for rec in done for n, _b in rec.nodes],
        ["parent", "path", "depth", "updated_at"],
        batch_size=500,
    )
    OrganizationPeriod.objects.bulk_create(opened, batch_size=500)
    OrganizationEvent.objects.bulk_create([rec.event for rec in done], batch_size=500)
    OrganizationEvent.related.through.objects.bulk_create(
        [
            OrganizationEvent.related.through(
                organizationevent_id=rec.event.pk, organization_id=rec.new_parent.pk
            )
            for rec in done
        ],
        batch_size=500,
    )
    audit.record_many(audits)
    return done


def _disjoint(moves) -> bool:
    """Whether no moved subtree holds another moved organization or a new parent."""
    roots = [org.path for org, _p in moves]
    paths = sorted(roots)
    if any(b.startswith(a) for a, b in zip(paths, paths[1:], strict=False)):
        return False
    return not any(p.path.startswith(root) for _o, p in moves for root in roots)


@transaction.atomic
def org_reparent_many(
    *, moves: list[tuple[Organization, Organization]], on: datetime.date, actor, decision=""
) -> list[Reparented]:
    """Move each organization of `moves` [(org, new parent)] with its subtree under its new
    parent on `on`, as org_reparent does one by one (the same checks, periods, events and audit
    events, in that order), all or nothing. Disjoint subtrees (a reorganization's children of
    the organizations it merges) are written together in a number of queries that does not
    grow with them; moves that nest are written one after the other."""
    fresh = Organization.objects.in_bulk([org.pk for org, _p in moves])
    moves = [(fresh[org.pk], new_parent) for org, new_parent in moves]
    if _disjoint(moves):
        return _reparent_batch(moves, on, actor, decision)
    return [rec for move in moves for rec in _reparent_batch([move], on, actor, decision)]


@transaction.atomic
def org_reparent(
    *, org: Organization, new_parent: Organization, on: datetime.date, actor, decision: str = ""
):
    """Move `org` and its open subtree under `new_parent` from `on`: each node's period ends
    and the next opens (one that began that day is amended), its path and depth follow; an
    event and an audit event record it."""
    [rec] = _reparent_batch([(org, new_parent)], on, actor, decision)
    return rec.org


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
