"""Reading an uploaded members .xlsx into rows keyed by Member field, refusing what is not the
template's shape.

Reading happens in two passes. A streaming pass over the sheet's XML counts the rows with
values (stopping at the limit, so a 100,000-row file is refused without being loaded) and
finds formulas; only then does python-calamine load the values.
"""

import io
import os
import posixpath
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405  expat refuses entity expansion bombs

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter

from chibo.core import vn

from .layout import COLUMNS, DATA_SHEET, EXPORT_ONLY

_MAX_COLUMNS = 60  # beyond this a stray value would make the reader allocate a huge grid
_MAX_XML_BYTES = 300 * 1024 * 1024  # uncompressed; a zip bomb is refused before reading


def _norm_header(value) -> str:
    text = " ".join(unicodedata.normalize("NFC", str(value or "")).split())
    return text.rstrip("*").strip().casefold()


_COLUMN_BY_HEADER = {_norm_header(c.header): c for c in COLUMNS}
_EXPORT_ONLY_HEADERS = {_norm_header(h) for h, _width in EXPORT_ONLY}


class SpreadsheetError(Exception):
    """The file as a whole cannot be read or has the wrong shape; `message` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class SheetRow:
    number: int
    values: dict[str, Any]


def not_xlsx():
    return SpreadsheetError(
        _(
            "Tệp không phải bảng tính Excel (.xlsx). Hãy tải mẫu, nhập dữ liệu rồi lưu dưới "
            "dạng .xlsx."
        )
    )


def open_file(file):
    if isinstance(file, (str, os.PathLike)):
        return open(file, "rb")  # noqa: SIM115  closed by parse()
    if isinstance(file, bytes):
        return io.BytesIO(file)
    return file


def stream_size(stream) -> int:
    size = getattr(stream, "size", None)
    if size is None:
        pos = stream.tell()
        size = stream.seek(0, io.SEEK_END)
        stream.seek(pos)
    return size


def local_name(tag: str) -> str:
    return tag[tag.rfind("}") + 1 :]


def _refuse_macros(zf: zipfile.ZipFile) -> None:
    """A macro-enabled workbook (.xlsm) is refused, whatever its name: its code is never read,
    but a file that carries it is not the template's."""
    names = set(zf.namelist())
    try:
        types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError):
        raise not_xlsx() from None
    if "xl/vbaProject.bin" in names or b"macroEnabled" in types:
        raise SpreadsheetError(
            _(
                "Tệp có macro (.xlsm). Hãy lưu lại dưới dạng Sổ làm việc Excel (.xlsx) rồi tải "
                "lên lại."
            )
        )


def _data_sheet(zf: zipfile.ZipFile) -> tuple[str, str]:
    """(name, path inside the zip) of the sheet the guide documents: the visible sheet named
    «Đảng viên», else the first visible sheet. A hidden sheet is never read: what the user
    sees is what is imported."""
    try:
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if zf.getinfo(name).file_size > 5 * 1024 * 1024:
                raise not_xlsx()
        book = ET.fromstring(zf.read("xl/workbook.xml"))  # noqa: S314
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ET.ParseError):
        raise not_xlsx() from None
    sheets = [el for el in book.iter() if local_name(el.tag) == "sheet"]
    if not sheets:
        raise SpreadsheetError(_("Tệp không có trang tính nào."))
    visible = [el for el in sheets if el.get("state", "visible") == "visible"]
    if not visible:
        raise SpreadsheetError(_("Tệp không có trang tính nào đang hiện."))
    sheet = next((el for el in visible if el.get("name") == DATA_SHEET), visible[0])
    rid = next((v for k, v in sheet.attrib.items() if local_name(k) == "id"), None)
    for rel in rels.iter():
        if local_name(rel.tag) == "Relationship" and rel.get("Id") == rid:
            target = rel.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
            return sheet.get("name", ""), path
    raise not_xlsx()


def _scan(stream, max_rows: int) -> list[str]:
    """Stream the sheet XML: refuse too many rows or too wide data; return formula cells."""
    formulas = []
    row_index = 0
    row_has = cell_has = cell_formula = False
    col_cache = {}
    for _event, el in ET.iterparse(stream, events=("end",)):  # noqa: S314
        local = local_name(el.tag)
        if local == "v":
            cell_has = cell_has or bool(el.text)
        elif local == "is":
            cell_has = True
        elif local == "f":
            cell_formula = True
        elif local == "c":
            if cell_has or cell_formula:
                row_has = True
                ref = el.get("r") or ""
                letters = ref.rstrip("0123456789")
                if letters:
                    col = col_cache.get(letters)
                    if col is None:
                        col = col_cache[letters] = column_index_from_string(letters)
                    if col > _MAX_COLUMNS:
                        raise SpreadsheetError(
                            _(
                                "Ô %(ref)s có dữ liệu nằm ngoài các cột của mẫu. Hãy xóa dữ liệu "
                                "thừa ở bên phải bảng."
                            )
                            % {"ref": ref}
                        )
                if cell_formula:
                    formulas.append(ref)
            cell_has = cell_formula = False
        elif local == "row":
            r = el.get("r")
            row_index = int(r) if r and r.isdigit() else row_index + 1
            if row_has and row_index > max_rows + 1:
                raise SpreadsheetError(
                    _(
                        "Tệp có quá nhiều dòng: mỗi lần chỉ nhập tối đa %(n)s dòng dữ liệu (đến "
                        "dòng %(last)s). Hãy chia thành nhiều tệp."
                    )
                    % {"n": vn.format_int(max_rows), "last": vn.format_int(max_rows + 1)}
                )
            row_has = False
            el.clear()
    return formulas


