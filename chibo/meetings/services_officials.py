"""Writes for the officials who follow cells and the organizations that help especially
disadvantaged villages. Each runs in one transaction, takes the acting user and audits.

Dates are [start, end) intervals, as every dated row's are (chibo.core.dated): `end` is the first
day the official no longer follows the cell (or the organization no longer helps the village).
The accounts.RoleAssignment that gives an official read access to the cell ends on the same day.

Who may write (checked here as well as in the views, so a script or a forged form cannot do
more): officials are assigned by org-board admins (any kind) and by commune staff (commune cadres
and commune police, in their commune); helping organizations by org-board admins; visits are
recorded by anyone who may write the village's cell or commune committee. With `actor=None`
(the demo, a management command) nothing is checked but the data itself.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from chibo.accounts.models import Role, RoleAssignment, User
from chibo.accounts.scope import Scope
from chibo.core import audit
from chibo.core.dated import end_dated_row
from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.organizations.models import Organization, Village

from .models import FollowAssignment, SupportAssignment, SupportVisit

ONE_DAY = datetime.timedelta(days=1)
Kind = FollowAssignment.Kind
# Which kinds of official each assigning role may assign (and end).
KINDS_BY_ROLE = {
    Role.ORG_ADMIN: set(Kind.values),
    Role.COMMUNE_STAFF: {Kind.COMMUNE_CADRE, Kind.COMMUNE_POLICE},
}
FOLLOW_FIELDS = ["official", "cell", "kind", "start", "end", "decision", "role_assignment"]
ROLE_FIELDS = ["user", "role", "organization", "valid_from", "valid_to", "note"]
SUPPORT_FIELDS = ["village", "helper", "start", "end", "decision"]
VISIT_FIELDS = ["assignment", "on", "visitors", "activities", "recorded_by"]


# --- who may do what ------------------------------------------------------------------------


def assignable_kinds(scope: Scope, org: Organization) -> list[str]:
    """The kinds of official the user may assign to cells under `org` (empty: none)."""
    if scope.superuser:
        return list(Kind.values)
    kinds = set()
    for g in scope.grants:
        if g.role in KINDS_BY_ROLE and org.path.startswith(g.path):
            kinds |= KINDS_BY_ROLE[g.role]
    return [k for k in Kind.values if k in kinds]


def can_assign_support(scope: Scope, village: Village) -> bool:
    """Org-board admins whose node covers the village's commune committee (or its cell)."""
    if scope.superuser:
        return True
    orgs = [o for o in (village.commune.party_committee, village.cell) if o is not None]
    return any(
        g.role == Role.ORG_ADMIN and o.path.startswith(g.path) for g in scope.grants for o in orgs
    )


def village_orgs(village: Village) -> list[Organization]:
    return [o for o in (village.cell, village.commune.party_committee) if o is not None]


def can_read_village(scope: Scope, village: Village) -> bool:
    return any(scope.covers(o) for o in village_orgs(village))


def can_record_visit(scope: Scope, village: Village) -> bool:
    return any(scope.can_write(o) for o in village_orgs(village))


def eligible_helper(org: Organization) -> bool:
    """An agency grassroots organization (not a commune's; a grassroots cell of an agency, a
    school... included) or a district or province body."""
    K = Organization.Kind
    if org.kind in (K.DISTRICT_COMMITTEE, K.PROVINCE_COMMITTEE):
        return True
    return (org.kind == K.GRASSROOTS and not org.is_commune) or org.is_grassroots_cell


def first_overlap(qs, start: datetime.date, end: datetime.date | None):
    """The earliest [start, end) interval in `qs` that shares a day with [start, end)."""
    qs = qs.filter(Q(end__isnull=True) | Q(end__gt=start))
    if end is not None:
        qs = qs.filter(start__lt=end)
    return qs.order_by("start", "pk").first()


def _check_end(assignment, end: datetime.date):
    """An assignment ends once, after it began."""
    if assignment.end is not None:
        raise ValidationError(
            {"end": _("Phân công này đã kết thúc từ %(d)s.") % {"d": day_text(assignment.end)}}
        )
    if end <= assignment.start:
        raise ValidationError(
            {
                "end": _("Ngày kết thúc phải sau ngày bắt đầu (%(d)s).")
                % {"d": day_text(assignment.start)}
            }
        )


