"""Member pages: the list (filters, search, sort, pages, HTMX), the record with masked IDs,
the write forms and their messages, and query counts that do not grow with the data."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.members import counts, services
from chibo.members.models import Member, Membership, StatusChange
from conftest import login_client, make_member

ON = "01/03/2024"
ON_DATE = datetime.date(2024, 3, 1)


def listed(response):
    """Names in the member table, in page order."""
    assert response.status_code == 200, response.content[:500]
    return re.findall(r'<a href="/members/\d+/">([^<]+)</a>', response.content.decode())


def bulk_members(cell, n, prefix="Lò Văn Số"):
    rows = []
    for i in range(n):
        m = Member(
            full_name=f"{prefix}{i:05d}",
            sex="male",
            birth_date=datetime.date(1980, 1, 1),
            ethnicity="Thái",
            admission_date=datetime.date(2010, 1, 1),
            cell=cell,
        )
        m.refresh_derived()
        rows.append(m)
    Member.objects.bulk_create(rows)
    counts.refresh([cell.pk])  # as the services keep them


def form_data(**overrides):
    data = {
        "cell": "",
        "full_name": "Lường Văn Mới",
        "other_names": "",
        "sex": "male",
        "birth_date": "02/03/1990",
        "birthplace": "",
        "hometown": "",
        "residence": "",
        "ethnicity": "Thái",
        "religion": "Không",
        "occupation": "",
        "citizen_id": "",
        "party_card_number": "",
        "admission_date": "19/05/2015",
        "official_date": "19/05/2016",
        "education": "12/12",
        "qualification": "",
        "theory_level": "none",
        "foreign_language": "",
        "it_level": "",
    }
    data.update(overrides)
    return data


def snapshot():
    return (
        sorted(Member.objects.values_list("pk", "full_name", "cell_id", "status", "updated_at")),
        sorted(Membership.objects.values_list("pk", "cell_id", "end")),
        StatusChange.objects.count(),
        AuditEvent.objects.count(),
    )


# --- the list: filters -------------------------------------------------------------------------


@pytest.fixture
def varied(tree, personas):
    """Members of commune A that differ in each filtered field."""
    year = today().year
    kinh = make_member(tree.cell_a2, "Trần Văn Cường", ethnicity="Kinh", card="01000010")
    young = make_member(
        tree.cell_a2,
        "Vi Thị Dung",
        sex="female",
        born=year - 25,
        admitted=datetime.date(year - 3, 1, 10),
        card="01000011",
    )
    old = make_member(tree.cell_a2, "Hà Văn Em", born=year - 70, card="01000012")
    services.member_change_status(
        member=old, status="deceased", on=ON_DATE, actor=personas["admin"]
    )
    return {"kinh": kinh, "young": young, "old": old}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Nguyễn Văn An", "Lò Thị Ánh", "Cầm Văn Bình", "Trần Văn Cường", "Vi Thị Dung"]),
        ("status=all", ["Nguyễn Văn An", "Lò Thị Ánh", "Cầm Văn Bình", "Trần Văn Cường",
                        "Vi Thị Dung", "Hà Văn Em"]),
        ("status=deceased", ["Hà Văn Em"]),
        ("status=exempt", []),
        ("theory_level=basic", ["Lò Thị Ánh"]),
        ("sex=female", ["Lò Thị Ánh", "Vi Thị Dung"]),
        ("ethnicity=Kinh", ["Trần Văn Cường"]),
        ("age=u30", ["Vi Thị Dung"]),
        ("age=60%2B&status=all", ["Hà Văn Em"]),
        ("age={band_1980}", ["Nguyễn Văn An", "Lò Thị Ánh", "Cầm Văn Bình", "Trần Văn Cường"]),
        ("org={commune_a}", ["Nguyễn Văn An", "Lò Thị Ánh", "Trần Văn Cường", "Vi Thị Dung"]),
        ("org={cell_a2}&sex=male", ["Trần Văn Cường"]),
        ("org={commune_b}", ["Cầm Văn Bình"]),
    ],
)  # fmt: skip
def test_filters(query, expected, tree, varied, clients):
    # Ages: the tree's members were born on 02/03/1980; the filter works on today's age, so
    # their band is worked out from today (40-49 until 2030).
    age_1980 = today().year - 1980 - (1 if today() < datetime.date(today().year, 3, 2) else 0)
    band_1980 = next(b for b, lo in (("60%2B", 60), ("50-59", 50), ("40-49", 40)) if age_1980 >= lo)
    url = "/members/?" + query.format(
        commune_a=tree.commune_a.pk,
        cell_a2=tree.cell_a2.pk,
        commune_b=tree.commune_b.pk,
        band_1980=band_1980,
    )
    assert listed(clients["admin"].get(url)) == expected


@pytest.mark.django_db
def test_count_and_the_chosen_organization_show(tree, varied, clients):
    body = clients["commune"].get(f"/members/?org={tree.cell_a2.pk}").content.decode()
    assert "2 đảng viên" in body
    # The filter is a text field holding the chosen organization's name, its id kept hidden.
    assert f'value="{tree.cell_a2.name}"' in body and 'name="org_q"' in body
    assert f'<input type="hidden" name="org" value="{tree.cell_a2.pk}">' in body
    assert '<select name="org"' not in body
    assert f"Danh sách đảng viên: {tree.cell_a2.name}" in body
    # Commune staff are not offered commune B or its cells.
    assert tree.commune_b.name not in body and tree.cell_b.name not in body


def found_links(body) -> dict[str, str]:
    """The organizations a filter's text found: name -> the link's query string."""
    pairs = re.findall(r'<li><a href="\?([^"]*)">([^<]*)</a>', body)
    return {name: html.unescape(href) for href, name in pairs}


@pytest.mark.django_db
def test_the_organization_filter_finds_as_typed(tree, varied, clients):
    """As typed (HTMX): organizations:find answers the organizations whose name holds the words
    in order, accents and case ignored, each a link to the list with it chosen and the other
    filters kept; only those in the scope."""
    c = clients["commune"]
    r = c.get("/org/find/", {"org_q": "CHI BO BAN", "sex": "male", "page": "3"})
    assert r.status_code == 200
    assert found_links(r.content.decode()) == {
        tree.cell_a.name: f"sex=male&org={tree.cell_a.pk}",
        tree.cell_a2.name: f"sex=male&org={tree.cell_a2.pk}",
    }  # not cell B, outside commune A; the page starts again
    assert found_links(c.get("/org/find/", {"org_q": "dong"}).content.decode()) == {
        tree.cell_a2.name: f"org={tree.cell_a2.pk}"
    }
    none = c.get("/org/find/", {"org_q": "ban ang dong"}).content.decode()
    assert "Không có tổ chức nào khớp «ban ang dong»" in none
    assert c.get("/org/find/", {"org_q": "x" * 101}).status_code == 400
    # One query for the organizations found (each with its parent), however many: besides the
    # session and the user with its roles (no nav: a fragment; no TOTP device for the commune).
    n = FIXED_PARTIAL - DEVICE + 1
    assert count_queries(c, "/org/find/?org_q=ban", HTTP_HX_REQUEST="true")[0] == n
    assert count_queries(c, "/org/find/?org_q=dong", HTTP_HX_REQUEST="true")[0] == n
    assert clients["member_a"].get("/org/find/", {"org_q": "ban"}).status_code == 404


@pytest.mark.django_db
def test_the_organization_filter_works_without_scripts(tree, varied, clients):
    """The text goes with the form: one organization found is chosen; several are offered as
    links and the list is not narrowed; an empty text clears the organization."""
    c = clients["admin"]
    one = c.get("/members/", {"org_q": "ban dong", "org": tree.cell_a.pk}).content.decode()
    assert f"Danh sách đảng viên: {tree.cell_a2.name}" in one and "2 đảng viên" in one
    several = c.get("/members/", {"org_q": "xa"}).content.decode()
    assert "Chọn một tổ chức khớp «xa»" in several
    assert set(found_links(several)) == {tree.commune_a.name, tree.commune_b.name}
    assert "Danh sách đảng viên</h1>" in several
    cleared = c.get("/members/", {"org_q": "", "org": tree.cell_a.pk}).content.decode()
    assert "Danh sách đảng viên</h1>" in cleared
    # Its own name keeps the organization chosen; so does its code.
    kept = c.get("/members/", {"org_q": tree.cell_a.name, "org": tree.cell_a.pk})
    assert f"Danh sách đảng viên: {tree.cell_a.name}" in kept.content.decode()
    coded = c.get("/members/", {"org_q": tree.cell_b.code}).content.decode()
    assert f"Danh sách đảng viên: {tree.cell_b.name}" in coded


# --- search ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "q", "expected"),
    [
        ("admin", "nguyen van an", ["Nguyễn Văn An"]),
        ("admin", "NGUYEN", ["Nguyễn Văn An"]),
        ("admin", "Nguyễn  Văn", ["Nguyễn Văn An"]),
        ("admin", "an nguyen", ["Nguyễn Văn An"]),  # words in any order
        ("admin", "van", ["Nguyễn Văn An", "Cầm Văn Bình"]),
        ("admin", "cam van", ["Cầm Văn Bình"]),
        ("admin", "02000001", ["Cầm Văn Bình"]),  # the party card number
        ("admin", "anh", ["Lò Thị Ánh"]),
        ("admin", "zzz", []),
        ("commune", "cam van", []),  # outside commune A
        ("secretary_a", "nguyen van an", ["Nguyễn Văn An"]),
        ("secretary_b", "nguyen", []),
    ],
)
def test_search_ignores_accents_and_case_within_the_scope(persona, q, expected, tree, clients):
    assert listed(clients[persona].get("/members/", {"q": q})) == expected


@pytest.mark.django_db
def test_no_result_says_so(tree, clients):
    body = clients["admin"].get("/members/?q=zzz").content.decode()
    assert "Không tìm thấy đảng viên nào." in body
    count = clients["admin"].get("/members/count/?q=zzz").content.decode()
    assert count == '<span class="muted" id="member-count">0 đảng viên</span>'


@pytest.mark.django_db
def test_a_broad_search_counts_up_to_the_cap(tree, clients, monkeypatch):
    """Past SEARCH_COUNT_CAP matches the count says "more than" and asks for more words."""
    monkeypatch.setattr("chibo.members.selectors.SEARCH_COUNT_CAP", 10)
    bulk_members(tree.cell_a, 12)
    count = clients["admin"].get("/members/count/", {"q": "lo van so"}).content.decode()
    assert "Hơn 10 đảng viên khớp: gõ thêm để thu hẹp" in count
    # At or under the cap the count is exact; without a search it is never capped.
    count = clients["admin"].get("/members/count/", {"q": "so0000"}).content.decode()
    assert ">10 đảng viên<" in count
    assert ">15 đảng viên<" in clients["admin"].get("/members/count/").content.decode()
    body = clients["admin"].get("/members/").content.decode()
    assert "15 đảng viên" in body and "Hơn" not in body


@pytest.mark.django_db
def test_a_search_shows_its_rows_then_asks_for_the_count(tree, clients):
    """A search's page lists its rows at once; the count line is fetched after (htmx, on
    load) from members:count with the same filters, and the pager goes on while rows follow."""
    bulk_members(tree.cell_a, 60)
    r = clients["admin"].get("/members/", {"q": "lo van so", "sex": "male"})
    body = r.content.decode()
    assert len(listed(r)) == 50 and "đảng viên khớp" not in body
    assert 'hx-get="/members/count/?q=lo+van+so&amp;sex=male"' in body
    assert 'hx-trigger="load"' in body and "Đang đếm…" in body
    assert "Trang 1" in body and "page=2" in body and "‹ Trước" not in body
    r = clients["admin"].get("/members/", {"q": "lo van so", "sex": "male", "page": 2})
    body = r.content.decode()
    assert len(listed(r)) == 10 and "Trang 2" in body and "page=1" in body
    assert "page=3" not in body
    # The two pages hold every match once, in the list's order.
    first = listed(clients["admin"].get("/members/", {"q": "lo van so"}))
    names = first + listed(r)
    assert len(set(names)) == 60
    count = clients["admin"].get("/members/count/", {"q": "lo van so", "sex": "male"})
    assert count.content.decode() == '<span class="muted" id="member-count">60 đảng viên</span>'


@pytest.mark.django_db
def test_a_search_pages_as_far_as_it_counts(tree, clients, monkeypatch):
    """Past SEARCH_COUNT_CAP matches a search has no further page: a page number beyond is
    the last counted page, without a link to the next."""
    monkeypatch.setattr("chibo.members.selectors.SEARCH_COUNT_CAP", 100)
    bulk_members(tree.cell_a, 160)
    r = clients["admin"].get("/members/", {"q": "lo van so", "page": 2})
    assert len(listed(r)) == 50 and "page=3" not in r.content.decode()
    r = clients["admin"].get("/members/", {"q": "lo van so", "page": 99999})
    body = r.content.decode()
    assert len(listed(r)) == 50 and "Trang 2" in body and "page=1" in body


@pytest.mark.django_db
def test_member_count_keeps_to_the_scope(tree, clients):
    """The count answers for the user's scope only: an organization outside is 404, a bad
    filter 400, a member (who reads only their own record) 404."""
    outside = clients["secretary_a"].get("/members/count/", {"org": tree.commune_b.pk})
    assert outside.status_code == 404
    mine = clients["secretary_a"].get("/members/count/").content.decode()
    inside = tree.cell_a.members.filter(status__in=["active", "exempt"]).count()
    assert f">{inside} đảng viên<" in mine
    assert clients["secretary_a"].get("/members/count/", {"status": "nope"}).status_code == 400
    assert clients["member_a"].get("/members/count/").status_code == 404


@pytest.mark.django_db
def test_htmx_request_returns_only_the_results(tree, clients):
    r = clients["admin"].get("/members/?q=nguyen+van+an", HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200
    assert body.lstrip().startswith('<div id="results">')
    # (the partial holds the bulk status form of its rows, not the filters' form)
    assert "<html" not in body and '<form method="get"' not in body and 'id="filters"' not in body
    assert listed(r) == ["Nguyễn Văn An"]
    # Without the header the whole page comes, the same results inside.
    full = clients["admin"].get("/members/?q=nguyen+van+an").content.decode()
    assert "<html" in full and 'id="filters"' in full and 'id="results"' in full


@pytest.mark.django_db
def test_htmx_history_restore_gets_the_whole_page(tree, clients):
    """Back after hx-push-url with htmx's cache empty: the page, or the layout is lost."""
    r = clients["admin"].get(
        "/members/?q=nguyen", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    body = r.content.decode()
    assert "<html" in body and 'id="filters"' in body
    assert listed(r) == ["Nguyễn Văn An"]


@pytest.mark.django_db
def test_list_varies_on_the_htmx_header(tree, clients):
    """One URL, two answers (partial and page): browser caches must not mix them up."""
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        r = clients["admin"].get("/members/?q=nguyen", **extra)
        assert "hx-request" in r["Vary"].lower()


# --- sort and pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_sorting(tree, clients):
    make_member(tree.cell_a2, "Vi Văn Ân", born=1990, admitted=datetime.date(2012, 1, 1))
    make_member(tree.cell_a2, "Hà Thị Bé", born=1970, admitted=datetime.date(2014, 1, 1))
    make_member(tree.cell_a2, "Lò Văn Đức", born=1985, admitted=datetime.date(2010, 1, 1))
    base = f"/members/?org={tree.cell_a2.pk}"
    c = clients["commune"]
    assert listed(c.get(base)) == ["Vi Văn Ân", "Hà Thị Bé", "Lò Văn Đức"]
    assert listed(c.get(base + "&sort=name")) == ["Vi Văn Ân", "Hà Thị Bé", "Lò Văn Đức"]
    assert listed(c.get(base + "&sort=-name")) == ["Lò Văn Đức", "Hà Thị Bé", "Vi Văn Ân"]
    assert listed(c.get(base + "&sort=birth")) == ["Hà Thị Bé", "Lò Văn Đức", "Vi Văn Ân"]
    assert listed(c.get(base + "&sort=admission")) == ["Lò Văn Đức", "Vi Văn Ân", "Hà Thị Bé"]


def pager_links(body) -> dict[str, str]:
    """The pager's «Trước» and «Sau» links, by their label."""
    links = re.findall(r'<a class="button secondary" href="\?([^"]*)">([^<]*)</a>', body)
    return {
        label.strip("‹› "): html.unescape(href)
        for href, label in links
        if "Tr" in label or "Sau" in label
    }


@pytest.mark.django_db
def test_pagination_goes_on_from_a_member_not_by_skipping(tree, clients):
    """«Sau» and «Trước» name the member the page starts after or ends before (core.keyset);
    a bare ?page=N, as bookmarked before, still works; the filters are kept."""
    bulk_members(tree.cell_a2, 105)
    c = clients["commune"]
    url = f"/members/?org={tree.cell_a2.pk}"
    first = c.get(url)
    assert listed(first) == [f"Lò Văn Số{i:05d}" for i in range(50)]
    body = first.content.decode()
    assert "105 đảng viên" in body and "Trang 1/3" in body
    last_of_first = Member.objects.get(full_name="Lò Văn Số00049")
    assert pager_links(body) == {"Sau": f"org={tree.cell_a2.pk}&after={last_of_first.pk}&page=2"}
    second = c.get("/members/?" + pager_links(body)["Sau"])
    assert listed(second) == [f"Lò Văn Số{i:05d}" for i in range(50, 100)]
    body = second.content.decode()
    assert "Trang 2/3" in body
    third = c.get("/members/?" + pager_links(body)["Sau"])
    assert listed(third) == [f"Lò Văn Số{i:05d}" for i in range(100, 105)]
    body = third.content.decode()
    assert "Trang 3/3" in body and "Sau" not in pager_links(body)
    first_of_third = Member.objects.get(full_name="Lò Văn Số00100")
    assert pager_links(body)["Trước"] == (
        f"org={tree.cell_a2.pk}&before={first_of_third.pk}&page=2"
    )
    back = c.get("/members/?" + pager_links(body)["Trước"])
    assert listed(back) == listed(second) and "Trang 2/3" in back.content.decode()
    assert pager_links(back.content.decode())["Trước"] == f"org={tree.cell_a2.pk}&page=1"
    # In the other order too.
    down = c.get(url + "&sort=-name")
    after = c.get("/members/?" + pager_links(down.content.decode())["Sau"])
    assert listed(after) == [f"Lò Văn Số{i:05d}" for i in range(54, 4, -1)]
    # A bookmarked page number; a page past the end shows the last page rather than an error.
    assert listed(c.get(url + "&page=2")) == listed(second)
    assert listed(c.get(url + "&page=9")) == listed(third)


@pytest.mark.django_db
def test_a_page_after_a_member_outside_the_scope_is_400(tree, clients):
    r = clients["commune"].get(f"/members/?after={tree.member_b.pk}")
    assert r.status_code == 400
    assert "Không có đảng viên này trong phạm vi xem" in r.content.decode()
    both = clients["commune"].get(f"/members/?after={tree.member_a.pk}&before={tree.member_a.pk}")
    assert both.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "name"),
    [
        ("page=abc", "Trang", "page"),
        ("page=0", "Trang", "page"),
        ("after=abc", "Sau đảng viên", "after"),
        ("org=xyz", "Tổ chức", "org"),
        ("age=zzz", "Tuổi", "age"),
        ("status=nope", "Trạng thái", "status"),
        ("sort=password", "Sắp xếp", "sort"),
        ("q=" + "a" * 101, "Tìm", "q"),
        ("ethnicity=" + "Thái" * 12, "Dân tộc", "ethnicity"),
    ],
)
def test_bad_query_string_is_400_with_a_message(query, field, name, tree, clients):
    """The message names the field as the filters label it, not the parameter (issue 14)."""
    r = clients["admin"].get("/members/?" + query)
    assert r.status_code == 400
    body = html.unescape(r.content.decode())
    message = re.search(r'id="bad-query">([^<]*)<', body)[1]
    assert message.startswith(f"Bộ lọc không hợp lệ: {field}: "), message
    assert f"{name}:" not in message
    # The filters again: every field with its Vietnamese label, the pager's too.
    assert f'<label for="id_{name}">{field}:</label>' in body
    assert "Page:" not in body


