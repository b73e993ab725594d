"""The dashboard: its trends equal the indicators on sample months, the comparison is worst
first, the cells to watch, scope, the remembered date, bad dates, and query counts constant in
the number of cells."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.committees.models import Position, Title
from chibo.committees.rules import Flag
from chibo.committees.selectors import official_counts, rule_on
from chibo.committees.web import flagged_cells_url
from chibo.core.indicators import get
from chibo.meetings.models import QualityClass, Task
from chibo.meetings.schedule import last_of_month
from chibo.meetings.tests.oversight_helpers import fixed_today, meet, task  # noqa: F401
from chibo.organizations import services as org_services
from chibo.organizations.models import Organization
from chibo.reports.dashboards import selectors
from conftest import make_agency, make_member, shared

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords", "fixed_today")]
D = datetime.date
AS_OF = D(2023, 3, 31)
MONTHS = (D(2023, 1, 1), D(2023, 2, 1), D(2023, 3, 1))
T = Task.State


@shared
def data(tree):
    """January to March 2023: cell A meets on its day every month (Tốt), A2 on its day in
    February only (Khá otherwise Trung bình), B early each month (Kém); tasks in cells A and B
    with deadlines across the year before."""
    for i, month in enumerate(MONTHS):
        a = meet(
            tree.cell_a,
            month,
            held_on=month.replace(day=24),
            present=8 + i,
            summoned=10,
            quality=QualityClass.GOOD,
        )
        meet(
            tree.cell_a2,
            month,
            held_on=month.replace(day=24 if i == 1 else 26),
            present=4,
            summoned=6,
            quality=QualityClass.FAIR if i != 1 else QualityClass.AVERAGE,
        )
        b = meet(
            tree.cell_b,
            month,
            held_on=month.replace(day=20),
            present=2,
            summoned=5,
            quality=QualityClass.POOR,
        )
        task(a, f"A{i}", month.replace(day=10), T.DONE if i != 1 else T.NOT_DONE)
        task(b, f"B{i}", month.replace(day=12), T.LATE)
    task(a, "Một năm trước", D(2022, 3, 20), T.DONE)  # due within March 2023's 12 months only
    task(a, "Chưa đánh giá", D(2023, 3, 15), T.OPEN)
    # cell A has a committee of three, its secretary at the standard (sơ cấp); A2 a secretary
    # alone, without theory training
    since = D(2020, 10, 1)
    for cell, member, title in [
        (tree.cell_a, tree.secretary_member_a, Title.SECRETARY),
        (tree.cell_a, tree.member_a, Title.DEPUTY_SECRETARY),
        (
            tree.cell_a,
            make_member(tree.cell_a, "Quàng Văn Ba", card="01000003"),
            Title.COMMITTEE_MEMBER,
        ),
        (tree.cell_a2, make_member(tree.cell_a2, "Lường Thị Tư", card="01000004"), Title.SECRETARY),
    ]:
        Position.objects.create(organization=cell, member=member, title=title, start=since)
    return tree


def _point(trend, month):
    return next(p for p in trend["points"] if p["label"] == f"{month:%m/%Y}")


@pytest.mark.parametrize("level", ["district", "commune_a", "cell_a", "cell_b"])
def test_trend_points_equal_the_indicators(data, level):
    org = getattr(data, level)
    board = selectors.dashboard(org, AS_OF)
    assert board["month"] == D(2023, 3, 1)
    assert len(board["trends"][0]["points"]) == 36
    assert board["trends"][0]["points"][0]["label"] == "04/2020"
    for t in board["trends"]:
        for month in MONTHS:
            expected = get(t["code"]).compute(org, last_of_month(month))
            got = _point(t, month)["value"]
            assert (got.value, got.of) == (expected.value, expected.of), (t["code"], month)


@pytest.fixture
def changed(data):
    """Besides `data`, the structure changes during the quarter: a cell founded in January under
    commune B, a cell of commune A closed in February, cell A2 moved to commune B in February."""
    new = org_services.org_create(
        code="XB-NEW",
        name="Chi bộ bản Mới",
        kind=Organization.Kind.CELL,
        cell_type="residential",
        parent=data.commune_b,
        valid_from=D(2023, 1, 10),
        actor=None,
    )
    old = org_services.org_create(
        code="XA-OLD",
        name="Chi bộ bản Cũ",
        kind=Organization.Kind.CELL,
        cell_type="residential",
        parent=data.commune_a,
        valid_from=D(2020, 1, 1),
        actor=None,
    )
    for i, month in enumerate(MONTHS):
        m = meet(new, month, held_on=month.replace(day=24), present=5, summoned=6 + i)
        task(m, f"N{i}", month.replace(day=8), T.DONE if i else T.LATE)
    m = meet(old, MONTHS[0], held_on=D(2023, 1, 24), present=3, summoned=3)
    task(m, "O", D(2023, 1, 20), T.NOT_DONE)
    meet(old, D(2022, 12, 1), held_on=D(2022, 12, 20), present=2, summoned=4)
    org_services.org_close(org=old, on=D(2023, 2, 20), actor=None)
    org_services.org_reparent(
        org=data.cell_a2, new_parent=data.commune_b, on=D(2023, 2, 15), actor=None
    )
    for org in (data.district, data.commune_a, data.commune_b):
        org.refresh_from_db()
    return data


@pytest.mark.parametrize("as_of", [AS_OF, D(2023, 3, 10), D(2023, 2, 16)])
def test_trend_points_and_comparison_equal_the_indicators_across_changes(changed, as_of):
    """Every month's point, summed over the cells under the node on its day, and each child's
    figure in the comparison are the indicators' as of that day."""
    months = (D(2022, 11, 1), D(2022, 12, 1), *MONTHS)
    for org in (changed.district, changed.commune_a, changed.commune_b):
        board = selectors.dashboard(org, as_of)
        day = board["month_day"]
        for t in board["trends"]:
            indicator = get(t["code"])
            for month in (m for m in months if m <= board["month"]):
                on = day if month == board["month"] else last_of_month(month)
                expected = indicator.compute(org, on)
                got = _point(t, month)["value"]
                assert (got.value, got.of) == (expected.value, expected.of), (org, t, month)
        for c in board["comparison"]:
            for item in c["items"]:
                expected = get(c["code"]).compute(item["org"], day)
                got = item["value"]
                assert (got.value, got.of) == (expected.value, expected.of), (item["label"], c)
    compare = {c["code"]: c for c in selectors.dashboard(changed.district, AS_OF)["comparison"]}
    # in March commune B holds cell B, cell A2 (moved) and the new cell
    on_day = {i["label"]: i["text"] for i in compare["meetings_held_on_schedule"]["items"]}
    assert on_day == {"Đảng bộ xã Bình": "1/3 (33,3%)", "Đảng bộ xã An": "1/1 (100%)"}