# --- officials who follow cells -------------------------------------------------------------


@dataclass
class NewAccount:
    """The account to create for a cadre who has none."""

    full_name: str
    username: str
    email: str = ""


def _check_assigner(actor, cell: Organization, kind: str):
    if actor is None:
        return
    scope = Scope.for_user(actor)
    kinds = assignable_kinds(scope, cell)
    if not kinds or not scope.covers(cell):
        raise Http404
    if kind not in kinds:
        raise ValidationError(
            {
                "kind": _(
                    "Đảng ủy xã chỉ phân công cán bộ xã và công an xã; %(k)s do Ban Tổ chức "
                    "phân công."
                )
                % {"k": Kind(kind).label}
            }
        )


def _active_on(org, on: datetime.date) -> bool:
    return org.valid_from <= on and (org.valid_to is None or org.valid_to > on)


def _create_account(account: NewAccount, actor) -> User:
    full_name = " ".join((account.full_name or "").split())
    username = (account.username or "").strip()
    email = (account.email or "").strip()
    errors = {}
    if not full_name:
        errors["full_name"] = _("Hãy nhập họ và tên của cán bộ.")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        errors["username"] = _(
            "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (không có dấu cách)."
        )
    if not username:
        errors["username"] = _("Hãy nhập tên đăng nhập.")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _(
            "Tên đăng nhập %(u)s đã có: nếu đó là cán bộ này, hãy chọn trong danh sách."
        ) % {"u": username}
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Địa chỉ thư điện tử không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    # No password yet: the system administrator sets it and the second factor with the cadre.
    user = User.objects.create_user(username=username, email=email, full_name=full_name)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=user,
        changes=audit.snapshot(user, ["username", "full_name", "email"]),
        note=_("Tài khoản cán bộ được phân công theo dõi chi bộ"),
    )
    return user


@transaction.atomic
def follow_assign(
    *,
    official: User | NewAccount,
    cell: Organization,
    kind: str,
    start: datetime.date,
    end: datetime.date | None = None,
    decision: str = "",
    actor,
) -> FollowAssignment:
    """Assign `official` (an existing user, or a NewAccount to create) to follow `cell` from
    `start` to `end` (exclusive), with the ASSIGNED_OFFICIAL role at the cell over the same days.

    Refused with a ValidationError (nothing saved): a non-cell, a cell not in force on `start`,
    an end not after the start, a kind the actor may not assign, the same official already
    following the cell over overlapping days. Http404 when the cell is outside the actor's scope.
    """
    _check_assigner(actor, cell, kind)
    # Lock the cell so that two assignments of the same official at once are serialized.
    cell = Organization.objects.select_for_update(of=("self",)).get(pk=cell.pk)
    if not cell.is_cell:
        raise ValidationError(
            {"cell": _("%(o)s không phải là chi bộ: chỉ phân công theo dõi chi bộ.") % {"o": cell}}
        )
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Loại cán bộ không hợp lệ.")})
    if end is not None and end <= start:
        raise ValidationError({"end": _("Ngày thôi theo dõi phải sau ngày bắt đầu.")})
    if not _active_on(cell, start):
        raise ValidationError(
            {
                "start": _("Ngày %(d)s chi bộ %(c)s không còn hoặc chưa hoạt động.")
                % {"d": day_text(start), "c": cell}
            }
        )
    if isinstance(official, NewAccount):
        official = _create_account(official, actor)
    elif not official.is_active:
        raise ValidationError({"official": _("Tài khoản %(u)s đã bị khóa.") % {"u": official}})
    else:
        clash = first_overlap(
            FollowAssignment.objects.filter(official=official, cell=cell), start, end
        )
        if clash is not None:
            raise ValidationError(
                {
                    "start": _(
                        "%(u)s đã được phân công theo dõi %(c)s từ %(s)s đến %(e)s: trùng thời "
                        "gian."
                    )
                    % {
                        "u": official,
                        "c": cell,
                        "s": day_text(clash.start),
                        "e": day_text(clash.end),
                    }
                }
            )
    role = RoleAssignment.objects.create(
        user=official,
        role=Role.ASSIGNED_OFFICIAL,
        organization=cell,
        valid_from=start,
        valid_to=end,
        note=(_("Theo dõi chi bộ") + (f" ({decision})" if decision else ""))[:200],
    )
    assignment = FollowAssignment.objects.create(
        official=official,
        cell=cell,
        kind=kind,
        start=start,
        end=end,
        decision=(decision or "").strip(),
        role_assignment=role,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=role,
        changes=audit.snapshot(role, ROLE_FIELDS),
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=assignment,
        changes=audit.snapshot(assignment, FOLLOW_FIELDS),
    )
    return assignment


