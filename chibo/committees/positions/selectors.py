"""Reads of committees and their positions, as of a date: an organization's committee and its
history, every cell under an organization with its flags (in full, or counted in SQL for a
summary), and the summary per grassroots organization. Each in a fixed number of queries
whatever the list length."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from chibo.members.models import Membership
from chibo.organizations.models import UPPER_KINDS, Organization

from .. import rules
from ..models import CommitteeRule, Position, Term, Title, in_force_q
from ..selectors import (
    SEAT_VALUES,
    GroupSummary,
    OrgRef,
    cell_refs,
    cells_under,
    official_counts,
    positions_on,
    rule_on,
    seat_from_row,
    sort_key,
)


def terms_of(org: Organization) -> list[Term]:
    return list(Term.objects.filter(organization=org).order_by("-start"))


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
    refs = cell_refs(cells)
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
        .values_list(*SEAT_VALUES, "in_cell")
    )
    by_cell = defaultdict(list)
    holders_in_cell = defaultdict(set)
    for row in seats:
        by_cell[row[1]].append(seat_from_row(row))
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
    org: Organization, on: datetime.date, *, residential=False
) -> tuple[CommitteeRule | None, list[CellTally]]:
    """Every cell under `org` on `on` with the codes of its flags, as cell_reports flags them,
    counted in SQL: a summary of hundreds of cells reads no position. Five queries whatever the
    number of cells: the org's path on the date, the cells (the village cells only, when
    `residential`), the rule, the positions' counts per cell, the official counts."""
    cells = cells_under(org, on, residential=residential)
    refs = cell_refs(cells)
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
