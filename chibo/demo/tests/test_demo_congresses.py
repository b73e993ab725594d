"""The demo's congresses (chibo/demo/congresses.py): the article's 30 days from the district's
plan and the held dates, a plan row for every cell's 2023–2025 term, steps in order; the
2025–2030 congresses after the reorganization, planned by the new upper committees; the new
commune committees' first congresses in the province's plan, with their documents."""

import datetime
import io
import json
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max
from docx import Document

from chibo.accounts.models import User
from chibo.committees.models import Position, Term, Title
from chibo.congresses.committee_content import committee_context_for
from chibo.congresses.models import CellCongress, CongressPlan
from chibo.core import indicators
from chibo.core.models import AuditEvent
from chibo.core.vn import format_int
from chibo.demo import data as d
from chibo.organizations.models import Organization
from conftest import login_client

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _indicators(as_of: str) -> dict:
    """`chibo indicators --json` of the root on `as_of`: code -> row."""
    out = StringIO()
    call_command("indicators", "--as-of", as_of, "--json", stdout=out)
    return {r["code"]: r for r in json.loads(out.getvalue())["indicators"]}


def _indicator(as_of: str, code: str) -> dict:
    return _indicators(as_of)[code]


def test_the_district_finished_its_congresses_30_days_ahead(demo):
    row = _indicator("2023-03-31", "congress_days_ahead")
    assert (row["value"], row["of"], row["text"]) == (30, None, "30")
    plan = CongressPlan.objects.get(organization__code=d.DISTRICT[0])
    last = max(CellCongress.objects.filter(plan=plan).values_list("held_on", flat=True))
    assert (plan.deadline - last).days == 30
    # In the middle of the congresses, the share held so far.
    row = _indicator("2023-02-01", "congress_days_ahead")
    assert 0 < row["value"] < row["of"]


def test_every_cell_term_of_the_plan_has_its_congress_with_steps_in_order(demo):
    rows = CellCongress.objects.filter(plan__term_name="2023–2025").select_related("term")
    assert rows.count() == Term.objects.filter(name="2023–2025", organization__kind="cell").count()
    for r in rows:
        assert r.held_on == r.term.congress_date == r.term.start
        assert r.drafted_on < r.opinion_on < r.personnel_on <= r.scheduled_on <= r.held_on
        assert r.held_on <= r.deadline - datetime.timedelta(days=30)


def test_the_demo_cells_congress_documents_are_filled_in_under_two_seconds(demo):
    import io
    import time

    from docx import Document

    from chibo.congresses import content, documents

    rows = (
        CellCongress.objects.select_related("plan", "cell")
        .filter(cell__cell_type="residential")
        .order_by("pk")
    )
    for row in (rows.first(), rows.last()):
        for kind in ("political_report", "draft_resolution"):
            started = time.perf_counter()
            context = content.context_for(row, d.AS_OF)
            filled = documents.fill(row, kind, context, row.held_on)
            assert time.perf_counter() - started < 2
            doc = Document(io.BytesIO(filled.content))
            text = "\n".join(p.text for p in doc.paragraphs)
            assert row.cell.name in text and "2023–2025" in text
        assert int(context["so_cuoc_hop"]) > 0 and context["chi_tieu"]


def test_the_commune_sees_the_cells_that_did_not_review_their_regulations(demo):
    from chibo.congresses.selectors import regulations_under
    from chibo.organizations.models import Organization

    district = Organization.objects.get(code=d.DISTRICT[0])
    rows = regulations_under(district, d.AS_OF)
    missing = [r for r in rows if not r.reviewed_in_term]
    assert rows and 0 < len(missing) < len(rows) // 5


