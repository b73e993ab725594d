"""Members as .xlsx: the column layout, the blank template, reading and checking an upload,
importing it in one transaction, and exporting a list in the same layout.

Reading happens in two passes. A streaming pass over the sheet's XML counts the rows with
values (stopping at the limit, so a 100,000-row file is refused without being loaded) and
finds formulas; only then does python-calamine load the values.
"""

import datetime
import io
import os
import posixpath
import unicodedata
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from xml.etree import ElementTree as ET  # noqa: S405  expat refuses entity expansion bombs

import python_calamine
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from chibo.core import audit, vn
from chibo.core.dates import parse_vn_date
from chibo.core.models import AuditEvent
from chibo.core.text import MESSAGE, first_refused
from chibo.organizations.models import Organization

from . import rules
from .models import Member, Membership, Sex, TheoryLevel
from .services import EDITABLE_FIELDS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA_SHEET = "Đảng viên"
GUIDE_SHEET = "Hướng dẫn"

# Values as written in the file: a file format, so fixed Vietnamese whatever the UI language.
SEX_VALUES = {"Nam": Sex.MALE, "Nữ": Sex.FEMALE}
THEORY_VALUES = {
    "Chưa qua đào tạo": TheoryLevel.NONE,
    "Sơ cấp": TheoryLevel.BASIC,
    "Trung cấp": TheoryLevel.INTERMEDIATE,
    "Cao cấp": TheoryLevel.ADVANCED,
    "Cử nhân": TheoryLevel.BACHELOR,
}
_SEX_BY_FOLD = {vn.fold(k): v for k, v in SEX_VALUES.items()}
_THEORY_BY_FOLD = {vn.fold(k): v for k, v in THEORY_VALUES.items()}
_SEX_LABEL = {v: k for k, v in SEX_VALUES.items()}
_THEORY_LABEL = {v: k for k, v in THEORY_VALUES.items()}

# Text that a spreadsheet program would run as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MAX_COLUMNS = 60  # beyond this a stray value would make the reader allocate a huge grid
_MAX_XML_BYTES = 300 * 1024 * 1024  # uncompressed; a zip bomb is refused before reading
ETHNIC_SHEET = "Dân tộc"


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # a Member field, or "cell_code"
    kind: str  # text, date, sex, theory, citizen_id, card, code
    required: bool
    width: int


COLUMNS = [
    Column("Họ và tên*", "full_name", "text", True, 26),
    Column("Tên gọi khác", "other_names", "text", False, 16),
    Column("Giới tính*", "sex", "sex", True, 10),
    Column("Ngày sinh*", "birth_date", "date", True, 12),
    Column("Nơi sinh", "birthplace", "text", False, 20),
    Column("Quê quán", "hometown", "text", False, 20),
    Column("Nơi ở hiện nay", "residence", "text", False, 24),
    Column("Dân tộc*", "ethnicity", "text", True, 12),
    Column("Tôn giáo", "religion", "text", False, 12),
    Column("Nghề nghiệp", "occupation", "text", False, 16),
    Column("Số CCCD", "citizen_id", "citizen_id", False, 15),
    Column("Số thẻ đảng viên", "party_card_number", "card", False, 14),
    Column("Ngày vào Đảng*", "admission_date", "date", True, 13),
    Column("Ngày chính thức", "official_date", "date", False, 13),
    Column("Giáo dục phổ thông", "education", "text", False, 12),
    Column("Chuyên môn", "qualification", "text", False, 18),
    Column("Lý luận chính trị", "theory_level", "theory", False, 16),
    Column("Ngoại ngữ", "foreign_language", "text", False, 12),
    Column("Tin học", "it_level", "text", False, 12),
    Column("Mã chi bộ*", "cell_code", "code", True, 12),
]
# The "Hướng dẫn" sheet: how to fill each column.
HELP = {
    "full_name": gettext_lazy("Họ, tên đệm và tên."),
    "sex": gettext_lazy("Nam hoặc Nữ."),
    "birth_date": gettext_lazy("dd/mm/yyyy, ví dụ 02/03/1980."),
    "ethnicity": gettext_lazy(
        "Một trong 54 dân tộc ở trang «Dân tộc», ví dụ: Kinh, Thái, Mông, Khơ Mú; không phân "
        "biệt dấu gạch nối, chữ hoa, chữ thường (H'Mông, Mèo được hiểu là Mông)."
    ),
    "religion": gettext_lazy("Để trống nghĩa là «Không»."),
    "citizen_id": gettext_lazy("Đúng 12 chữ số, không trùng với người khác."),
    "party_card_number": gettext_lazy("Không trùng với người khác."),
    "admission_date": gettext_lazy("dd/mm/yyyy; khi đó người vào Đảng phải đủ 18 tuổi."),
    "official_date": gettext_lazy("dd/mm/yyyy; để trống nếu còn dự bị; không trước ngày vào Đảng."),
    "education": gettext_lazy("Ví dụ: 12/12."),
    "qualification": gettext_lazy("Ví dụ: Trung cấp nông nghiệp."),
    "theory_level": gettext_lazy("Để trống nghĩa là «Chưa qua đào tạo»."),
    "cell_code": gettext_lazy("Mã của một chi bộ đang hoạt động trong phạm vi bạn được nhập."),
}
_DATE_FIELDS = {c.field for c in COLUMNS if c.kind == "date"}


