"""The committees' and positions' lists as Tables, for the pages' .xlsx exports and the lists
behind the indicators. Reads come from selectors; this module only lays them out."""

from django.utils.translation import gettext as _

from ..exports import Table
from ..tables import holder_names, member_url_maker, org_url_maker, yes_no


def cells_table(reports) -> Table:
    org_url = org_url_maker()
    yes, no = yes_no(True), yes_no(False)
    rows, links = [], []
    for r in reports:
        sec = r.secretary
        rows.append(
            [
                r.parent.name if r.parent else "",
                r.name,
                r.official,
                len(r.positions),
                r.allowed,
                sec.member.full_name if sec else "",
                holder_names(r.deputies),
                yes if r.has_committee else no,
                "; ".join(f"{f.label}: {f.message}" for f in r.flags),
            ]
        )
        links.append(org_url(r.cell))
    headers = [
        _("Trực thuộc"),
        _("Chi bộ"),
        _("Đảng viên chính thức"),
        _("Số người giữ chức danh"),
        _("Tối đa"),
        _("Bí thư"),
        _("Phó Bí thư"),
        _("Có chi ủy"),
        _("Cảnh báo"),
    ]
    return Table(_("Chi ủy các chi bộ"), headers, rows, links)


def positions_table(positions, title=None) -> Table:
    rows = [
        [
            p.get_title_display(),
            p.member.full_name,
            p.start,
            p.end,
            p.get_obtained_display(),
            p.term.name if p.term_id else "",
            p.decision,
        ]
        for p in positions
    ]
    headers = [
        _("Chức danh"),
        _("Họ và tên"),
        _("Từ ngày"),
        _("Đến ngày"),
        _("Hình thức"),
        _("Nhiệm kỳ"),
        _("Quyết định"),
    ]
    member_url = member_url_maker()
    links = [member_url(p.member_id) for p in positions]
    return Table(title or _("Quá trình giữ chức danh"), headers, rows, links)
