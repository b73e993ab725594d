"""A check for the apps' indicator tests: compute_many's preloads (each app reads its figures of
every organization of the batch at once) give each organization the figures it has alone, in a
number of queries that does not grow with the organizations."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.core.indicators import compute_many, get


def _alone(org, day, codes) -> dict:
    """The figures of `codes` for `org` on `day`, each indicator computed on its own."""
    return {c: (v.value, v.of) for c in codes for v in [get(c).compute(org, day)]}


def _queries(orgs, day) -> int:
    with CaptureQueriesContext(connection) as ctx:
        compute_many(orgs, day)
    return len(ctx.captured_queries)


def assert_batch_agrees(tree, days, codes) -> None:
    """On each of `days`: compute_many over every organization of the conftest tree, then over
    the two communes and their cells (two topmost nodes, not one), gives every organization's
    figures of `codes` as computed alone; over the communes and their cells it makes as many
    queries as over the two communes alone (on the last day, when they stand). Some figure
    of `codes` is not zero, so the preloads had something to read."""
    communes = [tree.commune_a, tree.commune_b]
    with_cells = [*communes, tree.cell_a, tree.cell_a2, tree.cell_b]
    everyone = [tree.district, *with_cells]
    counted = False
    for day in days:
        for orgs in (everyone, with_cells):
            many = compute_many(orgs, day)
            for org in orgs:
                batch = {
                    r["code"]: (r["value"], r["of"]) for r in many[org.pk] if r["code"] in codes
                }
                alone = _alone(org, day, codes)
                assert batch == alone, (org.code, day)
                counted |= any(value for value, _of in alone.values())
    assert counted, "every figure is zero: the data do not exercise the preloads"
    assert _queries(with_cells, days[-1]) == _queries(communes, days[-1])
