"""Writes of reorganization plans: draft, apply (all or nothing), undo, discard.

Applying composes the tree's and the apps' own services, each on the plan's date: `org_create`
for the new organizations, `org_reparent` for the children of a source, `member_transfer` for
each member, `candidate_move_cell` for each candidate on the way in, `village_link_cell` for
each village, `position_end`/`position_assign` for the committee seats,
`follow_end`/`follow_assign` for the officials following a cell,
`commune_set_party_committee` for the communes, `org_close` for the sources. What they write is
kept in the plan's journal, so that the undo removes exactly that, and only while nothing
written later depends on it.

The 2025 reorganization in code (what the demo runs; `today` is the day it simulates)::

    import datetime
    from chibo.reorg import services as reorg

    on = datetime.date(2025, 7, 1)
    # 1. The cells first: two village cells merge into one that goes on, two others into a
    #    new cell (its two secretaries: the plan names the one who keeps the seat).
    reorg.reorganize(kind="merge", sources=[cell_b], into=cell_a, on=on, actor=None, today=on)
    reorg.reorganize(
        kind="merge",
        sources=[cell_c, cell_d],
        parts=[{"code": "MS-X05-B20", "name": "Chi bộ bản Nà Hạ"}],
        choices={"seats": {"position:secretary": kept_secretary_position.pk}},
        on=on,
        actor=None,
        today=on,
    )
    # 2. Then the commune committees: two become a new one under the province; their cells
    #    follow it (a cell founded that day too), with roles, seats and commune leaders.
    reorg.reorganize(
        kind="merge",
        sources=[chieng_mung, chieng_mai],
        parts=[{"code": "SL-CM", "name": "Đảng bộ xã Chiềng Mung"}],
        parent=province,
        decision="Quyết định 1234-QĐ/TU",
        choices={"seats": {"position:secretary": p.pk, "leader:party_secretary": l.pk,
                           "leader:pc_chairman": c.pk}},
        on=on,
        actor=None,
        today=on,
    )
    # 3. Last, the district committee ends (last day 30/06/2025): what it still holds (the
    #    agencies' organizations, the org board's roles) passes to the province; its
    #    committee's seats end.
    reorg.reorganize(kind="merge", sources=[district], into=province, on=on, actor=None, today=on)

The reverse order would close, on 1/7, cells moved under the new commune on 1/7, which is
refused; a cell founded on 1/7 moves on 1/7 (its period is amended). A plan that would leave a
seat held twice, a code used twice, a cell without a parent… lists every conflict in its
ValidationError and writes nothing; `selectors.preview(plan)` lists them beforehand and
`reorg_trial` finds what the services would refuse on the way. Each call returns the applied
Reorganization. (A commune committee that stays whole is moved and renamed with `org_reparent`
and `org_rename`, on the same day.)
"""

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.accounts.models import RoleAssignment
from chibo.admissions.models import AdmissionStep, CandidateCell
from chibo.admissions.services import candidate_move_cell
from chibo.committees.models import Term
from chibo.committees.positions.services import position_assign, position_end_many
from chibo.core import audit, vn
from chibo.core.dated import end_dated_row, end_dated_rows
from chibo.core.dates import today as today_
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.meetings.models import CellMeeting, FollowAssignment
from chibo.meetings.officials.services import follow_assign, follow_end
from chibo.members import counts as member_counts
from chibo.members.models import Membership
from chibo.members.services import member_transfer
from chibo.organizations import services as org_services
from chibo.organizations.models import (
    CommuneCommitteeLink,
    Organization,
    OrganizationEvent,
)
from chibo.organizations.services_villages import (
    commune_set_party_committee,
    village_link_cell,
)

from . import selectors
from .models import Reorganization, ReorganizationPart, ReorganizationSource

PLAN_FIELDS = ["kind", "status", "title", "on", "decision", "owner", "into", "parent", "choices"]


# --- drafts ---------------------------------------------------------------------------------


