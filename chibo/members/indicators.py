"""Indicators of members, counted on the structure and the memberships of the date asked for."""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, once_per_batch, register, register_preload
from chibo.organizations.models import Organization
from chibo.organizations.selectors import ids_under, preload_per_org, village_cell_count

from .models import Membership

# A cell with at least this many official members elects a cell committee (chi ủy)
# (QĐ 294-QĐ/TW). To move to the versioned rule data once that exists.
COMMITTEE_MIN_OFFICIAL = 9


def memberships_open_on(as_of: datetime.date):
    """Memberships running on `as_of`: started on or before it, not ended by it."""
    return Membership.objects.filter(Q(end__isnull=True) | Q(end__gt=as_of), start__lte=as_of)


def _member_counts(org: Organization, as_of: datetime.date) -> dict[str, int]:
    """{"of": members with a membership open on `as_of` in a cell under `org` then, "n": those
    of them probationary then (admitted on or before it, not yet official on it)}. One query,
    read once for the two indicators of a compute_all."""

    def read():
        probationary = Q(member__admission_date__lte=as_of) & (
            Q(member__official_date__isnull=True) | Q(member__official_date__gt=as_of)
        )
        return (
            memberships_open_on(as_of)
            .filter(cell_id__in=ids_under(org, as_of))
            .aggregate(
                of=Count("member_id", distinct=True),
                n=Count("member_id", distinct=True, filter=probationary),
            )
        )

    return once_per_batch(("members.counts", org.pk, as_of), read)


def _official_counts(org: Organization, as_of: datetime.date) -> list[int]:
    """The official members of each village cell under `org` on `as_of` that has any (distinct
    members with a membership open then, official on or before it). One query."""

    def read():
        return list(
            memberships_open_on(as_of)
            .filter(
                cell_id__in=ids_under(org, as_of, "village_cells"),
                member__official_date__lte=as_of,
            )
            .values("cell_id")
            .annotate(official=Count("member_id", distinct=True))
            .order_by()
            .values_list("official", flat=True)
        )

    return once_per_batch(("members.official_counts", org.pk, as_of), read)


@register_preload
def preload(orgs, as_of: datetime.date) -> None:
    """_member_counts and _official_counts of every organization of a compute_many: the open
    memberships of the date read once, (cell, member, probationary, official)."""
    members: dict[int, set] = {}
    probationary: dict[int, set] = {}
    official: dict[int, set] = {}
    for cell_id, member_id, admitted, official_on in memberships_open_on(as_of).values_list(
        "cell_id", "member__id", "member__admission_date", "member__official_date"
    ):
        members.setdefault(cell_id, set()).add(member_id)
        if (
            admitted is not None
            and admitted <= as_of
            and (official_on is None or official_on > as_of)
        ):
            probationary.setdefault(cell_id, set()).add(member_id)
        if official_on is not None and official_on <= as_of:
            official.setdefault(cell_id, set()).add(member_id)

    def union(by_cell, ids):
        found = set()
        for i in ids & by_cell.keys():
            found |= by_cell[i]
        return found

    preload_per_org(
        orgs,
        as_of,
        "all",
        "members.counts",
        lambda ids: {"of": len(union(members, ids)), "n": len(union(probationary, ids))},
    )
    preload_per_org(
        orgs,
        as_of,
        "village_cells",
        "members.official_counts",
        lambda ids: [len(official[i]) for i in ids & official.keys()],
    )


@register("members", _("Đảng viên"))
def members(org: Organization, as_of: datetime.date) -> Value:
    """Members with a membership open on `as_of` in a cell under `org` then. Two queries (the
    path, the count), shared with members_probationary."""
    return Value(_member_counts(org, as_of)["of"])


@register("members_probationary", _("Đảng viên dự bị"))
def members_probationary(org: Organization, as_of: datetime.date) -> Value:
    """Members counted by `members` on `as_of` who are probationary then (admitted on or before
    it, not yet official on it), of those members. Two queries, shared with members."""
    counts = _member_counts(org, as_of)
    return Value(counts["n"], counts["of"])


@register(
    "cells_9plus_official",
    _("Chi bộ thôn, bản, tiểu khu có từ 9 đảng viên chính thức trở lên"),
)
def cells_9plus_official(org: Organization, as_of: datetime.date) -> Value:
    """Village cells with ≥ 9 official members on `as_of`, of the village cells then.

    Three queries: the org's path on that date, the grouped count, the number of cells.
    """
    n = sum(1 for official in _official_counts(org, as_of) if official >= COMMITTEE_MIN_OFFICIAL)
    return Value(n, village_cell_count(org, as_of))