@transaction.atomic
def follow_assign_many(
    *,
    official: User | NewAccount,
    cells: list[Organization],
    kind: str,
    start: datetime.date,
    end: datetime.date | None = None,
    decision: str = "",
    actor,
) -> list[FollowAssignment]:
    """Assign one official to follow many cells over the same days: one follow_assign per cell
    (each audited), all or nothing. The account of a NewAccount is created once.

    Refused with a ValidationError that lists every cell refused and why (nothing saved): what
    follow_assign refuses for one cell, for any of them. Http404 when a cell is outside the
    actor's scope.
    """
    unique = list({c.pk: c for c in cells}.values())
    if not unique:
        raise ValidationError({"cells": _("Hãy chọn ít nhất một chi bộ.")})
    for cell in unique:
        _check_assigner(actor, cell, kind)
    if end is not None and end <= start:
        raise ValidationError({"end": _("Ngày thôi theo dõi phải sau ngày bắt đầu.")})
    if isinstance(official, NewAccount):
        official = _create_account(official, actor)
    elif not official.is_active:
        raise ValidationError({"official": _("Tài khoản %(u)s đã bị khóa.") % {"u": official}})
    created, refused = [], []
    for cell in sorted(unique, key=lambda c: c.path):
        try:
            created.append(
                follow_assign(
                    official=official,
                    cell=cell,
                    kind=kind,
                    start=start,
                    end=end,
                    decision=decision,
                    actor=actor,
                )
            )
        except ValidationError as e:
            refused += [f"{cell}: {m}" for m in e.messages]
    if refused:
        # The outer transaction rolls back the cells already assigned (and a new account).
        raise ValidationError({"cells": refused})
    return created


@transaction.atomic
def follow_end(*, assignment: FollowAssignment, end: datetime.date, actor) -> FollowAssignment:
    """End a follow assignment on `end` (the first day without it) and the role with it."""
    assignment = (
        FollowAssignment.objects.select_for_update(of=("self",))
        .select_related("cell", "role_assignment")
        .get(pk=assignment.pk)
    )
    _check_assigner(actor, assignment.cell, assignment.kind)
    _check_end(assignment, end)
    end_dated_row(row=assignment, on=end, actor=actor)
    role = assignment.role_assignment
    if role is not None and (role.valid_to is None or role.valid_to > end):
        end_dated_row(row=role, on=end, actor=actor, field_end="valid_to")
    return assignment


# --- organizations that help especially disadvantaged villages --------------------------------


def _check_support_writer(actor, village: Village, helper: Organization | None = None):
    if actor is None:
        return
    scope = Scope.for_user(actor)
    if not can_assign_support(scope, village):
        raise Http404
    if helper is not None and not scope.covers(helper):
        raise Http404


