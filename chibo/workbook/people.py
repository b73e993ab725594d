"""Members in the workbook: matched by card number, citizen ID, or name and dates; created
with their cell history or updated through the dated services; accounts without passwords."""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.accounts.models import User
from chibo.core import vn
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.members import counts
from chibo.members.models import IN_CELL_STATUSES, Member, Membership, Status, StatusChange
from chibo.members.rules import membership_reason, status_kind
from chibo.members.services import EDITABLE_FIELDS
from chibo.organizations.models import (
    Organization,
)

from .engine import Row, Summary

K = Organization.Kind


def _member_key(a) -> tuple:
    return (vn.fold(a.get("full_name", "")), a.get("birth_date"), a.get("admission_date"))


def member_loader():
    """Codes of members already in chibo: card number, citizen ID (the references the export
    writes, so a file can point at members without a members sheet)."""
    result = {}
    for pk, card, cid in Member.objects.values_list("pk", "party_card_number", "citizen_id"):
        if cid:
            result[cid] = pk
        if card:
            result[card] = pk
    return result


def apply_members(run, sheet, rows: list[Row]):
    """Members matched by card number, citizen ID, or name + birth + admission; new ones created
    with their cell history (from «Quá trình sinh hoạt» or this sheet), existing ones updated."""
    from chibo.members import rules

    summary = run.summaries.setdefault(sheet.name, Summary())
    by_card, by_cid, by_key, who = {}, {}, {}, {}
    for m in Member.objects.only(
        "pk", "party_card_number", "citizen_id", "full_name", "birth_date", "admission_date"
    ):
        who[m.pk] = (m.full_name, m.birth_date)
        if m.party_card_number:
            by_card[m.party_card_number] = m.pk
        if m.citizen_id:
            by_cid[m.citizen_id] = m.pk
        by_key[(vn.fold(m.full_name), m.birth_date, m.admission_date)] = m.pk
    for row in rows:
        a = row.attrs
        a["citizen_id"] = (a.get("citizen_id") or "").replace(" ", "") or None
        a["party_card_number"] = a.get("party_card_number") or None
        a["ethnicity"] = rules.canonical_ethnicity(a.get("ethnicity") or "") or a.get("ethnicity")
    # The register's rules, and numbers repeated in the sheet; a number already in chibo is how
    # a row finds its member (matched below), not a duplicate.
    records = [rules.Record(r.attrs, key=r.number, name=r.attrs.get("full_name", "")) for r in rows]
    errors, warnings = rules.review(records, on=run.on, in_database=False)
    for f in errors:
        run.error(sheet, f.key, _header(sheet, f.field), f.message)
    for f in warnings:
        run.warn(sheet, f.key, _header(sheet, f.field), f.message)
    seen_ref = {}
    new, matched = [], []
    for row in rows:
        a = row.attrs
        ref = a.get("ref")
        if ref and ref in seen_ref:
            run.error(
                sheet,
                row.number,
                "Số hiệu",
                _("«%(v)s» trùng với dòng %(n)s.") % {"v": ref, "n": seen_ref[ref]},
            )
        elif ref:
            seen_ref[ref] = row.number
        cell_code = a.get("cell")
        cell_pk = run.refs.get("org", cell_code)
        if cell_pk is None:
            run.error(
                sheet,
                row.number,
                "Mã chi bộ",
                _("Không có chi bộ mã «%(c)s» trong tệp hay trong dữ liệu.") % {"c": cell_code}
                + run.refs.unknown("org", cell_code),
            )
            continue
        if not run.can_write_org(cell_pk):
            run.error(
                sheet,
                row.number,
                "Mã chi bộ",
                _("Tổ chức «%(c)s» nằm ngoài phạm vi bạn được nhập.") % {"c": cell_code},
            )
            continue
        a["cell_id"] = cell_pk
        a["status"] = a.get("status") or Status.ACTIVE
        a["theory_level"] = a.get("theory_level") or "none"
        a["religion"] = a.get("religion") or "Không"
        if a["status"] != Status.ACTIVE and not a.get("status_since"):
            run.error(
                sheet,
                row.number,
                "Trạng thái từ ngày",
                _("Cần ngày của trạng thái «%(s)s».") % {"s": Status(a["status"]).label},
            )
        by_number = {
            label: found
            for label, found in (
                (
                    "Số thẻ đảng viên",
                    a["party_card_number"] and by_card.get(a["party_card_number"]),
                ),
                ("Số CCCD", a["citizen_id"] and by_cid.get(a["citizen_id"])),
            )
            if found
        }
        if len(set(by_number.values())) > 1:
            run.error(
                sheet,
                row.number,
                "Số CCCD",
                _("Số thẻ và số CCCD của dòng này thuộc về hai đảng viên khác nhau trong chibo."),
            )
            continue
        pk = next(iter(by_number.values()), None) or by_key.get(_member_key(a))
        if pk and by_number:
            # A number already in chibo: the same person, unless name and birth date both differ.
            name, born = who[pk]
            same_name = vn.fold(name) == vn.fold(a.get("full_name", ""))
            same_birth = born == a.get("birth_date")
            label = next(iter(by_number))
            if not same_name and not same_birth:
                run.error(
                    sheet,
                    row.number,
                    label,
                    _("%(what)s này đã là của «%(name)s» (sinh %(born)s) trong chibo.")
                    % {"what": label, "name": name, "born": day_text(born)},
                )
                continue
            if not (same_name and same_birth):
                run.warn(
                    sheet,
                    row.number,
                    label,
                    _("%(what)s này là của «%(name)s» (sinh %(born)s): hồ sơ sẽ được sửa theo tệp.")
                    % {"what": label, "name": name, "born": day_text(born)},
                )
        if pk:
            matched.append((row, pk))
        else:
            new.append(row)
    cells = {o.pk: o for o in Organization.objects.filter(pk__in={r.attrs["cell_id"] for r in new})}
    for row in new:
        cell = cells.get(row.attrs["cell_id"])
        if cell is not None and cell.kind != K.CELL:
            run.error(
                sheet,
                row.number,
                "Mã chi bộ",
                _("«%(c)s» không phải chi bộ: đảng viên sinh hoạt ở chi bộ.") % {"c": cell.code},
            )
    if run.errors:
        run.placeholders("member", [r.attrs.get("ref") for r in rows])
        return
    objs = []
    for row in new:
        a = row.attrs
        m = Member(**{k: a.get(k) for k in EDITABLE_FIELDS if k in a})
        for k in EDITABLE_FIELDS:
            if getattr(m, k) is None and not Member._meta.get_field(k).null:
                setattr(m, k, "")
        m.cell_id = a["cell_id"]
        m.status = a["status"]
        m.status_since = a.get("status_since")
        m.refresh_derived()
        objs.append(m)
    Member.objects.bulk_create(objs, batch_size=1000)
    counts.refresh({m.cell_id for m in objs})  # the counters of the cells they joined
    for row, m in zip(new, objs, strict=True):
        run.refs.add("member", row.attrs["ref"], m.pk)
        run.audit(AuditEvent.Action.CREATE, m, {})
    summary.created += len(objs)
    run.state["new_members"] = {m.pk: row.attrs for row, m in zip(new, objs, strict=True)}
    _update_members(run, sheet, matched, summary)
    run.finalizers.append(_default_memberships)
    run.finalizers.append(_default_status_changes)


