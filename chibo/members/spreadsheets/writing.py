"""Writing members .xlsx: the blank template with its guide, and a list in the import layout."""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from chibo.core import vn

from .. import rules
from .layout import (
    COLUMNS,
    DATA_SHEET,
    DATE_FIELDS,
    ETHNIC_SHEET,
    EXPORT_ONLY,
    GUIDE_SHEET,
    HELP,
    SEX_VALUES,
    THEORY_VALUES,
)

_SEX_LABEL = {v: k for k, v in SEX_VALUES.items()}
_THEORY_LABEL = {v: k for k, v in THEORY_VALUES.items()}

# Text that a spreadsheet program would run as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def build_template() -> bytes:
    """A blank .xlsx: header row, drop-down lists, and a "Hướng dẫn" sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    ws.append([c.header for c in COLUMNS])
    last = settings.CHIBO_IMPORT_MAX_ROWS + 1
    for i, col in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        ws.cell(row=1, column=i).font = Font(bold=True)
        ws.column_dimensions[letter].width = col.width
        # Text format everywhere, dates included: typed "03/02/1985" stays text and is read
        # as dd/mm/yyyy, whatever date order the computer's regional settings use.
        ws.column_dimensions[letter].number_format = "@"
        if col.kind in ("sex", "theory"):
            values = SEX_VALUES if col.kind == "sex" else THEORY_VALUES
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(values) + '"',
                allow_blank=True,
                showErrorMessage=True,
                error=_("Hãy chọn một giá trị trong danh sách."),
            )
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
        elif col.field == "ethnicity":
            # The 54 names are too long for an inline list: they live on their own sheet.
            # A warning, not a stop: "H'Mông" or "Mèo" typed by hand is read as Mông.
            dv = DataValidation(
                type="list",
                formula1=f"'{ETHNIC_SHEET}'!$A$1:$A${len(rules.ETHNIC_GROUPS)}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                error=_("Hãy chọn một trong 54 dân tộc ở trang «%(s)s».") % {"s": ETHNIC_SHEET},
            )
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "B2"

    guide = wb.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90
    notes = [
        _(
            "Nhập mỗi đảng viên một dòng ở trang «%(sheet)s», bắt đầu từ dòng 2; giữ nguyên "
            "dòng tiêu đề."
        )
        % {"sheet": DATA_SHEET},
        _("Cột có dấu * là bắt buộc. Ngày ghi dạng dd/mm/yyyy, ví dụ 02/03/1980."),
        _("Không dùng công thức; chỉ nhập giá trị. Tối đa %(n)s dòng mỗi tệp.")
        % {"n": vn.format_int(settings.CHIBO_IMPORT_MAX_ROWS)},
        _("Tệp có lỗi thì không dòng nào được nhập: sửa theo danh sách lỗi rồi tải lên lại."),
    ]
    for note in notes:
        guide.append([note])
    guide.append([])
    guide.append([_("Cột"), _("Bắt buộc"), _("Cách nhập, giá trị được nhận")])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for col in COLUMNS:
        help_text = str(HELP.get(col.field, ""))
        if col.kind == "sex":
            help_text = ", ".join(SEX_VALUES) + "."
        elif col.kind == "theory":
            help_text = ", ".join(THEORY_VALUES) + ". " + help_text
        guide.append([col.header, _("Có") if col.required else "", help_text])
        guide.cell(row=guide.max_row, column=3).alignment = Alignment(wrap_text=True)
    guide.append([])
    guide.append(
        [
            _(
                "Tệp được nhập khi không có lỗi. Các cảnh báo (ví dụ vào Đảng đã quá 12 tháng mà "
                "chưa có ngày chính thức) được liệt kê để bạn kiểm tra và xác nhận một lần cho "
                "cả tệp."
            )
        ]
    )
    ethnic = wb.create_sheet(ETHNIC_SHEET)
    ethnic.column_dimensions["A"].width = 18
    for name in rules.ETHNIC_GROUPS:
        ethnic.append([name])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _safe(text: str) -> str:
    if text and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def export(queryset, scope) -> bytes:
    """The members as .xlsx in the import layout; citizen IDs masked outside the PII scope."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET)
    widths = [col.width for col in COLUMNS] + [width for _h, width in EXPORT_ONLY]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "B2"
    bold = Font(bold=True)
    header = []
    for text in [col.header for col in COLUMNS] + [h for h, _width in EXPORT_ONLY]:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    pii = {}
    for m in queryset.iterator(chunk_size=2000):
        if m.cell_id not in pii:
            pii[m.cell_id] = scope.can_see_pii(m.cell)
        row = []
        for col in COLUMNS:
            if col.field in DATE_FIELDS:
                value = getattr(m, col.field)
                if value is None:
                    row.append(None)
                    continue
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "DD/MM/YYYY"
                row.append(cell)
                continue
            if col.field == "sex":
                value = _SEX_LABEL.get(m.sex, m.sex)
            elif col.field == "theory_level":
                value = _THEORY_LABEL.get(m.theory_level, m.theory_level)
            elif col.field == "citizen_id":
                value = (m.citizen_id or "") if pii[m.cell_id] else m.citizen_id_masked
            elif col.field == "cell_code":
                value = m.cell.code
            else:
                value = getattr(m, col.field) or ""
            row.append(_safe(value) or None)
        row += [_safe(m.cell.name), str(m.get_status_display())]
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
