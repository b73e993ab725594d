"""A candidate's cell is dated (CandidateCell): the first row from the day they were listed, a
move ends it and opens the next, so the board "as of" a day before a move is the same after it;
the data migration builds the rows from the moves audited before them."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps

from chibo.admissions import selectors, services
from chibo.admissions.documents import paper_for
from chibo.admissions.models import Candidate, CandidateCell, Step
from chibo.core.models import AuditEvent

from .helpers import WAY, new_candidate, walk

pytestmark = pytest.mark.django_db
D = datetime.date
LISTED = D(2021, 1, 4)
MOVED = D(2023, 1, 1)


def history(candidate) -> list[tuple[int, datetime.date, datetime.date | None]]:
    return list(
        CandidateCell.objects.filter(candidate=candidate)
        .order_by("start")
        .values_list("cell_id", "start", "end")
    )


def board_rows(org, day):
    b = selectors.board(org, day)
    return (
        b.total,
        b.counts,
        [(r.candidate.pk, r.candidate.cell_name, r.progress.next_step) for r in b.rows],
    )


def test_a_new_candidate_belongs_to_their_cell_from_the_day_they_are_listed(tree):
    c = new_candidate(tree, cid="014098000301")
    assert history(c) == [(tree.cell_a.pk, LISTED, None)]


def test_the_board_before_a_move_is_the_same_after_it(tree):
    waiting = new_candidate(tree, cid="014098000302")
    walk(tree, waiting, Step.APPLICATION)
    day_before = MOVED - datetime.timedelta(days=1)
    before = {org.pk: board_rows(org, day_before) for org in (tree.cell_a, tree.cell_b)}
    before_commune = board_rows(tree.commune_a, day_before)
    assert [row[0] for row in before[tree.cell_a.pk][2]] == [waiting.pk]

    row = services.candidate_move_cell(candidate=waiting, to_cell=tree.cell_b, on=MOVED, actor=None)

    assert (row.cell_id, row.start, row.end) == (tree.cell_b.pk, MOVED, None)
    assert history(waiting) == [(tree.cell_a.pk, LISTED, MOVED), (tree.cell_b.pk, MOVED, None)]
    waiting.refresh_from_db()
    assert waiting.cell_id == tree.cell_b.pk  # the cell now
    assert {org.pk: board_rows(org, day_before) for org in (tree.cell_a, tree.cell_b)} == before
    assert board_rows(tree.commune_a, day_before) == before_commune
    # From the day of the move they are the new cell's.
    assert [r.candidate.pk for r in selectors.board(tree.cell_a, MOVED).rows] == []
    assert [r.candidate.pk for r in selectors.board(tree.cell_b, MOVED).rows] == [waiting.pk]
    # Moving them to the cell they are in changes nothing.
    again = services.candidate_move_cell(
        candidate=waiting, to_cell=tree.cell_b, on=D(2023, 2, 1), actor=None
    )
    assert again.pk == row.pk and len(history(waiting)) == 2


def test_a_move_on_or_before_the_day_they_were_listed_changes_the_one_row(tree):
    c = new_candidate(tree, cid="014098000303")
    row = services.candidate_move_cell(candidate=c, to_cell=tree.cell_b, on=LISTED, actor=None)
    assert history(c) == [(tree.cell_b.pk, LISTED, None)]
    assert row.cell_id == tree.cell_b.pk


def test_the_board_reads_the_history_in_the_same_number_of_queries(tree, django_assert_num_queries):
    for i in range(3):
        c = new_candidate(tree, f"Lò Văn {i}", cid=f"01409800031{i}")
        walk(tree, c, Step.APPLICATION)
        services.candidate_move_cell(candidate=c, to_cell=tree.cell_b, on=MOVED, actor=None)
    # The organization's path, the candidates with their cell of the day, their steps, the
    # rules and the holidays: as before the history, whatever the number of candidates.
    with django_assert_num_queries(5):
        b = selectors.board(tree.commune_a, MOVED - datetime.timedelta(days=1))
    assert b.total == 3


def test_the_data_migration_dates_each_candidate_and_reads_past_moves(tree):
    """Before the rows, candidate_move_cell moved Candidate.cell in place and audited the day:
    the migration splits the candidate's history on it."""
    migration = import_module("chibo.admissions.migrations.0003_candidate_cell_history")
    moved = new_candidate(tree, "Lò Văn Chuyển", cid="014098000304")
    stayed = new_candidate(tree, "Lò Văn Ở", cid="014098000305", cell=tree.cell_b)
    Candidate.objects.filter(pk=moved.pk).update(cell=tree.cell_b)  # as the move did
    AuditEvent.objects.create(
        action=AuditEvent.Action.TRANSFER,
        object_type="admissions.candidate",
        object_id=str(moved.pk),
        object_repr=str(moved),
        changes={"cell": [tree.cell_a.pk, tree.cell_b.pk], "on": [None, MOVED.isoformat()]},
    )
    CandidateCell.objects.all().delete()  # as before the migration

    migration.link_existing_candidates(apps, None)

    assert history(moved) == [(tree.cell_a.pk, LISTED, MOVED), (tree.cell_b.pk, MOVED, None)]
    assert history(stayed) == [(tree.cell_b.pk, LISTED, None)]


def test_a_step_dated_before_a_move_is_the_old_cells(tree):
    """A step recorded late, dated before the move: its sponsors are members of the cell the
    candidate was in that day, and the cell's resolution prints that cell's letterhead."""
    c = new_candidate(tree, cid="014098000306")
    walk(tree, c, Step.APPLICATION)
    services.candidate_move_cell(candidate=c, to_cell=tree.cell_b, on=MOVED, actor=None)
    c.refresh_from_db()
    for kind, on, number in WAY[2:5]:
        extra = {}
        if kind == Step.SPONSORS:
            extra = {"sponsor_1": tree.member_a, "sponsor_2": tree.secretary_member_a}
        services.step_record(actor=None, candidate=c, kind=kind, on=on, number=number, **extra)
    assert selectors.candidate_cell_on(c, WAY[4][1]) == tree.cell_a
    assert selectors.candidate_cell_on(c, MOVED) == tree.cell_b
    paper = paper_for(c, Step.CELL_RESOLUTION)
    assert paper.head.issuer == tree.cell_a.name
