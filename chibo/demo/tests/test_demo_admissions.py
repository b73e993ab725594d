"""The demo's admissions (chibo/demo/admissions.py): the article's figures from `chibo
indicators`, candidates at every step on 31/03/2023, and rows that keep the rules the services
keep."""

import datetime
import json
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from chibo.admissions import rules, selectors
from chibo.admissions.models import AdmissionStep, AdmissionTarget, Candidate, Step
from chibo.core.models import AuditEvent
from chibo.demo import data as d
from chibo.members.models import Membership
from chibo.organizations.models import Organization, OrganizationPeriod

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
D = datetime.date


def _indicator(as_of: str, code: str) -> dict:
    out = StringIO()
    call_command("indicators", "--as-of", as_of, "--json", stdout=out)
    return {r["code"]: r for r in json.loads(out.getvalue())["indicators"]}[code]


def test_indicators_give_the_articles_admissions(demo):
    row = _indicator("2021-12-31", "admissions_year")
    assert (row["value"], row["of"], row["text"]) == (227, 200, "227/200 (113%)")
    row = _indicator("2022-12-31", "admissions_year")
    assert (row["value"], row["of"], row["text"]) == (223, 200, "223/200 (111%)")
    # Within the year, up to the date: the members admitted by then.
    assert _indicator("2022-06-30", "admissions_year")["value"] < 223


def test_targets_are_split_within_their_grassroots_target(demo):
    for year in (2021, 2022, 2023):
        rows = AdmissionTarget.objects.filter(year=year).select_related(
            "organization", "organization__parent"
        )
        grassroots = [t for t in rows if t.organization.kind == Organization.Kind.GRASSROOTS]
        cells = [t for t in rows if t.organization.kind == Organization.Kind.CELL]
        top = sum(t.value for t in rows if t not in cells or t.organization.is_grassroots_cell)
        assert top == 200, year
        # The cells' parents of that year (the communes merged on 01/07/2025).
        parent = dict(
            OrganizationPeriod.objects.filter(valid_from__lte=datetime.date(year, 6, 30))
            .exclude(valid_to__lte=datetime.date(year, 6, 30))
            .values_list("organization_id", "parent_id")
        )
        shares = defaultdict(int)
        for t in cells:
            if not t.organization.is_grassroots_cell:
                shares[parent[t.organization_id]] += t.value
        by_org = {t.organization_id: t.value for t in grassroots}
        assert all(shares[g] <= by_org[g] for g in shares)
    assert AdmissionTarget.objects.aggregate(n=Sum("value"))["n"] > 600


def test_candidates_wait_at_every_step_on_31_march_2023(demo):
    district = Organization.objects.get(code=d.DISTRICT[0])
    board = selectors.board(district, d.AS_OF)
    counts = {s: n for s, _label, n in board.counts}
    for step in rules.PIPELINE[: rules.PIPELINE.index(Step.CELL_RECOGNITION) + 1]:
        assert counts[step] > 0, step
    # Nobody admitted before 01/04/2022 is still probationary in the demo (test_demo.py): the
    # upper committee's recognition is awaited by nobody yet.
    assert counts[Step.RECOGNITION] == 0
    flags = {f for r in board.rows for f in r.progress.flags}
    assert {rules.Flag.WAITING, rules.Flag.CEREMONY_OVERDUE} <= flags
    oldest = [r.progress.waiting_since for r in board.rows]
    assert oldest == sorted(oldest)


