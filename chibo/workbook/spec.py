"""The workbook's columns: what each holds and how a cell's value is read and written.

A sheet is a list of columns; each column maps to one attribute of a row (a model field, or
a code that points at a row of another sheet). Values are read leniently (a date typed as
text or stored as a date, a choice by its Vietnamese label or its code) and written the way
the template asks for them (dates as dd/mm/yyyy dates, choices as their labels).
"""

import datetime
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from chibo.core import vn
from chibo.core.dates import in_range, parse_vn_date
from chibo.core.forms import vn_decimal, vn_integer
from chibo.core.text import MESSAGE as INVISIBLE
from chibo.core.text import REPLACEMENT_CHARACTER as REPLACEMENT
from chibo.core.text import first_refused


class Invalid(Exception):
    """A cell's value cannot be read; the message says why, in Vietnamese."""


YEARS = (1900, 2100)  # the bounds of a year column (the years a date may have)


@dataclass(frozen=True)
class Col:
    header: str
    attr: str
    kind: str = "text"  # text, prose, int, decimal, date, datetime, time, bool, choice, ref, refs
    required: bool = False
    choices: type | None = None  # a TextChoices class, for kind "choice"
    ref: str = ""  # the namespace a "ref" column points into: org, member, village...
    max_length: int | None = None
    help: str = ""
    # An "int" column's least and greatest value: counts and orders by default (the largest a
    # PostgreSQL integer holds), years (YEARS) from 1900 to 2100.
    bounds: tuple[int, int] = (0, 2**31 - 1)
    # What a blank cell of a "bool" column means ("Thuộc diện triệu tập": yes, as most are).
    blank_means: bool = False

    @property
    def title(self) -> str:
        return self.header + ("*" if self.required else "")


