"""Reads for admissions: the scoped candidate, a candidate's progress, the pipeline board of an
organization, and admissions against targets by year at every level.

Where a cell stands: an admission counts where the cell that admitted the member stood on the
date asked for, or on its last day when it closed before (a cell merged away in the year still
counts under its commune). Each organization's place is read from its dated periods
(OrganizationPeriod), so a figure "as of" a date is the same whatever changed after it.
"""

import datetime
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)

from chibo.core.indicators import once_per_batch, prime
from chibo.core.web import scoped_or_404
from chibo.meetings.models import Holiday
from chibo.members.models import Member, Membership
from chibo.organizations.models import (
    PATH_END,
    Organization,
    OrganizationPeriod,
    grassroots_level_q,
    subtrees_q,
)
from chibo.organizations.selectors import (
    path_as_of,
    periods_under,
    preload_closed,
    preload_paths,
)

from . import rules
from .models import AdmissionRule, AdmissionStep, AdmissionTarget, Candidate, CandidateCell


def rules_all() -> list[AdmissionRule]:
    """Every admission rule (a handful of rows), once per indicator batch."""
    return once_per_batch("admission_rules", lambda: list(AdmissionRule.objects.all()))


def holidays() -> frozenset[datetime.date]:
    """The public holidays (frozen: rules.add_working_days caches on them)."""
    return once_per_batch(
        "holidays", lambda: frozenset(Holiday.objects.values_list("date", flat=True))
    )


# --- one candidate ------------------------------------------------------------------------------


def candidate_or_404(scope, pk, *, write=False) -> Candidate:
    """The candidate `pk` with its cell and member, if the scope reads (writes) the cell."""
    return scoped_or_404(
        scope,
        Candidate.objects.select_related("cell__parent", "member"),
        pk,
        org="cell",
        write=write,
    )


def candidate_cell_on(candidate: Candidate, on: datetime.date) -> Organization:
    """The candidate's cell on `on` (their CandidateCell of that day: a cell merged or split
    since still answers for the days before), or their cell now on a day no row holds (before
    they were listed). One query."""
    link = CandidateCell.objects.in_force(on).filter(candidate=candidate).select_related("cell")
    link = link.first()
    return link.cell if link is not None else candidate.cell


def candidate_steps(candidate: Candidate) -> list[AdmissionStep]:
    return list(
        candidate.steps.select_related("sponsor_1", "sponsor_2", "actor").order_by("on", "id")
    )


def candidate_progress(candidate: Candidate, steps, as_of: datetime.date) -> rules.Progress:
    return rules.progress(
        steps, listed_on=candidate.listed_on, as_of=as_of, rules=rules_all(), holidays=holidays()
    )


def sponsor_choices(candidate: Candidate, on: datetime.date):
    """Official members of the candidate's cell on `on`: those who may sponsor them."""
    return (
        Member.objects.filter(
            Exists(
                Membership.objects.in_force(on).filter(
                    member=OuterRef("pk"), cell_id=candidate.cell_id
                )
            )
        )
        .in_cell()
        .official(on)
        .only("pk", "full_name", "sort_key")
    )


# --- the board ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRow:
    """A step as the board reads it: the fields rules.progress uses, without a model instance
    (building ~3.000 AdmissionStep instances was most of a district board's time)."""

    candidate_id: int
    kind: str
    on: datetime.date
    number: str
    until: datetime.date | None


@dataclass
class BoardRow:
    candidate: "CandidateRow"
    progress: rules.Progress

    @property
    def label(self) -> str:
        return rules.waiting_label(self.progress.next_step)


@dataclass
class Board:
    org: Organization
    as_of: datetime.date
    counts: list  # (Step value, label, count), in pipeline order
    rows: list[BoardRow]  # the active candidates (of the chosen step), oldest waiting first
    total: int
    flagged: int


def _ended_by(as_of: datetime.date, candidate: str = "pk"):
    return Exists(
        AdmissionStep.objects.filter(
            candidate=OuterRef(candidate), kind__in=rules.ENDING, on__lte=as_of
        )
    )


