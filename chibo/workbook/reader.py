"""Reading a whole workbook safely: every sheet's values, after the checks that keep a hostile or
broken file from costing memory (size, zip bomb, formulas, too many rows, stray far columns).

The streaming checks are the member import's (chibo.members.spreadsheets.reading); this reads every
sheet of the workbook instead of the first.
"""

import posixpath
import re
import zipfile
from xml.etree import ElementTree as ET  # noqa: S405  expat refuses entity expansion bombs

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from chibo.core import vn
from chibo.members.spreadsheets.reading import (
    SpreadsheetError,
    local_name,
    not_xlsx,
    open_file,
    stream_size,
)

# The sheet XML is scanned as bytes (a district's workbook holds a million rows: an XML parser
# took 47 s of a 60 s import): the last row's number, formula elements, and cells beyond the
# template's columns (column CA or further: the widest sheet has 25 columns), with or without a
# namespace prefix on the element names.
_CHUNK = 4 * 1024 * 1024
_ROW = re.compile(rb"<(?:[A-Za-z0-9_]+:)?row\b[^>]*?\sr=\"(\d+)\"")
_FORMULA = re.compile(rb"<(?:[A-Za-z0-9_]+:)?f[\s>/]")
_CELL_REF = re.compile(rb"<(?:[A-Za-z0-9_]+:)?c\b[^>]*?\sr=\"([A-Z]+[0-9]+)\"")
_FAR_CELL = re.compile(rb"<(?:[A-Za-z0-9_]+:)?c\b[^>]*?\sr=\"((?:[C-Z][A-Z]|[A-Z]{3,})[0-9]+)\"")
# Quicker tests that every match of the patterns above passes (a sheet rarely has either):
# the exact pattern runs only where they find something.
_FAR_REF = re.compile(rb"r=\"(?:[C-Z][A-Z]|[A-Z]{3,})[0-9]")
_ROW_WINDOW = 64 * 1024  # the last row element of a chunk is in its last 64 KB, or look further


_FAR_COLUMN = 78  # column CA, counted from 0: the first column _FAR_CELL refuses


def _too_many_rows(max_rows: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("có quá %(n)s dòng dữ liệu. Hãy chia thành nhiều tệp.") % {"n": vn.format_int(max_rows)}
    )


def _far_cell(ref: str) -> SpreadsheetError:
    return SpreadsheetError(
        _("ô %(ref)s có dữ liệu nằm ngoài các cột của mẫu. Hãy xóa dữ liệu thừa bên phải.")
        % {"ref": ref}
    )


def _scan(xml, max_rows: int) -> list[str]:
    """Refuse too many rows or data far right of the template; return formula cells."""
    formulas: list[str] = []
    tail = b""
    while True:
        chunk = xml.read(_CHUNK)
        if not chunk:
            break
        data = tail + chunk
        last = None
        for last in _ROW.finditer(data, max(0, len(data) - _ROW_WINDOW)):  # noqa: B007
            pass  # only the last one is needed
        if last is None and len(data) > _ROW_WINDOW:
            for last in _ROW.finditer(data):  # noqa: B007
                pass
        if last is not None and int(last.group(1)) > max_rows + 1:
            raise _too_many_rows(max_rows)
        far = _FAR_CELL.search(data) if _FAR_REF.search(data) else None
        if far is not None:
            raise _far_cell(far.group(1).decode())
        for found in _FORMULA.finditer(data) if b"<f" in data or b":f" in data else ():
            if len(formulas) >= 10:
                break
            refs = list(_CELL_REF.finditer(data, 0, found.start()))
            formulas.append(refs[-1].group(1).decode() if refs else "?")
        tail = data[-256:]
    return formulas


def _sheets(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, path inside the zip) of every sheet, in the workbook's order."""
    try:
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if zf.getinfo(name).file_size > 5 * 1024 * 1024:
                raise not_xlsx()
        book = ET.fromstring(zf.read("xl/workbook.xml"))  # noqa: S314
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ET.ParseError):
        raise not_xlsx() from None
    targets = {}
    for rel in rels.iter():
        if local_name(rel.tag) == "Relationship":
            target = rel.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
            targets[rel.get("Id")] = path
    found = []
    for sheet in book.iter():
        if local_name(sheet.tag) != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if local_name(k) == "id"), None)
        if rid in targets:
            if sheet.get("state") in ("hidden", "veryHidden"):
                # What is imported must be what the user sees in the file.
                raise SpreadsheetError(
                    _(
                        "Trang «%(s)s» đang bị ẩn. Hãy hiện trang ra (chuột phải vào tên trang → "
                        "Bỏ ẩn) để kiểm tra, hoặc xóa trang, rồi tải lên lại."
                    )
                    % {"s": sheet.get("name", "")}
                )
            found.append((sheet.get("name", ""), targets[rid]))
    if not found:
        raise SpreadsheetError(_("Tệp không có trang tính nào."))
    return found