def _check_shape(kind, sources, parts, into):
    if kind not in Reorganization.Kind.values:
        raise ValidationError({"kind": _("Loại phương án không hợp lệ.")})
    if not sources:
        raise ValidationError({"sources": _("Hãy chọn ít nhất một tổ chức.")})
    if kind == Reorganization.Kind.SPLIT and into is not None:
        raise ValidationError({"into": _("Chia tách không có tổ chức nhận sáp nhập.")})
    if kind == Reorganization.Kind.MERGE and into is not None and parts:
        raise ValidationError(
            {"into": _("Sáp nhập vào một tổ chức có sẵn hoặc thành một tổ chức mới, không cả hai.")}
        )
    for part in parts:
        if not isinstance(part, dict) or set(part) - {"code", "name"}:
            raise ValidationError({"parts": _("Tổ chức mới không hợp lệ.")})


def _owner(sources, into, parent) -> Organization:
    uppers = [s.parent or s for s in sources] + [into, parent]
    return selectors.lowest_common(uppers) or sources[0]


def _write_parts(plan, parts):
    for i, part in enumerate(parts):
        ReorganizationPart.objects.create(
            reorganization=plan,
            index=i,
            code=str(part.get("code", "")).strip(),
            name=" ".join(str(part.get("name", "")).split()),
        )


@transaction.atomic
def reorg_draft(
    *,
    kind: str,
    sources: list[Organization],
    on: datetime.date,
    actor,
    title: str = "",
    decision: str = "",
    parts: list[dict] = (),
    into: Organization | None = None,
    parent: Organization | None = None,
    choices: dict | None = None,
) -> Reorganization:
    """Save a plan as a draft: `sources` merge (into `into`, or into the one new organization
    of `parts`) or one source splits into `parts` ({code, name}), on `on`. `choices` says what
    goes where in a split ({"parts": {"member:<id>": <part index>, ...}}) and who keeps a seat
    held twice in a merger ({"seats": {"position:secretary": <Position id>}}). A draft may have
    conflicts; the preview lists them and applying refuses them."""
    sources = list({s.pk: s for s in sources}.values())
    parts = list(parts)
    _check_shape(kind, sources, parts, into)
    names = ", ".join(s.name for s in sources)
    plan = Reorganization.objects.create(
        kind=kind,
        title=(title or f"{Reorganization.Kind(kind).label} {names}")[:200],
        on=on,
        decision=decision,
        owner=_owner(sources, into, parent),
        into=into,
        parent=parent,
        choices=choices or {},
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    for source in sources:
        ReorganizationSource.objects.create(reorganization=plan, organization=source)
    _write_parts(plan, parts)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=plan,
        changes=audit.snapshot(plan, PLAN_FIELDS),
        note=_("Dự thảo phương án sắp xếp"),
    )
    return plan


def _lock_draft(plan: Reorganization, *also) -> Reorganization:
    """The plan, locked, if it is a draft (or in one of the statuses `also`); else refused."""
    plan = Reorganization.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Reorganization.Status.DRAFT and plan.status not in also:
        raise ValidationError(
            _("Phương án đang ở trạng thái “%(s)s”, không còn là dự thảo.")
            % {"s": plan.get_status_display()}
        )
    return plan


@transaction.atomic
def reorg_draft_update(
    *,
    reorganization: Reorganization,
    actor,
    title: str | None = None,
    on: datetime.date | None = None,
    decision: str | None = None,
    parts: list[dict] | None = None,
    choices: dict | None = None,
) -> Reorganization:
    """Change a draft: the fields given replace the draft's (parts and choices whole)."""
    plan = _lock_draft(reorganization)
    before = audit.snapshot(plan, PLAN_FIELDS)
    if title is not None:
        plan.title = title.strip()[:200] or plan.title
    if on is not None:
        plan.on = on
    if decision is not None:
        plan.decision = decision.strip()
    if choices is not None:
        plan.choices = choices
    if parts is not None:
        parts = list(parts)
        _check_shape(plan.kind, [None], parts, plan.into)
        plan.parts.all().delete()  # a draft's parts are a draft's: they never held anything
        _write_parts(plan, parts)
    plan.save()
    changes = audit.diff(before, audit.snapshot(plan, PLAN_FIELDS))
    if parts is not None:
        changes["parts"] = [None, parts]
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=plan, changes=changes)
    return plan


@transaction.atomic
def reorg_discard(*, reorganization: Reorganization, actor) -> Reorganization:
    """Set a draft aside: it stays, marked discarded, and can no longer be applied."""
    plan = _lock_draft(reorganization)
    plan.status = Reorganization.Status.DISCARDED
    plan.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=plan,
        changes={"status": [Reorganization.Status.DRAFT, plan.status]},
    )
    return plan