def _norm_header(value) -> str:
    text = " ".join(unicodedata.normalize("NFC", str(value or "")).split())
    return text.rstrip("*").strip().casefold()


_COLUMN_BY_HEADER = {_norm_header(c.header): c for c in COLUMNS}


class SpreadsheetError(Exception):
    """The file as a whole cannot be read or has the wrong shape; `message` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class RowError(NamedTuple):
    row: int  # as Excel numbers it: the header is row 1
    column: str  # the header as in the template
    message: str


class RowWarning(NamedTuple):
    """Data the register's rules find suspicious: shown, and confirmed once for the file."""

    row: int
    column: str
    name: str  # the member's full name as in the row
    message: str  # names the member too


class ImportRejected(Exception):
    """The import found problems inside its transaction; nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class SheetRow:
    number: int
    values: dict[str, Any]


@dataclass
class CleanRow:
    number: int
    fields: dict[str, Any]
    cell: Organization = field(repr=False)
    warnings: list[rules.Finding] = field(default_factory=list, repr=False)


def warnings_of(rows: list[CleanRow]) -> list[RowWarning]:
    """The warnings of validated rows, by row and column, for the preview to confirm."""
    return [
        RowWarning(
            r.number, _HEADER_OF.get(w.field, w.field), r.fields.get("full_name", ""), w.message
        )
        for r in rows
        for w in r.warnings
    ]


# --- template --------------------------------------------------------------------------------


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


# --- reading ---------------------------------------------------------------------------------


def _not_xlsx():
    return SpreadsheetError(
        _(
            "Tệp không phải bảng tính Excel (.xlsx). Hãy tải mẫu, nhập dữ liệu rồi lưu dưới "
            "dạng .xlsx."
        )
    )


def _open(file):
    if isinstance(file, (str, os.PathLike)):
        return open(file, "rb")  # noqa: SIM115  closed by parse()
    if isinstance(file, bytes):
        return io.BytesIO(file)
    return file


def _size(stream) -> int:
    size = getattr(stream, "size", None)
    if size is None:
        pos = stream.tell()
        size = stream.seek(0, io.SEEK_END)
        stream.seek(pos)
    return size


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1 :]


def _refuse_macros(zf: zipfile.ZipFile) -> None:
    """A macro-enabled workbook (.xlsm) is refused, whatever its name: its code is never read,
    but a file that carries it is not the template's."""
    names = set(zf.namelist())
    try:
        types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError):
        raise _not_xlsx() from None
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
                raise _not_xlsx()
        book = ET.fromstring(zf.read("xl/workbook.xml"))  # noqa: S314
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ET.ParseError):
        raise _not_xlsx() from None
    sheets = [el for el in book.iter() if _local(el.tag) == "sheet"]
    if not sheets:
        raise SpreadsheetError(_("Tệp không có trang tính nào."))
    visible = [el for el in sheets if el.get("state", "visible") == "visible"]
    if not visible:
        raise SpreadsheetError(_("Tệp không có trang tính nào đang hiện."))
    sheet = next((el for el in visible if el.get("name") == DATA_SHEET), visible[0])
    rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
    for rel in rels.iter():
        if _local(rel.tag) == "Relationship" and rel.get("Id") == rid:
            target = rel.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
            return sheet.get("name", ""), path
    raise _not_xlsx()


