"""The meeting indicators with known figures on the small tree, as of a date on the structure
of that date; the month they look at; the lists behind them; scope and query counts."""

import pytest
from django.urls import reverse

from chibo.core.indicators import all_indicators, get
from chibo.meetings import indicators as ind
from chibo.meetings.models import CellMeeting, QualityClass, Task
from chibo.organizations import services as org_services
from chibo.organizations.models import Organization

from .oversight_helpers import (  # noqa: F401
    BASE,
    D,
    S,
    chrome_queries,
    fixed_today,
    meet,
    task,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]
AS_OF = D(2023, 3, 31)
MARCH = D(2023, 3, 1)
T = Task.State
THEMATIC = CellMeeting.Kind.THEMATIC


@pytest.fixture
def data(tree):
    """March 2023: cell A met on the day (8/10, Tốt, a thematic part); A2 met late (4/6, Khá);
    B met early (2/5, Kém) and only planned its thematic meeting. A2 held a thematic meeting in
    January (Q1), B one in December (Q4 of 2022). Cell A's tasks as listed."""
    a = meet(
        tree.cell_a,
        held_on=D(2023, 3, 24),
        present=8,
        summoned=10,
        points=91,
        quality=QualityClass.GOOD,
        topic="Chuyển đổi số",
    )
    meet(tree.cell_a2, held_on=D(2023, 3, 26), present=4, summoned=6, points=70, quality="fair")
    meet(tree.cell_b, held_on=D(2023, 3, 22), present=2, summoned=5, points=40, quality="poor")
    meet(tree.cell_b, kind=THEMATIC, day=12, topic="Phòng chống ma túy")
    meet(tree.cell_a2, D(2023, 1, 1), kind=THEMATIC, day=12, held_on=D(2023, 1, 12), topic="Q1")
    meet(tree.cell_b, D(2022, 12, 1), kind=THEMATIC, day=12, held_on=D(2022, 12, 12), topic="Q4")
    meet(tree.cell_a, D(2022, 12, 1), held_on=D(2022, 12, 24), present=1, summoned=10)
    for title, deadline, state in [
        ("Ngoài 12 tháng", D(2022, 3, 15), T.DONE),
        ("Làm đường", D(2022, 6, 1), T.DONE),
        ("Thu đảng phí", D(2022, 9, 1), T.LATE),
        ("Vận động tiêm chủng", D(2023, 1, 15), T.NOT_DONE),
        ("Chưa đánh giá", D(2023, 3, 20), T.OPEN),
        ("Sau ngày tính", D(2023, 4, 10), T.DONE),
    ]:
        task(a, title, deadline, state)
    return tree


def figures(org, as_of=AS_OF):
    return {code: (v.value, v.of) for code in ind.CODES for v in [get(code).compute(org, as_of)]}


def test_registered_in_order():
    codes = [i.code for i in all_indicators()]
    assert [c for c in codes if c in ind.CODES] == list(ind.CODES)


def test_district_figures(data):
    assert figures(data.district) == {
        "meetings_held_on_schedule": (1, 3),
        "meeting_attendance_rate": (14, 21),
        "thematic_meetings_quarter": (2, 3),
        "meeting_quality_classes": (2, 3),
        "task_completion_rate": (2, 3),
    }
    assert get("meeting_attendance_rate").compute(data.district, AS_OF).text == "14/21 (66,6%)"
    assert get("meetings_held_on_schedule").compute(data.district, AS_OF).text == "1/3 (33,3%)"


def test_commune_and_cell_figures(data):
    assert figures(data.commune_a) == {
        "meetings_held_on_schedule": (1, 2),
        "meeting_attendance_rate": (12, 16),
        "thematic_meetings_quarter": (2, 2),
        "meeting_quality_classes": (2, 2),
        "task_completion_rate": (2, 3),
    }
    assert figures(data.cell_b) == {
        "meetings_held_on_schedule": (0, 1),
        "meeting_attendance_rate": (2, 5),
        "thematic_meetings_quarter": (0, 1),
        "meeting_quality_classes": (0, 1),
        "task_completion_rate": (0, 0),
    }


