"""Writes to committees: terms, positions, the committee elected at a congress. Each runs in a
transaction, takes the acting user and audits. Village posts and role models, succession plans,
and commune leaders, targets and officials are written by the services of villages, succession
and communes.

Position writes lock the organization row first (SELECT ... FOR UPDATE) and only then read the
seats, so two people filling the last seat at once are serialized: the second one reads the
first one's seat and is refused. Nothing is read before the lock that a check depends on.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.core import audit, changelog
from chibo.core.dated import end_dated_row, end_dated_rows, holds
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.members.models import Member, Membership
from chibo.organizations.models import Organization
from chibo.organizations.selectors import periods_under

from .. import rules
from ..models import CommitteeRule, Position, Term, Title, in_force_q
from ..selectors import official_counts, overlapping

# A committee chosen anew, in the organization's change log (chibo.core.changelog): the positions
# held before and after, by name, and the day.
changelog.describe(Organization, "committee", label=gettext_lazy("Cấp ủy viên"), keys=Position)
changelog.describe(Organization, "on", label=gettext_lazy("Từ ngày"), alone=True)

POSITION_FIELDS = [
    "organization",
    "term",
    "member",
    "title",
    "start",
    "end",
    "obtained",
    "decision",
]


def _lock(org: Organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=org.pk)


# --- terms --------------------------------------------------------------------------------------


@transaction.atomic
def term_create(
    *,
    organization: Organization,
    name: str,
    start: datetime.date,
    end: datetime.date,
    congress_date: datetime.date | None = None,
    actor,
) -> Term:
    """Open a committee term of `organization`; terms of one organization do not overlap."""
    org = _lock(organization)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Hãy nhập tên nhiệm kỳ, ví dụ 2025–2030.")})
    if end <= start:
        raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    clash = (
        Term.objects.filter(organization=org, start__lt=end, end__gt=start)
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "start": _("Trùng thời gian với nhiệm kỳ %(n)s (%(s)s – %(e)s).")
                % {"n": clash.name, "s": day_text(clash.start), "e": day_text(clash.end)}
            }
        )
    term = Term.objects.create(
        organization=org, name=name, start=start, end=end, congress_date=congress_date
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=term,
        changes=audit.snapshot(term, ["organization", "name", "start", "end", "congress_date"]),
    )
    return term


# --- positions ----------------------------------------------------------------------------------


def _member_in_org_on(org: Organization, member: Member, on: datetime.date) -> bool:
    ships = Membership.objects.filter(in_force_q(on), member=member)
    if org.is_cell:
        return ships.filter(cell=org).exists()
    return ships.filter(cell_id__in=periods_under(org, on).values("organization_id")).exists()


def _check_seats(org: Organization, title: str, start, end):
    """Committee size and deputies under the rule in force on `start` (cells only)."""
    try:
        rule = CommitteeRule.in_force(start)
    except CommitteeRule.DoesNotExist:
        raise ValidationError(
            {
                "start": _("Chưa có quy định về chi ủy có hiệu lực ngày %(d)s.")
                % {"d": day_text(start)}
            }
        ) from None
    official = official_counts([org.pk], start).get(org.pk, 0)
    if title == Title.COMMITTEE_MEMBER and not rules.elects_committee(rule, official):
        raise ValidationError(
            {
                "title": _(
                    "Ngày %(d)s chi bộ có %(n)s đảng viên chính thức, dưới %(t)s (%(src)s): chỉ "
                    "bầu bí thư và tối đa %(dep)s phó bí thư, không có chi ủy viên."
                )
                % {
                    "d": day_text(start),
                    "n": official,
                    "t": rule.committee_threshold,
                    "src": rule.source,
                    "dep": rule.max_deputies,
                }
            }
        )
    seats = list(
        overlapping(Position.objects.filter(organization=org), start, end).values_list(
            "title", "start", "end"
        )
    )
    allowed = rules.allowed_size(rule, official)
    taken = rules.max_in_force([(s, e) for _t, s, e in seats], start, end)
    if taken + 1 > allowed:
        raise ValidationError(
            _(
                "Chi bộ có %(n)s đảng viên chính thức ngày %(d)s: tối đa %(max)s người giữ chức "
                "danh (%(src)s), đã có %(taken)s. Hãy kết thúc một chức danh trước."
            )
            % {
                "n": official,
                "d": day_text(start),
                "max": allowed,
                "src": rule.source,
                "taken": taken,
            }
        )
    if title == Title.DEPUTY_SECRETARY:
        deputies = rules.max_in_force(
            [(s, e) for t, s, e in seats if t == Title.DEPUTY_SECRETARY], start, end
        )
        if deputies + 1 > rule.max_deputies:
            raise ValidationError(
                {
                    "title": _("Tối đa %(max)s phó bí thư (%(src)s), đã có %(n)s.")
                    % {"max": rule.max_deputies, "src": rule.source, "n": deputies}
                }
            )


def _assign(
    org: Organization, *, member, title, start, end, obtained, term, decision, actor
) -> Position:
    """The checks and the insert of position_assign; `org` is locked by the caller."""
    if end is not None and end <= start:
        raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    if title not in Title.values:
        raise ValidationError({"title": _("Chức danh không hợp lệ.")})
    if org.is_cell and title not in rules.CELL_TITLES:
        raise ValidationError({"title": _("Chi bộ không có chức danh này.")})
    if org.valid_from > start or (org.valid_to is not None and org.valid_to <= start):
        raise ValidationError(
            {
                "start": _("Ngày %(d)s tổ chức chưa thành lập hoặc đã giải thể.")
                % {"d": day_text(start)}
            }
        )
    if term is not None:
        if term.organization_id != org.pk:
            raise ValidationError({"term": _("Nhiệm kỳ này không thuộc tổ chức.")})
        if not holds(start, term.start, term.end):
            raise ValidationError(
                {
                    "start": _("Ngày bắt đầu nằm ngoài nhiệm kỳ %(n)s (%(s)s – %(e)s).")
                    % {"n": term.name, "s": day_text(term.start), "e": day_text(term.end)}
                }
            )
    if not _member_in_org_on(org, member, start):
        text = (
            _("%(name)s không sinh hoạt ở %(org)s ngày %(d)s.")
            if org.is_cell
            else _("%(name)s không sinh hoạt ở chi bộ nào thuộc %(org)s ngày %(d)s.")
        )
        raise ValidationError({"member": text % {"name": member, "org": org, "d": day_text(start)}})
    if not member.is_official(start):
        raise ValidationError(
            {
                "member": _(
                    "Ngày %(d)s %(name)s là đảng viên dự bị: đảng viên dự bị không giữ chức danh "
                    "trong cấp ủy."
                )
                % {"d": day_text(start), "name": member}
            }
        )
    mine = (
        overlapping(Position.objects.filter(organization=org, member=member), start, end)
        .order_by("start")
        .first()
    )
    if mine is not None:
        raise ValidationError(
            {
                "member": _("%(name)s đang giữ chức %(t)s từ %(s)s đến %(e)s.")
                % {
                    "name": member,
                    "t": mine.get_title_display(),
                    "s": day_text(mine.start),
                    "e": day_text(mine.end),
                }
            }
        )
    if title in rules.SINGLE_SEAT_TITLES:
        other = (
            overlapping(Position.objects.filter(organization=org, title=title), start, end)
            .select_related("member")
            .order_by("start")
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "start": _(
                        "%(org)s đã có %(t)s %(name)s từ %(s)s đến %(e)s. Hãy kết thúc chức danh "
                        "đó trước hoặc chọn ngày khác."
                    )
                    % {
                        "org": org,
                        "t": other.get_title_display().lower(),
                        "name": other.member,
                        "s": day_text(other.start),
                        "e": day_text(other.end),
                    }
                }
            )
    if org.is_cell:
        _check_seats(org, title, start, end)
    position = Position.objects.create(
        organization=org,
        member=member,
        title=title,
        start=start,
        end=end,
        obtained=obtained,
        term=term,
        decision=decision or "",
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=position,
        changes=audit.snapshot(position, POSITION_FIELDS),
    )
    return position


@transaction.atomic
def position_assign(
    *,
    organization: Organization,
    member: Member,
    title: str,
    start: datetime.date,
    obtained: str = Position.Obtained.ELECTED,
    term: Term | None = None,
    decision: str = "",
    end: datetime.date | None = None,
    actor,
) -> Position:
    """Seat `member` as `title` of `organization` from `start` (to `end`, if already known).

    Refused with a message: end not after start; the member not in the cell (for a commune
    committee: in no cell under it) on `start`; a probationary member; the member already
    holding a seat then; a second secretary at the same time; in a cell, the size and deputies
    of the CommitteeRule in force on `start` (below its threshold, no committee member seats).
    """
    org = _lock(organization)
    return _assign(
        org,
        member=member,
        title=title,
        start=start,
        end=end,
        obtained=obtained,
        term=term,
        decision=decision,
        actor=actor,
    )


def _end(position: Position, end: datetime.date, actor, note="") -> Position:
    return end_dated_row(row=position, on=end, actor=actor, note=note)


@transaction.atomic
def position_end(*, position: Position, end: datetime.date, actor) -> Position:
    """End a position on `end` (the first day it is no longer held)."""
    _lock(position.organization)
    locked = Position.objects.select_for_update().select_related("member").get(pk=position.pk)
    return _end(locked, end, actor)


@transaction.atomic
def position_end_many(*, positions: list[Position], end: datetime.date, actor) -> list[Position]:
    """position_end for many positions ending on `end`: their organizations and the positions
    locked in two queries, the same checks, one UPDATE and the audit events together."""
    orgs = Organization.objects.select_for_update().filter(
        pk__in={p.organization_id for p in positions}
    )
    list(orgs.order_by("pk"))  # the organizations first, as position_end locks them
    rows = Position.objects.select_for_update().select_related("member", "organization")
    locked = rows.in_bulk([p.pk for p in positions])  # with what their labels name
    return end_dated_rows(rows=[locked[p.pk] for p in positions], on=end, actor=actor)


@transaction.atomic
def record_committee_after_congress(
    *,
    organization: Organization,
    term: Term | None,
    secretary: Member,
    deputy: Member | None = None,
    members: list[Member] = (),
    on: datetime.date,
    actor,
    decision: str = "",
    deputies: list[Member] = (),
    standing: list[Member] = (),
) -> list[Position]:
    """The committee elected at a congress of a cell or a grassroots committee: every position
    of `organization` still held on `on` ends on `on`, and the secretary, the deputies (`deputy`
    and `deputies`), the standing committee's other members (`standing`, a grassroots committee
    only) and the other committee members start on `on`, all or nothing. `members` are the
    committee members besides those."""
    org = _lock(organization)
    if org.kind not in (Organization.Kind.CELL, Organization.Kind.GRASSROOTS):
        raise ValidationError(_("Chỉ dùng cho chi bộ và đảng bộ cơ sở."))
    members = list(members or [])
    all_deputies = ([deputy] if deputy else []) + list(deputies or [])
    standing = list(standing or [])
    people = [secretary] + all_deputies + standing + members
    if len({m.pk for m in people}) != len(people):
        raise ValidationError(
            _("Mỗi người chỉ giữ một chức danh trong chi ủy.")
            if org.is_cell
            else _("Mỗi người chỉ giữ một chức danh trong cấp ủy.")
        )
    held = list(
        Position.objects.select_for_update()
        .filter(organization=org)
        .filter(Q(end__isnull=True) | Q(end__gt=on))
        .select_related("member")
    )
    later = [p for p in held if p.start >= on]
    if later:
        raise ValidationError(
            _("%(name)s giữ chức %(t)s từ %(s)s, không trước ngày đại hội %(d)s.")
            % {
                "name": later[0].member,
                "t": later[0].get_title_display(),
                "s": day_text(later[0].start),
                "d": day_text(on),
            }
        )
    note = (
        _("Kết thúc khi đại hội bầu chi ủy mới")
        if org.is_cell
        else _("Kết thúc khi đại hội bầu cấp ủy mới")
    )
    for p in held:
        _end(p, on, actor, note=note)
    seats = [(secretary, Title.SECRETARY)]
    seats += [(m, Title.DEPUTY_SECRETARY) for m in all_deputies]
    seats += [(m, Title.STANDING_MEMBER) for m in standing]
    seats += [(m, Title.COMMITTEE_MEMBER) for m in members]
    created = [
        _assign(
            org,
            member=m,
            title=title,
            start=on,
            end=None,
            obtained=Position.Obtained.ELECTED,
            term=term,
            decision=decision,
            actor=actor,
        )
        for m, title in seats
    ]
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=org,
        changes={
            "committee": [[p.pk for p in held], [p.pk for p in created]],
            "on": [None, on.isoformat()],
        },
        note=(
            _("Đại hội bầu chi ủy nhiệm kỳ %(n)s")
            if org.is_cell
            else _("Đại hội bầu cấp ủy nhiệm kỳ %(n)s")
        )
        % {"n": term.name if term else "—"},
    )
    return created
