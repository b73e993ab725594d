"""Reads of succession planning (quy hoạch): the holders and planned successors of one
organization for one term, and the titles in force under an organization with no successor."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from chibo.core.dates import age_on
from chibo.organizations.models import Organization
from chibo.organizations.selectors import ids_under

from .. import rules
from ..models import QualificationStandard, SuccessionPlan, Term, Title
from ..positions.selectors import committee_on
from ..selectors import (
    ORG_FIELDS,
    OrgRef,
    committee_orgs_under,
    positions_on,
    seats_on,
    sort_key,
    standard_on,
)


def standard_for(org: Organization, on: datetime.date) -> QualificationStandard | None:
    """The standard a successor for `org` is measured against: cell committee or commune."""
    applies = (
        QualificationStandard.AppliesTo.CELL_COMMITTEE
        if org.is_cell
        else QualificationStandard.AppliesTo.COMMUNE_OFFICIAL
    )
    return standard_on(applies, on)


def plan_active_q(on: datetime.date) -> Q:
    return Q(approved_on__lte=on) & (Q(removed_on__isnull=True) | Q(removed_on__gt=on))


@dataclass
class Candidate:
    plan: SuccessionPlan
    age: int
    years: int
    meets: bool
    reason: str

    @property
    def member(self):
        return self.plan.member


def plan_terms(org: Organization) -> list[str]:
    """Term names to plan for: the organization's terms and the names already planned."""
    names = set(Term.objects.filter(organization=org).values_list("name", flat=True))
    names |= set(
        SuccessionPlan.objects.filter(organization=org).values_list("term_name", flat=True)
    )
    return sorted(names, reverse=True)


@dataclass
class SuccessionView:
    org: Organization
    term_name: str
    on: datetime.date
    standard: QualificationStandard | None
    holders: dict  # title -> positions in force
    candidates: dict  # title -> active Candidates
    removed: list  # removed plans

    @property
    def titles(self):
        keys = set(self.holders) | set(self.candidates) | {Title.SECRETARY}
        return sorted(keys, key=lambda t: rules.TITLE_ORDER.get(t, 9))

    @property
    def sections(self) -> list[dict]:
        return [
            {
                "title": t,
                "label": Title(t).label,
                "holders": self.holders.get(t, []),
                "candidates": self.candidates.get(t, []),
            }
            for t in self.titles
        ]

    @property
    def without_successor(self) -> list[str]:
        return [t for t in self.titles if self.holders.get(t) and not self.candidates.get(t)]

    @property
    def people(self) -> list[Candidate]:
        """Distinct planned members (a member planned for two titles counts once)."""
        seen = {}
        for cands in self.candidates.values():
            for c in cands:
                seen.setdefault(c.plan.member_id, c)
        return list(seen.values())

    def share(self, pred) -> tuple[int, int]:
        people = self.people
        return sum(1 for c in people if pred(c)), len(people)

    @property
    def under_40(self):
        return self.share(lambda c: c.age < 40)

    @property
    def under_45(self):
        return self.share(lambda c: c.age < 45)

    @property
    def qualified(self):
        return self.share(lambda c: c.meets)


def succession_view(org: Organization, term_name: str, on: datetime.date) -> SuccessionView:
    """Holders in force and planned successors of `org` for `term_name`. Four queries."""
    standard = standard_for(org, on)
    holders = defaultdict(list)
    for p in committee_on(org, on):
        holders[p.title].append(p)
    candidates = defaultdict(list)
    removed = []
    plans = (
        SuccessionPlan.objects.filter(organization=org, term_name=term_name)
        .select_related("member", "member__cell")
        .order_by("title", "approved_on", "id")
    )
    for plan in plans:
        if plan.removed_on is not None and plan.removed_on <= on:
            removed.append(plan)
            continue
        if plan.approved_on > on:
            continue
        m = plan.member
        meets, reason = rules.meets_standard(m, standard)
        candidates[plan.title].append(
            Candidate(plan, m.age(on), age_on(m.admission_date, on), meets, reason)
        )
    return SuccessionView(org, term_name, on, standard, dict(holders), dict(candidates), removed)


@dataclass(slots=True)
class MissingSuccessor:
    org: Organization
    name: str
    title: str
    holders: list
    term_name: str

    def get_title_display(self):
        return Title(self.title).label