def _scan(stream, max_rows: int) -> list[str]:
    """Stream the sheet XML: refuse too many rows or too wide data; return formula cells."""
    formulas = []
    row_index = 0
    row_has = cell_has = cell_formula = False
    col_cache = {}
    for _event, el in ET.iterparse(stream, events=("end",)):  # noqa: S314
        local = _local(el.tag)
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
        raise _not_xlsx() from None
    with zf:
        if sum(i.file_size for i in zf.infolist()) > _MAX_XML_BYTES:
            raise SpreadsheetError(_("Tệp quá lớn sau khi giải nén."))
        _refuse_macros(zf)
        sheet_name, sheet_path = _data_sheet(zf)
        try:
            with zf.open(sheet_path) as xml:
                formulas = _scan(xml, settings.CHIBO_IMPORT_MAX_ROWS)
        except KeyError:
            raise _not_xlsx() from None
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
    stream = _open(file)
    try:
        head = stream.read(8)
        stream.seek(0)
        if _size(stream) > settings.CHIBO_IMPORT_MAX_BYTES:
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
            raise _not_xlsx()
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
    by_index, seen, unknown = {}, set(), []
    for i, value in enumerate(grid[0]):
        if _blank(value):
            continue
        col = _COLUMN_BY_HEADER.get(_norm_header(value))
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
            if i not in by_index and not _blank(value):
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


# --- checking --------------------------------------------------------------------------------


