"""Writes for the organizations that help especially disadvantaged villages: assign a helper to a
village, end it, record a visit. Each runs in one transaction, takes the acting user and audits.

Dates are [start, end) intervals, as for the officials who follow cells (services). Helpers are
assigned and ended by org-board admins; visits are recorded by anyone who may write the village's
cell or commune committee. With `actor=None` (the demo, a management command) nothing is checked
but the data itself.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from chibo.accounts.models import Role
from chibo.accounts.scope import Scope
from chibo.core import audit
from chibo.core.dated import end_dated_row
from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.organizations.models import Organization, Village

from ..models import SupportAssignment, SupportVisit
from .services import ONE_DAY, active_on, check_end, first_overlap

SUPPORT_FIELDS = ["village", "helper", "start", "end", "decision"]
VISIT_FIELDS = ["assignment", "on", "visitors", "activities", "recorded_by"]


# --- who may do what ------------------------------------------------------------------------


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


# --- writes ------------------------------------------------------------------------------------


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
    if not active_on(helper, start):
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
    check_end(assignment, end)
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
