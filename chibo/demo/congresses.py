"""The demo's congress planning (issue 12): the district's plan for the cells' 2023–2025
congresses, each cell's preparation steps before the congress day the committees' demo drew
(the cell's 2023–2025 term starts on it), and the working regulations of the cells.

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
from chibo.organizations.models import Organization

from . import data as d

PLAN_TERM = ("2023–2025", datetime.date(2023, 1, 1), d.CELL_TERM_END)
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