class _Invalid(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise _Invalid(_("Ô chứa giá trị đúng/sai; hãy nhập chữ."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        raise _Invalid(_("Ô đang ở dạng ngày giờ; hãy định dạng ô là Văn bản (Text) rồi nhập lại."))
    text = unicodedata.normalize("NFC", str(value))
    if (ch := first_refused(text)) is not None:
        raise _Invalid(MESSAGE % {"code": f"{ord(ch):04X}"})
    # Undo the apostrophe export() puts before text that would run as a formula.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        text = text[1:]
    return " ".join(text.split())


def _date(value) -> datetime.date | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _Invalid(
            _("Ngày không hợp lệ: «%(v)s». Hãy nhập dạng dd/mm/yyyy.") % {"v": _text(value)}
        )
    if isinstance(value, (datetime.time, datetime.timedelta, bool)):
        raise _Invalid(_("Ngày không hợp lệ. Hãy nhập dạng dd/mm/yyyy."))
    try:
        return parse_vn_date(_text(value) if isinstance(value, str) else value)
    except ValueError:
        raise _Invalid(
            _("Ngày không hợp lệ: «%(v)s». Hãy nhập dạng dd/mm/yyyy.") % {"v": _text(value)}
        ) from None


def _citizen_id(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = _text(value)
        # Every CCCD starts with a 0 (province codes 001–096) that a number cell drops.
        if digits.isdigit() and 10 <= len(digits) <= 11:
            digits = digits.zfill(12)
        value = digits
    return _text(value).replace(" ", "")  # twelve digits: rules.check


def _card(value) -> str:
    """A party card number: a number cell must be a whole number not below 0 (-5 is no card)."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and (value < 0 or value != int(value)):
        raise _Invalid(_("Số thẻ đảng viên không hợp lệ: «%(v)s».") % {"v": _text(value)})
    text = _text(value)
    if text.startswith(("-", "+")):
        raise _Invalid(_("Số thẻ đảng viên không hợp lệ: «%(v)s».") % {"v": text})
    limit = Member._meta.get_field("party_card_number").max_length
    if len(text) > limit:
        raise _Invalid(_("Dài quá %(n)s ký tự.") % {"n": limit})
    return text


def _convert(col: Column, value):
    if col.kind == "date":
        return _date(value)
    if col.kind == "citizen_id":
        return _citizen_id(value)
    if col.kind == "card":
        return _card(value)
    text = _text(value)
    if col.kind == "sex" and text:
        if vn.fold(text) not in _SEX_BY_FOLD:
            raise _Invalid(_("Chỉ nhận «Nam» hoặc «Nữ»."))
        return _SEX_BY_FOLD[vn.fold(text)]
    if col.kind == "theory":
        if not text:
            return TheoryLevel.NONE
        if vn.fold(text) not in _THEORY_BY_FOLD:
            raise _Invalid(_("Chỉ nhận một trong: %(v)s.") % {"v": ", ".join(THEORY_VALUES)})
        return _THEORY_BY_FOLD[vn.fold(text)]
    if col.kind == "text":
        limit = Member._meta.get_field(col.field).max_length
        if len(text) > limit:
            raise _Invalid(_("Dài quá %(n)s ký tự.") % {"n": limit})
    return text


_HEADER_OF = {c.field: c.header for c in COLUMNS}


def _row_errors(findings: list[rules.Finding]) -> list[RowError]:
    return [RowError(f.key, _HEADER_OF[f.field], f.message) for f in findings]


def validate(rows: list[SheetRow], scope) -> tuple[list[CleanRow], list[RowError]]:
    """Check every row: values, the register's rules (rules.check), uniqueness (in the file
    and the database), cell codes. The rules' warnings ride on each CleanRow (warnings_of).

    A cell code that is missing or outside the scope's write area gets the same message.
    """
    errors: list[RowError] = []
    converted = []
    row_warnings: dict[int, list[rules.Finding]] = {}
    for row in rows:
        f = {}

        def add(name, message, number=row.number):
            errors.append(RowError(number, _HEADER_OF[name], message))

        for col in COLUMNS:
            value = row.values.get(col.field)
            try:
                f[col.field] = _convert(col, value)
            except _Invalid as exc:
                add(col.field, str(exc))
                continue
            if col.required and not f[col.field]:
                add(col.field, _("Bắt buộc, không được để trống."))
        if f.get("ethnicity"):
            f["ethnicity"] = rules.canonical_ethnicity(f["ethnicity"]) or f["ethnicity"]
        f["religion"] = f.get("religion") or Member._meta.get_field("religion").default
        converted.append((row.number, f))

    codes = {f["cell_code"] for _n, f in converted if f.get("cell_code")}
    cells = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    # Named grassroots organizations that have no cell: perhaps a grassroots cell created as one.
    without_cells = {o.pk for o in cells.values() if o.kind == Organization.Kind.GRASSROOTS} - set(
        Organization.objects.filter(
            parent__code__in=codes, kind=Organization.Kind.CELL, valid_to__isnull=True
        ).values_list("parent_id", flat=True)
    )

    def _not_a_cell_message(org):
        message = _(
            "Mã «%(code)s» không phải là mã của một chi bộ: đảng viên sinh hoạt ở chi bộ, "
            "hãy ghi mã chi bộ của đảng viên."
        )
        if org.pk in without_cells:
            message += " " + _(
                "%(name)s chưa có chi bộ nào: nếu đó là một chi bộ cơ sở (trực thuộc huyện, "
                "tỉnh), hãy thành lập nó là «Chi bộ cơ sở» trên trang của cấp trên."
            ) % {"name": org.name.replace("%", "%%")}  # formatted again with the code
        return message

    for number, f in converted:
        code = f.get("cell_code")
        if not code:
            continue
        cell = cells.get(code)
        if cell is None or not scope.can_write(cell):
            message = _("Không có chi bộ mã «%(code)s» trong phạm vi bạn được nhập.")
        elif not cell.is_cell:
            message = _not_a_cell_message(cell)
        elif not cell.is_active:
            message = _("Chi bộ mã «%(code)s» đã ngừng hoạt động.")
        else:
            f["cell"] = cell
            continue
        errors.append(RowError(number, _HEADER_OF["cell_code"], message % {"code": code}))

    # The register's rules and duplicates on the values that converted (a field that did not
    # is absent, and its rules skipped).
    found, warned = rules.review(_records(converted))
    errors += _row_errors(found)
    for w in warned:
        row_warnings.setdefault(w.key, []).append(w)
    errors.sort(key=lambda e: (e.row, _COLUMN_ORDER.get(e.column, 99)))
    failed = {e.row for e in errors}
    clean = [
        CleanRow(
            number,
            {k: v for k, v in f.items() if k not in ("cell_code", "cell")},
            f["cell"],
            row_warnings.get(number, []),
        )
        for number, f in converted
        if number not in failed
    ]
    return clean, errors


_COLUMN_ORDER = {c.header: i for i, c in enumerate(COLUMNS)}


def _records(rows) -> list[rules.Record]:
    return [rules.Record(f, key=n, name=f.get("full_name") or "") for n, f in rows]


# --- importing -------------------------------------------------------------------------------


def import_rows(*, rows: list[CleanRow], actor, source: str = "") -> list[Member]:
    """Create the members of validated rows, all or none, each with a membership and an audit
    event, plus one IMPORT event for the batch. Raises ImportRejected when, inside the
    transaction, a citizen ID or card number turns out to be taken or a cell closed meanwhile.
    """
    actor = actor if (actor is not None and actor.is_authenticated) else None
    batch = uuid.uuid4().hex[:12]
    note = (_("Nhập từ tệp %(f)s (lô %(b)s)") % {"f": source or "—", "b": batch})[:300]
    try:
        with transaction.atomic():
            # Checked again under the transaction: another import may have taken a number.
            errors = _row_errors(rules.duplicates(_records((r.number, r.fields) for r in rows)))
            cell_ids = {r.cell.pk for r in rows}
            open_ids = set(
                Organization.objects.filter(
                    pk__in=cell_ids, kind=Organization.Kind.CELL, valid_to__isnull=True
                ).values_list("pk", flat=True)
            )
            errors += [
                RowError(
                    r.number,
                    _HEADER_OF["cell_code"],
                    _("Chi bộ mã «%(code)s» đã ngừng hoạt động.") % {"code": r.cell.code},
                )
                for r in rows
                if r.cell.pk not in open_ids
            ]
            if errors:
                raise ImportRejected(sorted(errors))
            members = []
            for r in rows:
                m = Member(cell=r.cell, **r.fields)
                m.refresh_derived()
                members.append(m)
            Member.objects.bulk_create(members, batch_size=500)
            Membership.objects.bulk_create(
                [
                    Membership(
                        member=m,
                        cell=m.cell,
                        start=m.admission_date,
                        reason=Membership.Reason.IMPORTED,
                    )
                    for m in members
                ],
                batch_size=1000,
            )
            events = [
                AuditEvent(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    object_type=Member._meta.label_lower,
                    object_id=str(m.pk),
                    object_repr=str(m)[:200],
                    note=note,
                    changes=audit.snapshot(m, EDITABLE_FIELDS + ["cell"]),
                )
                for m in members
            ]
            per_cell = Counter(m.cell.code for m in members)
            events.append(
                AuditEvent(
                    actor=actor,
                    action=AuditEvent.Action.IMPORT,
                    object_type="members.import",
                    object_id=batch,
                    object_repr=(source or batch)[:200],
                    note=note,
                    changes={"count": [None, len(members)], "cells": [None, dict(per_cell)]},
                )
            )
            AuditEvent.objects.bulk_create(events, batch_size=1000)
    except IntegrityError:
        # Another import took a citizen ID or card number between the check and the insert.
        message = _("Dữ liệu vừa thay đổi trong lúc nhập (trùng số CCCD hoặc số thẻ). Hãy tải lại.")
        raise ImportRejected([RowError(0, "", message)]) from None
    return members


# --- exporting -------------------------------------------------------------------------------


def _safe(text: str) -> str:
    if text and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def export(queryset, scope) -> bytes:
    """The members as .xlsx in the import layout; citizen IDs masked outside the PII scope."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET)
    for i, col in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "B2"
    bold = Font(bold=True)
    header = []
    for col in COLUMNS:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    pii = {}
    for m in queryset.iterator(chunk_size=2000):
        if m.cell_id not in pii:
            pii[m.cell_id] = scope.can_see_pii(m.cell)
        row = []
        for col in COLUMNS:
            if col.field in _DATE_FIELDS:
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
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