def test_trend_figures_on_the_district(data):
    trends = {t["code"]: t for t in selectors.dashboard(data.district, AS_OF)["trends"]}
    on_day = trends["meetings_held_on_schedule"]
    assert [_point(on_day, m)["text"] for m in MONTHS] == [
        "1/3 (33,3%)",
        "2/3 (66,6%)",
        "1/3 (33,3%)",
    ]
    assert _point(trends["meeting_attendance_rate"], MONTHS[2])["text"] == "16/21 (76,1%)"
    # a month without meetings: no cell met on its day; no attendance to count (no bar, a dash)
    assert _point(on_day, D(2022, 6, 1))["text"] == "0/3 (0%)"
    empty = _point(trends["meeting_attendance_rate"], D(2022, 6, 1))
    assert (empty["share"], empty["text"]) == (None, "—")
    # the bar links to the list behind it, as of the month's last day
    assert _point(on_day, MONTHS[1])["url"] == (
        reverse("meetings:indicator", args=["meetings_held_on_schedule"])
        + f"?org={data.district.pk}&as_of=28%2F02%2F2023"
    )
    tasks = trends["task_completion_rate"]
    assert _point(tasks, MONTHS[2])["text"] == "5/6 (83,3%)"


def test_comparison_worst_first_and_cells_to_watch(data):
    board = selectors.dashboard(data.district, AS_OF)
    compare = {c["code"]: c for c in board["comparison"]}
    on_day = compare["meetings_held_on_schedule"]["items"]
    assert [(i["label"], i["short"]) for i in on_day] == [
        ("Đảng bộ xã Bình", "0%"),
        ("Đảng bộ xã An", "50%"),
    ]
    assert on_day[0]["url"].endswith(f"?org={data.commune_b.pk}&as_of=31%2F03%2F2023")
    cells = board["attention"]["cells"]
    watch = {a["cell"].name: [r for r, _url in a["reasons"]] for a in cells}
    # A2 and B have no committee, but too few official members to elect one (a secretary is
    # all they elect): no reason of their own
    assert watch == {
        "Chi bộ bản Đông": ["late", "secretary"],
        "Chi bộ bản Bó": ["late"],
    }
    assert board["attention"]["total"] == 2
    lists = {reason: (n, link) for reason, n, link in board["attention"]["lists"]}
    assert {reason: n for reason, (n, _link) in lists.items()} == {"late": 2, "secretary": 1}
    # a cell's own dashboard compares nothing
    assert selectors.dashboard(data.cell_a, AS_OF)["comparison"] == []


