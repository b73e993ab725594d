"""Writes for the officials who follow cells (the organizations that help villages are in
support_services). Each runs in one transaction, takes the acting user and audits.

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
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.organizations.models import Organization

from ..models import FollowAssignment

ONE_DAY = datetime.timedelta(days=1)
Kind = FollowAssignment.Kind
# Which kinds of official each assigning role may assign (and end).
KINDS_BY_ROLE = {
    Role.ORG_ADMIN: set(Kind.values),
    Role.COMMUNE_STAFF: {Kind.COMMUNE_CADRE, Kind.COMMUNE_POLICE},
}
FOLLOW_FIELDS = ["official", "cell", "kind", "start", "end", "decision", "role_assignment"]
ROLE_FIELDS = ["user", "role", "organization", "valid_from", "valid_to", "note"]


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


def first_overlap(qs, start: datetime.date, end: datetime.date | None):
    """The earliest [start, end) interval in `qs` that shares a day with [start, end)."""
    qs = qs.filter(Q(end__isnull=True) | Q(end__gt=start))
    if end is not None:
        qs = qs.filter(start__lt=end)
    return qs.order_by("start", "pk").first()


def check_end(assignment, end: datetime.date):
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


def active_on(org, on: datetime.date) -> bool:
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
    if not active_on(cell, start):
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
    check_end(assignment, end)
    end_dated_row(row=assignment, on=end, actor=actor)
    role = assignment.role_assignment
    if role is not None and (role.valid_to is None or role.valid_to > end):
        end_dated_row(row=role, on=end, actor=actor, field_end="valid_to")
    return assignment
