"""Reads of committees, as of a date, each in a fixed number of queries whatever the list length.

Lists over a subtree take the organization already checked against the user's scope and read
the structure of the date asked for (OrganizationPeriod), as the indicators do.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from chibo.core import vn
from chibo.members.models import Member, Membership
from chibo.organizations.models import UPPER_KINDS, Commune, Organization, Village
from chibo.organizations.selectors import link_on, periods_under

from . import rules
from .models import (
    CommitteeRule,
    CommuneLeader,
    CommuneOfficial,
    ConcurrentRole,
    LeadershipTarget,
    Position,
    QualificationStandard,
    RoleModel,
    Term,
    Title,
    in_force_q,
)

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


_SEAT_VALUES = (
    "pk",
    "organization_id",
    "title",
    "start",
    "end",
    "member_id",
    "member__full_name",
    "member__official_date",
)


def _seat(row) -> Seat:
    return Seat(*row[:6], Holder(row[5], row[6], row[7]))


def seats_on(on: datetime.date, organization_ids, titles=None) -> list[Seat]:
    """The positions in force on `on` in the given organizations (of the given titles only, when
    given), as Seats. One query."""
    rows = positions_on(on).filter(organization_id__in=organization_ids)
    if titles is not None:
        rows = rows.filter(title__in=titles)
    return [_seat(r) for r in rows.values_list(*_SEAT_VALUES)]


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


# --- rules, terms, positions ----------------------------------------------------------------


def rule_on(on: datetime.date) -> CommitteeRule | None:
    try:
        return CommitteeRule.in_force(on)
    except CommitteeRule.DoesNotExist:
        return None


def term_on(org: Organization, on: datetime.date) -> Term | None:
    """The organization's term running on `on` ([start, end), as every dated row), the latest
    if several."""
    return Term.objects.filter(organization=org).in_force(on).order_by("-start").first()


def terms_of(org: Organization) -> list[Term]:
    return list(Term.objects.filter(organization=org).order_by("-start"))


def overlapping(qs, start: datetime.date, end: datetime.date | None):
    """Rows of `qs` whose [start, end) shares a day with [start, end) (None = open end)."""
    qs = qs.filter(Q(end__isnull=True) | Q(end__gt=start))
    if end is not None:
        qs = qs.filter(start__lt=end)
    return qs


def positions_on(on: datetime.date):
    return Position.objects.filter(in_force_q(on))


def committee_on(org: Organization, on: datetime.date) -> list[Position]:
    """The positions of `org` in force on `on`, secretary first. One query."""
    return rules.sort_positions(
        positions_on(on).filter(organization=org).select_related("member", "term")
    )


def position_history(org: Organization) -> list[Position]:
    """Every position the organization ever had, the latest first. One query."""
    return list(
        Position.objects.filter(organization=org)
        .select_related("member", "term")
        .order_by("-start", "title", "id")
    )


def official_counts(cell_ids, on: datetime.date) -> dict[int, int]:
    """cell id -> members with a membership open there on `on` who are official by then."""
    rows = (
        Membership.objects.filter(in_force_q(on), cell_id__in=cell_ids)
        .filter(member__official_date__isnull=False, member__official_date__lte=on)
        .values("cell_id")
        .annotate(n=Count("member_id", distinct=True))
    )
    return {r["cell_id"]: r["n"] for r in rows}


# --- flags per cell ---------------------------------------------------------------------------


@dataclass(slots=True)
class CellReport:
    """One cell on a date: its name then, official members, positions in force and flags."""

    cell: OrgRef
    name: str
    parent: OrgRef | None
    official: int
    positions: list
    flags: list = field(default_factory=list)
    rule: CommitteeRule | None = None

    @property
    def secretary(self):
        return next((p for p in self.positions if p.title == Title.SECRETARY), None)

    @property
    def deputies(self):
        return [p for p in self.positions if p.title == Title.DEPUTY_SECRETARY]

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.flags]

    @property
    def has_committee(self) -> bool:
        return self.rule is not None and rules.has_committee(self.rule, len(self.positions))

    @property
    def allowed(self) -> int | None:
        return rules.allowed_size(self.rule, self.official) if self.rule else None


def _cell_refs(cells) -> list[tuple[OrgRef, str, OrgRef | None]]:
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


def _holder_in_cell(on: datetime.date):
    """Whether the outer position's holder has a membership open in its cell on `on`."""
    return Exists(
        Membership.objects.filter(
            in_force_q(on), cell_id=OuterRef("organization_id"), member_id=OuterRef("member_id")
        )
    )


