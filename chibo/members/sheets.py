"""Titled tables written to one .xlsx, a sheet each (the badge lists and the statistics).

Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is written behind an
apostrophe. (committees.exports and training.exports write their own: the app layers keep
members from importing them; one home in core is issue 15's to make.)
"""

import datetime
import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]\*\?:/\\]")


def _value(ws, value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        value = "'" + value
    elif value is not None and not isinstance(value, (int, float, datetime.date)):
        value = str(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, datetime.date):
        cell.number_format = "DD/MM/YYYY"
    return cell


def workbook(sheets) -> bytes:
    """`sheets`: (title, headers, rows) each; a title is cut to a valid, unique sheet name."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    used = set()
    for i, (title, headers, rows) in enumerate(sheets, start=1):
        name = _SHEET_BAD.sub("-", str(title))[:28].strip() or f"Sheet {i}"
        if name in used:
            name = f"{name[:25]} {i}"
        used.add(name)
        ws = wb.create_sheet(name)
        for col in range(1, len(headers) + 1):
            ws.column_dimensions[get_column_letter(col)].width = 24
        header = []
        for text in headers:
            cell = _value(ws, text)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in rows:
            ws.append([_value(ws, v) for v in row])
    if not sheets:
        wb.create_sheet("—")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