def test_the_2025_congresses_give_todays_province_its_days_ahead(demo):
    """Every cell of the province today held its 2025–2030 congress in July–August 2025, in the
    plan of the committee it is under since 01/07/2025 (a new commune committee; for the
    agencies' organizations their own committee or the province), which opened its 2025–2030
    term: the indicator has its figure today."""
    audit = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    built_on = audit.changes["demo"]["today"]
    cells = Organization.objects.cells().active(datetime.date.fromisoformat(built_on))
    rows = CellCongress.objects.filter(
        plan__term_name="2025–2030", cell__kind=Organization.Kind.CELL
    ).select_related("plan", "term")
    assert {r.cell_id for r in rows} == set(cells.values_list("pk", flat=True))
    for r in rows:
        assert r.plan.organization_id == r.cell.parent_id
        assert datetime.date(2025, 7, 7) <= r.held_on <= datetime.date(2025, 8, 15)
        assert r.term.name == "2025–2030" and r.term.start == r.term.congress_date == r.held_on
        assert r.drafted_on < r.opinion_on < r.personnel_on <= r.scheduled_on <= r.held_on
    last = max(r.held_on for r in rows)
    row = _indicator(built_on, "congress_days_ahead")
    assert (row["value"], row["of"]) == ((rows[0].plan.deadline - last).days, None)
    # On 01/07/2025 the new term's congresses were all ahead: none held of those planned.
    row = _indicator("2025-07-01", "congress_days_ahead")
    assert (row["value"], row["of"]) == (0, rows.count())


def test_the_2025_congresses_seat_the_committees_they_elected(demo):
    """Each 2025–2030 congress seated its committee in the new term on its day, the seats of
    2023 ending then (as congress_hold records it); most secretaries were re-elected, the
    others came from the succession plan or the cell; today's committee figures read them."""
    audit = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    built_on = datetime.date.fromisoformat(audit.changes["demo"]["today"])
    rows = CellCongress.objects.filter(
        plan__term_name="2025–2030", cell__kind=Organization.Kind.CELL
    ).select_related("term", "cell")
    new = defaultdict(list)
    for p in Position.objects.filter(term__name="2025–2030"):
        new[p.term_id].append(p)
    before = dict(
        Position.objects.filter(term__name="2023–2025", title=Title.SECRETARY)
        .in_force(datetime.date(2025, 6, 30))
        .values_list("organization_id", "member_id")
    )
    kept = 0
    for r in rows:
        seats = new[r.term_id]
        opened = {(p.organization_id, p.start, p.end) for p in seats}
        assert opened == {(r.cell_id, r.held_on, None)}
        (secretary,) = [p.member_id for p in seats if p.title == Title.SECRETARY]
        kept += secretary == before.get(r.cell_id)
        assert "-QĐ/" in seats[0].decision
    assert 0.7 * rows.count() < kept < 0.95 * rows.count()
    # The seats of 2023: ended at the congress, none held past it.
    old = Position.objects.filter(term__name="2023–2025", organization__kind="cell")
    assert not old.filter(end__isnull=True).exists()
    assert old.filter(end__gte=datetime.date(2025, 7, 7)).count() > 1000
    # Today: the committees of the cells with 9 official members and more at their congress,
    # secretaries still village heads, successors planned for the new term.
    on_the_day = _indicators(built_on.isoformat())  # the command's output, read once
    cells = on_the_day["cells_with_committee"]
    nine = on_the_day["cells_9plus_official"]
    # The village cells open today (a dozen merged into a neighbour on 01/07/2025), counted.
    open_today = Organization.objects.filter(
        kind=Organization.Kind.CELL,
        cell_type=Organization.CellType.RESIDENTIAL,
        valid_from__lte=built_on,
        valid_to__isnull=True,
    ).count()
    assert nine["value"] - 15 <= cells["value"] <= nine["value"] and cells["of"] == open_today
    heads = on_the_day["secretary_is_village_head"]
    assert heads["value"] >= 0.95 * heads["of"] and heads["of"] == open_today
    missing = on_the_day["positions_without_successor"]
    assert 0 < missing["value"] < 0.3 * missing["of"]
    theory = on_the_day["village_committee_theory_ok"]
    assert 0.9 * theory["of"] < theory["value"] <= theory["of"]


