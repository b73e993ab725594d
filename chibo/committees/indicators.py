"""Indicators of committees, commune leadership, qualification and succession planning.

Each counts in the database on the structure of the date asked for, in a fixed number of
queries; the list behind each one is `lists.indicator_list(code, org, as_of)`, shown at
/committees/org/<id>/indicators/<code>/ and tested to agree with the count.

The theory level of village committee members (village_committee_theory_ok) is counted by
training, which keeps the theory-level history it is read from as of a date.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, once_per_batch, prime, register, register_preload
from chibo.organizations.models import Organization
from chibo.organizations.selectors import (
    ids_under,
    preload_orgs,
    preload_per_org,
    preloaded_under,
    village_cell_count,
)

from . import selectors
from .communes.selectors import leadership_target, leadership_targets_many
from .models import (
    CommuneLeader,
    CommuneOfficial,
    ConcurrentRole,
    Position,
    Title,
    in_force_q,
)
from .succession.selectors import successor_gaps, successor_gaps_in


def _village_seats(org, as_of) -> list[tuple[int, int]]:
    """(positions in force, of them secretaries then head of a village the cell served) per
    village cell under `org` with a position in force on `as_of`. One query, read once for the
    two indicators of a compute_all."""

    def read():
        return list(
            _seats_per_cell(
                as_of, organization_id__in=ids_under(org, as_of, "village_cells")
            ).values_list("seats", "heads")
        )

    return once_per_batch(("committees.village_seats", org.pk, as_of), read)


def _seats_per_cell(as_of, **where):
    """Per organization with a position in force on `as_of` (among `where`'s): its positions
    in force (seats) and of them secretaries then head of a village the cell served (heads)."""
    heads = ConcurrentRole.objects.filter(
        in_force_q(as_of),
        # the cell that served the village on `as_of`, not the one serving it now
        in_force_q(as_of, "village__cell_links__start", "village__cell_links__end"),
        kind=ConcurrentRole.Kind.VILLAGE_HEAD,
        member_id=OuterRef("member_id"),
        village__cell_links__cell_id=OuterRef("organization_id"),
    )
    return (
        Position.objects.filter(in_force_q(as_of), **where)
        .values("organization_id")
        .annotate(
            seats=Count("id"),
            heads=Count("id", filter=Q(Exists(heads), title=Title.SECRETARY)),
        )
        .order_by()
    )


@register("cells_with_committee", _("Chi bộ thôn, bản, tiểu khu có chi ủy"))
def cells_with_committee(org: Organization, as_of: datetime.date) -> Value:
    """Village cells with at least the rule's min_committee_size positions in force, of the
    village cells on `as_of`. Four queries: path, rule, positions per cell (shared with
    secretary_is_village_head), number of cells (shared)."""
    rule = selectors.rule_on(as_of)
    n = 0
    if rule is not None:
        n = sum(
            1 for seats, _heads in _village_seats(org, as_of) if seats >= rule.min_committee_size
        )
    return Value(n, village_cell_count(org, as_of))


@register("secretary_is_village_head", _("Bí thư chi bộ đồng thời là trưởng thôn, bản, tiểu khu"))
def secretary_is_village_head(org: Organization, as_of: datetime.date) -> Value:
    """Village cells whose secretary on `as_of` is then head of a village the cell serves, of the
    village cells. Shares its queries with cells_with_committee."""
    n = sum(1 for _seats, heads in _village_seats(org, as_of) if heads)
    return Value(n, village_cell_count(org, as_of))


def _leader_counts(org, as_of):
    """Commune leader posts in force and how many are held by non-locals: one query, read once
    for the two leadership indicators of a compute_all."""

    def read():
        orgs = ids_under(org, as_of)
        return CommuneLeader.objects.filter(in_force_q(as_of), commune_id__in=orgs).aggregate(
            **_LEADER_COUNTS
        )

    return once_per_batch(("committees.leader_counts", org.pk, as_of), read)


_LEADER_COUNTS = {"total": Count("id"), "nonlocal_": Count("id", filter=Q(is_local=False))}
_OFFICIAL_COUNTS = {"total": Count("id"), "ok": Count("id", filter=Q(meets_standard=True))}


@register_preload
def preload(orgs, as_of: datetime.date) -> None:
    """The leaders' and the officials' counts of every organization of a compute_many: each
    commune's read once (the counts add up over the communes under an organization)."""
    for model, counts, key in (
        (CommuneLeader, _LEADER_COUNTS, "committees.leader_counts"),
        (CommuneOfficial, _OFFICIAL_COUNTS, "committees.official_counts"),
    ):
        by_commune = {
            row.pop("commune_id"): row
            for row in model.objects.filter(in_force_q(as_of))
            .values("commune_id")
            .annotate(**counts)
            .order_by()
        }

        def figures(ids, by_commune=by_commune, names=tuple(counts)):
            found = [by_commune[i] for i in ids & by_commune.keys()]
            return {name: sum(row[name] for row in found) for name in names}

        preload_per_org(orgs, as_of, "all", key, figures)
    seats = {
        org_id: (n, heads)
        for org_id, n, heads in _seats_per_cell(
            as_of, organization__kind=Organization.Kind.CELL
        ).values_list("organization_id", "seats", "heads")
    }
    preload_per_org(
        orgs,
        as_of,
        "village_cells",
        "committees.village_seats",
        lambda ids: [seats[i] for i in ids & seats.keys()],
    )
    _preload_successor_gaps(orgs, as_of)
    for org_id, target in leadership_targets_many(orgs, as_of).items():
        prime(("committees.leadership_target", org_id, as_of), target)


@register(
    "nonlocal_commune_leaders",
    _("Bí thư Đảng ủy, Chủ tịch UBND xã không phải người địa phương"),
)
def nonlocal_commune_leaders(org: Organization, as_of: datetime.date) -> Value:
    """Commune leader posts in force held by someone not local, of the posts in force."""
    c = _leader_counts(org, as_of)
    return Value(c["nonlocal_"], c["total"], places=2)


@register(
    "nonlocal_commune_leaders_target",
    _("Lãnh đạo xã không phải người địa phương so với chỉ tiêu nhiệm kỳ"),
)
def nonlocal_commune_leaders_target(org: Organization, as_of: datetime.date) -> Value:
    """The same count against the LeadershipTarget of `org` running on `as_of` (of = the target;
    none when `org` has no target then)."""
    c = _leader_counts(org, as_of)
    target = once_per_batch(
        ("committees.leadership_target", org.pk, as_of), lambda: leadership_target(org, as_of)
    )
    return Value(c["nonlocal_"], target.nonlocal_target if target else None, places=2)


@register("commune_officials_qualified", _("Cán bộ, công chức xã đạt chuẩn"))
def commune_officials_qualified(org: Organization, as_of: datetime.date) -> Value:
    """Commune officials in force on `as_of` assessed as meeting the standard, of all of them."""
    c = once_per_batch(
        ("committees.official_counts", org.pk, as_of),
        lambda: CommuneOfficial.objects.filter(
            in_force_q(as_of), commune_id__in=ids_under(org, as_of)
        ).aggregate(**_OFFICIAL_COUNTS),
    )
    return Value(c["ok"], c["total"], places=1)


@register(
    "positions_without_successor",
    _("Chức danh cấp ủy chưa có người trong quy hoạch"),
)
def positions_without_successor(org: Organization, as_of: datetime.date) -> Value:
    """(Organization, title) pairs in force in cells and commune committees under `org` with no
    active succession plan for the organization's term then, of the pairs in force."""
    missing, in_force = once_per_batch(
        ("committees.successor_gaps", org.pk, as_of), lambda: successor_gaps(org, as_of)[:2]
    )
    return successor_figure(missing, in_force)


def _preload_successor_gaps(orgs, as_of: datetime.date) -> None:
    """successor_gaps' pairs of every organization of a compute_many: those of every cell and
    commune committee under the batch's organizations read once (a pair's gap depends on its
    own organization only), each organization's those of the organizations under it."""
    under = preloaded_under(as_of, "committees")
    if under is None:
        return
    missing, pairs, _terms = successor_gaps_in(under, as_of)
    by_org: dict[int, list] = {}
    for pair in pairs:
        by_org.setdefault(pair[0], []).append(pair)
    for org, ids in preload_orgs(orgs, as_of, "committees"):
        mine = {pair for i in ids & by_org.keys() for pair in by_org[i]}
        prime(("committees.successor_gaps", org.pk, as_of), (mine & missing, mine))


def successor_figure(missing, in_force) -> Value:
    """positions_without_successor from its pairs (or the list's rows) missing and in force."""
    return Value(len(missing), len(in_force))