@transaction.atomic
def support_assign(
    *,
    village: Village,
    helper: Organization,
    start: datetime.date,
    end: datetime.date | None = None,
    decision: str = "",
    actor,
) -> SupportAssignment:
    """Assign `helper` to help `village` from `start` to `end` (exclusive).

    One helping organization per village at a time (the article: each especially disadvantaged
    village is given one): an overlap with another assignment of the village is refused; to
    change the helper, end the current assignment first. Refused too: a village not especially
    disadvantaged, a helper that is not an agency grassroots organization or a district body or
    is not in force on `start`, an end not after the start.
    """
    village = (
        Village.objects.select_for_update(of=("self",))
        .select_related("commune__party_committee", "cell")
        .get(pk=village.pk)
    )
    _check_support_writer(actor, village, helper)
    if not village.especially_disadvantaged:
        raise ValidationError(
            _(
                "%(v)s không thuộc diện đặc biệt khó khăn: chỉ phân công giúp đỡ bản đặc biệt "
                "khó khăn."
            )
            % {"v": village}
        )
    if not eligible_helper(helper):
        raise ValidationError(
            {
                "helper": _(
                    "%(o)s không thể nhận giúp đỡ bản: chọn một tổ chức cơ sở đảng của cơ quan, "
                    "đơn vị hoặc cơ quan cấp huyện."
                )
                % {"o": helper}
            }
        )
    if end is not None and end <= start:
        raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    if not _active_on(helper, start):
        raise ValidationError(
            {
                "start": _("Ngày %(d)s tổ chức %(o)s không còn hoặc chưa hoạt động.")
                % {"d": day_text(start), "o": helper}
            }
        )
    clash = first_overlap(
        SupportAssignment.objects.filter(village=village).select_related("helper"), start, end
    )
    if clash is not None:
        raise ValidationError(
            {
                "start": _(
                    "%(v)s đã có %(o)s giúp đỡ từ %(s)s đến %(e)s: mỗi bản một tổ chức giúp đỡ; "
                    "hãy kết thúc phân công đó trước."
                )
                % {
                    "v": village,
                    "o": clash.helper,
                    "s": day_text(clash.start),
                    "e": day_text(clash.end),
                }
            }
        )
    assignment = SupportAssignment.objects.create(
        village=village, helper=helper, start=start, end=end, decision=(decision or "").strip()
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=assignment,
        changes=audit.snapshot(assignment, SUPPORT_FIELDS),
    )
    return assignment


@transaction.atomic
def support_end(*, assignment: SupportAssignment, end: datetime.date, actor) -> SupportAssignment:
    """End a support assignment on `end` (the first day without it); visits already recorded
    must stay inside it."""
    assignment = (
        SupportAssignment.objects.select_for_update(of=("self",))
        .select_related("village__commune__party_committee", "village__cell")
        .get(pk=assignment.pk)
    )
    _check_support_writer(actor, assignment.village)
    _check_end(assignment, end)
    last = assignment.visits.filter(on__gte=end).order_by("-on").first()
    if last is not None:
        raise ValidationError(
            {
                "end": _("Đã ghi chuyến giúp đỡ ngày %(d)s: ngày kết thúc phải sau ngày đó.")
                % {"d": day_text(last.on)}
            }
        )
    end_dated_row(row=assignment, on=end, actor=actor)
    return assignment


@transaction.atomic
def support_visit_record(
    *,
    assignment: SupportAssignment,
    on: datetime.date,
    visitors: str,
    activities: str,
    actor,
) -> SupportVisit:
    """Record a visit of the helping organization to the village: the day, who came, what was
    done. The day lies inside the assignment and not in the future; the same visit sent twice
    (a double tap) is refused."""
    assignment = (
        SupportAssignment.objects.select_for_update(of=("self",))
        .select_related("village__commune__party_committee", "village__cell", "helper")
        .get(pk=assignment.pk)
    )
    if actor is not None and not can_record_visit(Scope.for_user(actor), assignment.village):
        raise Http404
    visitors = " ".join((visitors or "").split())
    activities = (activities or "").strip()
    errors = {}
    if not visitors:
        errors["visitors"] = _("Hãy ghi những người đến giúp đỡ.")
    if not activities:
        errors["activities"] = _("Hãy ghi nội dung đã giúp đỡ.")
    if on > today():
        errors["on"] = _("Ngày %(d)s chưa đến: chỉ ghi chuyến đã thực hiện.") % {"d": day_text(on)}
    elif on < assignment.start or (assignment.end is not None and on >= assignment.end):
        last_day = assignment.end - ONE_DAY if assignment.end else None
        errors["on"] = _(
            "Ngày %(d)s ngoài thời gian %(o)s được phân công giúp đỡ (%(s)s – %(e)s)."
        ) % {
            "d": day_text(on),
            "o": assignment.helper,
            "s": day_text(assignment.start),
            "e": day_text(last_day),
        }
    if errors:
        raise ValidationError(errors)
    if assignment.visits.filter(on=on, visitors=visitors, activities=activities).exists():
        raise ValidationError(_("Chuyến giúp đỡ này đã được ghi."))
    visit = SupportVisit.objects.create(
        assignment=assignment,
        on=on,
        visitors=visitors,
        activities=activities,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=visit,
        changes=audit.snapshot(visit, VISIT_FIELDS),
    )
    return visit
