"""Keyset paging: a page of a long list found from the row before it (or after it), not by
skipping rows.

`?page=20` asks the database to walk and drop 950 rows before the 50 it shows: across a
country's 5,6 million members in name order, 0,5–1,4 s, and more for each page further. The
pager's «Sau» and «Trước» links name a row instead (`?after=ID&page=21`, `?before=ID&page=19`):
the database starts in the list's index at that row, and page 20 costs what page 1 costs. The
page number rides along as a label only. A bare `?page=N` (a bookmark, a typed URL) still
works, by skipping; its own «Sau» link then goes on by keyset.

Every ordering of a keyset list ends with the primary key, so that a row's place is unique.
"""

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q


def _field(order: str) -> tuple[str, bool]:
    return order.removeprefix("-"), order.startswith("-")


def beyond_q(order: list[str], values: list, *, before: bool = False) -> Q:
    """Rows after (or, with `before`, before) the row whose ordering values are `values`, in
    `order` (Django's order_by names, "-" for descending, the last one unique). The first
    field's bound comes first, alone too, so that the database starts the index scan there."""
    first, first_desc = _field(order[0])
    q = Q(pk__in=[])
    equal = Q()
    for name_desc, value in zip(order, values, strict=True):
        name, desc = _field(name_desc)
        op = "lt" if desc != before else "gt"
        q |= equal & Q(**{f"{name}__{op}": value})
        equal &= Q(**{name: value})
    first_op = "lte" if first_desc != before else "gte"
    return Q(**{f"{first}__{first_op}": values[0]}) & q


@dataclass
class Totals:
    """What core/pager.html reads of a Paginator: the count and the number of pages."""

    count: int
    per_page: int

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))


class KeysetPage:
    """One page of `qs` (ordered by `order`) after or before a row, with the interface of a
    Django Page that core/pager.html reads, plus the query strings of its «Trước» and «Sau»
    links (`previous_query`, `next_query`).

    `cursor` is the row's ordering values (`cursor_values`), None for the first page;
    `count` the list's total if known (then «Trang N/M»). `fetch(qs, n)` reads the first n rows
    of a queryset (a selector's own reading, e.g. with `only`).
    """

    def __init__(
        self,
        qs,
        order: list[str],
        *,
        size: int,
        number: int = 1,
        after: list | None = None,
        before: list | None = None,
        count: int | None = None,
        fetch=None,
    ):
        """`number` without `after` or `before`: page `number` by skipping, for a bare
        `?page=N`."""
        fetch = fetch or (lambda q, n: list(q[:n]))
        self.order = order
        self.paginator = Totals(count, size) if count is not None else None
        if before is not None:
            reverse = [o[1:] if o.startswith("-") else f"-{o}" for o in order]
            rows = fetch(
                qs.filter(beyond_q(order, before, before=True)).order_by(*reverse), size + 1
            )
            more_before = len(rows) > size
            rows = rows[:size][::-1]
            self.has_previous = more_before
            self.has_next = True
            self.number = max(number, 2) if more_before else 1
        else:
            qs = qs.order_by(*order)
            if after is not None:
                qs = qs.filter(beyond_q(order, after))
                self.number = max(number, 2)
            else:  # a page past the end shows the last one, as Paginator.get_page does
                last = self.paginator.num_pages if self.paginator else number
                self.number = max(min(number, last), 1)
                qs = qs[(self.number - 1) * size :]
            rows = fetch(qs, size + 1)
            self.has_next = len(rows) > size
            rows = rows[:size]
            self.has_previous = self.number > 1
        self.object_list = rows
        self.size = size

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return max(1, self.number - 1)

    @property
    def next_query(self) -> str:
        return urlencode({"after": self.object_list[-1].pk, "page": self.number + 1})

    @property
    def previous_query(self) -> str:
        if self.number <= 2 or not self.object_list:
            return "page=1"  # the first page needs no row to start from
        return urlencode({"before": self.object_list[0].pk, "page": self.number - 1})


def cursor_values(model_qs, pk, order: list[str]) -> list | None:
    """The ordering values of row `pk` in `model_qs` (a scoped queryset), None if it is not
    there (outside the scope, or a made-up id)."""
    return next(
        iter(model_qs.filter(pk=pk).order_by().values_list(*[_field(o)[0] for o in order])), None
    )
