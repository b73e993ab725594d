"""Reads of the annual rating: the cells under an organization with their rating for a year,
the share of each level among them, and a member's ratings."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from chibo.core.vn import format_decimal, format_percent
from chibo.organizations.models import Organization
from chibo.organizations.selectors import org_ids_under

from .models import CellRating, MemberRating, RatingSet, year_end


@dataclass
class Share:
    level: object
    count: int
    total: int
    warning: bool = False

    @property
    def percent(self) -> str:
        return format_percent(self.count, self.total) if self.total else "—"


@dataclass
class Shares:
    """The levels of the cells under an organization for a year: the decided level, else the
    self-rated one counted apart (`pending`); the cells not yet rated (`unrated`)."""

    rating_set: RatingSet | None
    rated: int = 0
    decided: list = field(default_factory=list)
    pending: int = 0
    unrated: int = 0
    quota: int | None = None  # the most cells the top level may hold
    over_quota: bool = False

    @property
    def quota_percent(self) -> str:
        return format_decimal(self.rating_set.top_quota_percent, 0) if self.rating_set else ""


def cells_under(org, year: int):
    """The cells under `org` (itself, for a cell) on the structure of the year's end."""
    return (
        Organization.objects.filter(pk__in=org_ids_under(org, year_end(year)))
        .cells()
        .order_by("path")
    )


def excellent_share(org, year: int) -> tuple[int, int]:
    """(cells decided at the top level, cells decided) under `org` on the structure of the
    year's end. One query after the organization's path of that day."""
    got = CellRating.objects.filter(
        year=year, cell__in=org_ids_under(org, year_end(year)), decided_level__isnull=False
    ).aggregate(top=Count("pk", filter=Q(decided_level__rank=1)), decided=Count("pk"))
    return got["top"], got["decided"]


def cell_rows(org, year: int) -> list[dict]:
    """Each cell under `org` with its rating for `year` (None if not rated). Two queries."""
    cells = list(cells_under(org, year))
    ratings = {
        r.cell_id: r
        for r in CellRating.objects.filter(cell__in=cells, year=year).select_related(
            "proposed_level", "decided_level"
        )
    }
    return [{"cell": c, "rating": ratings.get(c.pk)} for c in cells]


def shares(rows: list[dict], year: int) -> Shares:
    """The share of each level among `rows` (cell_rows'), and whether the top level's quota is
    exceeded: at most top_quota_percent of the cells decided at the top two levels."""
    rating_set = RatingSet.objects.in_force(year_end(year)).prefetch_related("levels").first()
    out = Shares(rating_set=rating_set)
    if rating_set is None:
        out.unrated = len(rows)
        return out
    counts = {}
    for row in rows:
        r = row["rating"]
        if r is None:
            out.unrated += 1
        elif r.decided_level_id is None:
            out.pending += 1
        else:
            counts[r.decided_level_id] = counts.get(r.decided_level_id, 0) + 1
    decided = sum(counts.values())
    out.rated = decided
    levels = list(rating_set.levels.all())
    out.decided = [Share(level=lv, count=counts.get(lv.pk, 0), total=decided) for lv in levels]
    if len(levels) >= 2:
        top_two = out.decided[0].count + out.decided[1].count
        out.quota = int(Decimal(top_two) * rating_set.top_quota_percent / 100)
        out.over_quota = out.decided[0].count > out.quota
        out.decided[0].warning = out.over_quota
    return out


def member_ratings(member):
    """The member's ratings, the latest year first, with their levels and cell."""
    return MemberRating.objects.filter(member=member).select_related(
        "cell", "self_level", "proposed_level", "decided_level"
    )


def cell_member_ratings(cell, year: int) -> dict:
    """member id -> the member's rating for `year` in `cell`."""
    return {
        r.member_id: r
        for r in MemberRating.objects.filter(cell=cell, year=year).select_related(
            "self_level", "proposed_level", "decided_level"
        )
    }