@pytest.mark.django_db
def test_bad_query_value_is_escaped(tree, clients):
    r = clients["admin"].get("/members/", {"status": "<script>alert(1)</script>"})
    assert r.status_code == 400
    assert b"<script>" not in r.content and b"&lt;script&gt;" in r.content


@pytest.mark.django_db
def test_org_filter_of_a_missing_org_is_404(tree, clients):
    assert clients["admin"].get("/members/?org=999999").status_code == 404


# --- the record ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "full"),
    [
        ("admin", True),
        ("commune", True),
        ("secretary_a", True),
        ("member_a", True),  # their own record
        ("analyst", False),
        ("official", False),
    ],
)
def test_citizen_id_masked_for_read_only_roles(persona, full, tree, clients):
    body = clients[persona].get(f"/members/{tree.member_a.pk}/").content.decode()
    assert ("014080000001" in body) is full
    assert ("•••••••••001" in body) is not full
    assert "01000001" in body  # the party card number is not masked


@pytest.mark.django_db
def test_member_cannot_open_a_cellmate(tree, clients):
    r = clients["member_a"].get(f"/members/{tree.secretary_member_a.pk}/")
    assert r.status_code == 404


@pytest.mark.django_db
def test_detail_shows_the_record_and_write_actions_by_role(tree, clients):
    body = clients["secretary_a"].get(f"/members/{tree.member_a.pk}/").content.decode()
    assert "Nguyễn Văn An" in body and "02/03/1980" in body and "19/05/2010" in body
    assert "Đang sinh hoạt" in body and tree.cell_a.name in body
    assert "Sửa hồ sơ" in body and "Chuyển sinh hoạt</a>" in body
    read_only = clients["official"].get(f"/members/{tree.member_a.pk}/").content.decode()
    assert "Sửa hồ sơ" not in read_only and "Đổi trạng thái" not in read_only


