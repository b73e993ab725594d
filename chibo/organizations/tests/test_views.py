"""Organization pages: the tree and its HTMX expansion, an organization's page with indicators
and members, and structure changes (rename, re-parent, merge, close) seen through the pages."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.accounts.models import Role, RoleAssignment
from chibo.core import indicators
from chibo.core.models import AuditEvent
from chibo.members import counts
from chibo.members.models import Member, Membership
from chibo.organizations import services
from chibo.organizations.models import Organization, OrganizationEvent, OrganizationPeriod
from conftest import D0, login_client, make_member

BEFORE, ON = "31/12/2023", "01/01/2024"
ON_DATE = datetime.date(2024, 1, 1)


def bulk_members(cell, n, prefix="Lò Văn"):
    """`n` active members in `cell` in one INSERT (no memberships: counts read members)."""
    rows = []
    for i in range(n):
        m = Member(
            full_name=f"{prefix} Số{i:05d}",
            sex="male",
            birth_date=datetime.date(1980, 1, 1),
            ethnicity="Thái",
            admission_date=datetime.date(2010, 1, 1),
            official_date=datetime.date(2011, 1, 1),
            cell=cell,
        )
        m.refresh_derived()
        rows.append(m)
    Member.objects.bulk_create(rows)
    counts.refresh([cell.pk])  # as the services keep them


def org_page(client, url) -> str:
    """An organization's page as a browser shows it: with the indicators htmx loads after it."""
    body = client.get(url).content.decode()
    lazy = re.search(r'hx-get="([^"]*/indicators/[^"]*)" hx-trigger="load"', body)
    if lazy:
        fragment = client.get(html.unescape(lazy.group(1)), HTTP_HX_REQUEST="true")
        body += fragment.content.decode()
    return body


def kpi(body, code):
    """The text of one indicator on an organization page."""
    match = re.search(rf'data-code="{code}">.*?class="v">([^<]*)<', body, re.S)
    assert match, code
    return match.group(1)


def names_in_order(body, names):
    positions = [body.index(n) for n in names]
    return positions == sorted(positions)


# --- the tree ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tree_shows_member_counts_in_vietnamese_format(tree, clients):
    bulk_members(tree.cell_a, 1298)  # with the two there: 1.300 in cell A
    body = clients["admin"].get("/org/").content.decode()
    assert tree.district.name in body
    # District: 1.300 in cell A and 1 in cell B.
    assert '<span class="badge">1.301</span>' in body
    r = clients["admin"].get(f"/org/?node={tree.commune_a.pk}", HTTP_HX_REQUEST="true")
    assert '<span class="badge">1.300</span>' in r.content.decode()


@pytest.mark.django_db
def test_tree_counts_leave_out_members_who_left(tree, clients, personas):
    from chibo.members import services as member_services

    member_services.member_change_status(
        member=tree.member_a, status="deceased", on=ON_DATE, actor=personas["admin"]
    )
    r = clients["admin"].get(f"/org/?node={tree.commune_a.pk}", HTTP_HX_REQUEST="true")
    body = r.content.decode()
    cell_a_row = body[body.index(tree.cell_a.name) :]
    assert re.match(r'[^<]*</a>\s*<span class="badge">1</span>', cell_a_row)