def _header(sheet, attr) -> str:
    return next((c.header for c in sheet.columns if c.attr == attr), attr)


def _update_members(run, sheet, matched, summary):
    """Existing members: changed record fields are updated (audited); a change of cell or
    status goes through the dated services, on the row's dates."""
    if not matched:
        return
    members = Member.objects.in_bulk([pk for _row, pk in matched])
    for row, pk in matched:
        a = row.attrs
        run.refs.add("member", a["ref"], pk)
        if not _differs(a, members[pk]):
            summary.unchanged += 1  # the usual case of a re-import: no savepoint, no query
            continue
        try:
            with transaction.atomic():
                changed = _update_member(run, sheet, row, members[pk])
        except ValidationError as exc:
            for message in exc.messages:
                run.error(sheet, row.number, "", f"{a.get('full_name', '')}: {message}")
            continue
        if changed:
            summary.updated += 1
        else:
            summary.unchanged += 1


def _changed_fields(a, m) -> dict:
    """The record fields the row changes (a blank cell over a blank field is no change)."""
    fields = {k: a[k] for k in EDITABLE_FIELDS if k in a and getattr(m, k) != a[k]}
    return {k: v for k, v in fields.items() if not (v in ("", None) and not getattr(m, k))}


def _differs(a, m) -> bool:
    return bool(_changed_fields(a, m)) or a["cell_id"] != m.cell_id or a["status"] != m.status


