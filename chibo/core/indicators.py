"""The indicator registry: each app declares its indicators in <app>/indicators.py, and the
lists behind them in <app>/lists.py.

An indicator is a function (org, as_of) -> Value. The registry keeps them in
declaration order so that reports and the CLI list them the same way.

The list behind an indicator (the cells, people or meetings its figure counts) is registered
under the same code with the page that shows it (`view`, a URL name) and how that page reads
it: `rows(org, on)` gives (the rows the page pages through, what the page shows beside them,
"value" among it when the rows give the figure already), and `table(org, on)`, where the page
offers it, the whole list for its .xlsx. A page serves the codes registered with its URL name
(`list_for`) and links to them (`listed_on`).
"""

import datetime
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from chibo.core import vn


@dataclass
class Value:
    value: int
    of: int | None = None
    places: int = 1

    @property
    def text(self) -> str:
        if self.of is None:
            return vn.format_int(self.value)
        return vn.format_ratio(self.value, self.of, self.places)


@dataclass
class Indicator:
    code: str
    name: str  # Vietnamese, wrapped for translation by the declaring app
    func: object
    order: int = 0
    params: dict = field(default_factory=dict)

    def compute(self, org, as_of: datetime.date) -> Value:
        return self.func(org, as_of)


_REGISTRY: dict[str, Indicator] = {}
_batch: ContextVar[dict | None] = ContextVar("indicator_batch", default=None)


def register(code: str, name):
    """Decorator: @register("members", _("Đảng viên")) def members(org, as_of): ..."""

    def wrap(func):
        _REGISTRY[code] = Indicator(code=code, name=name, func=func, order=len(_REGISTRY))
        return func

    return wrap


def all_indicators() -> list[Indicator]:
    return sorted(_REGISTRY.values(), key=lambda i: i.order)


def get(code: str) -> Indicator:
    return _REGISTRY[code]


@dataclass(frozen=True)
class IndicatorList:
    code: str
    view: str  # the URL name of the page that shows the list
    # (org, on) -> (rows, context): a sequence to page through (a queryset, a list, a
    # core.web.LazyRows that reads a slice at a time) and the page's other context.
    rows: object
    table: object = None  # (org, on) -> the whole list as an exports Table, or None
    # The list's own filters: keyword arguments of `rows`, each a field of the page's form.
    filters: tuple[str, ...] = ()


_LISTS: dict[str, IndicatorList] = {}


def register_list(code: str, *, view: str, rows, table=None, filters=()) -> None:
    """The list behind indicator `code`, shown by the page `view`. Declared in <app>/lists.py,
    for an indicator that is registered (its name heads the list)."""
    _LISTS[code] = IndicatorList(code=code, view=view, rows=rows, table=table, filters=filters)


def list_for(code: str, view: str) -> IndicatorList | None:
    """The list of `code` if the page `view` shows it, else None (the page answers 404)."""
    found = _LISTS.get(code)
    return found if found is not None and found.view == view else None


def listed_on(view: str) -> list[str]:
    """The codes whose lists the page `view` shows, in the order they were registered."""
    return [code for code, found in _LISTS.items() if found.view == view]


# The shapes of the pages that show the lists: (the URL's arguments, whether the organization
# goes in the query string). A page takes the code and the organization in its path
# (committees, officials), the code in its path and the organization as ?org= (training,
# meetings), or serves one code at the organization's path (admissions).
_URL_SHAPES = (
    (lambda org, code: {"pk": org.pk, "code": code}, False),
    (lambda org, code: {"code": code}, True),
    (lambda org, code: {"pk": org.pk}, False),
)


_SHAPE_OF: dict[str, tuple] = {}


def list_url(code: str, org, as_of: datetime.date | None = None, extra: dict | None = None) -> str:
    """The address of the list behind indicator `code` for `org` (as of `as_of`, today if
    None), with the list's own filters in `extra`, or "" when none is registered. The page
    checks the reader's scope again."""
    found = _LISTS.get(code)
    if found is None:
        return ""
    # The shape that reversed last time for this page first: a dashboard links hundreds of
    # lists, and each NoReverseMatch costs as much as a reverse.
    known = _SHAPE_OF.get(found.view)
    shapes = _URL_SHAPES if known is None else (known, *_URL_SHAPES)
    for shape in shapes:
        args, org_in_query = shape
        try:
            path = reverse(found.view, kwargs=args(org, code))
        except NoReverseMatch:
            continue
        _SHAPE_OF[found.view] = shape
        query = {"org": org.pk} if org_in_query else {}
        if as_of is not None:
            query["as_of"] = vn.day_text(as_of)
        query.update(extra or {})
        return f"{path}?{urlencode(query)}" if query else path
    return ""


def with_list_urls(rows: list[dict] | None, org, as_of: datetime.date | None = None):
    """`rows` (compute_all's) each with its list's address as "url" ("" without one)."""
    for row in rows or ():
        row["url"] = list_url(row["code"], org, as_of)
    return rows


def once_per_batch(key, read):
    """`read()`, once per `key` while compute_all runs (every indicator of one organization on
    one date starts from the same reads of the structure, and nothing writes in between);
    outside compute_all, every time."""
    return _read_once(_batch.get(), key, read)


