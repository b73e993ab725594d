"""Committee pages: every persona against every page (allowed, read-only, outsider), the writes
through the pages with their database effect, bad query strings, exports, query counts."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.committees.models import (
    CommuneLeader,
    CommuneOfficial,
    ConcurrentRole,
    Position,
    SuccessionPlan,
    Term,
    Title,
)
from chibo.committees.villages import services as village_services
from chibo.core.models import AuditEvent
from chibo.organizations import services as org_services
from chibo.organizations.models import Commune
from chibo.organizations.services_villages import village_create

from .conftest import DAY, START, fill, seat

pytestmark = pytest.mark.django_db
D = datetime.date
PERSONAS = ("admin", "analyst", "commune", "secretary_a", "member_a", "official", "secretary_b")
OK, NO, GO = 200, 404, 302


def url(page, t, d):
    ca, cb, xa, hu = t.cell_a.pk, t.cell_b.pk, t.commune_a.pk, t.district.pk
    return {
        "index": "/committees/",
        "cell_a": f"/committees/cell/{ca}/",
        "cell_b": f"/committees/cell/{cb}/",
        "org_commune_a": f"/committees/org/{xa}/",
        "org_district": f"/committees/org/{hu}/",
        "roles_commune_a": f"/committees/org/{xa}/roles/",
        "roles_cell_a": f"/committees/org/{ca}/roles/",
        "leaders_district": f"/committees/org/{hu}/leaders/",
        "leaders_commune_a": f"/committees/org/{xa}/leaders/",
        "qualification_commune_a": f"/committees/org/{xa}/qualification/",
        "officials_commune_a": f"/committees/org/{xa}/officials/",
        "officials_district": f"/committees/org/{hu}/officials/",
        "succession_cell_a": f"/committees/org/{ca}/succession/",
        "succession_commune_a": f"/committees/org/{xa}/succession/",
        "indicator_commune_a": f"/committees/org/{xa}/indicators/cells_with_committee/",
        "indicator_cell_a": f"/committees/org/{ca}/indicators/secretary_is_village_head/",
        "position_assign_cell_a": f"/committees/org/{ca}/positions/new/",
        "position_assign_commune_a": f"/committees/org/{xa}/positions/new/",
        "term_create_cell_a": f"/committees/org/{ca}/terms/new/",
        "congress_cell_a": f"/committees/cell/{ca}/congress/",
        "position_end_a": f"/committees/positions/{d['position'].pk}/end/",
        "role_assign_village_a": f"/committees/village/{d['village'].pk}/roles/new/",
        "role_end_a": f"/committees/roles/{d['role'].pk}/end/",
        "succession_add_cell_a": f"/committees/org/{ca}/succession/add/",
        "succession_remove_a": f"/committees/succession/{d['plan'].pk}/remove/",
    }[page]


# One column per persona, in the order of PERSONAS:
#               admin analyst commune sec_a member_a official sec_b
CELL_A = (OK, OK, OK, OK, NO, OK, NO)
COMMUNE_A = (OK, OK, OK, NO, NO, NO, NO)
DISTRICT = (OK, OK, NO, NO, NO, NO, NO)
WRITE_CELL_A = (OK, NO, OK, OK, NO, NO, NO)
GET_POLICY = {
    "index": (GO, GO, GO, GO, NO, GO, GO),
    "cell_a": CELL_A,
    "cell_b": (OK, OK, NO, NO, NO, NO, OK),
    "org_commune_a": COMMUNE_A,
    "org_district": DISTRICT,
    "roles_commune_a": COMMUNE_A,
    "roles_cell_a": CELL_A,
    "leaders_district": DISTRICT,
    "leaders_commune_a": COMMUNE_A,
    "qualification_commune_a": COMMUNE_A,
    "officials_commune_a": COMMUNE_A,
    "officials_district": DISTRICT,
    "succession_cell_a": CELL_A,
    "succession_commune_a": COMMUNE_A,
    "indicator_commune_a": COMMUNE_A,
    "indicator_cell_a": CELL_A,
    "position_assign_cell_a": WRITE_CELL_A,
    "position_assign_commune_a": (OK, NO, OK, NO, NO, NO, NO),
    "term_create_cell_a": WRITE_CELL_A,
    "congress_cell_a": WRITE_CELL_A,
    "position_end_a": WRITE_CELL_A,
    "role_assign_village_a": WRITE_CELL_A,
    "role_end_a": WRITE_CELL_A,
    "succession_add_cell_a": WRITE_CELL_A,
    "succession_remove_a": WRITE_CELL_A,
}
EXPECTED_TEXT = {
    "cell_a": ["Chi ủy: Chi bộ bản Áng", "Lò Thị Ánh", "2020–2025", "Bản Áng"],
    "cell_b": ["Chi bộ bản Bó"],
    "org_commune_a": ["Chi bộ bản Áng", "Chi bộ bản Đông", "Chưa có bí thư"],
    "org_district": ["Đảng bộ xã An", "Đảng bộ xã Bình", "Có cảnh báo"],
    "roles_commune_a": ["Mô hình Nà Bó", "Đúng mô hình", "Bí thư = Trưởng thôn, bản, tiểu khu"],
    "roles_cell_a": ["Lò Thị Ánh"],
    "leaders_district": ["Hà Văn Ngoài", "1/2 (50%)"],
    "leaders_commune_a": ["Hà Văn Ngoài"],
    "qualification_commune_a": ["Chưa tốt nghiệp THPT", "Địa chính"],
    "officials_commune_a": ["Chưa tốt nghiệp THPT", "Địa chính", "Chưa đạt chuẩn"],
    "officials_district": ["Đảng bộ xã An", "Địa chính"],
    "succession_cell_a": ["Nguyễn Văn An", "2020–2025"],
    "indicator_commune_a": ["0/2 (0%)"],
    "indicator_cell_a": ["1/1 (100%)", "Lò Thị Ánh"],
    "position_assign_cell_a": ["Thêm chức danh"],
    "congress_cell_a": ["Ghi kết quả bầu chi ủy"],
    "position_end_a": ["Thôi chức Bí thư: Lò Thị Ánh"],
    "role_end_a": ["Lò Thị Ánh"],
    "succession_remove_a": ["Nguyễn Văn An"],
}


def _cases(policy):
    for page, row in policy.items():
        assert len(row) == len(PERSONAS), page
        for persona, expected in zip(PERSONAS, row, strict=True):
            yield pytest.param(persona, page, expected, id=f"{page}-{persona}")


@pytest.mark.parametrize(("persona", "page", "expected"), list(_cases(GET_POLICY)))
def test_get(persona, page, expected, tree, page_data, clients):
    response = clients[persona].get(url(page, tree, page_data))
    assert response.status_code == expected
    body = response.content.decode()
    if expected == OK:
        for text in EXPECTED_TEXT.get(page, []):
            assert text in body, (page, text)
    if expected == NO:
        assert "Lò Thị Ánh" not in body and "Hà Văn Ngoài" not in body


@pytest.mark.parametrize(
    ("persona", "forms"),
    [
        ("admin", True),
        ("commune", True),
        ("secretary_a", True),
        ("analyst", False),
        ("official", False),
    ],
)
def test_write_forms_only_for_writers(persona, forms, tree, page_data, clients):
    body = clients[persona].get(url("cell_a", tree, page_data)).content.decode()
    for action in ("/positions/new/", "/congress/", "/terms/new/", "/roles/new/", "/end/"):
        assert (action in body) == forms, action
    body = clients[persona].get(url("succession_cell_a", tree, page_data)).content.decode()
    assert ("/succession/add/" in body) == forms
    # The form's hidden submission key is sent, not shown with a label of its own.
    assert ('name="submission_key"' in body) == forms
    assert 'for="id_submission_key"' not in body


def test_index_lists_several_tops(tree, clients, personas):
    from chibo.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(
        user=personas["secretary_b"],
        role=Role.CELL_SECRETARY,
        organization=tree.cell_a2,
        valid_from=START,
    )
    body = clients["secretary_b"].get("/committees/").content.decode()
    assert "Chi bộ bản Bó" in body and "Chi bộ bản Đông" in body
    assert (
        clients["admin"].get("/committees/")["Location"] == f"/committees/org/{tree.district.pk}/"
    )


def test_district_page_sums_up_per_commune_and_lists_the_flagged_cells(tree, page_data, clients):
    body = clients["admin"].get(url("org_district", tree, page_data)).content.decode()
    assert f'href="/committees/org/{tree.commune_a.pk}/"' in body
    assert "Chi bộ bản Đông" not in body  # the cells are on the commune's page
    body = (
        clients["admin"].get(url("org_district", tree, page_data) + "?flagged=on").content.decode()
    )
    # Cell Đông has no secretary; cell Áng too few official members; cell Bó both.
    for name in ("Chi bộ bản Đông", "Chi bộ bản Áng", "Chi bộ bản Bó"):
        assert name in body
    body = clients["admin"].get(url("roles_commune_a", tree, page_data)).content.decode()
    assert "Bản Áng" in body
    body = clients["admin"].get(f"/committees/org/{tree.district.pk}/roles/").content.decode()
    assert f"/committees/org/{tree.commune_a.pk}/roles/" in body and "Lò Thị Ánh" not in body


def test_the_cells_with_one_flag(tree, big_cell, clients):
    """?flag= lists the cells with that flag only, ?residential=on counts and lists the village
    cells only: the list behind the dashboard's village cells that must elect a committee and
    have none, on the district's page (a summary) as on a commune's."""
    query = f"?as_of={DAY:%d/%m/%Y}&flag=no_committee&residential=on"
    for org in (tree.district, tree.commune_a):
        response = clients["admin"].get(f"/committees/org/{org.pk}/{query}")
        # Cell Đông: 10 official members, no position; Áng and Bó elect a secretary only.
        assert [r.name for r in response.context["reports"]] == ["Chi bộ bản Đông"]
        assert "«Đủ số đảng viên chính thức nhưng chưa có chi ủy»: 1" in response.content.decode()
    seat(big_cell[0], big_cell[1][0], Title.SECRETARY)  # a secretary alone is no committee
    response = clients["admin"].get(f"/committees/org/{tree.district.pk}/{query}")
    assert [r.name for r in response.context["reports"]] == ["Chi bộ bản Đông"]
    response = clients["admin"].get(f"/committees/org/{tree.district.pk}/?flag=nonsense")
    assert response.status_code == 400


def test_indicator_list_pages(tree, page_data, clients, monkeypatch):
    from chibo.committees import views

    monkeypatch.setattr(views, "INDICATOR_PAGE_SIZE", 2)
    base = f"/committees/org/{tree.district.pk}/indicators/cells_with_committee/"
    body = clients["admin"].get(base).content.decode()
    assert "Trang 1/2" in body and "0/3 (0%)" in body
    body = clients["admin"].get(base + "?page=2").content.decode()
    assert "Trang 2/2" in body
    assert clients["admin"].get(base + "?page=0").status_code == 400


def test_cell_and_org_pages_redirect_to_each_other(tree, clients):
    r = clients["admin"].get(f"/committees/org/{tree.cell_a.pk}/")
    assert r.status_code == 302 and r["Location"] == f"/committees/cell/{tree.cell_a.pk}/"
    r = clients["admin"].get(f"/committees/cell/{tree.commune_a.pk}/")
    assert r.status_code == 302 and r["Location"] == f"/committees/org/{tree.commune_a.pk}/"


# --- writes through the pages -----------------------------------------------------------------

WRITERS = {
    "admin": True,
    "commune": True,
    "secretary_a": True,
    "analyst": False,
    "official": False,
    "secretary_b": False,
    "member_a": False,
}


@pytest.mark.parametrize("persona", list(WRITERS))
def test_post_position_assign(persona, tree, page_data, clients):
    (m,) = fill(tree.cell_a, 1, prefix="Mới")
    before = AuditEvent.objects.count()
    r = clients[persona].post(
        url("position_assign_cell_a", tree, page_data),
        {
            "member": m.pk,
            "title": "deputy_secretary",
            "start": "01/01/2022",
            "obtained": "elected",
            "term": page_data["term"].pk,
        },
    )
    created = Position.objects.filter(member=m, title="deputy_secretary")
    if WRITERS[persona]:
        assert r.status_code == 302 and r["Location"] == f"/committees/cell/{tree.cell_a.pk}/"
        assert created.get().term == page_data["term"]
        assert AuditEvent.objects.count() == before + 1
    else:
        assert r.status_code == 404
        assert not created.exists() and AuditEvent.objects.count() == before


def test_post_with_a_refused_seat_shows_the_message_and_saves_nothing(tree, page_data, clients):
    r = clients["secretary_a"].post(
        url("position_assign_cell_a", tree, page_data),
        {
            "member": tree.member_a.pk,
            "title": "secretary",
            "start": "01/01/2022",
            "obtained": "elected",
        },
    )
    assert r.status_code == 200
    assert "đã có bí thư Lò Thị Ánh từ 01/06/2020 đến nay" in r.content.decode()
    assert Position.objects.count() == 1
    # A member of another cell is not even a choice.
    r = clients["secretary_a"].post(
        url("position_assign_cell_a", tree, page_data),
        {
            "member": tree.member_b.pk,
            "title": "deputy_secretary",
            "start": "01/01/2022",
            "obtained": "elected",
        },
    )
    assert r.status_code == 200 and "member" in r.context["form"].errors
    r = clients["secretary_a"].post(
        url("position_assign_cell_a", tree, page_data),
        {
            "member": tree.member_a.pk,
            "title": "deputy_secretary",
            "start": "01/01/2022",
            "end": "01/01/2021",
            "obtained": "elected",
        },
    )
    assert "Ngày kết thúc phải sau ngày bắt đầu" in r.content.decode()
    assert Position.objects.count() == 1


@pytest.mark.parametrize("persona", list(WRITERS))
def test_post_position_end(persona, tree, page_data, clients):
    r = clients[persona].post(url("position_end_a", tree, page_data), {"end": "01/02/2023"})
    page_data["position"].refresh_from_db()
    if WRITERS[persona]:
        assert r.status_code == 302 and page_data["position"].end == D(2023, 2, 1)
    else:
        assert r.status_code == 404 and page_data["position"].end is None


def test_post_congress_records_the_new_committee(tree, page_data, clients):
    people = fill(tree.cell_a, 8)
    r = clients["commune"].post(
        url("congress_cell_a", tree, page_data),
        {
            "term": page_data["term"].pk,
            "on": "15/03/2023",
            "secretary": people[0].pk,
            "deputy": people[1].pk,
            "members": [people[2].pk, people[3].pk],
            "decision": "NQ 01",
        },
    )
    assert r.status_code == 302
    page_data["position"].refresh_from_db()
    assert page_data["position"].end == D(2023, 3, 15)
    now = Position.objects.filter(organization=tree.cell_a, end__isnull=True)
    assert sorted(now.values_list("title", flat=True)) == sorted(
        ["secretary", "deputy_secretary", "committee_member", "committee_member"]
    )
    body = clients["commune"].get(url("cell_a", tree, page_data)).content.decode()
    assert "Có chi ủy" in body and people[0].full_name in body


def test_post_congress_twice_the_same_person_is_a_form_error(tree, page_data, clients):
    people = fill(tree.cell_a, 3)
    r = clients["admin"].post(
        url("congress_cell_a", tree, page_data),
        {
            "term": page_data["term"].pk,
            "on": "15/03/2023",
            "secretary": people[0].pk,
            "deputy": people[0].pk,
        },
    )
    assert r.status_code == 200 and "Mỗi người chỉ giữ một chức danh" in r.content.decode()
    assert Position.objects.filter(end__isnull=True).count() == 1


@pytest.mark.parametrize("persona", list(WRITERS))
def test_post_role_assign_and_end(persona, tree, page_data, clients):
    r = clients[persona].post(
        url("role_assign_village_a", tree, page_data),
        {"kind": "front_head", "person_name": "Lò Văn Xôm", "start": "01/01/2022"},
    )
    created = ConcurrentRole.objects.filter(kind="front_head")
    r2 = clients[persona].post(url("role_end_a", tree, page_data), {"end": "01/01/2023"})
    page_data["role"].refresh_from_db()
    if WRITERS[persona]:
        assert r.status_code == 302 and created.get().holder_name == "Lò Văn Xôm"
        assert r2.status_code == 302 and page_data["role"].end == D(2023, 1, 1)
    else:
        assert r.status_code == 404 and r2.status_code == 404
        assert not created.exists() and page_data["role"].end is None


def test_role_redirects_back_to_the_page_the_writer_can_read(tree, page_data, clients):
    data = {"kind": "women_head", "person_name": "Lò Thị Mai", "start": "01/01/2022"}
    r = clients["commune"].post(url("role_assign_village_a", tree, page_data), data)
    assert r["Location"] == f"/committees/org/{tree.commune_a.pk}/roles/"
    data["kind"] = "farmers_head"
    r = clients["secretary_a"].post(url("role_assign_village_a", tree, page_data), data)
    assert r["Location"] == f"/committees/cell/{tree.cell_a.pk}/"


def test_role_overlap_message(tree, page_data, clients):
    r = clients["secretary_a"].post(
        url("role_assign_village_a", tree, page_data),
        {"kind": "village_head", "person_name": "Lường Văn Mới", "start": "01/01/2022"},
    )
    assert r.status_code == 200 and "đã có trưởng thôn, bản, tiểu khu Lò Thị Ánh" in (
        r.content.decode()
    )
    assert ConcurrentRole.objects.count() == 1


@pytest.mark.parametrize("persona", list(WRITERS))
def test_post_succession_add_and_remove(persona, tree, page_data, clients):
    r = clients[persona].post(
        url("succession_add_cell_a", tree, page_data),
        {
            "term_name": "2025–2030",
            "title": "secretary",
            "member": tree.member_a.pk,
            "approved_on": "01/03/2023",
            "note": "",
        },
    )
    r2 = clients[persona].post(
        url("succession_remove_a", tree, page_data), {"on": "01/03/2023", "note": "Chuyển đi"}
    )
    plan = page_data["plan"]
    plan.refresh_from_db()
    if WRITERS[persona]:
        assert r.status_code == 302 and "term=2025" in r["Location"]
        assert SuccessionPlan.objects.filter(term_name="2025–2030").count() == 1
        assert r2.status_code == 302 and plan.removed_on == D(2023, 3, 1)
        assert SuccessionPlan.objects.count() == 2  # removal keeps the row
    else:
        assert r.status_code == 404 and r2.status_code == 404
        assert SuccessionPlan.objects.count() == 1 and plan.removed_on is None


def test_post_term_create(tree, page_data, clients):
    r = clients["secretary_a"].post(
        url("term_create_cell_a", tree, page_data),
        {"name": "2025–2030", "start": "01/10/2025", "end": "30/09/2030"},
    )
    assert r.status_code == 302
    assert Term.objects.filter(organization=tree.cell_a, name="2025–2030").exists()
    r = clients["secretary_a"].post(
        url("term_create_cell_a", tree, page_data),
        {"name": "2024–2029", "start": "01/10/2024", "end": "30/09/2029"},
    )
    assert r.status_code == 200 and "Trùng thời gian với nhiệm kỳ" in r.content.decode()


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["as_of=31-31-2023", "format=pdf", "flagged=maybe&as_of=x", "term=" + "x" * 30, "list=all"],
)
def test_bad_query_is_a_400(query, tree, page_data, clients):
    pages = [
        "cell_a",
        "org_commune_a",
        "roles_commune_a",
        "leaders_commune_a",
        "qualification_commune_a",
        "succession_cell_a",
        "indicator_commune_a",
    ]
    statuses = {
        clients["admin"].get(url(p, tree, page_data) + "?" + query).status_code for p in pages
    }
    if query.startswith(("term=", "list=")):
        # Only the page with that field refuses; the others ignore a field they do not have.
        assert statuses == {200, 400}
    else:
        assert statuses == {400}


def test_unknown_indicator_is_a_404(tree, clients):
    assert (
        clients["admin"].get(f"/committees/org/{tree.district.pk}/indicators/members/").status_code
        == 404
    )


def test_as_of_moves_the_page_in_time(tree, page_data, clients):
    body = (
        clients["admin"].get(url("cell_a", tree, page_data) + "?as_of=01/01/2019").content.decode()
    )
    assert "Chưa có ai giữ chức danh" in body
    body = (
        clients["admin"].get(url("cell_a", tree, page_data) + "?as_of=2023-03-31").content.decode()
    )
    assert "Chưa có ai giữ chức danh" not in body


# --- exports ------------------------------------------------------------------------------------

EXPORTS = {
    "cell_a": ["Chi bộ bản Áng", "Lò Thị Ánh"],
    "org_commune_a": ["Chi bộ bản Đông"],
    "roles_commune_a": ["Lò Thị Ánh", "Bí thư = Trưởng thôn, bản, tiểu khu"],
    "leaders_district": ["Hà Văn Ngoài", "'@SUM(A1)"],
    "qualification_commune_a": ['\'=HYPERLINK("x")', "Chưa tốt nghiệp THPT"],
    "officials_commune_a": ['\'=HYPERLINK("x")', "Địa chính"],
    "succession_cell_a": ["Nguyễn Văn An"],
    "indicator_commune_a": ["Chi bộ bản Áng", "Không"],
    "indicator_cell_a": ["Lò Thị Ánh", "Có"],
}


def sheet_values(content) -> list:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row]


@pytest.mark.parametrize("page", list(EXPORTS))
def test_exports_open_with_openpyxl(page, tree, page_data, clients):
    r = clients["analyst"].get(url(page, tree, page_data) + "?format=xlsx&as_of=31/03/2023")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert r["Content-Disposition"].startswith("attachment;")
    values = sheet_values(r.content)
    for text in EXPORTS[page]:
        assert text in values, (page, text)
    # A value starting with =, +, -, @ never becomes a formula.
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)


def test_export_is_scoped_like_the_page(tree, page_data, clients):
    assert (
        clients["secretary_b"]
        .get(url("org_commune_a", tree, page_data) + "?format=xlsx")
        .status_code
        == 404
    )
    values = sheet_values(
        clients["commune"].get(url("leaders_commune_a", tree, page_data) + "?format=xlsx").content
    )
    assert "Hà Văn Ngoài" in values and "'@SUM(A1)" not in values  # commune B's leader


def test_export_dates_are_dates(tree, page_data, clients):
    r = clients["admin"].get(url("cell_a", tree, page_data) + "?format=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    history = wb.worksheets[-1]
    start = history.cell(row=2, column=3)
    assert start.value.date() == START and start.number_format == "DD/MM/YYYY"


# --- query counts at two sizes -------------------------------------------------------------------


def grow(tree, n, tag):
    """n more cells in commune A, each with 9 members, a committee, a village with posts, a
    successor; n more communes with two leaders; n officials in commune A."""
    commune = Commune.objects.get(code="C-A")
    for i in range(n):
        cell = org_services.org_create(
            code=f"G{tag}{i}",
            name=f"Chi bộ bản {tag}{i}",
            kind="cell",
            cell_type="residential",
            parent=tree.commune_a,
            valid_from=START,
            actor=None,
        )
        people = fill(cell, 9)
        for m, title in zip(
            people[:3], ["secretary", "deputy_secretary", "committee_member"], strict=True
        ):
            seat(cell, m, title)
        village = village_create(
            actor=None,
            kind="ban",
            code=f"V{tag}{i}",
            name=f"Bản {tag}{i}",
            commune=commune,
            cell=cell,
            valid_from=START,
        )
        for kind in ("village_head", "front_head"):
            village_services.concurrent_role_assign(
                village=village,
                kind=kind,
                start=START,
                member=people[0 if kind == "village_head" else 1],
                actor=None,
            )
        SuccessionPlan.objects.create(
            organization=tree.cell_a,
            term_name="2020–2025",
            title="secretary",
            member=people[4],
            approved_on=D(2021, 1, 1),
        )
        x = org_services.org_create(
            code=f"GX{tag}{i}",
            name=f"Đảng bộ xã {tag}{i}",
            kind="grassroots",
            grassroots_type="commune",
            parent=tree.district,
            valid_from=START,
            actor=None,
        )
        for post in ("party_secretary", "pc_chairman"):
            CommuneLeader.objects.create(
                commune=x, post=post, full_name=f"{post} {i}", is_local=i % 2 == 0, start=START
            )
        CommuneOfficial.objects.create(
            commune=tree.commune_a,
            full_name=f"Cán bộ {tag}{i}",
            post="x",
            meets_standard=False,
            reason="y",
            assessed_on=D(2022, 1, 1),
            start=START,
        )


COUNTED_PAGES = [
    "cell_a",
    "org_commune_a",
    "org_district",
    "roles_commune_a",
    "leaders_district",
    "qualification_commune_a",
    "officials_commune_a",
    "officials_district",
    "succession_cell_a",
    "indicator_commune_a",
    "indicator_cell_a",
]


def test_list_pages_query_counts_do_not_grow(tree, page_data, clients):
    """Each page's queries: the session, the user, the OTP device and the scope's roles, then the
    page's own reads (each a constant: the org, its path on the date, the rule, positions,
    official counts, villages, posts, role models and their rules, terms,
    plans, leaders, officials, standards, the form choices), never one per row."""
    client = clients["commune"]

    def counts():
        result = {}
        for page in COUNTED_PAGES:
            district = ("org_district", "leaders_district", "officials_district")
            c = clients["admin"] if page in district else client
            with CaptureQueriesContext(connection) as ctx:
                r = c.get(url(page, tree, page_data) + "?as_of=31/03/2023")
            assert r.status_code == 200, page
            result[page] = len(ctx.captured_queries)
        return result

    small = counts()
    grow(tree, 2, "a")
    medium = counts()
    grow(tree, 5, "b")
    large = counts()
    assert small == medium == large
    assert max(large.values()) < 40, large


def test_above_the_commune_the_successor_is_named_by_card_number(tree, clients):
    """A district's page would list thousands of members: it asks for the party card number."""
    admin = clients["admin"]
    page = admin.get(f"/committees/org/{tree.district.pk}/succession/").content.decode()
    assert 'name="member"' in page and "Số thẻ đảng viên" in page
    assert "<option" not in page.split('name="member"', 1)[1].split("</div>", 1)[0]
    cell_page = admin.get(f"/committees/org/{tree.cell_a.pk}/succession/").content.decode()
    assert "Nguyễn Văn An" in cell_page.split('name="member"', 1)[1]  # a cell lists its members
    add = f"/committees/org/{tree.district.pk}/succession/add/"
    data = {"term_name": "2025–2030", "title": "secretary", "approved_on": "01/03/2023"}
    r = admin.post(add, {**data, "member": "99999999"})
    assert "Không có đảng viên mang số thẻ này trong tổ chức." in r.content.decode()
    assert not SuccessionPlan.objects.filter(organization=tree.district).exists()
    r = admin.post(add, {**data, "member": " 01000001 "})
    assert r.status_code == 302
    plan = SuccessionPlan.objects.get(organization=tree.district)
    assert plan.member == tree.member_a


def test_commune_officials_are_listed_by_given_name(tree, page_data, clients):
    """Within a commune, An before Lả before Ỏm, as Vietnamese names sort (by the characters'
    codes Bùi comes before Bạc, and Ỏ after every letter)."""
    for name in ("Bạc Thị Ỏm", "Bùi Thanh Lả", "Bạc Thị An"):
        CommuneOfficial.objects.create(
            commune=tree.commune_a,
            full_name=name,
            post="x",
            meets_standard=True,
            assessed_on=START,
            start=START,
        )
    body = clients["admin"].get(url("officials_commune_a", tree, page_data)).content.decode()
    assert body.index("Bạc Thị An") < body.index("Bùi Thanh Lả") < body.index("Bạc Thị Ỏm")