def _update_member(run, sheet, row, m) -> bool:
    from chibo.members import services

    a = row.attrs
    fields = _changed_fields(a, m)
    changed = bool(fields)
    if fields:
        services.member_update(member=m, actor=run.actor, **fields)
    if a["status"] == Status.TRANSFERRED_OUT and a["cell_id"] != m.cell_id:
        # The file knows the member left one of its cells; chibo knows where they went (a
        # subtree's export loaded back where it came from): nothing to change.
        return changed
    if a["cell_id"] != m.cell_id and a["status"] in IN_CELL_STATUSES:
        on = a.get("joined_cell_on")
        if on is None:
            run.error(
                sheet,
                row.number,
                "Sinh hoạt ở chi bộ từ ngày",
                _("Đảng viên chuyển chi bộ: cần ngày bắt đầu sinh hoạt ở chi bộ mới."),
            )
            return changed
        services.member_transfer(
            member=m, to_cell=Organization.objects.get(pk=a["cell_id"]), on=on, actor=run.actor
        )
        changed = True
    if a["status"] != m.status:
        services.member_change_status(
            member=Member.objects.get(pk=m.pk),
            status=a["status"],
            on=a["status_since"] or run.on,
            actor=run.actor,
            note=run.note,
        )
        changed = True
    return changed


def _default_memberships(run):
    """New members without a row in «Quá trình sinh hoạt» get one membership: from the day they
    joined the cell (else their admission) to the day they left it (a status that leaves)."""
    new = run.state.get("new_members", {})
    if not new:
        return
    having = set(
        Membership.objects.filter(member_id__in=list(new)).values_list("member_id", flat=True)
    )
    ships = []
    for pk, a in new.items():
        if pk in having:
            continue
        end = a.get("status_since") if a["status"] not in IN_CELL_STATUSES else None
        start = a.get("joined_cell_on") or a["admission_date"]
        if end is not None and end <= start:
            end = start + datetime.timedelta(days=1)
        ships.append(
            Membership(
                member_id=pk,
                cell_id=a["cell_id"],
                start=start,
                end=end,
                reason=membership_reason(start, a["admission_date"]),
            )
        )
    Membership.objects.bulk_create(ships, batch_size=2000)


def prepare_membership(attrs, run):
    """A row of «Quá trình sinh hoạt» without «Lý do»: membership_reason from its start and
    the member's admission day (read once for the file, only when a row needs them)."""
    if attrs.get("reason"):
        return
    admitted = run.state.get("admission_dates")
    if admitted is None:
        admitted = run.state["admission_dates"] = dict(
            Member.objects.values_list("pk", "admission_date")
        )
    attrs["reason"] = membership_reason(attrs["start"], admitted.get(attrs["member_id"]))


