"""The demo's admissions: the yearly targets the article's figures are measured against, the
admission records of the members admitted since 2021, and candidates at every step of the way
in on 31/03/2023.

Targets: the district gives each grassroots organization its share of 200 a year, in January,
in proportion to what it admitted that year (largest remainders), and each commune splits its
share to its cells the same way; chibo counts the admissions from the members' dated records, so
`admissions_year` reads 227/200 on 31/12/2021 and 223/200 on 31/12/2022 from these rows and the
members, not from a figure written here.

Rows are bulk-written, as the rest of the demo (builder.py), in the shapes the services write:
steps in order with a date and a number, the ceremony on the member's admission day, the
recognition on their official day.
"""

import datetime
import random
from collections import Counter, defaultdict

from chibo.admissions.models import (
    AdmissionStep,
    AdmissionTarget,
    Candidate,
    CandidateCell,
    Step,
)
from chibo.admissions.rules import PIPELINE
from chibo.members.rules import add_months
from chibo.organizations.models import Organization

from . import data as d
from .mergers import closing_cells
from .reorganization import ON as REORGANIZED_ON
from .reorganization import issuer_on
from .rows import insert_objects

D = datetime.date
TARGETS = {2021: 200, 2022: 200, 2023: 200}  # the district's yearly target (the article)
TARGET_DECIDED = {2021: D(2021, 1, 15), 2022: D(2022, 1, 14), 2023: D(2023, 1, 16)}
SPLIT_DECIDED = {2021: D(2021, 1, 25), 2022: D(2022, 1, 24), 2023: D(2023, 1, 30)}
LATER_TARGET = 200  # each year after 2023 (decided mid-January, split late January)
# Candidates on the way in on 31/03/2023, by the step they wait for (weights per cell drawn).
WAITING = {
    Step.COURSE: 40,
    Step.APPLICATION: 30,
    Step.SPONSORS: 24,
    Step.MASS_ORG: 20,
    Step.CELL_RESOLUTION: 22,
    Step.GRASSROOTS_RESOLUTION: 16,
    Step.DECISION: 14,
    Step.CEREMONY: 12,
}
OCCUPATIONS = ("Làm nông nghiệp", "Giáo viên", "Y sĩ", "Công an xã", "Dân quân", "Buôn bán")


def _grassroots_of(org: Organization) -> Organization | None:
    """The grassroots organization (or grassroots cell) `org` belongs to."""
    node = org
    while node is not None:
        parent = node.parent
        if node.kind == Organization.Kind.GRASSROOTS:
            return node
        if node.kind == Organization.Kind.CELL and parent is not None and parent.is_upper_committee:
            return node
        node = parent
    return None


def _shares(total: int, weights: dict) -> dict:
    """`total` split in proportion to `weights` (largest remainders; ties by key)."""
    whole = sum(weights.values())
    if not whole:
        return {}
    exact = {k: total * w / whole for k, w in weights.items()}
    shares = {k: int(v) for k, v in exact.items()}
    left = total - sum(shares.values())
    for k in sorted(exact, key=lambda k: (shares[k] - exact[k], str(k)))[:left]:
        shares[k] += 1
    return shares


def _target_years(today) -> dict[int, tuple]:
    """year -> (target, decided on, split on): the article's years, then each year to today's
    (its target decided by then)."""
    out = {y: (TARGETS[y], TARGET_DECIDED[y], SPLIT_DECIDED[y]) for y in TARGETS}
    for year in range(max(TARGETS) + 1, (today or d.AS_OF).year + 1):
        decided, split = D(year, 1, 15), D(year, 1, 27)
        if decided <= today:
            out[year] = (LATER_TARGET, decided, split)
    return out


