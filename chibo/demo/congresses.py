"""The demo's congress planning (issue 12): the district's plan for the cells' 2023–2025
congresses, each cell's preparation steps before the congress day the committees' demo drew
(the cell's 2023–2025 term starts on it), and the working regulations of the cells; after the
2025 reorganization, the 2025–2030 congresses (write_congresses_2025).

The plan's deadline is data.CELL_CONGRESS_DEADLINE; the days ahead come from the held dates, so
`congress_days_ahead` reads 30 as of 31/03/2023 (the article) only because the last congress
of the committees' demo falls 30 days before it.
"""

import datetime
from random import Random

from chibo.committees.models import Term
from chibo.congresses.models import (
    CellCongress,
    CongressPlan,
    RegulationReview,
    WorkingRegulation,
)
from chibo.organizations.models import Organization, path_segment

from . import data as d
from .elections import write_committees_2025, write_commune_congresses_2025
from .reorganization import NEW_COMMUNES

PLAN_TERM = ("2023–2025", datetime.date(2023, 1, 1), d.CELL_TERM_END)
# The 2025–2030 congresses: one a term from 2025 (DOMAIN.md), held after the reorganization by
# each cell under its new upper committee, which planned them (plausible dates, not Sơn La's).
PLAN_TERM_2025 = ("2025–2030", d.CELL_TERM_END, datetime.date(2030, 7, 1))
HELD_2025 = (datetime.date(2025, 7, 7), datetime.date(2025, 8, 15))
DEADLINE_2025 = datetime.date(2025, 8, 31)
PLAN_REFERENCE = "45-KH/HU"
UNREVIEWED_SHARE = 0.08  # cells whose regulations were not reviewed after the 2023 congress


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def write_congresses(orgs: dict[str, Organization], seed: int) -> dict:
    rng = Random(f"congresses-{seed}")
    district = orgs[d.DISTRICT[0]]
    name, start, end = PLAN_TERM
    plan = CongressPlan.objects.create(
        organization=district,
        term_name=name,
        term_start=start,
        term_end=end,
        deadline=d.CELL_CONGRESS_DEADLINE,
        reference=PLAN_REFERENCE,
    )
    terms = list(
        Term.objects.filter(name=name, organization__kind=Organization.Kind.CELL)
        .order_by("organization_id")
        .values_list("pk", "organization_id", "congress_date")
    )
    rows, regulations = [], []
    for term_id, cell_id, held in terms:
        drafted = held - _days(rng.randint(35, 50))
        opinion = drafted + _days(rng.randint(7, 14))
        personnel = opinion + _days(rng.randint(2, 7))
        rows.append(
            CellCongress(
                plan=plan,
                cell_id=cell_id,
                deadline=plan.deadline,
                drafted_on=drafted,
                opinion_on=opinion,
                personnel_on=personnel,
                scheduled_on=min(personnel + _days(3), held),
                held_on=held,
                term_id=term_id,
            )
        )
        regulations.append(
            (
                WorkingRegulation(
                    cell_id=cell_id,
                    adopted_on=datetime.date(2020, 6, 1) + _days(rng.randint(0, 60)),
                    reference="01-QC/CB",
                    text="Quy chế làm việc của chi bộ nhiệm kỳ 2020–2022.",
                ),
                held,
            )
        )
    CellCongress.objects.bulk_create(rows, batch_size=1000)
    WorkingRegulation.objects.bulk_create([r for r, _ in regulations], batch_size=1000)
    reviews = [
        RegulationReview(
            regulation=r,
            reviewed_on=held + _days(rng.randint(7, 30)),
            note="Rà soát sau đại hội, giữ nguyên quy chế.",
        )
        for r, held in regulations
        if rng.random() >= UNREVIEWED_SHARE
    ]
    RegulationReview.objects.bulk_create(reviews, batch_size=1000)
    return {
        "plans": 1,
        "congresses": len(rows),
        "regulations": len(regulations),
        "reviews": len(reviews),
    }


