"""The demo's members after the article's date (issue 13, part 3): from April 2023 to today,
new members admitted in the cells (about ADMITTED_PER_YEAR a year, official after their 12
months of probation, as the article's probationary members become), members who died and
members who moved away.

`plan_later(planner, today)` runs at the end of plan.make_plan, after the committees and the
training were planned on the article's members: it appends the new members to the plan (the
article's keep their indices) and ends the memberships of a few of the article's members after
31/03/2023, so every figure as of that day is unchanged. A member who holds a seat, a village
post, a leader's or an official's position, a place in the succession plan or the training, or
is a demo user's member, stays. Each month draws from a generator of its own (seed and month),
so a month's people do not depend on the day the demo is built.

From 01/07/2025 the cells that merge that day (mergers.py) admit nobody (the member drawn there
is admitted in the cell it merged into) and their members neither die nor move away in the
plan: the reorganization moves them, with their open memberships, to the cell that goes on.
"""

import dataclasses
import datetime
from random import Random

from chibo.members.rules import probation_end

from . import data as d
from .mergers import ON as MERGED_ON
from .mergers import closing_cells
from .specs import (
    ACTIVE,
    DECEASED,
    TRANSFERRED_OUT,
    MembershipSpec,
    StatusSpec,
)

D = datetime.date
ADMITTED_PER_YEAR = 210  # the district's yearly target stays 200 (admissions.TARGETS)
DEATHS_PER_YEAR = 36
TRANSFERS_PER_YEAR = 24


