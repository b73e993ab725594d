"""Reads of what a commune records, as of a date: its Party secretary and People's Committee
chairman, the non-local leaders' target that holds for a subtree, its officials, and who falls
short of the qualification standards."""

import datetime
from bisect import bisect_left
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from chibo.core import vn
from chibo.core.indicators import primed
from chibo.organizations.models import PATH_END, Organization
from chibo.organizations.selectors import (
    ids_at,
    path_as_of,
    periods_at,
    periods_under,
    preload_closed,
    preload_paths,
    preloaded_under,
)

from .. import rules
from ..models import (
    CommuneLeader,
    CommuneOfficial,
    LeadershipTarget,
    QualificationStandard,
    in_force_q,
)
from ..selectors import cells_under, positions_on, sort_key, standard_on, with_holders


def commune_leaders(org: Organization, on: datetime.date) -> list[CommuneLeader]:
    """Commune Party secretaries and People's Committee chairmen in force under `org`."""
    org_ids = periods_under(org, on).values("organization_id")
    rows = CommuneLeader.objects.filter(in_force_q(on), commune_id__in=org_ids).select_related(
        "commune"
    )
    return sorted(rows, key=lambda r: (sort_key(r.commune.name), r.post, r.start))


@dataclass(frozen=True)
class TargetSum:
    """The non-local leaders' target that holds for a subtree on a date, and where it comes from."""

    term_name: str
    nonlocal_target: int
    targets: tuple  # the LeadershipTarget rows summed, each with `.path` on the date


def leadership_targets_many(orgs, on: datetime.date) -> dict[int, TargetSum | None]:
    """{organization id: leadership_target} of each of `orgs` (an indicator batch, whose
    preload read the structure of the day: preloaded_under). One query: the targets in force
    under any of them, each organization's those under its path (none for one that does not
    stand on `on`)."""
    found = primed(("periods_rows", on))
    under = preloaded_under(on)
    if found is None or under is None:
        return {}
    path_of = {row[1]: row[0] for row in found[1]}  # organization id -> its path on `on`
    rows = list(LeadershipTarget.objects.filter(in_force_q(on), organization_id__in=under))
    for t in rows:
        t.path = path_of[t.organization_id]
    rows.sort(key=lambda t: (t.path, -t.start.toordinal(), t.pk))
    paths = [t.path for t in rows]
    targets = {
        org.pk: target_sum(rows[bisect_left(paths, path) : bisect_left(paths, path + PATH_END)])
        for org, path in preload_paths(orgs, on)
    }
    return targets | {org.pk: None for org in preload_closed(orgs, on)}


def leadership_target(org: Organization, on: datetime.date) -> TargetSum | None:
    """The term target for non-local commune leaders of `org` on `on`: its own when it has one;
    otherwise the sum of the targets set lower down, each counted at its topmost node (a
    province without a target of its own answers for its districts' targets). None when no
    target in the subtree runs on `on`. Two queries."""
    path = path_as_of(org, on)
    periods = periods_at(path, on)
    rows = list(
        LeadershipTarget.objects.filter(in_force_q(on), organization_id__in=ids_at(path, on))
        .annotate(
            path=Subquery(
                periods.filter(organization_id=OuterRef("organization_id")).values("path")[:1]
            )
        )
        .order_by("path", "-start", "id")
    )
    return target_sum(rows)


def target_sum(rows) -> TargetSum | None:
    """leadership_target's sum of `rows`, the targets in force under the organization (each
    with `.path` on the day), sorted by path, latest start first, then id."""
    kept = []
    for t in rows:
        # Sorted by path: an ancestor's target comes before those under it and hides them; of
        # two targets at one node the later-starting one is kept.
        if not any(t.path.startswith(k.path) for k in kept):
            kept.append(t)
    if not kept:
        return None
    names = sorted({t.term_name for t in kept})
    return TargetSum(" · ".join(names), sum(t.nonlocal_target for t in kept), tuple(kept))


# --- qualification ----------------------------------------------------------------------------


def commune_officials(org: Organization, on: datetime.date, *, only=()) -> list[CommuneOfficial]:
    """The commune officials in force on `on` under `org` (their fields `only`, when given), by
    commune, then by given name as Vietnamese sorts them."""
    org_ids = periods_under(org, on).values("organization_id")
    rows = CommuneOfficial.objects.filter(in_force_q(on), commune_id__in=org_ids).select_related(
        "commune"
    )
    if only:
        rows = rows.only(*only)
    return sorted(
        rows,
        key=lambda o: (sort_key(o.commune.name), vn.full_name_sort_key(o.full_name), o.pk),
    )


def village_committee_positions(org: Organization, on: datetime.date):
    """Positions in force on `on` in the village cells under `org`, with member and cell."""
    cell_ids = cells_under(org, on, residential=True).values("organization_id")
    return with_holders(
        positions_on(on).filter(organization_id__in=cell_ids), organization=True
    ).order_by("organization__name", "title", "start", "id")


def village_committee_below_standard(org: Organization, on: datetime.date):
    """(standard, positions) of village cell committee members below its theory level."""
    standard = standard_on(QualificationStandard.AppliesTo.CELL_COMMITTEE, on)
    below = rules.levels_below(standard.min_theory_level if standard else "")
    qs = village_committee_positions(org, on).filter(member__theory_level__in=below)
    return standard, list(qs)