# --- applying -------------------------------------------------------------------------------


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


class Journal:
    """What applying wrote, in order: ["create", label, pk, end field, end] for a row made
    (its end as made, checked before an undo), ["set", label, pk, {field: [before, after]}] for
    fields changed on a row that was there."""

    def __init__(self):
        self.ops: list[list] = []

    def created(self, obj, end_field: str | None = None):
        end = _plain(getattr(obj, end_field)) if end_field else None
        self.ops.append(["create", obj._meta.label_lower, obj.pk, end_field, end])

    def changed(self, obj, **fields):
        """`fields`: name -> (before, after); attnames (`cell_id`) for foreign keys."""
        values = {k: [_plain(a), _plain(b)] for k, (a, b) in fields.items() if a != b}
        if values:
            self.ops.append(["set", obj._meta.label_lower, obj.pk, values])


class _Applier:
    def __init__(self, plan: Reorganization, preview: selectors.Preview, actor):
        self.plan, self.p, self.actor = plan, preview, actor
        self.on = plan.on
        self.j = Journal()
        self.targets: list[Organization] = []
        self.ended_follows: set[int] = set()
        self.absorbs = plan.into is not None and all(
            src.parent_id == plan.into_id for src in preview.sources
        )

    def _open_period(self, org):
        return org.periods.filter(valid_to__isnull=True).order_by("-valid_from").first()

    def target(self, move):
        return None if move.part is None else self.targets[move.part]

    # --- organizations -----------------------------------------------------------------
    def found_targets(self):
        if self.plan.into is not None:
            self.targets = [self.plan.into]
            return
        model = self.p.sources[0]
        for part in self.plan.parts.order_by("index"):
            org = org_services.org_create(
                code=part.code,
                name=part.name,
                kind=model.kind,
                parent=self.p.parent,
                valid_from=self.on,
                actor=self.actor,
                cell_type=model.cell_type,
                grassroots_type=model.grassroots_type,
                decision=self.plan.decision,
            )
            self.j.created(org, "valid_to")
            for period in org.periods.all():
                self.j.created(period, "valid_to")
            for event in org.events.all():
                self.j.created(event)
            self.j.changed(part, organization_id=(None, org.pk))
            part.organization = org
            part.save(update_fields=["organization"])
            self.targets.append(org)

    def reparent(self, moves: list[tuple[Organization, Organization]]):
        """The children of the sources, each with its subtree, under their targets at once."""
        if not moves:
            return
        done = org_services.org_reparent_many(
            moves=moves, on=self.on, actor=self.actor, decision=self.plan.decision
        )
        # Journaled a kind of write at a time (the nodes, the periods ended, amended, opened,
        # the events), so that the undo writes each kind back together.
        ended, amended, opened = [], [], []
        for rec in done:
            for node, (parent_id, path, depth) in rec.nodes:
                self.j.changed(
                    node,
                    parent_id=(parent_id, node.parent_id),
                    path=(path, node.path),
                    depth=(depth, node.depth),
                )
                old, was, new = rec.periods[node.pk]
                if was is not None:
                    amended.append((old, was))  # began this very day: amended in place
                    continue
                if old is not None:
                    ended.append(old)
                opened.append(new)
        for old in ended:
            self.j.changed(old, valid_to=(None, self.on))
        for old, (was_parent, was_path) in amended:
            self.j.changed(old, parent_id=(was_parent, old.parent_id), path=(was_path, old.path))
        for new in opened:
            self.j.created(new, "valid_to")
        for rec in done:
            self.j.created(rec.event)

    def close(self, source: Organization):
        period = self._open_period(source)
        if self.plan.kind == Reorganization.Kind.SPLIT:
            kind = OrganizationEvent.Kind.SPLIT
        elif self.absorbs:
            kind = OrganizationEvent.Kind.DISSOLVED  # its organizations pass to its parent
        else:
            kind = OrganizationEvent.Kind.MERGED
        names = ", ".join(t.name for t in self.targets)
        event = org_services.org_close(
            org=source,
            on=self.on,
            actor=self.actor,
            kind=kind,
            note=f"{source} → {names}"[:300],
            decision=self.plan.decision,
        )
        event.related.add(*self.targets)
        self.j.changed(source, valid_to=(None, self.on))
        if period is not None:
            self.j.changed(period, valid_to=(None, self.on))
        self.j.created(event)

    # --- rows that move ------------------------------------------------------------------
    def member(self, ship: Membership, target: Organization):
        reason = (
            Membership.Reason.MERGE
            if self.plan.kind == Reorganization.Kind.MERGE
            else Membership.Reason.TRANSFER
        )
        new = member_transfer(
            member=ship.member,
            to_cell=target,
            on=self.on,
            actor=self.actor,
            note=self.plan.title[:200],
            reason=reason,
        )
        self.j.changed(ship, end=(None, self.on))
        self.j.created(new, "end")
        self.j.changed(ship.member, cell_id=(ship.cell_id, target.pk))

    def candidate(self, candidate, target: Organization):
        before = candidate.cell_id
        running = CandidateCell.objects.get(candidate=candidate, end__isnull=True)
        row = candidate_move_cell(
            candidate=candidate, to_cell=target, on=self.on, actor=self.actor, note=str(self.plan)
        )
        if row.pk == running.pk:  # listed on the plan's day or after: the row changed its cell
            self.j.changed(row, cell_id=(running.cell_id, row.cell_id))
        else:
            self.j.changed(running, end=(None, self.on))
            self.j.created(row, "end")
        self.j.changed(candidate, cell_id=(before, target.pk))

    def village(self, link, target: Organization):
        new = village_link_cell(village=link.village, cell=target, on=self.on, actor=self.actor)
        self.j.changed(link, end=(None, self.on))
        self.j.created(new, "end")
        self.j.changed(link.village, cell_id=(link.cell_id, target.pk))

    def role(self, role: RoleAssignment, target: Organization | None):
        old_end = role.valid_to
        end_dated_row(row=role, on=self.on, actor=self.actor, field_end="valid_to")
        self.j.changed(role, valid_to=(old_end, self.on))
        if target is None:
            return
        if (
            RoleAssignment.objects.filter(user=role.user, role=role.role, organization=target)
            .in_force(self.on)
            .exists()
        ):
            return  # already held there
        new = RoleAssignment.objects.create(
            user=role.user,
            role=role.role,
            organization=target,
            valid_from=self.on,
            valid_to=old_end,
            note=(role.note or self.plan.title)[:200],
        )
        audit.record(
            actor=self.actor,
            action=AuditEvent.Action.CREATE,
            obj=new,
            changes=audit.snapshot(new, ["user", "role", "organization", "valid_from", "valid_to"]),
            note=str(self.plan),
        )
        self.j.created(new, "valid_to")

    def positions(self, moves):
        """Every seat of the sources ends (position_end_many), then the kept ones open at their
        target (position_assign): no seat is held twice a day."""
        if not moves:
            return
        old_ends = [m.row.end for m in moves]
        ended = position_end_many(positions=[m.row for m in moves], end=self.on, actor=self.actor)
        for position, old_end in zip(ended, old_ends, strict=True):
            self.j.changed(position, end=(old_end, self.on))
        terms = {}  # each target's term in force on the day, read once
        for m, old_end in zip(moves, old_ends, strict=True):
            position, target = m.row, self.target(m)
            if target is None:
                continue
            if target.pk not in terms:
                held = Term.objects.filter(organization=target).in_force(self.on)
                terms[target.pk] = held.first()
            term = terms[target.pk]
            new = position_assign(
                organization=target,
                member=position.member,
                title=position.title,
                start=self.on,
                end=old_end,
                obtained=position.obtained,
                term=term,
                decision=self.plan.decision or position.decision,
                actor=self.actor,
            )
            self.j.created(new, "end")

    def commune_rows(self, moves, fields: list[str]):
        """Commune leaders or officials (one model): each ends at the source, and opens at the
        target the plan gives it, if any; ended together, then made together."""
        if not moves:
            return
        old_ends = [m.row.end for m in moves]
        rows = end_dated_rows(rows=[m.row for m in moves], on=self.on, actor=self.actor)
        for row, old_end in zip(rows, old_ends, strict=True):
            self.j.changed(row, end=(old_end, self.on))
        new_rows = []
        for m, row, old_end in zip(moves, rows, old_ends, strict=True):
            target = self.target(m)
            if target is not None:
                attnames = [row._meta.get_field(f).attname for f in fields]
                values = {a: getattr(row, a) for a in attnames}  # member_id: no query
                new_rows.append(type(row)(commune=target, start=self.on, end=old_end, **values))
        if not new_rows:
            return
        type(new_rows[0]).objects.bulk_create(new_rows)
        audit.record_many(
            [
                audit.event(
                    actor=self.actor,
                    action=AuditEvent.Action.CREATE,
                    obj=new,
                    changes=audit.snapshot(new),
                    note=str(self.plan),
                )
                for new in new_rows
            ]
        )
        for new in new_rows:
            self.j.created(new, "end")

    def follow(self, row: FollowAssignment, target: Organization | None):
        old_end = row.end
        role = row.role_assignment
        role_end = role.valid_to if role else None
        if row.pk not in self.ended_follows:
            follow_end(assignment=row, end=self.on, actor=self.actor)
            self.ended_follows.add(row.pk)
            self.j.changed(row, end=(old_end, self.on))
            if role is not None:
                role.refresh_from_db()
                self.j.changed(role, valid_to=(role_end, role.valid_to))
        if target is None:
            return
        new = follow_assign(
            official=row.official,
            cell=target,
            kind=row.kind,
            start=self.on,
            end=old_end,
            decision=self.plan.decision or row.decision,
            actor=self.actor,
        )
        self.j.created(new.role_assignment, "valid_to")
        self.j.created(new, "end")

    def commune(self, commune, target: Organization):
        old = commune.party_committee_id
        link = CommuneCommitteeLink.objects.filter(commune=commune, end__isnull=True).first()
        new = commune_set_party_committee(
            commune=commune, party_committee=target, on=self.on, actor=self.actor
        )
        if link is not None:
            self.j.changed(link, end=(None, self.on))
        self.j.created(new, "end")
        self.j.changed(commune, party_committee_id=(old, target.pk))

    def run(self):
        self.found_targets()
        by = {what: [m for m in self.p.moves if m.what == what] for what in selectors.WHAT}
        target = self.target
        self.reparent([(m.row, target(m)) for m in by["organization"]])
        for m in by["member"]:
            self.member(m.row, target(m))
        for m in by["candidate"]:
            self.candidate(m.row, target(m))
        for m in by["village"]:
            self.village(m.row, target(m))
        for m in by["follow"]:
            self.follow(m.row, target(m))
        for m in by["role"]:
            self.role(m.row, target(m))
        # Seats not kept end before the kept ones open, so that no seat is held twice a day.
        self.positions(sorted(by["position"], key=lambda m: m.part is not None))
        leader_fields = ["post", "full_name", "member", "is_local"]
        self.commune_rows(sorted(by["leader"], key=lambda m: m.part is not None), leader_fields)
        official_fields = [
            "full_name",
            "member",
            "post",
            "meets_standard",
            "reason",
            "assessed_on",
        ]
        self.commune_rows(by["official"], official_fields)
        for m in by["commune"]:
            self.commune(m.row, target(m))
        for source in self.p.sources:
            self.close(Organization.objects.get(pk=source.pk))


