"""Course pages for every persona: allowed, read-only, own only, outsider (404)."""

import datetime

import pytest
from django.urls import reverse

from chibo.core.models import AuditEvent
from chibo.members.models import Member
from chibo.training import services
from chibo.training.models import Enrollment, TrainingCourse

from .conftest import K, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses(tree):
    """A district course with a member of cell A and one of cell B; one course per commune."""
    district = make_course(
        tree.district, title="Tập huấn nghiệp vụ huyện", start=datetime.date(2022, 4, 4)
    )
    services.enroll(course=district, members=[tree.member_a, tree.member_b], actor=None)
    commune_a = make_course(
        tree.commune_a,
        K.GOVERNMENT_WORK,
        title="Tập huấn chính quyền xã An",
        start=datetime.date(2023, 2, 1),
    )
    commune_b = make_course(
        tree.commune_b, title="Tập huấn xã Bình", start=datetime.date(2023, 3, 1)
    )
    services.enroll(course=commune_b, members=[tree.member_b], actor=None)
    return {"district": district, "commune_a": commune_a, "commune_b": commune_b}


LIST_SEES = {
    "admin": {"district", "commune_a", "commune_b"},
    "analyst": {"district", "commune_a", "commune_b"},
    "commune": {"district", "commune_a"},
    "secretary_a": {"district", "commune_a"},
    "official": {"district", "commune_a"},
    "secretary_b": {"district", "commune_b"},
}
TITLES = {
    "district": "Tập huấn nghiệp vụ huyện",
    "commune_a": "Tập huấn chính quyền xã An",
    "commune_b": "Tập huấn xã Bình",
}


@pytest.mark.parametrize("who", sorted(LIST_SEES))
def test_course_list_is_scoped(clients, courses, who):
    r = clients[who].get(reverse("training:courses"))
    assert r.status_code == 200
    html = r.content.decode()
    for key, title in TITLES.items():
        assert (title in html) == (key in LIST_SEES[who]), (who, key)
    assert ("Thêm lớp" in html) == (who in ("admin", "commune"))


def test_member_alone_has_no_course_list(clients, courses):
    assert clients["member_a"].get(reverse("training:courses")).status_code == 404


def test_course_list_filters_and_bad_input(clients, courses, tree):
    admin = clients["admin"]
    r = admin.get(reverse("training:courses"), {"kind": "government_work"})
    assert "Tập huấn chính quyền xã An" in r.content.decode()
    assert "Tập huấn nghiệp vụ huyện" not in r.content.decode()
    r = admin.get(reverse("training:courses"), {"year": 2022})
    assert "Tập huấn nghiệp vụ huyện" in r.content.decode()
    assert "Tập huấn xã Bình" not in r.content.decode()
    r = admin.get(reverse("training:courses"), {"org": tree.commune_b.pk})
    assert "Tập huấn xã Bình" in r.content.decode()
    assert "Tập huấn nghiệp vụ huyện" not in r.content.decode()
    r = admin.get(reverse("training:courses"), {"kind": "<script>", "year": "abc"})
    assert r.status_code == 400
    assert b"<script>" not in r.content
    # An organization outside the scope is a 404, like a missing one.
    r = clients["commune"].get(reverse("training:courses"), {"org": tree.commune_b.pk})
    assert r.status_code == 404


DETAIL = {
    # who: (sees the district course's member of cell A, of cell B, may record results)
    "admin": (True, True, True),
    "analyst": (True, True, False),
    "commune": (True, False, True),
    "secretary_a": (True, False, True),
    "official": (True, False, False),
    "secretary_b": (False, True, True),
}


