"""Query counts of the list and detail pages at two data sizes: the same count.

Every signed-in request costs 3 queries before the view (session, the user with the roles held
today, TOTP device), listed as "base" below (the session is written once a minute at most, not after
each request). An HTML page also counts the unread notifications shown in the top bar: "page".
"""

import datetime

import pytest
from django.urls import reverse

from chibo.core.dates import today
from chibo.training import services
from chibo.training.models import TrainingCourse
from conftest import make_member

from .conftest import K, committee_standard, make_course, plan, seat

pytestmark = pytest.mark.django_db
# session, the user with the roles held today (no TOTP device: neither the commune nor the
# analyst must pass the TOTP step)
BASE = 2
PAGE = BASE + 1  # + the unread notifications in the top bar


@pytest.fixture
def world(tree):
    committee_standard("basic")
    course = make_course(tree.district, K.BASIC_THEORY, title="Lớp sơ cấp")
    past = make_course(
        tree.district, K.INTERMEDIATE_THEORY, start=datetime.date(2022, 3, 1), days=20
    )
    contest = services.contest_create(
        actor=None, name="Hội thi 2022", organizer=tree.district, year=2022
    )
    rounds = [
        services.round_create(
            contest=contest,
            level=level,
            held_on=datetime.date(2022, 6, 1),
            organizer=org,
            actor=None,
        )
        for level, org in (("grassroots", tree.commune_a), ("district", tree.district))
    ]
    return {
        "tree": tree,
        "course": course,
        "past": past,
        "contest": contest,
        "rounds": rounds,
        "n": 0,
    }


def grow(world, n):
    """n more of everything each page lists: courses, participants, candidates, contestants,
    theory changes of member A."""
    tree = world["tree"]
    for _ in range(n):
        k = world["n"] = world["n"] + 1
        cell = (tree.cell_a, tree.cell_a2)[k % 2]
        m = make_member(cell, f"Thành viên {k}")
        seat(cell, m)
        plan(tree.commune_a, make_member(cell, f"Quy hoạch {k}"))
        services.enroll(course=world["course"], members=[m], actor=None)
        other = make_course(
            tree.commune_a, K.PARTY_WORK, title=f"Tập huấn {k}", start=datetime.date(2022, 1, k)
        )
        services.enroll(course=other, members=[tree.member_a, m], actor=None)
        for rnd in world["rounds"]:
            entry = services.contestant_add(round=rnd, member=m, actor=None)
            services.score_record(contestant=entry, score=50 + k, actor=None)
        if k == 1:
            (e,) = services.enroll(course=world["past"], members=[tree.member_a], actor=None)
            services.record_result(
                enrollment=e,
                status="completed",
                completed_on=datetime.date(2022, 3, 20),
                actor=None,
            )


def pages(world):
    t = world["tree"]
    return {
        # count of the page, the page, organizer choices exist (the organization filter is a
        # text field: no organization read)
        "courses": (reverse("training:courses"), {}, PAGE + 3),
        # course (scoped), participants, audit events, the organizations the change log names
        "course": (reverse("training:course_detail", args=[world["course"].pk]), {}, PAGE + 4),
        # the participants export: course, participants
        "course_xlsx": (
            reverse("training:course_participants_export", args=[world["course"].pk]),
            {},
            BASE + 2,
        ),
        # the export: courses (one query, annotated)
        "courses_xlsx": (reverse("training:course_export"), {}, BASE + 1),
        # contests (annotated), organizer choices exist
        "contests": (reverse("training:contests"), {}, PAGE + 2),
        # contest, rounds, all scores, visible contestants, audit events, the organizations the
        # change log names
        "contest": (reverse("training:contest_detail", args=[world["contest"].pk]), {}, PAGE + 6),
        # member, enrolments, theory changes
        "member": (reverse("training:member", args=[t.member_a.pk]), {}, PAGE + 3),
        # open courses, the course, standard, seats, plans, enrolled among the candidates
        "nominate": (reverse("training:nominate"), {"course": world["course"].pk}, PAGE + 6),
    }


@pytest.mark.parametrize(
    "name",
    [
        "courses",
        "course",
        "course_xlsx",
        "courses_xlsx",
        "contests",
        "contest",
        "member",
        "nominate",
    ],
)
def test_query_count_does_not_grow(clients, world, name, django_assert_num_queries):
    client = clients["commune"]
    grow(world, 1)
    url, params, expected = pages(world)[name]
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200
    grow(world, 4)
    with django_assert_num_queries(expected):
        r = client.get(url, params)
    assert r.status_code == 200
    assert TrainingCourse.objects.count() == 2 + 5


INDICATOR_QUERIES = {
    # org, then: the indicator's own queries (path, count...), the page's count, rows (the path
    # is read once for the request)
    "training_courses": PAGE + 1 + 2 + 2,
    "training_attendances": PAGE + 1 + 2 + 2,
    "sent_intermediate_theory": PAGE + 1 + 2 + 2,
    "sent_basic_theory": PAGE + 1 + 2 + 2,
    # path, contest, the contest's counts and the structure's counts (the cells of the figure's
    # denominator, an aggregate compute_all shares with other figures); then contest, entered
    # cells, count, rows
    "contest_cells": PAGE + 1 + 4 + 4,
    # path, contest, count; then contest, count, rows
    "contest_district_contestants": PAGE + 1 + 3 + 3,
}


@pytest.mark.parametrize("code", sorted(INDICATOR_QUERIES))
def test_indicator_pages_query_count(clients, world, code, django_assert_num_queries):
    url = reverse("training:indicator", args=[code])
    later = today() + datetime.timedelta(days=60)  # after the basic course starts
    params = {"org": world["tree"].district.pk, "as_of": f"{later:%d/%m/%Y}"}
    grow(world, 1)
    with django_assert_num_queries(INDICATOR_QUERIES[code]):
        assert clients["analyst"].get(url, params).status_code == 200
    grow(world, 4)
    with django_assert_num_queries(INDICATOR_QUERIES[code]):
        assert clients["analyst"].get(url, params).status_code == 200
