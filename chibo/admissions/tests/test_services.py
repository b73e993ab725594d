"""Writes to admissions: the way from the awareness course to official member, each refusal with
its message and nothing written, the member created by the ceremony through members' services,
and the targets with their revisions."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chibo.admissions import rules, selectors, services
from chibo.admissions.models import AdmissionStep, AdmissionTarget, Candidate, Step
from chibo.core.models import AuditEvent
from chibo.core.tests.indicator_batch import assert_batch_agrees
from chibo.members.models import Member, Membership, Status
from conftest import make_member

from .helpers import WAY, new_candidate, walk

pytestmark = pytest.mark.django_db
D = datetime.date


def counts():
    return (
        AdmissionStep.objects.count(),
        Member.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_whole_way_creates_the_member_and_makes_them_official(tree):
    c = new_candidate(tree, cid="014098000123")
    assert AuditEvent.objects.filter(object_type="admissions.candidate", object_id=str(c.pk))
    walk(tree, c, Step.CEREMONY)
    c.refresh_from_db()
    m = c.member
    assert m is not None and m.full_name == "Lường Văn Mới"
    assert m.admission_date == D(2021, 4, 5) and m.official_date is None
    assert m.citizen_id == "014098000123" and m.cell_id == tree.cell_a.pk
    ship = Membership.objects.get(member=m)
    assert ship.cell_id == tree.cell_a.pk and ship.start == D(2021, 4, 5)
    assert AuditEvent.objects.filter(object_type="members.member", object_id=str(m.pk)).exists()

    services.step_record(
        actor=None, candidate=c, kind=Step.CELL_RECOGNITION, on=D(2022, 4, 5), number="07"
    )
    services.step_record(
        actor=None, candidate=c, kind=Step.RECOGNITION, on=D(2022, 4, 15), number="210-QĐ/HU"
    )
    m.refresh_from_db()
    # Official from the end of the 12 months, not from the decision's day.
    assert m.official_date == D(2022, 4, 5)
    steps = selectors.candidate_steps(c)
    p = selectors.candidate_progress(c, steps, D(2022, 5, 1))
    assert p.ended == Step.RECOGNITION and not p.missing
    # As of a day in the probation, the same steps say "probationary" (nothing rewritten).
    p = selectors.candidate_progress(c, steps, D(2021, 6, 1))
    assert p.in_probation and p.next_step == Step.CELL_RECOGNITION
    assert p.probation_end == D(2022, 4, 5)


def test_progress_says_what_is_missing(tree):
    c = new_candidate(tree)
    walk(tree, c, Step.SPONSORS)
    p = selectors.candidate_progress(c, selectors.candidate_steps(c), D(2021, 3, 1))
    assert p.next_step == Step.MASS_ORG
    assert p.missing[:2] == [Step.MASS_ORG, Step.CELL_RESOLUTION]
    assert p.waiting_since == D(2021, 2, 10)
    assert rules.Flag.WAITING not in p.flags
    later = selectors.candidate_progress(c, selectors.candidate_steps(c), D(2021, 5, 10))
    assert rules.Flag.WAITING in later.flags  # more than 3 months at one step


def test_sponsor_who_is_probationary_is_refused(tree):
    c = new_candidate(tree)
    walk(tree, c, Step.APPLICATION)
    young = make_member(tree.cell_a, "Quàng Văn Trẻ", official=False, admitted=D(2020, 12, 1))
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.step_record(
            actor=None,
            candidate=c,
            kind=Step.SPONSORS,
            on=D(2021, 2, 10),
            sponsor_1=tree.member_a,
            sponsor_2=young,
        )
    assert "Quàng Văn Trẻ là đảng viên dự bị" in " ".join(e.value.messages)
    assert counts() == before


def test_sponsor_from_another_cell_is_refused(tree):
    c = new_candidate(tree)
    walk(tree, c, Step.APPLICATION)
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.step_record(
            actor=None,
            candidate=c,
            kind=Step.SPONSORS,
            on=D(2021, 2, 10),
            sponsor_1=tree.member_a,
            sponsor_2=tree.member_b,
        )
    assert "Cầm Văn Bình không sinh hoạt ở Chi bộ bản Áng" in " ".join(e.value.messages)
    assert counts() == before


def test_sponsor_who_left_the_cell_before_that_day_is_refused(tree):
    from chibo.members import services as member_services

    c = new_candidate(tree)
    walk(tree, c, Step.APPLICATION)
    member_services.member_transfer(
        member=tree.member_a, to_cell=tree.cell_a2, on=D(2021, 2, 1), actor=None
    )
    with pytest.raises(ValidationError) as e:
        services.step_record(
            actor=None,
            candidate=c,
            kind=Step.SPONSORS,
            on=D(2021, 2, 10),
            sponsor_1=tree.member_a,
            sponsor_2=tree.secretary_member_a,
        )
    assert "Nguyễn Văn An không sinh hoạt" in " ".join(e.value.messages)


def test_ceremony_before_the_decision_is_refused(tree):
    c = new_candidate(tree)
    walk(tree, c, Step.DECISION)
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.step_record(actor=None, candidate=c, kind=Step.CEREMONY, on=D(2021, 3, 20))
    assert "Lễ kết nạp 20/03/2021 trước ngày quyết định kết nạp 22/03/2021" in " ".join(
        e.value.messages
    )
    assert counts() == before
    assert Candidate.objects.get(pk=c.pk).member_id is None


def test_recognition_before_twelve_months_is_refused(tree):
    c = new_candidate(tree)
    walk(tree, c, Step.CEREMONY)
    before = counts()
    with pytest.raises(ValidationError) as e:
        services.step_record(
            actor=None, candidate=c, kind=Step.CELL_RECOGNITION, on=D(2022, 4, 4), number="1"
        )
    assert (
        "Chưa đủ thời gian dự bị: lễ kết nạp 05/04/2021, sớm nhất được xét công nhận chính "
        "thức từ 05/04/2022" in " ".join(e.value.messages)
    )
    with pytest.raises(ValidationError):
        services.step_record(
            actor=None, candidate=c, kind=Step.RECOGNITION, on=D(2022, 4, 4), number="1"
        )
    assert counts() == before
    assert Member.objects.get(pk=Candidate.objects.get(pk=c.pk).member_id).official_date is None


def test_steps_come_in_order_once_with_their_numbers(tree):
    c = new_candidate(tree)
    with pytest.raises(ValidationError) as e:
        services.step_record(actor=None, candidate=c, kind=Step.APPLICATION, on=D(2021, 2, 1))
    assert "Chưa ghi bước trước: Học lớp nhận thức về Đảng" in " ".join(e.value.messages)
    with pytest.raises(ValidationError) as e:
        services.step_record(actor=None, candidate=c, kind=Step.COURSE, on=D(2021, 1, 20))
    assert "Hãy ghi số văn bản." in e.value.messages
    services.step_record(actor=None, candidate=c, kind=Step.COURSE, on=D(2021, 1, 20), number="1")
    with pytest.raises(ValidationError) as e:
        services.step_record(
            actor=None, candidate=c, kind=Step.COURSE, on=D(2021, 1, 21), number="2"
        )
    assert "đã được ghi" in " ".join(e.value.messages)
    with pytest.raises(ValidationError) as e:
        services.step_record(actor=None, candidate=c, kind=Step.APPLICATION, on=D(2021, 1, 2))
    assert "trước bước đã ghi gần nhất (20/01/2021)" in " ".join(e.value.messages)
    with pytest.raises(ValidationError):
        services.step_record(actor=None, candidate=c, kind=Step.APPLICATION, on=D(2999, 1, 2))
    assert AdmissionStep.objects.filter(candidate=c).count() == 1


def test_late_ceremony_is_flagged_not_refused(tree):
    c = new_candidate(tree)
    walk(tree, c, Step.DECISION)
    holidays = selectors.holidays()
    deadline = rules.ceremony_deadline(
        D(2021, 3, 22), services.rule_in_force(D(2021, 3, 22)), holidays
    )
    # 30 working days: weekends and the public holidays of the table (Hùng Kings 21/04, 30/04;
    # 01/05 is a Saturday) skipped.
    assert deadline == D(2021, 5, 5)
    overdue = selectors.candidate_progress(c, selectors.candidate_steps(c), deadline + D.resolution)
    assert rules.Flag.CEREMONY_OVERDUE in overdue.flags
    services.step_record(actor=None, candidate=c, kind=Step.CEREMONY, on=D(2021, 5, 6))
    p = selectors.candidate_progress(c, selectors.candidate_steps(c), D(2021, 6, 1))
    assert rules.Flag.CEREMONY_LATE in p.flags and rules.Flag.CEREMONY_OVERDUE not in p.flags


def test_extension_then_removal(tree):
    c = new_candidate(tree)
    walk(tree, c, Step.CEREMONY)
    services.step_record(
        actor=None,
        candidate=c,
        kind=Step.EXTENSION,
        on=D(2022, 4, 10),
        number="3-QĐ",
        until=D(2022, 7, 5),
    )
    p = selectors.candidate_progress(c, selectors.candidate_steps(c), D(2022, 5, 1))
    assert p.probation_end == D(2022, 7, 5) and rules.Flag.RECOGNITION_DUE not in p.flags
    with pytest.raises(ValidationError):
        services.step_record(
            actor=None, candidate=c, kind=Step.CELL_RECOGNITION, on=D(2022, 5, 1), number="8"
        )
    with pytest.raises(ValidationError) as e:
        services.step_record(
            actor=None, candidate=c, kind=Step.REMOVAL, on=D(2022, 7, 20), number="9-QĐ"
        )
    assert "Hãy ghi cấp ủy ra quyết định." in e.value.messages
    services.step_record(
        actor=None,
        candidate=c,
        kind=Step.REMOVAL,
        on=D(2022, 7, 20),
        number="9-QĐ/HU",
        issuer="Ban Thường vụ Huyện ủy",
    )
    member = Member.objects.get(pk=Candidate.objects.get(pk=c.pk).member_id)
    assert member.status == Status.REMOVED and member.status_since == D(2022, 7, 20)
    change = member.status_changes.get()
    assert (change.kind, change.decision_number, change.decided_by) == (
        "removal",
        "9-QĐ/HU",
        "Ban Thường vụ Huyện ủy",
    )
    with pytest.raises(ValidationError) as e:
        services.step_record(
            actor=None, candidate=c, kind=Step.RECOGNITION, on=D(2022, 8, 1), number="10"
        )
    assert "Hồ sơ đã kết thúc" in " ".join(e.value.messages)


def test_candidate_create_refuses_bad_input(tree):
    with pytest.raises(ValidationError) as e:
        services.candidate_create(
            actor=None,
            cell=tree.commune_a,
            listed_on=D(2021, 1, 4),
            full_name="X",
            sex="male",
            birth_date=D(1998, 5, 1),
            ethnicity="Thái",
        )
    assert "chi bộ" in " ".join(e.value.messages)
    with pytest.raises(ValidationError) as e:
        services.candidate_create(
            actor=None,
            cell=tree.cell_a,
            listed_on=D(2021, 1, 4),
            full_name="X",
            sex="male",
            birth_date=D(1998, 5, 1),
            ethnicity="Thai Lan",
        )
    assert "54 dân tộc" in " ".join(e.value.messages)
    with pytest.raises(ValidationError) as e:
        new_candidate(tree, cid="014080000001")  # member_a's
    assert "Số CCCD này đã có" in " ".join(e.value.messages)
    assert not Candidate.objects.exists()


# --- targets and the indicator -----------------------------------------------------------------


def test_a_candidate_moves_cell_with_an_audit_event_while_on_the_way_in(tree):
    waiting = new_candidate(tree, cid="014098000201")
    walk(tree, waiting, Step.APPLICATION)
    done = new_candidate(tree, "Quàng Văn Xong", cid="014098000202")
    walk(tree, done, Step.RECOGNITION)
    on = D(2023, 1, 1)
    services.candidate_move_cell(candidate=waiting, to_cell=tree.cell_b, on=on, actor=None)
    waiting.refresh_from_db()
    assert waiting.cell == tree.cell_b
    assert waiting.steps.count() == 2  # their way so far stays theirs
    event = AuditEvent.objects.get(object_id=str(waiting.pk), action=AuditEvent.Action.TRANSFER)
    assert event.changes == {"cell": [tree.cell_a.pk, tree.cell_b.pk], "on": [None, "2023-01-01"]}
    assert list(selectors.in_progress_in([tree.cell_a, tree.cell_b], on)) == [waiting]
    before = counts()
    with pytest.raises(ValidationError, match="không còn trong danh sách xét kết nạp"):
        services.candidate_move_cell(candidate=done, to_cell=tree.cell_b, on=on, actor=None)
    with pytest.raises(ValidationError, match="chi bộ đang hoạt động"):
        services.candidate_move_cell(candidate=waiting, to_cell=tree.commune_a, on=on, actor=None)
    assert counts() == before
    done.refresh_from_db()
    assert done.cell == tree.cell_a


def test_targets_roll_up_and_revisions_never_rewrite_the_past(tree):
    from chibo.admissions.indicators import admissions_year

    services.target_set(
        actor=None, organization=tree.commune_a, year=2021, value=3, decided_on=D(2021, 1, 10)
    )
    services.target_set(
        actor=None, organization=tree.commune_b, year=2021, value=2, decided_on=D(2021, 1, 10)
    )
    services.target_set(
        actor=None, organization=tree.cell_a, year=2021, value=2, decided_on=D(2021, 1, 15)
    )
    with pytest.raises(ValidationError) as e:
        services.target_set(
            actor=None, organization=tree.cell_a2, year=2021, value=2, decided_on=D(2021, 1, 15)
        )
    assert "vượt chỉ tiêu của Đảng bộ xã An (3)" in " ".join(e.value.messages)
    with pytest.raises(ValidationError):
        services.target_set(
            actor=None, organization=tree.district, year=2021, value=9, decided_on=D(2021, 1, 15)
        )
    c = new_candidate(tree)
    walk(tree, c, Step.CEREMONY)
    assert admissions_year(tree.district, D(2021, 12, 31)).text == "1/5 (20%)"
    assert admissions_year(tree.commune_a, D(2021, 12, 31)).text == "1/3 (33%)"
    assert admissions_year(tree.cell_a, D(2021, 12, 31)).text == "1/2 (50%)"
    assert admissions_year(tree.cell_a2, D(2021, 12, 31)).text == "0"
    assert admissions_year(tree.district, D(2021, 4, 4)).text == "0/5 (0%)"
    assert admissions_year(tree.district, D(2022, 6, 30)).text == "0"  # no 2022 target
    services.target_set(
        actor=None, organization=tree.commune_a, year=2021, value=4, decided_on=D(2021, 6, 1)
    )
    assert admissions_year(tree.district, D(2021, 5, 31)).of == 5
    assert admissions_year(tree.district, D(2021, 12, 31)).of == 6
    assert AdmissionTarget.objects.filter(organization=tree.commune_a).count() == 2
    rows = selectors.rollup(tree.district, 2021, D(2021, 12, 31))
    assert [(r.org.name, r.admitted, r.target) for r in rows] == [
        ("Đảng bộ huyện Thử", 1, 6),
        ("Đảng bộ xã An", 1, 4),
        ("Đảng bộ xã Bình", 0, 2),
    ]
    # compute_many reads the admissions and targets of every organization at once
    days = [D(2021, 4, 4), D(2021, 5, 31), D(2021, 12, 31), D(2022, 6, 30)]
    assert_batch_agrees(tree, days, ["admissions_year"])


def test_an_admission_counts_where_its_cell_stood(tree):
    """A member admitted in cell A who later moved to cell B still counts for commune A."""
    from chibo.admissions.indicators import admissions_year
    from chibo.members import services as member_services

    c = new_candidate(tree)
    walk(tree, c, Step.CEREMONY)
    member = Member.objects.get(pk=Candidate.objects.get(pk=c.pk).member_id)
    member_services.member_transfer(
        member=member, to_cell=tree.cell_b, on=D(2021, 9, 1), actor=None
    )
    assert admissions_year(tree.commune_a, D(2021, 12, 31)).value == 1
    assert admissions_year(tree.commune_b, D(2021, 12, 31)).value == 0
    assert_batch_agrees(tree, [D(2021, 12, 31)], ["admissions_year"])


def test_way_has_ten_steps():
    assert [k for k, _on, _n in WAY] == list(rules.PIPELINE)


def test_the_board_as_of_a_day_reads_the_tree_of_that_day(tree):
    """A cell moved to another commune later still counts where it was on the board's day, and
    only from its move where it went (the 2025 reorganization re-parents whole subtrees)."""
    from chibo.organizations import services as org_services

    candidate = new_candidate(tree)
    walk(tree, candidate, until=Step.APPLICATION)
    moved_on = D(2021, 6, 1)
    org_services.org_reparent(org=tree.cell_a, new_parent=tree.commune_b, on=moved_on, actor=None)
    before, after = D(2021, 5, 31), D(2021, 6, 2)

    def listed(org, day):
        return [r.candidate.pk for r in selectors.board(org, day).rows]

    assert listed(tree.commune_a, before) == [candidate.pk]
    assert listed(tree.commune_b, before) == []
    assert listed(tree.commune_a, after) == []
    assert listed(tree.commune_b, after) == [candidate.pk]
    assert listed(tree.district, before) == listed(tree.district, after) == [candidate.pk]