def _refuse(messages: list[str]):
    raise ValidationError([str(m) for m in messages])


@transaction.atomic
def reorg_apply(
    *, reorganization: Reorganization, actor, today: datetime.date | None = None
) -> Reorganization:
    """Apply a draft on its date, all or nothing, and audit it. Refused (nothing written) with
    every conflict of the preview, and before its date: the pages about now read the tree as it
    is, so a change takes effect on its day (`today` is that day; the demo passes the day it
    simulates). What an underlying service refuses on the way rolls everything back."""
    plan = _lock_draft(reorganization, Reorganization.Status.SCHEDULED)
    status = plan.status
    today = today or today_()
    if plan.on > today:
        raise ValidationError(
            _("Phương án có hiệu lực từ ngày %(d)s: chỉ áp dụng được từ ngày đó.")
            % {"d": day_text(plan.on)}
        )
    source_ids = list(plan.source_rows.values_list("organization_id", flat=True))
    list(Organization.objects.select_for_update().filter(pk__in=source_ids).order_by("pk"))
    preview = selectors.preview(plan, today=today)
    if preview.conflicts:
        _refuse(preview.conflicts)
    applier = _Applier(plan, preview, actor)
    with member_counts.deferred():  # the members' cells counted once, after they are all moved
        applier.run()
    plan.status = Reorganization.Status.APPLIED
    plan.journal = applier.j.ops
    plan.applied_at = timezone.now()
    plan.applied_by = actor if actor is not None and actor.is_authenticated else None
    plan.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.RESTRUCTURE,
        obj=plan,
        changes={"status": [status, plan.status], "moved": preview.counts()},
        note=_("Áp dụng phương án sắp xếp từ ngày %(d)s") % {"d": day_text(plan.on)},
    )
    return plan


