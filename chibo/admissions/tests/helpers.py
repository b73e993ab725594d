"""A candidate taken step by step, for the tests of the admission app."""

import datetime

from chibo.admissions import services
from chibo.admissions.models import Step

D = datetime.date

# The way of one candidate of cell A, admitted in April 2021 and official from April 2022.
WAY = [
    (Step.COURSE, D(2021, 1, 20), "12/GCN"),
    (Step.APPLICATION, D(2021, 2, 1), ""),
    (Step.SPONSORS, D(2021, 2, 10), ""),
    (Step.MASS_ORG, D(2021, 2, 15), ""),
    (Step.CELL_RESOLUTION, D(2021, 3, 1), "05-NQ/CB"),
    (Step.GRASSROOTS_RESOLUTION, D(2021, 3, 10), "20-NQ/ĐU"),
    (Step.DECISION, D(2021, 3, 22), "100-QĐ/HU"),
    (Step.CEREMONY, D(2021, 4, 5), ""),
    (Step.CELL_RECOGNITION, D(2022, 4, 5), "07-NQ/CB"),
    (Step.RECOGNITION, D(2022, 4, 15), "210-QĐ/HU"),
]


def new_candidate(tree, name="Lường Văn Mới", cid=None, cell=None):
    return services.candidate_create(
        actor=None,
        cell=cell or tree.cell_a,
        listed_on=D(2021, 1, 4),
        full_name=name,
        sex="male",
        birth_date=D(1998, 5, 1),
        ethnicity="Thái",
        citizen_id=cid,
    )


def walk(tree, candidate, until: str):
    """Record the steps of WAY up to `until` (included)."""
    for kind, on, number in WAY:
        extra = {}
        if kind == Step.SPONSORS:
            extra = {"sponsor_1": tree.member_a, "sponsor_2": tree.secretary_member_a}
        services.step_record(
            actor=None, candidate=candidate, kind=kind, on=on, number=number, **extra
        )
        if kind == until:
            return