def _read_once(kept: dict | None, key, read):
    """`kept[key]`, read once; every time without `kept`."""
    if kept is None:
        return read()
    if key not in kept:
        kept[key] = read()
    return kept[key]


# What a GET or HEAD request read of the organization tree, kept until its response
# (chibo.core.middleware.TreeReadsMiddleware); None outside one.
_tree_reads: ContextVar[dict | None] = ContextVar("request_tree_reads", default=None)


@contextmanager
def tree_reads_kept():
    """Within it, `once_per_tree_read` reads each key once: for a request that writes no
    organization, period or link (a GET or HEAD)."""
    token = _tree_reads.set({})
    try:
        yield
    finally:
        _tree_reads.reset(token)


def once_per_tree_read(key, read):
    """`read()`, once per `key` while compute_all runs (as once_per_batch) or while a GET or
    HEAD request runs (tree_reads_kept: several parts of one page start from the same
    organization's path); otherwise every time. Only for reads of the organization tree, which
    no GET request changes (other things a GET may write: a notification read, a session)."""
    batch = _batch.get()
    return _read_once(batch if batch is not None else _tree_reads.get(), key, read)


def in_batch() -> bool:
    """Whether a compute_all is running: its indicators share the reads of once_per_batch."""
    return _batch.get() is not None


def prime(key, value) -> None:
    """What `once_per_batch(key, ...)` will give in the running compute_many, read beforehand
    for every organization at once (a preload's work); nothing outside a batch."""
    batch = _batch.get()
    if batch is not None:
        batch[key] = value


def primed(key, default=None):
    """What the running batch holds under `key` (`default` when nothing or outside a batch)."""
    batch = _batch.get()
    return default if batch is None else batch.get(key, default)


# Reads of many organizations at once: each app may declare, beside its indicators, a function
# (orgs, as_of) that reads in a few queries what its indicators' once_per_batch reads would read
# for each of `orgs`, and primes the batch with it. The indicators then run as in compute_all and
# find their reads done: the figures are those of compute_all by construction.
_PRELOADS: list = []


def register_preload(func):
    """Decorator: @register_preload def preload(orgs, as_of): ... prime(key, value) ..."""
    _PRELOADS.append(func)
    return func


def _values(org, as_of: datetime.date) -> dict[str, Value]:
    token = _batch.set({})
    try:
        return {ind.code: ind.compute(org, as_of) for ind in all_indicators()}
    finally:
        _batch.reset(token)


def _rows(values: dict[str, Value]) -> list[dict]:
    return [
        {
            "code": ind.code,
            "name": str(ind.name),
            "value": values[ind.code].value,
            "of": values[ind.code].of,
            "text": values[ind.code].text,
        }
        for ind in all_indicators()
        if ind.code in values
    ]


def compute_all(org, as_of: datetime.date) -> list[dict]:
    return _rows(_values(org, as_of))


def compute_many(orgs, as_of: datetime.date) -> dict[int, list[dict]]:
    """{org.pk: compute_all(org, as_of)} for every organization of `orgs`, in one batch: what
    depends on the date only is read once, and the preloads read each app's shared figures for
    every organization together (a district's export check, a comparison of communes)."""
    orgs = list(orgs)
    token = _batch.set({})
    try:
        if len(orgs) > 1:
            for preload in _PRELOADS:
                preload(orgs, as_of)
        indicators = all_indicators()
        return {
            org.pk: _rows({ind.code: ind.compute(org, as_of) for ind in indicators}) for org in orgs
        }
    finally:
        _batch.reset(token)


def compute_values(org, as_of: datetime.date) -> dict[str, Value]:
    """{code: Value} of every registered indicator (a report formats them as it prints them)."""
    return _values(org, as_of)


# Pages show the indicators of an organization on every visit; computing them all takes tens of
# queries. Every change goes through a service that writes an audit event in its transaction, so
# the latest audit event's id says whether anything changed since the figures were computed: the
# cached figures stand until the next change, or CACHE_SECONDS at most (a change made outside the
# services, by a migration or a restore, shows within that time).
CACHE_SECONDS = 300


def _cache_key(org, as_of: datetime.date) -> str:
    from chibo.core import audit

    return f"indicators:{org.pk}:{org.path}:{as_of.isoformat()}:{audit.data_generation()}"


def _cached_values(key: str) -> dict[str, Value] | None:
    """The values cached under `key`, if every registered indicator is among them."""
    from django.core.cache import cache

    values = cache.get(key)
    return values if values is not None and set(values) == set(_REGISTRY) else None


def cached_rows(org, as_of: datetime.date) -> list[dict] | None:
    """The rows of compute_all if the cache has them for the current data, else None."""
    values = _cached_values(_cache_key(org, as_of))
    return None if values is None else _rows(values)


def compute_all_cached(org, as_of: datetime.date) -> list[dict]:
    """compute_all, kept in the cache while nothing changes (one query when it is there)."""
    from django.core.cache import cache

    key = _cache_key(org, as_of)
    values = _cached_values(key)
    if values is None:
        values = _values(org, as_of)
        cache.set(key, values, CACHE_SECONDS)
    return _rows(values)
