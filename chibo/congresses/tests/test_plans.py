"""Congress planning: a plan's cells, the preparation steps in order, the congress held opening
the cell's term and seating its committee, the indicator from the plan's deadline and the held
dates; refused writes write nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chibo.committees.models import Position, Term
from chibo.congresses import services
from chibo.congresses.indicators import congress_days_ahead
from chibo.congresses.models import CellCongress, CongressPlan
from chibo.core.models import AuditEvent
from chibo.core.tests.indicator_batch import assert_batch_agrees

pytestmark = pytest.mark.django_db
D = datetime.date


def make_plan(org, **kw):
    args = dict(
        organization=org,
        term_name="2023–2025",
        term_start=D(2023, 1, 1),
        term_end=D(2025, 7, 1),
        deadline=D(2023, 3, 31),
        reference="45-KH/HU",
        actor=None,
    )
    args.update(kw)
    return services.plan_create(**args)


def test_a_plan_has_a_row_per_cell_and_a_commune_plan_keeps_its_cells(tree):
    commune_plan = make_plan(tree.commune_a, deadline=D(2023, 3, 15))
    assert {c.cell for c in commune_plan.cells.all()} == {tree.cell_a, tree.cell_a2}
    assert {c.deadline for c in commune_plan.cells.all()} == {D(2023, 3, 15)}
    district_plan = make_plan(tree.district)
    assert [c.cell for c in district_plan.cells.all()] == [tree.cell_b]
    assert AuditEvent.objects.filter(object_type="congresses.congressplan").count() == 2


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"deadline": D(2025, 7, 1)}, "deadline"),
        ({"term_end": D(2022, 1, 1)}, "term_end"),
        ({"term_name": "  "}, "term_name"),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_written(tree, kw, field):
    with pytest.raises(ValidationError) as e:
        make_plan(tree.district, **kw)
    assert field in e.value.message_dict
    assert not CongressPlan.objects.exists() and not CellCongress.objects.exists()


def test_a_second_plan_for_the_term_and_a_plan_by_a_cell_are_refused(tree):
    make_plan(tree.district)
    with pytest.raises(ValidationError, match="Đã có kế hoạch"):
        make_plan(tree.district, term_start=D(2023, 2, 1))
    with pytest.raises(ValidationError, match="cấp ủy cấp trên"):
        make_plan(tree.cell_a)
    assert CongressPlan.objects.count() == 1


def test_steps_come_in_order(tree):
    plan = make_plan(tree.commune_a)
    row = plan.cells.get(cell=tree.cell_a)
    row = services.congress_update(
        congress=row, drafted_on=D(2023, 1, 10), opinion_on=D(2023, 1, 20), actor=None
    )
    assert row.step == "opinion"
    with pytest.raises(ValidationError) as e:
        services.congress_update(congress=row, personnel_on=D(2023, 1, 15), actor=None)
    assert "personnel_on" in e.value.message_dict
    row.refresh_from_db()
    assert row.personnel_on is None and row.opinion_on == D(2023, 1, 20)
    with pytest.raises(ValidationError):
        services.congress_update(congress=row, deadline=D(2026, 1, 1), actor=None)


def test_the_congress_held_opens_the_term_and_seats_the_committee(tree):
    plan = make_plan(tree.commune_a)
    row = plan.cells.get(cell=tree.cell_a)
    old = Term.objects.create(
        organization=tree.cell_a, name="2020–2022", start=D(2020, 4, 1), end=D(2023, 7, 1)
    )
    services.congress_hold(
        congress=row,
        held_on=D(2023, 2, 20),
        secretary=tree.secretary_member_a,
        deputy=tree.member_a,
        actor=None,
    )
    row.refresh_from_db()
    old.refresh_from_db()
    assert old.end == D(2023, 2, 20)
    term = row.term
    assert (term.name, term.start, term.end, term.congress_date) == (
        "2023–2025",
        D(2023, 2, 20),
        D(2025, 7, 1),
        D(2023, 2, 20),
    )
    seats = Position.objects.filter(term=term).order_by("title")
    assert {(p.member, p.title) for p in seats} == {
        (tree.secretary_member_a, "secretary"),
        (tree.member_a, "deputy_secretary"),
    }
    with pytest.raises(ValidationError, match="đã được ghi"):
        services.congress_hold(
            congress=row, held_on=D(2023, 3, 1), secretary=tree.member_a, actor=None
        )
    assert Position.objects.filter(organization=tree.cell_a).count() == 2


def test_a_congress_outside_the_term_or_with_a_bad_committee_writes_nothing(tree):
    plan = make_plan(tree.commune_a)
    row = plan.cells.get(cell=tree.cell_a)
    with pytest.raises(ValidationError, match="trong nhiệm kỳ"):
        services.congress_hold(
            congress=row, held_on=D(2022, 12, 1), secretary=tree.member_a, actor=None
        )
    with pytest.raises(ValidationError):
        services.congress_hold(
            congress=row,
            held_on=D(2023, 2, 1),
            secretary=tree.member_a,
            deputy=tree.member_a,
            actor=None,
        )
    row.refresh_from_db()
    assert row.held_on is None and row.term is None
    assert not Term.objects.filter(organization=tree.cell_a).exists()


def test_days_ahead_reads_the_deadline_and_the_last_congress(tree):
    plan = make_plan(tree.commune_a)
    a = plan.cells.get(cell=tree.cell_a)
    a2 = plan.cells.get(cell=tree.cell_a2)
    CellCongress.objects.filter(pk=a.pk).update(held_on=D(2023, 2, 10))
    CellCongress.objects.filter(pk=a2.pk).update(held_on=D(2023, 3, 1))
    # Before the second congress: one of two held.
    v = congress_days_ahead(tree.commune_a, D(2023, 2, 20))
    assert (v.value, v.of) == (1, 2)
    v = congress_days_ahead(tree.commune_a, D(2023, 3, 31))
    assert (v.value, v.of, v.text) == (30, None, "30")
    # The cell alone, and the commune B with no plan ('—').
    assert congress_days_ahead(tree.cell_a, D(2023, 3, 31)).value == 49  # from 10/02
    assert congress_days_ahead(tree.commune_b, D(2023, 3, 31)).text == "—"
    # Another term: the plan is not in force.
    assert congress_days_ahead(tree.commune_a, D(2022, 12, 31)).text == "—"
    # compute_many reads every organization's congresses at once
    assert_batch_agrees(
        tree, [D(2022, 12, 31), D(2023, 2, 20), D(2023, 3, 31)], ["congress_days_ahead"]
    )


def test_a_template_cannot_reach_python():
    import io

    from docx import Document

    from chibo.congresses import documents
    from chibo.congresses.defaults import default_template

    doc = Document(io.BytesIO(default_template("draft_resolution")))
    doc.add_paragraph("{{ chi_bo.__class__.__mro__ }}")
    out = io.BytesIO()
    doc.save(out)
    with pytest.raises(documents.TemplateProblem) as e:
        documents.check_template(out.getvalue())
    assert e.value.messages == [f"Mẫu không được dùng “__class__” (ở đoạn {len(doc.paragraphs)})."]
