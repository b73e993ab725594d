"""Succession plans and the titles without a successor as Tables, for the page's .xlsx export
and the list behind the indicator."""

from django.utils.translation import gettext as _

from .. import rules
from ..exports import Table
from ..tables import holder_names, member_url_maker, org_url_maker, yes_no


def succession_table(view) -> Table:
    member_url = member_url_maker()
    rows, links = [], []
    for title in view.titles:
        for c in view.candidates.get(title, []):
            m = c.member
            rows.append(
                [
                    rules.Title(title).label,
                    m.full_name,
                    c.plan.approved_on,
                    m.birth_date,
                    c.age,
                    m.get_sex_display(),
                    m.ethnicity,
                    m.education,
                    m.get_theory_level_display(),
                    c.years,
                    yes_no(c.meets),
                    c.reason,
                ]
            )
            links.append(member_url(m.pk))
    headers = [
        _("Chức danh"),
        _("Họ và tên"),
        _("Ngày phê duyệt"),
        _("Ngày sinh"),
        _("Tuổi"),
        _("Giới tính"),
        _("Dân tộc"),
        _("Học vấn"),
        _("Lý luận chính trị"),
        _("Số năm tuổi Đảng"),
        _("Đạt chuẩn"),
        _("Chưa đạt"),
    ]
    return Table(_("Quy hoạch %(t)s") % {"t": view.term_name}, headers, rows, links)


def missing_successor_table(rows_, title=None) -> Table:
    rows = [
        [r.name, r.get_title_display(), holder_names(r.holders), r.term_name or "—"] for r in rows_
    ]
    org_url = org_url_maker()
    links = [org_url(r.org) for r in rows_]
    headers = [_("Tổ chức"), _("Chức danh"), _("Người đang giữ"), _("Nhiệm kỳ")]
    return Table(title or _("Chức danh chưa có quy hoạch"), headers, rows, links)