@pytest.mark.parametrize(
    "as_of, month",
    [
        (D(2023, 3, 31), D(2023, 3, 1)),
        (D(2023, 3, 27), D(2023, 3, 1)),  # 24th + 2 days passed
        (D(2023, 3, 26), D(2023, 2, 1)),  # still in time: February's figures
        (D(2023, 4, 10), D(2023, 3, 1)),  # April has no meetings yet
        (D(2023, 1, 5), D(2022, 12, 1)),
    ],
)
def test_reference_month(data, as_of, month):
    assert ind.basis(data.district, as_of).month == month


def test_month_before_when_not_yet_due(data):
    # 26/03: March not due yet, February has no meetings: nothing met, the cells still count.
    f = figures(data.district, D(2023, 3, 26))
    assert f["meetings_held_on_schedule"] == (0, 3)
    assert f["meeting_attendance_rate"] == (0, 0)
    assert f["thematic_meetings_quarter"] == (1, 3)  # A2's January meeting, Q1 up to February


def test_on_the_structure_of_the_date(data):
    org_services.org_reparent(
        org=data.cell_a2, new_parent=data.commune_b, on=D(2023, 4, 10), actor=None
    )
    org_services.org_create(
        code="XA-03",
        name="Chi bộ bản Mới",
        kind=Organization.Kind.CELL,
        cell_type="residential",
        parent=data.commune_a,
        valid_from=D(2023, 4, 5),
        actor=None,
    )
    # As of 31/03 commune A still has A2; as of 30/04 (March's figures) only A: the new cell
    # did not exist in March and is not expected to have met.
    assert figures(data.commune_a)["meetings_held_on_schedule"] == (1, 2)
    later = figures(data.commune_a, D(2023, 4, 30))
    assert later["meetings_held_on_schedule"] == (1, 1)
    assert later["meeting_attendance_rate"] == (8, 10)
    assert figures(data.commune_b, D(2023, 4, 30))["meetings_held_on_schedule"] == (0, 2)


def test_task_window_is_twelve_months(data):
    assert figures(data.cell_a, D(2023, 4, 10))["task_completion_rate"] == (3, 4)
    assert figures(data.cell_a, D(2022, 6, 1))["task_completion_rate"] == (2, 2)


def test_rows_agree_with_the_figures(data):
    org = data.district
    _b, cells, on_day = ind.meetings_held_on_schedule_rows(org, AS_OF)
    assert cells.count() == 3 and on_day.count() == 1
    _b, rows = ind.meeting_attendance_rate_rows(org, AS_OF)
    assert sum(m.present for m in rows) == 14 and sum(m.summoned for m in rows) == 21
    _b, cells, thematic = ind.thematic_meetings_quarter_rows(org, AS_OF)
    assert {m.topic for m in thematic} == {"Chuyển đổi số", "Q1"}
    _b, rows, breakdown = ind.meeting_quality_classes_rows(org, AS_OF)
    assert breakdown == {"good": 1, "fair": 1, "average": 0, "poor": 1} and rows.count() == 3
    since, rows = ind.task_completion_rate_rows(org, AS_OF)
    assert since == D(2022, 3, 31)
    assert [t.title for t in rows] == ["Làm đường", "Thu đảng phí", "Vận động tiêm chủng"]


def test_year_before_a_leap_day():
    assert ind.year_before(D(2024, 2, 29)) == D(2023, 2, 28)


# --- the pages ------------------------------------------------------------------------------


def page(code):
    return reverse("meetings:indicator", args=[code])


def test_list_pages(clients, data):
    q = {"org": data.district.pk, "as_of": "31/03/2023"}
    r = clients["analyst"].get(page("meetings_held_on_schedule"), q)
    assert r.status_code == 200
    html = r.content.decode()
    assert "1/3 (33,3%)" in html and "Chi bộ bản Bó" in html and "03/2023" in html
    counted = {p.name: p.counted for p in r.context["page"].object_list}
    assert counted == {"Chi bộ bản Áng": True, "Chi bộ bản Đông": False, "Chi bộ bản Bó": False}
    r = clients["analyst"].get(page("meeting_quality_classes"), q)
    assert r.context["breakdown"] == [("Tốt", 1), ("Khá", 1), ("Trung bình", 0), ("Kém", 1)]
    assert 'id="breakdown"' in r.content.decode()
    r = clients["analyst"].get(page("thematic_meetings_quarter"), q)
    found = {p.name: [m.topic for m in p.thematic] for p in r.context["page"].object_list}
    assert found == {
        "Chi bộ bản Áng": ["Chuyển đổi số"],
        "Chi bộ bản Đông": ["Q1"],
        "Chi bộ bản Bó": [],
    }
    r = clients["analyst"].get(page("task_completion_rate"), q)
    assert "Vận động tiêm chủng" in r.content.decode() and "Sau ngày tính" not in r.content.decode()
    r = clients["analyst"].get(page("meeting_attendance_rate"), q)
    assert "14/21 (66,6%)" in r.content.decode()