# --- forms ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_with_invalid_data_shows_vietnamese_messages_and_writes_nothing(tree, clients):
    before = snapshot()
    r = clients["secretary_a"].post(
        "/members/new/",
        form_data(cell=tree.cell_a.pk, full_name="", birth_date="31/02/1990", citizen_id="123"),
    )
    body = r.content.decode()
    assert r.status_code == 200
    assert "Hãy sửa các lỗi bên dưới." in body
    assert "Trường này là bắt buộc." in body
    assert "Ngày không hợp lệ (dd/mm/yyyy)." in body
    assert "Số CCCD phải gồm đúng 12 chữ số." in body
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"birth_date": "01/01/2000", "admission_date": "01/01/2015"},
         "Vào Đảng 01/01/2015 khi mới 15 tuổi (sinh 01/01/2000), chưa đủ 18 tuổi."),
        # counted by day, as the import does (the form once counted 2015 - 1997 = 18)
        ({"birth_date": "20/05/1997"},
         "Vào Đảng 19/05/2015 khi mới 17 tuổi (sinh 20/05/1997), chưa đủ 18 tuổi."),
        ({"birth_date": "01/01/2099"}, "Ngày sinh 01/01/2099 ở tương lai."),
        ({"official_date": "01/01/2015"},
         "Ngày chính thức 01/01/2015 trước ngày vào Đảng 19/05/2015."),
        ({"official_date": "18/05/2016"},
         "Ngày chính thức 18/05/2016 khi chưa đủ 12 tháng dự bị: vào Đảng 19/05/2015 thì sớm "
         "nhất là 19/05/2016."),
        ({"ethnicity": "Thay"},
         "Dân tộc «Thay» không có trong danh mục 54 dân tộc; có phải «Tày»?"),
        ({"sex": "other"}, "Hãy chọn một lựa chọn hợp lệ."),
    ],
)  # fmt: skip
def test_create_refusals(overrides, message, tree, clients):
    before = snapshot()
    r = clients["secretary_a"].post("/members/new/", form_data(cell=tree.cell_a.pk, **overrides))
    assert r.status_code == 200
    assert message in r.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"party_card_number": "01000001"},
            "Số thẻ đảng viên 01000001 đã có trong danh sách đảng viên.",
        ),
        # Duplicates are found across the whole district, not only within the scope.
        ({"citizen_id": "014080000002"}, "Số CCCD 014080000002 đã có trong danh sách đảng viên."),
    ],
)
def test_create_duplicate_is_refused_and_writes_nothing(overrides, message, tree, clients):
    before = snapshot()
    r = clients["secretary_a"].post("/members/new/", form_data(cell=tree.cell_a.pk, **overrides))
    assert r.status_code == 200
    assert "Hãy sửa các lỗi bên dưới." in r.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"party_card_number": "01000001"},
            "Số thẻ đảng viên 01000001 đã có trong danh sách đảng viên.",
        ),
        ({"citizen_id": "014080000002"}, "Số CCCD 014080000002 đã có trong danh sách đảng viên."),
    ],
)
def test_create_duplicate_message_is_vietnamese(overrides, message, tree, clients):
    r = clients["secretary_a"].post("/members/new/", form_data(cell=tree.cell_a.pk, **overrides))
    assert message in r.content.decode()


