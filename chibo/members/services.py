"""Writes to members. Each runs in a transaction, takes the acting user and audits."""

import datetime
import uuid
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.core import audit, changelog
from chibo.core.dated import end_dated_row
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.organizations.models import Organization

from . import counts, rules
from .checks import (
    check_after_last_change,
    check_cell_on,
    check_generic_status,
    check_status_reason,
)
from .models import IN_CELL_STATUSES, Member, Membership, Status, StatusChange, TemporaryStay
from .spreadsheets.checking import CleanRow, ImportRejected, RowError, records_of, row_errors
from .spreadsheets.layout import HEADER_OF

# How a member's events read where Member's own fields do not say it (chibo.core.changelog): the
# day of a transfer or a status change, the StatusChange's and the temporary stay's details.
changelog.describe(Member, "on", label=gettext_lazy("Từ ngày"), alone=True)
for _key in ("kind", "reason", "until", "decided_by", "decision_number", "letter_number", "place"):
    changelog.describe(Member, _key, field=StatusChange._meta.get_field(_key), alone=True)
changelog.describe(
    Member, "temporary", field=TemporaryStay._meta.get_field("host_name"), alone=True
)
changelog.describe(Organization, "split_into", label=gettext_lazy("Chia thành"), keys=Organization)


EDITABLE_FIELDS = [
    "full_name",
    "other_names",
    "sex",
    "birth_date",
    "birthplace",
    "hometown",
    "residence",
    "ethnicity",
    "religion",
    "occupation",
    "citizen_id",
    "party_card_number",
    "admission_date",
    "official_date",
    "education",
    "qualification",
    "theory_level",
    "foreign_language",
    "it_level",
]


def _check_cell(cell: Organization):
    if cell.kind != Organization.Kind.CELL or cell.valid_to is not None:
        raise ValidationError({"cell": _("Hãy chọn một chi bộ đang hoạt động.")})


def _check_rules(member: Member, before: dict | None = None):
    """Raise the register's errors (rules.review: dates, age, ethnicity, duplicates) for a new
    record, or for what a change is answerable for; warnings are the caller's to show. Before
    full_clean, whose unique constraints would say "Constraint … is violated."."""
    after = {k: getattr(member, k) for k in rules.FIELDS}
    record = rules.Record(after, before=before, pk=member.pk)
    errors, _warnings = rules.review([record])
    if errors:
        raise ValidationError(rules.by_field(errors))


def _canonical_ethnicity(fields: dict):
    """Store the official name of a known ethnicity ("H'Mông" -> "Mông"); an unknown one is
    left for _check_rules to refuse with the nearest name."""
    if fields.get("ethnicity"):
        fields["ethnicity"] = rules.canonical_ethnicity(fields["ethnicity"]) or fields["ethnicity"]


@transaction.atomic
def member_create(
    *,
    actor,
    cell: Organization,
    joined_cell_on: datetime.date | None = None,
    reason=Membership.Reason.ADMITTED,
    audit_event=True,
    **fields,
) -> Member:
    _check_cell(cell)
    _canonical_ethnicity(fields)
    member = Member(cell=cell, **fields)
    member.refresh_derived()
    _check_rules(member)
    # The rules just checked imply Member's four constraints (the card and citizen ID taken,
    # official before admission, admitted before 18 hence before birth), and _check_cell the
    # cell: full_clean would ask the database again, one query and a savepoint each. The
    # database keeps them all the same.
    member.full_clean(
        exclude=["search_text", "sort_key", "family_name", "given_name", "cell"],
        validate_constraints=False,
    )
    member.save()
    Membership.objects.create(
        member=member, cell=cell, start=joined_cell_on or member.admission_date, reason=reason
    )
    counts.refresh([cell.pk])
    if audit_event:
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=member,
            changes=audit.snapshot(member, EDITABLE_FIELDS + ["cell"]),
        )
    return member


