"""The register's rules for a member's record, in one place: the member form, the member
import, the workbook import and the services all call `review` (which runs `check` or
`check_change` on each record, then `duplicates`) and `canonical_ethnicity`.

Errors stop a save; warnings (data the rules find suspicious, not impossible) are shown and
confirmed once by the user. Services raise the errors and never gate on warnings.
"""

import calendar
import datetime
import difflib
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chibo.core import vn
from chibo.core.dates import age_on, today
from chibo.core.templatetags.vn import vndate

PROBATION_MONTHS = 12  # Điều lệ Đảng, Điều 5: probation lasts 12 months from admission
LATE_OFFICIAL_MONTHS = 3  # an official date later than probation end + this is a warning
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
PARTY_FOUNDED = datetime.date(1930, 2, 3)
ADULT_AGE = 18
# The Member fields review() reads: check() all but the last two, duplicates() those two.
FIELDS = (
    "full_name",
    "birth_date",
    "admission_date",
    "official_date",
    "ethnicity",
    "citizen_id",
    "party_card_number",
)
UNIQUE_FIELDS = ("citizen_id", "party_card_number")
# (repeated in the file, held by another member) for each of UNIQUE_FIELDS
_DUPLICATE_MESSAGES = {
    "citizen_id": (
        gettext_noop("Số CCCD %(v)s trùng với dòng %(row)s trong tệp."),
        gettext_noop("Số CCCD %(v)s đã có trong danh sách đảng viên."),
    ),
    "party_card_number": (
        gettext_noop("Số thẻ đảng viên %(v)s trùng với dòng %(row)s trong tệp."),
        gettext_noop("Số thẻ đảng viên %(v)s đã có trong danh sách đảng viên."),
    ),
}

# The 54 ethnic groups in the order and spelling of the General Statistics Office's list
# (Danh mục các dân tộc Việt Nam, QĐ 1019/QĐ-TCTK of 12/11/2008, the codes 01–54 the censuses
# use), written with spaces instead of hyphens as the 2019 census publishes them.
ETHNIC_GROUPS: tuple[str, ...] = (
    "Kinh",
    "Tày",
    "Thái",
    "Mường",
    "Khmer",
    "Hoa",
    "Nùng",
    "Mông",
    "Dao",
    "Gia Rai",
    "Ê Đê",
    "Ba Na",
    "Sán Chay",
    "Chăm",
    "Cơ Ho",
    "Xơ Đăng",
    "Sán Dìu",
    "Hrê",
    "Ra Glai",
    "Mnông",
    "Thổ",
    "Xtiêng",
    "Khơ Mú",
    "Bru Vân Kiều",
    "Cơ Tu",
    "Giáy",
    "Tà Ôi",
    "Mạ",
    "Giẻ Triêng",
    "Co",
    "Chơ Ro",
    "Xinh Mun",
    "Hà Nhì",
    "Chu Ru",
    "Lào",
    "Kháng",
    "La Chí",
    "Phù Lá",
    "La Hủ",
    "La Ha",
    "Pà Thẻn",
    "Lự",
    "Ngái",
    "Chứt",
    "Lô Lô",
    "Mảng",
    "Cờ Lao",
    "Bố Y",
    "Cống",
    "Si La",
    "Pu Péo",
    "Rơ Măm",
    "Brâu",
    "Ơ Đu",
)

# Other names and spellings found in registers, keyed as _key() writes them. Spellings that
# differ from an official name only in accents, case, spaces, hyphens or apostrophes ("Ê-đê",
# "H'Mông", "Khơ-mú", "Bru - Vân Kiều", "Gié Triêng") need no entry: _key() folds them.
ALIASES = {
    "viet": "Kinh",
    "hmong": "Mông",
    "meo": "Mông",
    "khome": "Khmer",
    "khomer": "Khmer",
    "han": "Hoa",
    "giorai": "Gia Rai",
    "jrai": "Gia Rai",
    "jarai": "Gia Rai",
    "rade": "Ê Đê",
    "rhade": "Ê Đê",
    "bahnar": "Ba Na",
    "banna": "Ba Na",
    "sanriu": "Sán Dìu",
    "raglay": "Ra Glai",
    "racglay": "Ra Glai",
    "stieng": "Xtiêng",
    "khmu": "Khơ Mú",
    "kmu": "Khơ Mú",
    "vankieu": "Bru Vân Kiều",
    "bru": "Bru Vân Kiều",
    "katu": "Cơ Tu",
    "paco": "Tà Ôi",
    "xinhmul": "Xinh Mun",
    "hani": "Hà Nhì",
    "pupieo": "Pu Péo",
}

