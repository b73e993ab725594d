"""The member statistics an organization board files every half year (báo cáo thống kê đảng
viên), for an organization and a period, computed from the dated rows: memberships, status
changes, the tree as it was. Every figure is a set of member ids, so each number on the page
links to the members behind it (`Statistics.members(key)`).

The period is [start, end], both days included. The opening figure is the members on the day
before `start`, the closing one the members on `end`; each increase is a membership that starts
in the period in a cell of the organization, each decrease one that ends in it, unless the
member moves between two of its cells that day (a transfer inside the organization).
"""

import datetime
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from operator import itemgetter

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core.dates import age_on
from chibo.organizations.models import Organization, OrganizationPeriod, subtree_q
from chibo.organizations.selectors import path_as_of

from ..badges.ages import add_years, party_age
from ..models import Membership, PartyInterruption, Status, StatusChange, TheoryLevel

ONE_DAY = datetime.timedelta(days=1)

AGE_BANDS = [(None, 30), (31, 40), (41, 50), (51, 60), (61, 70), (71, None)]
PARTY_AGE_BANDS = [(None, 9), (10, 19), (20, 29), (30, 39), (40, 49), (50, None)]


def _band_label(low, high, unit):
    if low is None:
        return _("Đến %(h)s %(u)s") % {"h": high, "u": unit}
    if high is None:
        return _("Từ %(l)s %(u)s trở lên") % {"l": low, "u": unit}
    return _("%(l)s–%(h)s %(u)s") % {"l": low, "h": high, "u": unit}


def _band(value, bands):
    for low, high in bands:
        if (low is None or value >= low) and (high is None or value <= high):
            return f"{low or 0}-{high or ''}"
    return "?"


def education_level(text: str) -> str:
    """ "9/12" → THCS, "12/12" → THPT, "7/10" (the old 10-year school) → THCS; "" → unknown."""
    try:
        grade, system = (int(x) for x in text.split("/"))
    except ValueError:
        return text or str(_("Chưa rõ"))
    primary, lower = (4, 7) if system == 10 else (5, 9)
    if grade <= primary:
        return str(_("Tiểu học"))
    if grade <= lower:
        return str(_("Trung học cơ sở"))
    return str(_("Trung học phổ thông"))


SECTIONS = [
    # (key prefix, title)
    ("change", _("Tăng, giảm đảng viên trong kỳ")),
    ("adm_sex", _("Kết nạp mới theo giới tính")),
    ("adm_ethnicity", _("Kết nạp mới theo dân tộc")),
    ("adm_age", _("Kết nạp mới theo độ tuổi")),
    ("adm_education", _("Kết nạp mới theo trình độ giáo dục phổ thông")),
    ("adm_occupation", _("Kết nạp mới theo nghề nghiệp")),
    ("standing", _("Đảng viên chính thức, dự bị (cuối kỳ)")),
    ("exempt", _("Đảng viên được miễn sinh hoạt (cuối kỳ)")),
    ("sex", _("Đảng viên theo giới tính (cuối kỳ)")),
    ("age", _("Đảng viên theo độ tuổi (cuối kỳ)")),
    ("party_age", _("Đảng viên theo tuổi Đảng (cuối kỳ)")),
    ("ethnicity", _("Đảng viên theo dân tộc (cuối kỳ)")),
    ("religion", _("Đảng viên theo tôn giáo (cuối kỳ)")),
    ("education", _("Đảng viên theo trình độ giáo dục phổ thông (cuối kỳ)")),
    ("qualification", _("Đảng viên theo chuyên môn, nghiệp vụ (cuối kỳ)")),
    ("theory", _("Đảng viên theo lý luận chính trị (cuối kỳ)")),
]

CHANGE_ROWS = [
    ("opening", _("Đảng viên đầu kỳ")),
    ("increase", _("Tăng trong kỳ")),
    ("admitted", _("— Kết nạp")),
    ("transferred_in", _("— Chuyển đến")),
    ("other_in", _("— Tăng khác (khôi phục, nhập dữ liệu)")),
    ("decrease", _("Giảm trong kỳ")),
    ("died", _("— Từ trần")),
    ("transferred_out", _("— Chuyển đi")),
    ("removed", _("— Xóa tên")),
    ("expelled", _("— Khai trừ")),
    # A removal whose decision is not recorded (an imported «Đã ra khỏi Đảng», a change written
    # before the kinds existed): neither xóa tên nor khai trừ can be said. Shown when it counts.
    ("left_unrecorded", _("— Ra khỏi Đảng, chưa ghi xóa tên hay khai trừ")),
    ("closing", _("Đảng viên cuối kỳ")),
]
SHOWN_WHEN_COUNTED = {"left_unrecorded"}
# A removal's row by its kind (StatusChange.kind); any other, left_unrecorded.
REMOVAL_ROWS = {StatusChange.Kind.EXPULSION: "expelled", StatusChange.Kind.REMOVAL: "removed"}


