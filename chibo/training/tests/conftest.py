"""Training fixtures on top of the shared tree (root conftest): a district course, a basic
theory course of commune A, a contest with a grassroots round in commune A."""

import datetime

import pytest

from chibo.committees.models import Position, QualificationStandard, SuccessionPlan
from chibo.core.dates import today
from chibo.training import services
from chibo.training.models import TrainingCourse

K = TrainingCourse.Kind


def make_course(organizer, kind=K.PARTY_WORK, *, title=None, start=None, days=5, actor=None):
    start = start or today() + datetime.timedelta(days=10)
    return services.course_create(
        actor=actor,
        kind=kind,
        title=title or f"Lớp {kind} {organizer.code} {start:%Y%m%d}",
        organizer=organizer,
        start=start,
        end=start + datetime.timedelta(days=days),
    )


def committee_standard(level="basic", on=datetime.date(2020, 1, 1)):
    """The cell committee standard (the committees migration seeds one from 2020)."""
    std, _ = QualificationStandard.objects.update_or_create(
        applies_to=QualificationStandard.AppliesTo.CELL_COMMITTEE,
        effective_from=on,
        defaults={"name": "Chuẩn cấp ủy viên chi bộ thôn", "min_theory_level": level},
    )
    return std


def seat(cell, member, title="committee_member", start=datetime.date(2020, 6, 1), end=None):
    return Position.objects.create(
        organization=cell, member=member, title=title, start=start, end=end
    )


def plan(org, member, title="secretary", removed_on=None):
    return SuccessionPlan.objects.create(
        organization=org,
        term_name="2025–2030",
        title=title,
        member=member,
        approved_on=datetime.date(2022, 1, 1),
        removed_on=removed_on,
    )


@pytest.fixture
def basic_course(tree):
    return make_course(tree.district, K.BASIC_THEORY, title="Lớp sơ cấp lý luận khóa 1")


@pytest.fixture
def past_basic_course(tree):
    """A basic theory course that has ended, so results can be recorded today."""
    return make_course(
        tree.district,
        K.BASIC_THEORY,
        title="Lớp sơ cấp lý luận 2022",
        start=datetime.date(2022, 3, 1),
        days=30,
    )