def _targets(plan, orgs, today=None) -> list[AdmissionTarget]:
    """The yearly targets, shared in proportion to the year's admissions; those of 2023 to
    what was admitted by 31/03/2023 (the targets of that day are the article's, whatever came
    later)."""
    per_year: dict[int, Counter] = defaultdict(Counter)
    per_cell: dict[int, Counter] = defaultdict(Counter)
    years = _target_years(today)
    for m in plan.members:
        year = m.admission_date.year
        if year == max(TARGETS) and m.admission_date > d.AS_OF:
            continue
        if year in years:
            cell = orgs[m.cell]
            grassroots = _grassroots_of(cell)
            per_year[year][grassroots.code] += 1
            per_cell[year][cell.code] += 1
    grassroots = [o for o in orgs.values() if _grassroots_of(o) is o and o.valid_to is None]
    # The cells merged on 01/07/2025 (Plan.mergers) have no share in the years after.
    merged = {m.cell for m in plan.mergers}
    rows = []
    for year, (total, decided_on, split_on) in years.items():
        # Every grassroots organization gets a share (at least what it admitted, roughly);
        # the year's admissions weigh it, with one for those that admitted nobody.
        weights = {g.code: per_year[year][g.code] or 1 for g in grassroots}
        shares = _shares(total, weights)
        for g in grassroots:
            rows.append(
                AdmissionTarget(
                    organization=g,
                    year=year,
                    value=shares[g.code],
                    decided_on=decided_on,
                    number=f"{10 + year % 10}-QĐ/HU",
                )
            )
            if not g.is_commune:
                continue
            cells = [
                o
                for o in orgs.values()
                if o.parent_id == g.pk
                and o.kind == Organization.Kind.CELL
                and o.valid_to is None
                and not (year > REORGANIZED_ON.year and o.code in merged)
            ]
            cell_shares = _shares(shares[g.code], {c.code: per_cell[year][c.code] for c in cells})
            rows += [
                AdmissionTarget(
                    organization=c,
                    year=year,
                    value=cell_shares.get(c.code, 0),
                    decided_on=split_on,
                    number=f"{year % 100:02d}-QĐ/ĐU",
                )
                for c in cells
                if cell_shares.get(c.code)
            ]
    return rows


def _memberships_by_cell(plan, member_ids) -> dict[str, list]:
    """cell code -> [(member id, official date, start, end)] of every membership in it."""
    by_cell = defaultdict(list)
    for spec, pk in zip(plan.members, member_ids, strict=True):
        for ms in spec.memberships:
            by_cell[ms.cell].append((pk, spec.official_date, ms.start, ms.end))
    return by_cell


# The series a step's document is numbered in, by its kind (steps without a document: none).
SERIES = {
    Step.COURSE: "GCN",
    Step.CELL_RESOLUTION: "NQ",
    Step.CELL_RECOGNITION: "NQ",
    Step.GRASSROOTS_RESOLUTION: "NQ",
    Step.DECISION: "QĐ",
    Step.RECOGNITION: "QĐ",
}


def _format(kind: str, n: int, on: datetime.date, issuer: str) -> str:
    if kind == Step.COURSE:
        return f"{n:03d}-GCN/TTCT"
    if kind in (Step.CELL_RESOLUTION, Step.CELL_RECOGNITION):
        return f"{n:02d}-NQ/CB"
    if kind == Step.GRASSROOTS_RESOLUTION:
        return f"{n:02d}-NQ/ĐU"
    upper = "HU" if issuer == d.DISTRICT[0] else "TU" if issuer == d.PROVINCE[0] else "ĐU"
    return f"{n}-QĐ/{upper}"


