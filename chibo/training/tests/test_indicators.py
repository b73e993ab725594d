"""Training and contest indicators on the small tree (root conftest), and the lists behind."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from chibo.committees.models import QualificationStandard
from chibo.core import indicators as registry
from chibo.core.tests.indicator_batch import assert_batch_agrees
from chibo.members import services as member_services
from chibo.organizations import services as org_services
from chibo.organizations.selectors import path_as_of
from chibo.training import indicators as ind
from chibo.training import services
from conftest import D0, make_member

from .conftest import K, committee_standard, make_course, seat

pytestmark = pytest.mark.django_db
DAY = datetime.date(2023, 3, 31)


def course(org, kind, start, *members, absent=()):
    c = make_course(org, kind, start=start)
    if members:
        services.enroll(course=c, members=members, actor=None)
    for m in absent:
        e = c.enrollments.get(member=m)
        services.record_result(enrollment=e, status="absent", actor=None)
    return c


@pytest.fixture
def agency(tree):
    org = org_services.org_create(
        code="CQ",
        name="Đảng bộ Cơ quan huyện",
        kind="grassroots",
        grassroots_type="agency",
        parent=tree.district,
        valid_from=D0,
        actor=None,
    )
    cell = org_services.org_create(
        code="CQ-1",
        name="Chi bộ Văn phòng",
        kind="cell",
        cell_type="agency",
        parent=org,
        valid_from=D0,
        actor=None,
    )
    return make_member(cell, "Vì Văn Cán Bộ", card="09000001")


def test_registered(tree):
    codes = [i.code for i in registry.all_indicators()]
    assert [c for c in codes if c in ind.CODES] == list(ind.CODES)


def test_training_courses_and_attendances(tree):
    t = tree
    course(
        t.district,
        K.PARTY_WORK,
        datetime.date(2021, 3, 1),
        t.member_a,
        t.member_b,
        t.secretary_member_a,
        absent=[t.member_b],
    )
    course(t.commune_a, K.GOVERNMENT_WORK, datetime.date(2022, 5, 1), t.member_a)
    course(t.commune_b, K.PARTY_WORK, datetime.date(2023, 3, 31), t.member_b)
    course(t.district, K.PARTY_WORK, datetime.date(2020, 12, 31), t.member_a)  # before 2021
    course(t.district, K.PARTY_WORK, datetime.date(2023, 4, 1), t.member_a)  # after the date
    course(t.district, K.BASIC_THEORY, datetime.date(2022, 1, 1), t.member_a)  # not training
    assert ind.training_courses(t.district, DAY).text == "3"
    # Absent enrolments are not attendances: 2 + 1 + 1.
    assert ind.training_attendances(t.district, DAY).value == 4
    assert ind.training_courses(t.commune_a, DAY).value == 1
    assert ind.training_attendances(t.commune_b, DAY).value == 1
    assert ind.training_courses(t.district, datetime.date(2022, 12, 31)).value == 2
    with override_settings(CHIBO_TRAINING_SINCE="2020-01-01"):
        assert ind.training_courses(t.district, DAY).value == 4


def test_sent_to_theory(tree, agency):
    t = tree
    course(t.district, K.INTERMEDIATE_THEORY, datetime.date(2021, 9, 1), t.member_a, agency)
    course(t.district, K.INTERMEDIATE_THEORY, datetime.date(2022, 9, 1), t.member_a, t.member_b)
    course(t.district, K.BASIC_THEORY, datetime.date(2022, 2, 1), t.member_a, t.member_b, agency)
    course(t.district, K.BASIC_THEORY, datetime.date(2020, 2, 1), t.secretary_member_a)
    # Distinct members: An counts once; the agency cadre counts for intermediate.
    assert ind.sent_intermediate_theory(t.district, DAY).value == 3
    assert ind.sent_intermediate_theory(t.commune_a, DAY).value == 1
    # Basic theory: village cells only, and not before 2021.
    assert ind.sent_basic_theory(t.district, DAY).value == 2
    assert ind.sent_basic_theory(t.commune_b, DAY).value == 1
    assert ind.sent_basic_theory(t.district, datetime.date(2022, 1, 31)).value == 0


def test_sent_counts_the_cell_at_the_course_start(tree):
    """Bình moved from commune B to commune A after the course: still commune B's."""
    course(tree.district, K.BASIC_THEORY, datetime.date(2021, 5, 1), tree.member_b)
    member_services.member_transfer(
        member=tree.member_b, to_cell=tree.cell_a, on=datetime.date(2022, 1, 1), actor=None
    )
    assert ind.sent_basic_theory(tree.commune_b, DAY).value == 1
    assert ind.sent_basic_theory(tree.commune_a, DAY).value == 0
    rows = ind.sent_basic_theory_rows(tree.district, DAY)
    assert [e.member_id for e in rows] == [tree.member_b.pk]


