"""Flags per cell from the rule in force on the date, the role model check, and the pure helpers.

Positions that a service would refuse (a probationary holder, a second deputy) still happen in
imported history; they are created here directly, as an import would, to see the flag.
"""

import datetime

import pytest

from chibo.committees import rules
from chibo.committees.models import (
    CommitteeRule,
    ConcurrentRole,
    Position,
    QualificationStandard,
    RoleModel,
    RoleModelRule,
    Title,
)
from chibo.committees.positions import selectors, services
from chibo.committees.rules import Flag
from chibo.committees.selectors import cells_lacking_committee
from chibo.committees.villages import selectors as village_selectors
from chibo.committees.villages import services as village_services
from chibo.members import services as member_services
from chibo.members.models import Member
from chibo.organizations.models import Village

from .conftest import DAY, START, fill, seat

pytestmark = pytest.mark.django_db
D = datetime.date


def flags_of(cell, on=DAY):
    _rule, reports = selectors.cell_reports(cell, on)
    (report,) = reports
    # A summary counts the same flags in SQL, without reading the positions.
    _rule, (tally,) = selectors.cell_tallies(cell, on)
    assert (tally.codes, tally.official, tally.has_committee) == (
        report.codes,
        report.official,
        report.has_committee,
    )
    # The dashboard's cells to watch read the one flag in a query of their own.
    lacking = cell.pk in cells_lacking_committee([cell.pk], on)
    assert lacking == (Flag.NO_COMMITTEE in report.codes)
    return {f.code for f in report.flags}, report


def test_committee_on_lists_positions_in_force_secretary_first(committee):
    cell, official = committee
    services.position_end(
        position=Position.objects.get(member=official[2]), end=D(2022, 1, 1), actor=None
    )
    on = selectors.committee_on(cell, DAY)
    assert [p.member for p in on] == [official[0], official[1]]
    assert [p.member for p in selectors.committee_on(cell, D(2021, 1, 1))] == official[:3]
    assert selectors.committee_on(cell, D(2019, 1, 1)) == []


def test_a_cell_with_a_committee_has_no_flag(committee):
    cell, _official = committee
    codes, report = flags_of(cell)
    assert codes == set()
    assert report.official == 10 and report.has_committee and report.allowed == 7


def test_no_committee_and_no_secretary(big_cell):
    cell, official, _prob = big_cell
    codes, report = flags_of(cell)
    assert codes == {Flag.NO_COMMITTEE, Flag.NO_SECRETARY}
    text = next(f.message for f in report.flags if f.code == Flag.NO_COMMITTEE)
    assert "10 đảng viên chính thức" in text and "từ 9" in text
    seat(cell, official[0], Title.SECRETARY)
    seat(cell, official[1], Title.DEPUTY_SECRETARY)
    assert flags_of(cell)[0] == {Flag.NO_COMMITTEE}
    seat(cell, official[2], Title.COMMITTEE_MEMBER)
    assert flags_of(cell)[0] == set()


def test_small_cell_needs_only_a_secretary(tree):
    seat(tree.cell_a, tree.secretary_member_a, Title.SECRETARY)
    codes, report = flags_of(tree.cell_a)
    # Two official members: the cell is below the three a cell needs, but needs no committee.
    assert codes == {Flag.TOO_FEW_OFFICIAL}
    assert report.allowed == 2 and not report.has_committee
    fill(tree.cell_a, 1)
    assert flags_of(tree.cell_a)[0] == set()


def test_holder_who_left_the_cell_and_a_committee_now_too_large(committee):
    cell, official = committee
    member_services.member_transfer(
        member=official[2],
        to_cell=cell.parent.children.get(code="XA-01"),
        on=D(2022, 1, 1),
        actor=None,
    )
    member_services.member_transfer(
        member=official[5],
        to_cell=cell.parent.children.get(code="XA-01"),
        on=D(2022, 1, 1),
        actor=None,
    )
    codes, report = flags_of(cell)
    # 8 official members left: a cell below 9 keeps a secretary and a deputy, not 3 seats.
    assert report.official == 8
    assert codes == {Flag.HOLDER_NOT_IN_CELL, Flag.COMMITTEE_TOO_LARGE}
    messages = {f.code: f.message for f in report.flags}
    assert official[2].full_name in messages[Flag.HOLDER_NOT_IN_CELL]
    assert "chỉ có bí thư và tối đa 1 phó bí thư" in messages[Flag.COMMITTEE_TOO_LARGE]
    # Before the transfer all was well.
    assert flags_of(cell, D(2021, 12, 31))[0] == set()


