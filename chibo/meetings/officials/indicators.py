"""Indicators of the officials who follow cells and the helping organizations.

Each counts on the structure of the date asked for (the cells and villages under the node on
that date) in a fixed number of queries; the list behind each one is
`exports.indicator_table(code, org, as_of)`, shown at
/meetings/officials/org/<id>/indicators/<code>/ (meetings:official_indicator).
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from chibo.committees.villages.selectors import villages_on
from chibo.core.indicators import Value, once_per_batch, register, register_preload
from chibo.organizations.models import Organization
from chibo.organizations.selectors import preload_per_org, preloaded_under

from ..models import FollowAssignment
from . import selectors as sel

CODES = ["assigned_officials", "supported_villages", "official_attendance_rate"]


def assigned_officials_rows(org: Organization, as_of: datetime.date):
    """District cadres' follow assignments running on `as_of` on cells under `org`."""
    return sel.running_on(sel.assignments_under(org, as_of), as_of).filter(
        kind=FollowAssignment.Kind.DISTRICT_CADRE
    )


@register("assigned_officials", _("Cán bộ huyện được phân công dự sinh hoạt chi bộ"))
def assigned_officials(org: Organization, as_of: datetime.date) -> Value:
    """District cadres (people, not assignments) following at least one cell under `org` on
    `as_of`. Two queries: the path, the count."""
    n = once_per_batch(
        ("officials.assigned", org.pk, as_of),
        lambda: assigned_officials_rows(org, as_of).values("official_id").distinct().count(),
    )
    return Value(n)


def _helped(as_of: datetime.date) -> Exists:
    return Exists(sel.support_assignments_running(as_of).filter(village=OuterRef("pk")))


def supported_villages_rows(org: Organization, as_of: datetime.date):
    """Especially disadvantaged villages under `org` on `as_of`, `helped` when an organization
    is assigned to help them then."""
    return sel.disadvantaged_villages_under(org, as_of).annotate(helped=_helped(as_of))


@register(
    "supported_villages",
    _("Bản đặc biệt khó khăn có tổ chức được phân công giúp đỡ"),
)
def supported_villages(org: Organization, as_of: datetime.date) -> Value:
    """Especially disadvantaged villages with a helping organization on `as_of`, of the
    especially disadvantaged villages under `org`. Two queries: the path, the aggregate."""
    # The condition goes into the aggregate itself: aggregating over an annotation makes Django
    # wrap the query in a subquery that drops the annotated column.
    c = once_per_batch(
        ("officials.supported", org.pk, as_of),
        lambda: sel.disadvantaged_villages_under(org, as_of).aggregate(
            total=Count("id"), helped=Count("id", filter=_helped(as_of))
        ),
    )
    return Value(c["helped"], c["total"])


def _preload_supported(orgs, as_of: datetime.date) -> None:
    """supported_villages' figures of every organization of a compute_many: the especially
    disadvantaged villages of that day read once, each with its cell, its commune's committee
    and whether it was helped (a row per row of villages_under's joins, as the count counts
    them), each organization's those whose cell or committee stands under it. Only the
    villages under the batch's organizations, by villages_under's condition."""
    under = preloaded_under(as_of)
    if under is None:
        return
    rows = list(
        villages_on(as_of)
        .filter(Q(served__cell_id__in=under) | Q(led__committee_id__in=under))
        .filter(especially_disadvantaged=True)
        .annotate(helped=_helped(as_of))
        .values_list("served__cell_id", "led__committee_id", "helped")
    )

    by_org: dict[int, list[int]] = {}  # organization id -> the rows it serves or leads
    for i, (cell, committee, _flag) in enumerate(rows):
        for org_id in {cell, committee} - {None}:
            by_org.setdefault(org_id, []).append(i)

    def figures(ids):
        mine = {i for org_id in ids & by_org.keys() for i in by_org[org_id]}
        return {"total": len(mine), "helped": sum(1 for i in mine if rows[i][2])}

    preload_per_org(orgs, as_of, "all", "officials.supported", figures)


def official_attendance_pairs(org: Organization, as_of: datetime.date):
    """A queryset of the pairs (selectors.attendance_pairs) of the meetings held in
    the 12 months up to `as_of` in cells under `org` with every official following the cell on
    its day."""
    first, last = sel.window(as_of)
    assignments = sel.overlapping(sel.assignments_under(org, as_of), first, last)
    return sel.attendance_pairs(assignments.values("pk"), first, last)


@register(
    "official_attendance_rate",
    _("Lượt cán bộ được phân công có mặt tại sinh hoạt chi bộ (12 tháng)"),
)
def official_attendance_rate(org: Organization, as_of: datetime.date) -> Value:
    """(meeting, official) pairs where the official came, of the meetings held in the 12 months
    up to `as_of` in cells under `org` while an official followed the cell (one pair per
    official following it then). Two queries: the path, the pairs counted per official."""

    # Counted per official and added up here: Django's aggregate() over the `attended` subquery
    # wraps the query in one that drops that column (SQLite then reads "attended" as a string).
    def read():
        counts = (
            official_attendance_pairs(org, as_of)
            .values("official_id")
            .annotate(**sel.attendance_counts())
        )
        held = attended = 0
        for c in counts:
            held, attended = held + c["held"], attended + c["attended"]
        return held, attended

    held, attended = once_per_batch(("officials.attendance", org.pk, as_of), read)
    return Value(attended, held)


@register_preload
def preload(orgs, as_of: datetime.date) -> None:
    """assigned_officials' and official_attendance_rate's counts of every organization of a
    compute_many: each cell's officials and attendance pairs once (the pairs of a meeting are
    its cell's; the officials are counted distinct over the cells)."""
    officials: dict[int, set] = {}
    for cell_id, official_id in sel.running_on(
        FollowAssignment.objects.filter(kind=FollowAssignment.Kind.DISTRICT_CADRE), as_of
    ).values_list("cell_id", "official_id"):
        officials.setdefault(cell_id, set()).add(official_id)

    def assigned(ids):
        found = set()
        for i in ids & officials.keys():
            found |= officials[i]
        return len(found)

    preload_per_org(orgs, as_of, "cells", "officials.assigned", assigned)
    first, last = sel.window(as_of)
    assignments = sel.overlapping(FollowAssignment.objects.all(), first, last)
    pairs = {
        row["cell_id"]: (row["held"], row["attended"])
        for row in sel.attendance_pairs(assignments.values("pk"), first, last)
        .values("cell_id")
        .annotate(**sel.attendance_counts())
    }

    def attendance(ids):
        found = [pairs[i] for i in ids & pairs.keys()]
        return sum(h for h, _a in found), sum(a for _h, a in found)

    preload_per_org(orgs, as_of, "cells", "officials.attendance", attendance)
    _preload_supported(orgs, as_of)