@pytest.mark.django_db
def test_create_writes_member_membership_and_audit(tree, clients, personas):
    r = clients["secretary_a"].post(
        "/members/new/",
        form_data(cell=tree.cell_a.pk, full_name="  Lường   Văn  Mới ", citizen_id="014090000077"),
    )
    m = Member.objects.get(citizen_id="014090000077")
    assert r.status_code == 302 and r["Location"] == f"/members/{m.pk}/"
    assert (m.full_name, m.family_name, m.given_name) == ("Lường Văn Mới", "Lường", "Mới")
    ship = m.memberships.get()
    assert (ship.cell_id, ship.start, ship.end) == (
        tree.cell_a.pk,
        datetime.date(2015, 5, 19),
        None,
    )
    assert AuditEvent.objects.filter(
        action="create", object_id=str(m.pk), actor=personas["secretary_a"]
    ).exists()
    assert (
        "Đã thêm đảng viên Lường Văn Mới."
        in clients["secretary_a"].get(r["Location"]).content.decode()
    )
    # Found by search right away.
    assert listed(clients["secretary_a"].get("/members/?q=luong moi")) == ["Lường Văn Mới"]


@pytest.mark.django_db
def test_create_form_offers_only_writable_cells(tree, clients):
    body = clients["secretary_a"].get(f"/members/new/?cell={tree.cell_a.pk}").content.decode()
    options = re.findall(r'<option value="(\d+)"( selected)?', body)
    assert options == [(str(tree.cell_a.pk), " selected")]


