"""Writes to the village plans: the commune assigns a target, the cell submits, the commune
approves or returns with a comment. Each runs in a transaction, takes the acting user and audits
in it."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.dated import overlap_q
from chibo.core.models import AuditEvent
from chibo.core.vn import moment_text
from chibo.criteria.models import CriteriaItem, CriteriaSet
from chibo.criteria.services import year_bounds
from chibo.organizations.models import Village
from chibo.targets.models import Target
from chibo.targets.services import target_add

from .models import PlanTarget, VillagePlan
from .selectors import plan_governs

S = VillagePlan.Status


def _plan_for(village: Village, year: int) -> VillagePlan:
    plan, _created = VillagePlan.objects.select_for_update().get_or_create(
        village=village, year=year
    )
    return plan


@transaction.atomic
def target_assign(
    *,
    village: Village,
    year: int,
    name: str,
    unit: str,
    yearly_value: Decimal,
    actor,
    criteria_item: CriteriaItem | None = None,
    measure: str = Target.Measure.SUM,
) -> PlanTarget:
    """Assign `village` a target for `year` (a Target of the cell serving it, in the village's
    plan for the year, opened as a draft if it has none). Refused: a village with no serving
    cell, a plan already approved (its targets are fixed), a criteria item of a set not in force
    that year; the target's own rules (a name, a unit, a value not negative) are target_add's."""
    if village.cell_id is None:
        raise ValidationError({"village": _("Bản chưa có chi bộ phụ trách.")})
    plan = _plan_for(village, year)
    if plan.status == S.APPROVED:
        raise ValidationError(
            {"name": _("Kế hoạch năm %(y)s của bản đã được phê duyệt.") % {"y": year}}
        )
    if criteria_item is not None:
        start, end = year_bounds(year)
        in_year = CriteriaSet.objects.filter(overlap_q(start, end, "valid_from", "valid_to"))
        if not in_year.filter(pk=criteria_item.criteria_set_id).exists():
            raise ValidationError(
                {
                    "criteria_item": _("Tiêu chí %(c)s không thuộc bộ áp dụng năm %(y)s.")
                    % {"c": criteria_item, "y": year}
                }
            )
    target = target_add(
        cell=village.cell,
        year=year,
        name=name,
        unit=unit,
        yearly_value=yearly_value,
        measure=measure,
        actor=actor,
    )
    link = PlanTarget.objects.create(plan=plan, target=target, criteria_item=criteria_item)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=link,
        changes={
            "plan": plan.pk,
            "target": target.pk,
            "criteria_item": criteria_item and criteria_item.pk,
        },
    )
    return link


@transaction.atomic
def cell_target_add(
    *,
    cell,
    year: int,
    name: str,
    unit: str,
    yearly_value: Decimal,
    actor,
    measure: str = Target.Measure.SUM,
) -> Target:
    """A target the cell sets itself (target_add), refused for a year in which a village plan
    gives the cell its targets: the meetings follow only the approved plan's then."""
    if plan_governs(cell, year):
        raise ValidationError(
            {
                "year": _(
                    "Năm %(y)s xã đã giao chỉ tiêu theo kế hoạch của bản: chi bộ theo dõi các "
                    "chỉ tiêu của kế hoạch được phê duyệt, không thêm chỉ tiêu riêng."
                )
                % {"y": year}
            }
        )
    return target_add(
        cell=cell,
        year=year,
        name=name,
        unit=unit,
        yearly_value=yearly_value,
        measure=measure,
        actor=actor,
    )


def _status(plan: VillagePlan, actor, new: str, **changes) -> VillagePlan:
    before = plan.status
    plan.status = new
    for field, value in changes.items():
        setattr(plan, field, value)
    plan.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.STATUS,
        obj=plan,
        changes={"status": [before, new], **{k: str(v) for k, v in changes.items()}},
    )
    return plan


def _locked(plan: VillagePlan) -> VillagePlan:
    return VillagePlan.objects.select_for_update().select_related("village").get(pk=plan.pk)


@transaction.atomic
def plan_submit(*, plan: VillagePlan, text: str, actor) -> VillagePlan:
    """The cell sends its drafted (or corrected) plan to the commune. Refused once approved,
    while already waiting, or with no target assigned."""
    plan = _locked(plan)
    if plan.status == S.APPROVED:
        raise ValidationError({"text": _("Kế hoạch đã được phê duyệt, không gửi lại được.")})
    if plan.status == S.SUBMITTED:
        raise ValidationError({"text": _("Kế hoạch đang chờ xã phê duyệt.")})
    if not plan.targets.exists():
        raise ValidationError({"text": _("Xã chưa giao chỉ tiêu nào cho bản trong năm này.")})
    return _status(plan, actor, S.SUBMITTED, text=text.strip(), submitted_at=timezone.now())


@transaction.atomic
def plan_return(*, plan: VillagePlan, comment: str, actor) -> VillagePlan:
    """The commune returns a submitted plan with its comment (required)."""
    plan = _locked(plan)
    comment = " ".join((comment or "").split())
    if plan.status != S.SUBMITTED:
        raise ValidationError({"comment": _("Chỉ trả lại được kế hoạch đang chờ phê duyệt.")})
    if not comment:
        raise ValidationError({"comment": _("Hãy ghi ý kiến khi trả lại kế hoạch.")})
    return _status(
        plan, actor, S.RETURNED, comment=comment, decided_at=timezone.now(), decided_by=actor
    )


@transaction.atomic
def plan_approve(*, plan: VillagePlan, actor) -> VillagePlan:
    """The commune approves a submitted plan; a plan approved already is refused, naming when,
    and nothing is written."""
    plan = _locked(plan)
    if plan.status == S.APPROVED:
        raise ValidationError(
            _("Kế hoạch năm %(y)s của %(v)s đã được phê duyệt lúc %(t)s.")
            % {"y": plan.year, "v": plan.village, "t": moment_text(plan.decided_at)}
        )
    if plan.status != S.SUBMITTED:
        raise ValidationError(_("Chỉ phê duyệt được kế hoạch chi bộ đã gửi."))
    return _status(plan, actor, S.APPROVED, decided_at=timezone.now(), decided_by=actor)


def no_plan_message() -> str:
    return _("Bản chưa có kế hoạch năm này: xã giao chỉ tiêu trước.")
