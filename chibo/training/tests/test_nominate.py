"""Nominating from the committee and succession lists: who is offered, what gets saved."""

import datetime

import pytest
from django.urls import reverse

from chibo.committees.models import QualificationStandard
from chibo.training.models import Enrollment
from conftest import make_member

from .conftest import K, committee_standard, make_course, plan, seat

pytestmark = pytest.mark.django_db
URL = reverse("training:nominate")


@pytest.fixture
def people(tree):
    """Cell A: An (no theory) holds a seat, Ánh (basic) holds the secretary's; cell A2: Dũng
    (no theory) is planned for commune A's secretary, Hà (basic) for cell A2's; Lan's plan
    was withdrawn; an old seat of Em has ended; cell B: Bình (no theory) holds a seat."""
    committee_standard("basic")
    seat(tree.cell_a, tree.member_a)
    seat(tree.cell_a, tree.secretary_member_a, title="secretary")
    seat(tree.cell_b, tree.member_b)
    dung = make_member(tree.cell_a2, "Đinh Văn Dũng")
    ha = make_member(tree.cell_a2, "Lường Thị Hà", sex="female", theory="basic")
    lan = make_member(tree.cell_a2, "Tòng Thị Lan", sex="female")
    em = make_member(tree.cell_a2, "Lò Văn Em")
    plan(tree.commune_a, dung)
    plan(tree.cell_a2, ha, title="deputy_secretary")
    plan(tree.cell_a2, lan, removed_on=datetime.date(2023, 1, 1))
    seat(tree.cell_a2, em, end=datetime.date(2022, 1, 1))
    return {"dung": dung, "ha": ha, "lan": lan, "em": em}


def test_candidates_for_a_basic_theory_course(clients, tree, people):
    course = make_course(tree.district, K.BASIC_THEORY, title="Sơ cấp lý luận khóa 5")
    r = clients["commune"].get(URL, {"course": course.pk})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Sơ cấp lý luận khóa 5" in html
    assert "Nguyễn Văn An" in html  # a seat, below the standard
    assert "Đinh Văn Dũng" in html  # planned, lacks basic
    for name in ("Lò Thị Ánh", "Lường Thị Hà", "Tòng Thị Lan", "Lò Văn Em", "Cầm Văn Bình"):
        assert name not in html, name


def test_candidates_for_an_intermediate_course(clients, tree, people):
    course = make_course(tree.district, K.INTERMEDIATE_THEORY)
    html = clients["commune"].get(URL, {"course": course.pk}).content.decode()
    # Hà has basic but lacks intermediate; An is still below the committee standard.
    assert "Lường Thị Hà" in html and "Đinh Văn Dũng" in html and "Nguyễn Văn An" in html
    assert "Tòng Thị Lan" not in html


def test_nominate_in_one_submit(clients, tree, people):
    course = make_course(tree.district, K.BASIC_THEORY)
    r = clients["commune"].post(
        URL, {"course": course.pk, "members": [tree.member_a.pk, people["dung"].pk]}
    )
    assert r.status_code == 302
    assert r.url == reverse("training:course_detail", args=[course.pk])
    enrolled = Enrollment.objects.filter(course=course)
    assert {e.member_id: e.status for e in enrolled} == {
        tree.member_a.pk: "enrolled",
        people["dung"].pk: "enrolled",
    }
    # Now shown as already enrolled, without a checkbox.
    html = clients["commune"].get(URL, {"course": course.pk}).content.decode()
    assert f'name="members" value="{tree.member_a.pk}"' not in html
    assert "đã có tên" in html


def test_only_candidates_can_be_submitted(clients, tree, people):
    course = make_course(tree.district, K.BASIC_THEORY)
    r = clients["commune"].post(
        URL, {"course": course.pk, "members": [tree.member_a.pk, people["lan"].pk]}
    )
    assert r.status_code == 200
    assert "Có người được chọn không nằm trong danh sách." in r.content.decode()
    assert not Enrollment.objects.exists()
    r = clients["commune"].post(URL, {"course": course.pk})
    assert "Hãy chọn ít nhất một đảng viên." in r.content.decode()


def test_scope_of_the_nominate_page(clients, tree, people):
    course = make_course(tree.district, K.BASIC_THEORY)
    # The secretary of cell A sees only cell A's people.
    html = clients["secretary_a"].get(URL, {"course": course.pk}).content.decode()
    assert "Nguyễn Văn An" in html and "Đinh Văn Dũng" not in html
    # The outsider sees its own cell's seat holder, never commune A's people.
    html = clients["secretary_b"].get(URL, {"course": course.pk}).content.decode()
    assert "Cầm Văn Bình" in html and "Nguyễn Văn An" not in html
    r = clients["secretary_b"].post(URL, {"course": course.pk, "members": [tree.member_a.pk]})
    assert r.status_code == 200
    assert not Enrollment.objects.exists()
    for who in ("analyst", "official", "member_a"):
        assert clients[who].get(URL, {"course": course.pk}).status_code == 404
    commune_b_course = make_course(tree.commune_b, K.BASIC_THEORY)
    assert clients["commune"].get(URL, {"course": commune_b_course.pk}).status_code == 404
    assert clients["commune"].get(URL, {"course": "abc"}).status_code == 400


def test_course_picker_lists_open_courses(clients, tree):
    make_course(tree.district, K.BASIC_THEORY, title="Lớp sắp mở")
    make_course(tree.district, K.BASIC_THEORY, title="Lớp đã xong", start=datetime.date(2021, 1, 1))
    html = clients["commune"].get(URL).content.decode()
    assert "Lớp sắp mở" in html and "Lớp đã xong" not in html


def test_without_a_standard_list_a_is_empty(clients, tree):
    QualificationStandard.objects.filter(applies_to="cell_committee").delete()
    seat(tree.cell_a, tree.member_a)
    course = make_course(tree.district, K.BASIC_THEORY)
    html = clients["commune"].get(URL, {"course": course.pk}).content.decode()
    assert "Chưa có chuẩn trình độ lý luận" in html
    assert "Nguyễn Văn An" not in html


def test_candidates_a_page_at_a_time(clients, tree, people, monkeypatch):
    """Below the standard first, then the successors; a section with no row on the page is left
    out of it; a submit from page 2 enrols who was ticked there."""
    monkeypatch.setattr("chibo.training.views.NOMINATE_PAGE_SIZE", 1)
    course = make_course(tree.district, K.BASIC_THEORY)
    first = clients["commune"].get(URL, {"course": course.pk}).content.decode()
    assert "Nguyễn Văn An" in first and "Đinh Văn Dũng" not in first
    assert "Người trong quy hoạch" not in first and "Trang 1/2" in first
    second = clients["commune"].get(URL, {"course": course.pk, "page": 2}).content.decode()
    assert "Đinh Văn Dũng" in second and "Nguyễn Văn An" not in second
    assert "chưa đạt chuẩn lý luận" not in second and 'name="page" value="2"' in second
    r = clients["commune"].post(URL, {"course": course.pk, "page": 2})
    assert "Hãy chọn ít nhất một đảng viên." in r.content.decode()
    assert 'name="page" value="2"' in r.content.decode()
    r = clients["commune"].post(URL, {"course": course.pk, "page": 2, "members": people["dung"].pk})
    assert r.status_code == 302
    assert list(Enrollment.objects.values_list("member_id", flat=True)) == [people["dung"].pk]
    assert clients["commune"].get(URL, {"course": course.pk, "page": "x"}).status_code == 400