def members_import(*, rows: list[CleanRow], actor, source: str = "") -> list[Member]:
    """Create the members of a checked file (spreadsheets.checking.validate), all or none,
    each with a membership and an audit event, plus one IMPORT event for the batch. Raises
    ImportRejected when, inside the transaction, a citizen ID or card number turns out to be
    taken or a cell closed meanwhile."""
    batch = uuid.uuid4().hex[:12]
    note = _("Nhập từ tệp %(f)s (lô %(b)s)") % {"f": source or "—", "b": batch}
    try:
        with transaction.atomic():
            # Checked again under the transaction: another import may have taken a number.
            records = records_of((r.number, r.fields) for r in rows)
            errors = row_errors(rules.duplicates(records))
            open_ids = set(
                Organization.objects.filter(
                    pk__in={r.cell.pk for r in rows},
                    kind=Organization.Kind.CELL,
                    valid_to__isnull=True,
                ).values_list("pk", flat=True)
            )
            errors += [
                RowError(
                    r.number,
                    HEADER_OF["cell_code"],
                    _("Chi bộ mã «%(code)s» đã ngừng hoạt động.") % {"code": r.cell.code},
                )
                for r in rows
                if r.cell.pk not in open_ids
            ]
            if errors:
                raise ImportRejected(sorted(errors))
            members = []
            for r in rows:
                m = Member(cell=r.cell, **r.fields)
                m.refresh_derived()
                members.append(m)
            Member.objects.bulk_create(members, batch_size=500)
            Membership.objects.bulk_create(
                [
                    Membership(
                        member=m,
                        cell=m.cell,
                        start=m.admission_date,
                        reason=rules.membership_reason(m.admission_date, m.admission_date),
                    )
                    for m in members
                ],
                batch_size=1000,
            )
            counts.refresh({m.cell_id for m in members})
            events = [
                audit.event(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    obj=m,
                    note=note,
                    changes=audit.snapshot(m, EDITABLE_FIELDS + ["cell"]),
                )
                for m in members
            ]
            per_cell = Counter(m.cell.code for m in members)
            events.append(
                audit.event(
                    actor=actor,
                    action=AuditEvent.Action.IMPORT,
                    object_type="members.import",
                    object_id=batch,
                    label=source or batch,
                    note=note,
                    changes={"count": [None, len(members)], "cells": [None, dict(per_cell)]},
                )
            )
            audit.record_many(events)
    except IntegrityError:
        # Another import took a citizen ID or card number between the check and the insert.
        message = _("Dữ liệu vừa thay đổi trong lúc nhập (trùng số CCCD hoặc số thẻ). Hãy tải lại.")
        raise ImportRejected([RowError(0, "", message)]) from None
    return members


@transaction.atomic
def member_update(*, member: Member, actor, expected_updated_at=None, **fields) -> Member:
    """Change a member's record; `expected_updated_at` guards against lost updates."""
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise ValidationError(
            _("Hồ sơ này vừa được người khác sửa. Hãy tải lại trang để xem bản mới rồi sửa lại.")
        )
    before = audit.snapshot(locked, EDITABLE_FIELDS)
    rules_before = {k: getattr(locked, k) for k in rules.FIELDS}
    _canonical_ethnicity(fields)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(name)
        setattr(locked, name, value)
    locked.refresh_derived()
    _check_rules(locked, rules_before)
    locked.full_clean(exclude=["search_text", "sort_key", "family_name", "given_name"])
    changes = audit.diff(before, audit.snapshot(locked, EDITABLE_FIELDS))
    if not changes:
        return locked
    locked.save()
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, obj=locked, changes=changes)
    return locked


@transaction.atomic
def member_transfer(
    *,
    member: Member,
    to_cell: Organization,
    on: datetime.date,
    actor,
    note: str = "",
    reason=Membership.Reason.TRANSFER,
) -> Membership:
    """Close the member's current membership on `on` and open one in `to_cell`."""
    locked = Member.objects.select_for_update().get(pk=member.pk)
    _check_cell(to_cell)
    if locked.status not in IN_CELL_STATUSES:
        raise ValidationError(_("Đảng viên không còn sinh hoạt nên không thể chuyển."))
    if to_cell.pk == locked.cell_id:
        raise ValidationError({"to_cell": _("Đảng viên đang sinh hoạt ở chi bộ này.")})
    current = Membership.objects.select_for_update().get(member=locked, end__isnull=True)
    if on <= current.start:
        raise ValidationError(
            {
                "on": _("Ngày chuyển phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại (%(d)s).")
                % {"d": day_text(current.start)}
            }
        )
    check_cell_on(to_cell, on)  # a cell founded after `on` is refused
    end_dated_row(row=current, on=on, actor=actor, note=note, error_field="on")
    new = Membership.objects.create(member=locked, cell=to_cell, start=on, reason=reason, note=note)
    old_cell_id = locked.cell_id
    locked.cell = to_cell
    locked.save(update_fields=["cell", "updated_at"])
    counts.refresh([old_cell_id, to_cell.pk])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.TRANSFER,
        obj=locked,
        changes={"cell": [old_cell_id, to_cell.pk], "on": [None, on.isoformat()]},
        note=note,
    )
    return new


