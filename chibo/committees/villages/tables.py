"""The villages' posts and the role model's checks as Tables, for the .xlsx export."""

from django.utils.translation import gettext as _

from ..exports import Table
from ..tables import yes_no


def roles_tables(villages) -> list[Table]:
    roles = Table(
        _("Chức danh kiêm nhiệm"),
        [
            _("Xã"),
            _("Thôn, bản"),
            _("Chi bộ"),
            _("Chức danh"),
            _("Người giữ"),
            _("Đảng viên"),
            _("Từ ngày"),
            _("Đến ngày"),
        ],
    )
    compliance = Table(
        _("Mô hình"),
        [_("Xã"), _("Thôn, bản"), _("Mô hình"), _("Yêu cầu"), _("Kết quả"), _("Chi tiết")],
    )
    for row in villages:
        v = row.village
        for r in row.roles:
            roles.rows.append(
                [
                    v.commune.name,
                    v.name,
                    v.cell.name if v.cell_id else "",
                    r.get_kind_display(),
                    r.holder_name,
                    yes_no(bool(r.member_id)),
                    r.start,
                    r.end,
                ]
            )
        for c in row.checks:
            compliance.rows.append(
                [v.commune.name, v.name, row.role_model.name, c.text, str(c.label), c.detail]
            )
    return [roles, compliance]