def _read_values(stream) -> list[list]:
    stream.seek(0)
    try:
        zf = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_xlsx() from None
    with zf:
        if sum(i.file_size for i in zf.infolist()) > _MAX_XML_BYTES:
            raise SpreadsheetError(_("Tệp quá lớn sau khi giải nén."))
        _refuse_macros(zf)
        sheet_name, sheet_path = _data_sheet(zf)
        try:
            with zf.open(sheet_path) as xml:
                formulas = _scan(xml, settings.CHIBO_IMPORT_MAX_ROWS)
        except KeyError:
            raise not_xlsx() from None
        except (ET.ParseError, zipfile.BadZipFile, EOFError, ValueError):
            raise SpreadsheetError(_("Tệp bị hỏng, không đọc được trang tính.")) from None
    if formulas:
        shown = ", ".join(formulas[:10])
        more = len(formulas) - 10
        raise SpreadsheetError(
            _(
                "Tệp có công thức (ô %(cells)s%(more)s). Hãy thay công thức bằng giá trị "
                "(Sao chép, rồi Dán đặc biệt → Giá trị) và tải lên lại."
            )
            % {"cells": shown, "more": _(" và %(n)s ô khác") % {"n": more} if more > 0 else ""}
        )
    stream.seek(0)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(stream)
        sheet = book.get_sheet_by_name(sheet_name) if sheet_name else book.get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=False)
    except Exception:  # calamine raises several kinds for damaged files
        raise SpreadsheetError(_("Tệp bị hỏng, không đọc được trang tính.")) from None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse(file) -> list[SheetRow]:
    """Rows of an uploaded .xlsx keyed by Member field; SpreadsheetError if the file is unusable.

    `file` is a path, bytes or a binary file object with seek(). Blank rows are skipped.
    """
    stream = open_file(file)
    try:
        head = stream.read(8)
        stream.seek(0)
        if stream_size(stream) > settings.CHIBO_IMPORT_MAX_BYTES:
            raise SpreadsheetError(
                _("Tệp lớn quá %(mb)s MB. Hãy chia thành nhiều tệp nhỏ hơn.")
                % {"mb": settings.CHIBO_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise SpreadsheetError(
                _(
                    "Tệp là bảng tính Excel kiểu cũ (.xls) hoặc có mật khẩu. Hãy bỏ mật khẩu và "
                    "lưu lại dưới dạng .xlsx."
                )
            )
        if not head.startswith(b"PK\x03\x04"):
            raise not_xlsx()
        grid = _read_values(stream)
    finally:
        if stream is not file:
            stream.close()

    if not any(not _blank(v) for row in grid for v in row):
        raise SpreadsheetError(_("Tệp trống: trang tính đầu tiên không có dữ liệu."))
    if all(_blank(v) for v in grid[0]):
        raise SpreadsheetError(
            _("Dòng 1 phải là dòng tiêu đề của mẫu. Hãy tải mẫu và nhập dữ liệu từ dòng 2.")
        )
    by_index, seen, unknown, skipped = {}, set(), [], set()
    for i, value in enumerate(grid[0]):
        if _blank(value):
            continue
        col = _COLUMN_BY_HEADER.get(_norm_header(value))
        if col is None and _norm_header(value) in _EXPORT_ONLY_HEADERS:
            skipped.add(i)  # the export's own columns (the cell's name, the status): not read
            continue
        if col is None:
            unknown.append(str(value).strip())
        elif col.field in seen:
            unknown.append(_("%(h)s (lặp lại)") % {"h": col.header})
        else:
            seen.add(col.field)
            by_index[i] = col
    missing = [c.header for c in COLUMNS if c.field not in seen]
    if unknown or any(c.required and c.field not in seen for c in COLUMNS):
        parts = []
        if missing:
            parts.append(_("thiếu cột: %(cols)s") % {"cols": ", ".join(missing)})
        if unknown:
            parts.append(_("cột không có trong mẫu: %(cols)s") % {"cols": ", ".join(unknown)})
        raise SpreadsheetError(
            _("Dòng tiêu đề không đúng mẫu (%(details)s). Hãy dùng dòng tiêu đề của tệp mẫu.")
            % {"details": "; ".join(parts)}
        )

    rows = []
    for number, raw in enumerate(grid[1:], start=2):
        if all(_blank(v) for v in raw):
            continue
        for i, value in enumerate(raw):
            if i not in by_index and i not in skipped and not _blank(value):
                raise SpreadsheetError(
                    _("Ô %(ref)s có dữ liệu nhưng cột của nó không có tiêu đề.")
                    % {"ref": f"{get_column_letter(i + 1)}{number}"}
                )
        rows.append(
            SheetRow(number, {c.field: raw[i] for i, c in by_index.items() if i < len(raw)})
        )
    if not rows:
        raise SpreadsheetError(
            _("Tệp không có dòng dữ liệu nào. Hãy nhập mỗi đảng viên một dòng, từ dòng 2.")
        )
    return rows