@transaction.atomic
def member_change_status(
    *, member: Member, status: str, on: datetime.date, actor, note: str = ""
) -> StatusChange:
    """Exempt, bring back to activities or record a death (the one home of a death: the death
    movement, movements.services.member_record_death, comes here); a death ends the membership
    and any temporary stay that day and is recorded with its kind. A removal, an expulsion, a
    transfer out of the tree and their undoing are refused: they go through their movement
    (members/movements), which requires their documents (checks.check_generic_status)."""
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if status == locked.status:
        raise ValidationError({"status": _("Đảng viên đã ở trạng thái này.")})
    if status not in Status.values:
        raise ValidationError({"status": _("Trạng thái không hợp lệ.")})
    if locked.status in (Status.DECEASED,):
        raise ValidationError(_("Không thể đổi trạng thái của đảng viên đã từ trần."))
    check_generic_status(status, locked.status)
    check_status_reason(status, note)
    if on < locked.admission_date:
        raise ValidationError({"on": _("Ngày không được trước ngày vào Đảng.")})
    check_after_last_change(locked, on)
    # What is left: exemption and return keep the member on the cell's roll; a death ends it.
    kind = ""
    if status == Status.DECEASED:
        kind = StatusChange.Kind.DEATH
        current = (
            Membership.objects.select_for_update().filter(member=locked, end__isnull=True).first()
        )
        if current is not None:
            if on <= current.start:
                raise ValidationError(
                    {
                        "on": _("Ngày phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại (%(d)s).")
                        % {"d": day_text(current.start)}
                    }
                )
            end_dated_row(row=current, on=on, actor=actor, note=note, error_field="on")
        TemporaryStay.objects.filter(member=locked, end__isnull=True).update(end=on)
    change = StatusChange.objects.create(
        member=locked,
        status=status,
        previous=locked.status,
        kind=kind,
        on=on,
        note=note,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
    )
    old = locked.status
    locked.status = status
    locked.status_since = on
    locked.save(update_fields=["status", "status_since", "updated_at"])
    counts.refresh([locked.cell_id])
    changes = {"status": [old, status], "on": [None, on.isoformat()]}
    if kind:
        changes["kind"] = [None, kind]
    audit.record(
        actor=actor, action=AuditEvent.Action.STATUS, obj=locked, changes=changes, note=note
    )
    return change


@transaction.atomic
def members_change_status_many(
    *, members, status: str, on: datetime.date, actor, note: str = ""
) -> list[StatusChange]:
    """member_change_status for each of `members`, all or nothing: the first member refused
    rolls every change back, and the error names that member."""
    members = sorted(members, key=lambda m: m.pk)  # one locking order for concurrent batches
    if not members:
        raise ValidationError(_("Hãy chọn ít nhất một đảng viên."))
    changes = []
    # The cells' counters once, after every member is locked (counts.deferred).
    with counts.deferred():
        for member in members:
            try:
                changes.append(
                    member_change_status(
                        member=member, status=status, on=on, actor=actor, note=note
                    )
                )
            except ValidationError as exc:
                raise ValidationError(
                    _("%(name)s: %(errors)s")
                    % {"name": member.full_name, "errors": " ".join(exc.messages)}
                ) from None
    return changes


@transaction.atomic
def cells_merge(
    *, source: Organization, into: Organization, on: datetime.date, actor, decision: str = ""
) -> int:
    """Merge cell `source` into cell `into` on `on`: members move, villages follow, source closes.

    Returns the number of members moved.
    """
    from chibo.organizations import services as org_services
    from chibo.organizations.models import OrganizationEvent, Village
    from chibo.organizations.services_villages import village_link_cell

    if source.pk == into.pk:
        raise ValidationError({"into": _("Hãy chọn một chi bộ khác.")})
    _check_cell(source)
    _check_cell(into)
    moved = 0
    open_ships = (
        Membership.objects.select_for_update()
        .filter(cell=source, end__isnull=True)
        .select_related("member")
    )
    for ship in open_ships:
        if on <= ship.start:
            raise ValidationError(
                {
                    "on": _("Ngày sáp nhập phải sau ngày bắt đầu sinh hoạt của %(name)s.")
                    % {"name": ship.member.full_name}
                }
            )
        ship.end = on
        ship.save(update_fields=["end"])
        Membership.objects.create(
            member=ship.member, cell=into, start=on, reason=Membership.Reason.MERGE
        )
        Member.objects.filter(pk=ship.member_id).update(cell=into)
        audit.record(
            actor=actor,
            action=AuditEvent.Action.TRANSFER,
            obj=ship.member,
            changes={"cell": [source.pk, into.pk], "on": [None, on.isoformat()]},
            note=_("Sáp nhập chi bộ"),
        )
        moved += 1
    counts.refresh([source.pk, into.pk])
    # Members no longer in a cell keep pointing at the closed cell: their history stays there.
    # The villages follow on the merge date; their links until then keep the past as it was.
    for village in Village.objects.filter(cell=source, valid_to__isnull=True):
        village_link_cell(village=village, cell=into, on=on, actor=actor)
    ev = org_services.org_close(
        org=source,
        on=on,
        actor=actor,
        kind=OrganizationEvent.Kind.MERGED,
        note=f"{source} → {into}",
        decision=decision,
    )
    ev.related.add(into)
    return moved