@pytest.mark.usefixtures("fixed_today")
def test_list_page_defaults_to_the_users_organization(clients, data):
    r = clients["commune"].get(page("meetings_held_on_schedule"))
    assert r.status_code == 200 and r.context["org"] == data.commune_a
    assert r.context["as_of"] == AS_OF
    assert {p.name for p in r.context["page"].object_list} == {"Chi bộ bản Áng", "Chi bộ bản Đông"}


@pytest.mark.parametrize(
    "who, org, status",
    [
        ("admin", "district", 200),
        ("analyst", "commune_b", 200),
        ("commune", "commune_a", 200),
        ("commune", "commune_b", 404),
        ("commune", "district", 404),
        ("secretary_a", "cell_a", 200),
        ("secretary_a", "commune_a", 404),
        ("official", "cell_a", 200),
        ("secretary_b", "cell_a", 404),
        ("member_a", "cell_a", 404),
    ],
)
def test_list_page_scope(clients, data, who, org, status):
    q = {"org": getattr(data, org).pk, "as_of": "31/03/2023"}
    for code in ind.CODES:
        assert clients[who].get(page(code), q).status_code == status, code


def test_bad_input(clients, data):
    assert clients["admin"].get(page("nope")).status_code == 404
    r = clients["admin"].get(page("meeting_attendance_rate"), {"as_of": "31/13/2023"})
    assert r.status_code == 400
    assert clients["admin"].get(page("task_completion_rate"), {"page": "x"}).status_code == 400


# org; the figure (its own queries); the list: basis (month, rules: the path the figure read is
# kept for the request), then per page
QUERIES = {
    # 5; count, rows, their meetings, the cells counted
    "meetings_held_on_schedule": 1 + 5 + 2 + 4,
    # 4; count, rows
    "meeting_attendance_rate": 1 + 4 + 2 + 2,
    # 5; count, rows, their thematic meetings
    "thematic_meetings_quarter": 1 + 5 + 2 + 3,
    # 4; breakdown, count, rows
    "meeting_quality_classes": 1 + 4 + 2 + 3,
    # no figure of its own; the list: path, figure (its total is the count), the page's ids,
    # its rows
    "task_completion_rate": 1 + 4,
}


def grow(tree, n, start):
    for i in range(start, start + n):
        cell = org_services.org_create(
            code=f"XA-N{i}",
            name=f"Chi bộ mới {i}",
            kind=Organization.Kind.CELL,
            cell_type="residential",
            parent=tree.commune_a,
            valid_from=D(2015, 1, 1),
            actor=None,
        )
        m = meet(cell, held_on=D(2023, 3, 24), present=3, summoned=4, points=80, quality="fair")
        meet(cell, kind=THEMATIC, day=10, held_on=D(2023, 3, 10), topic=f"Chuyên đề {i}")
        task(m, f"Việc {i}", D(2023, 2, 1), T.DONE)


@pytest.mark.parametrize("code", sorted(QUERIES))
def test_list_page_query_count(clients, personas, data, code, django_assert_num_queries):
    q = {"org": data.district.pk, "as_of": "31/03/2023"}
    expected = BASE + chrome_queries(personas["analyst"]) + QUERIES[code]
    grow(data, 1, 0)
    with django_assert_num_queries(expected):
        assert clients["analyst"].get(page(code), q).status_code == 200
    grow(data, 4, 1)
    with django_assert_num_queries(expected):
        assert clients["analyst"].get(page(code), q).status_code == 200


def test_planned_meetings_never_count(tree):
    meet(tree.cell_a, summoned=10, present=0)
    assert figures(tree.district)["meeting_attendance_rate"] == (0, 0)
    assert CellMeeting.objects.get().status == S.PLANNED