def test_the_secretaries_below_the_standard_link_lists_them_alone(clients, data):
    """«Bí thư chưa đạt chuẩn lý luận: 1» leads to that one secretary, not to every committee
    member with their level (the list it filters, which the page filters alike)."""
    board = selectors.dashboard(data.district, AS_OF)
    link = {reason: link for reason, _n, link in board["attention"]["lists"]}["secretary"]

    def holders(address):
        body = clients["admin"].get(address).content.decode()
        return re.findall(r'<a href="/training/member/\d+/">([^<]+)</a>', body)

    assert holders(link) == ["Lường Thị Tư"]
    everyone = link.split("&below=")[0]
    committee = [data.secretary_member_a.full_name, data.member_a.full_name, "Quàng Văn Ba"]
    assert sorted(holders(everyone)) == sorted([*committee, "Lường Thị Tư"])
    below = sorted(holders(everyone + "&below=1"))
    assert below == sorted([data.member_a.full_name, "Quàng Văn Ba", "Lường Thị Tư"])
    assert holders(everyone + "&title=committee_member") == ["Quàng Văn Ba"]
    assert clients["admin"].get(everyone + "&title=chairman").status_code == 400


def test_a_long_list_of_cells_to_watch_shows_its_first_and_the_lists_behind(
    clients, data, monkeypatch
):
    """A province can flag its 1.650 cells: the page names the first ATTENTION_SHOWN and links
    each reason's list for the whole organization, with its number of cells."""
    monkeypatch.setattr(selectors, "ATTENTION_SHOWN", 1)
    body = clients["admin"].get(url(data.district, "?as_of=31/03/2023")).content.decode()
    assert "2 chi bộ cần quan tâm; 1 chi bộ đầu tiên dưới đây" in body
    section = body[body.index('id="attention"') :]
    assert section.count("<tr><td><a href=") == 1
    assert "Không sinh hoạt đúng ngày: 2</a>" in body
    assert "Bí thư chưa đạt chuẩn lý luận: 1</a>" in body
    assert "chi ủy" not in section


def _official_up_to(cell, n):
    """Official members added to `cell` until it has `n` on AS_OF."""
    have = official_counts([cell.pk], AS_OF).get(cell.pk, 0)
    for i in range(have, n):
        make_member(cell, f"Lò Văn Đủ {i}", card=f"0290{cell.pk:02d}{i:02d}")