class _TrialOver(Exception):
    """Ends a trial run: its transaction rolls back."""


def reorg_trial(
    *, reorganization: Reorganization, actor, today: datetime.date | None = None
) -> list[str]:
    """Apply the plan in a transaction rolled back at the end, as on its date (or `today`):
    every reason it would be refused, the preview's conflicts and what a service refuses on the
    way (a seat the committee rule does not allow, a member who cannot move…); empty if it
    would apply. Nothing stays written, the audit events included."""
    try:
        with transaction.atomic():
            reorg_apply(
                reorganization=reorganization,
                actor=actor,
                today=today or max(reorganization.on, today_()),
            )
            raise _TrialOver
    except _TrialOver:
        return []
    except ValidationError as e:
        return e.messages


@transaction.atomic
def reorg_schedule(
    *, reorganization: Reorganization, actor, today: datetime.date | None = None
) -> Reorganization:
    """A draft without conflicts waits for its date: the daily command `reorg_apply_due`
    applies it that day (or, if something stops it then, makes it a draft again and says why).
    Refused with the conflicts and what a trial run refuses (reorg_trial), and for a date that
    has come (apply it instead)."""
    plan = _lock_draft(reorganization)
    today = today or today_()
    if plan.on <= today:
        raise ValidationError(
            _("Phương án có hiệu lực từ hôm nay hoặc trước: hãy áp dụng ngay hoặc đổi ngày.")
        )
    preview = selectors.preview(plan, today=today)
    if preview.conflicts:
        _refuse(preview.conflicts)
    reasons = reorg_trial(reorganization=plan, actor=actor, today=plan.on)
    if reasons:
        _refuse(reasons)
    plan.status = Reorganization.Status.SCHEDULED
    plan.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=plan,
        changes={"status": [Reorganization.Status.DRAFT, plan.status]},
        note=_("Chờ áp dụng vào ngày %(d)s") % {"d": day_text(plan.on)},
    )
    return plan