class Book:
    """The checked workbook: its sheet names, and each sheet's values read when asked for (one
    sheet in memory at a time)."""

    def __init__(self, calamine_book, names: list[str], max_rows: dict[str, int]):
        self._book = calamine_book
        self.names = names
        self._max_rows = max_rows

    def grid(self, name: str) -> list[list]:
        try:
            grid = self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # calamine raises several kinds for damaged files
            raise SpreadsheetError(
                _("Tệp bị hỏng, không đọc được trang «%(s)s».") % {"s": name}
            ) from None
        try:
            _check_grid(grid, self._max_rows[name])
        except SpreadsheetError as exc:
            raise SpreadsheetError(f"{_('Trang')} «{name}»: {exc.message}") from None
        return grid


def _check_grid(grid: list[list], max_rows: int) -> None:
    """The scan's limits again on the values read: the scan finds rows and cells by the
    positions the file gives them, and a file may leave those out (Excel writes them, the
    format does not require them); calamine then places them one after the other."""
    if len(grid) > max_rows + 1:
        raise _too_many_rows(max_rows)
    if grid and len(grid[0]) > _FAR_COLUMN:  # (calamine gives every row the same length)
        for number, row in enumerate(grid, start=1):
            for column in range(_FAR_COLUMN, len(row)):
                if row[column] not in ("", None):
                    raise _far_cell(f"{get_column_letter(column + 1)}{number}")


def read_workbook(file, *, max_rows: dict[str, int], default_max_rows: int) -> Book:
    """The workbook, checked; SpreadsheetError if the file is unusable.

    `max_rows` limits the data rows of the named sheets (others: `default_max_rows`).
    """
    stream = open_file(file)
    try:
        head = stream.read(8)
        stream.seek(0)
        limit = settings.CHIBO_WORKBOOK_MAX_BYTES
        if stream_size(stream) > limit:
            raise SpreadsheetError(
                _("Tệp lớn quá %(mb)s MB. Hãy chia thành nhiều tệp nhỏ hơn.")
                % {"mb": limit // (1024 * 1024)}
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
        try:
            zf = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise not_xlsx() from None
        with zf:
            if sum(i.file_size for i in zf.infolist()) > settings.CHIBO_WORKBOOK_MAX_XML_BYTES:
                raise SpreadsheetError(_("Tệp quá lớn sau khi giải nén."))
            sheets = _sheets(zf)
            for name, path in sheets:
                cap = max_rows.get(name, default_max_rows)
                try:
                    with zf.open(path) as xml:
                        formulas = _scan(xml, cap)
                except KeyError:
                    raise not_xlsx() from None
                except SpreadsheetError as exc:
                    raise SpreadsheetError(f"{_('Trang')} «{name}»: {exc.message}") from None
                except (ET.ParseError, zipfile.BadZipFile, EOFError, ValueError):
                    raise SpreadsheetError(
                        _("Tệp bị hỏng, không đọc được trang «%(s)s».") % {"s": name}
                    ) from None
                if formulas:
                    raise SpreadsheetError(
                        _(
                            "Trang «%(s)s» có công thức (ô %(cells)s). Hãy thay công thức bằng giá "
                            "trị (Sao chép, rồi Dán đặc biệt → Giá trị) và tải lên lại."
                        )
                        % {"s": name, "cells": ", ".join(formulas[:10])}
                    )
        stream.seek(0)
        try:
            book = python_calamine.CalamineWorkbook.from_filelike(stream)
            names = [name for name, _path in sheets]
            return Book(book, names, {n: max_rows.get(n, default_max_rows) for n in names})
        except Exception:  # calamine raises several kinds for damaged files
            raise SpreadsheetError(_("Tệp bị hỏng, không đọc được trang tính.")) from None
    finally:
        if stream is not file:
            stream.close()