def cell_reports(
    org: Organization, on: datetime.date, *, residential=False, only=None
) -> tuple[CommitteeRule | None, list[CellReport]]:
    """Every cell under `org` on `on` (those of the ids `only`, when given) with its flags under
    the rule in force then.

    Five queries whatever the number of cells: the org's path on the date, the cells, the rule,
    the positions in force (with members, and whether each holder has a membership open in the
    cell), the official counts.
    """
    cells = cells_under(org, on, residential=residential)
    if only is not None:
        cells = cells.filter(organization_id__in=only)
    refs = _cell_refs(cells)
    rule = rule_on(on)
    if not refs:
        return rule, []
    # Subqueries, not lists of ids: hundreds of cells and thousands of holders stay in SQL.
    cell_ids = cells.values("organization_id")
    seats = (
        positions_on(on)
        .filter(organization_id__in=cell_ids)
        .order_by()  # sorted per cell below
        .annotate(in_cell=_holder_in_cell(on))
        .values_list(*_SEAT_VALUES, "in_cell")
    )
    by_cell = defaultdict(list)
    holders_in_cell = defaultdict(set)
    for row in seats:
        by_cell[row[1]].append(_seat(row))
        if row[-1]:
            holders_in_cell[row[1]].add(row[5])
    counts = official_counts(cell_ids, on)
    reports = []
    for cell, name, parent in refs:
        positions = rules.sort_positions(by_cell.get(cell.pk, []))
        report = CellReport(
            cell=cell,
            name=name,
            parent=parent,
            official=counts.get(cell.pk, 0),
            positions=positions,
            rule=rule,
        )
        if rule is not None:
            report.flags = rules.cell_flags(
                rule=rule,
                on=on,
                official=report.official,
                positions=positions,
                holders_in_cell=holders_in_cell[cell.pk],
            )
        reports.append(report)
    return rule, reports


@dataclass(slots=True)
class CellTally:
    """One cell on a date as a summary counts it: official members, positions in force and the
    codes of its flags, without the positions themselves."""

    cell: OrgRef
    name: str
    parent: OrgRef | None
    official: int
    seats: int
    codes: list
    rule: CommitteeRule | None

    @property
    def has_committee(self) -> bool:
        return self.rule is not None and rules.has_committee(self.rule, self.seats)


def cell_tallies(
    org: Organization, on: datetime.date
) -> tuple[CommitteeRule | None, list[CellTally]]:
    """Every cell under `org` on `on` with the codes of its flags, as cell_reports flags them,
    counted in SQL: a summary of hundreds of cells reads no position. Five queries whatever the
    number of cells: the org's path on the date, the cells, the rule, the positions' counts per
    cell, the official counts."""
    cells = cells_under(org, on)
    refs = _cell_refs(cells)
    rule = rule_on(on)
    if not refs:
        return rule, []
    cell_ids = cells.values("organization_id")
    probationary = Q(member__official_date__isnull=True) | Q(member__official_date__gt=on)
    seats = {
        row[0]: row[1:]
        for row in positions_on(on)
        .filter(organization_id__in=cell_ids)
        .order_by()
        .values("organization_id")
        .annotate(
            seats=Count("pk"),
            deputies=Count("pk", filter=Q(title=Title.DEPUTY_SECRETARY)),
            secretaries=Count("pk", filter=Q(title=Title.SECRETARY)),
            probationary=Count("pk", filter=probationary),
            gone=Count("pk", filter=~_holder_in_cell(on)),
        )
        .values_list("organization_id", "seats", "deputies", "secretaries", "probationary", "gone")
    }
    counts = official_counts(cell_ids, on)
    tallies = []
    for cell, name, parent in refs:
        n, deputies, secretaries, probationary, gone = seats.get(cell.pk, (0, 0, 0, 0, 0))
        official = counts.get(cell.pk, 0)
        codes = []
        if rule is not None:
            codes = rules.flag_codes(
                rule,
                official=official,
                seats=n,
                deputies=deputies,
                secretaries=secretaries,
                probationary=probationary,
                gone=gone,
            )
        tallies.append(CellTally(cell, name, parent, official, n, codes, rule))
    return rule, tallies


def flag_counts(reports: list[CellReport | CellTally]) -> list[tuple[str, str, int]]:
    """(code, label, cells flagged) for every flag, in the order of rules.Flag."""
    counts = defaultdict(int)
    for r in reports:
        for code in r.codes:
            counts[code] += 1
    return [(code, label, counts[code]) for code, label in rules.Flag.choices]


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


