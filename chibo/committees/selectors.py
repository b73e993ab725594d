"""Reads every part of the committees app builds on, as of a date: the cells and committees under
an organization, positions in force as plain values (Seat, Holder, OrgRef), the rule, term and
qualification standard in force, official members per cell, the members a form may offer.

Lists over a subtree take the organization already checked against the user's scope and read
the structure of the date asked for (OrganizationPeriod), as the indicators do. The pages' own
reads live in each part's selectors: positions, villages, communes, succession.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery

from chibo.core import vn
from chibo.core.indicators import once_per_batch
from chibo.members.models import Member, Membership
from chibo.organizations.models import Organization
from chibo.organizations.selectors import periods_under

from . import rules
from .models import CommitteeRule, Position, QualificationStandard, Term, Title, in_force_q

K = Organization.Kind


# --- structure ------------------------------------------------------------------------------


def cells_under(org: Organization, on: datetime.date, *, residential=False):
    """Periods of the cells under `org` (itself if a cell) on `on`, with organization and parent."""
    qs = periods_under(org, on).filter(organization__kind=K.CELL)
    if residential:
        qs = qs.filter(organization__cell_type=Organization.CellType.RESIDENTIAL)
    return qs.select_related("organization", "parent")


def committee_orgs_under(org: Organization, on: datetime.date):
    """Periods of the cells and commune committees under `org` on `on`."""
    return periods_under(org, on).filter(
        Q(organization__kind=K.CELL)
        | Q(organization__kind=K.GRASSROOTS, organization__grassroots_type="commune")
    )


# Names repeat (every cell of a commune sorts by the commune's name first): key each once.
sort_key = functools.lru_cache(maxsize=8192)(vn.text_sort_key)


# What the committee pages read of a holder; the rest of the member record stays unloaded.
HOLDER_FIELDS = (
    "member__full_name",
    "member__official_date",
    "member__theory_level",
    "member__birth_date",
)


_POSITION_FIELDS = [
    f.name for f in Position._meta.concrete_fields if f.name not in ("created_at", "updated_at")
]


def with_holders(positions, *, organization=False):
    """Positions with the holder's name, official date, theory level and birth date joined (and
    the organization's name and kind when asked)."""
    fields = [*_POSITION_FIELDS, *HOLDER_FIELDS]
    related = ["member"]
    if organization:
        related.append("organization")
        fields += ["organization__name", "organization__kind", "organization__cell_type"]
        fields += ["organization__grassroots_type"]
    return positions.select_related(*related).only(*fields)


@dataclass(frozen=True, slots=True)
class Holder:
    """What the lists read of a position's holder."""

    pk: int
    full_name: str
    official_date: datetime.date | None

    def is_official(self, on: datetime.date) -> bool:
        return self.official_date is not None and self.official_date <= on

    def __str__(self):
        return self.full_name


@dataclass(frozen=True, slots=True)
class Seat:
    """A position in force, read as plain values: lists of hundreds of cells build thousands of
    these, where model instances would cost ten times more. Reads like a Position in rules and
    templates (title, member.full_name, get_title_display)."""

    pk: int
    organization_id: int
    title: str
    start: datetime.date
    end: datetime.date | None
    member_id: int
    member: Holder

    def get_title_display(self):
        return Title(self.title).label


SEAT_VALUES = (
    "pk",
    "organization_id",
    "title",
    "start",
    "end",
    "member_id",
    "member__full_name",
    "member__official_date",
)


def seat_from_row(row) -> Seat:
    return Seat(*row[:6], Holder(row[5], row[6], row[7]))


def seats_on(on: datetime.date, organization_ids, titles=None) -> list[Seat]:
    """The positions in force on `on` in the given organizations (of the given titles only, when
    given), as Seats. One query."""
    rows = positions_on(on).filter(organization_id__in=organization_ids)
    if titles is not None:
        rows = rows.filter(title__in=titles)
    return [seat_from_row(r) for r in rows.values_list(*SEAT_VALUES)]


@dataclass(frozen=True, slots=True)
class OrgRef:
    """An organization as a list of cells reads it, from plain values: hundreds of cells and
    their parents as model instances cost more than the rest of the page. Reads like an
    Organization in lists and templates (pk, name, kind, is_cell, is_commune)."""

    pk: int
    name: str
    kind: str
    path: str
    cell_type: str
    grassroots_type: str

    @property
    def id(self):
        return self.pk

    @property
    def is_cell(self):
        return self.kind == K.CELL

    @property
    def is_commune(self):
        return self.grassroots_type == Organization.GrassrootsType.COMMUNE

    def __str__(self):
        return self.name


