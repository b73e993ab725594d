"""The members in the tree, as the members app counts and lists them.

The tree shows how many members each node has, a cell's page lists its members, and an
organization that still has members cannot close. Members are the members app's, which builds on
this one: it registers its answers here when Django starts (MembersConfig.ready), so this app
reads them without importing it (the `layers` contract in pyproject.toml).
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class People:
    # Members still in a cell whose path matches the Q (on "cell__path"), counted by the first
    # n characters of their cell's path (a subtree's path is such a prefix).
    counts_by_prefix: Callable[[Q, int], Counter]
    # The members of a cell that a Scope may read, in roster order.
    of_cell: Callable[[object, object], QuerySet]
    # Whether any member is still in a cell under an organization.
    any_under: Callable[[object], bool]


_registered: list[People] = []


def register(people: People) -> None:
    _registered[:] = [people]


def people() -> People:
    if not _registered:
        raise LookupError("No app has registered the members in the tree (chibo.members).")
    return _registered[0]