def in_progress_in(cells, on: datetime.date):
    """The candidates of `cells` still on the way in on `on` (no step ending the candidacy
    recorded on or before it, as the board reads them), those listed after it too: a cell
    that closes that day would leave them with no cell to take their next step. By their cell
    now (Candidate.cell, their running CandidateCell's): those are the ones a move takes."""
    return Candidate.objects.filter(cell__in=cells).exclude(_ended_by(on))


@dataclass(frozen=True)
class CandidateRow:
    """A candidate as the board lists them."""

    pk: int
    full_name: str
    listed_on: datetime.date
    cell_name: str


def board(org: Organization, as_of: datetime.date, *, step: str = "") -> Board:
    """The candidates of the cells under `org` on the way in on `as_of` (listed by then, not yet
    official, removed or stopped): how many wait at each step, and the rows of those waiting at
    `step` (all when blank), the oldest waiting first. Two queries whatever their number, and
    the rules and holidays (rows, not model instances: a district's ~400 candidates and ~3.000
    steps as instances took most of the page's time)."""
    # The cells under `org` on `as_of`, by the tree of that day (a cell re-parented or a
    # committee moved since still counts where it was).
    # Each candidate's cell of that day (CandidateCell: one moved since, their cell merged or
    # split, still counts in the cell they were in), listed by then (a row starts on the day).
    cells = periods_under(org, as_of).values("organization_id")
    active = (
        CandidateCell.objects.in_force(as_of)
        .filter(cell__in=cells)
        .exclude(_ended_by(as_of, "candidate_id"))
    )
    candidates = [
        CandidateRow(*row)
        for row in active.values_list(
            "candidate_id", "candidate__full_name", "candidate__listed_on", "cell__name"
        )
    ]
    steps = defaultdict(list)
    if candidates:
        # The same candidates as a subquery, not a list of ~400 ids.
        for row in AdmissionStep.objects.filter(
            on__lte=as_of, candidate__in=active.values("candidate_id")
        ).values_list("candidate_id", "kind", "on", "number", "until"):
            steps[row[0]].append(StepRow(*row))
    all_rules, days_off = rules_all(), holidays()
    rows = []
    for c in candidates:
        p = rules.progress(
            steps[c.pk], listed_on=c.listed_on, as_of=as_of, rules=all_rules, holidays=days_off
        )
        rows.append(BoardRow(c, p))
    per_step = Counter(r.progress.next_step for r in rows)
    counts = [(s, rules.waiting_label(s), per_step.get(s, 0)) for s in rules.PIPELINE]
    flagged = sum(1 for r in rows if r.progress.flags)
    shown = [r for r in rows if not step or r.progress.next_step == step]
    shown.sort(key=lambda r: (r.progress.waiting_since, r.candidate.full_name, r.candidate.pk))
    return Board(org, as_of, counts, shown, len(rows), flagged)


# --- admissions and targets ---------------------------------------------------------------------


def _path_on(org_ref, as_of: datetime.date):
    """Subquery: the path of the organization `org_ref` points at on `as_of`, or on its last
    day if it closed before."""
    return Subquery(
        OrganizationPeriod.objects.filter(organization=org_ref, valid_from__lte=as_of)
        .order_by("-valid_from")
        .values("path")[:1]
    )


def org_path_on(org: Organization, as_of: datetime.date) -> str | None:
    """The organization's path on `as_of` (path_as_of, read once in a compute_all), or on its
    last day if it closed before."""

    def last_path():
        return (
            OrganizationPeriod.objects.filter(organization=org, valid_from__lte=as_of)
            .order_by("-valid_from")
            .values_list("path", flat=True)
            .first()
        )

    # A period holding `as_of` is the latest begun by then: the periods do not overlap.
    path = path_as_of(org, as_of)
    if path is not None:
        return path
    return once_per_batch(("admissions_path_on", org.pk, as_of), last_path)


def admission_paths(root_path: str, year: int, as_of: datetime.date) -> list[str]:
    """One path per member admitted from 1 January of `year` to `as_of` into a cell under
    `root_path` (admitted_cells' paths)."""
    return list(admitted_cells(root_path, year, as_of).values())