@dataclass
class Statistics:
    org: Organization
    start: datetime.date
    end: datetime.date
    # key "section:value" → number of members
    counts: Counter = field(default_factory=Counter)
    # section → [(key, label)] in display order
    rows: dict = field(default_factory=dict)
    # key → member ids, for the sections whose members are gathered as they are counted (the
    # changes and the admissions: hundreds of members)
    sets: dict = field(default_factory=lambda: defaultdict(set))
    # The breakdowns of the closing members (thousands) are counted column by column; the
    # members behind one of their figures are found when asked: section → the value of a row.
    closing_rows: list = field(default_factory=list)
    value_of: dict = field(default_factory=dict)

    def count(self, key) -> int:
        return self.counts.get(key, 0)

    def members(self, key) -> set:
        if key in self.sets:
            return self.sets[key]
        section, _sep, value = key.partition(":")
        value_of = self.value_of.get(section)
        if value_of is None:
            return set()
        return {row[0] for row in self.closing_rows if value_of(row) == value}

    def groups(self) -> dict:
        """Every figure's members: key → member ids (the figures that are not 0)."""
        return {key: self.members(key) for key, n in self.counts.items() if n}

    def tables(self):
        """[(section, title, [(key, label, count)])] in the report's order."""
        out = []
        for section, title in SECTIONS:
            out.append(
                (
                    section,
                    title,
                    [(key, label, self.count(key)) for key, label in self.rows.get(section, [])],
                )
            )
        return out


def _path_in_period(org: Organization, start, end) -> str | None:
    """The organization's path at `end`, else at `start`, else in its last period inside
    [start, end] (founded and ended within it); None if it did not exist in the period."""
    path = path_as_of(org, end) or path_as_of(org, start)
    if path is None:
        path = (
            OrganizationPeriod.objects.filter(organization=org, valid_from__lte=end)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
            .order_by("-valid_from")
            .values_list("path", flat=True)
            .first()
        )
    return path


def _cells_in_period(org: Organization, start, end):
    """A subquery of the cells under `org` (on its path in the period: _path_in_period) at some
    time in [start, end]; none for an organization founded after the period or ended before."""
    path = _path_in_period(org, start, end)
    if path is None:
        return OrganizationPeriod.objects.none().values("organization_id")
    return OrganizationPeriod.objects.filter(
        subtree_q(path),
        Q(valid_to__isnull=True) | Q(valid_to__gt=start),
        valid_from__lte=end,
        organization__kind=Organization.Kind.CELL,
    ).values("organization_id")


# The member's fields the statistics read, after the membership's own (row[4:]).
PERSON = (
    "member__sex",  # 4
    "member__birth_date",  # 5
    "member__ethnicity",  # 6
    "member__religion",  # 7
    "member__education",  # 8
    "member__qualification",  # 9
    "member__theory_level",  # 10
    "member__occupation",  # 11
    "member__admission_date",  # 12
    "member__official_date",  # 13
)
NO_RELIGION = "Không"  # the register's word for "no religion" (Member.religion's default)


