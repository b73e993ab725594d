"""Writes of what a commune records about its leadership: the Party secretary and People's
Committee chairman (local or not), the term target for non-local leaders, and the commune
officials assessed against the qualification standard.

Each runs in a transaction, takes the acting user and audits. Writes to one commune lock its
organization row first and only then read the rows their checks depend on, so two entries for
the same post cannot both pass.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core import audit, vn
from chibo.core.dated import end_dated_row, overlap_q
from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.members.models import Member, Membership
from chibo.organizations.models import Organization
from chibo.organizations.selectors import periods_under

from ..models import CommuneLeader, CommuneOfficial, LeadershipTarget, in_force_q
from ..selectors import overlapping

LEADER_FIELDS = ["commune", "post", "full_name", "member", "is_local", "start", "end"]
TARGET_FIELDS = ["organization", "term_name", "start", "end", "nonlocal_target"]
OFFICIAL_FIELDS = [
    "commune",
    "full_name",
    "member",
    "post",
    "meets_standard",
    "reason",
    "assessed_on",
    "start",
    "end",
]


def _words(text: str) -> str:
    return " ".join((text or "").split())


def _lock_commune(commune: Organization) -> Organization:
    org = Organization.objects.select_for_update().get(pk=commune.pk)
    if not org.is_commune:
        raise ValidationError(_("Chỉ đảng bộ xã, thị trấn mới ghi được mục này."))
    return org


def _check_interval(org: Organization, start: datetime.date, end: datetime.date | None):
    if end is not None and end <= start:
        raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    if org.valid_from > start or (org.valid_to is not None and org.valid_to <= start):
        raise ValidationError(
            {
                "start": _("Ngày %(d)s tổ chức chưa thành lập hoặc đã giải thể.")
                % {"d": day_text(start)}
            }
        )


def _holder_name(org, member: Member | None, full_name: str, on: datetime.date) -> str:
    """The holder's name: the member's when one is chosen (then a member of a cell under the
    commune on `on`), else `full_name`, which is required."""
    if member is None:
        name = _words(full_name)
        if not name:
            raise ValidationError(
                {"full_name": _("Chọn một đảng viên hoặc ghi họ tên (một trong hai).")}
            )
        return name
    in_commune = Membership.objects.filter(
        in_force_q(on),
        member=member,
        cell_id__in=periods_under(org, on).values("organization_id"),
    ).exists()
    if not in_commune:
        raise ValidationError(
            {
                "member": _("%(name)s không sinh hoạt ở chi bộ nào thuộc %(org)s ngày %(d)s.")
                % {"name": member, "org": org, "d": day_text(on)}
            }
        )
    return member.full_name


def _end_row(row, end: datetime.date, actor, note=""):
    """Set the end of a dated row (locked by the caller) and audit it."""
    return end_dated_row(row=row, on=end, actor=actor, note=note)


# --- leaders ------------------------------------------------------------------------------------


@transaction.atomic
def commune_leader_assign(
    *,
    commune: Organization,
    post: str,
    is_local: bool,
    start: datetime.date,
    member: Member | None = None,
    full_name: str = "",
    end: datetime.date | None = None,
    actor,
) -> CommuneLeader:
    """Record who holds `post` (Party secretary or People's Committee chairman) of `commune` from
    `start`, local or not: a member of a cell under the commune, or a person named by
    `full_name` whose record is not kept here.

    Refused with a message: not a commune committee; end not after start; the commune not
    existing on `start`; no holder named; a member not under the commune on `start`; another
    holder of the post at any time between `start` and `end`.
    """
    org = _lock_commune(commune)
    if post not in CommuneLeader.Post.values:
        raise ValidationError({"post": _("Chức danh không hợp lệ.")})
    _check_interval(org, start, end)
    name = _holder_name(org, member, full_name, start)
    other = (
        overlapping(CommuneLeader.objects.filter(commune=org, post=post), start, end)
        .order_by("start")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "start": _(
                    "%(org)s đã có %(post)s %(name)s từ %(s)s đến %(e)s. Hãy ghi thôi chức trước "
                    "hoặc chọn ngày khác."
                )
                % {
                    "org": org,
                    "post": other.get_post_display(),
                    "name": other.full_name,
                    "s": day_text(other.start),
                    "e": day_text(other.end),
                }
            }
        )
    leader = CommuneLeader.objects.create(
        commune=org,
        post=post,
        full_name=name,
        member=member,
        is_local=is_local,
        start=start,
        end=end,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=leader,
        changes=audit.snapshot(leader, LEADER_FIELDS),
    )
    return leader


@transaction.atomic
def commune_leader_end(*, leader: CommuneLeader, end: datetime.date, actor) -> CommuneLeader:
    """Record that `leader` left the post on `end` (the first day it is no longer held)."""
    locked = CommuneLeader.objects.select_for_update().get(pk=leader.pk)
    return _end_row(locked, end, actor)


# --- the non-local leaders' target ------------------------------------------------------------


@transaction.atomic
def leadership_target_set(
    *,
    organization: Organization,
    term_name: str,
    start: datetime.date,
    end: datetime.date,
    nonlocal_target: int,
    actor,
) -> LeadershipTarget:
    """Set the term target for non-local commune leaders of `organization` (a district or
    province committee, or a commune) from `start` (included) to `end` (excluded), as every
    dated row. Targets of one organization do not overlap."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.is_cell:
        raise ValidationError(_("Chi bộ không có chỉ tiêu lãnh đạo xã."))
    term_name = _words(term_name)
    if not term_name:
        raise ValidationError({"term_name": _("Hãy nhập tên nhiệm kỳ, ví dụ 2020–2025.")})
    if end <= start:
        raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    if nonlocal_target is None or nonlocal_target < 0:
        raise ValidationError({"nonlocal_target": _("Chỉ tiêu phải là số không âm.")})
    clash = (
        LeadershipTarget.objects.filter(overlap_q(start, end), organization=org)
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "start": _("Trùng thời gian với chỉ tiêu nhiệm kỳ %(n)s (%(s)s – %(e)s).")
                % {"n": clash.term_name, "s": day_text(clash.start), "e": day_text(clash.end)}
            }
        )
    target = LeadershipTarget.objects.create(
        organization=org,
        term_name=term_name,
        start=start,
        end=end,
        nonlocal_target=nonlocal_target,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=target,
        changes=audit.snapshot(target, TARGET_FIELDS),
    )
    return target