def _default_status_changes(run):
    """New members whose status is not «Đang sinh hoạt» get the dated change that
    members.services.member_change_status would have written, on «Trạng thái từ ngày», unless
    «Thay đổi trạng thái» holds it: the statistics, the movements and the status on a past day
    read these rows, not the member's current status. The previous status is that of the
    member's last earlier change in the file, else «Đang sinh hoạt»."""
    new = run.state.get("new_members", {})
    waiting = {
        pk: a for pk, a in new.items() if a["status"] != Status.ACTIVE and a.get("status_since")
    }
    if not waiting:
        return
    history = defaultdict(list)
    for member_id, on, status in StatusChange.objects.filter(
        member_id__in=list(waiting)
    ).values_list("member_id", "on", "status"):
        history[member_id].append((on, status))
    changes = []
    for pk, a in waiting.items():
        status, on = a["status"], a["status_since"]
        if (on, status) in history[pk]:
            continue
        earlier = sorted(day_status for day_status in history[pk] if day_status[0] < on)
        changes.append(
            StatusChange(
                member_id=pk,
                status=status,
                previous=earlier[-1][1] if earlier else Status.ACTIVE,
                kind=status_kind(status),
                on=on,
                note=run.note,
                actor_id=run.actor_id,
            )
        )
    StatusChange.objects.bulk_create(changes, batch_size=2000)
    for change in changes:
        what = {"status": [change.previous, change.status], "on": [None, change.on.isoformat()]}
        if change.kind:
            what["kind"] = [None, change.kind]
        run.audit_row(
            AuditEvent.Action.STATUS,
            "members.member",
            change.member_id,
            new[change.member_id].get("full_name", ""),
            what,
        )


def export_members(ctx):
    qs = Member.objects.filter(pk__in=list(ctx.member_ref)).order_by("sort_key", "id")
    joined = {}
    for member_id, start in Membership.objects.filter(
        member_id__in=list(ctx.member_ref), end__isnull=True
    ).values_list("member_id", "start"):
        joined[member_id] = start
    # Read as values: a district's 10.000 members without a model instance each.
    fields = ("pk", "cell_id", "status", "status_since", *EDITABLE_FIELDS)
    for row in qs.values(*fields).iterator(chunk_size=2000):
        pk = row.pop("pk")
        row.update(
            ref=ctx.member_ref[pk],
            cell=ctx.org(row.pop("cell_id")),
            joined_cell_on=joined.get(pk),
        )
        if pk in ctx.left:
            cell_id, left_on = ctx.left[pk]
            row.update(cell=ctx.org(cell_id), joined_cell_on=None)
            if left_on is not None and row["status"] in IN_CELL_STATUSES:
                row.update(status=Status.TRANSFERRED_OUT, status_since=left_on)
        yield row


def user_loader():
    return dict(User.objects.values_list("username", "pk"))


def apply_users(run, sheet, rows):
    """Accounts are created without a password (the admin sets one); existing ones are kept."""
    summary = run.summaries.setdefault(sheet.name, Summary())
    existing = user_loader()
    new = []
    seen = {}
    for row in rows:
        a = row.attrs
        name = a["username"]
        if name in seen:
            run.error(
                sheet, row.number, "Tên đăng nhập", _("Trùng với dòng %(n)s.") % {"n": seen[name]}
            )
            continue
        seen[name] = row.number
        member_pk = None
        if a.get("member"):
            member_pk = run.refs.get("member", a["member"])
            if member_pk is None:
                run.error(
                    sheet,
                    row.number,
                    "Số hiệu đảng viên",
                    _("Không có «%(code)s» (đảng viên) trong tệp hay trong dữ liệu.")
                    % {"code": a["member"]},
                )
                continue
        if name in existing:
            summary.unchanged += 1
            continue
        user = User(
            username=name,
            full_name=a.get("full_name") or "",
            email=a.get("email") or "",
            member_id=member_pk,
            is_active=a.get("is_active", True) if a.get("is_active") is not None else True,
        )
        user.set_unusable_password()
        new.append(user)
    if run.errors:
        run.placeholders("user", [u.username for u in new])
        return
    User.objects.bulk_create(new, batch_size=1000)
    for u in new:
        run.refs.add("user", u.username, u.pk)
        run.audit(AuditEvent.Action.CREATE, u, {})
    summary.created += len(new)


def export_users(ctx):
    qs = User.objects.filter(pk__in=list(ctx.username)).order_by("username")
    for u in qs:
        yield {
            "username": u.username,
            "full_name": u.full_name,
            "email": u.email,
            "member": ctx.member(u.member_id) if u.member_id else "",
            "is_active": u.is_active,
        }