@pytest.mark.django_db
def test_create_form_chooses_the_only_writable_cell(tree, clients):
    # A cell's secretary finds their cell chosen; the commune's staff choose among theirs.
    body = clients["secretary_a"].get("/members/new/").content.decode()
    assert re.findall(r'<option value="(\d+)"( selected)?', body) == [
        (str(tree.cell_a.pk), " selected")
    ]
    body = clients["commune"].get("/members/new/").content.decode()
    options = re.findall(r'<option value="(\d+)"( selected)?', body)
    assert len(options) > 1 and all(not chosen for _, chosen in options)


@pytest.mark.django_db
def test_edit_duplicate_card_is_refused(tree, clients):
    from chibo.accounts.tests.test_scope_matrix import member_form_data

    before = snapshot()
    data = member_form_data(tree.member_a, party_card_number="02000001")
    r = clients["admin"].post(f"/members/{tree.member_a.pk}/edit/", data)
    assert r.status_code == 200
    assert "Hãy sửa các lỗi bên dưới." in r.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
def test_edit_duplicate_card_message_is_vietnamese(tree, clients):
    from chibo.accounts.tests.test_scope_matrix import member_form_data

    data = member_form_data(tree.member_a, party_card_number="02000001")
    r = clients["admin"].post(f"/members/{tree.member_a.pk}/edit/", data)
    assert "Số thẻ đảng viên 02000001 đã có trong danh sách đảng viên." in r.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["2024-13-45T00:00:00", "not a date", "2020-01-01T00:00:00"])