def test_a_village_cell_is_flagged_without_a_committee_only_when_it_must_elect_one(clients, data):
    """The committee rule (its threshold read from the rule in force, QĐ 294's 9): a village
    cell one official member short of it is not flagged for having no committee; at the
    threshold it is, by the label of the committees' flag, and the list behind the reason is
    the committees' page of exactly the village cells with that flag."""
    threshold = rule_on(AS_OF).committee_threshold
    _official_up_to(data.cell_b, threshold - 1)
    _official_up_to(data.cell_a2, threshold - 1)
    board = selectors.dashboard(data.district, AS_OF)
    assert not [
        r for a in board["attention"]["cells"] for r, _url in a["reasons"] if r == "no_committee"
    ]

    _official_up_to(data.cell_b, threshold)
    # cell A has a committee (three positions): not flagged however many members it has
    _official_up_to(data.cell_a, threshold)
    board = selectors.dashboard(data.district, AS_OF)
    watch = {a["cell"].name: dict(a["reasons"]) for a in board["attention"]["cells"]}
    assert list(watch["Chi bộ bản Bó"]) == ["no_committee", "late"]
    assert "no_committee" not in watch["Chi bộ bản Đông"]
    assert "Chi bộ bản Áng" not in watch
    # the cell's own link: its committee page, which shows the flag
    assert watch["Chi bộ bản Bó"]["no_committee"] == (
        reverse("committees:cell", args=[data.cell_b.pk]) + "?as_of=31%2F03%2F2023"
    )
    lists = {reason: (n, link) for reason, n, link in board["attention"]["lists"]}
    n, link = lists["no_committee"]
    assert n == 1
    assert link == (
        reverse("committees:org", args=[data.district.pk])
        + "?as_of=31%2F03%2F2023&flag=no_committee&residential=on"
    )
    response = clients["admin"].get(link)
    assert [r.name for r in response.context["reports"]] == ["Chi bộ bản Bó"]
    page = response.content.decode()
    assert "Chi bộ có cảnh báo «Đủ số đảng viên chính thức nhưng chưa có chi ủy»: 1" in page
    # a commune's page lists its cells in full (no summary): none in commune A (cell A has a
    # committee, A2 is one official member short of needing one), cell B in commune B
    for commune, names in [(data.commune_a, []), (data.commune_b, ["Chi bộ bản Bó"])]:
        link = flagged_cells_url(commune, AS_OF, Flag.NO_COMMITTEE, residential=True)
        response = clients["admin"].get(link)
        assert [r.name for r in response.context["reports"]] == names
    page = clients["admin"].get(watch["Chi bộ bản Bó"]["no_committee"]).content.decode()
    assert "Đủ số đảng viên chính thức nhưng chưa có chi ủy" in page

    body = clients["admin"].get(url(data.district, "?as_of=31/03/2023")).content.decode()
    section = body[body.index('id="attention"') :]
    assert "Đủ số đảng viên chính thức nhưng chưa có chi ủy</a>" in section


def url(org, query=""):
    return reverse("reports:dashboard", args=[org.pk]) + query


@pytest.mark.parametrize(
    "who, level, status",
    [
        ("admin", "district", 200),
        ("analyst", "district", 200),
        ("commune", "commune_a", 200),
        ("secretary_a", "cell_a", 200),
        ("commune", "district", 404),
        ("commune", "commune_b", 404),
        ("secretary_b", "district", 404),
        ("secretary_b", "cell_a", 404),
        ("member_a", "cell_a", 404),
    ],
)
def test_scope(clients, data, who, level, status):
    client = clients[who]
    response = client.get(url(getattr(data, level)))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert getattr(data, level).name in html
        assert 'id="trend-meetings_held_on_schedule"' in html
        assert "<script" not in html.split("<main", 1)[-1]  # no chart script
        # the charts' coordinates are numbers SVG reads (9.5, never the page's 9,5)
        assert not re.search(r'(x|y|width|height)="[0-9]+,[0-9]', html)


def test_read_only_page_offers_no_change(clients, data):
    client = clients["analyst"]
    html = client.get(url(data.district)).content.decode()
    assert 'method="post"' not in html.split("<main", 1)[-1]
    assert reverse("meetings:indicator", args=["meeting_attendance_rate"]) in html
    assert url(data.commune_b) in html  # the comparison leads to the child's dashboard
    assert 'data-reason="late"' in html