def norm_header(value) -> str:
    text = " ".join(unicodedata.normalize("NFC", str(value or "")).split())
    return text.rstrip("*").strip().casefold()


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    if value.__class__ is str:
        return _text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        raise Invalid(_("Ô chứa giá trị đúng/sai; hãy nhập chữ."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        raise Invalid(_("Ô đang ở dạng ngày giờ; hãy định dạng ô là Văn bản (Text) rồi nhập lại."))
    return _text(str(value))


def _text(value: str) -> str:
    if _plain(value):
        return value  # most cells: nothing to normalize, refuse, undo or collapse
    result = unicodedata.normalize("NFC", value)
    if (ch := first_refused(result)) is not None:  # the forms' and the member import's rule
        raise Invalid(INVISIBLE % {"code": f"{ord(ch):04X}"})
    # Undo the apostrophe the export puts before text that would run as a formula.
    if len(result) > 1 and result[0] == "'" and result[1] in "=+-@\t\r":
        result = result[1:]
    return " ".join(result.split())


def _plain(value: str) -> bool:
    """Whether _text would return `value` as it is: printable (so no refused character, and no
    space but " "), in NFC, without the export's apostrophe, leading, trailing or double spaces.
    The test is Python's own, in C, for nearly every cell of a workbook."""
    return (
        value.isprintable()
        and value[:1] not in _UNPLAIN_FIRST
        and value[-1:] != " "
        and "  " not in value
        and (value.isascii() or (REPLACEMENT not in value and _nfc(value)))
    )


def _nfc(value: str) -> bool:
    return unicodedata.is_normalized("NFC", value)


_UNPLAIN_FIRST = ("", " ", "'")


def prose(value) -> str:
    """Text of several lines (a plan's content, a congress draft's parts, a meeting's summary):
    its line breaks kept, as "\n", each line's trailing spaces and the blank lines at both ends
    dropped. The engine takes it for the same as the stored text with other line endings."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        return text(value)
    result = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    if (ch := first_refused(result)) is not None:
        raise Invalid(INVISIBLE % {"code": f"{ord(ch):04X}"})
    if len(result) > 1 and result[0] == "'" and result[1] in "=+-@\t\r":
        result = result[1:]
    return "\n".join(line.rstrip() for line in result.split("\n")).strip()


def date(value) -> datetime.date | None:
    if value.__class__ is datetime.date:
        if in_range(value):  # a date cell as the spreadsheet holds it: the same years
            return value
        raise Invalid(_("Ngày %(v)s nằm ngoài các năm 1900–2100.") % {"v": vn.day_text(value)})
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise Invalid(_("Ngày không hợp lệ: «%(v)s». Hãy nhập dạng dd/mm/yyyy.") % {"v": value})
    if isinstance(value, (datetime.time, datetime.timedelta, bool)):
        raise Invalid(_("Ngày không hợp lệ. Hãy nhập dạng dd/mm/yyyy."))
    try:
        return parse_vn_date(text(value) if isinstance(value, str) else value)
    except ValueError:
        raise Invalid(
            _("Ngày không hợp lệ: «%(v)s». Hãy nhập dạng dd/mm/yyyy.") % {"v": text(value)}
        ) from None


MOMENT_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")
MOMENT_WRITTEN = MOMENT_FORMATS[0]


def moment(value) -> datetime.datetime | None:
    """An instant: a spreadsheet's date-time, or «dd/mm/yyyy hh:mm[:ss]» text, in local time
    (Asia/Ho_Chi_Minh), to the second."""
    from django.utils import timezone

    if blank(value):
        return None
    if isinstance(value, datetime.datetime):
        at = value
    elif isinstance(value, datetime.date):
        at = datetime.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        t = text(value)
        for fmt in MOMENT_FORMATS:
            try:
                at = datetime.datetime.strptime(t, fmt)
                break
            except ValueError:
                continue
        else:
            raise Invalid(
                _("Thời điểm không hợp lệ: «%(v)s». Hãy nhập dạng dd/mm/yyyy hh:mm.") % {"v": t}
            )
    else:
        raise Invalid(_("Thời điểm không hợp lệ. Hãy nhập dạng dd/mm/yyyy hh:mm."))
    if not 1900 <= at.year <= 2100:
        raise Invalid(_("Thời điểm không hợp lệ. Hãy nhập dạng dd/mm/yyyy hh:mm."))
    at = at.replace(microsecond=0)
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return at


def moment_cell(at: datetime.datetime | None) -> str | None:
    """How an instant is written: «dd/mm/yyyy hh:mm:ss» in local time."""
    from django.utils import timezone

    if at is None:
        return None
    return timezone.localtime(at).strftime(MOMENT_WRITTEN)


def time(value) -> datetime.time | None:
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, datetime.timedelta):
        minutes = int(value.total_seconds() // 60)
        return datetime.time(minutes // 60 % 24, minutes % 60)
    t = text(value)
    if not t:
        return None
    try:
        hours, minutes = t.replace("h", ":").split(":")[:2]
        return datetime.time(int(hours), int(minutes or 0))
    except ValueError:
        raise Invalid(_("Giờ không hợp lệ: «%(v)s». Hãy nhập dạng 07:30.") % {"v": t}) from None


def integer(value) -> int | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        raise Invalid(_("Hãy nhập một số nguyên."))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return vn_integer(text(value))  # 1.200, not 1.5 (read as 15 before)
    except ValueError:
        raise Invalid(_("«%(v)s» không phải số nguyên.") % {"v": text(value)}) from None


def decimal(value) -> Decimal | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        raise Invalid(_("Hãy nhập một số."))
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
        if not number.is_finite():
            raise Invalid(_("Hãy nhập một số."))
        return number
    t = text(value)
    try:
        return vn_decimal(t)
    except InvalidOperation:
        raise Invalid(_("«%(v)s» không phải số.") % {"v": t}) from None


YES = {"co", "x", "1", "true", "yes", "dung"}
NO = {"khong", "0", "false", "no", "sai", ""}


_BOOL_TEXT = {"Có": True, "Không": False, "": False}


def boolean(value) -> bool:
    if value.__class__ is str and value in _BOOL_TEXT:
        return _BOOL_TEXT[value]
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    folded = vn.fold(text(value))
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise Invalid(_("Chỉ nhận «Có» hoặc «Không»."))


@dataclass
class ChoiceReader:
    """A TextChoices read by its Vietnamese label or its code, accents and case ignored."""

    choices: type
    by_key: dict = field(default_factory=dict)
    by_label: list = field(default_factory=list)

    def __post_init__(self):
        from django.utils import translation

        with translation.override("vi"):
            pairs = [(value, str(label)) for value, label in self.choices.choices]
        self.by_label = pairs
        for value, label in pairs:
            self.by_key[vn.fold(str(label))] = value
            self.by_key[vn.fold(str(value))] = value
        for value, label in pairs:
            self.by_key.setdefault(label, value)

    def __call__(self, value) -> str:
        if value.__class__ is str and value in self.by_key:
            return self.by_key[value]  # the label as written: no folding, a million times
        t = text(value)
        if not t:
            return ""
        found = self.by_key.get(vn.fold(t))
        if found is None:
            labels = ", ".join(f"«{label}»" for _v, label in self.by_label if label)
            raise Invalid(_("«%(v)s» không có trong danh sách: %(l)s.") % {"v": t, "l": labels})
        return found


_CHOICE_READERS: dict[type, ChoiceReader] = {}


def bounded(col: Col, number: int | None) -> int | None:
    """`number` if it lies within the column's bounds (or is None); Invalid otherwise."""
    low, high = col.bounds
    if number is not None and not low <= number <= high:
        raise Invalid(
            _("Số %(v)s nằm ngoài khoảng %(a)s–%(b)s.")
            % {"v": vn.format_int(number), "a": low, "b": vn.format_int(high)}
        )
    return number


def choice(col: Col, value) -> str:
    reader = _CHOICE_READERS.get(col.choices)
    if reader is None:
        reader = _CHOICE_READERS[col.choices] = ChoiceReader(col.choices)
    return reader(value)


def reader(col: Col):
    """The function that reads one cell of `col` (a ref column's codes the quickest way)."""
    if col.kind == "ref":

        def read_ref(value):
            if value.__class__ is str and value.isascii():
                return value.strip()
            return read(col, value)

        return read_ref
    if col.kind == "date":
        return date
    if col.kind == "int":
        return lambda value: bounded(col, integer(value))
    if col.kind == "bool":
        return boolean
    if col.kind == "text":
        limit = col.max_length

        def read_text(value):
            if value is None or value == "":
                return ""  # most cells of the optional text columns
            result = text(value)
            if limit and len(result) > limit:
                raise Invalid(_("Dài quá %(n)s ký tự.") % {"n": limit})
            return result

        return read_text
    if col.kind == "choice":
        found = _CHOICE_READERS.get(col.choices)
        if found is None:
            found = _CHOICE_READERS[col.choices] = ChoiceReader(col.choices)
        return found
    return lambda value: read(col, value)


def read_column(col: Col, cells: list) -> list:
    """The values of a whole column's cells, as `reader(col)` reads each; raises Invalid at the
    first cell it refuses (the caller then reads the cells one by one for every message). The
    common cells of the big sheets (codes, empty optional text) are read inline."""
    if col.kind == "ref":
        other = reader(col)
        return [v.strip() if v.__class__ is str and v.isascii() else other(v) for v in cells]
    if col.kind == "text":
        other = reader(col)
        limit = col.max_length or sys.maxsize
        return [
            ""
            if v is None or v == ""
            else v
            if v.__class__ is str and len(v) <= limit and _plain(v)
            else other(v)
            for v in cells
        ]
    if col.kind == "int":
        values = [
            int(v) if v.__class__ is float and v.is_integer() else None if v == "" else integer(v)
            for v in cells
        ]
        low, high = col.bounds
        for v in values:
            if v is not None and not low <= v <= high:
                bounded(col, v)  # raises
        return values
    if col.kind == "prose":
        return ["" if v is None or v == "" else prose(v) for v in cells]
    if col.kind == "date":
        return [v if v.__class__ is datetime.date and in_range(v) else date(v) for v in cells]
    if col.kind == "bool":
        if col.blank_means:
            return [True if blank(v) else boolean(v) for v in cells]
        return [
            _BOOL_TEXT[v] if v.__class__ is str and v in _BOOL_TEXT else boolean(v) for v in cells
        ]
    if col.kind == "choice":
        read = reader(col)
        by_key = read.by_key
        return [by_key[v] if v.__class__ is str and v in by_key else read(v) for v in cells]
    return list(map(reader(col), cells))


def read(col: Col, value):
    """The value of one cell for `col`; raises Invalid."""
    kind = col.kind
    if kind == "ref" and value.__class__ is str and value.isascii():
        return value.strip()  # most cells of the big sheets: codes, read a million times
    if kind == "date":
        return date(value)
    if kind == "time":
        return time(value)
    if kind == "datetime":
        return moment(value)
    if kind == "prose":
        return prose(value)
    if kind == "int":
        return bounded(col, integer(value))
    if kind == "decimal":
        return decimal(value)
    if kind == "bool":
        return boolean(value)
    if kind == "choice":
        return choice(col, value)
    if kind == "refs":
        return [x.strip() for x in text(value).split(",") if x.strip()]
    result = text(value)
    if col.max_length and len(result) > col.max_length:
        raise Invalid(_("Dài quá %(n)s ký tự.") % {"n": col.max_length})
    return result


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: str) -> str:
    """Text that a spreadsheet program would run as a formula gets an apostrophe."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