def _months(today: datetime.date) -> list[datetime.date]:
    out, month = [], D(2023, 4, 1)
    while month <= today:
        out.append(month)
        month = D(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def busy_members(*plans) -> set[int]:
    """The member indices the committees' and training plans refer to (any `member` field, or
    the first item of a (member, ...) tuple), walked through their lists and dicts."""
    out: set[int] = set()

    def walk(x, depth=0):
        if depth > 4:
            return
        if dataclasses.is_dataclass(x) and not isinstance(x, type):
            member = getattr(x, "member", None)
            if isinstance(member, int):
                out.add(member)
            for f in dataclasses.fields(x):
                value = getattr(x, f.name)
                if isinstance(value, list | dict | tuple) or dataclasses.is_dataclass(value):
                    walk(value, depth + 1)
        elif isinstance(x, dict):
            for value in x.values():
                walk(value, depth + 1)
        elif isinstance(x, list):
            for value in x:
                walk(value, depth + 1)
        elif isinstance(x, tuple) and x and isinstance(x[0], int) and len(x) <= 3:
            out.add(x[0])

    for plan in plans:
        walk(plan)
    return out


def plan_later(p, today: datetime.date, busy: set[int], mergers=()) -> dict:
    """Append the members admitted after 31/03/2023 to `p.members` and end a few memberships;
    `p`: plan._Planner after the committees and the training; `mergers`: the villages merging
    on 01/07/2025 (mergers.VillageMerger). What was made, counted."""
    if today <= d.AS_OF:
        return {"admitted": 0, "deceased": 0, "transferred_out": 0}
    valid = {o.code for o in p.orgs if o.valid_to is None}
    slots = [
        s
        for s in p.slots
        if s.code in valid and (s.category == "village" or s.valid_from == d.DATA_START)
    ]
    weights = [3 if s.category == "village" else 1 for s in slots]
    into = closing_cells(mergers)
    slot_of = {s.code: s for s in slots}
    cards = {m.party_card_number for m in p.members}
    cids = {m.citizen_id for m in p.members}
    keep = busy | {p.links["secretary"], p.links["member"]}
    article = len(p.members)
    counts = {"admitted": 0, "deceased": 0, "transferred_out": 0}
    # The article's probationary members become official after their 12 months.
    rng = Random(f"{p.seed}:later:conversions")
    for m in p.members[:article]:
        if m.official_date is None and m.memberships[0].reason == "admitted":
            official = probation_end(m.admission_date) + datetime.timedelta(rng.randint(0, 25))
            if d.AS_OF < official <= today:
                m.official_date = official
                counts["converted"] = counts.get("converted", 0) + 1
    saved = p.rng, p.card_suffixes, p.cid_suffixes
    try:
        for month in _months(today):
            rng = Random(f"{p.seed}:later:{month:%Y-%m}")
            last = min(today, D(month.year + month.month // 12, month.month % 12 + 1, 1))
            days = (last - month).days
            if days <= 0:
                continue
            # new members
            p.rng = rng
            p.card_suffixes = _fresh(rng, cards, "18", 6)
            p.cid_suffixes = _fresh_int(rng)
            for _ in range(_count(rng, ADMITTED_PER_YEAR / 12 * days / 30)):
                slot = rng.choices(slots, weights=weights)[0]
                if month >= MERGED_ON and slot.code in into:
                    slot = slot_of[into[slot.code]]  # the cell merged: admitted in the other
                adm = month + datetime.timedelta(days=rng.randrange(days))
                m = p._member(slot, "p2023")  # 20 to 42 years old in 2023
                while m.citizen_id in cids:
                    m.citizen_id = m.citizen_id[:-6] + f"{rng.randrange(10**6):06d}"
                cids.add(m.citizen_id)
                m.admission_date = adm
                official = probation_end(adm) + datetime.timedelta(days=rng.randint(0, 25))
                m.official_date = official if official <= today else None
                m.memberships = [MembershipSpec(slot.code, adm, None, "admitted")]
                p.members.append(m)
                counts["admitted"] += 1
            # deaths and moves, among the article's members
            leaving = ((DECEASED, DEATHS_PER_YEAR), (TRANSFERRED_OUT, TRANSFERS_PER_YEAR))
            for status, per_year in leaving:
                for _ in range(_count(rng, per_year / 12 * days / 30)):
                    closed = into if month >= MERGED_ON else {}
                    i = _departing(p, rng, article, keep, status, month, closed)
                    if i is None:
                        continue
                    on = month + datetime.timedelta(days=rng.randrange(days))
                    _depart(p.members[i], status, on, rng)
                    keep.add(i)
                    counts[status] += 1
    finally:
        p.rng, p.card_suffixes, p.cid_suffixes = saved
    return counts


def _count(rng: Random, mean: float) -> int:
    """A whole number around `mean` (its fraction drawn)."""
    whole = int(mean)
    return whole + (rng.random() < mean - whole) + rng.choice((-1, 0, 0, 1)) * (whole > 2)


def _fresh(rng: Random, taken: set[str], prefix: str, digits: int):
    while True:
        value = f"{rng.randrange(10**digits):0{digits}d}"
        if prefix + value not in taken:
            taken.add(prefix + value)
            yield int(value)


def _fresh_int(rng: Random):
    while True:
        yield rng.randrange(10**6)


def _departing(
    p, rng: Random, article: int, keep: set[int], status: str, month, closed=()
) -> int | None:
    """An article member still active in a cell, not kept nor in a `closed` cell: old for a
    death, of working age for a move."""
    for _ in range(200):
        i = rng.randrange(article)
        m = p.members[i]
        last = m.memberships[-1]
        if i in keep or m.status != ACTIVE or last.end is not None or last.cell in closed:
            continue
        age = month.year - m.birth_date.year
        if (status == DECEASED and age >= 70) or (status == TRANSFERRED_OUT and 25 <= age < 58):
            return i
    return None


def _depart(m, status: str, on: datetime.date, rng: Random):
    if status == DECEASED:
        note = "Từ trần"
    else:
        note = f"Chuyển sinh hoạt đến Đảng bộ {rng.choice(d.OUTSIDE_UNITS)}"
    m.memberships[-1].end = on
    m.status_changes.append(StatusSpec(status, m.status, on, note))
    m.status, m.status_since = status, on
