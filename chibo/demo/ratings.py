"""The demo's annual ratings (issue 12 part 6) for 2021 and 2022, then each year decided by
today (in January of the next; each of these drawn from a generator of its own): each cell's
self-rating and the upper level's decision, each member's self level, the cell's proposal and
the decision.

The shares are those a district reports in those years: about one cell in seven excellent, most
good, a few only "hoàn thành", one or two not done; the decisions mostly confirm the proposal and
now and then bring an excellent down to good, so a few communes stay over the quota (the page's
warning has something to show)."""

import datetime
from decimal import Decimal
from random import Random

from chibo.members.models import Membership
from chibo.organizations.models import Organization
from chibo.ratings.models import CellRating, MemberRating, RatingLevel, RatingSet, year_end

from .reorganization import issuer_on
from .rows import insert

YEARS = (2021, 2022)
# (level code, weight, lowest points, highest points) for a cell's self-assessed points.
CELL_POINTS = (
    ("excellent", 15, 90, 98),
    ("good", 66, 70, 89),
    ("done", 17, 55, 69),
    ("not_done", 2, 42, 49),
)
MEMBER_LEVELS = (("excellent", 12), ("good", 74), ("done", 12), ("not_done", 2))
DOWNGRADE = 0.25  # an excellent proposal the upper level decides as good
CELL_FIELDS = (
    "cell", "year", "rating_set", "points", "proposed_level", "self_rated_on", "decided_level",
    "decision_number", "decision_date",
)  # fmt: skip
MEMBER_FIELDS = (
    "member", "cell", "year", "rating_set", "self_level", "proposed_level", "decided_level",
    "decision_number", "decision_date",
)  # fmt: skip


def _pick(rng: Random, weighted):
    codes = [w[0] for w in weighted]
    return rng.choices(codes, weights=[w[1] for w in weighted])[0]


def _decided(rng: Random, code: str) -> str:
    return "good" if code == "excellent" and rng.random() < DOWNGRADE else code


def rated_years(today=None) -> list[int]:
    """2021, 2022, then every year whose ratings were decided by `today` (late January)."""
    last = YEARS[-1] if today is None else today.year - (1 if today.month > 1 else 2)
    return list(range(YEARS[0], max(YEARS[-1], last) + 1))


def write_ratings(seed: int, today=None) -> dict:
    first = Random(f"ratings-{seed}")
    counts = {"cells": 0, "members": 0}
    for year in rated_years(today):
        rng = first if year in YEARS else Random(f"ratings-{seed}-{year}")
        end = year_end(year)
        rating_set = RatingSet.objects.in_force(end).get()
        levels = {lv.code: lv for lv in RatingLevel.objects.filter(rating_set=rating_set)}
        cells = list(
            Organization.objects.cells().active(end).select_related("parent").order_by("path")
        )
        # Decided in January after the year: from 2026 by the committees of the reorganization
        # (reorganization.issuer_on), each numbering its decisions from 101.
        decided_on = datetime.date(year + 1, 1, 20)
        issuer = {c.pk: issuer_on(c.parent.code, decided_on) for c in cells}
        numbers: dict[str, int] = {}
        rows = []
        for cell in cells:
            code, _w, low, high = rng.choices(CELL_POINTS, weights=[p[1] for p in CELL_POINTS])[0]
            points = Decimal(rng.randint(low * 2, high * 2)) / 2
            numbers[issuer[cell.pk]] = numbers.get(issuer[cell.pk], 0) + 1
            rows.append(
                (
                    cell.pk,
                    year,
                    rating_set.pk,
                    points,
                    levels[code].pk,
                    datetime.date(year, 12, rng.randint(1, 20)),
                    levels[_decided(rng, code)].pk,
                    f"{numbers[issuer[cell.pk]] + 100}-QĐ/{issuer[cell.pk]}",
                    datetime.date(year + 1, 1, rng.randint(10, 25)),
                )
            )
        insert(CellRating, CELL_FIELDS, rows)
        counts["cells"] += len(rows)
        # The committee over the cell decides its members' ratings, one decision for them all.
        over = issuer
        in_force = Membership.objects.filter(start__lte=end).exclude(end__lte=end)
        members = []
        for member_id, cell_id in in_force.values_list("member_id", "cell_id").order_by(
            "member_id"
        ):
            own = _pick(rng, MEMBER_LEVELS)
            proposed = own if rng.random() < 0.85 else ("good" if own == "excellent" else own)
            members.append(
                (
                    member_id,
                    cell_id,
                    year,
                    rating_set.pk,
                    levels[own].pk,
                    levels[proposed].pk,
                    levels[_decided(rng, proposed)].pk,
                    f"{200 + year % 100}-QĐ/{over.get(cell_id, '')}",
                    decided_on,
                )
            )
        insert(MemberRating, MEMBER_FIELDS, members)
        counts["members"] += len(members)
    return counts
