"""The lists behind the committees' indicators as Tables (exports.Table), each with a last
column that says which rows count. The lists are laid out by each part's `tables` module."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from chibo.core import indicators as registry
from chibo.core.indicators import register_list
from chibo.core.web import LazyRows

from .communes import selectors as commune_selectors
from .communes.tables import leaders_table, officials_table
from .exports import Table
from .indicators import successor_figure
from .positions import selectors as position_selectors
from .positions.tables import cells_table
from .succession import selectors as succession_selectors
from .succession.tables import missing_successor_table
from .tables import org_url_maker, yes_no
from .villages import selectors as village_selectors

VIEW = "committees:indicator"  # the page that shows these lists


def _counted(table: Table, counted: list[bool]) -> Table:
    table.headers = [*table.headers, _("Tính vào chỉ số")]
    yes, no = yes_no(True), yes_no(False)  # translated once, not once a row
    table.rows = [[*row, yes if c else no] for row, c in zip(table.rows, counted, strict=True)]
    return table


def _cells_with_committee(org, on):
    _rule, reports = position_selectors.cell_reports(org, on, residential=True)
    return _counted(cells_table(reports), [r.has_committee for r in reports])


def _secretary_is_village_head(org, on):
    items = village_selectors.secretaries_and_heads(org, on)
    org_url = org_url_maker()
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
    leaders = commune_selectors.commune_leaders(org, on)
    return _counted(leaders_table(leaders), [not r.is_local for r in leaders])


def _commune_officials_qualified(org, on):
    shown = ("commune__name", "full_name", "post", "meets_standard", "reason", "assessed_on")
    officials = commune_selectors.commune_officials(org, on, only=shown)
    return _counted(officials_table(officials), [o.meets_standard for o in officials])


def _positions_without_successor(org, on):
    found = succession_selectors.successor_list(org, on)
    return _successor_table(found, found.keys)


def _successor_table(found, keys) -> Table:
    """The rows of the pairs `keys` of a SuccessorList, each counted when it has no successor."""
    table = missing_successor_table(found.rows(keys), title=_("Chức danh cấp ủy đang có người giữ"))
    return _counted(table, [key in found.missing for key in keys])


def _whole(code, table_of):
    """rows(org, on) of a list laid out whole (a district's is a few hundred rows at most)."""

    def rows(org, on):
        table = table_of(org, on)
        return table.linked_rows, {"table": table, "value": registry.get(code).compute(org, on)}

    return rows


def _register(code, table_of, rows=None):
    register_list(code, view=VIEW, rows=rows or _whole(code, table_of), table=table_of)


def _positions_without_successor_rows(org, on):
    """The figure comes from the pairs listed (the count would read them all again), and only
    the rows a page slices out are laid out (a district has 1.340)."""
    found = succession_selectors.successor_list(org, on)
    head = _successor_table(found, [])
    rows = LazyRows(found.keys, lambda keys: _successor_table(found, keys).linked_rows)
    table = LazyTable(head.title, head.headers, rows)
    return rows, {"table": table, "value": successor_figure(found.missing, found.keys)}


@dataclass
class LazyTable:
    """A Table for a page: its title and headers, and its (link, row) pairs as core.web.LazyRows,
    laid out a page at a time."""

    title: str
    headers: list
    linked_rows: LazyRows


_register("cells_with_committee", _cells_with_committee)
_register("secretary_is_village_head", _secretary_is_village_head)
_register("nonlocal_commune_leaders", _nonlocal_commune_leaders)
_register("nonlocal_commune_leaders_target", _nonlocal_commune_leaders)
_register("commune_officials_qualified", _commune_officials_qualified)
_register(
    "positions_without_successor",
    _positions_without_successor,
    rows=_positions_without_successor_rows,
)


def indicator_list(code: str, org, on: datetime.date) -> Table:
    """The rows behind indicator `code` for `org` on `on`; the last column says which count."""
    return registry.list_for(code, VIEW).table(org, on)
