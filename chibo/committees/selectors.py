"""Reads of committees, as of a date, each in a fixed number of queries whatever the list length.

Lists over a subtree take the organization already checked against the user's scope and read
the structure of the date asked for (OrganizationPeriod), as the indicators do.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from chibo.core import vn
from chibo.members.models import Member, Membership
from chibo.organizations.models import Organization, Village
from chibo.organizations.selectors import periods_under

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


def _name_key(period):
    parent = period.parent.name if period.parent_id else ""
    return (vn.text_sort_key(parent), vn.text_sort_key(period.name))


# --- rules, terms, positions ----------------------------------------------------------------


def rule_on(on: datetime.date) -> CommitteeRule | None:
    try:
        return CommitteeRule.in_force(on)
    except CommitteeRule.DoesNotExist:
        return None


def term_on(org: Organization, on: datetime.date) -> Term | None:
    """The organization's term running on `on` (both ends included), the latest if several."""
    return (
        Term.objects.filter(organization=org, start__lte=on, end__gte=on).order_by("-start").first()
    )


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


@dataclass
class CellReport:
    """One cell on a date: its name then, official members, positions in force and flags."""

    cell: Organization
    name: str
    parent: Organization | None
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
    def has_committee(self) -> bool:
        return self.rule is not None and rules.has_committee(self.rule, len(self.positions))

    @property
    def allowed(self) -> int | None:
        return rules.allowed_size(self.rule, self.official) if self.rule else None


def cell_reports(
    org: Organization, on: datetime.date, *, residential=False
) -> tuple[CommitteeRule | None, list[CellReport]]:
    """Every cell under `org` on `on` with its flags under the rule in force then.

    Six queries whatever the number of cells: the org's path on the date, the cells, the rule,
    the positions in force (with members), the official counts, the holders' open memberships.
    """
    periods = list(cells_under(org, on, residential=residential))
    rule = rule_on(on)
    if not periods:
        return rule, []
    cell_ids = [p.organization_id for p in periods]
    by_cell = defaultdict(list)
    for pos in positions_on(on).filter(organization_id__in=cell_ids).select_related("member"):
        by_cell[pos.organization_id].append(pos)
    counts = official_counts(cell_ids, on)
    holder_ids = {p.member_id for ps in by_cell.values() for p in ps}
    in_cell = defaultdict(set)
    for cid, mid in Membership.objects.filter(
        in_force_q(on), cell_id__in=cell_ids, member_id__in=holder_ids
    ).values_list("cell_id", "member_id"):
        in_cell[cid].add(mid)
    reports = []
    for period in sorted(periods, key=_name_key):
        cid = period.organization_id
        positions = rules.sort_positions(by_cell.get(cid, []))
        report = CellReport(
            cell=period.organization,
            name=period.name,
            parent=period.parent,
            official=counts.get(cid, 0),
            positions=positions,
            rule=rule,
        )
        if rule is not None:
            report.flags = rules.cell_flags(
                rule=rule,
                on=on,
                official=report.official,
                positions=positions,
                holders_in_cell=in_cell[cid],
            )
        reports.append(report)
    return rule, reports


def flag_counts(reports: list[CellReport]) -> list[tuple[str, str, int]]:
    """(code, label, cells flagged) for every flag, in the order of rules.Flag."""
    counts = defaultdict(int)
    for r in reports:
        for f in r.flags:
            counts[f.code] += 1
    return [(code, label, counts[code]) for code, label in rules.Flag.choices]


# --- concurrent roles and role models ---------------------------------------------------------


@dataclass
class VillageRoles:
    village: Village
    roles: list
    positions_by_title: dict
    role_model: RoleModel | None = None
    checks: list = field(default_factory=list)

    @property
    def compliant(self) -> bool | None:
        if self.role_model is None:
            return None
        return all(c.ok for c in self.checks)


def villages_under(org: Organization, on: datetime.date):
    """Villages valid on `on` served by a cell under `org` or belonging to a commune under it."""
    org_ids = periods_under(org, on).values("organization_id")
    return (
        Village.objects.filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .filter(Q(cell_id__in=org_ids) | Q(commune__party_committee_id__in=org_ids))
        .select_related("commune", "cell")
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


def village_roles(org: Organization, on: datetime.date) -> list[VillageRoles]:
    """The villages under `org` with their posts in force, their cell's positions and the role
    model check. Six queries whatever the number of villages."""
    villages = list(villages_under(org, on))
    if not villages:
        return []
    village_ids = [v.pk for v in villages]
    cell_ids = {v.cell_id for v in villages if v.cell_id}
    roles = defaultdict(list)
    for r in (
        ConcurrentRole.objects.filter(in_force_q(on), village_id__in=village_ids)
        .select_related("member")
        .order_by("kind", "start")
    ):
        roles[r.village_id].append(r)
    positions = defaultdict(lambda: defaultdict(list))
    for p in positions_on(on).filter(organization_id__in=cell_ids).select_related("member"):
        positions[p.organization_id][p.title].append(p)
    models_ = role_models_on({v.commune.party_committee_id for v in villages}, on)
    rows = []
    for v in sorted(
        villages, key=lambda v: (vn.text_sort_key(v.commune.name), vn.text_sort_key(v.name))
    ):
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
    return sorted(rows, key=lambda r: (vn.text_sort_key(r.commune.name), r.post, r.start))


def leadership_target(org: Organization, on: datetime.date) -> LeadershipTarget | None:
    return (
        LeadershipTarget.objects.filter(organization=org, start__lte=on, end__gte=on)
        .order_by("-start")
        .first()
    )


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
    return (
        positions_on(on)
        .filter(organization_id__in=cell_ids)
        .select_related("member", "organization")
        .order_by("organization__name", "title", "start", "id")
    )


def village_committee_below_standard(org: Organization, on: datetime.date):
    """(standard, positions) of village cell committee members below its theory level."""
    standard = standard_on(QualificationStandard.AppliesTo.CELL_COMMITTEE, on)
    below = rules.levels_below(standard.min_theory_level if standard else "")
    qs = village_committee_positions(org, on).filter(member__theory_level__in=below)
    return standard, list(qs)


# --- secretaries and village heads -------------------------------------------------------------


@dataclass
class SecretaryHead:
    report: CellReport
    heads: list  # ConcurrentRole village_head in force in the villages the cell serves

    @property
    def is_head(self) -> bool:
        sec = self.report.secretary
        return sec is not None and any(h.member_id == sec.member_id for h in self.heads)


def secretaries_and_heads(org: Organization, on: datetime.date) -> list[SecretaryHead]:
    """Every village cell under `org` with its secretary and the heads of the villages it
    serves. Seven queries."""
    _rule, reports = cell_reports(org, on, residential=True)
    heads = defaultdict(list)
    for r in (
        ConcurrentRole.objects.filter(
            in_force_q(on),
            kind=ConcurrentRole.Kind.VILLAGE_HEAD,
            village__cell_id__in=[r.cell.pk for r in reports],
        )
        .select_related("village", "member")
        .order_by("village__name", "start")
    ):
        heads[r.village.cell_id].append(r)
    return [SecretaryHead(r, heads.get(r.cell.pk, [])) for r in reports]


def members_for_positions(org: Organization, on: datetime.date):
    """Members who may be offered for a seat in `org`: in the cell, or under the commune."""
    qs = Member.objects.in_cell()
    qs = qs.filter(cell=org) if org.is_cell else qs.under(org)
    return qs.select_related("cell").order_by("sort_key", "id")
