"""The members in the organization tree, as the tree's pages show them (registered with
chibo.organizations.people when Django starts: organizations does not import this app)."""

from collections import Counter

from django.db.models import Q, Sum
from django.db.models.functions import Substr

from chibo.organizations.people import People

from .models import CellMemberCount, Member
from .selectors import scoped_members


def counts_by_prefix(q: Q, prefix_len: int) -> Counter:
    """Members still in a cell matching `q`, counted by the first `prefix_len` characters of
    their cell's path (a subtree's path is such a prefix). From the counters the services keep
    (chibo.members.counts), added up by the database: at national scale a superuser's tree
    has 104.000 cells and 5,6 million members, too many to count per page."""
    rows = (
        CellMemberCount.objects.filter(q)
        .annotate(prefix=Substr("cell__path", 1, prefix_len))
        .values("prefix")
        .annotate(n=Sum("members"))
        .values_list("prefix", "n")
        .order_by()
    )
    return Counter({prefix: n for prefix, n in rows if n})


def of_cell(scope, cell):
    """The members of `cell` the scope may read, in roster order."""
    return scoped_members(scope).filter(cell=cell).in_cell().order_by("sort_key", "id")


def any_under(org) -> bool:
    return Member.objects.in_cell().under(org).exists()


PEOPLE = People(counts_by_prefix=counts_by_prefix, of_cell=of_cell, any_under=any_under)
