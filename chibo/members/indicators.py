"""Indicators of members, counted on the structure and the memberships of the date asked for."""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, once_per_batch, register
from chibo.organizations.models import Organization
from chibo.organizations.selectors import ids_under, village_cell_count

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
    n = (
        memberships_open_on(as_of)
        .filter(
            cell_id__in=ids_under(org, as_of, "village_cells"), member__official_date__lte=as_of
        )
        .values("cell_id")
        .annotate(official=Count("member_id", distinct=True))
        .filter(official__gte=COMMITTEE_MIN_OFFICIAL)
        .count()
    )
    return Value(n, village_cell_count(org, as_of))