class _Writer:
    def __init__(self, plan, orgs, member_ids, rng):
        self.plan, self.orgs, self.member_ids, self.rng = plan, orgs, member_ids, rng
        self.candidates: list[Candidate] = []
        self.steps: list[list[AdmissionStep]] = []
        self.by_cell = _memberships_by_cell(plan, member_ids)
        self.closing = closing_cells(plan.mergers)

    def issuer(self, kind: str, on: datetime.date, cell: Organization, upper_code: str) -> str:
        """The code of the organization that signs a step's document: the cell its own
        resolutions (from 01/07/2025 the neighbour's cell for a cell that merged into it); the
        grassroots committee over it its resolution; the district committee the admission and
        recognition decisions and the course's certificates (its political centre) until it
        ended on 30/06/2025; from 01/07/2025 the new commune committees decide (the province for
        the organizations that passed to it: reorganization.issuer_on)."""
        if kind in (Step.CELL_RESOLUTION, Step.CELL_RECOGNITION):
            return self.closing.get(cell.code, cell.code) if on >= REORGANIZED_ON else cell.code
        if kind == Step.GRASSROOTS_RESOLUTION:
            return issuer_on(upper_code, on)
        if kind == Step.COURSE:
            return issuer_on(d.DISTRICT[0], on)
        return d.DISTRICT[0] if on < REORGANIZED_ON else issuer_on(upper_code, on)

    def number_steps(self) -> None:
        """Each step's document number: one series per issuer, kind of document (NQ, QĐ, GCN)
        and year, in the order of the days, as a register numbers what it signs: the district's
        admission and recognition decisions share one series (1-QĐ/HU, 2-QĐ/HU…), a cell's two
        resolutions another, and the series restart at the new commune committees on
        01/07/2025."""
        series = defaultdict(list)
        for c, steps in enumerate(self.steps):
            for i, step in enumerate(steps):
                kind_of = SERIES.get(step.kind)
                if kind_of is not None:
                    series[(kind_of, step.on.year, step._issuer)].append((step.on, c, i, step))
        for (_series, _year, issuer), rows in series.items():
            rows.sort(key=lambda r: r[:3])
            for n, (on, _c, _i, step) in enumerate(rows, 1):
                step.number = _format(step.kind, n, on, issuer)

    def sponsors(self, cell_code: str, on: datetime.date):
        # the official members of the cell on `on` (a membership open then)
        pool = sorted(
            {
                pk
                for pk, official, start, end in self.by_cell[cell_code]
                if official is not None
                and official <= on
                and start <= on
                and (end is None or on < end)
            }
        )
        if len(pool) < 2:
            return None, None
        a, b = self.rng.sample(pool, 2)
        return a, b

    def way_back(self, ceremony: datetime.date) -> dict:
        """Dates of the steps before a ceremony, going back as an org board would see them."""
        rng = self.rng
        dates = {Step.CEREMONY: ceremony}
        gaps = [
            (Step.DECISION, 8, 30),
            (Step.GRASSROOTS_RESOLUTION, 7, 25),
            (Step.CELL_RESOLUTION, 7, 30),
            (Step.MASS_ORG, 3, 15),
            (Step.SPONSORS, 5, 20),
            (Step.APPLICATION, 5, 20),
            (Step.COURSE, 20, 120),
        ]
        day = ceremony
        for kind, lo, hi in gaps:
            day -= datetime.timedelta(days=rng.randint(lo, hi))
            dates[kind] = day
        dates["listed"] = day - datetime.timedelta(days=rng.randint(30, 120))
        return dates

    def add(self, *, cell_code, person: dict, dates: dict, member_id=None):
        cell = self.orgs[cell_code]
        upper = cell.parent
        issuer_upper = upper.code if upper else ""
        candidate = Candidate(cell=cell, listed_on=dates["listed"], member_id=member_id, **person)
        steps = []
        for kind in [*PIPELINE, Step.EXTENSION]:
            on = dates.get(kind)
            if on is None:
                continue
            step = AdmissionStep(kind=kind, on=on)
            step._issuer = self.issuer(kind, on, cell, issuer_upper)
            if kind == Step.SPONSORS:
                step.sponsor_1_id, step.sponsor_2_id = self.sponsors(cell_code, on)
                if step.sponsor_1_id is None:
                    break  # a cell without two official members: the way stops here
            if kind == Step.MASS_ORG:
                step.issuer = self.rng.choice(
                    ("Đoàn Thanh niên", "Hội Phụ nữ", "Hội Nông dân", "Hội Cựu chiến binh")
                )
            steps.append(step)
        self.candidates.append(candidate)
        self.steps.append(steps)

    def write(self) -> int:
        self.number_steps()
        Candidate.objects.bulk_create(self.candidates, batch_size=1000)
        # Each candidate's cell from the day they were listed (the 2025 moves through the
        # reorganization tool end it and open the next).
        insert_objects(
            CandidateCell,
            [CandidateCell(candidate=c, cell=c.cell, start=c.listed_on) for c in self.candidates],
        )
        rows = []
        for candidate, steps in zip(self.candidates, self.steps, strict=True):
            for step in steps:
                step.candidate = candidate
                rows.append(step)
        return insert_objects(AdmissionStep, rows)


def _person(spec) -> dict:
    return {
        "full_name": spec.full_name,
        "sex": spec.sex,
        "birth_date": spec.birth_date,
        "ethnicity": spec.ethnicity,
        "religion": spec.religion,
        "occupation": spec.occupation,
        "education": spec.education,
        "qualification": spec.qualification,
        "hometown": spec.hometown,
        "residence": spec.residence,
        "citizen_id": spec.citizen_id or None,
    }


