"""Reads of members, each starting from the user's scope."""

from django.db.models import Q

from chibo.core.dates import today
from chibo.organizations.models import Organization, subtree_q

from . import counts
from .forms import age_band_dates
from .models import IN_CELL_STATUSES, Member

# A search (`q`) counts its matches up to this many: counting every member whose name holds
# "nguyen van" in a province (one in ten) cost more than finding the first page. Past it, the
# page and the API say "more than 1.000": a search is narrowed, not paged through.
SEARCH_COUNT_CAP = 1000


def search_count(qs) -> tuple[int, bool]:
    """(matches, capped): the count up to SEARCH_COUNT_CAP, and whether there are more.

    One COUNT over a LIMIT, without the ordering (PostgreSQL stops at the cap).
    """
    n = qs.order_by()[: SEARCH_COUNT_CAP + 1].count()
    return min(n, SEARCH_COUNT_CAP), n > SEARCH_COUNT_CAP


def page_rows(qs, offset: int, limit: int, *, fields=(), cell_fields=()) -> list:
    """`qs[offset:offset + limit]` of members, each with its cell, in three reads: the ids in
    the list's order, those members, their cells. `fields` and `cell_fields` name the only
    columns the page shows (all when empty).

    A search keeps few of the members it walks in name order ("nguyen van" one in ten): the ids
    come from the index on (sort_key, id, status, cell, search_text) alone, without reading the
    rows it skips (PostgreSQL: 7 ms → 1 ms in a province). The cells are read by id: joined,
    PostgreSQL hashed all 3.600 organizations of a province for 50 members (3 ms), and
    prefetch_related("cell") builds a tuple lookup (1–2 ms of Python).
    """
    ids = list(qs.values_list("pk", flat=True)[offset : offset + limit])
    members = Member.objects.filter(pk__in=ids).order_by()
    if fields:
        members = members.only("cell", *fields)
    by_id = {m.pk: m for m in members}
    cells = Organization.objects.filter(pk__in={m.cell_id for m in by_id.values()}).order_by()
    if cell_fields:
        cells = cells.only(*cell_fields)
    cell_by_id = {o.pk: o for o in cells}
    rows = []
    for pk in ids:
        member = by_id.get(pk)
        if member is not None:  # members are never deleted; this guards a race all the same
            member.cell = cell_by_id[member.cell_id]
            rows.append(member)
    return rows


def scoped_members(scope):
    """Members the scope may read: those under its nodes, or only oneself for a member."""
    qs = Member.objects.all()
    if scope.superuser:
        return qs
    q = scope.paths_q("cell__path") if scope.read_paths else Q(pk__in=[])
    if scope.member_self_id:
        q |= Q(pk=scope.member_self_id)
    return qs.filter(q)


def filtered_members(scope, filters: dict, org=None):
    """The member list for validated MemberFilterForm data; `org` is already scope-checked."""
    qs = scoped_members(scope).select_related("cell")
    if org is not None:
        qs = qs.under(org)
    status = filters.get("status") or ""
    if status == "":
        qs = qs.filter(status__in=IN_CELL_STATUSES)
    elif status != "all":
        qs = qs.filter(status=status)
    for name in ("theory_level", "sex"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("ethnicity"):
        qs = qs.filter(ethnicity=filters["ethnicity"])
    if filters.get("standing") == "probationary":
        qs = qs.probationary(today())
    elif filters.get("standing") == "official":
        qs = qs.official(today())
    if filters.get("age"):
        after, on_or_before = age_band_dates(filters["age"], today())
        qs = qs.filter(birth_date__gt=after, birth_date__lte=on_or_before)
    if filters.get("q"):
        qs = qs.search(filters["q"])
    return qs.order_by(*list_order(filters))


# The list's orderings, each ending with the id: a row's place is unique (core.keyset).
ORDERS = {
    "": ["sort_key", "id"],
    "name": ["sort_key", "id"],
    "-name": ["-sort_key", "-id"],
    "birth": ["birth_date", "id"],
    "admission": ["admission_date", "id"],
}


def list_order(filters: dict) -> list[str]:
    return ORDERS[filters.get("sort") or ""]


# Filters the counters cannot answer: any of them set, the list is counted.
_COUNTED_FILTERS = ("q", "status", "theory_level", "sex", "ethnicity", "standing", "age")


def counted_total(scope, filters: dict, org=None) -> int | None:
    """The list's total from the members-per-cell counters (chibo.members.counts) when the
    filters leave only the scope and an organization, None otherwise (count the list then).
    The nation's list: a sum of 104.000 counters instead of counting 5,6 million members."""
    if any(filters.get(name) for name in _COUNTED_FILTERS):
        return None
    if scope.member_self_id and not scope.superuser:
        return None  # their own record may lie outside the nodes they read
    q = scope.paths_q("cell__path")
    if org is not None:
        q &= subtree_q(org.path, "cell__path")
    return counts.counted_under(q)


def members_for_forms():
    """The members a write page (edit, transfer, status, a movement, a badge) reads: with the
    cell its scope check reads, without the histories that the member's page alone shows."""
    return Member.objects.select_related("cell")


def member_detail(member_id):
    return (
        Member.objects.select_related("cell", "cell__parent")
        .prefetch_related(
            "memberships__cell",
            "status_changes__actor",
            "temporary_stays__host_cell",
            "badge_awards",
            "interruptions",
        )
        .get(pk=member_id)
    )