def test_edit_with_a_stale_or_unreadable_version_changes_nothing(version, tree, clients):
    from chibo.accounts.tests.test_scope_matrix import member_form_data

    before = snapshot()
    data = member_form_data(tree.member_a, occupation="Nông dân", version=version)
    r = clients["secretary_a"].post(f"/members/{tree.member_a.pk}/edit/", data)
    assert r.status_code == 200
    assert "Hồ sơ này vừa được người khác sửa" in r.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, ""])
def test_edit_without_a_version_changes_nothing(version, tree, clients):
    # The form always sends the version it was loaded with; a submission without one (a script,
    # an old tab) could overwrite a newer record unseen, so it is refused as the record form is.
    from chibo.accounts.tests.test_scope_matrix import member_form_data

    before = snapshot()
    data = member_form_data(tree.member_a, occupation="Nông dân", version=version)
    if version is None:
        del data["version"]
    r = clients["secretary_a"].post(f"/members/{tree.member_a.pk}/edit/", data)
    assert r.status_code == 200
    assert "Biểu mẫu thiếu phiên bản hồ sơ" in r.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
def test_edit_audits_the_changed_fields_only(tree, clients, personas):
    from chibo.accounts.tests.test_scope_matrix import member_form_data

    data = member_form_data(tree.member_a, full_name="Nguyễn Văn Ân", occupation="Y sĩ")
    r = clients["commune"].post(f"/members/{tree.member_a.pk}/edit/", data)
    assert r.status_code == 302
    m = Member.objects.get(pk=tree.member_a.pk)
    assert (m.full_name, m.given_name, m.occupation) == ("Nguyễn Văn Ân", "Ân", "Y sĩ")
    event = AuditEvent.objects.get(action="update", object_id=str(m.pk))
    assert event.actor == personas["commune"]
    assert event.changes == {
        "full_name": ["Nguyễn Văn An", "Nguyễn Văn Ân"],
        "occupation": ["", "Y sĩ"],
    }
    # The record page shows the change in its log.
    body = clients["commune"].get(f"/members/{m.pk}/").content.decode()
    assert "Nguyễn Văn An → Nguyễn Văn Ân" in body