@transaction.atomic
def reorg_unschedule(*, reorganization: Reorganization, actor, note: str = "") -> Reorganization:
    """A plan waiting for its date becomes a draft again (to change it, or because something
    stopped it on its day: `note` says what)."""
    plan = Reorganization.objects.select_for_update().get(pk=reorganization.pk)
    if plan.status != Reorganization.Status.SCHEDULED:
        raise ValidationError(_("Phương án không ở trạng thái chờ ngày hiệu lực."))
    plan.status = Reorganization.Status.DRAFT
    plan.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=plan,
        changes={"status": [Reorganization.Status.SCHEDULED, plan.status]},
        note=note[:300],
    )
    return plan


def reorg_apply_due(*, today: datetime.date | None = None) -> list[tuple[Reorganization, list]]:
    """Apply every plan waiting for a date that has come, oldest first, each in its own
    transaction (the daily command). A plan refused (a conflict arisen since, or its day
    missed) becomes a draft again with the reasons in its audit event. Returns (plan, the
    reasons it was refused, empty if applied) for each; run twice, it does nothing more."""
    today = today or today_()
    due = Reorganization.objects.filter(status=Reorganization.Status.SCHEDULED, on__lte=today)
    results = []
    for plan in due.order_by("on", "id"):
        try:
            results.append((reorg_apply(reorganization=plan, actor=None, today=today), []))
        except ValidationError as e:
            reorg_unschedule(reorganization=plan, actor=None, note=" ".join(e.messages))
            results.append((plan, e.messages))
    return results


def reorganize(
    *,
    kind: str,
    sources: list[Organization],
    on: datetime.date,
    actor,
    parts: list[dict] = (),
    into: Organization | None = None,
    parent: Organization | None = None,
    choices: dict | None = None,
    decision: str = "",
    title: str = "",
    today: datetime.date | None = None,
) -> Reorganization:
    """Draft a plan and apply it at once, in one transaction (see the module's example)."""
    with transaction.atomic():
        plan = reorg_draft(
            kind=kind,
            sources=sources,
            on=on,
            actor=actor,
            title=title,
            decision=decision,
            parts=parts,
            into=into,
            parent=parent,
            choices=choices,
        )
        return reorg_apply(reorganization=plan, actor=actor, today=today)