def _admitted(writer: _Writer, members: slice, today=d.AS_OF):
    """The admission records of the members admitted since 2021 (of the plan's `members`), up
    to their recognition (by `today`)."""
    rng = writer.rng
    for spec, pk in zip(writer.plan.members[members], writer.member_ids[members], strict=True):
        if spec.admission_date < D(2021, 1, 1):
            continue
        admitted_in = spec.memberships[0]
        if admitted_in.start != spec.admission_date:
            continue  # came from outside the district: admitted elsewhere
        dates = writer.way_back(spec.admission_date)
        official = spec.official_date
        # An article member made official after 31/03/2023: the records of that day are drawn
        # as if they were still probationary, their recognition from a generator of its own.
        later = today <= d.AS_OF and official is not None and official > d.AS_OF
        end = add_months(spec.admission_date, 12)
        if official is not None and not later:
            dates[Step.RECOGNITION] = official
            dates[Step.CELL_RECOGNITION] = max(
                end, official - datetime.timedelta(days=rng.randint(0, 12))
            )
        elif end <= today and rng.random() < 0.5:
            # probation over, the cell has met: the upper committee's decision is awaited
            dates[Step.CELL_RECOGNITION] = end
        if later:
            dates[Step.RECOGNITION] = official
            dates[Step.CELL_RECOGNITION] = max(
                end, official - datetime.timedelta(days=writer.later_rng.randint(0, 12))
            )
        writer.add(cell_code=admitted_in.cell, person=_person(spec), dates=dates, member_id=pk)


def _waiting(writer: _Writer):
    """Candidates on the way in on 31/03/2023, each waiting at one step, some for long."""
    rng = writer.rng
    cells = [
        o.code
        for o in writer.orgs.values()
        if o.kind == Organization.Kind.CELL and o.valid_to is None
    ]
    kinds, weights = list(WAITING), list(WAITING.values())
    pipeline = list(PIPELINE)
    names = d.NAMES
    for i in range(sum(WAITING.values())):
        waiting_for = rng.choices(kinds, weights=weights)[0]
        cell_code = rng.choice(cells)
        ethnicity = rng.choices(list(names), weights=[6, 3, 2, 1, 1, 1, 1, 1][: len(names)])[0]
        families, male_mid, female_mid, male, female = names[ethnicity]
        sex = "female" if rng.random() < 0.45 else "male"
        given = rng.choice(female if sex == "female" else male)
        middle = rng.choice(female_mid if sex == "female" else male_mid)
        age = rng.randint(19, 35)
        person = {
            "full_name": f"{rng.choice(families)} {middle} {given}",
            "sex": sex,
            "birth_date": D(d.AS_OF.year - age, rng.randint(1, 12), rng.randint(1, 28)),
            "ethnicity": ethnicity,
            "religion": "Không",
            "occupation": rng.choice(OCCUPATIONS),
            "education": rng.choice(("9/12", "12/12", "12/12")),
        }
        # The last step recorded: before the one waited for; recorded 1 to 150 days ago (a few
        # waited longer than the 3-month alert), the earlier ones before it.
        done = pipeline[: pipeline.index(waiting_for)]
        ago = rng.choice((5, 12, 20, 35, 50, 70, 100, 130))
        if waiting_for == Step.CEREMONY:
            # within the 30 working days, but one in three overdue
            ago = rng.randint(50, 70) if i % 3 == 0 else rng.randint(3, 30)
        last = d.AS_OF - datetime.timedelta(days=ago)
        dates = writer.way_back(last + datetime.timedelta(days=20))
        shift = last - dates[done[-1]] if done else datetime.timedelta(0)
        kept = {k: v + shift for k, v in dates.items() if k in done}
        kept["listed"] = (dates["listed"] + shift) if done else last
        writer.add(cell_code=cell_code, person=person, dates=kept)


def write_admissions(
    plan, orgs: dict[str, Organization], member_ids: list[int], today=None
) -> dict:
    """Write the demo's targets, admission records and candidates; what was written, counted.
    The records of the members admitted after 31/03/2023 come last, from a generator of their
    own."""
    rng = random.Random(plan.seed * 31 + 11)
    targets = AdmissionTarget.objects.bulk_create(_targets(plan, orgs, today), batch_size=1000)
    writer = _Writer(plan, orgs, member_ids, rng)
    writer.later_rng = random.Random(f"{plan.seed}:admissions:recognitions")
    article = plan.article if plan.article is not None else len(plan.members)
    _admitted(writer, slice(0, article))
    _waiting(writer)
    if article < len(plan.members):
        writer.rng = random.Random(f"{plan.seed}:admissions:later")
        _admitted(writer, slice(article, None), today)
    steps = writer.write()
    return {"targets": len(targets), "candidates": len(writer.candidates), "steps": steps}
