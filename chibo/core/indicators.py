"""The indicator registry: each app declares its indicators in <app>/indicators.py.

An indicator is a function (org, as_of) -> Value. The registry keeps them in
declaration order so that reports and the CLI list them the same way.
"""

import datetime
from contextvars import ContextVar
from dataclasses import dataclass, field

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
        pct = vn.format_percent(self.value, self.of, self.places)
        return f"{vn.format_int(self.value)}/{vn.format_int(self.of)} ({pct})"


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


def once_per_batch(key, read):
    """`read()`, once per `key` while compute_all runs (every indicator of one organization on
    one date starts from the same reads of the structure, and nothing writes in between);
    outside compute_all, every time."""
    batch = _batch.get()
    if batch is None:
        return read()
    if key not in batch:
        batch[key] = read()
    return batch[key]


def compute_all(org, as_of: datetime.date) -> list[dict]:
    rows = []
    token = _batch.set({})
    try:
        for ind in all_indicators():
            v = ind.compute(org, as_of)
            rows.append(
                {
                    "code": ind.code,
                    "name": str(ind.name),
                    "value": v.value,
                    "of": v.of,
                    "text": v.text,
                }
            )
    finally:
        _batch.reset(token)
    return rows
