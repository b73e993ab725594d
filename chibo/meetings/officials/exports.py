"""The officials' and the helping organizations' lists as Tables (committees.exports.Table),
written to .xlsx the same way as the other lists (formula-neutralized cells), and the lists
behind the three indicators, whose last column says which rows count."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from chibo.committees.exports import Table
from chibo.core import indicators as registry
from chibo.core import vn
from chibo.core.indicators import Value
from chibo.core.web import LazyRows

from ..models import FollowAssignment
from . import indicators as ind
from . import selectors as sel


def _yes_no():
    """flag -> "Có" / "Không", translated once per list rather than once per row (a district's
    attendance list has thousands of rows)."""
    labels = {True: _("Có"), False: _("Không")}
    return lambda flag: labels[bool(flag)]


def _kinds():
    return {k: str(label) for k, label in FollowAssignment.Kind.choices}


def url_maker(name):
    """pk -> URL of `name`, reversed once for the whole list."""
    marker = 987654321
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def _share(attended: int, held: int) -> str:
    return vn.format_percent(attended, held) if held else ""


def officials_table(people: list[sel.OfficialRow]) -> Table:
    """One row per assignment, the official's totals on each of their rows."""
    official_url = url_maker("meetings:official")
    headers = [
        _("Cán bộ"),
        _("Tên đăng nhập"),
        _("Loại"),
        _("Chi bộ"),
        _("Từ ngày"),
        _("Thôi từ ngày"),
        _("Quyết định"),
        _("Dự sinh hoạt (12 tháng)"),
        _("Số buổi sinh hoạt (12 tháng)"),
        _("Tỷ lệ"),
    ]
    table = Table(_("Cán bộ theo dõi chi bộ"), headers)
    kinds = _kinds()
    for person in people:
        for r in person.rows:
            table.rows.append(
                [
                    str(person.official),
                    person.official.username,
                    kinds[r.kind],
                    r.cell_name,
                    r.start,
                    r.end,
                    r.decision,
                    r.attended,
                    r.held,
                    _share(r.attended, r.held),
                ]
            )
            table.links.append(official_url(person.official.pk))
    return table


def support_table(rows: list[sel.VillageSupport]) -> Table:
    village_url = url_maker("meetings:support_village")
    headers = [
        _("Thôn, bản"),
        _("Xã"),
        _("Chi bộ"),
        _("Đặc biệt khó khăn"),
        _("Tổ chức giúp đỡ"),
        _("Từ ngày"),
        _("Đến ngày"),
        _("Quyết định"),
        _("Lần giúp đỡ gần nhất"),
        _("Người đến"),
        _("Nội dung giúp đỡ"),
        _("Cảnh báo"),
    ]
    table = Table(_("Giúp đỡ bản đặc biệt khó khăn"), headers)
    yes, flag = _yes_no(), _("Chưa có tổ chức giúp đỡ")
    for r in rows:
        v, a, visit = r.village, r.assignment, r.last_visit
        table.rows.append(
            [
                v.name,
                r.commune.name if r.commune else "",
                r.cell.name if r.cell else "",
                yes(v.especially_disadvantaged),
                a.helper.name if a else "",
                a.start if a else None,
                a.end if a else None,
                a.decision if a else "",
                visit.on if visit else None,
                visit.visitors if visit else "",
                visit.activities if visit else "",
                flag if r.flagged else "",
            ]
        )
        table.links.append(village_url(v.pk))
    return table


def village_log_table(village, assignments) -> Table:
    headers = [
        _("Tổ chức giúp đỡ"),
        _("Từ ngày"),
        _("Đến ngày"),
        _("Ngày giúp đỡ"),
        _("Người đến"),
        _("Nội dung giúp đỡ"),
    ]
    table = Table(str(village), headers)
    for a in assignments:
        visits = list(a.visits.all()) or [None]
        for visit in visits:
            table.rows.append(
                [
                    a.helper.name,
                    a.start,
                    a.end,
                    visit.on if visit else None,
                    visit.visitors if visit else "",
                    visit.activities if visit else "",
                ]
            )
    return table


# --- the lists behind the indicators --------------------------------------------------------------


def _assigned_officials(org, on) -> Table:
    official_url = url_maker("meetings:official")
    people = {}
    for a in ind.assigned_officials_rows(org, on).select_related("official", "cell"):
        people.setdefault(a.official_id, (a.official, []))[1].append(a)
    table = Table(
        _("Cán bộ huyện theo dõi chi bộ"),
        [_("Cán bộ"), _("Chi bộ"), _("Từ ngày"), _("Quyết định"), _("Được tính")],
    )
    by_name = sorted(people.values(), key=lambda p: (vn.full_name_sort_key(str(p[0])), p[0].pk))
    for official, assignments in by_name:
        assignments.sort(key=lambda a: sel.sort_key(a.cell.name))
        table.rows.append(
            [
                str(official),
                "; ".join(a.cell.name for a in assignments),
                min(a.start for a in assignments),
                "; ".join(sorted({a.decision for a in assignments if a.decision})),
                _("Có"),
            ]
        )
        table.links.append(official_url(official.pk))
    return table