def cells_by_parent(reports: list[CellReport | CellTally]) -> list[GroupSummary]:
    """One row per grassroots organization (a grassroots cell its own): cells, cells with a
    committee, flagged, per flag."""
    groups = {}
    for r in reports:
        # A grassroots cell (its parent an upper committee) is a grassroots row of its own.
        group = r.cell if r.parent and r.parent.kind in UPPER_KINDS else r.parent
        key = group.pk if group else None
        g = groups.get(key)
        if g is None:
            g = groups[key] = GroupSummary(group, group.name if group else "")
        codes = r.codes
        g.total += 1
        g.ok += r.has_committee
        g.flagged += bool(codes)
        for code in codes:
            g.flags[code] = g.flags.get(code, 0) + 1
    return sorted(groups.values(), key=lambda g: sort_key(g.name))


# --- concurrent roles and role models ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommuneRef:
    """A commune as the village lists read it, from plain values (a district has hundreds of
    villages): reads like a Commune in lists and templates (pk, name, party_committee, str)."""

    pk: int
    name: str
    kind: str
    party_committee_id: int | None
    party_committee: OrgRef | None

    def get_kind_display(self):
        return _COMMUNE_KINDS.get(self.kind, self.kind)

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"


@dataclass(frozen=True, slots=True)
class VillageRef:
    """A village as the village lists read it, from plain values: model instances with their
    commune, its committee and the cell cost a district's page ~20 ms. Reads like a Village."""

    pk: int
    code: str
    name: str
    kind: str
    commune_id: int
    cell_id: int | None
    commune: CommuneRef
    cell: OrgRef | None

    def get_kind_display(self):
        return _VILLAGE_KINDS.get(self.kind, self.kind)

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"


_COMMUNE_KINDS = dict(Commune.Kind.choices)
_VILLAGE_KINDS = dict(Village.Kind.choices)

# What the village lists read of a village, its commune and their organizations, in the order
# of VillageRef's, CommuneRef's and OrgRef's fields.
_VILLAGE_VALUES = (
    "pk",
    "code",
    "name",
    "kind",
    "commune_id",
    "served__cell_id",  # the cell that served the village on the day asked (villages_under)
    "commune__name",
    "commune__kind",
    "commune__party_committee_id",
    *(f"commune__party_committee__{f}" for f in ORG_FIELDS),
    *(f"served__cell__{f}" for f in ORG_FIELDS),
)


def _village_refs(villages) -> list[VillageRef]:
    """VillageRefs of the Village queryset `villages` (from villages_under: `served` is the
    link in force on its day), in its order. One query."""
    communes = {}
    refs = []
    for row in villages.values_list(*_VILLAGE_VALUES):
        commune = communes.get(row[4])
        if commune is None:
            committee = OrgRef(row[8], *row[9:14]) if row[8] is not None else None
            commune = communes[row[4]] = CommuneRef(row[4], row[6], row[7], row[8], committee)
        cell = OrgRef(row[5], *row[14:19]) if row[5] is not None else None
        refs.append(VillageRef(*row[:6], commune, cell))
    return refs


@dataclass(frozen=True, slots=True)
class VillagePost:
    """A village post in force, read as plain values (a district holds over a thousand). Reads
    like a ConcurrentRole in rules, lists and templates."""

    pk: int
    village_id: int
    kind: str
    member_id: int | None
    person_name: str
    start: datetime.date
    end: datetime.date | None
    holder_name: str

    def get_kind_display(self):
        return ConcurrentRole.Kind(self.kind).label


_POST_VALUES = ("pk", "village_id", "kind", "member_id", "person_name", "start", "end")


@dataclass(slots=True)
class VillageRoles:
    village: VillageRef
    roles: list
    positions_by_title: dict
    role_model: RoleModel | None = None
    checks: list = field(default_factory=list)

    @property
    def compliant(self) -> bool | None:
        if self.role_model is None:
            return None
        return all(c.ok for c in self.checks)


def villages_by_commune(rows: list[VillageRoles]) -> list[GroupSummary]:
    """One row per commune: villages, villages that follow the role model, those that do not."""
    groups = {}
    for row in rows:
        committee = row.village.commune.party_committee
        key = row.village.commune_id
        g = groups.get(key)
        if g is None:
            g = groups[key] = GroupSummary(committee, row.village.commune.name)
        g.total += 1
        g.ok += bool(row.compliant)
        g.flagged += row.compliant is False
    return sorted(groups.values(), key=lambda g: sort_key(g.name))


