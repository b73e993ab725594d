"""Reads of the organization tree, current or as of a date."""

import datetime
from collections import Counter

from django.db.models import Count, Q
from django.db.models.functions import Substr

from chibo.core.indicators import once_per_batch

from .models import PATH_STEP, Organization, OrganizationPeriod, subtree_q


def path_as_of(org: Organization, as_of: datetime.date) -> str | None:
    """The organization's path on `as_of`, None if it was not valid then. One query, read once
    for all the indicators of a compute_all (each of them starts from it)."""
    return once_per_batch(
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
    path = path_as_of(org, as_of)
    if path is None:
        return OrganizationPeriod.objects.none()
    return OrganizationPeriod.objects.filter(
        subtree_q(path), Q(valid_to__isnull=True) | Q(valid_to__gt=as_of), valid_from__lte=as_of
    )


def village_cell_count(org: Organization, as_of: datetime.date, cells) -> int:
    """`cells.count()`, where `cells` are the village (residential) cells under `org` on
    `as_of`: the denominator of five indicators, counted once for all of them in a
    compute_all."""
    return once_per_batch(("village_cell_count", org.pk, as_of), cells.count)


def org_ids_under(org: Organization, as_of: datetime.date | None = None):
    """A subquery of organization ids under `org`, now (indexed path range) or as of a date."""
    if as_of is None:
        return Organization.objects.filter(subtree_q(org.path), valid_to__isnull=True).values("pk")
    return periods_under(org, as_of).values("organization_id")


def member_counts_by_prefix(member_model, q: Q, prefix_len: int) -> Counter:
    """Members still in a cell matching `q`, counted by the first `prefix_len` characters of
    their cell's path (a subtree's path is such a prefix). The database groups: at national
    scale a superuser's tree has 104,000 cells, too many to add up here."""
    rows = (
        member_model.objects.in_cell()
        .filter(q)
        .annotate(prefix=Substr("cell__path", 1, prefix_len))
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    return Counter(dict(rows))


def children_with_counts(parent_path: str, children, member_model):
    """Attach `.member_count` (active members in the subtree) and `.has_children` to children.

    Two queries whatever the number of children: members grouped by the child part of their
    cell's path, and the set of children that have children themselves.
    """
    children = list(children)
    if not children:
        return children
    counts = member_counts_by_prefix(
        member_model, subtree_q(parent_path, "cell__path"), len(parent_path) + PATH_STEP
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