def write_congresses_2025(
    seed: int,
    today: datetime.date,
    keep: dict[int, int],
    never: set[int],
    merged: dict[int, int] | None = None,
) -> dict:
    """The cells' 2025–2030 congresses, written once the reorganization is (the builder calls it
    after it): each upper committee of 01/07/2025 (a new commune committee; for the agencies'
    organizations their own committee or the province) plans its cells' congresses, held
    between 07/07 and 15/08/2025 (those after `today` only scheduled), each opening the cell's
    2025–2030 term and seating the committee it elected (elections.write_committees_2025;
    `keep` and `never` are its); then each new commune committee holds its first congress
    (elections.write_commune_congresses_2025), recorded in the province's plan. Its own
    generators: nothing drawn before moves. `merged`: the cells merged on 01/07/2025 (id -> the
    id of the cell they merged into), which hold none: their days are drawn all the same, where
    they would have come, so that the other cells' do not move."""
    rng = Random(f"congresses-2025-{seed}")
    name, start, end = PLAN_TERM_2025
    cells = list(
        Organization.objects.cells().active(DEADLINE_2025).select_related("parent").order_by("path")
    )
    merged = merged or {}
    into = Organization.objects.select_related("parent").in_bulk(merged.values())
    closed = list(Organization.objects.filter(pk__in=merged))
    # A merged cell where it would be had it gone on under its new commune with the others.
    drawn = sorted(
        cells + closed,
        key=lambda c: (
            into[merged[c.pk]].parent.path + path_segment(c.pk) if c.pk in merged else c.path
        ),
    )
    plans: dict[int, CongressPlan] = {}
    for cell in cells:
        upper = cell.parent
        if upper.pk not in plans:
            issuer = "TU" if upper.code == d.PROVINCE[0] else "ĐU"
            plans[upper.pk] = CongressPlan(
                organization=upper,
                term_name=name,
                term_start=start,
                term_end=end,
                deadline=DEADLINE_2025,
                reference=f"{len(plans) + 1:02d}-KH/{issuer}",
            )
    CongressPlan.objects.bulk_create(plans.values())
    first, last = HELD_2025
    terms, rows, held = [], [], []
    for cell in drawn:
        held_day = first + _days(rng.randint(0, (last - first).days))
        drafted = held_day - _days(rng.randint(35, 50))
        opinion = drafted + _days(rng.randint(7, 14))
        personnel = opinion + _days(rng.randint(2, 7))
        if cell.pk in merged:
            continue
        done = held_day <= today
        term = Term(organization=cell, name=name, start=held_day, end=end, congress_date=held_day)
        if done:
            terms.append(term)
            held.append((cell, held_day, term))
        rows.append(
            CellCongress(
                plan=plans[cell.parent_id],
                cell=cell,
                deadline=DEADLINE_2025,
                drafted_on=drafted if drafted <= today else None,
                opinion_on=opinion if opinion <= today else None,
                personnel_on=personnel if personnel <= today else None,
                scheduled_on=min(personnel + _days(3), held_day),
                held_on=held_day if done else None,
                term=term if done else None,
            )
        )
    Term.objects.bulk_create(terms, batch_size=1000)
    CellCongress.objects.bulk_create(rows, batch_size=1000)
    elected = write_committees_2025(held, seed, today, keep, never)
    # Then, once its cells have all held theirs, each new commune committee holds its first,
    # in the province's plan.
    communes = {}
    if len(held) == len(rows):
        communes = write_commune_congresses_2025(held, seed, today)
        communes["planned"] = _plan_commune_congresses(plans, seed)
    return {
        "plans": len(plans),
        "congresses": len(rows),
        "held": len(terms),
        "elected": elected,
        "communes": communes,
    }


def _plan_commune_congresses(plans: dict[int, CongressPlan], seed: int) -> int:
    """The new commune committees' first congresses (elections.write_commune_congresses_2025
    opened their 2025–2030 terms) recorded in the province's plan for 2025–2030 (the one of the
    cells directly under it, else a new one), each with its preparation steps before its day,
    as congresses.services.committee_congress_add and congress_hold record them; their
    documents are then filled from the data (congresses.committee_content)."""
    rng = Random(f"commune-congress-plan-2025-{seed}")
    name, start, end = PLAN_TERM_2025
    province = Organization.objects.get(code=d.PROVINCE[0])
    plan = plans.get(province.pk)
    if plan is None:
        plan = CongressPlan.objects.create(
            organization=province,
            term_name=name,
            term_start=start,
            term_end=end,
            deadline=DEADLINE_2025,
            reference=f"{len(plans) + 1:02d}-KH/TU",
        )
    terms = Term.objects.filter(
        organization__code__in=[c for c, _n, _o in NEW_COMMUNES], name=name
    ).order_by("organization__code")
    rows = []
    for term in terms:
        held = term.congress_date
        drafted = held - _days(rng.randint(40, 55))
        opinion = drafted + _days(rng.randint(7, 14))
        personnel = opinion + _days(rng.randint(3, 7))
        rows.append(
            CellCongress(
                plan=plan,
                cell_id=term.organization_id,
                deadline=plan.deadline,
                drafted_on=drafted,
                opinion_on=opinion,
                personnel_on=personnel,
                scheduled_on=min(personnel + _days(5), held),
                held_on=held,
                term=term,
            )
        )
    CellCongress.objects.bulk_create(rows)
    return len(rows)
