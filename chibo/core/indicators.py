"""The indicator registry: each app declares its indicators in <app>/indicators.py.

An indicator is a function (org, as_of) -> Value. The registry keeps them in
declaration order so that reports and the CLI list them the same way.
"""

import datetime
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


def compute_all(org, as_of: datetime.date) -> list[dict]:
    rows = []
    for ind in all_indicators():
        v = ind.compute(org, as_of)
        rows.append(
            {"code": ind.code, "name": str(ind.name), "value": v.value, "of": v.of, "text": v.text}
        )
    return rows
