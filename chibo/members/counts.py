"""Members per cell, kept as counters (CellMemberCount) by the services that move members.

Every service that admits a member, moves one between cells or changes whether one is still in
a cell (active or exempt) calls `refresh(cell_ids)` with the cells it touched, inside its own
transaction: the counters change with the members or not at all. The tree, the member list's
total and the API's count read the counters (`counted_under`) instead of counting millions of
members. Bulk writers (the workbook's import, the demo, bench/generate.py) call `recount()` once
at the end. `manage.py member_counts` compares the counters with a fresh count.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from .models import CellMemberCount, Member

# The cells a batch (`deferred`) touched, refreshed once at its end; None outside a batch.
_pending: ContextVar[set | None] = ContextVar("member_counts_pending", default=None)


@contextmanager
def deferred():
    """A batch of member-moving services (a reorganization, a status change of many members):
    within it, `refresh` notes the cells; at its end, one refresh of them all. The counters are
    then locked after every member the batch locked: a single transfer waiting for a counter the
    batch holds can never hold a member the batch waits for (no deadlock). Nested: the outer one
    refreshes. After an exception nothing is refreshed (the transaction rolls back)."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
        cells = _pending.get()
    finally:
        _pending.reset(token)
    refresh(cells)


def refresh(cell_ids) -> None:
    """Recount the members of each cell in `cell_ids` and store it, in the caller's transaction.

    The counters are locked before the members are counted (in id order, so that two services
    never wait for each other): under READ COMMITTED the count then sees every transaction that
    changed these cells before, and one that comes after waits for this one. A recount rather
    than an increment: a service need not know who was counted before its change.
    """
    ids = sorted({int(i) for i in cell_ids if i is not None})
    pending = _pending.get()
    if pending is not None:  # in a batch: at its end
        pending.update(ids)
        return
    if not ids:
        return
    # Create the missing counters and lock the others, in id order: an upsert whose update
    # (to 0, counted again below) takes the row locks that a SELECT … FOR UPDATE would.
    CellMemberCount.objects.bulk_create(
        [CellMemberCount(cell_id=i, members=0) for i in ids],
        update_conflicts=True,
        unique_fields=["cell"],
        update_fields=["members"],
    )
    # Then count under the locks, in a statement of its own (under READ COMMITTED, a snapshot
    # taken after them), and store the counts in the same statement.
    counted = (
        Member.objects.in_cell()
        .filter(cell_id=OuterRef("cell_id"))
        .order_by()
        .values("cell_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    CellMemberCount.objects.filter(cell_id__in=ids).update(members=Coalesce(Subquery(counted), 0))


def differences() -> list[tuple[int, int, int]]:
    """(cell id, stored, counted) for every cell whose counter is wrong (a missing row is 0)."""
    counted = dict(
        Member.objects.in_cell()
        .values("cell_id")
        .annotate(n=Count("id"))
        .values_list("cell_id", "n")
        .order_by()
    )
    stored = dict(CellMemberCount.objects.values_list("cell_id", "members"))
    return sorted(
        (cell_id, stored.get(cell_id, 0), counted.get(cell_id, 0))
        for cell_id in set(counted) | set(stored)
        if stored.get(cell_id, 0) != counted.get(cell_id, 0)
    )


def recount() -> int:
    """Make every counter right (after a bulk load); returns how many were wrong."""
    wrong = differences()
    if wrong:
        CellMemberCount.objects.bulk_create(
            [CellMemberCount(cell_id=cell_id, members=n) for cell_id, _stored, n in wrong],
            update_conflicts=True,
            unique_fields=["cell"],
            update_fields=["members"],
            batch_size=2000,
        )
    return len(wrong)


def counted_under(q: Q) -> int:
    """The members still in a cell whose path matches `q` (on "cell__path"), from the
    counters: what `Member.objects.in_cell().filter(q).count()` answers."""
    return CellMemberCount.objects.filter(q).aggregate(n=Sum("members"))["n"] or 0


def counted_all() -> int:
    """Every member still in a cell, from the counters."""
    return CellMemberCount.objects.aggregate(n=Sum("members"))["n"] or 0