def admitted_cells(root_path: str, year: int, as_of: datetime.date) -> dict[int, str]:
    """{member id: path} of the members admitted from 1 January of `year` to `as_of` into a cell
    under `root_path`: the admitting cell's path (where it stood on `as_of`, or on its last day).
    The admitting cell is the one the member belonged to on their admission day; a member who
    joined the district's cells later (admitted elsewhere) has none and is not counted.

    Two queries: the memberships open on their member's admission day (in the year), in the
    cells that stood under `root_path` at some time by `as_of`; those cells' periods. Not the
    year's admitted members first: nationally ~200.000 a year, whose ids sent back in an IN
    list took 10 s a year of a province's report; nor a subquery per membership, which SQLite
    ran for every membership of the district (90 ms on the demo)."""
    return _admitted_cells([root_path], year, as_of)


def _admitted_cells(roots: list[str], year: int, as_of: datetime.date) -> dict[int, str]:
    """admitted_cells' under any of `roots` (an indicator batch's topmost organizations:
    none lies under another). Two queries."""
    start = datetime.date(year, 1, 1)
    if as_of < start:
        return {}
    admitted_on = F("member__admission_date")
    ships = (
        Membership.objects.filter(
            member__admission_date__gte=start,
            member__admission_date__lte=as_of,
            start__lte=admitted_on,
            cell_id__in=OrganizationPeriod.objects.filter(
                subtrees_q(roots), valid_from__lte=as_of
            ).values("organization_id"),
        )
        .filter(Q(end__isnull=True) | Q(end__gt=admitted_on))
        .order_by()
        .values_list("member_id", "cell_id")
    )
    cell_of = dict(ships)
    if not cell_of:
        return {}
    paths = {}
    for org_id, path in (
        OrganizationPeriod.objects.filter(
            organization_id__in=set(cell_of.values()), valid_from__lte=as_of
        )
        .order_by("organization_id", "valid_from")
        .values_list("organization_id", "path")
    ):
        paths[org_id] = path  # the latest period begun by `as_of`
    out = {member_id: paths.get(cell_id) for member_id, cell_id in cell_of.items()}
    return {
        m: p
        for m, p in out.items()
        if p is not None and any(root <= p < root + PATH_END for root in roots)
    }


def admitted_members(org: Organization, as_of: datetime.date):
    """The members `admissions_year` counts for `org` on `as_of`, with their cell, in the order
    of their admission. Four queries."""
    path = org_path_on(org, as_of)
    ids = list(admitted_cells(path, as_of.year, as_of)) if path else []
    return (
        Member.objects.filter(pk__in=ids)
        .select_related("cell")
        .order_by("admission_date", "sort_key", "id")
    )


@dataclass(frozen=True)
class TargetRow:
    org_id: int
    path: str
    grassroots: bool  # set by the upper level (else: a cell's share of its grassroots target)
    value: int


def target_rows(root_path: str, year: int, as_of: datetime.date) -> list[TargetRow]:
    """The targets for `year` in force on `as_of` (each organization's latest decided by then)
    of the organizations under `root_path` (where they stood on `as_of`). One query."""
    return _target_rows([root_path], year, as_of)


def _target_rows(roots: list[str], year: int, as_of: datetime.date) -> list[TargetRow]:
    """target_rows' under any of `roots` (for a batch: none under another)."""
    rows = (
        AdmissionTarget.objects.filter(year=year, decided_on__lte=as_of)
        .annotate(
            org_path=_path_on(OuterRef("organization_id"), as_of),
            grassroots=ExpressionWrapper(
                grassroots_level_q("organization__", "organization__parent"),
                output_field=BooleanField(),
            ),
        )
        .filter(subtrees_q(roots, "org_path"))
        .order_by("organization_id", "decided_on", "id")
        .values_list("organization_id", "org_path", "grassroots", "value")
    )
    latest = {}
    for org_id, path, grassroots, value in rows:
        latest[org_id] = TargetRow(org_id, path, bool(grassroots), value)
    return list(latest.values())