_PARENS = re.compile(r"\([^)]*\)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def _key(text) -> str:
    """'Ê-đê' -> 'ede', 'H’Mông' -> 'hmong', 'Kinh (Việt)' -> 'kinh', 'dân tộc Thái' -> 'thai'."""
    folded = vn.fold(_PARENS.sub(" ", str(text or "")))
    if folded.startswith("dan toc "):
        folded = folded[len("dan toc ") :]
    return _NOT_ALNUM.sub("", folded)


_BY_KEY = {**ALIASES, **{_key(name): name for name in ETHNIC_GROUPS}}


def canonical_ethnicity(text) -> str | None:
    """The official name that `text` spells, accents, case, spaces and hyphens aside, or one of
    its other names (H'Mông, Hmong, Mèo -> Mông); None if it names none of the 54."""
    key = _key(text)
    return _BY_KEY.get(key) if key else None


def nearest_ethnicity(text) -> str:
    """The official name closest to `text`, to offer as "did you mean"."""
    key = _key(text)
    if key in _BY_KEY:
        return _BY_KEY[key]
    best = max(_BY_KEY, key=lambda k: (difflib.SequenceMatcher(None, key, k).ratio(), -len(k)))
    return _BY_KEY[best]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later; the month's last day when it has no such
    day (31/01 + 1 month -> 28/02 or 29/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def probation_end(admission_date: datetime.date) -> datetime.date:
    """The first day the member may be official: admission + 12 calendar months.

    A period counted in months ends on the same day of the last month, or on that month's last
    day when it has none (Bộ luật Dân sự 2015, Điều 148): admitted 29/02/2024, probation ends
    28/02/2025.
    """
    return add_months(admission_date, PROBATION_MONTHS)


@dataclass(frozen=True)
class Finding:
    field: str  # a Member field name: "birth_date", "admission_date", "official_date", ...
    message: str  # Vietnamese; names the member when check() was given a name
    key: Hashable = None  # the record it is about, in review(): a row number of a file


def _named(name: str, message: str) -> str:
    """'Nguyễn Văn A: ngày sinh …' when there is a name."""
    if not name:
        return message
    return _("%(name)s: %(message)s") % {"name": name, "message": message[:1].lower() + message[1:]}


def check(
    fields: dict, *, on: datetime.date | None = None, name: str = ""
) -> tuple[list[Finding], list[Finding]]:
    """(errors, warnings) for a member's fields, keyed by Member field name; rules whose
    fields are missing or empty are skipped. `on` (default today) is the day the record is
    judged on: a date after it is in the future, a probation past it is overdue.
    """
    on = on or today()
    errors: list[Finding] = []
    warnings: list[Finding] = []

    def error(field, message):
        errors.append(Finding(field, _named(name, message)))

    b, a, o = fields.get("birth_date"), fields.get("admission_date"), fields.get("official_date")
    labels = {
        "birth_date": _("Ngày sinh"),
        "admission_date": _("Ngày vào Đảng"),
        "official_date": _("Ngày chính thức"),
    }
    future = set()
    for field, value in (("birth_date", b), ("admission_date", a), ("official_date", o)):
        if value and value > on:
            future.add(field)
            error(
                field,
                _("%(label)s %(d)s ở tương lai.") % {"label": labels[field], "d": vndate(value)},
            )
    if b and b < EARLIEST_BIRTH:
        error("birth_date", _("Ngày sinh %(d)s không hợp lệ (trước năm 1900).") % {"d": vndate(b)})
    if a and a < PARTY_FOUNDED:
        error(
            "admission_date",
            _("Ngày vào Đảng %(d)s trước ngày thành lập Đảng 03/02/1930.") % {"d": vndate(a)},
        )
    if b and a and age_on(b, a) < ADULT_AGE:
        error(
            "admission_date",
            _("Vào Đảng %(a)s khi mới %(n)s tuổi (sinh %(b)s), chưa đủ 18 tuổi.")
            % {"b": vndate(b), "a": vndate(a), "n": max(age_on(b, a), 0)},
        )
    end = probation_end(a) if a else None
    if a and o and o < a:
        error(
            "official_date",
            _("Ngày chính thức %(o)s trước ngày vào Đảng %(a)s.")
            % {"o": vndate(o), "a": vndate(a)},
        )
    elif a and o and o < end:
        error(
            "official_date",
            _(
                "Ngày chính thức %(o)s khi chưa đủ 12 tháng dự bị: vào Đảng %(a)s thì sớm nhất "
                "là %(e)s."
            )
            % {"o": vndate(o), "a": vndate(a), "e": vndate(end)},
        )
    for message in name_length_messages(fields.get("full_name")):
        error("full_name", message)
    ethnicity = fields.get("ethnicity")
    if ethnicity and canonical_ethnicity(ethnicity) is None:
        error("ethnicity", unknown_ethnicity_message(ethnicity))
    cid = fields.get("citizen_id")
    if cid and not (len(cid) == 12 and cid.isascii() and cid.isdigit()):
        error("citizen_id", _("Số CCCD phải gồm đúng 12 chữ số."))

    if a and not o and "admission_date" not in future and end < on:
        who = name or _("Đảng viên")
        warnings.append(
            Finding(
                "official_date",
                _("%(who)s vào Đảng %(a)s, đã quá 12 tháng dự bị nhưng chưa có ngày chính thức.")
                % {"who": who, "a": vndate(a)},
            )
        )
    if a and o and end <= o and o > add_months(end, LATE_OFFICIAL_MONTHS):
        warnings.append(
            Finding(
                "official_date",
                _named(
                    name,
                    _(
                        "Ngày chính thức %(o)s muộn hơn %(n)s tháng sau khi hết dự bị (%(e)s): "
                        "hãy kiểm tra lại."
                    )
                    % {"o": vndate(o), "n": LATE_OFFICIAL_MONTHS, "e": vndate(end)},
                ),
            )
        )
    return errors, warnings


def name_length_messages(full_name) -> list[str]:
    """What is too long in a full name for the columns it is stored in: the whole name, and
    the family name, middle name and given name it is split into (vn.split_full_name), each
    named, so a 107-character name is not refused for a "60 characters" nobody sees."""
    from .models import Member

    full = " ".join(str(full_name or "").split())
    if not full:
        return []
    family, middle, given = vn.split_full_name(full)
    parts = [
        ("full_name", full, _("Họ và tên")),
        ("family_name", family, _("Họ (chữ đầu của họ và tên)")),
        ("middle_name", middle, _("Tên đệm (phần giữa họ và tên)")),
        ("given_name", given, _("Tên (chữ cuối của họ và tên)")),
    ]
    messages = []
    for field, value, label in parts:
        limit = Member._meta.get_field(field).max_length
        if len(value) > limit:
            messages.append(
                _("%(label)s dài %(n)s ký tự, tối đa %(m)s ký tự.")
                % {"label": label, "n": len(value), "m": limit}
            )
    return messages


def unknown_ethnicity_message(text) -> str:
    return _("Dân tộc «%(v)s» không có trong danh mục 54 dân tộc; có phải «%(n)s»?") % {
        "v": " ".join(str(text).split()),
        "n": nearest_ethnicity(text),
    }


def check_change(
    before: dict, after: dict, *, on: datetime.date | None = None, name: str = ""
) -> tuple[list[Finding], list[Finding]]:
    """check(after), keeping only what the change is answerable for: findings on a field that
    changed, and findings the record before did not have. A member admitted in 1998 without
    an official date can still have their address corrected without the warning each time.
    """
    changed = {k for k in after if before.get(k) != after.get(k)}
    old_errors, old_warnings = check(before, on=on, name=name)
    errors, warnings = check(after, on=on, name=name)
    return (
        [f for f in errors if f.field in changed or f not in old_errors],
        [f for f in warnings if f.field in changed or f not in old_warnings],
    )


# --- one record or a file of them ---------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """A member's fields about to be saved, as review() takes them."""

    fields: dict  # Member field -> value; review() reads FIELDS
    key: Hashable = None  # the caller's name for it (a row number), set on its findings
    name: str = ""  # named in the messages (an import's row); blank on a form or a service
    before: dict | None = None  # the stored record of an edit: see check_change
    pk: int | None = None  # the member's own id: its own numbers are not duplicates


def review(
    records: Iterable[Record], *, on: datetime.date | None = None, in_database: bool = True
) -> tuple[list[Finding], list[Finding]]:
    """(errors, warnings) of member records about to be saved: the register's rules for each
    (check, or check_change for an edit) and duplicates() among them and, with `in_database`,
    against every other member. The one check that the member form, the services, the member
    import and the workbook import call; each finding carries its record's key.
    """
    records = list(records)
    on = on or today()
    errors: list[Finding] = []
    warnings: list[Finding] = []
    for r in records:
        after = {k: r.fields.get(k) for k in FIELDS}
        if r.before is None:
            found, warned = check(after, on=on, name=r.name)
        else:
            before = {k: r.before.get(k) for k in FIELDS}
            found, warned = check_change(before, after, on=on, name=r.name)
        errors += [Finding(f.field, f.message, r.key) for f in found]
        warnings += [Finding(f.field, f.message, r.key) for f in warned]
    errors += duplicates(records, in_database=in_database)
    return errors, warnings


def duplicates(records: list[Record], *, in_database: bool = True) -> list[Finding]:
    """Citizen IDs and card numbers repeated among `records` (a file: the later rows are named
    with the first one's key) or, with `in_database`, held by a member other than the record's
    own (one query per 500 numbers of each kind, both kinds in the same query)."""
    from .models import Member

    firsts: dict[str, dict[str, Record]] = {}
    in_file: dict[str, list[Finding]] = {}
    for name in UNIQUE_FIELDS:
        first = firsts[name] = {}
        found = in_file[name] = []
        for r in records:
            value = r.fields.get(name)
            if not value:
                continue
            if value in first:
                message = _(_DUPLICATE_MESSAGES[name][0]) % {"v": value, "row": first[value].key}
                found.append(Finding(name, _named(r.name, message), r.key))
            else:
                first[value] = r
    holders: dict[str, dict[str, set]] = {name: {} for name in UNIQUE_FIELDS}
    if in_database:
        values = {name: sorted(firsts[name]) for name in UNIQUE_FIELDS}
        longest = max(len(v) for v in values.values())
        for i in range(0, longest, 500):
            q = Q()
            for name in UNIQUE_FIELDS:
                if values[name][i : i + 500]:
                    q |= Q(**{f"{name}__in": values[name][i : i + 500]})
            for row in Member.objects.filter(q).values_list(*UNIQUE_FIELDS, "pk"):
                pk = row[-1]
                for name, value in zip(UNIQUE_FIELDS, row, strict=False):
                    if value in firsts[name]:
                        holders[name].setdefault(value, set()).add(pk)
    found = []
    for name in UNIQUE_FIELDS:
        found += in_file[name]
        for r in records:
            value = r.fields.get(name)
            if value and holders[name].get(value, set()) - {r.pk}:
                message = _(_DUPLICATE_MESSAGES[name][1]) % {"v": value}
                found.append(Finding(name, _named(r.name, message), r.key))
    return found


def by_field(findings: Iterable[Finding]) -> dict[str, list[str]]:
    """{field: [messages]}, as a ValidationError takes them."""
    result: dict[str, list[str]] = {}
    for f in findings:
        result.setdefault(f.field, []).append(f.message)
    return result


def membership_reason(start: datetime.date, admission_date: datetime.date | None) -> str:
    """The reason of a membership a file (the workbook, the members spreadsheet) gives none for:
    one that starts on the member's admission day is the admission (member_create writes it so:
    the member enters the cell that admits them), which the statistics count as «Kết nạp»; any
    other start is the register's data (imported)."""
    from .models import Membership

    if start == admission_date:
        return Membership.Reason.ADMITTED
    return Membership.Reason.IMPORTED


def status_kind(status: str) -> str:
    """The movement (members/movements) a change to `status` is when nothing else tells: an
    exemption, a transfer out, a death; a removal is xóa tên or khai trừ, which the status alone
    does not tell (blank, as the changes recorded before the kinds existed). For the changes the
    demo and the workbook import write in bulk, as member_change_status would."""
    from .models import Status, StatusChange

    return {
        Status.EXEMPT: StatusChange.Kind.EXEMPTION,
        Status.TRANSFERRED_OUT: StatusChange.Kind.TRANSFER_OUT,
        Status.DECEASED: StatusChange.Kind.DEATH,
    }.get(status, "")
