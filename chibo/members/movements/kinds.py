"""The movements a member's record offers: each one's form, service and the statuses it applies
to. The member page (views) and the API (chibo.api.movements) read this one registry."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..models import IN_CELL_STATUSES, Status, StatusChange
from . import forms, services


@dataclass(frozen=True)
class Movement:
    title: str
    form: type
    service: object
    statuses: tuple
    done: str
    # Which cells the form offers: "write" (the user's cells), "read" (every cell they see).
    cells: str = ""


MOVEMENTS = {
    "exempt": Movement(
        _("Miễn sinh hoạt"),
        forms.ExemptForm,
        services.member_exempt,
        (Status.ACTIVE,),
        _("Đã ghi miễn sinh hoạt."),
    ),
    "end-exemption": Movement(
        _("Trở lại sinh hoạt"),
        forms.DayForm,
        services.member_end_exemption,
        (Status.EXEMPT,),
        _("Đã ghi trở lại sinh hoạt."),
    ),
    "transfer": Movement(
        _("Chuyển sinh hoạt chính thức trong đảng bộ"),
        forms.TransferWithinForm,
        services.member_transfer_within,
        IN_CELL_STATUSES,
        _("Đã chuyển sinh hoạt."),
        cells="write",
    ),
    "transfer-out": Movement(
        _("Chuyển sinh hoạt chính thức đi nơi khác"),
        forms.TransferOutForm,
        services.member_transfer_out,
        IN_CELL_STATUSES,
        _("Đã ghi chuyển đi."),
    ),
    "transfer-in": Movement(
        _("Nhận chuyển sinh hoạt đến"),
        forms.TransferInForm,
        services.member_transfer_in,
        (Status.TRANSFERRED_OUT,),
        _("Đã ghi chuyển đến."),
        cells="write",
    ),
    "temporary": Movement(
        _("Sinh hoạt tạm thời"),
        forms.TemporaryForm,
        services.member_temporary_start,
        (Status.ACTIVE,),
        _("Đã ghi sinh hoạt tạm thời."),
        cells="read",
    ),
    "temporary-end": Movement(
        _("Kết thúc sinh hoạt tạm thời"),
        forms.DayForm,
        services.member_temporary_end,
        (Status.ACTIVE,),
        _("Đã ghi kết thúc sinh hoạt tạm thời."),
    ),
    "death": Movement(
        _("Từ trần"),
        forms.DayForm,
        services.member_record_death,
        IN_CELL_STATUSES,
        _("Đã ghi từ trần."),
    ),
    "remove": Movement(
        _("Xóa tên, khai trừ"),
        forms.RemoveForm,
        services.member_remove,
        IN_CELL_STATUSES,
        _("Đã ghi quyết định."),
    ),
    "reinstate": Movement(
        _("Khôi phục (quyết định bị hủy)"),
        forms.ReinstateForm,
        services.member_reinstate,
        (Status.REMOVED,),
        _("Đã khôi phục."),
    ),
}


def available(member, open_stay: bool) -> list[tuple[str, str]]:
    """(slug, title) of the movements the member's status allows, in the page's order."""
    out = []
    for slug, mv in MOVEMENTS.items():
        if member.status not in mv.statuses:
            continue
        if slug == "temporary" and open_stay or slug == "temporary-end" and not open_stay:
            continue
        out.append((slug, mv.title))
    return out


def cells_for(scope, which: str, member):
    """The cells a movement's form offers (`which`: "write", the user's cells; "read", every
    cell they see), open ones, less the member's own while they are in it; None for none."""
    if not which:
        return None
    qs = scope.organizations().active().cells().order_by("path")
    if which == "write":
        qs = qs.filter(scope.paths_q(paths=scope.write_paths))
    return qs.exclude(pk=member.cell_id) if member.status in IN_CELL_STATUSES else qs


# The API's names of the movements (StatusChange.Kind where there is one): the registry's
# slug, and the RemoveForm's `kind` that tells a removal from an expulsion.
K = StatusChange.Kind
API_KINDS = {
    K.EXEMPTION: "exempt",
    K.RETURN: "end-exemption",
    "transfer": "transfer",
    K.TRANSFER_OUT: "transfer-out",
    K.TRANSFER_IN: "transfer-in",
    "temporary": "temporary",
    "temporary_end": "temporary-end",
    K.DEATH: "death",
    K.REMOVAL: "remove",
    K.EXPULSION: "remove",
    K.REINSTATEMENT: "reinstate",
}
