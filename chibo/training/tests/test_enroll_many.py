"""Enrolling many members in a course at once: filters, skip-and-report, scope, query count."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chibo.committees.models import ConcurrentRole
from chibo.core.models import AuditEvent
from chibo.organizations.models import Village
from chibo.training import services
from chibo.training.models import Enrollment
from conftest import D0, make_member

from .conftest import make_course, seat

pytestmark = pytest.mark.django_db
# session, the user with the roles held today (no TOTP device: neither the commune nor the
# analyst must pass the TOTP step)
BASE = 2
PAGE = BASE + 1  # + the unread notifications in the top bar


@pytest.fixture
def course(tree):
    """A district course member A already attends; its village head is the cell's secretary."""
    c = make_course(tree.district, title="Tập huấn bí thư chi bộ", start=datetime.date(2030, 4, 4))
    services.enroll(course=c, members=[tree.member_a], actor=None)
    seat(tree.cell_a, tree.secretary_member_a, title="secretary")
    ConcurrentRole.objects.create(
        village=Village.objects.get(code="V-A1"),
        kind=ConcurrentRole.Kind.VILLAGE_HEAD,
        member=tree.secretary_member_a,
        start=D0,
    )
    return c


def url(course):
    return reverse("training:course_enroll_many", args=[course.pk])


def names(response):
    assert response.status_code == 200
    return {m.full_name for m in response.context["members"]}


def test_lists_the_write_scope_with_its_filters(clients, tree, course):
    client = clients["commune"]
    a2 = make_member(tree.cell_a2, "Vì Văn Đông", theory="intermediate")
    everyone = {"Nguyễn Văn An", "Lò Thị Ánh", "Vì Văn Đông"}
    r = client.get(url(course))
    assert names(r) == everyone  # not Cầm Văn Bình of commune B
    html = r.content.decode()
    # The label wraps the checkbox and the name (one tap target); member A is already in.
    assert (
        f'<label class="tap"><input type="checkbox" name="members" value="{a2.pk}"> '
        "Vì Văn Đông</label>"
    ) in html
    assert f'value="{tree.member_a.pk}"' not in html and "đã có tên" in html
    assert "Bí thư, Trưởng thôn, bản, tiểu khu" in html  # the secretary's posts
    assert 'data-select-all="members"' in html
    assert names(client.get(url(course), {"org": tree.cell_a2.pk})) == {"Vì Văn Đông"}
    assert names(client.get(url(course), {"org": tree.commune_a.pk})) == everyone
    for post in ("secretary", "committee", "village_head"):
        assert names(client.get(url(course), {"post": post})) == {"Lò Thị Ánh"}
    assert names(client.get(url(course), {"post": "deputy_secretary"})) == set()
    assert names(client.get(url(course), {"theory": "basic"})) == {"Lò Thị Ánh"}
    assert names(client.get(url(course), {"theory": "intermediate", "org": tree.cell_a2.pk})) == {
        "Vì Văn Đông"
    }
    # Outside the choices: a 400 with a message, never a 500.
    for bad in ({"org": tree.cell_b.pk}, {"org": "x"}, {"post": "chief"}, {"theory": "phd"}):
        r = client.get(url(course), bad)
        assert r.status_code == 400 and "Tham số không hợp lệ" in r.content.decode()


def test_enrols_the_ticked_skips_and_reports_those_already_in(clients, tree, course):
    a2 = make_member(tree.cell_a2, "Vì Văn Đông")
    before = AuditEvent.objects.filter(object_type="training.enrollment").count()
    r = clients["commune"].post(
        url(course), {"members": [tree.member_a.pk, tree.secretary_member_a.pk, a2.pk]}
    )
    assert r.status_code == 302 and r["Location"] == f"/training/courses/{course.pk}/"
    assert set(course.enrollments.values_list("member_id", flat=True)) == {
        tree.member_a.pk,
        tree.secretary_member_a.pk,
        a2.pk,
    }
    new = Enrollment.objects.filter(course=course, member__in=[tree.secretary_member_a, a2])
    audited = AuditEvent.objects.filter(object_type="training.enrollment")
    assert audited.count() == before + 2
    assert {e.object_id for e in audited.filter(actor__username="commune")} == {
        str(e.pk) for e in new
    }
    page = clients["commune"].get(r["Location"]).content.decode()
    assert "Đã cử 2 người vào lớp." in page
    assert "Đã có tên trong lớp từ trước, bỏ qua: Nguyễn Văn An." in page


def test_a_member_outside_the_write_scope_is_refused_and_nothing_written(
    clients, personas, tree, course
):
    r = clients["commune"].post(
        url(course), {"members": [tree.secretary_member_a.pk, tree.member_b.pk]}
    )
    assert r.status_code == 200 and "không nằm trong danh sách" in r.content.decode()
    assert list(course.enrollments.values_list("member_id", flat=True)) == [tree.member_a.pk]
    # The service checks too (a script, a forged form): all or nothing.
    with pytest.raises(ValidationError, match="Cầm Văn Bình"):
        services.enrollments_create_many(
            course=course,
            members=[tree.secretary_member_a, tree.member_b],
            actor=personas["commune"],
        )
    assert list(course.enrollments.values_list("member_id", flat=True)) == [tree.member_a.pk]


@pytest.mark.parametrize("persona", ["analyst", "official", "member_a"])
def test_read_only_users_get_404(clients, tree, course, persona):
    assert clients[persona].get(url(course)).status_code == 404
    r = clients[persona].post(url(course), {"members": [tree.secretary_member_a.pk]})
    assert r.status_code == 404
    assert course.enrollments.count() == 1


def test_the_outsider_gets_404_on_a_course_it_cannot_see(clients, tree):
    commune_course = make_course(tree.commune_a, title="Tập huấn xã An")
    assert clients["secretary_b"].get(url(commune_course)).status_code == 404
    r = clients["secretary_b"].post(url(commune_course), {"members": [tree.member_b.pk]})
    assert r.status_code == 404
    assert not commune_course.enrollments.exists()


def test_the_outsider_sees_only_its_own_cell_on_a_district_course(clients, tree, course):
    assert names(clients["secretary_b"].get(url(course))) == {"Cầm Văn Bình"}


def test_query_count_does_not_grow(clients, tree, course, django_assert_num_queries):
    # the course, the org filter checked, its choices listed, the members, their seats, their
    # village posts, those already enrolled among them
    expected = PAGE + 7
    client = clients["commune"]
    village = Village.objects.get(code="V-A1")

    def grow(n, start):
        for k in range(start, start + n):
            m = make_member((tree.cell_a, tree.cell_a2)[k % 2], f"Thành viên {k}")
            seat(m.cell, m)
            ConcurrentRole.objects.create(
                village=village, kind=ConcurrentRole.Kind.FRONT_HEAD, member=m, start=D0
            )
            if k % 3 == 0:
                services.enroll(course=course, members=[m], actor=None)

    grow(1, 0)
    with django_assert_num_queries(expected):
        assert client.get(url(course), {"org": tree.commune_a.pk}).status_code == 200
    grow(6, 1)
    with django_assert_num_queries(expected):
        r = client.get(url(course), {"org": tree.commune_a.pk})
    assert len(r.context["members"]) == 2 + 7
