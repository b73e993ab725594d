"""Checking the rows read from a members .xlsx: each value converted from its cell, the
register's rules and duplicates (members.rules.review), the cell codes within the user's scope.
What passes is a CleanRow, for members.services.members_import."""

import datetime
import unicodedata
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from chibo.core import vn
from chibo.core.dates import parse_vn_date
from chibo.core.text import MESSAGE, first_refused
from chibo.organizations.models import Organization

from .. import rules
from ..models import Member, TheoryLevel
from .layout import COLUMNS, HEADER_OF, SEX_VALUES, THEORY_VALUES, Column
from .reading import SheetRow

_SEX_BY_FOLD = {vn.fold(k): v for k, v in SEX_VALUES.items()}
_THEORY_BY_FOLD = {vn.fold(k): v for k, v in THEORY_VALUES.items()}


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
class CleanRow:
    number: int
    fields: dict[str, Any]
    cell: Organization = field(repr=False)
    warnings: list[rules.Finding] = field(default_factory=list, repr=False)


def warnings_of(rows: list[CleanRow]) -> list[RowWarning]:
    """The warnings of validated rows, by row and column, for the preview to confirm."""
    return [
        RowWarning(
            r.number, HEADER_OF.get(w.field, w.field), r.fields.get("full_name", ""), w.message
        )
        for r in rows
        for w in r.warnings
    ]


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


def row_errors(findings: list[rules.Finding]) -> list[RowError]:
    return [RowError(f.key, HEADER_OF[f.field], f.message) for f in findings]


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
            errors.append(RowError(number, HEADER_OF[name], message))

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
        errors.append(RowError(number, HEADER_OF["cell_code"], message % {"code": code}))

    # The register's rules and duplicates on the values that converted (a field that did not
    # is absent, and its rules skipped).
    found, warned = rules.review(records_of(converted))
    errors += row_errors(found)
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


def records_of(rows) -> list[rules.Record]:
    """(row number, fields) pairs as the records rules.review takes, named by the row."""
    return [rules.Record(f, key=n, name=f.get("full_name") or "") for n, f in rows]