def compute(org: Organization, start: datetime.date, end: datetime.date) -> Statistics:
    """The statistics of `org` for [start, end]. Five queries: the organization's path, the
    memberships of its cells in the period with their members' fields, the status changes of
    the members who came or went, the status of each on `end`, the interruptions."""
    stats = Statistics(org=org, start=start, end=end)
    before = start - ONE_DAY
    in_period = Membership.objects.filter(
        cell_id__in=_cells_in_period(org, start, end), start__lte=end
    ).filter(Q(end__isnull=True) | Q(end__gte=start))
    ships = _fetch(in_period.order_by().values_list("member_id", "start", "end", "reason", *PERSON))
    opening, closing = set(), set()
    starts, ends = defaultdict(list), set()
    people = {}
    for row in ships:
        member_id, s, e = row[0], row[1], row[2]
        people[member_id] = row
        if s <= before and (e is None or e > before):
            opening.add(member_id)
        if e is None or e > end:
            closing.add(member_id)
        if s >= start:
            starts[(member_id, s)].append(row[3])
        if e is not None and e <= end:
            ends.add((member_id, e))
    # A member who leaves one of its cells and enters another the same day moved inside.
    increases = {k: v for k, v in starts.items() if k not in ends}
    decreases = [k for k in ends if k not in starts]
    changes = {}
    if increases or decreases:
        # The members who came or went, as a subquery: thousands of ids in a province (a query
        # of as many parameters took psycopg ~50 ms to read).
        moved = in_period.filter(Q(start__gte=start) | Q(end__lte=end)).values("member_id")
        for member_id, on, status, kind in StatusChange.objects.filter(
            member_id__in=moved, on__gte=start, on__lte=end
        ).values_list("member_id", "on", "status", "kind"):
            changes[(member_id, on)] = (status, kind)
    # Each member's status on `end`: the last change on or before it (exempt or not).
    status_on_end = dict(
        StatusChange.objects.filter(on__lte=end, member_id__in=in_period.values("member_id"))
        .order_by("member_id", "on", "id")
        .values_list("member_id", "status")
    )
    # Interruptions are rare (a readmission after a removal): all of them, kept for ours.
    interruptions = defaultdict(list)
    for member_id, s, e in PartyInterruption.objects.filter(start__lt=end).values_list(
        "member_id", "start", "end"
    ):
        if member_id in closing:
            interruptions[member_id].append((s, e))

    groups = stats.sets
    groups["change:opening"] = opening
    groups["change:closing"] = closing
    education = _memo(education_level)
    for (member_id, on), reasons in increases.items():
        _status, kind = changes.get((member_id, on), (None, None))
        if Membership.Reason.ADMITTED in reasons:
            what = "admitted"
        elif kind == StatusChange.Kind.REINSTATEMENT or Membership.Reason.IMPORTED in reasons:
            what = "other_in"
        else:
            what = "transferred_in"
        groups[f"change:{what}"].add(member_id)
        groups["change:increase"].add(member_id)
        if what == "admitted":
            p = people[member_id]
            groups[f"adm_sex:{p[4]}"].add(member_id)
            groups[f"adm_ethnicity:{p[6]}"].add(member_id)
            groups[f"adm_age:{_band(age_on(p[5], p[12]), AGE_BANDS)}"].add(member_id)
            groups[f"adm_education:{education(p[8])}"].add(member_id)
            groups[f"adm_occupation:{p[11]}"].add(member_id)
    for member_id, on in decreases:
        status, kind = changes.get((member_id, on), (None, None))
        if status == Status.DECEASED:
            what = "died"
        elif status == Status.REMOVED:
            what = REMOVAL_ROWS.get(kind, "left_unrecorded")
        else:
            what = "transferred_out"
        groups[f"change:{what}"].add(member_id)
        groups["change:decrease"].add(member_id)
    for key, ids in groups.items():
        stats.counts[key] = len(ids)
    _closing_breakdowns(stats, closing, people, status_on_end, interruptions)
    _label_rows(stats)
    return stats