def successor_gaps(org: Organization, on: datetime.date) -> tuple[set, set, dict]:
    """(missing, in force, term names): the (organization id, title) pairs in force on `on` in the
    cells and commune committees under `org`, those with no active plan for the organization's
    term running then (any term when it has none recorded), and organization id -> that term.

    Four queries, no model rows: the path, the pairs, the terms, the active plans.
    """
    return successor_gaps_in(ids_under(org, on, "committees"), on)


def successor_gaps_in(org_ids, on: datetime.date) -> tuple[set, set, dict]:
    """successor_gaps of the organizations `org_ids` themselves (ids or a subquery; a pair's
    gap depends on its own organization only). Three queries."""
    pairs = _pairs_in_force(org_ids, on)
    missing, term_names = _gaps(pairs, on)
    return missing, pairs, term_names


def _pairs_in_force(org_ids, on: datetime.date) -> set:
    """The (organization id, title) pairs with a position in force on `on` in the organizations
    `org_ids` (ids or a subquery). One query."""
    return set(
        positions_on(on)
        .filter(organization_id__in=org_ids)
        .order_by()  # DISTINCT on the pair alone, not on the ordering's start as well
        .values_list("organization_id", "title")
        .distinct()
    )


def _gaps(pairs: set, on: datetime.date) -> tuple[set, dict]:
    """(missing, term names) of successor_gaps for the pairs in force. Two queries (none
    without pairs)."""
    if not pairs:
        return set(), {}
    org_ids = {o for o, _t in pairs}
    term_names = dict(
        Term.objects.filter(organization_id__in=org_ids)
        .in_force(on)
        .order_by("start")
        .values_list("organization_id", "name")
    )
    planned = set(
        SuccessionPlan.objects.filter(plan_active_q(on), organization_id__in=org_ids).values_list(
            "organization_id", "title", "term_name"
        )
    )
    any_term = {(o, t) for o, t, _n in planned}
    missing = {
        (o, t)
        for o, t in pairs
        if not ((o, t, term_names[o]) in planned if o in term_names else (o, t) in any_term)
    }
    return missing, term_names


@dataclass(slots=True)
class SuccessorList:
    """The (organization id, title) pairs in force under an organization on a date, in the order
    the list shows them (by the organization's name then, then title), which of them have no
    successor, and their rows built on demand: a page of 100 out of 1.340 reads the holders of
    its own 100 only."""

    on: datetime.date
    keys: list
    missing: set
    term_names: dict
    orgs: dict  # organization id -> (OrgRef, its name on the date)
    org_ids: object  # the subquery of every organization id under the list's organization

    def rows(self, keys) -> list[MissingSuccessor]:
        """MissingSuccessor rows of `keys` (some of self.keys), with their holders. One query
        (none without keys)."""
        if not keys:
            return []
        wanted = set(keys)
        # Every organization of the list by subquery; a page's few by their ids.
        org_ids = self.org_ids if len(wanted) == len(self.keys) else {o for o, _t in wanted}
        holders = defaultdict(list)
        for p in seats_on(self.on, org_ids):
            key = (p.organization_id, p.title)
            if key in wanted:
                holders[key].append(p)
        return [
            MissingSuccessor(
                *self.orgs[oid],
                title,
                rules.sort_positions(holders[(oid, title)]),
                self.term_names.get(oid, ""),
            )
            for oid, title in keys
        ]


def successor_list(org: Organization, on: datetime.date) -> SuccessorList:
    """The pairs in force under `org` on `on`, sorted, with those missing a successor; no row
    built yet. Five queries: the path, the pairs, the terms, the active plans, the
    organizations' names on `on`."""
    orgs = committee_orgs_under(org, on)
    org_ids = orgs.values("organization_id")
    pairs = _pairs_in_force(orgs.values("organization_id"), on)
    if not pairs:
        return SuccessorList(on, [], set(), {}, {}, org_ids)
    missing, term_names = _gaps(pairs, on)
    periods = {row[0]: (OrgRef(row[0], *row[2:]), row[1]) for row in orgs.values_list(*_VALUES)}
    keys = sorted(
        pairs, key=lambda k: (sort_key(periods[k[0]][1]), rules.TITLE_ORDER.get(k[1], 9), k)
    )
    return SuccessorList(on, keys, missing, term_names, periods, org_ids)


# What the list reads of each organization: id, its name on the date, then OrgRef's fields.
_VALUES = ("organization_id", "name", *(f"organization__{f}" for f in ORG_FIELDS))