def target_values(org_ids, year: int, as_of: datetime.date) -> dict[int, int]:
    """{organization id: its target for `year` in force on `as_of`} of those that have one."""
    values = {}
    for target in (
        AdmissionTarget.objects.filter(
            organization_id__in=list(org_ids), year=year, decided_on__lte=as_of
        )
        .order_by("organization_id", "decided_on", "id")
        .values("organization_id", "value")
    ):
        values[target["organization_id"]] = target["value"]
    return values


def target_of(org: Organization, path: str, targets: list[TargetRow]) -> int | None:
    """The target of `org` (at `path`) from the rows under it: a cell's own share, else the sum
    of the grassroots targets under it (None when there is none)."""
    if org.kind == Organization.Kind.CELL and not any(
        t.org_id == org.pk and t.grassroots for t in targets
    ):
        return next((t.value for t in targets if t.org_id == org.pk), None)
    under = [t.value for t in targets if t.grassroots and t.path.startswith(path)]
    return sum(under) if under else None


def admissions_in_year(org: Organization, as_of: datetime.date) -> tuple[int, int | None]:
    """(members admitted in `as_of`'s year up to it under `org`, that year's target for `org`
    and everything under it). Three queries."""

    def read():
        path = org_path_on(org, as_of)
        if path is None:
            return 0, None
        year = as_of.year
        admitted = len(admission_paths(path, year, as_of))
        return admitted, target_of(org, path, target_rows(path, year, as_of))

    return once_per_batch(("admissions.in_year", org.pk, as_of), read)


def preload_in_year(orgs, as_of: datetime.date) -> None:
    """For a compute_many: admissions_in_year of every organization of `orgs`, from the year's
    admissions and targets under the batch's topmost organizations and the last places of
    those closed by then (org_path_on: they count where they stood on their last day), read
    together (three or four queries), each organization's those under its path."""
    paths = dict(preload_paths(orgs, as_of))
    closed = {org.pk: org for org in preload_closed(orgs, as_of)}
    last = {}
    if closed:
        for org_id, path in (
            OrganizationPeriod.objects.filter(
                organization_id__in=list(closed), valid_from__lte=as_of
            )
            .order_by("organization_id", "valid_from")
            .values_list("organization_id", "path")
        ):
            last[org_id] = path  # the latest period begun by `as_of`
        for org in closed.values():
            if org.pk not in last:  # not founded yet
                prime(("admissions.in_year", org.pk, as_of), (0, None))
    roots: list[str] = []  # the topmost of the paths
    for path in sorted({*paths.values(), *last.values()}):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    if not roots:
        return
    year = as_of.year
    admitted = sorted(_admitted_cells(roots, year, as_of).values())
    targets = sorted(_target_rows(roots, year, as_of), key=lambda t: t.path)
    target_paths = [t.path for t in targets]
    for org, path in [*paths.items(), *((closed[pk], path) for pk, path in last.items())]:
        under = targets[
            bisect_left(target_paths, path) : bisect_left(target_paths, path + PATH_END)
        ]
        n = bisect_left(admitted, path + PATH_END) - bisect_left(admitted, path)
        prime(("admissions.in_year", org.pk, as_of), (n, target_of(org, path, under)))


@dataclass
class RollupRow:
    org: Organization
    admitted: int
    target: int | None
    is_self: bool = False

    @property
    def pair(self) -> tuple[int, int | None]:
        return (self.admitted, self.target)


def rollup(org: Organization, year: int, as_of: datetime.date) -> list[RollupRow]:
    """`org` and each organization directly under it on `as_of`: members admitted in `year` up
    to `as_of` against the year's target. Five queries whatever the number of children."""
    path = org_path_on(org, as_of) or org.path
    paths = admission_paths(path, year, as_of)
    targets = target_rows(path, year, as_of)
    children = list(
        OrganizationPeriod.objects.filter(parent=org, valid_from__lte=as_of)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
        .select_related("organization", "organization__parent")
        .order_by("path")
    )
    out = [RollupRow(org, len(paths), target_of(org, path, targets), is_self=True)]
    for period in children:
        child = period.organization
        child.name = period.name
        out.append(
            RollupRow(
                child,
                sum(1 for p in paths if p.startswith(period.path)),
                target_of(child, period.path, targets),
            )
        )
    return out