# --- undoing --------------------------------------------------------------------------------


def _model(label: str):
    return apps.get_model(label)


def _describe(obj) -> str:
    return f"{obj._meta.verbose_name} “{obj}”"


class _RowCount(models.Subquery):
    """How many rows a queryset selects, as a value of the outer query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = models.IntegerField()


def _references(org: Organization, known: dict[str, set]) -> list[str]:
    """What refers to `org` besides the rows the journal made (a meeting, a target, a new
    member, a later plan...): each kind of row once, with how many. One query for every kind."""
    kinds = []
    for rel in org._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete) or rel.related_model is None:
            continue
        model = rel.related_model
        if model._meta.auto_created:
            continue  # a many-to-many table: its relation is read as such below
        if getattr(rel, "on_delete", None) is models.CASCADE:
            continue  # derived rows that go with the organization (its members' counter)
        if rel.many_to_many:
            rows = model.objects.filter(**{rel.field.name: org})
        else:
            rows = model._base_manager.filter(**{rel.field.name: org})
        rows = rows.exclude(pk__in=known.get(model._meta.label_lower, ()))
        kinds.append((model, rows.order_by().values("pk")))
    if not kinds:
        return []
    counted = (
        Organization._base_manager.filter(pk=org.pk)
        .values(**{f"n{i}": _RowCount(rows) for i, (_model, rows) in enumerate(kinds)})
        .get()
    )
    found = []
    for i, (model, _rows) in enumerate(kinds):
        n = counted[f"n{i}"]
        if n:
            found.append(
                _("%(o)s đã có %(n)s %(what)s ghi sau khi áp dụng.")
                % {"o": org.name, "n": vn.format_int(n), "what": model._meta.verbose_name}
            )
    return found


def dependents(plan: Reorganization) -> list[str]:
    """Why the plan cannot be undone: each row it made or changed that has changed since, and
    what refers to an organization it founded. Empty when nothing depends on it."""
    plan = Reorganization.objects.get(pk=plan.pk)  # its journal as saved
    reasons = []
    known: dict[str, set] = {}
    for op in plan.journal:
        known.setdefault(op[1], set()).add(op[2])
    rows = {
        label: _model(label)._base_manager.in_bulk(pks) for label, pks in known.items()
    }  # one query a kind of row
    for op in plan.journal:
        row = rows[op[1]].get(op[2])
        if row is None:
            reasons.append(_("Một mục phương án đã ghi không còn nữa (%(m)s).") % {"m": op[1]})
            continue
        if op[0] == "create":
            _kind, _label, _pk, end_field, end = op
            if end_field and _plain(getattr(row, end_field)) != end:
                reasons.append(
                    _("%(r)s đã thay đổi sau khi áp dụng (kết thúc ngày %(d)s).")
                    % {"r": _describe(row), "d": day_text(getattr(row, end_field))}
                )
            if isinstance(row, Organization):
                reasons += _references(row, known)
        else:
            for name, (_before, after) in op[3].items():
                if _plain(getattr(row, name)) != after:
                    reasons.append(_("%(r)s đã thay đổi sau khi áp dụng.") % {"r": _describe(row)})
                    break
    # A candidate moved who has taken a step in their new cell since: the step is the new
    # cell's (its resolution, its sponsors), and would not be the old one's.
    moved = [op[2] for op in plan.journal if op[1] == "admissions.candidate"]
    steps = AdmissionStep.objects.none()
    if moved:
        steps = AdmissionStep.objects.filter(candidate_id__in=moved, on__gte=plan.on)
    for step in steps.select_related("candidate__cell").order_by("on", "id")[:20]:
        reasons.append(
            _("Quần chúng %(n)s đã có bước “%(s)s” ngày %(d)s ở %(o)s sau khi áp dụng.")
            % {
                "n": step.candidate.full_name,
                "s": step.get_kind_display(),
                "d": day_text(step.on),
                "o": step.candidate.cell.name,
            }
        )
    later = CellMeeting.objects.filter(
        cell__in=[t for t in [plan.into] if t is not None], held_on__gte=plan.on
    ).order_by("held_on")
    for meeting in later[:1]:
        reasons.append(
            _("%(o)s đã họp ngày %(d)s với các đảng viên chuyển đến.")
            % {"o": meeting.cell, "d": day_text(meeting.held_on)}
        )
    return list(dict.fromkeys(str(r) for r in reasons))


def _batches(ops):
    """The journal's ops in runs of one kind of write on one kind of row (the same fields for
    a change), each row once a run: (kind, label, ops). Runs keep the journal's order."""
    run, key, pks = [], None, set()
    for op in ops:
        op_key = (op[0], op[1], tuple(op[3]) if op[0] == "set" else None)
        if run and (op_key != key or op[2] in pks):
            yield key[0], key[1], run
            run, pks = [], set()
        run.append(op)
        key = op_key
        pks.add(op[2])
    if run:
        yield key[0], key[1], run