def test_probationary_holder_and_too_many_deputies(committee, big_cell):
    cell, official = committee
    _c, _o, probationary = big_cell
    # As imported: positions no service would accept.
    Position.objects.create(
        organization=cell, member=probationary[0], title=Title.COMMITTEE_MEMBER, start=D(2023, 1, 1)
    )
    Position.objects.create(
        organization=cell, member=official[3], title=Title.DEPUTY_SECRETARY, start=D(2023, 1, 1)
    )
    codes, report = flags_of(cell)
    assert codes == {Flag.PROBATIONARY_IN_POSITION, Flag.TOO_MANY_DEPUTIES}
    messages = {f.code: f.message for f in report.flags}
    assert probationary[0].full_name in messages[Flag.PROBATIONARY_IN_POSITION]
    assert "2 phó bí thư, tối đa 1" in messages[Flag.TOO_MANY_DEPUTIES]
    # Official from 01/09/2023: the probationary flag goes then.
    Member.objects.filter(pk=probationary[0].pk).update(official_date=D(2023, 9, 1))
    assert Flag.PROBATIONARY_IN_POSITION not in flags_of(cell, D(2023, 9, 1))[0]


def test_more_than_seven_is_too_large(committee):
    cell, official = committee
    for m in official[3:8]:
        Position.objects.create(
            organization=cell, member=m, title=Title.COMMITTEE_MEMBER, start=D(2023, 1, 1)
        )
    codes, report = flags_of(cell)
    assert codes == {Flag.COMMITTEE_TOO_LARGE}
    assert "8 người, chi ủy tối đa 7 người" in report.flags[0].message


def test_a_rule_change_on_a_date_changes_the_flags(tree):
    """Six official members, a secretary and a deputy: fine under the 9-member rule; from the
    day a rule with a threshold of 5 takes effect, the cell should have a committee."""
    members = fill(tree.cell_a2, 6)
    seat(tree.cell_a2, members[0], Title.SECRETARY)
    seat(tree.cell_a2, members[1], Title.DEPUTY_SECRETARY)
    on = D(2026, 1, 1)
    CommitteeRule.objects.create(
        effective_from=on,
        source="Quy định thử 2026",
        min_official_members=3,
        committee_threshold=5,
        max_committee_size=5,
        max_deputies=1,
        min_committee_size=3,
    )
    before, report = flags_of(tree.cell_a2, on - datetime.timedelta(days=1))
    assert before == set() and report.rule.committee_threshold == 9
    after, report = flags_of(tree.cell_a2, on)
    assert after == {Flag.NO_COMMITTEE}
    assert "Quy định thử 2026" in report.flags[0].message and report.allowed == 5


def test_one_set_of_queries_for_every_cell_of_a_commune(tree, django_assert_num_queries):
    # path on the date, cells, rule, positions (with whether each holder is in the cell),
    # official counts
    def check():
        with django_assert_num_queries(5):
            _rule, reports = selectors.cell_reports(tree.district, DAY)
        return reports

    seat(tree.cell_a, tree.secretary_member_a, Title.SECRETARY)
    assert len(check()) == 3
    for i in range(4):
        from chibo.organizations import services as org_services

        cell = org_services.org_create(
            code=f"XB-2{i}",
            name=f"Chi bộ bản Mới {i}",
            kind="cell",
            cell_type="residential",
            parent=tree.commune_b,
            valid_from=START,
            actor=None,
        )
        people = fill(cell, 9)
        seat(cell, people[0], Title.SECRETARY)
        seat(cell, people[1], Title.DEPUTY_SECRETARY)
    reports = check()
    assert len(reports) == 7
    assert sum(1 for r in reports if Flag.NO_COMMITTEE in {f.code for f in r.flags}) == 4


# --- role model -----------------------------------------------------------------------------


@pytest.fixture
def na_bo(tree):
    """The Nà Bó pilot adopted by commune A: three pairings."""
    model = RoleModel.objects.create(
        name="Mô hình Nà Bó", commune=tree.commune_a, effective_from=D(2021, 1, 1)
    )
    RoleModelRule.objects.create(
        role_model=model, title=Title.SECRETARY, kind=ConcurrentRole.Kind.VILLAGE_HEAD
    )
    RoleModelRule.objects.create(
        role_model=model, title=Title.DEPUTY_SECRETARY, kind=ConcurrentRole.Kind.FRONT_HEAD
    )
    RoleModelRule.objects.create(
        role_model=model,
        paired_kind=ConcurrentRole.Kind.DEPUTY_VILLAGE_HEAD,
        kind=ConcurrentRole.Kind.VILLAGE_POLICE,
    )
    return model