def villages_under(org: Organization, on: datetime.date):
    """Villages valid on `on` served then by a cell under `org`, or belonging to a commune
    under it. `served` is the village's link in force on `on` (`served__cell_id` its cell);
    `cell` stays the cell serving it now."""
    org_ids = periods_under(org, on).values("organization_id")
    return (
        Village.objects.annotate(served=link_on(on))
        .filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .filter(Q(served__cell_id__in=org_ids) | Q(commune__party_committee_id__in=org_ids))
        .select_related("commune", "commune__party_committee", "cell")
    )


def role_models_on(commune_ids, on: datetime.date) -> dict[int, RoleModel]:
    """commune org id -> the role model it applies on `on` (the latest adopted). Two queries."""
    models_ = (
        RoleModel.objects.filter(commune_id__in=commune_ids, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
        .prefetch_related("rules")
        .order_by("effective_from", "id")
    )
    return {m.commune_id: m for m in models_}


def village_roles(org: Organization, on: datetime.date, *, all_posts=True) -> list[VillageRoles]:
    """The villages under `org` with their posts in force, their cell's positions and the role
    model check. Up to six queries whatever the number of villages: the villages, the role
    models and their rules, the posts, the cells' positions of the titles the models pair (not
    read when no model applies).

    all_posts=False is for a summary that shows no post: only the villages under a role model
    get their posts (their checks read them); the others' `roles` stay empty.
    """
    villages = _village_refs(villages_under(org, on))
    if not villages:
        return []
    models_ = role_models_on({v.commune.party_committee_id for v in villages}, on)
    checked = [v for v in villages if v.commune.party_committee_id in models_]
    roles = defaultdict(list)
    posted = villages if all_posts else checked
    for *values, member_name in (
        ConcurrentRole.objects.filter(in_force_q(on), village_id__in=[v.pk for v in posted])
        .order_by("kind", "start")
        .values_list(*_POST_VALUES, "member__full_name")
    ):
        post = VillagePost(*values, member_name if values[3] else values[4])
        roles[post.village_id].append(post)
    # The checks read a cell's positions by title, and only the titles their rules pair.
    titles = {r.title for m in models_.values() for r in m.rules.all() if r.title}
    cell_ids = {v.cell_id for v in checked if v.cell_id}
    positions = defaultdict(lambda: defaultdict(list))
    if titles and cell_ids:
        for p in seats_on(on, cell_ids, titles):
            positions[p.organization_id][p.title].append(p)
    rows = []
    for v in sorted(villages, key=lambda v: (sort_key(v.commune.name), sort_key(v.name))):
        by_kind = defaultdict(list)
        for r in roles[v.pk]:
            by_kind[r.kind].append(r)
        by_title = positions[v.cell_id] if v.cell_id else {}
        model = models_.get(v.commune.party_committee_id)
        row = VillageRoles(v, roles[v.pk], dict(by_title), model)
        if model is not None:
            row.checks = [
                rules.check_role_rule(rule, by_title, by_kind) for rule in model.rules.all()
            ]
        rows.append(row)
    return rows


# --- commune leadership -----------------------------------------------------------------------


def commune_leaders(org: Organization, on: datetime.date) -> list[CommuneLeader]:
    """Commune Party secretaries and People's Committee chairmen in force under `org`."""
    org_ids = periods_under(org, on).values("organization_id")
    rows = CommuneLeader.objects.filter(in_force_q(on), commune_id__in=org_ids).select_related(
        "commune"
    )
    return sorted(rows, key=lambda r: (sort_key(r.commune.name), r.post, r.start))


@dataclass(frozen=True)
class TargetSum:
    """The non-local leaders' target that holds for a subtree on a date, and where it comes from."""

    term_name: str
    nonlocal_target: int
    targets: tuple  # the LeadershipTarget rows summed, each with `.path` on the date


def leadership_target(org: Organization, on: datetime.date) -> TargetSum | None:
    """The term target for non-local commune leaders of `org` on `on`: its own when it has one;
    otherwise the sum of the targets set lower down, each counted at its topmost node (a
    province without a target of its own answers for its districts' targets). None when no
    target in the subtree runs on `on`. Two queries."""
    periods = periods_under(org, on)
    rows = list(
        LeadershipTarget.objects.filter(
            in_force_q(on), organization_id__in=periods.values("organization_id")
        )
        .annotate(
            path=Subquery(
                periods.filter(organization_id=OuterRef("organization_id")).values("path")[:1]
            )
        )
        .order_by("path", "-start", "id")
    )
    kept = []
    for t in rows:
        # Sorted by path: an ancestor's target comes before those under it and hides them; of
        # two targets at one node the later-starting one is kept.
        if not any(t.path.startswith(k.path) for k in kept):
            kept.append(t)
    if not kept:
        return None
    names = sorted({t.term_name for t in kept})
    return TargetSum(" · ".join(names), sum(t.nonlocal_target for t in kept), tuple(kept))


# --- qualification ----------------------------------------------------------------------------


def standard_on(applies_to: str, on: datetime.date) -> QualificationStandard | None:
    return (
        QualificationStandard.objects.filter(applies_to=applies_to, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def commune_officials(org: Organization, on: datetime.date):
    org_ids = periods_under(org, on).values("organization_id")
    return (
        CommuneOfficial.objects.filter(in_force_q(on), commune_id__in=org_ids)
        .select_related("commune")
        .order_by("commune__name", "full_name", "id")
    )


def village_committee_positions(org: Organization, on: datetime.date):
    """Positions in force on `on` in the village cells under `org`, with member and cell."""
    cell_ids = cells_under(org, on, residential=True).values("organization_id")
    return with_holders(
        positions_on(on).filter(organization_id__in=cell_ids), organization=True
    ).order_by("organization__name", "title", "start", "id")


def village_committee_below_standard(org: Organization, on: datetime.date):
    """(standard, positions) of village cell committee members below its theory level."""
    standard = standard_on(QualificationStandard.AppliesTo.CELL_COMMITTEE, on)
    below = rules.levels_below(standard.min_theory_level if standard else "")
    qs = village_committee_positions(org, on).filter(member__theory_level__in=below)
    return standard, list(qs)


# --- secretaries and village heads -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VillageHead:
    """A village head in force, as the secretary list reads it."""

    village_name: str
    member_id: int | None
    holder_name: str


@dataclass(slots=True)
class SecretaryHead:
    """A village cell on a date, its secretary then and the heads of the villages it serves."""

    cell: OrgRef
    name: str
    parent: OrgRef | None
    secretary: Seat | None
    heads: list  # VillageHead

    @property
    def is_head(self) -> bool:
        sec = self.secretary
        return sec is not None and any(h.member_id == sec.member_id for h in self.heads)


def secretaries_and_heads(org: Organization, on: datetime.date) -> list[SecretaryHead]:
    """Every village cell under `org` with its secretary and the heads of the villages it
    serves. Four queries: the path, the cells, the secretaries, the heads."""
    cells = cells_under(org, on, residential=True)
    refs = _cell_refs(cells)
    if not refs:
        return []
    secretaries = {}
    for row in (
        positions_on(on)
        .filter(organization_id__in=cells.values("organization_id"), title=Title.SECRETARY)
        .order_by("-start", "-id")  # the earliest last: it stays, as in sort_positions
        .values_list(*_SEAT_VALUES)
    ):
        secretaries[row[1]] = _seat(row)
    heads = defaultdict(list)
    rows = (
        ConcurrentRole.objects.filter(
            in_force_q(on),
            # the cell that served the village on `on` (one filter call: one join)
            in_force_q(on, "village__cell_links__start", "village__cell_links__end"),
            kind=ConcurrentRole.Kind.VILLAGE_HEAD,
            village__cell_links__cell_id__in=[cell.pk for cell, _n, _p in refs],
        )
        .order_by("village__name", "start")
        .values_list(
            "village__cell_links__cell_id",
            "village__name",
            "member_id",
            "member__full_name",
            "person_name",
        )
    )
    for cell_id, village, member_id, member_name, person in rows:
        heads[cell_id].append(VillageHead(village, member_id, member_name if member_id else person))
    return [
        SecretaryHead(cell, name, parent, secretaries.get(cell.pk), heads.get(cell.pk, []))
        for cell, name, parent in refs
    ]


def members_for_positions(org: Organization, on: datetime.date):
    """Members who may be offered for a seat in `org`: in the cell, or under the commune."""
    qs = Member.objects.in_cell()
    qs = qs.filter(cell=org) if org.is_cell else qs.under(org)
    return qs.select_related("cell").order_by("sort_key", "id")
