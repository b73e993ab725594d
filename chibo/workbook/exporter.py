"""Writing the workbook: the template (headers and instructions only) and the export of
everything under an organization, history included, in the same layout."""

import datetime
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import schema, spec
from .special import export_context

_BOLD = Font(bold=True)

INSTRUCTIONS = [
    "Sổ dữ liệu chibo: mỗi trang một loại dữ liệu; giữ nguyên tên trang và dòng tiêu đề.",
    "Chỉ cần những trang bạn có dữ liệu: có thể xóa các trang khác. Trang nào cũng bắt đầu "
    "dữ liệu từ dòng 2.",
    "Cột có dấu * là bắt buộc. Ngày ghi dạng dd/mm/yyyy (ví dụ 02/03/1980); «Có»/«Không» cho "
    "cột đúng/sai; các lựa chọn ghi đúng như danh sách ở dưới.",
    "Các trang gọi nhau bằng mã: mã tổ chức, mã thôn, mã xã, số hiệu đảng viên, tên đăng nhập, "
    "mã lớp, mã cuộc sinh hoạt... Không dùng số thứ tự nội bộ.",
    "Không dùng công thức; chỉ nhập giá trị.",
    "Nhập lại cùng một tệp không thay đổi gì: dòng đã có được nhận ra theo mã, số thẻ, số CCCD.",
    "Tệp có lỗi thì không dòng nào được nhập: sửa theo danh sách lỗi (trang, dòng, cột) rồi tải "
    "lên lại. Cảnh báo (dữ liệu đáng ngờ) cần được xác nhận một lần cho cả tệp.",
    "Lệnh: chibo import-workbook TỆP [--dry-run]; xuất: chibo export-workbook --org MÃ --out TỆP.",
]


def _cell(ws, col: spec.Col, value):
    if value is None or value == "":
        return None
    if col.kind == "date" and isinstance(value, datetime.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if col.kind == "time" and isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if col.kind == "choice":
        return spec.label_of(col, value)
    if col.kind == "bool":
        return "Có" if value else "Không"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (int, float)):
        return value
    return spec.safe(str(value))


def _guide(wb):
    ws = wb.create_sheet(schema.GUIDE_SHEET)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 90
    for line in INSTRUCTIONS:
        ws.append([line])
    for sheet in schema.SHEETS:
        ws.append([])
        title = WriteOnlyCell(ws, value=sheet.name)
        title.font = _BOLD
        ws.append([title, None, sheet.help])
        for col in sheet.columns:
            note = col.help
            if col.kind == "choice":
                note = ", ".join(str(label) for v, label in col.choices.choices if v)
            elif col.kind == "date":
                note = "dd/mm/yyyy"
            elif col.kind == "bool":
                note = "Có / Không"
            elif col.kind == "ref":
                note = "mã (" + col.ref + ")"
            ws.append([None, col.title, note])


def build(root=None, *, with_data=True, progress=None) -> bytes:
    """The workbook: instructions, then one sheet per kind; rows under `root` when `with_data`
    (None: the whole database)."""
    wb = Workbook(write_only=True)
    _guide(wb)
    ctx = export_context(root) if with_data else None
    for i, sheet in enumerate(schema.SHEETS):
        if progress:
            progress(i, len(schema.SHEETS), sheet.name)
        ws = wb.create_sheet(sheet.name)
        for n, col in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(n)].width = max(12, min(30, len(col.title) + 2))
        ws.freeze_panes = "A2"
        header = []
        for col in sheet.columns:
            cell = WriteOnlyCell(ws, value=col.title)
            cell.font = _BOLD
            cell.alignment = Alignment(wrap_text=True)
            header.append(cell)
        ws.append(header)
        if ctx is None:
            continue
        for row in sheet.export(ctx):
            ws.append([_cell(ws, col, row.get(col.attr)) for col in sheet.columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