# What a list of cells reads of each cell and its parent, in the order of OrgRef's fields.
ORG_FIELDS = ("name", "kind", "path", "cell_type", "grassroots_type")
_PERIOD_VALUES = (
    "organization_id",
    "name",
    *(f"organization__{f}" for f in ORG_FIELDS),
    "parent_id",
    *(f"parent__{f}" for f in ORG_FIELDS),
)


def cell_refs(cells) -> list[tuple[OrgRef, str, OrgRef | None]]:
    """(cell, its name on the date, its parent) for the periods `cells`, sorted by parent's then
    cell's name. One query."""
    parents = {}
    refs = []
    for row in cells.values_list(*_PERIOD_VALUES):
        parent = None
        if row[7] is not None:
            parent = parents.get(row[7])
            if parent is None:
                parent = parents[row[7]] = OrgRef(row[7], *row[8:])
        refs.append((OrgRef(row[0], *row[2:7]), row[1], parent))
    refs.sort(key=lambda r: (sort_key(r[2].name if r[2] else ""), sort_key(r[1])))
    return refs


# --- rules, terms, positions ----------------------------------------------------------------


def rule_on(on: datetime.date) -> CommitteeRule | None:
    """The committee rule in force on `on`: read once for every organization of a batch."""

    def read():
        try:
            return CommitteeRule.in_force(on)
        except CommitteeRule.DoesNotExist:
            return None

    return once_per_batch(("committees.rule_on", on), read)


def term_on(org: Organization, on: datetime.date) -> Term | None:
    """The organization's term running on `on` ([start, end), as every dated row), the latest
    if several."""
    return Term.objects.filter(organization=org).in_force(on).order_by("-start").first()


def overlapping(qs, start: datetime.date, end: datetime.date | None):
    """Rows of `qs` whose [start, end) shares a day with [start, end) (None = open end)."""
    qs = qs.filter(Q(end__isnull=True) | Q(end__gt=start))
    if end is not None:
        qs = qs.filter(start__lt=end)
    return qs


def positions_on(on: datetime.date):
    return Position.objects.filter(in_force_q(on))


def _official_memberships(on: datetime.date):
    """Memberships open on `on` of members official by then."""
    return Membership.objects.filter(in_force_q(on)).filter(
        member__official_date__isnull=False, member__official_date__lte=on
    )


def official_counts(cell_ids, on: datetime.date) -> dict[int, int]:
    """cell id -> members with a membership open there on `on` who are official by then."""
    rows = (
        _official_memberships(on)
        .filter(cell_id__in=cell_ids)
        .values("cell_id")
        .annotate(n=Count("member_id", distinct=True))
    )
    return {r["cell_id"]: r["n"] for r in rows}


def cells_lacking_committee(cell_ids, on: datetime.date) -> set[int]:
    """The cells of `cell_ids` flagged rules.Flag.NO_COMMITTEE on `on` (rules.lacks_committee
    under the rule in force then, from the counts cell_reports reads). Two queries whatever the
    number of cells: the rule (once a batch), each cell's official members and positions in
    force; none without cells."""
    rule = rule_on(on) if cell_ids else None
    if rule is None:
        return set()
    official = (
        _official_memberships(on)
        .filter(cell_id=OuterRef("pk"))
        .order_by()
        .values("cell_id")
        .annotate(n=Count("member_id", distinct=True))
        .values("n")
    )
    seats = (
        positions_on(on)
        .filter(organization_id=OuterRef("pk"))
        .order_by()
        .values("organization_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        Organization.objects.filter(pk__in=cell_ids)
        .order_by()
        .annotate(official=Subquery(official), seats=Subquery(seats))
        .values_list("pk", "official", "seats")
    )
    return {
        pk
        for pk, n, seats in rows
        if rules.lacks_committee(rule, official=n or 0, seats=seats or 0)
    }


def standard_on(applies_to: str, on: datetime.date) -> QualificationStandard | None:
    return (
        QualificationStandard.objects.filter(applies_to=applies_to, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def members_for_positions(org: Organization, on: datetime.date):
    """Members who may be offered for a seat in `org`: in the cell, or under the commune."""
    qs = Member.objects.in_cell()
    qs = qs.filter(cell=org) if org.is_cell else qs.under(org)
    return qs.select_related("cell").order_by("sort_key", "id")


# --- summaries ------------------------------------------------------------------------------


@dataclass
class GroupSummary:
    """Counts for the cells (or villages) of one grassroots organization (or commune)."""

    org: Organization | None
    name: str
    total: int = 0
    ok: int = 0
    flagged: int = 0
    flags: dict = field(default_factory=dict)

    @property
    def flag_list(self):
        return [
            (label, self.flags[code]) for code, label in rules.Flag.choices if code in self.flags
        ]