def test_the_date_is_remembered_across_pages(clients, data):
    client = clients["admin"]
    response = client.get(url(data.district, "?as_of=28/02/2023"))
    assert response.context["as_of"] == D(2023, 2, 28)
    # another dashboard, no date asked: the chosen one
    response = client.get(url(data.commune_a))
    assert response.context["as_of"] == D(2023, 2, 28)
    assert response.context["month"] == D(2023, 2, 1)
    assert 'value="28/02/2023"' in response.content.decode()
    # an empty date forgets it
    assert client.get(url(data.commune_a, "?as_of=")).context["as_of"] == AS_OF
    assert client.get(url(data.commune_a)).context["as_of"] == AS_OF


def test_a_date_outside_the_organizations_life_says_so(clients, data):
    client = clients["admin"]
    text = client.get(url(data.district, "?as_of=31/12/2014")).content.decode()
    assert 'id="dashboard-not-yet"' in text and "thành lập ngày 01/01/2015" in text
    assert 'id="dashboard-ended"' not in client.get(url(data.district)).content.decode()
    ended = make_agency(data.district)
    org_services.org_close(org=ended, on=D(2023, 1, 1), actor=None)
    text = client.get(url(ended, "?as_of=31/03/2023")).content.decode()
    assert 'id="dashboard-ended"' in text and "hết hiệu lực từ ngày 01/01/2023" in text
    text = client.get(url(ended, "?as_of=31/12/2022")).content.decode()
    assert 'id="dashboard-ended"' not in text and 'id="dashboard-not-yet"' not in text


@pytest.mark.parametrize(
    "value, message",
    [("31/02/2023", "Ngày không hợp lệ"), ("01/04/2023", "Ngày xem không được sau hôm nay")],
)
def test_a_bad_date_shows_the_page_with_the_error(clients, data, value, message):
    client = clients["admin"]
    client.get(url(data.district, "?as_of=28/02/2023"))
    response = client.get(url(data.district, f"?as_of={value}"))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and data.district.name in html
    assert value in html  # the value as given, to correct
    # the remembered date stays
    assert client.get(url(data.district)).context["as_of"] == D(2023, 2, 28)


def _queries(client, org) -> int:
    cache.clear()  # computed, not read from the cache
    with CaptureQueriesContext(connection) as q:
        assert client.get(url(org)).status_code == 200
    return len(q)


def test_query_count_constant_in_the_number_of_cells(clients, data):
    client = clients["admin"]
    # a cell flagged for having no committee though it must elect one
    _official_up_to(data.cell_b, rule_on(AS_OF).committee_threshold)
    client.get(url(data.district))  # the session settles
    before = _queries(client, data.district)
    for n in range(4):
        cell = org_services.org_create(
            code=f"XB-1{n}",
            name=f"Chi bộ bản Mới {n}",
            kind=Organization.Kind.CELL,
            cell_type="residential",
            parent=data.commune_b,
            valid_from=D(2020, 1, 1),
            actor=None,
        )
        for month in MONTHS:
            m = meet(cell, month, held_on=month.replace(day=24), present=3, summoned=4)
            task(m, "Việc", month.replace(day=5), T.DONE)
    assert _queries(client, data.district) == before
    # 19: the session, the user, its device, the organization, the data's generation (the
    # cache key); the reference month (path, latest scheduled day, overdue days); the periods
    # of the node and of the organizations under it; the last month's meetings and tasks by
    # cell, the earlier months' by group; the committee rule, each village cell's official
    # members and positions in force; the theory standard, the secretaries below it; the
    # unread notifications
    assert before == 19
    reasons = selectors.dashboard(data.district, AS_OF)["attention"]["lists"]
    assert [n for reason, n, _url in reasons if reason == "no_committee"] == [1]


def test_linked_from_the_organization_page_and_the_commune_home(clients, data):
    page = clients["analyst"].get(reverse("organizations:detail", args=[data.district.pk]))
    assert f'href="{url(data.district)}" id="dashboard-link"' in page.content.decode()
    home = clients["commune"].get("/")
    assert f'href="{url(data.commune_a)}" id="dashboard-link"' in home.content.decode()