def test_village_committee_theory_ok_reads_the_level_of_the_date(tree):
    """An passes basic theory on 01/03/2022: before that day she counts as below the standard,
    from it as meeting it; the member's record now says basic all along."""
    t = tree
    committee_standard("basic")
    seat(t.cell_a, t.member_a, "secretary")  # no theory yet
    seat(t.cell_a, t.secretary_member_a, "deputy_secretary")  # basic on record
    seat(t.cell_b, t.member_b, "secretary")  # no theory
    assert ind.village_committee_theory_ok(t.district, DAY).text == "1/3 (33,3%)"
    c = course(t.district, K.BASIC_THEORY, datetime.date(2022, 2, 1), t.member_a)
    services.record_result(
        enrollment=c.enrollments.get(),
        status="completed",
        completed_on=datetime.date(2022, 3, 1),
        actor=None,
    )
    assert ind.village_committee_theory_ok(t.district, DAY).text == "2/3 (66,6%)"
    assert ind.village_committee_theory_ok(t.district, datetime.date(2022, 3, 1)).value == 2
    assert ind.village_committee_theory_ok(t.district, datetime.date(2022, 2, 28)).value == 1
    assert ind.village_committee_theory_ok(t.commune_a, datetime.date(2022, 2, 28)).text == (
        "1/2 (50%)"
    )
    assert ind.village_committee_theory_ok(t.commune_b, DAY).text == "0/1 (0%)"
    # The list behind it gives each holder the level of the date.
    _std, below, rows = ind.village_committee_theory_rows(t.district, datetime.date(2022, 2, 28))
    levels = {p.member_id: p.level_then for p in rows}
    assert levels == {
        t.member_a.pk: "none",
        t.secretary_member_a.pk: "basic",
        t.member_b.pk: "none",
    }
    assert below == ["none"]


def test_village_committee_theory_ok_without_a_standard_counts_every_holder(tree):
    QualificationStandard.objects.filter(applies_to="cell_committee").delete()
    seat(tree.cell_a, tree.member_a, "secretary")
    assert ind.village_committee_theory_ok(tree.district, DAY).text == "1/1 (100%)"


@pytest.fixture
def contest(tree):
    def run(year, held_on, entries, level="grassroots", organizer=None):
        c = services.contest_create(
            actor=None, name=f"Hội thi {year}", organizer=tree.district, year=year
        )
        rounds = {}
        for member in entries:
            org = organizer or member.cell.parent
            if org.pk not in rounds:
                rounds[org.pk] = services.round_create(
                    contest=c, level=level, held_on=held_on, organizer=org, actor=None
                )
            services.contestant_add(round=rounds[org.pk], member=member, actor=None)
        return c

    return run


