"""The commune leaders', the commune officials' and the theory level's lists as Tables, for the
pages' .xlsx exports and the lists behind the indicators."""

from django.utils.translation import gettext as _

from ..exports import Table
from ..tables import member_url_maker, yes_no


def leaders_table(leaders) -> Table:
    rows = [
        [
            r.commune.name,
            r.get_post_display(),
            r.full_name,
            _("Người địa phương") if r.is_local else _("Không phải người địa phương"),
            r.start,
            r.end,
        ]
        for r in leaders
    ]
    headers = [_("Xã"), _("Chức danh"), _("Họ và tên"), _("Địa phương"), _("Từ ngày"), _("Đến")]
    return Table(_("Lãnh đạo chủ chốt xã"), headers, rows)


def officials_table(officials, title=None) -> Table:
    rows = [
        [
            o.commune.name,
            o.full_name,
            o.post,
            yes_no(o.meets_standard),
            o.reason,
            o.assessed_on,
        ]
        for o in officials
    ]
    headers = [
        _("Xã"),
        _("Họ và tên"),
        _("Chức vụ"),
        _("Đạt chuẩn"),
        _("Lý do chưa đạt"),
        _("Ngày đánh giá"),
    ]
    return Table(title or _("Cán bộ, công chức xã"), headers, rows)


def theory_table(positions, title=None) -> Table:
    rows = [
        [
            p.organization.name,
            p.get_title_display(),
            p.member.full_name,
            p.member.get_theory_level_display(),
        ]
        for p in positions
    ]
    member_url = member_url_maker()
    links = [member_url(p.member_id) for p in positions]
    headers = [_("Chi bộ"), _("Chức danh"), _("Họ và tên"), _("Lý luận chính trị")]
    return Table(title or _("Cấp ủy viên chưa đạt chuẩn lý luận"), headers, rows, links)