def _supported_villages(org, on) -> Table:
    village_url = url_maker("meetings:support_village")
    rows = ind.supported_villages_rows(org, on).select_related("placed__commune", "served__cell")
    villages = [(v, sel.commune_then(v), sel.cell_then(v)) for v in rows]
    villages.sort(key=lambda r: (sel.sort_key(r[1].name if r[1] else ""), sel.sort_key(r[0].name)))
    table = Table(
        _("Bản đặc biệt khó khăn"),
        [_("Thôn, bản"), _("Xã"), _("Chi bộ"), _("Được tính")],
    )
    yes = _yes_no()
    for v, commune, cell in villages:
        table.rows.append(
            [v.name, commune.name if commune else "", cell.name if cell else "", yes(v.helped)]
        )
        table.links.append(village_url(v.pk))
    return table


class AttendancePairs:
    """The (official, meeting) pairs of the official_attendance_rate list, by official
    (Vietnamese order of the name), then day. First the pairs counted per official (one query,
    which gives the figure too) and the officials' names (one query); then `rows(positions)`,
    the (link, row) pairs at those positions, reads the pairs of the officials they reach (one
    query)."""

    def __init__(self, org, on):
        self.pairs = ind.official_attendance_pairs(org, on)
        # Grouped by the official alone: joining their names in makes SQLite start from the
        # user table; the names come after, for the officials counted.
        per_official = list(
            self.pairs.values("official_id").annotate(**sel.attendance_counts()).order_by()
        )
        names = {
            pk: full_name or username
            for pk, full_name, username in get_user_model()
            .objects.filter(pk__in=[c["official_id"] for c in per_official])
            .values_list("pk", "full_name", "username")
        }
        # Officials of the same name share a group: their pairs interleave by day.
        groups = {}
        held = attended = 0
        for c in per_official:
            group = groups.setdefault(vn.full_name_sort_key(names[c["official_id"]]), [[], 0])
            group[0].append(c["official_id"])
            group[1] += c["held"]
            held, attended = held + c["held"], attended + c["attended"]
        self.value = Value(attended, held)
        self.names = names
        self.groups = [groups[k] for k in sorted(groups)]  # [[official ids], pairs]

    def rows(self, positions: list[int]) -> list:
        """The (link, row) pairs at `positions`, consecutive."""
        start, stop = positions[0], positions[-1] + 1
        group_of, offset, first = {}, 0, None  # official id -> their group's place
        for place, (ids, n) in enumerate(self.groups):
            if offset + n > start and offset < stop:
                first = offset if first is None else first
                group_of.update(dict.fromkeys(ids, place))
            offset += n
        officials = list(group_of)
        if not officials:
            return []
        pairs = (
            self.pairs
            if len(officials) == len(self.names)
            else self.pairs.filter(official_id__in=officials)
        )
        rows = pairs.annotate(
            assignment_kind=F("cell__follow_assignments__kind"),
            cell_name=F("cell__name"),
        ).values_list(
            *("official_id", "assignment_kind", "cell_name", "day", "pk", "attended"),
            "assignment_start",
        )
        rows = sorted(rows, key=lambda r: (group_of[r[0]], r[3], r[4], r[0], r[6]))
        official_url = url_maker("meetings:official")
        kinds, yes = _kinds(), _yes_no()
        return [
            (official_url(o), [self.names[o], kinds[kind], cell, day, yes(came)])
            for o, kind, cell, day, _pk, came, _start in rows
        ][start - first : stop - first]


def attendance_rows(org, on) -> tuple[LazyRows, Value]:
    """The (link, row) pairs of the official_attendance_rate list, read a slice at a time (a
    paginator's page), and the figure."""
    pairs = AttendancePairs(org, on)
    return LazyRows(range(pairs.value.of), pairs.rows), pairs.value


def _official_attendance_rate(org, on) -> Table:
    rows, _value = attendance_rows(org, on)
    table = _attendance_table()
    for link, row in rows[0 : len(rows)]:
        table.rows.append(row)
        table.links.append(link)
    return table


def _attendance_table() -> Table:
    return Table(
        _("Cán bộ dự sinh hoạt chi bộ"),
        [_("Cán bộ"), _("Loại"), _("Chi bộ"), _("Ngày họp"), _("Được tính")],
    )


def _whole(table_of):
    """rows(org, on) of a list laid out whole; the page computes the figure."""

    def rows(org, on):
        table = table_of(org, on)
        return table.linked_rows, {"table": table}

    return rows


def _attendance_rows(org, on):
    """Only the page shown is read; the figure comes with the pairs counted."""
    rows, value = attendance_rows(org, on)
    return rows, {"table": _attendance_table(), "value": value}


VIEW = "meetings:official_indicator"  # the page that shows these lists
# code -> (rows, table), registered with the indicator registry by meetings/lists.py.
LISTS = {
    "assigned_officials": (_whole(_assigned_officials), _assigned_officials),
    "supported_villages": (_whole(_supported_villages), _supported_villages),
    "official_attendance_rate": (_attendance_rows, _official_attendance_rate),
}


def indicator_table(code: str, org, on: datetime.date) -> Table:
    """The whole list behind an indicator (the .xlsx)."""
    return registry.list_for(code, VIEW).table(org, on)
