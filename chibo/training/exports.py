"""Training lists as .xlsx: courses, a course's participants, a contest's results."""

import datetime
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# Text that a spreadsheet program would run as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def workbook(sheet: str, headers: list[tuple[str, int]], rows) -> bytes:
    """One sheet: bold headers (text, width), then `rows` (iterables of plain values).

    Dates get dd/mm/yyyy; text that would start a formula is quoted.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    for i, (_, width) in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text, _width in headers:
        cell = WriteOnlyCell(ws, value=str(text))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "DD/MM/YYYY"
                out.append(cell)
            elif isinstance(value, Decimal):
                out.append(float(value))
            elif value is None or value == "":
                out.append(None)
            else:
                out.append(safe(str(value)) if not isinstance(value, int) else value)
        ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