@pytest.mark.parametrize("who", sorted(DETAIL))
def test_course_detail_lists_own_people_only(clients, courses, tree, who):
    sees_a, sees_b, records = DETAIL[who]
    r = clients[who].get(reverse("training:course_detail", args=[courses["district"].pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert ("Nguyễn Văn An" in html) == sees_a
    assert ("Cầm Văn Bình" in html) == sees_b
    assert ('name="certificate"' in html) == records


@pytest.mark.parametrize(
    "who, key", [("secretary_b", "commune_a"), ("commune", "commune_b"), ("member_a", "district")]
)
def test_course_detail_outside_scope_is_404(clients, courses, who, key):
    r = clients[who].get(reverse("training:course_detail", args=[courses[key].pk]))
    assert r.status_code == 404
    r = clients[who].get(reverse("training:course_participants_export", args=[courses[key].pk]))
    assert r.status_code == 404


def _result_url(course, member):
    e = Enrollment.objects.get(course=course, member=member)
    return reverse("training:enrollment_result", args=[e.pk]), e


@pytest.mark.parametrize("who", ["analyst", "official", "secretary_b", "member_a"])
def test_recording_a_result_is_404_for_readers_and_outsiders(clients, courses, tree, who):
    url, e = _result_url(courses["district"], tree.member_a)
    r = clients[who].post(url, {"status": "failed"})
    assert r.status_code == 404
    e.refresh_from_db()
    assert e.status == "enrolled"


def test_commune_records_a_result_for_its_member(clients, courses, tree):
    url, e = _result_url(courses["district"], tree.member_a)
    r = clients["commune"].post(
        url, {"status": "completed", "certificate": "CN-7", "completed_on": "20/04/2022"}
    )
    assert r.status_code == 302
    e.refresh_from_db()
    assert (e.status, e.certificate, e.completed_on) == (
        "completed",
        "CN-7",
        datetime.date(2022, 4, 20),
    )
    # Bad input: a clear message, nothing saved.
    r = clients["commune"].post(url, {"status": "failed", "certificate": "X"})
    assert r.status_code == 200
    assert "Chỉ người hoàn thành mới có số chứng chỉ." in r.content.decode()
    e.refresh_from_db()
    assert e.status == "completed"
    # The member of cell B in the same course is not the commune's to record.
    url_b, _ = _result_url(courses["district"], tree.member_b)
    assert clients["commune"].post(url_b, {"status": "absent"}).status_code == 404


def test_course_create_and_edit(clients, courses, tree, personas):
    data = {
        "kind": "party_work",
        "title": "Bồi dưỡng bí thư chi bộ",
        "organizer": tree.commune_a.pk,
        "start": "05/06/2023",
        "end": "06/06/2023",
        "place": "Hội trường xã",
    }
    r = clients["commune"].post(reverse("training:course_create"), data)
    assert r.status_code == 302
    course = TrainingCourse.objects.get(title="Bồi dưỡng bí thư chi bộ")
    assert (course.organizer, course.start) == (tree.commune_a, datetime.date(2023, 6, 5))
    assert AuditEvent.objects.get(object_id=str(course.pk), object_type="training.trainingcourse")
    # Organizing for another commune is not offered.
    r = clients["commune"].post(
        reverse("training:course_create"), {**data, "organizer": tree.commune_b.pk}
    )
    assert r.status_code == 200
    assert TrainingCourse.objects.filter(title=data["title"]).count() == 1
    for who in ("analyst", "official", "secretary_a", "member_a"):
        assert clients[who].get(reverse("training:course_create")).status_code == 404
    edit = reverse("training:course_edit", args=[course.pk])
    r = clients["commune"].post(edit, {**data, "end": "01/06/2023"})
    assert "Ngày kết thúc không được trước ngày bắt đầu." in r.content.decode()
    r = clients["commune"].post(edit, {**data, "place": "Nhà văn hóa bản Áng"})
    assert r.status_code == 302
    course.refresh_from_db()
    assert course.place == "Nhà văn hóa bản Áng"
    assert clients["secretary_b"].get(edit).status_code == 404
    assert clients["analyst"].get(edit).status_code == 404
    # The district course is not the commune's to edit.
    district_edit = reverse("training:course_edit", args=[courses["district"].pk])
    assert clients["commune"].get(district_edit).status_code == 404


def test_enroll_page_offers_the_write_scope_only(clients, courses, tree):
    url = reverse("training:course_enroll", args=[courses["commune_a"].pk])
    r = clients["secretary_a"].get(url)
    html = r.content.decode()
    assert "Nguyễn Văn An" in html and "Lò Thị Ánh" in html
    assert "Cầm Văn Bình" not in html
    r = clients["secretary_a"].get(url, {"q": "anh"})
    assert "Lò Thị Ánh" in r.content.decode() and "Nguyễn Văn An" not in r.content.decode()
    r = clients["secretary_a"].post(url, {"members": [tree.member_a.pk, tree.member_b.pk]})
    assert r.status_code == 200  # member B is not offered: the form refuses, nothing saved
    assert not courses["commune_a"].enrollments.exists()
    r = clients["secretary_a"].post(
        url, {"members": [tree.member_a.pk, tree.secretary_member_a.pk]}
    )
    assert r.status_code == 302
    assert set(courses["commune_a"].enrollments.values_list("member_id", flat=True)) == {
        tree.member_a.pk,
        tree.secretary_member_a.pk,
    }
    # Again: duplicates refused with the names.
    r = clients["secretary_a"].post(url, {"members": [tree.member_a.pk]})
    assert "Đã có tên trong lớp này: Nguyễn Văn An." in r.content.decode()
    for who in ("analyst", "official", "member_a"):
        assert clients[who].get(url).status_code == 404
    assert clients["secretary_b"].get(url).status_code == 404  # course not visible to B


@pytest.mark.parametrize("huge", ["99999999999999999999", "9223372036854775808", "²"])
def test_ids_no_database_takes_are_refused_not_a_500(huge, clients, courses, tree):
    """SQLite raised OverflowError (a 500) on an id over 2^63 - 1 where PostgreSQL finds no row;
    "²" passed str.isdigit() and then failed int()."""
    url = reverse("training:course_enroll", args=[courses["commune_a"].pk])
    client = clients["secretary_a"]
    assert client.get(url, {"cell": huge}).status_code == 400
    for page in (url, reverse("training:course_enroll_many", args=[courses["commune_a"].pk])):
        r = client.post(page, {"members": [tree.member_a.pk, huge]})
        assert r.status_code == 200, page
    assert not courses["commune_a"].enrollments.exists()
    assert clients["secretary_a"].get(url, {"cell": "x"}).status_code == 400


@pytest.mark.parametrize(
    "who, member, status",
    [
        ("secretary_a", "member_a", 200),
        ("official", "member_a", 200),
        ("member_a", "member_a", 200),
        ("member_a", "secretary_member_a", 404),
        ("secretary_b", "member_a", 404),
        ("commune", "member_b", 404),
        ("analyst", "member_b", 200),
    ],
)
def test_member_history_page(clients, courses, tree, who, member, status):
    m = getattr(tree, member)
    r = clients[who].get(reverse("training:member", args=[m.pk]))
    assert r.status_code == status
    if status == 200:
        assert "Tập huấn nghiệp vụ huyện" in r.content.decode()


def test_member_history_shows_theory_changes(clients, tree, past_basic_course, personas):
    (e,) = services.enroll(course=past_basic_course, members=[tree.member_a], actor=None)
    services.record_result(
        enrollment=e,
        status="completed",
        completed_on=datetime.date(2022, 3, 30),
        actor=personas["admin"],
    )
    r = clients["secretary_a"].get(reverse("training:member", args=[tree.member_a.pk]))
    html = r.content.decode()
    assert "30/03/2022" in html and "Sơ cấp" in html
    assert Member.objects.get(pk=tree.member_a.pk).theory_level == "basic"


def test_htmx_filter_returns_the_results_fragment(clients, courses):
    r = clients["admin"].get(
        reverse("training:courses"), {"kind": "government_work"}, HTTP_HX_REQUEST="true"
    )
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html
    assert "Tập huấn chính quyền xã An" in html and "Tập huấn nghiệp vụ huyện" not in html


def test_list_pages_link_to_the_indicator_lists(clients, courses):
    html = clients["commune"].get(reverse("training:courses")).content.decode()
    for code in ("training_courses", "training_attendances", "sent_basic_theory"):
        assert reverse("training:indicator", args=[code]) in html
    html = clients["commune"].get(reverse("training:contests")).content.decode()
    assert reverse("training:indicator", args=["contest_cells"]) in html