@pytest.mark.django_db
def test_transfer_before_the_current_membership_start_is_refused(tree, clients):
    before = snapshot()
    r = clients["commune"].post(
        f"/members/{tree.member_a.pk}/transfer/", {"to_cell": tree.cell_a2.pk, "on": "01/01/2009"}
    )
    assert r.status_code == 200
    assert (
        "Ngày chuyển phải sau ngày bắt đầu sinh hoạt ở chi bộ hiện tại (19/05/2010)."
        in r.content.decode()
    )
    assert snapshot() == before


@pytest.mark.django_db
def test_transfer_offers_only_other_writable_cells(tree, clients):
    body = clients["commune"].get(f"/members/{tree.member_a.pk}/transfer/").content.decode()
    assert re.findall(r'<option value="(\d+)"', body) == [str(tree.cell_a2.pk)]


@pytest.mark.django_db
def test_status_deceased_closes_the_membership(tree, clients, personas):
    url = f"/members/{tree.member_a.pk}/status/"
    r = clients["secretary_a"].post(url, {"status": "deceased", "on": ON, "note": "bệnh"})
    assert r.status_code == 302
    m = Member.objects.get(pk=tree.member_a.pk)
    assert (m.status, m.status_since, m.cell_id) == ("deceased", ON_DATE, tree.cell_a.pk)
    assert list(m.memberships.values_list("end", flat=True)) == [ON_DATE]
    change = StatusChange.objects.get(member=m)
    # The death movement's event, with its kind: the generic form records it through it.
    assert (change.kind, change.previous, change.status, change.note, change.actor) == (
        StatusChange.Kind.DEATH,
        "active",
        "deceased",
        "bệnh",
        personas["secretary_a"],
    )
    assert AuditEvent.objects.filter(action="status", object_id=str(m.pk)).exists()

    page = clients["secretary_a"].get(f"/members/{m.pk}/").content.decode()
    assert "Đã từ trần" in page
    assert "01/03/2024: <strong>Từ trần</strong> · Đang sinh hoạt → Đã từ trần (bệnh)" in page
    assert "Chuyển sinh hoạt</a>" not in page and "Đổi trạng thái</a>" not in page
    assert "Nguyễn Văn An" not in listed(clients["secretary_a"].get("/members/"))
    assert "Nguyễn Văn An" in listed(clients["secretary_a"].get("/members/?status=all"))

    # Nothing more can happen to the record.
    before = snapshot()
    r = clients["secretary_a"].post(url, {"status": "active", "on": ON})
    assert "Không thể đổi trạng thái của đảng viên đã từ trần." in r.content.decode()
    r = clients["commune"].post(
        f"/members/{m.pk}/transfer/", {"to_cell": tree.cell_a2.pk, "on": "01/04/2024"}
    )
    assert "Đảng viên không còn sinh hoạt nên không thể chuyển." in r.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "exempt", "on": "01/01/2099", "note": "Ốm"}, "Ngày không được ở tương lai."),
        ({"status": "active", "on": ON}, "Đảng viên đã ở trạng thái này."),
        ({"status": "exempt", "on": "01/01/2000", "note": "Ốm"}, "Ngày không được trước ngày"),
        ({"status": "exempt", "on": "2024-31-31", "note": "Ốm"}, "Ngày không hợp lệ (dd/mm/yyyy)."),
        ({"status": "exempt", "on": ON, "note": " "}, "Ghi lý do miễn sinh hoạt"),
    ],
)
def test_status_refusals(data, message, tree, clients):
    before = snapshot()
    r = clients["secretary_a"].post(f"/members/{tree.member_a.pk}/status/", data)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert snapshot() == before