def test_contest_cells_and_district_contestants(tree, contest):
    t = tree
    c = contest(2022, datetime.date(2022, 5, 1), [t.member_a, t.secretary_member_a, t.member_b])
    rd = services.round_create(
        contest=c,
        level="district",
        held_on=datetime.date(2022, 8, 1),
        organizer=t.district,
        actor=None,
    )
    services.contestant_add(round=rd, member=t.member_a, actor=None)
    v = ind.contest_cells(t.district, DAY)
    assert (v.value, v.of, v.text) == (2, 3, "2/3 (66,6%)")  # cells A and B; A2 has none
    assert ind.contest_cells(t.commune_a, DAY).text == "1/2 (50%)"
    assert ind.contest_district_contestants(t.district, DAY).value == 1
    assert ind.contest_district_contestants(t.commune_b, DAY).value == 0
    # Before the district round.
    assert ind.contest_district_contestants(t.district, datetime.date(2022, 7, 1)).value == 0
    # Before any round: nothing in force.
    assert ind.contest_cells(t.district, datetime.date(2022, 4, 1)).text == "0/3 (0%)"
    # A later contest whose round is after the date does not replace the 2022 results.
    contest(2023, datetime.date(2023, 6, 1), [t.member_a])
    assert ind.contest_cells(t.district, DAY).value == 2
    assert ind.contest_cells(t.district, datetime.date(2023, 6, 1)).value == 1
    days = [datetime.date(2022, 4, 1), datetime.date(2022, 7, 1), DAY, datetime.date(2023, 6, 1)]
    assert_batch_agrees(t, days, ind.CONTEST_CODES)


def test_contests_organized_below_the_node_count_there(tree):
    """Each commune runs its own contest of 2022: both count for the district above them (and
    for a province above it), each commune sees its own, and a later year replaces them."""
    t = tree

    def commune_contest(commune, year, held_on, *members):
        c = services.contest_create(
            actor=None, name=f"Hội thi {commune.code} {year}", organizer=commune, year=year
        )
        rnd = services.round_create(
            contest=c, level="grassroots", held_on=held_on, organizer=commune, actor=None
        )
        for m in members:
            services.contestant_add(round=rnd, member=m, actor=None)
        return c

    a = commune_contest(t.commune_a, 2022, datetime.date(2022, 5, 1), t.member_a)
    b = commune_contest(t.commune_b, 2022, datetime.date(2022, 6, 1), t.member_b)
    assert ind.contest_cells(t.district, DAY).text == "2/3 (66,6%)"
    assert ind.contest_cells(t.commune_a, DAY).text == "1/2 (50%)"
    assert ind.contest_cells(t.commune_b, DAY).text == "1/1 (100%)"
    path = path_as_of(t.district, DAY)
    assert ind.contests_in_force(path, DAY) == [a, b]
    # On 15/05/2022 only commune A's round has been held.
    assert ind.contest_cells(t.district, datetime.date(2022, 5, 15)).value == 1
    # A commune does not take in its neighbour's contest.
    assert ind.contests_in_force(path_as_of(t.commune_a, DAY), DAY) == [a]
    # The contest of a later year stands once one of its rounds is held.
    commune_contest(t.commune_a, 2023, datetime.date(2023, 3, 1), t.secretary_member_a)
    assert ind.contest_cells(t.district, DAY).text == "1/3 (33,3%)"
    # Commune B's own 2022 contest still stands for commune B.
    assert ind.contest_cells(t.commune_b, DAY).text == "1/1 (100%)"
    # compute_many reads every organization's contests and contestants at once
    days = [datetime.date(2022, 5, 15), datetime.date(2022, 12, 31), DAY]
    assert_batch_agrees(t, days, ind.CONTEST_CODES)
    # Above the district: a province it was put under counts the communes' contests too.
    province = org_services.org_create(
        code="TT",
        name="Đảng bộ tỉnh Thử",
        kind="province_committee",
        parent=None,
        valid_from=D0,
        actor=None,
    )
    org_services.org_reparent(
        org=t.district, new_parent=province, on=datetime.date(2021, 1, 1), actor=None
    )
    assert ind.contest_cells(province, DAY).text == "1/3 (33,3%)"
    assert ind.contest_cells(province, datetime.date(2022, 12, 31)).text == "2/3 (66,6%)"


