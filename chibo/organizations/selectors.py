"""Reads of the organization tree, current or as of a date."""

import datetime
from bisect import bisect_left

from django.db.models import Count, FilteredRelation, Q

from chibo.core.dated import overlap_q
from chibo.core.indicators import in_batch, once_per_batch, once_per_tree_read, prime, primed
from chibo.core.vn import text_sort_key

from .models import (
    PATH_END,
    PATH_STEP,
    UPPER_KINDS,
    Commune,
    CommuneCommitteeLink,
    Organization,
    OrganizationEvent,
    OrganizationPeriod,
    Village,
    VillageCommuneLink,
    grassroots_level_q,
    subtree_q,
    subtrees_q,
)
from .people import people


def path_as_of(org: Organization, as_of: datetime.date) -> str | None:
    """The organization's path on `as_of`, None if it was not valid then. One query, read once
    for all the indicators of a compute_all (each of them starts from it) and once for a GET
    request's page (its parts start from it too)."""
    return once_per_tree_read(
        ("path_as_of", org.pk, as_of),
        lambda: (
            OrganizationPeriod.objects.filter(organization=org, valid_from__lte=as_of)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
            .values_list("path", flat=True)
            .first()
        ),
    )


def periods_under(org: Organization, as_of: datetime.date):
    """The periods of the organizations under `org` (itself included) on `as_of`."""
    return periods_at(path_as_of(org, as_of), as_of)


def periods_at(path: str | None, as_of: datetime.date):
    """The periods of the organizations under the tree path `path` on `as_of` (none for None)."""
    if path is None:
        return OrganizationPeriod.objects.none()
    return OrganizationPeriod.objects.filter(
        subtree_q(path), Q(valid_to__isnull=True) | Q(valid_to__gt=as_of), valid_from__lte=as_of
    )


def structure_counts(org: Organization, as_of: datetime.date) -> dict[str, int]:
    """{"grassroots": grassroots-level organizations (grassroots cells included),
    "village_cells": village (residential) cells} under `org` (itself included) on `as_of`.
    Counted on ids_at's list when it reads one, else in one query; once for the indicators of a
    compute_all."""

    def read():
        path = path_as_of(org, as_of)
        grassroots = ids_at(path, as_of, "grassroots_level")
        if isinstance(grassroots, list):
            return {
                "grassroots": len(grassroots),
                "village_cells": len(ids_at(path, as_of, "village_cells")),
            }
        return periods_at(path, as_of).aggregate(
            grassroots=Count("pk", filter=UNDER["grassroots_level"][0]),
            village_cells=Count("pk", filter=UNDER["village_cells"][0]),
        )

    return once_per_batch(("structure_counts", org.pk, as_of), read)


def village_cell_count(org: Organization, as_of: datetime.date) -> int:
    """The village (residential) cells under `org` on `as_of`: the denominator of five
    indicators (structure_counts)."""
    return structure_counts(org, as_of)["village_cells"]


# What ids_under selects of the organizations under a node: the periods' condition, and the same
# on a period's row (the organization's kind, cell type and grassroots type, the kind of the
# period's parent).
_K = Organization.Kind
UNDER = {
    "all": (Q(), lambda kind, cell_type, grassroots_type, parent_kind: True),
    "cells": (
        Q(organization__kind=_K.CELL),
        lambda kind, cell_type, grassroots_type, parent_kind: kind == _K.CELL,
    ),
    "village_cells": (
        Q(organization__kind=_K.CELL, organization__cell_type=Organization.CellType.RESIDENTIAL),
        lambda kind, cell_type, grassroots_type, parent_kind: (
            kind == _K.CELL and cell_type == Organization.CellType.RESIDENTIAL
        ),
    ),
    # grassroots organizations and grassroots cells (whose parent on the day is an upper
    # committee): grassroots_level_q
    "grassroots_level": (
        grassroots_level_q("organization__"),
        lambda kind, cell_type, grassroots_type, parent_kind: (
            kind == _K.GRASSROOTS or (kind == _K.CELL and parent_kind in UPPER_KINDS)
        ),
    ),
    # the organizations with a committee of their own: cells and commune party committees
    "committees": (
        Q(organization__kind=_K.CELL)
        | Q(
            organization__kind=_K.GRASSROOTS,
            organization__grassroots_type=Organization.GrassrootsType.COMMUNE,
        ),
        lambda kind, cell_type, grassroots_type, parent_kind: (
            kind == _K.CELL
            or (kind == _K.GRASSROOTS and grassroots_type == Organization.GrassrootsType.COMMUNE)
        ),
    ),
}