def _fetch(queryset) -> list[tuple]:
    """The rows of a values_list() `queryset` as the database driver gives them. Its dates are
    dates already (sqlite3's converters that Django registers, psycopg's types); Django's
    converters would check each again: ~10 ms of the district's statistics on SQLite (~9.300
    rows of five dates). A query that can match nothing (`cell_id__in` an empty subquery: an
    organization outside the period) has no SQL: Django's compiler raises EmptyResultSet and
    answers no rows without asking the database, as here."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _closing_breakdowns(stats, closing, people, status_on_end, interruptions):
    """Count the `closing` members (their rows in `people`) by each breakdown of SECTIONS,
    without a Python step per member and breakdown (~9.000 members in a district): a column of
    text is counted at once (collections.Counter, in C) and its values mapped to their row
    (education "9/12" → THCS) once each; so are the dates (age, party age, official or not),
    each distinct day placed in its band once (sorting 100.000 dates took longer).
    `stats.value_of` keeps, per section, the value of one row, for the members behind a
    figure."""
    end = stats.end
    rows = [people[m] for m in closing]
    counts = stats.counts
    value_of = stats.value_of

    def religion(value):
        return value if value not in ("", NO_RELIGION) else NO_RELIGION

    education = _memo(education_level)
    # (section, the row's column, the function of its value; None: the value itself)
    for section, column, fn in (
        ("sex", 4, None),
        ("ethnicity", 6, None),
        ("religion", 7, religion),
        ("education", 8, education),
        ("qualification", 9, None),
        ("theory", 10, None),
    ):
        for value, n in Counter(map(itemgetter(column), rows)).items():
            counts[f"{section}:{value if fn is None else fn(value)}"] += n
        value_of[section] = (
            itemgetter(column) if fn is None else (lambda p, c=column, f=fn: f(p[c]))
        )

    # Ages: born on or before the day `low` years before `end` is being at least `low` years old.
    _count_bands(counts, "age", Counter(map(itemgetter(5), rows)), AGE_BANDS, end)
    value_of["age"] = lambda p: _band(age_on(p[5], end), AGE_BANDS)
    # Party age: the same from the admission, less the interruptions (a readmission after a
    # removal: rare), counted member by member.
    plain = [p for p in rows if p[0] not in interruptions] if interruptions else rows
    _count_bands(counts, "party_age", Counter(map(itemgetter(12), plain)), PARTY_AGE_BANDS, end)

    def party_band(p):
        return _band(party_age(p[12], end, interruptions.get(p[0], ())), PARTY_AGE_BANDS)

    if len(plain) < len(rows):
        for p in rows:
            if p[0] in interruptions:
                counts[f"party_age:{party_band(p)}"] += 1
    value_of["party_age"] = party_band
    # Official on `end`: an official date on or before it.
    officials = sum(
        n for day, n in Counter(map(itemgetter(13), rows)).items() if day is not None and day <= end
    )
    for value, n in (("official", officials), ("probationary", len(rows) - officials)):
        if n:
            counts[f"standing:{value}"] += n
    value_of["standing"] = lambda p: (
        "official" if p[13] is not None and p[13] <= end else "probationary"
    )
    exempt = [m for m, status in status_on_end.items() if status == Status.EXEMPT and m in closing]
    if exempt:
        counts["exempt:exempt"] = len(exempt)
    value_of["exempt"] = lambda p: "exempt" if status_on_end.get(p[0]) == Status.EXEMPT else None
    stats.closing_rows = rows


def _count_bands(counts, section, days: Counter, bands, end):
    """Count `days` ({day: members}) by the bands of years (low, high) from each day to `end`
    (as age_on counts them): at least `low` years on `end` is on or before the day `low` years
    before it. The bands follow each other from the youngest; each distinct day is placed by
    one bisection of the bands' first days."""
    cuts = sorted(add_years(end, -low) for low, _high in bands[1:])
    keys = [f"{section}:{low or 0}-{high or ''}" for low, high in bands]
    oldest = len(bands) - 1
    for day, n in days.items():
        counts[keys[oldest - bisect_left(cuts, day)]] += n


def _memo(fn):
    cache = {}

    def call(value):
        if value not in cache:
            cache[value] = fn(value)
        return cache[value]

    return call


def _label_rows(stats):
    """Each section's rows (key, label) in the report's order: fixed orders for the bands and
    the choices, the largest first for the open lists (ethnicity, occupation...)."""
    from ..models import Sex

    sexes = dict(Sex.choices)
    ages = _band_labels(AGE_BANDS, _("tuổi"))
    fixed = {
        "standing": {"official": _("Chính thức"), "probationary": _("Dự bị")},
        "exempt": {"exempt": _("Miễn sinh hoạt")},
        "sex": sexes,
        "adm_sex": sexes,
        "age": ages,
        "adm_age": ages,
        "party_age": _band_labels(PARTY_AGE_BANDS, _("năm")),
        "theory": dict(TheoryLevel.choices),
    }
    blank = {"qualification": _("Chưa qua đào tạo")}
    # The register's word is data ("Không"): its row reads in the reader's language.
    named = {"religion": {NO_RELIGION: _("Không theo tôn giáo")}}
    by_section = defaultdict(list)
    for key in stats.counts:
        section, _sep, value = key.partition(":")
        by_section[section].append(value)
    stats.rows["change"] = [
        (f"change:{k}", label)
        for k, label in CHANGE_ROWS
        if k not in SHOWN_WHEN_COUNTED or stats.count(f"change:{k}")
    ]
    for section, _title in SECTIONS:
        if section == "change":
            continue
        values = by_section.get(section, [])
        labels = fixed.get(section, {})
        if labels:
            # Every row of a fixed list, 0 included, as the report's form prints them.
            order = list(labels)
            values = order + [v for v in values if v not in labels]
            values.sort(key=lambda v, order=order: order.index(v) if v in order else len(order))
        else:
            values.sort(key=lambda v, section=section: (-stats.count(f"{section}:{v}"), v))
        stats.rows[section] = [
            (
                f"{section}:{v}",
                labels.get(v)
                or named.get(section, {}).get(v)
                or v
                or blank.get(section, _("Chưa rõ")),
            )
            for v in values
        ]


def _band_labels(bands, unit) -> dict:
    return {f"{low or 0}-{high or ''}": _band_label(low, high, unit) for low, high in bands}
