"""Writes to targets: a cell's targets for a year. Each runs in a transaction, takes the acting
user and audits in it. Monthly progress is written with the meeting record that reports it
(chibo.meetings.record)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.models import AuditEvent
from chibo.organizations.models import Organization

from .models import Target


@transaction.atomic
def target_add(
    *,
    cell: Organization,
    year: int,
    name: str,
    unit: str,
    yearly_value: Decimal,
    actor,
    measure: str = Target.Measure.SUM,
) -> Target:
    """Add one of a cell's targets for a year (the later criteria-set issue adds the commune's
    assignment and approval)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Hãy ghi tên chỉ tiêu.")})
    if not (unit or "").strip():
        raise ValidationError({"unit": _("Hãy ghi đơn vị tính của chỉ tiêu.")})
    if yearly_value is None or yearly_value < 0:
        raise ValidationError({"yearly_value": _("Kế hoạch năm không được âm.")})
    if Target.objects.filter(cell=cell, year=year, name=name, withdrawn_at__isnull=True).exists():
        raise ValidationError(
            {"name": _("Chi bộ đã có chỉ tiêu này trong năm %(y)s.") % {"y": year}}
        )
    if measure not in Target.Measure.values:
        raise ValidationError({"measure": _("Cách tính không hợp lệ.")})
    order = Target.objects.filter(cell=cell, year=year).count() + 1
    target = Target.objects.create(
        cell=cell,
        year=year,
        name=name,
        unit=" ".join(unit.split()),
        yearly_value=yearly_value,
        measure=measure,
        order=order,
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=target,
        changes=audit.snapshot(target, ["cell", "year", "name", "unit", "yearly_value", "measure"]),
    )
    return target