# The indicators of a compute_all filter on the organizations under its node some twenty times.
# Up to this many, the ids read once make a list that Django compiles in half the time of the
# periods' subquery (0,4 ms rather than 0,9 for a grassroots organization); a longer list (a
# district's 500) compiles slower than the subquery.
IDS_LISTED_MAX = 200


def ids_under(org: Organization, as_of: datetime.date, which: str = "all"):
    """The ids of the organizations under `org` (itself included) on `as_of`, all of them or
    those UNDER[which] selects, for an `__in` filter (ids_at)."""
    return ids_at(path_as_of(org, as_of), as_of, which)


def ids_at(
    path: str | None,
    as_of: datetime.date,
    which: str = "all",
    founded_by: datetime.date | None = None,
):
    """The ids of the organizations under the tree path `path` on `as_of` that UNDER[which]
    selects (founded by `founded_by` if given), for an `__in` filter: in a compute_all over at
    most IDS_LISTED_MAX organizations, a list (one query for all the indicators); otherwise a
    subquery of the periods."""
    condition, keep = UNDER[which]
    if founded_by is not None:
        condition = condition & Q(organization__valid_from__lte=founded_by)
    if path is not None and in_batch():
        rows = once_per_batch(
            ("ids_at", path, as_of),
            lambda: list(
                periods_at(path, as_of).values_list(
                    "organization_id",
                    "organization__kind",
                    "organization__cell_type",
                    "organization__grassroots_type",
                    "parent__kind",
                    "organization__valid_from",
                )[: IDS_LISTED_MAX + 1]
            ),
        )
        if len(rows) <= IDS_LISTED_MAX:
            return [
                row[0]
                for row in rows
                if keep(*row[1:5]) and (founded_by is None or row[5] <= founded_by)
            ]
    return periods_at(path, as_of).filter(condition).values("organization_id")


_ROW_FIELDS = (
    "path",
    "organization_id",
    "organization__kind",
    "organization__cell_type",
    "organization__grassroots_type",
    "parent__kind",
    "organization__valid_from",
)


def preload_structure(orgs, as_of: datetime.date) -> None:
    """For a compute_many: the paths of `orgs` on `as_of` (path_as_of's reads) and the periods
    under them (ids_at's), in two queries rather than two an organization."""
    paths = dict.fromkeys((org.pk for org in orgs), None)
    for org_id, path in (
        OrganizationPeriod.objects.filter(organization_id__in=list(paths), valid_from__lte=as_of)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
        .order_by("-pk")  # the first of path_as_of's query wins (periods do not overlap)
        .values_list("organization_id", "path")
    ):
        paths[org_id] = path
    for org_id, path in paths.items():
        prime(("path_as_of", org_id, as_of), path)
    # The topmost of the paths: the periods under them are those under every path.
    tops = []
    for path in sorted(p for p in set(paths.values()) if p is not None):
        if not tops or not path.startswith(tops[-1]):
            tops.append(path)
    if not tops:
        return
    under = subtrees_q(tops)
    rows = sorted(
        OrganizationPeriod.objects.filter(
            under, Q(valid_to__isnull=True) | Q(valid_to__gt=as_of), valid_from__lte=as_of
        ).values_list(*_ROW_FIELDS),
        key=lambda row: row[0],
    )
    keys = [row[0] for row in rows]
    prime(("periods_rows", as_of), (keys, rows))
    prime(("batch_under", as_of), under)
    prime(("batch_tops", as_of), tops)
    for path in set(paths.values()) - {None}:
        found = rows[bisect_left(keys, path) : bisect_left(keys, path + PATH_END)]
        prime(("ids_at", path, as_of), [row[1:] for row in found[: IDS_LISTED_MAX + 1]])
    # structure_counts of each (a query for one over IDS_LISTED_MAX organizations otherwise)
    for org_id, path in paths.items():
        prime(
            ("structure_counts", org_id, as_of),
            {
                "grassroots": preloaded_count(path, as_of, "grassroots_level"),
                "village_cells": preloaded_count(path, as_of, "village_cells"),
            },
        )


def preloaded_ids(path: str | None, as_of: datetime.date, which: str = "all") -> set | None:
    """In a compute_many whose preload read the periods (preload_structure): the ids of every
    organization under `path` on `as_of` that UNDER[which] selects (ids_at's, however many);
    None otherwise."""
    if path is None:
        return set()
    found = primed(("periods_rows", as_of))
    if found is None:
        return None
    keys, rows = found
    keep = UNDER[which][1]
    return {
        row[1]
        for row in rows[bisect_left(keys, path) : bisect_left(keys, path + PATH_END)]
        if keep(*row[2:6])
    }