@transaction.atomic
def cell_split(
    *,
    source: Organization,
    new_cells: list[dict],
    assignment: dict[int, int],
    on: datetime.date,
    actor,
    decision: str = "",
    villages: dict[int, int] | None = None,
) -> list[Organization]:
    """Split cell `source` on `on`: found `new_cells` ({code, name}) beside it and move members.

    `assignment` maps member id -> index in `new_cells`; members not in it stay in `source`.
    `villages` maps the id of a village `source` serves -> index in `new_cells`: that cell
    serves it from `on`. When nobody stays, `source` closes, and every village it serves must
    be given a new cell. Returns the new cells.
    """
    from chibo.organizations import services as org_services
    from chibo.organizations.models import OrganizationEvent, Village
    from chibo.organizations.services_villages import village_link_cell

    villages = villages or {}
    served = {v.pk: v for v in Village.objects.filter(cell=source, valid_to__isnull=True)}

    _check_cell(source)
    if not new_cells:
        raise ValidationError(_("Cần ít nhất một chi bộ mới."))
    open_ships = {
        s.member_id: s
        for s in Membership.objects.select_for_update()
        .filter(cell=source, end__isnull=True)
        .select_related("member")
    }
    unknown = set(assignment) - set(open_ships)
    if unknown:
        raise ValidationError(_("Có đảng viên không thuộc chi bộ này."))
    if any(i < 0 or i >= len(new_cells) for i in [*assignment.values(), *villages.values()]):
        raise ValidationError(_("Chi bộ mới không hợp lệ."))
    if set(villages) - set(served):
        raise ValidationError(_("Có thôn, bản không do chi bộ này phụ trách."))
    if len(assignment) == len(open_ships) and set(served) - set(villages):
        raise ValidationError(
            _("Chi bộ cũ hết hiệu lực: hãy chọn chi bộ mới phụ trách %(v)s.")
            % {"v": ", ".join(str(v) for pk, v in served.items() if pk not in villages)}
        )
    created = [
        org_services.org_create(
            code=c["code"],
            name=c["name"],
            kind=Organization.Kind.CELL,
            cell_type=source.cell_type,
            parent=source.parent,
            valid_from=on,
            actor=actor,
            decision=decision,
        )
        for c in new_cells
    ]
    for member_id, index in assignment.items():
        ship = open_ships[member_id]
        if on <= ship.start:
            raise ValidationError(
                {
                    "on": _("Ngày chia tách phải sau ngày bắt đầu sinh hoạt của %(name)s.")
                    % {"name": ship.member.full_name}
                }
            )
        ship.end = on
        ship.save(update_fields=["end"])
        target = created[index]
        Membership.objects.create(
            member=ship.member,
            cell=target,
            start=on,
            reason=Membership.Reason.TRANSFER,
            note=_("Chia tách chi bộ"),
        )
        Member.objects.filter(pk=member_id).update(cell=target)
        audit.record(
            actor=actor,
            action=AuditEvent.Action.TRANSFER,
            obj=ship.member,
            changes={"cell": [source.pk, target.pk], "on": [None, on.isoformat()]},
            note=_("Chia tách chi bộ"),
        )
    counts.refresh([source.pk, *(c.pk for c in created)])
    for village_id, index in villages.items():
        village_link_cell(village=served[village_id], cell=created[index], on=on, actor=actor)
    event = OrganizationEvent.objects.create(
        kind=OrganizationEvent.Kind.SPLIT,
        on=on,
        organization=source,
        actor=actor,
        decision=decision,
        note=", ".join(c.name for c in created),
    )
    event.related.add(*created)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.RESTRUCTURE,
        obj=source,
        note=str(event),
        changes={"split_into": [None, [c.pk for c in created]]},
    )
    if len(assignment) == len(open_ships):
        org_services.org_close(
            org=source,
            on=on,
            actor=actor,
            kind=OrganizationEvent.Kind.SPLIT,
            note=_("Đã chia tách hết"),
            decision=decision,
        )
    return created