def test_demo_steps_keep_the_rules(demo):
    by_candidate = defaultdict(dict)
    for s in AdmissionStep.objects.select_related("sponsor_1", "sponsor_2"):
        by_candidate[s.candidate_id][s.kind] = s
    candidates = Candidate.objects.select_related("member").in_bulk()
    audit = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    built_on = datetime.date.fromisoformat(audit.changes["demo"]["today"])
    assert len(candidates) > 500
    all_rules = selectors.rules_all()
    moves = _moves()
    cells_of = defaultdict(list)  # member -> (start, end, cell) of each of their memberships
    for member, start, end, cell in Membership.objects.values_list(
        "member_id", "start", "end", "cell_id"
    ):
        cells_of[member].append((start, end, cell))
    for pk, done in by_candidate.items():
        c = candidates[pk]
        kinds = [k for k in rules.PIPELINE if k in done]
        assert kinds == list(rules.PIPELINE[: len(kinds)]), pk  # no gap
        days = [done[k].on for k in kinds]
        assert days == sorted(days) and c.listed_on <= days[0] <= built_on
        for k in rules.NUMBERED:
            assert k not in done or done[k].number, (pk, k)
        if Step.SPONSORS in done:
            s = done[Step.SPONSORS]
            for sponsor in (s.sponsor_1, s.sponsor_2):
                assert sponsor.official_date <= s.on
                cell = _cell_on(c, s.on, moves)
                assert any(
                    start <= s.on and (end is None or end > s.on) and there == cell
                    for start, end, there in cells_of[sponsor.pk]
                ), (pk, sponsor.pk)
        if Step.CEREMONY in done:
            assert c.member.admission_date == done[Step.CEREMONY].on
            assert done[Step.CEREMONY].on >= done[Step.DECISION].on
        else:
            assert c.member is None
        if Step.RECOGNITION in done:
            # The demo's members are official 0-25 days after their probation (people.py), the
            # day of the decision here; the service writes the end of probation itself.
            first = rules.earliest_recognition(done, all_rules)
            assert c.member.official_date == done[Step.RECOGNITION].on >= first
            assert done[Step.RECOGNITION].on >= done[Step.CELL_RECOGNITION].on >= first


def _moves() -> dict[int, list]:
    """candidate id -> [(day, cell before, cell after)]: the moves of the candidates the 2025
    mergers took to the neighbour's cell (admissions.services.candidate_move_cell's audit)."""
    out = defaultdict(list)
    for e in AuditEvent.objects.filter(
        action=AuditEvent.Action.TRANSFER, object_type="admissions.candidate"
    ):
        before, after = e.changes["cell"]
        on = datetime.date.fromisoformat(e.changes["on"][1])
        out[int(e.object_id)].append((on, before, after))
    return out


def _cell_on(candidate, day: datetime.date, moves) -> int:
    """The candidate's cell on `day`: the one now, or the one before each move after `day`."""
    cell = candidate.cell_id
    for on, before, _after in sorted(moves.get(candidate.pk, []), reverse=True):
        if day < on:
            cell = before
    return cell


def _runs_in_order(rows) -> bool:
    """(day, number) rows of one series: numbered 1, 2… n, in the order of the days."""
    rows = sorted(rows, key=lambda r: int(r[1].split("-")[0]))
    return [int(n.split("-")[0]) for _on, n in rows] == list(range(1, len(rows) + 1)) and all(
        a[0] <= b[0] for a, b in zip(rows, rows[1:], strict=False)
    )


def test_admission_numbers_run_per_issuer_and_year_and_restart_at_the_new_committees(demo):
    """An issuer numbers what it signs in one series a year, in the order of the days: until
    30/06/2025 the district committee signs the admission and recognition decisions alike
    (…-QĐ/HU); from 01/07/2025 the new commune committees decide, each from 1 (…-QĐ/ĐU); a
    cell's two resolutions share its series (…-NQ/CB)."""
    on = datetime.date(2025, 7, 1)
    decisions = AdmissionStep.objects.filter(kind__in=[Step.DECISION, Step.RECOGNITION])
    years = sorted({d.year for d in decisions.values_list("on", flat=True)})
    assert years[0] <= 2021 and years[-1] >= 2025
    for year in years:
        before = list(decisions.filter(on__year=year, on__lt=on).values_list("on", "number"))
        if year <= 2025:
            assert before and all(n.endswith("-QĐ/HU") for _d, n in before), year
            assert _runs_in_order(before), year
    by_issuer = defaultdict(list)
    for day, number, commune in decisions.filter(
        on__gte=on, candidate__cell__parent__code__startswith="SL-X"
    ).values_list("on", "number", "candidate__cell__parent__code"):
        assert number.endswith("-QĐ/ĐU"), number
        by_issuer[(commune, day.year)].append((day, number))
    assert len(by_issuer) > 1
    for key, rows in by_issuer.items():
        assert _runs_in_order(rows), key
    by_cell = defaultdict(list)
    moves = _moves()
    for step in AdmissionStep.objects.filter(
        kind__in=[Step.CELL_RESOLUTION, Step.CELL_RECOGNITION]
    ).select_related("candidate"):
        cell = _cell_on(step.candidate, step.on, moves)
        by_cell[(cell, step.on.year)].append((step.on, step.number))
    assert any(len(rows) > 2 for rows in by_cell.values())
    for key, rows in by_cell.items():
        assert _runs_in_order(rows), key
