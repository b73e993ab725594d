"""The lists of the committee pages as Tables (exports.Table), for the pages' .xlsx exports and
the lists behind the indicators. Reads come from selectors; this module only lays them out."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from chibo.core import indicators as registry
from chibo.core.indicators import Value

from . import rules, selectors, selectors_succession
from .exports import Table
from .indicators import successor_figure


def _yes(flag: bool) -> str:
    return _("Có") if flag else _("Không")


def url_maker(name):
    """pk -> URL of `name`, reversed once: a list of 1.000 rows does not reverse 1.000 times."""
    marker = 987654321
    pattern = reverse(name, args=[marker])
    head, tail = pattern.split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def _member_url_maker():
    return url_maker("members:detail")


def _org_url_maker():
    """org -> its committee page: the cell page for a cell, the organization page otherwise."""
    cell, other = url_maker("committees:cell"), url_maker("committees:org")
    return lambda org: cell(org.pk) if org.is_cell else other(org.pk)


def _names(positions) -> str:
    return ", ".join(p.member.full_name for p in positions)


# --- committee pages ----------------------------------------------------------------------------


def cells_table(reports) -> Table:
    org_url = _org_url_maker()
    yes, no = _yes(True), _yes(False)
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
                _names(r.deputies),
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
    member_url = _member_url_maker()
    links = [member_url(p.member_id) for p in positions]
    return Table(title or _("Quá trình giữ chức danh"), headers, rows, links)


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
                    _yes(bool(r.member_id)),
                    r.start,
                    r.end,
                ]
            )
        for c in row.checks:
            compliance.rows.append(
                [v.commune.name, v.name, row.role_model.name, c.text, str(c.label), c.detail]
            )
    return [roles, compliance]


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
            _yes(o.meets_standard),
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
    member_url = _member_url_maker()
    links = [member_url(p.member_id) for p in positions]
    headers = [_("Chi bộ"), _("Chức danh"), _("Họ và tên"), _("Lý luận chính trị")]
    return Table(title or _("Cấp ủy viên chưa đạt chuẩn lý luận"), headers, rows, links)


def succession_table(view) -> Table:
    member_url = _member_url_maker()
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
                    _yes(c.meets),
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
    rows = [[r.name, r.get_title_display(), _names(r.holders), r.term_name or "—"] for r in rows_]
    org_url = _org_url_maker()
    links = [org_url(r.org) for r in rows_]
    headers = [_("Tổ chức"), _("Chức danh"), _("Người đang giữ"), _("Nhiệm kỳ")]
    return Table(title or _("Chức danh chưa có quy hoạch"), headers, rows, links)


# --- the lists behind the indicators ------------------------------------------------------------


def _counted(table: Table, counted: list[bool]) -> Table:
    table.headers = [*table.headers, _("Tính vào chỉ số")]
    yes, no = _yes(True), _yes(False)  # translated once, not once a row
    table.rows = [[*row, yes if c else no] for row, c in zip(table.rows, counted, strict=True)]
    return table


def _cells_with_committee(org, on):
    _rule, reports = selectors.cell_reports(org, on, residential=True)
    return _counted(cells_table(reports), [r.has_committee for r in reports])


def _secretary_is_village_head(org, on):
    items = selectors.secretaries_and_heads(org, on)
    org_url = _org_url_maker()
    rows, links, counted = [], [], []
    for item in items:
        sec = item.secretary
        rows.append(
            [
                item.parent.name if item.parent else "",
                item.name,
                sec.member.full_name if sec else "",
                "; ".join(
                    f"{h.village_name}: {h.holder_name}"
                    + ("" if h.member_id else " (" + _("không phải đảng viên") + ")")
                    for h in item.heads
                ),
            ]
        )
        links.append(org_url(item.cell))
        counted.append(item.is_head)
    table = Table(
        str(registry.get("secretary_is_village_head").name),
        [_("Trực thuộc"), _("Chi bộ"), _("Bí thư"), _("Trưởng thôn, bản")],
        rows,
        links,
    )
    return _counted(table, counted)


def _nonlocal_commune_leaders(org, on):
    leaders = selectors.commune_leaders(org, on)
    return _counted(leaders_table(leaders), [not r.is_local for r in leaders])


def _commune_officials_qualified(org, on):
    shown = ("commune__name", "full_name", "post", "meets_standard", "reason", "assessed_on")
    officials = list(selectors.commune_officials(org, on).only(*shown))
    return _counted(officials_table(officials), [o.meets_standard for o in officials])


def _positions_without_successor(org, on):
    found = selectors_succession.successor_list(org, on)
    return _successor_table(found, found.keys)


def _successor_table(found, keys) -> Table:
    """The rows of the pairs `keys` of a SuccessorList, each counted when it has no successor."""
    table = missing_successor_table(found.rows(keys), title=_("Chức danh cấp ủy đang có người giữ"))
    return _counted(table, [key in found.missing for key in keys])


class LazyRows:
    """A list's (link, row) pairs laid out a slice at a time: a Paginator slices out its page,
    and only that page's rows are read and laid out. `build(keys)` gives the pairs of `keys`."""

    def __init__(self, keys, build):
        self._keys = keys
        self._build = build

    def __len__(self):
        return len(self._keys)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._build(self._keys[index])
        return self._build([self._keys[index]])[0]


@dataclass
class LazyTable:
    """A Table for a page: its title and headers, and its rows as LazyRows."""

    title: str
    headers: list
    linked_rows: LazyRows


INDICATOR_LISTS = {
    "cells_with_committee": _cells_with_committee,
    "secretary_is_village_head": _secretary_is_village_head,
    "nonlocal_commune_leaders": _nonlocal_commune_leaders,
    "nonlocal_commune_leaders_target": _nonlocal_commune_leaders,
    "commune_officials_qualified": _commune_officials_qualified,
    "positions_without_successor": _positions_without_successor,
}


def indicator_list(code: str, org, on: datetime.date) -> Table:
    """The rows behind indicator `code` for `org` on `on`; the last column says which count."""
    return INDICATOR_LISTS[code](org, on)


def indicator_page(code: str, org, on: datetime.date) -> tuple[Table | LazyTable, Value]:
    """indicator_list and the figure, for a page that shows a slice of the rows. The positions
    without a successor take the figure from the pairs they list (the count would read them
    all again) and lay out only the rows sliced out (a district has 1.340)."""
    if code == "positions_without_successor":
        found = selectors_succession.successor_list(org, on)
        head = _successor_table(found, [])
        rows = LazyRows(found.keys, lambda keys: _successor_table(found, keys).linked_rows)
        table = LazyTable(head.title, head.headers, rows)
        return table, successor_figure(found.missing, found.keys)
    return indicator_list(code, org, on), registry.get(code).compute(org, on)
