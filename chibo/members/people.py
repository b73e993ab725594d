"""The members in the organization tree, as the tree's pages show them (registered with
chibo.organizations.people when Django starts: organizations does not import this app)."""

from collections import Counter

from django.db.models import Count, Q
from django.db.models.functions import Substr

from chibo.organizations.people import People

from .models import Member
from .selectors import scoped_members


def counts_by_prefix(q: Q, prefix_len: int) -> Counter:
    """Members still in a cell matching `q`, counted by the first `prefix_len` characters of
    their cell's path (a subtree's path is such a prefix). The database groups: at national
    scale a superuser's tree has 104,000 cells, too many to add up here."""
    rows = (
        Member.objects.in_cell()
        .filter(q)
        .annotate(prefix=Substr("cell__path", 1, prefix_len))
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    return Counter(dict(rows))


def of_cell(scope, cell):
    """The members of `cell` the scope may read, in roster order."""
    return scoped_members(scope).filter(cell=cell).in_cell().order_by("sort_key", "id")


def any_under(org) -> bool:
    return Member.objects.in_cell().under(org).exists()


PEOPLE = People(counts_by_prefix=counts_by_prefix, of_cell=of_cell, any_under=any_under)
