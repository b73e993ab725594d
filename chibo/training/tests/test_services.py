"""Course, enrolment, result and contest services: the rules, history and audit, all or nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chibo.core.models import AuditEvent
from chibo.members import services as member_services
from chibo.members.models import Member
from chibo.training import services
from chibo.training.models import (
    Contestant,
    ContestRound,
    Enrollment,
    TheoryLevelChange,
    TrainingCourse,
)
from conftest import make_member

from .conftest import K, make_course

pytestmark = pytest.mark.django_db
DONE = datetime.date(2022, 3, 31)


def audits(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def test_course_create_validates_dates_and_audits(tree, personas):
    admin = personas["admin"]
    with pytest.raises(ValidationError) as exc:
        services.course_create(
            actor=admin,
            kind=K.PARTY_WORK,
            title="Lớp nghiệp vụ",
            organizer=tree.district,
            start=datetime.date(2023, 5, 2),
            end=datetime.date(2023, 5, 1),
        )
    assert "end" in exc.value.error_dict
    assert not TrainingCourse.objects.exists()
    course = services.course_create(
        actor=admin,
        kind=K.PARTY_WORK,
        title="  Lớp   nghiệp vụ ",
        organizer=tree.district,
        start=datetime.date(2023, 5, 1),
        end=datetime.date(2023, 5, 3),
    )
    assert course.title == "Lớp nghiệp vụ"
    assert audits(course).get().action == AuditEvent.Action.CREATE


def test_course_update_records_the_difference(tree, personas):
    course = make_course(tree.district, start=datetime.date(2023, 5, 1))
    services.course_update(course=course, actor=personas["admin"], place="Hội trường huyện")
    course.refresh_from_db()
    assert course.place == "Hội trường huyện"
    update = audits(course).get(action=AuditEvent.Action.UPDATE)
    assert update.changes == {"place": ["", "Hội trường huyện"]}
    with pytest.raises(ValidationError):
        services.course_update(
            course=course, actor=personas["admin"], end=datetime.date(2023, 4, 1)
        )
    course.refresh_from_db()
    assert course.end == datetime.date(2023, 5, 6)


def test_enroll_many_and_refuse_duplicates_by_name(tree, personas, basic_course):
    admin = personas["admin"]
    created = services.enroll(
        course=basic_course, members=[tree.member_a, tree.member_b, tree.member_a], actor=admin
    )
    assert len(created) == 2  # the same member twice counts once
    assert audits(created[0]).get().action == AuditEvent.Action.CREATE
    with pytest.raises(ValidationError) as exc:
        services.enroll(
            course=basic_course, members=[tree.secretary_member_a, tree.member_b], actor=admin
        )
    assert "Cầm Văn Bình" in str(exc.value)
    # All or nothing: Lò Thị Ánh was not enrolled either.
    assert basic_course.enrollments.count() == 2
    assert not basic_course.enrollments.filter(member=tree.secretary_member_a).exists()


def test_enroll_refuses_members_outside_the_actor_scope(tree, personas, basic_course):
    with pytest.raises(ValidationError) as exc:
        services.enroll(
            course=basic_course,
            members=[tree.member_a, tree.member_b],
            actor=personas["commune"],
        )
    assert "Cầm Văn Bình" in str(exc.value)
    assert not Enrollment.objects.exists()
    # Read-only roles write nothing, even inside their scope.
    with pytest.raises(ValidationError):
        services.enroll(course=basic_course, members=[tree.member_a], actor=personas["analyst"])
    services.enroll(course=basic_course, members=[tree.member_a], actor=personas["secretary_a"])
    assert basic_course.enrollments.get().member == tree.member_a


def test_enroll_refuses_members_no_longer_in_a_cell(tree, basic_course):
    member_services.member_change_status(
        member=tree.member_a, status="deceased", on=datetime.date(2022, 1, 1), actor=None
    )
    with pytest.raises(ValidationError) as exc:
        services.enroll(course=basic_course, members=[tree.member_a], actor=None)
    assert "Nguyễn Văn An" in str(exc.value)
    with pytest.raises(ValidationError):
        services.enroll(course=basic_course, members=[], actor=None)


def test_completing_basic_theory_raises_the_level_with_history(tree, personas, past_basic_course):
    admin = personas["admin"]
    (e,) = services.enroll(course=past_basic_course, members=[tree.member_a], actor=admin)
    services.record_result(
        enrollment=e, status="completed", certificate="SC-01", completed_on=DONE, actor=admin
    )
    member = Member.objects.get(pk=tree.member_a.pk)
    assert member.theory_level == "basic"
    change = TheoryLevelChange.objects.get(member=member)
    assert (change.previous, change.level, change.on, change.enrollment_id) == (
        "none",
        "basic",
        DONE,
        e.pk,
    )
    assert change.actor == admin
    member_audit = audits(member).filter(action=AuditEvent.Action.UPDATE).get()
    assert member_audit.changes == {"theory_level": ["none", "basic"]}
    e.refresh_from_db()
    assert (e.status, e.certificate) == ("completed", "SC-01")
    # Recording the same completion again changes nothing and writes no second history row.
    services.record_result(
        enrollment=e, status="completed", certificate="SC-01", completed_on=DONE, actor=admin
    )
    assert TheoryLevelChange.objects.count() == 1


def test_theory_level_is_never_lowered(tree, personas, past_basic_course):
    admin = personas["admin"]
    tree.member_a.theory_level = "intermediate"
    tree.member_a.save()
    (e,) = services.enroll(course=past_basic_course, members=[tree.member_a], actor=admin)
    services.record_result(enrollment=e, status="completed", completed_on=DONE, actor=admin)
    assert Member.objects.get(pk=tree.member_a.pk).theory_level == "intermediate"
    assert not TheoryLevelChange.objects.exists()
    # A completion corrected to "failed" keeps the level that was granted.
    (e2,) = services.enroll(course=past_basic_course, members=[tree.member_b], actor=admin)
    services.record_result(enrollment=e2, status="completed", completed_on=DONE, actor=admin)
    services.record_result(enrollment=e2, status="failed", actor=admin)
    assert Member.objects.get(pk=tree.member_b.pk).theory_level == "basic"


def test_intermediate_after_basic_and_non_theory_courses(tree, personas):
    admin = personas["admin"]
    inter = make_course(tree.district, K.INTERMEDIATE_THEORY, start=datetime.date(2021, 9, 1))
    party = make_course(tree.district, K.PARTY_WORK, start=datetime.date(2021, 9, 1))
    (ei,) = services.enroll(course=inter, members=[tree.secretary_member_a], actor=admin)
    (ep,) = services.enroll(course=party, members=[tree.member_a], actor=admin)
    on = datetime.date(2022, 1, 10)
    services.record_result(enrollment=ei, status="completed", completed_on=on, actor=admin)
    services.record_result(enrollment=ep, status="completed", completed_on=on, actor=admin)
    assert Member.objects.get(pk=tree.secretary_member_a.pk).theory_level == "intermediate"
    assert Member.objects.get(pk=tree.member_a.pk).theory_level == "none"
    assert list(TheoryLevelChange.objects.values_list("previous", "level")) == [
        ("basic", "intermediate")
    ]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"status": "completed"}, "completed_on"),
        ({"status": "completed", "completed_on": datetime.date(2022, 2, 1)}, "completed_on"),
        ({"status": "completed", "completed_on": datetime.date(2099, 1, 1)}, "completed_on"),
        ({"status": "failed", "certificate": "X"}, "certificate"),
        ({"status": "absent", "completed_on": DONE}, "completed_on"),
        ({"status": "passed"}, "status"),
    ],
)
def test_bad_results_save_nothing(tree, past_basic_course, fields, field):
    (e,) = services.enroll(course=past_basic_course, members=[tree.member_a], actor=None)
    with pytest.raises(ValidationError) as exc:
        services.record_result(enrollment=e, actor=None, **fields)
    assert field in exc.value.error_dict
    e.refresh_from_db()
    assert e.status == "enrolled"
    assert Member.objects.get(pk=tree.member_a.pk).theory_level == "none"
    assert not TheoryLevelChange.objects.exists()


# --- contest --------------------------------------------------------------------------------


@pytest.fixture
def contest(tree, personas):
    return services.contest_create(
        actor=personas["admin"],
        name="Hội thi Bí thư chi bộ giỏi 2022",
        organizer=tree.district,
        year=2022,
    )


@pytest.fixture
def grassroots_round(contest, tree, personas):
    return services.round_create(
        contest=contest,
        level=ContestRound.Level.GRASSROOTS,
        held_on=datetime.date(2022, 6, 1),
        organizer=tree.commune_a,
        actor=personas["admin"],
    )


def test_contest_and_round_rules(tree, personas, contest):
    admin = personas["admin"]
    with pytest.raises(ValidationError):
        services.contest_create(
            actor=admin, name="Hội thi", organizer=tree.district, year=2022, max_score=0
        )
    with pytest.raises(ValidationError) as exc:
        services.round_create(
            contest=contest,
            level="district",
            held_on=datetime.date(2030, 1, 1),
            organizer=tree.district,
            actor=admin,
        )
    assert "held_on" in exc.value.error_dict
    other = services.contest_create(
        actor=admin, name="Hội thi xã Bình", organizer=tree.commune_b, year=2022
    )
    with pytest.raises(ValidationError) as exc:
        services.round_create(
            contest=other,
            level="grassroots",
            held_on=datetime.date(2022, 5, 1),
            organizer=tree.commune_a,
            actor=admin,
        )
    assert "organizer" in exc.value.error_dict
    assert not ContestRound.objects.exists()


def test_contestant_must_be_in_the_cell_once_per_round(tree, personas, grassroots_round):
    admin = personas["admin"]
    c = services.contestant_add(round=grassroots_round, member=tree.member_a, actor=admin)
    assert (c.cell, c.score) == (tree.cell_a, None)
    with pytest.raises(ValidationError) as exc:
        services.contestant_add(round=grassroots_round, member=tree.member_a, actor=admin)
    assert "Nguyễn Văn An" in str(exc.value)
    # A member of cell A entered for cell A2: not in that cell.
    with pytest.raises(ValidationError) as exc:
        services.contestant_add(
            round=grassroots_round, member=tree.secretary_member_a, cell=tree.cell_a2, actor=admin
        )
    assert "member" in exc.value.error_dict
    # Cell B is not under the round's organizer (commune A).
    with pytest.raises(ValidationError) as exc:
        services.contestant_add(round=grassroots_round, member=tree.member_b, actor=admin)
    assert "cell" in exc.value.error_dict
    assert Contestant.objects.count() == 1


def test_contestant_membership_on_the_round_date(tree, grassroots_round):
    """A member who joined cell A after the round's date was not its contestant."""
    moved = make_member(tree.cell_b, "Quàng Văn Cường")
    member_services.member_transfer(
        member=moved, to_cell=tree.cell_a, on=datetime.date(2022, 7, 1), actor=None
    )
    moved.refresh_from_db()
    with pytest.raises(ValidationError):
        services.contestant_add(round=grassroots_round, member=moved, actor=None)