@pytest.mark.django_db
def test_htmx_node_returns_the_children_only(tree, clients):
    r = clients["admin"].get(f"/org/?node={tree.commune_a.pk}", HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200
    assert body.lstrip().startswith("<ul>")
    assert "<html" not in body and "Cây tổ chức đảng" not in body
    assert tree.cell_a.name in body and tree.cell_a2.name in body
    assert tree.commune_a.name not in body and tree.cell_b.name not in body
    # Vietnamese order: "Áng" before "Đông".
    assert names_in_order(body, [tree.cell_a.name, tree.cell_a2.name])
    # Cells have no children: no expand button on them.
    assert "hx-get" not in body


@pytest.mark.django_db
def test_htmx_node_with_a_bad_or_foreign_id_is_404(tree, clients):
    assert clients["admin"].get("/org/?node=abc").status_code == 404
    assert clients["commune"].get(f"/org/?node={tree.district.pk}").status_code == 404
    assert clients["commune"].get(f"/org/?node={tree.commune_a.pk}").status_code == 200


@pytest.mark.django_db
def test_secretary_tree_is_their_cell_with_no_expand_button(tree, clients):
    body = clients["secretary_a"].get("/org/").content.decode()
    assert tree.cell_a.name in body and tree.commune_a.name not in body
    assert '<span class="badge">2</span>' in body
    assert "hx-get" not in body  # a cell has nothing to expand


# --- an organization's page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_every_registered_indicator(tree, clients):
    client = clients["analyst"]
    # Not computed yet (a change since, or never seen): the page loads them with a second request.
    body = client.get(f"/org/{tree.commune_a.pk}/").content.decode()
    assert "Chỉ số" in body and "Đang tính các chỉ số" in body and "data-code" not in body
    fragment_url = f"/org/{tree.commune_a.pk}/indicators/?as_of="
    assert f'hx-get="{fragment_url}' in body and 'hx-trigger="load"' in body
    codes = [i.code for i in indicators.all_indicators()]
    assert codes, "no indicator registered"
    fragment = client.get(f"/org/{tree.commune_a.pk}/indicators/").content.decode()
    assert "<html" not in fragment
    # Computed once, the figures come with the page itself.
    body = client.get(f"/org/{tree.commune_a.pk}/").content.decode()
    assert "Đang tính các chỉ số" not in body
    for page in (fragment, body):
        for code in codes:
            assert f'data-code="{code}"' in page
        if "members" in codes:
            assert kpi(page, "members") == "2"
        if "village_cells" in codes:
            assert kpi(page, "village_cells") == "2"
    # The commune page lists its villages and child cells.
    assert "Áng" in body and tree.cell_a.name in body and tree.cell_a2.name in body


@pytest.mark.django_db
def test_indicators_fragment_is_scoped_and_checks_its_date(tree, clients):
    assert clients["secretary_b"].get(f"/org/{tree.commune_a.pk}/indicators/").status_code == 404
    assert clients["secretary_a"].get(f"/org/{tree.cell_a.pk}/indicators/").status_code == 200
    r = clients["admin"].get(f"/org/{tree.cell_a.pk}/indicators/?as_of=31/02/2024")
    assert r.status_code == 400 and "Ngày không hợp lệ" in r.content.decode()
    old = clients["admin"].get(f"/org/{tree.commune_a.pk}/indicators/?as_of=01/01/2000")
    if "members" in [i.code for i in indicators.all_indicators()]:
        assert kpi(old.content.decode(), "members") == "0"


@pytest.mark.django_db
def test_detail_with_a_bad_date_is_400_with_a_message(tree, clients):
    r = clients["admin"].get(f"/org/{tree.cell_a.pk}/?as_of=31/02/2024")
    assert r.status_code == 400
    assert "Ngày không hợp lệ" in r.content.decode()


@pytest.mark.django_db
def test_cell_page_lists_members_in_vietnamese_order_by_given_name(tree, clients):
    names = [
        "Đặng Văn Đức",
        "Lò Văn Dũng",
        "Hà Thị Ân",
        "Lường Văn Bình",
        "Cầm Thị Ánh",
        "Vi Văn An",
    ]
    for i, name in enumerate(names):
        make_member(tree.cell_a2, name, card=f"0300000{i}")
    body = clients["commune"].get(f"/org/{tree.cell_a2.pk}/").content.decode()
    # An < Ánh < Ân (a, then á by tone, then the letter â) < Bình < Dũng < Đức (đ after d).
    expected = [
        "Vi Văn An",
        "Cầm Thị Ánh",
        "Hà Thị Ân",
        "Lường Văn Bình",
        "Lò Văn Dũng",
        "Đặng Văn Đức",
    ]
    assert names_in_order(body, expected)
    assert '<span class="badge">6</span>' in body


@pytest.mark.django_db
def test_cell_page_shows_probationary_and_villages(tree, clients):
    make_member(tree.cell_a, "Quàng Văn Dự", official=False, card="01000003")
    body = clients["secretary_a"].get(f"/org/{tree.cell_a.pk}/").content.decode()
    row = body[body.index("Quàng Văn Dự") :]
    assert row.index("Dự bị") < row.index("</tr>")
    assert "Bản đặc biệt khó khăn" in body
    assert "secretary_a" in body  # the cell's secretary account
    # A secretary writes in the cell but may not restructure it.
    assert "Thêm đảng viên" in body and "Đổi tên" not in body


@pytest.mark.django_db
def test_read_only_cell_page_offers_no_write(tree, clients):
    body = clients["official"].get(f"/org/{tree.cell_a.pk}/").content.decode()
    assert "Nguyễn Văn An" in body
    assert "Thêm đảng viên" not in body and "Đổi tên" not in body


# --- structure changes through the pages ---------------------------------------------------------


@pytest.mark.django_db
def test_rename_keeps_history_and_as_of_pages(tree, clients, personas):
    r = clients["admin"].post(
        f"/org/{tree.cell_a.pk}/rename/",
        {"name": "Chi bộ bản Áng Mới", "on": ON, "decision": "QĐ 12"},
    )
    assert r.status_code == 302 and r["Location"] == f"/org/{tree.cell_a.pk}/"
    cell = Organization.objects.get(pk=tree.cell_a.pk)
    assert cell.name == "Chi bộ bản Áng Mới"
    periods = list(
        cell.periods.order_by("valid_from").values_list("name", "valid_from", "valid_to")
    )
    assert periods == [
        ("Chi bộ bản Áng", D0, ON_DATE),
        ("Chi bộ bản Áng Mới", ON_DATE, None),
    ]
    event = cell.events.get(kind=OrganizationEvent.Kind.RENAMED)
    assert (event.on, event.decision, event.actor) == (ON_DATE, "QĐ 12", personas["admin"])
    assert AuditEvent.objects.filter(
        action="restructure", object_id=str(cell.pk), changes__name=["Chi bộ bản Áng", cell.name]
    ).exists()

    body = clients["admin"].get(r["Location"]).content.decode()
    assert "Đã đổi tên." in body
    assert "01/01/2015 – 01/01/2024: Chi bộ bản Áng" in body
    assert "01/01/2024 – nay: Chi bộ bản Áng Mới" in body
    assert "Chi bộ bản Áng → Chi bộ bản Áng Mới (QĐ 12)" in body
    # Members are counted as of the day before the rename as after it.
    before = org_page(clients["admin"], f"/org/{cell.pk}/?as_of={BEFORE}")
    assert kpi(before, "members") == "2"
    assert "Tính đến ngày 31/12/2023" in before


@pytest.mark.django_db
def test_rename_with_the_same_name_or_an_early_date_changes_nothing(tree, clients):
    url = f"/org/{tree.cell_a.pk}/rename/"
    r = clients["admin"].post(url, {"name": tree.cell_a.name, "on": ON})
    assert r.status_code == 200 and "Tên mới phải khác tên cũ." in r.content.decode()
    r = clients["admin"].post(url, {"name": "Tên khác", "on": "01/01/2014"})
    assert r.status_code == 200 and "Ngày thay đổi phải sau ngày 01/01/2015" in r.content.decode()
    assert Organization.objects.get(pk=tree.cell_a.pk).name == "Chi bộ bản Áng"
    assert OrganizationPeriod.objects.filter(organization=tree.cell_a).count() == 1


@pytest.mark.django_db
def test_reparent_moves_the_subtree_and_as_of_uses_the_old_structure(tree, personas, clients):
    district2 = services.org_create(
        code="HU2", name="Đảng bộ huyện Hai", kind="district_committee", parent=None,
        valid_from=D0, actor=None,
    )  # fmt: skip
    RoleAssignment.objects.create(
        user=personas["admin"], role=Role.ORG_ADMIN, organization=district2, valid_from=D0
    )
    r = clients["admin"].post(
        f"/org/{tree.commune_a.pk}/reparent/", {"new_parent": district2.pk, "on": ON}
    )
    assert r.status_code == 302
    subtree = {o.pk: o for o in Organization.objects.filter(path__startswith=district2.path)}
    assert set(subtree) == {district2.pk, tree.commune_a.pk, tree.cell_a.pk, tree.cell_a2.pk}
    for pk in (tree.cell_a.pk, tree.cell_a2.pk):
        assert subtree[pk].path.startswith(subtree[tree.commune_a.pk].path)
        assert subtree[pk].depth == 2
        # Each node of the subtree keeps its old place in a closed period.
        old, new = OrganizationPeriod.objects.filter(organization_id=pk).order_by("valid_from")
        assert old.path.startswith(tree.district.path) and old.valid_to == ON_DATE
        assert new.path.startswith(district2.path) and new.valid_to is None
    assert subtree[tree.commune_a.pk].parent_id == district2.pk
    assert set(Member.objects.under(district2).values_list("full_name", flat=True)) == {
        "Nguyễn Văn An",
        "Lò Thị Ánh",
    }

    # Now: district 1 has cell B only, district 2 the two of commune A.
    now = org_page(clients["admin"], f"/org/{tree.district.pk}/")
    assert kpi(now, "members") == "1"
    assert kpi(org_page(clients["admin"], f"/org/{district2.pk}/"), "members") == "2"
    # As of the day before, district 1 still had commune A.
    then = org_page(clients["admin"], f"/org/{tree.district.pk}/?as_of={BEFORE}")
    assert kpi(then, "members") == "3"
    if "grassroots_orgs" in [i.code for i in indicators.all_indicators()]:
        assert kpi(then, "grassroots_orgs") == "2" and kpi(now, "grassroots_orgs") == "1"
    # The tree follows: expanding district 2 shows commune A with its two members.
    part = clients["admin"].get(f"/org/?node={district2.pk}", HTTP_HX_REQUEST="true")
    assert tree.commune_a.name in part.content.decode()
    assert '<span class="badge">2</span>' in part.content.decode()


@pytest.mark.django_db
def test_reparent_offers_only_higher_nodes_outside_the_subtree(tree, clients):
    body = clients["admin"].get(f"/org/{tree.cell_a.pk}/reparent/").content.decode()
    options = re.findall(r'<option value="(\d+)"', body)
    assert str(tree.commune_b.pk) in options and str(tree.commune_a.pk) in options
    assert str(tree.cell_a2.pk) not in options and str(tree.cell_a.pk) not in options
    # A cell posted as the new parent is refused, and nothing moves.
    r = clients["admin"].post(
        f"/org/{tree.cell_a.pk}/reparent/", {"new_parent": tree.cell_a2.pk, "on": ON}
    )
    assert r.status_code == 200
    assert Organization.objects.get(pk=tree.cell_a.pk).parent_id == tree.commune_a.pk


@pytest.mark.django_db
def test_merge_moves_members_closes_the_cell_and_keeps_both_memberships(tree, clients):
    r = clients["admin"].post(
        f"/org/{tree.cell_a.pk}/merge/", {"into": tree.cell_a2.pk, "on": ON, "decision": "QĐ 7"}
    )
    assert r.status_code == 302 and r["Location"] == f"/org/{tree.cell_a2.pk}/"
    closed = Organization.objects.get(pk=tree.cell_a.pk)
    assert closed.valid_to == ON_DATE
    assert closed.events.get(kind="merged").related.get() == tree.cell_a2
    assert set(Member.objects.filter(cell=tree.cell_a2).values_list("full_name", flat=True)) == {
        "Nguyễn Văn An",
        "Lò Thị Ánh",
    }
    ships = Membership.objects.filter(member=tree.member_a).order_by("start")
    assert [(s.cell_id, s.start, s.end, s.reason) for s in ships] == [
        (tree.cell_a.pk, datetime.date(2010, 5, 19), ON_DATE, "admitted"),
        (tree.cell_a2.pk, ON_DATE, None, "merge"),
    ]
    assert tree.cell_a.villages.count() == 0 and tree.cell_a2.villages.count() == 1

    into = clients["admin"].get(r["Location"]).content.decode()
    assert "Nguyễn Văn An" in into and "Lò Thị Ánh" in into
    member = clients["admin"].get(f"/members/{tree.member_a.pk}/").content.decode()
    history = member[member.index("Quá trình sinh hoạt") :]
    assert "Chi bộ bản Áng" in history and "Chi bộ bản Đông" in history
    assert "19/05/2010" in history and "01/01/2024" in history and "Sáp nhập chi bộ" in history
    # The closed cell says so and offers no more changes.
    page = clients["admin"].get(f"/org/{tree.cell_a.pk}/").content.decode()
    assert "hết hiệu lực từ 01/01/2024" in page and "Sáp nhập</a>" not in page
    assert clients["admin"].get(f"/org/{tree.cell_a.pk}/merge/").status_code == 404
    # As of before the merge, commune A had two village cells; now one.
    commune = f"/org/{tree.commune_a.pk}/"
    assert kpi(org_page(clients["admin"], commune), "village_cells") == "1"
    then = org_page(clients["admin"], f"{commune}?as_of={BEFORE}")
    assert kpi(then, "village_cells") == "2" and kpi(then, "members") == "2"


@pytest.mark.django_db
def test_merge_refuses_a_cell_of_another_commune(tree, clients):
    r = clients["admin"].post(f"/org/{tree.cell_a.pk}/merge/", {"into": tree.cell_b.pk, "on": ON})
    assert r.status_code == 200 and "Hãy chọn một lựa chọn hợp lệ" in r.content.decode()
    assert Organization.objects.get(pk=tree.cell_a.pk).valid_to is None
    assert Member.objects.get(pk=tree.member_a.pk).cell_id == tree.cell_a.pk


@pytest.mark.django_db
def test_close_refuses_while_members_remain(tree, clients):
    for org in (tree.cell_a, tree.commune_a):
        r = clients["admin"].post(f"/org/{org.pk}/close/", {"on": ON})
        assert r.status_code == 200
        assert "Tổ chức còn đảng viên; hãy chuyển hoặc sáp nhập trước." in r.content.decode()
        org.refresh_from_db()
        assert org.valid_to is None
    assert not OrganizationEvent.objects.filter(kind="dissolved").exists()

    r = clients["admin"].post(f"/org/{tree.cell_a2.pk}/close/", {"on": ON, "note": "hết người"})
    assert r.status_code == 302
    tree.cell_a2.refresh_from_db()
    assert tree.cell_a2.valid_to == ON_DATE
    assert tree.cell_a2.events.get(kind="dissolved").note == "hết người"
    # A closed cell leaves the tree.
    part = clients["admin"].get(f"/org/?node={tree.commune_a.pk}", HTTP_HX_REQUEST="true")
    assert tree.cell_a2.name not in part.content.decode()


@pytest.mark.django_db
def test_create_child_validates_and_founds_the_cell(tree, clients):
    url = f"/org/{tree.commune_a.pk}/new/"
    r = clients["admin"].post(url, {"code": "bad code!", "name": "", "kind": "cell"})
    body = r.content.decode()
    assert r.status_code == 200
    assert "Mã chỉ gồm chữ không dấu, số, . _ -" in body and "Hãy chọn loại chi bộ." in body
    assert not Organization.objects.filter(name="Chi bộ bản Nà").exists()
    r = clients["admin"].post(
        url,
        {
            "code": "XA-03",
            "name": "Chi bộ bản Nà",
            "kind": "cell",
            "cell_type": "residential",
            "valid_from": ON,
        },
    )
    child = Organization.objects.get(code="XA-03")
    assert r.status_code == 302 and r["Location"] == f"/org/{child.pk}/"
    assert child.parent_id == tree.commune_a.pk and child.valid_from == ON_DATE
    assert child.events.get().kind == "founded"
    # The same code twice is refused with a message.
    r = clients["admin"].post(url, {**{"code": "XA-03", "name": "Khác", "kind": "cell"},
                                     "cell_type": "residential", "valid_from": ON})  # fmt: skip
    assert "Mã XA-03 đã được dùng." in r.content.decode()


# --- query counts -----------------------------------------------------------------------------
#
# Every signed-in page starts with the same four queries:
#   1. the session, 2. the user with the role assignments it holds today (for Scope,
#   accounts.backends), 3. the user's TOTP device (django-otp), 4. the unread notifications
#   counted for the nav (meetings). The session is written once a minute at most
#   (SessionRefreshMiddleware), not after each request.
FIXED = 4
FIXED_PARTIAL = FIXED - 1  # an HTMX partial has no nav
DEVICE = 1  # 3.: only a user who must pass the TOTP step (an org admin) has a device to read


def count_queries(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


@pytest.fixture
def admin_client_and_tree(tree, personas):
    return login_client(personas["admin"]), tree


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [5, 40])
def test_tree_query_count_does_not_grow(extra, admin_client_and_tree):
    client, tree = admin_client_and_tree
    bulk_members(tree.cell_a, extra)
    bulk_members(tree.cell_b, extra, prefix="Cầm Văn")
    # /org/: the top nodes (1) and one grouped member count for all of them (1).
    n, _ = count_queries(client, "/org/")
    assert n == FIXED + 2
    # ?node=: the node (1), its children (1), members grouped by cell (1),
    # which children have children (1).
    n, _ = count_queries(client, f"/org/?node={tree.district.pk}", HTTP_HX_REQUEST="true")
    assert n == FIXED_PARTIAL + 4


@pytest.mark.django_db
@pytest.mark.parametrize("cells", [1, 4])
def test_tree_query_count_does_not_grow_with_the_roles_held(cells, tree):
    """An official following several cells gets several top nodes: still one count query."""
    from conftest import _user

    user = _user("many", Role.ASSIGNED_OFFICIAL, tree.cell_a)
    for i in range(cells - 1):
        cell = services.org_create(
            code=f"XB-1{i}", name=f"Chi bộ bản {i}", kind="cell", cell_type="residential",
            parent=tree.commune_b, valid_from=D0, actor=None,
        )  # fmt: skip
        bulk_members(cell, 3)
        RoleAssignment.objects.create(
            user=user, role=Role.ASSIGNED_OFFICIAL, organization=cell, valid_from=D0
        )
    client = login_client(user)
    n, sql = count_queries(client, "/org/")
    assert n == FIXED - DEVICE + 2, sql  # an official: no TOTP device
    body = client.get("/org/").content.decode()
    assert body.count('<span class="badge">') == cells


def indicator_queries(org):
    """Queries of the indicator registry for `org` (other apps may register more)."""
    with CaptureQueriesContext(connection) as ctx:
        indicators.compute_all(org, datetime.date.today())
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [5, 40])
def test_cell_detail_query_count_does_not_grow(extra, admin_client_and_tree):
    client, tree = admin_client_and_tree
    for i in range(extra):
        make_member(tree.cell_a, f"Lò Văn Số{i:03d}", card=f"0900{i:04d}")
    # The page's own queries:
    #   the organization with its parent (1), its children (1), ancestors (1),
    #   villages with communes (1), history periods (1) and events (1), audit events (1),
    #   members of the cell (1), the cell's secretaries with users and members (1),
    #   the latest audit event, which keys the indicators in the cache (1), the organizations
    #   the change log names (1).
    # The indicators are not in the cache yet: the page leaves them to the fragment.
    n, sql = count_queries(client, f"/org/{tree.cell_a.pk}/")
    assert n == FIXED + 11, sql
    # The fragment: the organization (1), the latest audit event (1), the indicators.
    n, sql = count_queries(client, f"/org/{tree.cell_a.pk}/indicators/", HTTP_HX_REQUEST="true")
    assert n == FIXED_PARTIAL + 2 + indicator_queries(tree.cell_a), sql
    # Seen again with nothing changed: the indicators come from the cache, with the page.
    n, sql = count_queries(client, f"/org/{tree.cell_a.pk}/")
    assert n == FIXED + 11, sql
    assert 'data-code="' in client.get(f"/org/{tree.cell_a.pk}/").content.decode()
    body = client.get(f"/org/{tree.cell_a.pk}/").content.decode()
    assert len(re.findall(r'<a href="/members/\d+/">', body)) == extra + 2
