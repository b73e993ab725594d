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
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.organizations.models import Organization, OrganizationPeriod, subtree_q
from chibo.organizations.selectors import path_as_of

from ..badges.ages import party_age
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


def _age(birth: datetime.date, on: datetime.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


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
    ("closing", _("Đảng viên cuối kỳ")),
]


@dataclass
class Statistics:
    org: Organization
    start: datetime.date
    end: datetime.date
    # key "section:value" → member ids
    groups: dict = field(default_factory=lambda: defaultdict(set))
    # section → [(key, label)] in display order
    rows: dict = field(default_factory=dict)

    def count(self, key) -> int:
        return len(self.groups.get(key, ()))

    def members(self, key) -> set:
        return self.groups.get(key, set())

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


def _cells_in_period(org: Organization, start, end) -> set:
    """Ids of the cells under `org` (on its path at `end`, else at `start`) at some time in
    [start, end]."""
    path = path_as_of(org, end) or path_as_of(org, start)
    if path is None:
        return set()
    return set(
        OrganizationPeriod.objects.filter(
            subtree_q(path),
            Q(valid_to__isnull=True) | Q(valid_to__gt=start),
            valid_from__lte=end,
            organization__kind=Organization.Kind.CELL,
        ).values_list("organization_id", flat=True)
    )


def _add(stats, section, value, label, member_id):
    key = f"{section}:{value}"
    stats.groups[key].add(member_id)
    labels = stats.rows.setdefault(section, [])
    if key not in {k for k, _label in labels}:
        labels.append((key, label))


def _sorted_rows(stats, section, order=None):
    rows = stats.rows.get(section, [])
    if order is not None:
        rank = {f"{section}:{v}": i for i, v in enumerate(order)}
        rows.sort(key=lambda r: rank.get(r[0], len(rank)))
    else:
        rows.sort(key=lambda r: (-stats.count(r[0]), str(r[1])))