def test_contest_cells_on_the_structure_of_the_date(tree, contest):
    contest(2022, datetime.date(2022, 5, 1), [tree.member_a])
    org_services.org_close(org=tree.cell_a2, on=datetime.date(2023, 1, 1), actor=None)
    assert ind.contest_cells(tree.district, DAY).text == "1/2 (50%)"
    assert ind.contest_cells(tree.district, datetime.date(2022, 12, 31)).text == "1/3 (33,3%)"


def test_query_counts(tree, contest, django_assert_num_queries):
    # courses, attendances, sent_*: the org's path; the count.
    # contest_cells: the path; the contest in force; entered cells; the path again and the
    # village cells (read once in a compute_all).
    # contest_district_contestants: the path; the contest; the count.
    # village_committee_theory_ok: the standard; the path; the aggregate.
    committee_standard("basic")

    def check():
        for f in (
            ind.training_courses,
            ind.training_attendances,
            ind.sent_basic_theory,
            ind.sent_intermediate_theory,
        ):
            with django_assert_num_queries(2):
                f(tree.district, DAY)
        with django_assert_num_queries(5):
            ind.contest_cells(tree.district, DAY)
        with django_assert_num_queries(3):
            ind.contest_district_contestants(tree.district, DAY)
        with django_assert_num_queries(3):
            ind.village_committee_theory_ok(tree.district, DAY)

    contest(2022, datetime.date(2022, 5, 1), [tree.member_a])
    check()
    contest(2021, datetime.date(2021, 5, 1), [tree.member_a, tree.member_b])
    for i in range(3):
        c = course(tree.district, K.BASIC_THEORY, datetime.date(2022, 1, 1 + i), tree.member_a)
        services.record_result(
            enrollment=c.enrollments.get(),
            status="failed" if i < 2 else "completed",
            completed_on=datetime.date(2022, 2, 1) if i == 2 else None,
            actor=None,
        )
    seat(tree.cell_a, tree.member_a)
    seat(tree.cell_b, tree.member_b)
    check()


@pytest.mark.parametrize("code", ind.CODES)
def test_the_list_behind_each_indicator(clients, tree, contest, code):
    t = tree
    seat(t.cell_a, t.member_a, "secretary")
    seat(t.cell_b, t.member_b, "secretary")
    course(t.district, K.PARTY_WORK, datetime.date(2021, 3, 1), t.member_a, t.member_b)
    course(t.district, K.BASIC_THEORY, datetime.date(2022, 2, 1), t.member_a, t.member_b)
    course(t.district, K.INTERMEDIATE_THEORY, datetime.date(2022, 2, 1), t.member_a)
    c = contest(2022, datetime.date(2022, 5, 1), [t.member_a, t.member_b])
    rd = services.round_create(
        contest=c,
        level="district",
        held_on=datetime.date(2022, 8, 1),
        organizer=t.district,
        actor=None,
    )
    services.contestant_add(round=rd, member=t.member_a, actor=None)
    url = reverse("training:indicator", args=[code])
    r = clients["analyst"].get(url, {"org": t.district.pk, "as_of": "31/03/2023"})
    assert r.status_code == 200
    html = r.content.decode()
    value = registry.get(code).compute(t.district, DAY)
    assert value.text in html
    if code == "contest_cells":
        assert "Chi bộ bản Đông" in html  # the cell without a contestant is listed too
    elif code == "training_courses":
        assert "Lớp party_work" in html
    else:
        assert "Nguyễn Văn An" in html
    if code in ("training_attendances", "sent_basic_theory", "contest_cells"):
        # The commune sees its own subtree; another commune's is a 404.
        r = clients["commune"].get(url, {"org": t.commune_a.pk, "as_of": "31/03/2023"})
        assert r.status_code == 200 and "Cầm Văn Bình" not in r.content.decode()
        r = clients["commune"].get(url, {"org": t.commune_b.pk})
        assert r.status_code == 404
    assert clients["member_a"].get(url).status_code == 404
    assert clients["analyst"].get(url, {"as_of": "32/13/2023"}).status_code == 400


def test_unknown_indicator_is_404(clients):
    assert clients["admin"].get(reverse("training:indicator", args=["members"])).status_code == 404