# --- query counts -----------------------------------------------------------------------------
#
# Every signed-in page starts with the same statements: the session, the user with the role
# assignments it holds today (for Scope, accounts.backends), the user's TOTP device
# (django-otp), the unread notifications counted for the nav (meetings): 4 statements besides
# the page's own. The session is written once a minute at most (SessionRefreshMiddleware), not
# after each request.
FIXED = 4
FIXED_PARTIAL = FIXED - 1  # an HTMX partial has no nav
DEVICE = 1  # the TOTP device: read only for a user who must pass the TOTP step (an org admin)


def count_queries(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 40])
def test_member_list_query_count_does_not_grow(n, tree, personas):
    bulk_members(tree.cell_a, n)
    bulk_members(tree.cell_b, n, prefix="Cầm Văn Số")
    client = login_client(personas["admin"])
    # The list: its total, a sum of the members-per-cell counters (1), the page of members
    # with their cells (1). The organization filter is a text field: no organization is read.
    count, sql = count_queries(client, "/members/")
    assert count == FIXED + 2, sql
    # A page after a member (the pager's «Sau», core.keyset): that member's place (1), the
    # total (1), the page (1), whatever the page's depth.
    last = Member.objects.in_cell().order_by("sort_key", "id")[min(49, 2 * n + 2)]
    count, sql = count_queries(client, f"/members/?after={last.pk}&page=2")
    assert count == FIXED + 3, sql
    # Filtered by an organization and searched: the organization itself (1), the page's ids
    # (1), rows (1) and their cells (1). No count: it comes after.
    count, sql = count_queries(client, f"/members/?org={tree.commune_a.pk}&sex=male&q=lo")
    assert count == FIXED + 4, sql
    # The organization as typed (no script): what the text finds (1), then the same.
    count, sql = count_queries(client, "/members/?org_q=xa+an&sex=male&q=lo")
    assert count == FIXED + 4, sql
    # The HTMX partial (the search as typed): the page's ids (1), rows (1) and their cells (1);
    # no nav, and no organizations for a filter it does not render.
    count, sql = count_queries(client, "/members/?q=so", HTTP_HX_REQUEST="true")
    assert count == FIXED_PARTIAL + 3, sql
    # The count that follows: one COUNT, no nav.
    count, sql = count_queries(client, "/members/count/?q=so", HTTP_HX_REQUEST="true")
    assert count == FIXED_PARTIAL + 1, sql
    assert len(listed(client.get("/members/"))) == min(50, 2 * n + 3)


@pytest.mark.django_db
@pytest.mark.parametrize("moves", [1, 6])
def test_member_detail_query_count_does_not_grow(moves, tree, personas):
    admin = personas["admin"]
    member = tree.member_a
    for i in range(moves):
        to = tree.cell_a2 if i % 2 == 0 else tree.cell_a
        services.member_transfer(
            member=member, to_cell=to, on=datetime.date(2016 + i, 1, 1), actor=admin
        )
    for i, status in enumerate(["exempt", "active", "exempt"][: 1 + (moves > 1) * 2]):
        services.member_change_status(
            member=member, status=status, on=datetime.date(2023, 1 + i, 1), actor=admin, note="Ốm"
        )
    client = login_client(admin)
    # The member with cell and parent (1), memberships (1) and their cells (1),
    # status changes (1) and their actors (1), temporary stays (1), badges (1),
    # interruptions (1), audit events with actors (1), the cells the change log names (1), the
    # annual ratings with their levels and cells (1, a section of chibo.ratings).
    count, sql = count_queries(client, f"/members/{member.pk}/")
    assert count == FIXED + 11, sql
    body = client.get(f"/members/{member.pk}/").content.decode()
    history = body[body.index("Quá trình sinh hoạt") : body.index("Nhật ký thay đổi")]
    assert history.count("<tr><td>") == moves + 1