def compute(org: Organization, start: datetime.date, end: datetime.date) -> Statistics:
    """The statistics of `org` for [start, end]. Five queries: the organization's path, its
    cells in the period, their memberships, the members' fields, the status changes and
    interruptions of the members that moved."""
    stats = Statistics(org=org, start=start, end=end)
    cells = _cells_in_period(org, start, end)
    before = start - ONE_DAY
    ships = list(
        Membership.objects.filter(cell_id__in=cells, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .values_list("member_id", "cell_id", "start", "end", "reason")
    )
    opening, closing = set(), set()
    starts, ends = defaultdict(list), defaultdict(list)
    for member_id, _cell, s, e, reason in ships:
        if s <= before and (e is None or e > before):
            opening.add(member_id)
        if s <= end and (e is None or e > end):
            closing.add(member_id)
        if start <= s <= end:
            starts[(member_id, s)].append(reason)
        if e is not None and start <= e <= end:
            ends[(member_id, e)].append(True)
    # A member who leaves one of its cells and enters another the same day moved inside.
    inside = set(starts) & set(ends)
    increases = {k: v for k, v in starts.items() if k not in inside}
    decreases = [k for k in ends if k not in inside]
    moved_ids = {m for m, _d in decreases} | {m for m, _d in increases}
    changes = {}
    if moved_ids:
        for member_id, on, status, kind in StatusChange.objects.filter(
            member_id__in=moved_ids, on__gte=start, on__lte=end
        ).values_list("member_id", "on", "status", "kind"):
            changes[(member_id, on)] = (status, kind)
    from ..models import Member

    wanted = closing | {m for m, _d in increases}
    fields = (
        "id",
        "sex",
        "birth_date",
        "ethnicity",
        "religion",
        "education",
        "qualification",
        "theory_level",
        "occupation",
        "admission_date",
        "official_date",
    )
    people = {
        row[0]: dict(zip(fields, row, strict=True))
        for row in Member.objects.filter(pk__in=wanted).order_by().values_list(*fields)
    }
    interruptions = defaultdict(list)
    for member_id, s, e in PartyInterruption.objects.filter(
        member_id__in=closing, start__lt=end
    ).values_list("member_id", "start", "end"):
        interruptions[member_id].append((s, e))

    stats.groups["change:opening"] = opening
    stats.groups["change:closing"] = closing
    for (member_id, on), reasons in increases.items():
        _status, _kind = changes.get((member_id, on), (None, None))
        if Membership.Reason.ADMITTED in reasons:
            what = "admitted"
        elif _kind == StatusChange.Kind.REINSTATEMENT or Membership.Reason.IMPORTED in reasons:
            what = "other_in"
        else:
            what = "transferred_in"
        stats.groups[f"change:{what}"].add(member_id)
        stats.groups["change:increase"].add(member_id)
        if what == "admitted" and member_id in people:
            p = people[member_id]
            _add(stats, "adm_sex", p["sex"], _sex_label(p["sex"]), member_id)
            _add(stats, "adm_ethnicity", p["ethnicity"], p["ethnicity"], member_id)
            band = _band(_age(p["birth_date"], p["admission_date"]), AGE_BANDS)
            _add(stats, "adm_age", band, _band_labels(AGE_BANDS, _("tuổi"))[band], member_id)
            edu = education_level(p["education"])
            _add(stats, "adm_education", edu, edu, member_id)
            occ = p["occupation"] or str(_("Chưa rõ"))
            _add(stats, "adm_occupation", occ, occ, member_id)
    for member_id, on in decreases:
        status, kind = changes.get((member_id, on), (None, None))
        if status == Status.DECEASED:
            what = "died"
        elif status == Status.REMOVED:
            what = "expelled" if kind == StatusChange.Kind.EXPULSION else "removed"
        else:
            what = "transferred_out"
        stats.groups[f"change:{what}"].add(member_id)
        stats.groups["change:decrease"].add(member_id)
    stats.rows["change"] = [(f"change:{k}", label) for k, label in CHANGE_ROWS]

    age_labels = _band_labels(AGE_BANDS, _("tuổi"))
    party_labels = _band_labels(PARTY_AGE_BANDS, _("năm"))
    theory_labels = dict(TheoryLevel.choices)
    for member_id in closing:
        p = people[member_id]
        official = p["official_date"] is not None and p["official_date"] <= end
        _add(
            stats,
            "standing",
            "official" if official else "probationary",
            _("Chính thức") if official else _("Dự bị"),
            member_id,
        )
        _add(stats, "sex", p["sex"], _sex_label(p["sex"]), member_id)
        band = _band(_age(p["birth_date"], end), AGE_BANDS)
        _add(stats, "age", band, age_labels[band], member_id)
        years = party_age(p["admission_date"], end, interruptions.get(member_id, ()))
        band = _band(years, PARTY_AGE_BANDS)
        _add(stats, "party_age", band, party_labels[band], member_id)
        _add(stats, "ethnicity", p["ethnicity"], p["ethnicity"], member_id)
        religion = p["religion"] if p["religion"] not in ("", "Không") else str(_("Không"))
        _add(stats, "religion", religion, religion, member_id)
        edu = education_level(p["education"])
        _add(stats, "education", edu, edu, member_id)
        qual = p["qualification"] or str(_("Chưa qua đào tạo"))
        _add(stats, "qualification", qual, qual, member_id)
        level = p["theory_level"]
        _add(stats, "theory", level, theory_labels.get(level, level), member_id)
    for section, order in (
        ("standing", ["official", "probationary"]),
        ("sex", ["male", "female"]),
        ("adm_sex", ["male", "female"]),
        ("age", list(age_labels)),
        ("adm_age", list(age_labels)),
        ("party_age", list(party_labels)),
        ("theory", list(TheoryLevel.values)),
    ):
        _sorted_rows(stats, section, order)
    for section in (
        "adm_ethnicity",
        "adm_education",
        "adm_occupation",
        "ethnicity",
        "religion",
        "education",
        "qualification",
    ):
        _sorted_rows(stats, section)
    return stats


def _sex_label(value):
    from ..models import Sex

    return dict(Sex.choices).get(value, value)


def _band_labels(bands, unit) -> dict:
    return {f"{low or 0}-{high or ''}": _band_label(low, high, unit) for low, high in bands}
