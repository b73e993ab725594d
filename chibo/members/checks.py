"""The checks every movement of a member shares (members.services and members.movements)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.core.vn import day_text
from chibo.organizations.models import Organization

from .models import Status, StatusChange


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


# The statuses only a movement (members/movements) enters or leaves, because it carries their
# documents: a removal or an expulsion its deciding body and decision number, a transfer out its
# introduction letter and destination; a reinstatement its annulling decision, a transfer in its
# letter. The generic status change (the member's form, the list's bulk action, the API, the
# workbook's import) would write them without.
ENTERED_BY_MOVEMENT = {
    Status.REMOVED: gettext_lazy(
        "Xóa tên hoặc khai trừ cần cấp quyết định và số quyết định: ghi ở mục «Xóa tên, khai "
        "trừ» trên trang của đảng viên."
    ),
    Status.TRANSFERRED_OUT: gettext_lazy(
        "Chuyển sinh hoạt đi nơi khác cần số giấy giới thiệu và nơi chuyển đến: ghi ở mục "
        "«Chuyển sinh hoạt chính thức đi nơi khác» trên trang của đảng viên."
    ),
}
LEFT_BY_MOVEMENT = {
    Status.REMOVED: gettext_lazy(
        "Khôi phục đảng viên đã bị xóa tên hoặc khai trừ cần cấp quyết định và số quyết định "
        "hủy quyết định cũ: ghi ở mục «Khôi phục (quyết định bị hủy)» trên trang của đảng viên."
    ),
    Status.TRANSFERRED_OUT: gettext_lazy(
        "Nhận đảng viên chuyển đến cần số giấy giới thiệu và nơi chuyển từ: ghi ở mục «Nhận "
        "chuyển sinh hoạt đến» trên trang của đảng viên."
    ),
}


def check_generic_status(status: str, previous: str | None = None, field: str = "status"):
    """Refuse a generic status change to (or, knowing the `previous` status, from) a status
    that only a movement records with its documents (ENTERED_BY_MOVEMENT, LEFT_BY_MOVEMENT)."""
    message = ENTERED_BY_MOVEMENT.get(status) or LEFT_BY_MOVEMENT.get(previous)
    if message:
        raise ValidationError({field: message} if field else message)


def check_status_reason(status: str, note: str, field: str = "note"):
    """An exemption from activities (miễn sinh hoạt) is granted for a reason (old age, illness,
    work far away): the generic status change records it only with one, as the exemption
    movement (movements.services.member_exempt) does."""
    if status == Status.EXEMPT and not (note or "").strip():
        raise ValidationError(
            {field: _("Ghi lý do miễn sinh hoạt (tuổi cao, sức yếu, đi làm ăn xa…).")}
        )