def preloaded_count(
    path: str | None,
    as_of: datetime.date,
    which: str = "all",
    founded_by: datetime.date | None = None,
) -> int | None:
    """In a compute_many whose preload read the periods (preload_structure): how many of the
    periods under `path` on `as_of` UNDER[which] selects (of organizations founded by
    `founded_by` if given), as a count of ids_at's rows counts them; None otherwise."""
    if path is None:
        return 0
    found = primed(("periods_rows", as_of))
    if found is None:
        return None
    keys, rows = found
    keep = UNDER[which][1]
    return sum(
        1
        for row in rows[bisect_left(keys, path) : bisect_left(keys, path + PATH_END)]
        if keep(*row[2:6]) and (founded_by is None or row[6] <= founded_by)
    )


def preloaded_under(as_of: datetime.date, which: str = "all"):
    """In a compute_many whose preload read the periods (preload_structure): a subquery of the
    ids of the organizations on `as_of` under any of the batch's organizations that UNDER[which]
    selects, for a preload's `__in` filter (every organization a per-organization read would
    look at); None otherwise (nothing stands: an empty batch or one before the tree)."""
    under = primed(("batch_under", as_of))
    if under is None:
        return None
    return (
        OrganizationPeriod.objects.filter(
            under, Q(valid_to__isnull=True) | Q(valid_to__gt=as_of), valid_from__lte=as_of
        )
        .filter(UNDER[which][0])
        .values("organization_id")
    )


def preloaded_tops(as_of: datetime.date) -> list[str] | None:
    """In a compute_many whose preload read the periods (preload_structure): the topmost of the
    paths of its organizations on `as_of` (every other one lies under one of them), sorted;
    None otherwise."""
    return primed(("batch_tops", as_of))


def preload_paths(orgs, as_of: datetime.date):
    """For a compute_many's preload: (organization, its path on `as_of`) for every organization
    of `orgs` standing then (path_as_of's, primed by preload_structure)."""
    for org in orgs:
        path = primed(("path_as_of", org.pk, as_of))
        if path is not None:
            yield org, path


def preload_closed(orgs, as_of: datetime.date):
    """For a compute_many's preload: the organizations of `orgs` that preload_structure found
    not standing on `as_of` (not yet founded, or closed). Nothing stands under them that day:
    a read through ids_under finds nothing for them."""
    for org in orgs:
        if primed(("path_as_of", org.pk, as_of), _UNREAD) is None:
            yield org


_UNREAD = object()


def preload_orgs(orgs, as_of: datetime.date, which: str = "all"):
    """For a compute_many's preload: (organization, ids) for every organization of `orgs`,
    `ids` the set of those under it on `as_of` that UNDER[which] selects (preloaded_ids; empty
    for one that does not stand then, as ids_under's). Nothing when the structure was not
    preloaded."""
    if primed(("periods_rows", as_of)) is None:
        return
    for org, path in preload_paths(orgs, as_of):
        yield org, preloaded_ids(path, as_of, which)
    for org in preload_closed(orgs, as_of):
        yield org, set()


def preload_per_org(orgs, as_of: datetime.date, which: str, key: str, figures) -> None:
    """For a compute_many's preload: prime `(key, org.pk, as_of)` with `figures(ids)` for every
    organization of `orgs` (preload_orgs: `ids` the set of those under it on `as_of` that
    UNDER[which] selects, empty for one that does not stand then). For reads through
    ids_under only. Nothing when the structure was not preloaded."""
    for org, ids in preload_orgs(orgs, as_of, which):
        prime((key, org.pk, as_of), figures(ids))


def link_on(on: datetime.date) -> FilteredRelation:
    """A village's link to the cell that served it on `on` (at most one), for
    `Village.objects.annotate(served=link_on(day))`: then `served__cell_id` is that cell (None
    when no cell served it), in filters and values alike."""
    return FilteredRelation(
        "cell_links",
        condition=Q(cell_links__start__lte=on)
        & (Q(cell_links__end__isnull=True) | Q(cell_links__end__gt=on)),
    )


def led_on(on: datetime.date, prefix: str = "") -> FilteredRelation:
    """A commune's link to the commune committee that led it on `on` (at most one), for
    `Commune.objects.annotate(led=led_on(day))`: then `led__committee_id` is that committee
    (None when none led it), in filters and values alike. From a village, the commune it lay in
    that day: village_led_on. Commune.party_committee is the committee now."""
    rel = f"{prefix}committee_links"
    return FilteredRelation(
        rel,
        condition=Q(**{f"{rel}__start__lte": on})
        & (Q(**{f"{rel}__end__isnull": True}) | Q(**{f"{rel}__end__gt": on})),
    )


