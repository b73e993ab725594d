"""Lists as tables, shown on a page and written to .xlsx the same way.

A value that a spreadsheet would read as a formula (=, +, -, @, tab, CR first) is written as
text behind an apostrophe, so a name typed as "=HYPERLINK(...)" stays a name.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from chibo.core import web

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]\*\?:/\\]")


@dataclass
class Table:
    """A titled list: header texts, rows of plain values, optional links for the first column."""

    title: str
    headers: list
    rows: list = field(default_factory=list)
    links: list = field(default_factory=list)

    @property
    def linked_rows(self):
        links = self.links or [""] * len(self.rows)
        return list(zip(links, self.rows, strict=True))


def neutralize(value):
    """Text that a spreadsheet would run as a formula, made inert; other values as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value):
    if value is None or isinstance(value, (int, float, datetime.date)):
        return value
    return neutralize(str(value))


def workbook(tables: list[Table]) -> bytes:
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    used = set()
    for i, table in enumerate(tables, start=1):
        title = _SHEET_BAD.sub(" ", str(table.title))[:28].strip() or f"Sheet {i}"
        if title in used:
            title = f"{title[:25]} {i}"
        used.add(title)
        ws = wb.create_sheet(title)
        for col in range(1, len(table.headers) + 1):
            ws.column_dimensions[get_column_letter(col)].width = 22
        header = []
        for text in table.headers:
            cell = WriteOnlyCell(ws, value=_plain(text))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in table.rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(ws, value=_plain(value))
                if isinstance(value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
                cells.append(cell)
            ws.append(cells)
    if not tables:
        wb.create_sheet("—")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(tables: list[Table], filename: str) -> HttpResponse:
    """`tables` as an .xlsx download named `filename` (core.web.xlsx_response)."""
    return web.xlsx_response(workbook(tables), filename)
