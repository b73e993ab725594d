"""Reads of succession planning (quy hoạch): the holders and planned successors of one
organization for one term, and the titles in force under an organization with no successor."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from chibo.organizations.models import Organization

from . import rules
from .models import QualificationStandard, SuccessionPlan, Term, Title
from .selectors import (
    ORG_FIELDS,
    OrgRef,
    committee_on,
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


def _full_years(start: datetime.date, on: datetime.date) -> int:
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


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
            Candidate(plan, m.age(on), _full_years(m.admission_date, on), meets, reason)
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
    ids = committee_orgs_under(org, on).values("organization_id")
    pairs = set(
        positions_on(on)
        .filter(organization_id__in=ids)
        .order_by()  # DISTINCT on the pair alone, not on the ordering's start as well
        .values_list("organization_id", "title")
        .distinct()
    )
    missing, term_names = _gaps(pairs, on)
    return missing, pairs, term_names


def _gaps(pairs: set, on: datetime.date) -> tuple[set, dict]:
    """(missing, term names) of successor_gaps for the pairs in force. Two queries (none
    without pairs)."""
    if not pairs:
        return set(), {}
    org_ids = {o for o, _t in pairs}
    term_names = dict(
        Term.objects.filter(organization_id__in=org_ids, start__lte=on, end__gte=on)
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


def positions_without_successor(org: Organization, on: datetime.date):
    """(missing, in force) as MissingSuccessor rows with names and holders, sorted by name.

    Five queries: the path, the positions in force, the terms, the active plans, the
    organizations' names on `on`.
    """
    orgs = committee_orgs_under(org, on)
    holders = defaultdict(list)
    for p in seats_on(on, orgs.values("organization_id")):
        holders[(p.organization_id, p.title)].append(p)
    if not holders:
        return [], []
    missing, term_names = _gaps(set(holders), on)
    periods = {row[0]: (OrgRef(row[0], *row[2:]), row[1]) for row in orgs.values_list(*_VALUES)}
    rows = []
    for (oid, title), seats in holders.items():
        ref, name = periods[oid]
        row = MissingSuccessor(
            ref, name, title, rules.sort_positions(seats), term_names.get(oid, "")
        )
        rows.append(((oid, title), row))
    rows.sort(key=lambda kv: (sort_key(kv[1].name), rules.TITLE_ORDER.get(kv[1].title, 9), kv[0]))
    in_force = [row for _k, row in rows]
    return [row for k, row in rows if k in missing], in_force


# What the list reads of each organization: id, its name on the date, then OrgRef's fields.
_VALUES = ("organization_id", "name", *(f"organization__{f}" for f in ORG_FIELDS))