def _put_back(model, rows, ops):
    """Give the rows of a run of changes their values from before: one UPDATE when they are
    the same for every row, else one bulk update."""
    fields = list(ops[0][3])
    befores = [[op[3][name][0] for name in fields] for op in ops]
    if all(b == befores[0] for b in befores):
        model._base_manager.filter(pk__in=list(rows)).update(
            **dict(zip(fields, befores[0], strict=True))
        )
        return
    for op, before in zip(ops, befores, strict=True):
        row = rows[op[2]]
        for name, value in zip(fields, before, strict=True):
            setattr(row, model._meta.get_field(name).attname, value)
    model._base_manager.bulk_update(list(rows.values()), fields, batch_size=500)


@transaction.atomic
def reorg_undo(*, reorganization: Reorganization, actor) -> Reorganization:
    """Undo an applied plan: every row it made is removed and every row it changed gets its
    values back, all or nothing and audited. Refused, with the reasons, when something written
    since depends on it (dependents()). An undo corrects a record made in error: figures as of
    the plan's date and after go back to what they were before it was applied."""
    plan = Reorganization.objects.select_for_update().get(pk=reorganization.pk)
    if plan.status != Reorganization.Status.APPLIED:
        raise ValidationError(_("Chỉ hoàn tác được phương án đã áp dụng."))
    reasons = dependents(plan)
    if reasons:
        _refuse([_("Không thể hoàn tác:")] + reasons[:20])
    events = []
    note = _("Hoàn tác phương án %(p)s") % {"p": plan.pk}
    for kind, label, ops in _batches(reversed(plan.journal)):
        model = _model(label)
        # With the rows they name in their labels (an event's organization), in the same query.
        named = [f.name for f in model._meta.concrete_fields if f.is_relation and not f.null]
        rows = model._base_manager.all()
        rows = (rows.select_related(*named) if named else rows).in_bulk([op[2] for op in ops])
        if len(rows) < len(ops):
            raise model.DoesNotExist
        if kind == "create":
            for op in ops:
                row = rows[op[2]]
                events.append(
                    audit.event(
                        actor=actor,
                        action=AuditEvent.Action.DELETE,
                        obj=row,
                        changes=audit.snapshot(row),
                        note=note,
                    )
                )
            model._base_manager.filter(pk__in=list(rows)).delete()
            continue
        for op in ops:
            events.append(
                audit.event(
                    actor=actor,
                    action=AuditEvent.Action.RESTRUCTURE,
                    obj=rows[op[2]],
                    changes={name: [after, before] for name, (before, after) in op[3].items()},
                    note=note,
                )
            )
        _put_back(model, rows, ops)
    audit.record_many(events)
    # The members went back to their cells: those cells' counters (chibo.members.counts); a
    # cell the plan founded is gone, and its counter with it.
    moved = {
        pk
        for op in plan.journal
        if op[0] == "set" and op[1] == "members.member" and "cell_id" in op[3]
        for pk in op[3]["cell_id"]
    }
    member_counts.refresh(Organization.objects.filter(pk__in=moved).values_list("pk", flat=True))
    plan.status = Reorganization.Status.UNDONE
    plan.undone_at = timezone.now()
    plan.undone_by = actor if actor is not None and actor.is_authenticated else None
    plan.save(update_fields=["status", "undone_at", "undone_by", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.RESTRUCTURE,
        obj=plan,
        changes={"status": [Reorganization.Status.APPLIED, plan.status]},
        note=_("Hoàn tác phương án sắp xếp"),
    )
    return plan
