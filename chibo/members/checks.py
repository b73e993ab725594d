"""The checks every movement of a member shares (members.services and members.movements)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chibo.core.vn import day_text
from chibo.organizations.models import Organization

from .models import StatusChange


def check_cell_on(cell: Organization, on: datetime.date, field: str = "to_cell"):
    """Refuse a cell that is not a cell, did not exist on `on`, or has closed since."""
    if cell.kind != Organization.Kind.CELL:
        raise ValidationError({field: _("Hãy chọn một chi bộ.")})
    if cell.valid_from > on or (cell.valid_to is not None and cell.valid_to <= on):
        raise ValidationError(
            {
                field: _("%(cell)s không tồn tại vào ngày %(d)s (hiệu lực %(span)s).")
                % {
                    "cell": cell.name,
                    "d": day_text(on),
                    "span": f"{day_text(cell.valid_from)}–{day_text(cell.valid_to)}",
                }
            }
        )
    if cell.valid_to is not None:
        raise ValidationError(
            {
                field: _("%(cell)s đã hết hiệu lực từ %(d)s.")
                % {"cell": cell.name, "d": day_text(cell.valid_to)}
            }
        )


def check_after_last_change(member, on: datetime.date, field: str = "on"):
    """One status a day, in order: a change is dated after the member's last one (a change is
    undone by a later one, never by rewriting an earlier one)."""
    last = StatusChange.objects.filter(member=member).order_by("-on", "-id").first()
    if last is not None and on <= last.on:
        raise ValidationError(
            {
                field: _("Đã có thay đổi trạng thái ngày %(d)s (%(what)s); ngày mới phải sau đó.")
                % {"d": day_text(last.on), "what": last.get_status_display()}
            }
        )