def post(village, kind, start=START, **kw):
    return village_services.concurrent_role_assign(
        village=village, kind=kind, start=start, actor=None, **kw
    )


def checks_of(org, on=DAY):
    rows = {r.village.code: r for r in village_selectors.village_roles(org, on)}
    row = rows["V-A1"]
    return row, {str(c.rule): c.status for c in row.checks}


def test_role_model_compliance(tree, na_bo):
    K = ConcurrentRole.Kind
    village = Village.objects.get(code="V-A1")
    row, status = checks_of(tree.commune_a)
    assert row.role_model == na_bo and row.compliant is False
    assert set(status.values()) == {rules.Compliance.VACANT}

    seat(tree.cell_a, tree.secretary_member_a, Title.SECRETARY)
    seat(tree.cell_a, tree.member_a, Title.DEPUTY_SECRETARY)
    post(village, K.VILLAGE_HEAD, member=tree.secretary_member_a)
    post(village, K.FRONT_HEAD, person_name="Lò Văn Xôm")  # not the deputy
    post(village, K.DEPUTY_VILLAGE_HEAD, person_name="Quàng Văn Công")
    post(village, K.VILLAGE_POLICE, person_name="quang van cong")  # same person, typed loosely
    row, status = checks_of(tree.commune_a)
    assert status == {
        "secretary = village_head": rules.Compliance.OK,
        "deputy_secretary = front_head": rules.Compliance.MISMATCH,
        "deputy_village_head = village_police": rules.Compliance.OK,
    }
    mismatch = next(c for c in row.checks if c.status == rules.Compliance.MISMATCH)
    assert "Nguyễn Văn An" in mismatch.detail and "Lò Văn Xôm" in mismatch.detail
    assert row.compliant is False

    front = ConcurrentRole.objects.get(kind=K.FRONT_HEAD)
    village_services.concurrent_role_end(role=front, end=D(2023, 1, 1), actor=None)
    post(village, K.FRONT_HEAD, member=tree.member_a, start=D(2023, 1, 1))
    row, status = checks_of(tree.commune_a)
    assert row.compliant is True
    # The model was adopted in 2021: before, no model, nothing to comply with.
    row, status = checks_of(tree.commune_a, D(2020, 12, 31))
    assert row.role_model is None and row.compliant is None
    # The cell's own page sees the same check for its village.
    row, _status = checks_of(tree.cell_a)
    assert row.compliant is True


def test_role_model_of_another_commune_does_not_apply(tree, na_bo):
    rows = village_selectors.village_roles(tree.commune_b, DAY)
    assert rows == []  # commune B has no village in the tree
    rows = village_selectors.village_roles(tree.district, DAY)
    assert [r.village.code for r in rows] == ["V-A1"] and rows[0].role_model == na_bo


# --- helpers ----------------------------------------------------------------------------------


def test_max_in_force():
    d = D
    intervals = [(d(2020, 1, 1), d(2021, 1, 1)), (d(2020, 6, 1), None), (d(2021, 1, 1), None)]
    assert rules.max_in_force(intervals, d(2019, 1, 1), d(2020, 1, 1)) == 0
    assert rules.max_in_force(intervals, d(2019, 1, 1), None) == 2
    assert rules.max_in_force(intervals, d(2020, 7, 1), d(2020, 8, 1)) == 2
    assert rules.max_in_force([], d(2020, 1, 1), None) == 0


def test_meets_standard_with_reasons():
    std = QualificationStandard(
        applies_to="commune_official",
        name="x",
        effective_from=D(2020, 1, 1),
        min_theory_level="intermediate",
        min_education="12/12",
    )
    ok = Member(theory_level="bachelor", education="12/12")
    assert rules.meets_standard(ok, std) == (True, "")
    short = Member(theory_level="basic", education="9/12")
    meets, reason = rules.meets_standard(short, std)
    assert not meets and "Sơ cấp" in reason and "9/12" in reason
    assert rules.meets_standard(Member(theory_level="advanced", education=""), std)[0] is False
    assert rules.meets_standard(short, None) == (True, "")
    assert rules.levels_below("basic") == ["none"]
    assert rules.levels_below("") == []