# --- officials --------------------------------------------------------------------------------


def _assessment(meets_standard: bool, reason: str, assessed_on: datetime.date) -> str:
    """The reason to keep; a reason is required when the standard is not met, and only then."""
    reason = _words(reason)
    errors = {}
    if not meets_standard and not reason:
        errors["reason"] = _("Hãy ghi lý do chưa đạt chuẩn.")
    if meets_standard and reason:
        errors["reason"] = _("Chỉ ghi lý do khi chưa đạt chuẩn.")
    if assessed_on > today():
        errors["assessed_on"] = _("Ngày đánh giá không được ở tương lai.")
    if errors:
        raise ValidationError(errors)
    return reason


@transaction.atomic
def commune_official_add(
    *,
    commune: Organization,
    post: str,
    meets_standard: bool,
    assessed_on: datetime.date,
    start: datetime.date,
    member: Member | None = None,
    full_name: str = "",
    reason: str = "",
    end: datetime.date | None = None,
    actor,
) -> CommuneOfficial:
    """Record a commune cadre or civil servant in `post` from `start`, assessed on
    `assessed_on` as meeting the qualification standard or not (then with the reason).

    Refused with a message: not a commune committee; end not after start; no holder named; a
    member not under the commune on `start`; no post; not met without a reason (or a reason
    when met); an assessment in the future; the same person already recorded in the same post
    at an overlapping time.
    """
    org = _lock_commune(commune)
    post = _words(post)
    if not post:
        raise ValidationError({"post": _("Hãy ghi chức vụ.")})
    _check_interval(org, start, end)
    name = _holder_name(org, member, full_name, start)
    reason = _assessment(meets_standard, reason, assessed_on)
    # The same person in the same post twice at one time (names compared without accents).
    same = overlapping(CommuneOfficial.objects.filter(commune=org), start, end)
    key = (vn.fold(name), vn.fold(post))
    for o in same.only("full_name", "post", "start", "end").order_by("start"):
        if (vn.fold(o.full_name), vn.fold(o.post)) == key:
            raise ValidationError(
                {
                    "start": _("%(name)s đã được ghi là %(post)s từ %(s)s đến %(e)s.")
                    % {
                        "name": o.full_name,
                        "post": o.post,
                        "s": day_text(o.start),
                        "e": day_text(o.end),
                    }
                }
            )
    official = CommuneOfficial.objects.create(
        commune=org,
        full_name=name,
        member=member,
        post=post,
        meets_standard=meets_standard,
        reason=reason,
        assessed_on=assessed_on,
        start=start,
        end=end,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=official,
        changes=audit.snapshot(official, OFFICIAL_FIELDS),
    )
    return official