def placed_on(on: datetime.date) -> FilteredRelation:
    """A village's link to the commune it lay in on `on` (at most one), for
    `Village.objects.annotate(placed=placed_on(day))`: then `placed__commune_id` is that commune
    (None when it lay in none), in filters, values and select_related("placed__commune").
    Village.commune is the commune now."""
    return FilteredRelation(
        "commune_links",
        condition=Q(commune_links__start__lte=on)
        & (Q(commune_links__end__isnull=True) | Q(commune_links__end__gt=on)),
    )


def village_led_on(on: datetime.date) -> dict[str, FilteredRelation]:
    """For `Village.objects.annotate(**village_led_on(day))`: `placed`, the village's link to
    the commune it lay in on `day` (placed_on), and `led`, that commune's link to the committee
    that led it then (`led__committee_id`), both read in the query's joins."""
    return {"placed": placed_on(on), "led": led_on(on, "placed__commune__")}


def village_ids_in(commune: Commune, start: datetime.date, end: datetime.date | None):
    """A subquery of the ids of the villages that lay in `commune` on at least one day of
    [start, end) (a commune's page of a year: the villages it had that year, those that left it
    in a merger and those that joined it)."""
    return (
        VillageCommuneLink.objects.filter(commune=commune)
        .filter(overlap_q(start, end))
        .values("village_id")
    )


def committees_on(commune_ids, on: datetime.date) -> dict[int, int]:
    """commune id -> the id of the commune committee that led it on `on` (communes without one
    left out). One query."""
    return dict(
        CommuneCommitteeLink.objects.in_force(on)
        .filter(commune_id__in=commune_ids)
        .values_list("commune_id", "committee_id")
    )


def org_ids_under(org: Organization, as_of: datetime.date | None = None):
    """A subquery of organization ids under `org`, now (indexed path range) or as of a date."""
    if as_of is None:
        return Organization.objects.filter(subtree_q(org.path), valid_to__isnull=True).values("pk")
    return periods_under(org, as_of).values("organization_id")


def children_with_counts(parent_path: str, children):
    """Attach `.member_count` (active members in the subtree) and `.has_children` to children.

    Two queries whatever the number of children: members grouped by the child part of their
    cell's path, and the set of children that have children themselves.
    """
    children = list(children)
    if not children:
        return children
    counts = people().counts_by_prefix(
        subtree_q(parent_path, "cell__path"), len(parent_path) + PATH_STEP
    )
    with_kids = set(
        Organization.objects.filter(parent__in=children, valid_to__isnull=True)
        .values_list("parent_id", flat=True)
        .distinct()
    )
    for c in children:
        c.member_count = counts.get(c.path, 0)
        c.has_children = c.pk in with_kids
    return children


def active_children(org: Organization):
    # Through the reverse manager, each child knows `org` as its parent without a query.
    return org.children.filter(valid_to__isnull=True).order_by("kind", "name")


def org_history(org: Organization):
    return {
        "periods": list(org.periods.select_related("parent").order_by("valid_from")),
        "events": list(org.events.select_related("actor").order_by("on", "id")),
    }


def places_under(org: Organization) -> list[tuple[Commune, list[Village]]]:
    """The open communes whose Party committee lies under `org` (itself included), each with its
    open villages and the cell serving each now, in Vietnamese order. Two queries."""
    communes = list(
        Commune.objects.filter(subtree_q(org.path, "party_committee__path"), valid_to__isnull=True)
        .select_related("party_committee")
        .order_by()
    )
    by_commune = {c.pk: [] for c in communes}
    villages = Village.objects.filter(commune_id__in=by_commune, valid_to__isnull=True)
    for village in villages.select_related("cell").order_by():
        by_commune[village.commune_id].append(village)
    return [
        (c, sorted(by_commune[c.pk], key=lambda v: text_sort_key(v.name)))
        for c in sorted(communes, key=lambda c: text_sort_key(c.name))
    ]


def village_links(village: Village):
    """The village's links to the cells that served it, oldest first."""
    return list(village.cell_links.select_related("cell").order_by("start"))


def village_communes(village: Village):
    """The village's links to the communes it lay in, oldest first."""
    return list(village.commune_links.select_related("commune").order_by("start"))


def ending(org: Organization) -> dict | None:
    """How `org` ended, for the notice on its pages: {"kind": the event's kind (merged, split,
    dissolved), "related": the organizations it went into}; None while it runs. Two queries,
    none for a running organization."""
    if org.valid_to is None:
        return None
    events = list(
        OrganizationEvent.objects.filter(organization=org, on=org.valid_to)
        .exclude(kind__in=[OrganizationEvent.Kind.RENAMED, OrganizationEvent.Kind.REPARENTED])
        .prefetch_related("related")
        .order_by("id")
    )
    related = {o.pk: o for e in events for o in e.related.all()}
    return {
        "kind": events[-1].kind if events else "",
        "related": sorted(related.values(), key=lambda o: o.name),
    }
