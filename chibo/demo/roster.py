"""Who was in which cell when, in the demo plan: the lookups the committee and training planners
share. Pure functions over the plan's MemberSpecs, no database."""

import datetime
from collections import defaultdict
from random import Random

from . import data as d
from .specs import ACTIVE, MemberSpec

ONE_DAY = datetime.timedelta(days=1)


def in_force(start: datetime.date, end: datetime.date | None, day: datetime.date) -> bool:
    """[start, end) holds `day` (end None = still running), as committees.models.in_force_q."""
    return start <= day and (end is None or end > day)


def day_between(rng: Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A day in [first, last], both included."""
    return first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def age_on(member: MemberSpec, day: datetime.date) -> int:
    b = member.birth_date
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def person_name(rng: Random, ethnicity: str, sex: str) -> str:
    """A synthetic name of a person who is not a member (village posts, commune officials)."""
    families, male_mid, female_mid, male, female = d.NAMES[ethnicity]
    if sex == "male":
        return f"{rng.choice(families)} {rng.choice(male_mid)} {rng.choice(male)}"
    return f"{rng.choice(families)} {rng.choice(female_mid)} {rng.choice(female)}"


class Roster:
    """Memberships of the plan indexed by cell; members are referred to by their index."""

    def __init__(self, members: list[MemberSpec]):
        self.members = members
        self.by_cell: dict[str, list] = defaultdict(list)
        for i, m in enumerate(members):
            for ms in m.memberships:
                self.by_cell[ms.cell].append((i, ms))

    def is_official(self, i: int, day: datetime.date) -> bool:
        official = self.members[i].official_date
        return official is not None and official <= day

    def official_count(self, cell: str, day: datetime.date) -> int:
        """Members with a membership of `cell` in force on `day` who are official by then: the
        count committees.selectors.official_counts makes in the database."""
        return len(
            {
                i
                for i, ms in self.by_cell[cell]
                if in_force(ms.start, ms.end, day) and self.is_official(i, day)
            }
        )

    def cell_on(self, i: int, day: datetime.date) -> str | None:
        return next(
            (ms.cell for ms in self.members[i].memberships if in_force(ms.start, ms.end, day)),
            None,
        )

    def joined(self, i: int, cell: str) -> datetime.date:
        """The start of the member's latest membership of `cell`."""
        return max(ms.start for ms in self.members[i].memberships if ms.cell == cell)

    def eligible(self, cell, start, end=None, exclude=()) -> list[int]:
        """Active members, official on `start`, whose membership of `cell` covers [start, end)
        (to this day when `end` is None): who may hold a seat there for that time. In member
        order, so the draw that follows is deterministic."""
        out = []
        for i, ms in self.by_cell[cell]:
            if i in exclude or self.members[i].status != ACTIVE or not self.is_official(i, start):
                continue
            if ms.start > start:
                continue
            if ms.end is not None and (end is None or ms.end < end):
                continue
            out.append(i)
        return out

    def present(self, cell, start, end=None, exclude=()) -> list[int]:
        """Active members (official or not) in `cell` from `start` to `end` (None: to this day)."""
        out = []
        for i, ms in self.by_cell[cell]:
            if i in exclude or self.members[i].status != ACTIVE or ms.start > start:
                continue
            if ms.end is not None and (end is None or ms.end < end):
                continue
            out.append(i)
        return out
