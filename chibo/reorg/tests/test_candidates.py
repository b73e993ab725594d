"""The candidates on the way in of a cell merged or split: the preview names them and where
they go, applying moves them (their steps kept), the undo moves them back unless a step was
taken in the new cell since."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chibo.accounts.models import RoleAssignment
from chibo.admissions.models import AdmissionStep, Candidate, CandidateCell, Step
from chibo.admissions.selectors import board
from chibo.admissions.tests.helpers import new_candidate, walk
from chibo.core.models import AuditEvent
from chibo.organizations.models import Organization, Village
from chibo.reorg import selectors, services
from conftest import shared

ON = datetime.date(2027, 1, 1)
TODAY = datetime.date(2026, 12, 1)
SPLIT_PARTS = [{"code": "S1", "name": "Chi bộ Áng 1"}, {"code": "S2", "name": "Chi bộ Áng 2"}]


@shared
def candidates(tree):
    """Cell A: one waiting for the sponsors, one on probation (admitted in 2021, its member
    record in cell A), one official since 2022 (no longer on the way in); cell A2: one listed,
    no step yet."""
    waiting = new_candidate(tree, "Lường Văn Chờ", cid="014099000001")
    walk(tree, waiting, Step.APPLICATION)
    probation = new_candidate(tree, "Cầm Thị Dự", cid="014099000002")
    walk(tree, probation, Step.CEREMONY)
    official = new_candidate(tree, "Quàng Văn Xong", cid="014099000003")
    walk(tree, official, Step.RECOGNITION)
    listed = new_candidate(tree, "Lò Văn Mới", cid="014099000004", cell=tree.cell_a2)
    return {"waiting": waiting, "probation": probation, "official": official, "listed": listed}


def merge_cells(tree, admin):
    return services.reorg_draft(
        kind="merge",
        sources=[tree.cell_a, tree.cell_a2],
        parts=[{"code": "XA-09", "name": "Chi bộ bản Áng Đông"}],
        on=ON,
        actor=admin,
    )


def boards_of(org, day):
    b = board(org, day)
    return b.counts, sorted((r.candidate.pk, r.candidate.cell_name) for r in b.rows)


def cells_of(candidates: dict) -> dict[str, int]:
    pks = {key: c.pk for key, c in candidates.items()}
    cell_of = dict(Candidate.objects.filter(pk__in=pks.values()).values_list("pk", "cell_id"))
    return {key: cell_of[pk] for key, pk in pks.items()}


@pytest.mark.django_db
def test_a_merger_moves_the_candidates_on_the_way_in_and_the_undo_moves_them_back(
    tree, personas, candidates
):
    admin = personas["admin"]
    plan = merge_cells(tree, admin)
    p = selectors.preview(plan, today=TODAY)
    assert p.ok, p.conflicts
    moves = [(m.label, m.source.name, p.target_name(m)) for m in p.moves if m.what == "candidate"]
    # The official one is no longer on the way in: they stay where they were admitted.
    assert moves == [  # by given name: Chờ, Dự, Mới
        ("Lường Văn Chờ", tree.cell_a.name, "Chi bộ bản Áng Đông"),
        ("Cầm Thị Dự", tree.cell_a.name, "Chi bộ bản Áng Đông"),
        ("Lò Văn Mới", tree.cell_a2.name, "Chi bộ bản Áng Đông"),
    ]
    assert p.counts()["candidate"] == 3
    before = cells_of(candidates)
    steps = list(AdmissionStep.objects.order_by("pk").values_list("pk", "candidate_id", "kind"))
    history = list(
        CandidateCell.objects.order_by("pk").values_list("pk", "cell_id", "start", "end")
    )
    eve = ON - datetime.timedelta(days=1)
    boards = {org.pk: boards_of(org, eve) for org in (tree.cell_a, tree.cell_a2, tree.commune_a)}
    assert sum(len(b[1]) for b in boards.values()) == 6  # 3 in their cells, 3 in the commune

    services.reorg_apply(reorganization=plan, actor=admin, today=ON)

    new = Organization.objects.get(code="XA-09")
    after = cells_of(candidates)
    assert after == {**before, "waiting": new.pk, "probation": new.pk, "listed": new.pk}
    assert after["official"] == tree.cell_a.pk
    # Their way so far stays theirs, as recorded.
    assert list(AdmissionStep.objects.order_by("pk").values_list("pk", "candidate_id", "kind")) == (
        steps
    )
    moved = AuditEvent.objects.filter(
        object_type="admissions.candidate", action=AuditEvent.Action.TRANSFER
    )
    assert sorted(e.changes["cell"][1] for e in moved) == [new.pk] * 3
    assert {e.changes["on"][1] for e in moved} == {ON.isoformat()}
    assert services.dependents(plan) == []
    # The boards of the day before are the same: each candidate's cell of that day is dated.
    for org in (tree.cell_a, tree.cell_a2, tree.commune_a):
        assert boards_of(org, eve) == boards[org.pk], org
    assert sorted(r.candidate.pk for r in board(new, ON).rows) == sorted(
        candidates[k].pk for k in ("waiting", "probation", "listed")
    )
    ended = CandidateCell.objects.filter(end=ON).values_list("candidate_id", flat=True)
    assert sorted(ended) == sorted(candidates[k].pk for k in ("waiting", "probation", "listed"))

    services.reorg_undo(reorganization=plan, actor=admin)

    assert cells_of(candidates) == before
    assert (
        list(CandidateCell.objects.order_by("pk").values_list("pk", "cell_id", "start", "end"))
        == history
    )
    assert not Organization.objects.filter(code="XA-09").exists()


@pytest.mark.django_db
def test_a_split_sends_each_candidate_where_the_plan_says_or_with_their_member(
    tree, personas, candidates
):
    admin = personas["admin"]
    probation = candidates["probation"]
    chosen = {
        f"member:{m}": 0
        for m in [tree.member_a.pk, tree.secretary_member_a.pk, candidates["official"].member_id]
    }
    chosen[f"member:{probation.member_id}"] = 1
    official = RoleAssignment.objects.get(user=personas["official"])
    chosen[f"role:{official.pk}"] = 0
    chosen[f"village:{Village.objects.get(code='V-A1').pk}"] = 0
    plan = services.reorg_draft(
        kind="split",
        sources=[tree.cell_a],
        parts=SPLIT_PARTS,
        on=ON,
        actor=admin,
        choices={"parts": chosen},
    )
    p = selectors.preview(plan, today=TODAY)
    # The one on probation goes with their member record; the one waiting, nowhere yet.
    parts = {m.label: m.part for m in p.moves if m.what == "candidate"}
    assert parts == {"Cầm Thị Dự": 1, "Lường Văn Chờ": None}
    assert "Quần chúng Lường Văn Chờ chưa được phân về tổ chức mới." in p.conflicts
    with pytest.raises(ValidationError, match="Lường Văn Chờ chưa được phân"):
        services.reorg_apply(reorganization=plan, actor=admin, today=ON)
    assert cells_of(candidates)["waiting"] == tree.cell_a.pk

    waiting = f"candidate:{candidates['waiting'].pk}"
    plan = services.reorg_draft_update(
        reorganization=plan, actor=admin, choices={"parts": {**chosen, waiting: 1}}
    )
    services.reorg_apply(reorganization=plan, actor=admin, today=ON)
    s2 = Organization.objects.get(code="S2")
    after = cells_of(candidates)
    assert (after["waiting"], after["probation"]) == (s2.pk, s2.pk)
    probation.member.refresh_from_db()
    assert probation.member.cell_id == s2.pk


@pytest.mark.django_db
def test_a_step_taken_in_the_new_cell_stops_the_undo(tree, personas, candidates):
    admin = personas["admin"]
    plan = services.reorganize(
        kind="merge", sources=[tree.cell_a2], into=tree.cell_a, on=ON, actor=admin, today=ON
    )
    listed = candidates["listed"]
    assert cells_of(candidates)["listed"] == tree.cell_a.pk
    # The course certificate, a month after the merger: a step of cell A's.
    AdmissionStep.objects.create(
        candidate=listed, kind=Step.COURSE, on=datetime.date(2027, 2, 1), number="30/GCN"
    )
    reasons = services.dependents(plan)
    expected = (
        "Quần chúng Lò Văn Mới đã có bước “Học lớp nhận thức về Đảng” ngày 01/02/2027 ở "
        f"{tree.cell_a.name} sau khi áp dụng."
    )
    assert expected in reasons, reasons
    with pytest.raises(ValidationError, match="Không thể hoàn tác"):
        services.reorg_undo(reorganization=plan, actor=admin)
    assert cells_of(candidates)["listed"] == tree.cell_a.pk
    plan.refresh_from_db()
    assert plan.status == "applied"