def test_the_new_commune_committees_held_their_first_congresses(demo):
    """Each of the 9 commune committees of 01/07/2025 held its 2025–2030 congress after its
    cells' (elections.py): its term opens that day with a smaller committee elected from the
    merged one, whose seats end then, the secretary in place; the province approves the
    results in the order held, numbered on from its decisions of the year."""
    from chibo.demo.elections import PROVINCE_FIRST_NUMBER
    from chibo.demo.reorganization import NEW_COMMUNES

    committees = Organization.objects.filter(code__in=[c for c, _n, _o in NEW_COMMUNES])
    terms = Term.objects.filter(organization__in=committees).order_by("start", "organization__code")
    assert [t.name for t in terms] == ["2025–2030"] * 9
    last_cell = dict(
        CellCongress.objects.filter(plan__organization__in=committees)
        .values_list("plan__organization_id")
        .annotate(last=Max("held_on"))
    )
    numbers = []
    for term in terms:
        assert term.start == term.congress_date > last_cell[term.organization_id]
        assert term.start <= datetime.date(2025, 8, 31)
        seats = Position.objects.filter(organization_id=term.organization_id)
        merged = seats.filter(start=datetime.date(2025, 7, 1), term=None)
        elected = seats.filter(term=term)
        assert not merged.exclude(end=term.start).exists()
        assert {(p.start, p.end) for p in elected} == {(term.start, None)}
        titles = Counter(elected.values_list("title", flat=True))
        assert titles[Title.SECRETARY] == 1 and titles[Title.DEPUTY_SECRETARY] == 2
        assert 18 <= elected.count() <= 0.85 * merged.count()
        before = merged.get(title=Title.SECRETARY).member_id
        assert elected.get(title=Title.SECRETARY).member_id == before
        (decision,) = set(elected.values_list("decision", flat=True))
        numbers.append(decision)
    first = PROVINCE_FIRST_NUMBER
    assert numbers == [f"Quyết định số {first + k}-QĐ/TU" for k in range(9)]
    # Each is a congress of the province's 2025–2030 plan, with its steps and the term it
    # opened; the province reads them all, the commune its own, with its documents filled
    # from the data of the term of the committees it merged.
    rows = {
        r.cell_id: r
        for r in CellCongress.objects.filter(cell__in=committees).select_related(
            "plan__organization", "term"
        )
    }
    assert len(rows) == 9
    for term in terms:
        r = rows[term.organization_id]
        assert (r.plan.organization.code, r.plan.term_name) == (d.PROVINCE[0], "2025–2030")
        assert r.is_committee and r.term == term and r.held_on == term.start <= r.deadline
        assert r.drafted_on < r.opinion_on < r.personnel_on <= r.scheduled_on <= r.held_on
    province = Organization.objects.get(code=d.PROVINCE[0])
    admin = login_client(User.objects.get(username="demo-admin"))
    body = admin.get(f"/congresses/org/{province.pk}/?as_of=31/08/2025").content.decode()
    assert all(f'href="/congresses/{r.pk}/"' in body for r in rows.values())
    nabo = committees.get(code="SL-X08")
    row = rows[nabo.pk]
    commune = login_client(User.objects.get(username="demo-commune"))
    assert commune.get(f"/congresses/{row.pk}/").status_code == 200
    r = commune.get(f"/congresses/{row.pk}/committee_report.docx")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    eve = row.held_on - datetime.timedelta(days=1)
    members = indicators.get("members").compute(nabo, eve).value
    assert r.status_code == 200 and f"; {format_int(members)} đảng viên." in text
    merged = Organization.objects.filter(events__kind="merged", events__related=nabo).values_list(
        "name", flat=True
    )
    assert len(merged) == 3 and all(name in text for name in merged)
    # The term reported on is the merged committees' 2020–2025: their admissions against the
    # targets, year by year.
    context = committee_context_for(row, eve)
    assert context["nhiem_ky_truoc"] == "2020–2025"
    assert int(context["so_ket_nap"]) > 0 and context["chi_tieu_ket_nap"] != "0"
    assert int(context["so_cuoc_hop"].replace(".", "")) > 100
