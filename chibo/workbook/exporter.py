"""Writing the workbook: the template (headers and instructions only) and the export of
everything under an organization, history included, in the same layout."""

import io

from django.utils import translation

from . import schema, spec, xlsxwrite
from .context import export_context, rows_from
from .engine import gc_paused

INSTRUCTIONS = [
    "Sổ dữ liệu chibo: mỗi trang một loại dữ liệu; giữ nguyên tên trang và dòng tiêu đề.",
    "Chỉ cần những trang bạn có dữ liệu: có thể xóa các trang khác. Trang nào cũng bắt đầu "
    "dữ liệu từ dòng 2.",
    "Cột có dấu * là bắt buộc. Ngày ghi dạng dd/mm/yyyy (ví dụ 02/03/1980); «Có»/«Không» cho "
    "cột đúng/sai; các lựa chọn ghi đúng như danh sách ở dưới.",
    "Các trang gọi nhau bằng mã: mã tổ chức, mã thôn, mã xã, số hiệu đảng viên, tên đăng nhập, "
    "mã lớp, mã cuộc sinh hoạt... Không dùng số thứ tự nội bộ.",
    "Bộ tiêu chí (trang Bộ tiêu chí, Tiêu chí) do quản trị Ban Tổ chức nhập; xã nhập kết quả "
    "tiêu chí và kế hoạch của các thôn, bản của mình, gọi bộ tiêu chí bằng «Mã bộ tiêu chí» "
    "của trang Bộ tiêu chí (chép các dòng của bộ từ tệp xuất của chibo) và tiêu chí bằng mã của "
    "nó trong bộ. Kế hoạch của bản gọi chỉ tiêu bằng «Mã chỉ tiêu» của trang Chỉ tiêu.",
    "Không dùng công thức; chỉ nhập giá trị.",
    "Nhập lại cùng một tệp không thay đổi gì: dòng đã có được nhận ra theo mã, số thẻ, số CCCD.",
    "Tệp có lỗi thì không dòng nào được nhập: sửa theo danh sách lỗi (trang, dòng, cột) rồi tải "
    "lên lại. Cảnh báo (dữ liệu đáng ngờ) cần được xác nhận một lần cho cả tệp.",
    "Tệp do chibo lưu (mẫu văn kiện đại hội .docx, tệp quy chế làm việc, tài liệu sinh hoạt) "
    "không có trong sổ dữ liệu: chuyển chúng bằng chibo backup/restore hoặc tải lên lại.",
    "Lệnh: chibo import-workbook TỆP [--dry-run]; xuất: chibo export-workbook --org MÃ --out TỆP.",
]


def _labels(col: spec.Col) -> dict:
    return {value: str(label) for value, label in col.choices.choices}


def _converter(col: spec.Col):
    """value -> what the cell holds: a date, a number, or text as the template asks for it."""
    if col.kind == "choice":
        labels = _labels(col)
        return lambda v: labels.get(v, v) if v else None
    if col.kind == "bool":
        return lambda v: None if v is None else ("Có" if v else "Không")
    if col.kind == "datetime":
        return spec.moment_cell
    if col.kind == "time":
        return lambda v: v.strftime("%H:%M") if v else None
    if col.kind == "decimal":
        return lambda v: None if v is None else float(v)
    if col.kind in ("date", "int"):
        return None  # the value as it is
    return _text_cell


def _table(col: spec.Col) -> dict | None:
    """What _converter(col) gives for the values a choice or bool column holds, looked up
    instead of computed (another value goes through the converter)."""
    if col.kind == "choice":
        return {**{v: label for v, label in _labels(col).items() if v}, None: None, "": None}
    if col.kind == "bool":
        return {True: "Có", False: "Không", None: None}
    return None


def _text_cell(v):
    if v.__class__ is str:  # spec.safe, inline: most cells of the export
        if not v:
            return None
        return "'" + v if v.startswith(spec.FORMULA_STARTS) else v
    return spec.safe(str(v)) if v not in (None, "") else None


_FORMULA_FIRST = frozenset(spec.FORMULA_STARTS)  # each of them one character


def _write_rows(ws, sheet, rows):
    """`rows` (fresh lists of the sheet's columns' values) converted in place and appended: a
    text cell goes through _text_cell only when it is not plain text (not a str, or starting
    like a formula), the writer leaving out an empty string as it leaves out None."""
    converters = [_converter(col) for col in sheet.columns]
    n = len(converters)
    texts = [i for i, convert in enumerate(converters) if convert is _text_cell]
    others = [
        (i, convert, _table(col))
        for i, (convert, col) in enumerate(zip(converters, sheet.columns, strict=True))
        if convert is not None and convert is not _text_cell
    ]

    def converted():
        for row in rows:
            if len(row) != n:
                raise ValueError(f"{sheet.name}: {len(row)} values for {n} columns")
            for i in texts:
                v = row[i]
                if v.__class__ is not str or v[:1] in _FORMULA_FIRST:
                    row[i] = _text_cell(v)
            for i, convert, table in others:
                v = row[i]
                if table is not None:
                    try:
                        row[i] = table[v]
                        continue
                    except (KeyError, TypeError):
                        pass
                row[i] = convert(v)
            yield row

    ws.extend(converted())


def _guide(writer):
    ws = writer.sheet(schema.GUIDE_SHEET, widths=(28, 30, 90))
    for line in INSTRUCTIONS:
        ws.append([line])
    for sheet in schema.SHEETS:
        ws.append([])
        ws.append([sheet.name, None, sheet.help], style=xlsxwrite.STYLE_BOLD)
        for col in sheet.columns:
            note = col.help
            if col.kind == "choice":
                note = ", ".join(label for v, label in _labels(col).items() if v)
            elif col.kind == "date":
                note = "dd/mm/yyyy"
            elif col.kind == "datetime":
                note = "dd/mm/yyyy hh:mm"
            elif col.kind == "bool":
                note = "Có / Không"
            elif col.kind == "ref":
                note = "mã (" + col.ref + ")"
            ws.append([None, col.title, note])


def build(root=None, *, with_data=True, progress=None) -> bytes:
    """The workbook: instructions, then one sheet per kind; rows under `root` when `with_data`
    (None: the whole database). Fixed Vietnamese, whatever the interface language."""
    out = io.BytesIO()
    with translation.override("vi"), gc_paused():
        writer = xlsxwrite.Writer(out)
        _guide(writer)
        ctx = export_context(root) if with_data else None
        for i, sheet in enumerate(schema.SHEETS):
            if progress:
                progress(i, len(schema.SHEETS), sheet.name)
            widths = [max(12, min(30, len(col.title) + 2)) for col in sheet.columns]
            ws = writer.sheet(sheet.name, widths)
            ws.append(sheet.headers, style=xlsxwrite.STYLE_BOLD)
            if ctx is None:
                continue
            if sheet.export:
                attrs = [col.attr for col in sheet.columns]
                rows = ([row.get(a) for a in attrs] for row in sheet.export(ctx))
            else:
                rows = rows_from(sheet, ctx, sheet.source(ctx))
            _write_rows(ws, sheet, rows)
        writer.close()
    return out.getvalue()