@transaction.atomic
def commune_official_assess(
    *,
    official: CommuneOfficial,
    meets_standard: bool,
    assessed_on: datetime.date,
    reason: str = "",
    actor,
) -> CommuneOfficial:
    """A new assessment of `official` on `assessed_on`. The row in force then ends that day and
    a row with the new result starts it, so the earlier result and its reason stay in the
    history; on the row's first day the row itself is corrected. Returns the row in force from
    `assessed_on`."""
    row = CommuneOfficial.objects.select_for_update().get(pk=official.pk)
    reason = _assessment(meets_standard, reason, assessed_on)
    if assessed_on < row.start:
        raise ValidationError(
            {
                "assessed_on": _("Ngày đánh giá phải từ ngày giữ chức vụ (%(d)s).")
                % {"d": day_text(row.start)}
            }
        )
    if row.end is not None and row.end <= assessed_on:
        raise ValidationError(
            {
                "assessed_on": _("%(name)s đã thôi chức vụ này ngày %(d)s.")
                % {"name": row.full_name, "d": day_text(row.end)}
            }
        )
    if assessed_on < row.assessed_on:
        raise ValidationError(
            {
                "assessed_on": _("Đã có lần đánh giá sau ngày này (%(d)s).")
                % {"d": day_text(row.assessed_on)}
            }
        )
    if assessed_on == row.start:
        before = audit.snapshot(row, OFFICIAL_FIELDS)
        row.meets_standard, row.reason, row.assessed_on = meets_standard, reason, assessed_on
        row.save(update_fields=["meets_standard", "reason", "assessed_on", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=row,
            changes=audit.diff(before, audit.snapshot(row, OFFICIAL_FIELDS)),
        )
        return row
    end = row.end
    _end_row(row, assessed_on, actor, note=_("Đánh giá lại chuẩn"))
    new = CommuneOfficial.objects.create(
        commune_id=row.commune_id,
        full_name=row.full_name,
        member_id=row.member_id,
        post=row.post,
        meets_standard=meets_standard,
        reason=reason,
        assessed_on=assessed_on,
        start=assessed_on,
        end=end,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=new,
        changes=audit.snapshot(new, OFFICIAL_FIELDS),
        note=_("Đánh giá lại chuẩn"),
    )
    return new


@transaction.atomic
def commune_official_end(*, official: CommuneOfficial, end: datetime.date, actor):
    """Record that `official` left the post on `end`."""
    locked = CommuneOfficial.objects.select_for_update().get(pk=official.pk)
    return _end_row(locked, end, actor)