@pytest.mark.parametrize("score", ["-1", "100.01", "abc", "NaN", "85.555"])
def test_score_out_of_range_is_refused_with_a_message(tree, personas, grassroots_round, score):
    c = services.contestant_add(round=grassroots_round, member=tree.member_a, actor=None)
    with pytest.raises(ValidationError) as exc:
        services.score_record(contestant=c, score=score, prize="first", actor=personas["admin"])
    assert "score" in exc.value.error_dict
    c.refresh_from_db()
    assert (c.score, c.prize) == (None, "")


def test_score_and_prize(tree, personas, grassroots_round):
    c = services.contestant_add(round=grassroots_round, member=tree.member_a, actor=None)
    with pytest.raises(ValidationError) as exc:
        services.score_record(contestant=c, score="", prize="first", actor=None)
    assert "prize" in exc.value.error_dict
    services.score_record(contestant=c, score="92,5", prize="first", actor=personas["admin"])
    c.refresh_from_db()
    assert (c.score, c.prize) == (Decimal("92.50"), "first")
    assert audits(c).get(action=AuditEvent.Action.UPDATE).changes == {
        "prize": ["", "first"],
        "score": [None, "92.50"],
    }
    services.score_record(contestant=c, score="100", prize="first", actor=None)
    c.refresh_from_db()
    assert c.score == Decimal("100")


def test_history_can_be_recorded_after_closures_and_deaths(tree):
    """The demo and late data entry record past courses: what counts is the course's date."""
    from chibo.organizations import services as org_services

    org_services.org_reparent(
        org=tree.cell_b, new_parent=tree.commune_a, on=datetime.date(2024, 1, 1), actor=None
    )
    org_services.org_close(org=tree.commune_b, on=datetime.date(2024, 1, 1), actor=None)
    tree.commune_b.refresh_from_db()
    old = make_course(tree.commune_b, start=datetime.date(2022, 5, 1))
    with pytest.raises(ValidationError) as exc:
        make_course(tree.commune_b, start=datetime.date(2024, 5, 1))
    assert "organizer" in exc.value.error_dict
    member_services.member_change_status(
        member=tree.member_a, status="deceased", on=datetime.date(2023, 1, 1), actor=None
    )
    tree.member_a.refresh_from_db()
    services.enroll(course=old, members=[tree.member_a], actor=None)
    assert old.enrollments.get().member == tree.member_a
    with pytest.raises(ValidationError):
        services.contest_create(actor=None, name="Hội thi", organizer=tree.commune_b, year=2024)
    services.contest_create(actor=None, name="Hội thi", organizer=tree.commune_b, year=2023)
