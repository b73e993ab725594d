"""The commune's month at a glance and the district overview: what each persona sees, the
situations (on the day, late, overdue, planned), filters, bad input, the .xlsx export, and
query counts at two sizes."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chibo.meetings.models import CellMeeting, MeetingRule, QualityClass
from chibo.meetings.oversight import overview as overview_sel
from chibo.meetings.oversight import selectors as sel
from chibo.meetings.oversight import views as views_oversight
from chibo.organizations import services as org_services
from chibo.organizations.models import Organization

from .oversight_helpers import (  # noqa: F401
    BASE,
    MARCH,
    OTP,
    TODAY,
    D,
    S,
    chrome_queries,
    fixed_today,
    meet,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords", "fixed_today")]

MONTH_URL = reverse("meetings:month")
OVERVIEW_URL = reverse("meetings:overview")
NAMES = {"a": "Chi bộ bản Áng", "a2": "Chi bộ bản Đông", "b": "Chi bộ bản Bó"}


@pytest.fixture
def march(tree, personas):
    """Cell A met on the day (held, good, 2 guests, a thematic part); cell A2 did not record
    its meeting (overdue on 31/03); cell B met late and was confirmed."""
    return {
        "a": meet(
            tree.cell_a,
            held_on=D(2023, 3, 24),
            present=8,
            summoned=10,
            points=92,
            quality=QualityClass.GOOD,
            topic="Chuyển đổi số",
            guests=2,
            recorded_by=personas["secretary_a"],
        ),
        "a2": meet(tree.cell_a2),
        "b": meet(
            tree.cell_b,
            held_on=D(2023, 3, 27),
            status=S.CONFIRMED,
            present=5,
            summoned=6,
            points=75,
            quality=QualityClass.FAIR,
        ),
    }


def rows_of(response) -> dict:
    return {r.name: r for r in response.context["rows"]}


# --- situations -----------------------------------------------------------------------------


def test_situation_of_each_kind_of_row():
    m = CellMeeting(scheduled_date=D(2023, 3, 24), status=S.PLANNED)
    assert sel.situation(None, 2, TODAY) == "unscheduled"
    assert sel.situation(m, 2, D(2023, 3, 26)) == "planned"  # the 26th is still in time
    assert sel.situation(m, 2, D(2023, 3, 27)) == "overdue"
    assert sel.situation(m, 5, D(2023, 3, 27)) == "planned"
    m.status, m.held_on = S.HELD, D(2023, 3, 24)
    assert sel.situation(m, 2, TODAY) == "on_day"
    m.held_on = D(2023, 3, 25)
    assert sel.situation(m, 2, TODAY) == "late"
    m.held_on = D(2023, 3, 23)
    assert sel.situation(m, 2, TODAY) == "early"


def test_a_communes_own_rule_sets_its_overdue_days(tree, march):
    MeetingRule.objects.create(
        organization=tree.commune_a,
        cell_type="residential",
        effective_from=D(2023, 1, 1),
        day=24,
        overdue_after_days=10,
        source="Quy định riêng của xã",
    )
    view = sel.month_view([tree.district], MARCH)
    by_name = {r.name: r for r in view.rows}
    assert by_name[NAMES["a2"]].situation == "planned"  # 24 + 10 days: not overdue yet
    assert by_name[NAMES["a2"]].due == D(2023, 4, 3)
    # The overview counts it the same way (several overdue_after_days among the rules).
    ov = overview_sel.overview([tree.district], MARCH)
    assert ov.total.overdue == 0
    MeetingRule.objects.filter(organization=tree.commune_a).update(overdue_after_days=2)
    assert overview_sel.overview([tree.district], MARCH).total.overdue == 1


# --- the month page -------------------------------------------------------------------------


def test_commune_sees_its_cells_month(clients, march):
    r = clients["commune"].get(MONTH_URL, {"month": "2023-03"})
    assert r.status_code == 200
    rows = rows_of(r)
    assert set(rows) == {NAMES["a"], NAMES["a2"]}  # not cell B of the other commune
    a, a2 = rows[NAMES["a"]], rows[NAMES["a2"]]
    assert a.situation == "on_day" and a.attendance == "80%" and a.meeting.guest_count == 2
    assert a.thematic_topics == ["Chuyển đổi số"]
    assert a2.situation == "overdue"
    counts = r.context["view"].counts
    assert counts["on_day"] == 1 and counts["overdue"] == 1 and counts["to_review"] == 1
    html = r.content.decode()
    assert "Chi bộ bản Bó" not in html
    assert "8/10" in html and "Tốt" in html and "Chuyển đổi số" in html
    assert reverse("meetings:review_confirm", args=[march["a"].pk]) in html
    assert reverse("meetings:meeting_review", args=[march["a2"].pk]) in html
    link = views_oversight._record_link()
    assert f'href="{link["record_head"]}{march["a2"].pk}{link["record_tail"]}"' in html


def test_default_month_is_the_latest_with_meetings(clients, march, monkeypatch):
    r = clients["commune"].get(MONTH_URL)
    assert r.context["month"] == MARCH
    # Two years on, with nothing recorded since, the page still opens on March 2023.
    monkeypatch.setattr(sel.dates, "today", lambda: D(2025, 6, 3))
    r = clients["commune"].get(MONTH_URL)
    assert r.context["month"] == MARCH
    assert rows_of(r)[NAMES["a2"]].situation == "overdue"
    # A month without meetings shows every cell as unscheduled.
    r = clients["commune"].get(MONTH_URL, {"month": "2023-05"})
    assert {x.situation for x in r.context["rows"]} == {"unscheduled"}


def test_admin_sees_every_cell_and_late_meetings(clients, march, tree):
    r = clients["admin"].get(MONTH_URL, {"month": "2023-03", "org": tree.district.pk})
    rows = rows_of(r)
    assert set(rows) == set(NAMES.values())
    b = rows[NAMES["b"]]
    assert b.situation == "late" and b.meeting.status == S.CONFIRMED
    assert "Chờ xác nhận" in r.content.decode()


def test_status_filter(clients, march, tree):
    client = clients["admin"]
    params = {"month": "2023-03", "org": tree.district.pk}
    assert set(rows_of(client.get(MONTH_URL, {**params, "status": "overdue"}))) == {NAMES["a2"]}
    assert set(rows_of(client.get(MONTH_URL, {**params, "status": "late"}))) == {NAMES["b"]}
    assert set(rows_of(client.get(MONTH_URL, {**params, "status": "to_review"}))) == {NAMES["a"]}
    confirmed = client.get(MONTH_URL, {**params, "status": "confirmed"})
    assert set(rows_of(confirmed)) == {NAMES["b"]}
    # The counts stay those of the whole month.
    assert confirmed.context["view"].total == 3


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2023-13"},
        {"month": "tháng ba"},
        {"status": "<script>"},
        {"org": "abc"},
        {"format": "pdf"},
    ],
)
def test_bad_query_is_a_400(clients, march, params):
    r = clients["commune"].get(MONTH_URL, params)
    assert r.status_code == 400
    assert b"<script>" not in r.content
    assert clients["admin"].get(OVERVIEW_URL, params).status_code in (200, 400)


def test_month_in_vietnamese_order_is_accepted(clients, march):
    r = clients["commune"].get(MONTH_URL, {"month": "03/2023"})
    assert r.status_code == 200 and r.context["month"] == MARCH


@pytest.mark.parametrize(
    "who, sees, buttons",
    [
        ("admin", {"a", "a2"}, True),
        ("analyst", {"a", "a2"}, False),
        ("commune", {"a", "a2"}, True),
    ],
)
def test_month_page_of_commune_a_by_persona(clients, march, tree, who, sees, buttons):
    r = clients[who].get(MONTH_URL, {"month": "2023-03", "org": tree.commune_a.pk})
    assert r.status_code == 200
    assert set(rows_of(r)) == {NAMES[k] for k in sees}
    confirm = reverse("meetings:review_confirm", args=[march["a"].pk])
    assert (confirm in r.content.decode()) == buttons


@pytest.mark.parametrize("who", ["secretary_a", "official"])
def test_secretary_and_official_see_only_their_cell(clients, march, who):
    r = clients[who].get(MONTH_URL, {"month": "2023-03"})
    assert r.status_code == 200
    assert set(rows_of(r)) == {NAMES["a"]}
    html = r.content.decode()
    assert "Chi bộ bản Đông" not in html and "Chi bộ bản Bó" not in html
    assert reverse("meetings:review_confirm", args=[march["a"].pk]) not in html


@pytest.mark.parametrize(
    "who, org",
    [("secretary_b", "commune_a"), ("secretary_a", "commune_a"), ("commune", "commune_b")],
)
def test_outsiders_get_404(clients, march, tree, who, org):
    params = {"month": "2023-03", "org": getattr(tree, org).pk}
    assert clients[who].get(MONTH_URL, params).status_code == 404
    assert clients[who].get(OVERVIEW_URL, params).status_code == 404


def test_member_alone_has_no_oversight_pages(clients, march):
    for url in (MONTH_URL, OVERVIEW_URL, reverse("meetings:meeting_review", args=[march["a"].pk])):
        assert clients["member_a"].get(url).status_code == 404


def test_anonymous_is_sent_to_login(client, march):
    r = client.get(MONTH_URL)
    assert r.status_code == 302 and "login" in r["Location"]


def test_month_export(clients, march, tree):
    CellMeeting.objects.filter(pk=march["b"].pk).update(review_comment="=HYPERLINK(1)")
    r = clients["admin"].get(
        MONTH_URL, {"month": "2023-03", "org": tree.district.pk, "format": "xlsx"}
    )
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][1] == "Chi bộ" and len(rows) == 4
    by_cell = {row[1]: row for row in rows[1:]}
    a = by_cell[NAMES["a"]]
    assert a[2] == "Họp đúng ngày" and a[6] == 10 and a[7] == 8 and a[8] == "80%"
    assert a[9] == 2 and a[11] == "Tốt" and a[12] == "Chuyển đổi số"
    assert by_cell[NAMES["a2"]][2] == "Quá hạn chưa ghi biên bản"
    assert by_cell[NAMES["b"]][13] == "'=HYPERLINK(1)"  # text, not a formula


def test_month_export_is_scoped(clients, march):
    r = clients["commune"].get(MONTH_URL, {"month": "2023-03", "format": "xlsx"})
    names = {row[1] for row in list(load_workbook(io.BytesIO(r.content)).active.values)[1:]}
    assert names == {NAMES["a"], NAMES["a2"]}


def test_cells_of_the_months_structure(clients, march, tree):
    """A cell moved to commune B in April still shows under commune A for March."""
    org_services.org_reparent(
        org=tree.cell_a2, new_parent=tree.commune_b, on=D(2023, 4, 10), actor=None
    )
    march_rows = rows_of(clients["commune"].get(MONTH_URL, {"month": "2023-03"}))
    assert NAMES["a2"] in march_rows
    april = rows_of(clients["commune"].get(MONTH_URL, {"month": "2023-04"}))
    assert NAMES["a2"] not in april


# --- the overview ---------------------------------------------------------------------------


def test_overview_rows_per_commune(clients, march, tree):
    meet(
        tree.cell_a2,
        kind=CellMeeting.Kind.THEMATIC,
        day=10,
        held_on=D(2023, 3, 10),
        topic="Học tập nghị quyết",
        present=4,
        summoned=5,
        points=60,
        quality=QualityClass.AVERAGE,
    )
    r = clients["admin"].get(OVERVIEW_URL, {"month": "2023-03", "org": tree.district.pk})
    assert r.status_code == 200
    ov = r.context["ov"]
    rows = {row.name: row for row in ov.rows}
    assert list(rows) == ["Đảng bộ xã An", "Đảng bộ xã Bình"]
    xa, xb = rows["Đảng bộ xã An"], rows["Đảng bộ xã Bình"]
    assert (xa.cells, xa.held, xa.on_day, xa.late, xa.overdue) == (2, 1, 1, 0, 1)
    assert (xa.present, xa.summoned, xa.attendance) == (12, 15, "80%")
    assert (xa.good, xa.fair, xa.average, xa.poor) == (1, 0, 1, 0)
    assert xa.thematic_cells == 2  # A's thematic part, A2's thematic meeting
    assert (xb.cells, xb.held, xb.on_day, xb.late, xb.overdue) == (1, 1, 0, 1, 0)
    assert (xb.fair, xb.thematic_cells) == (1, 0)
    t = ov.total
    assert (t.cells, t.held, t.on_day, t.overdue, t.present, t.summoned) == (3, 2, 1, 1, 17, 21)
    html = r.content.decode()
    assert f"{MONTH_URL}?org={tree.commune_a.pk}&amp;month=2023-03" in html
    assert "80%" in html


def test_overview_thematic_counts_the_quarter(clients, march, tree):
    meet(tree.cell_b, month=D(2023, 1, 1), held_on=D(2023, 1, 24), topic="An ninh trật tự")
    meet(tree.cell_b, month=D(2022, 12, 1), held_on=D(2022, 12, 24), topic="Năm cũ")
    ov = overview_sel.overview([tree.district], MARCH)
    rows = {row.name: row for row in ov.rows}
    assert rows["Đảng bộ xã Bình"].thematic_cells == 1  # January counts, December does not
    assert ov.quarter_start == D(2023, 1, 1)


def test_overview_for_commune_staff_is_their_commune(clients, march, tree):
    r = clients["commune"].get(OVERVIEW_URL, {"month": "2023-03"})
    assert [row.name for row in r.context["ov"].rows] == ["Đảng bộ xã An"]
    assert "Đảng bộ xã Bình" not in r.content.decode()


def test_overview_for_analyst_reads(clients, march, tree):
    r = clients["analyst"].get(OVERVIEW_URL, {"month": "2023-03"})
    assert r.status_code == 200
    assert len(r.context["ov"].rows) == 2


def test_overview_of_a_cell_is_the_month_page(clients, march):
    r = clients["secretary_a"].get(OVERVIEW_URL, {"month": "2023-03"})
    assert r.status_code == 302 and r["Location"].startswith(MONTH_URL)


def test_overview_export(clients, march, tree):
    r = clients["analyst"].get(OVERVIEW_URL, {"month": "2023-03", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[0][0] == "Tổ chức cơ sở đảng"
    assert [row[0] for row in rows[1:]] == ["Đảng bộ xã An", "Đảng bộ xã Bình", "Tổng cộng"]
    assert rows[-1][1:4] == (3, 2, 1)


# --- query counts ---------------------------------------------------------------------------


def grow(tree, n, start):
    """n more cells in each commune, each with a recorded March meeting with guests."""
    for i in range(start, start + n):
        for commune in (tree.commune_a, tree.commune_b):
            cell = org_services.org_create(
                code=f"{commune.code}-N{i}",
                name=f"Chi bộ mới {commune.code} {i}",
                kind=Organization.Kind.CELL,
                cell_type="residential",
                parent=commune,
                valid_from=D(2015, 1, 1),
                actor=None,
            )
            meet(
                cell,
                held_on=D(2023, 3, 24 + i % 2),
                present=5,
                summoned=7,
                points=80,
                quality=QualityClass.FAIR,
                guests=1,
            )
            meet(cell, kind=CellMeeting.Kind.THEMATIC, day=12, topic=f"Chuyên đề {i}")


PAGES = {
    # org, root paths, cells, meetings (guests counted), rules, organization choices
    "month": (MONTH_URL, {"month": "2023-03"}, 6),
    # the same without the page's choices (and without base.html)
    "month_xlsx": (MONTH_URL, {"month": "2023-03", "format": "xlsx"}, 5),
    # org, root paths, grassroots, rules, cells counted, meetings aggregated, choices
    "overview": (OVERVIEW_URL, {"month": "2023-03"}, 7),
    "overview_xlsx": (OVERVIEW_URL, {"month": "2023-03", "format": "xlsx"}, 6),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_query_count_does_not_grow(clients, personas, march, tree, name, django_assert_num_queries):
    url, params, own = PAGES[name]
    page = 0 if "format" in params else chrome_queries(personas["admin"])
    expected = BASE + OTP + page + own  # the admin
    params = {**params, "org": tree.district.pk}
    client = clients["admin"]
    grow(tree, 1, 0)
    with django_assert_num_queries(expected):
        assert client.get(url, params).status_code == 200
    grow(tree, 5, 1)
    with django_assert_num_queries(expected):
        r = client.get(url, params)
    assert r.status_code == 200
    assert Organization.objects.cells().count() == 3 + 12


def test_month_default_costs_one_more_query(clients, personas, march, django_assert_num_queries):
    # the top organizations instead of the org, and the latest month with meetings
    with django_assert_num_queries(BASE + chrome_queries(personas["commune"]) + 6 + 1):
        assert clients["commune"].get(MONTH_URL).status_code == 200


def test_month_view_of_a_large_commune(tree):
    """Rows sort by commune then cell name in Vietnamese order."""
    grow(tree, 2, 0)
    names = [r.name for r in sel.month_view([tree.district], MARCH).rows]
    assert names == [
        NAMES["a"],
        NAMES["a2"],
        "Chi bộ mới XA 0",
        "Chi bộ mới XA 1",
        NAMES["b"],
        "Chi bộ mới XB 0",
        "Chi bộ mới XB 1",
    ]


@pytest.mark.parametrize(
    "who, shown",
    [("commune", True), ("analyst", True), ("secretary_a", True), ("member_a", False)],
)
def test_nav_link_for_readers_of_organizations(clients, who, shown):
    html = clients[who].get(reverse("home"), follow=True).content.decode()
    assert (f'href="{MONTH_URL}"' in html) == shown


def test_month_page_comes_a_page_at_a_time(clients, march, tree, monkeypatch):
    monkeypatch.setattr(views_oversight, "MONTH_PAGE_SIZE", 2)
    params = {"month": "2023-03", "org": tree.district.pk}
    first = clients["admin"].get(MONTH_URL, params)
    second = clients["admin"].get(MONTH_URL, {**params, "page": 2})
    assert set(rows_of(first)) | set(rows_of(second)) == set(NAMES.values())
    assert len(rows_of(second)) == 1
    assert second.context["view"].counts["overdue"] == 1  # the counts cover every page
    assert "page=2" in first.content.decode()
    assert clients["admin"].get(MONTH_URL, {**params, "page": "x"}).status_code == 400


def test_overview_button_above_the_grassroots_only(clients, march, tree):
    admin = clients["admin"].get(MONTH_URL, {"month": "2023-03"}).content.decode()
    commune = clients["commune"].get(MONTH_URL, {"month": "2023-03"}).content.decode()
    assert f'href="{OVERVIEW_URL}?' in admin and f'href="{OVERVIEW_URL}?' not in commune
    # The commune's rows do not repeat the commune's name; the district's say which commune.
    assert "Đảng bộ xã An</div>" not in commune and "Đảng bộ xã An</div>" in admin
