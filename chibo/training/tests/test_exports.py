"""The .xlsx exports open with openpyxl, hold the scoped rows, and never carry a formula."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chibo.training import services
from chibo.training.models import Contestant

from .conftest import K, make_course

pytestmark = pytest.mark.django_db


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


@pytest.fixture
def course(tree):
    c = make_course(
        tree.district,
        K.BASIC_THEORY,
        title='=HYPERLINK("http://x")',
        start=datetime.date(2022, 3, 1),
    )
    services.enroll(course=c, members=[tree.member_a, tree.member_b], actor=None)
    e = c.enrollments.get(member=tree.member_a)
    services.record_result(
        enrollment=e,
        status="completed",
        certificate="+84 SC",
        completed_on=datetime.date(2022, 3, 20),
        actor=None,
    )
    return c


def test_course_list_export(clients, course):
    rows = sheet(clients["admin"].get(reverse("training:course_export")))
    assert rows[0][:3] == ["Tên lớp", "Loại lớp", "Đơn vị tổ chức"]
    (row,) = rows[1:]
    assert row[0] == '\'=HYPERLINK("http://x")'  # neutralized: text, not a formula
    assert row[3] == datetime.datetime(2022, 3, 1)
    assert row[6:8] == [2, 1]
    # The commune counts its own people only.
    rows = sheet(clients["commune"].get(reverse("training:course_export")))
    assert rows[1][6:8] == [1, 1]
    assert clients["admin"].get(reverse("training:course_export"), {"year": "x"}).status_code == 400


def test_participants_export_is_scoped(clients, course):
    url = reverse("training:course_participants_export", args=[course.pk])
    rows = sheet(clients["admin"].get(url))
    names = [r[0] for r in rows[1:]]
    assert names == ["Nguyễn Văn An", "Cầm Văn Bình"]  # by given name: An, Bình
    an = next(r for r in rows[1:] if r[0] == "Nguyễn Văn An")
    assert an[3:7] == ["Sơ cấp", "Hoàn thành", "'+84 SC", datetime.datetime(2022, 3, 20)]
    rows = sheet(clients["secretary_b"].get(url))
    assert [r[0] for r in rows[1:]] == ["Cầm Văn Bình"]


def test_contest_results_export(clients, tree):
    c = services.contest_create(actor=None, name="Hội thi 2022", organizer=tree.district, year=2022)
    rnd = services.round_create(
        contest=c,
        level="grassroots",
        held_on=datetime.date(2022, 5, 1),
        organizer=tree.commune_a,
        actor=None,
    )
    for member, score in ((tree.member_a, "70"), (tree.secretary_member_a, "90.5")):
        entry = services.contestant_add(round=rnd, member=member, actor=None)
        services.score_record(contestant=entry, score=score, actor=None)
    Contestant.objects.filter(member=tree.member_a).update(prize="consolation")
    rows = sheet(clients["commune"].get(reverse("training:contest_export", args=[c.pk])))
    assert [r[3:7] for r in rows[1:]] == [
        [1, "Lò Thị Ánh", "Chi bộ bản Áng", 90.5],
        [2, "Nguyễn Văn An", "Chi bộ bản Áng", 70],
    ]
    assert rows[2][7] == "Giải Khuyến khích"
    assert (
        clients["secretary_b"].get(reverse("training:contest_export", args=[c.pk])).status_code
        == 200
    )  # the district's contest is open to B, with none of A's people
    rows = sheet(clients["secretary_b"].get(reverse("training:contest_export", args=[c.pk])))
    assert rows[1:] == []
