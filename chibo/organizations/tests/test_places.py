"""The commune and village pages: who reads, who writes (org board: communes; commune staff:
their commune's villages), what the database holds after each form, outsiders get 404."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.core.models import AuditEvent
from chibo.organizations import services_villages as vs
from chibo.organizations.models import Commune, CommuneCommitteeLink, Village, VillageCellLink

D = datetime.date
D0 = D(2015, 1, 1)


@pytest.fixture
def places(tree):
    """Commune An (C-A, committee A): Áng served by cell A. Commune Bình (C-B, committee B): Bó
    served by cell B."""
    binh = vs.commune_create(
        code="C-B", name="Bình", kind="commune", valid_from=D0, actor=None,
        party_committee=tree.commune_b,
    )  # fmt: skip
    bo = vs.village_create(
        code="V-B1", name="Bó", kind="ban", commune=binh, cell=tree.cell_b, valid_from=D0,
        actor=None,
    )  # fmt: skip
    return Village.objects.get(code="V-A1"), bo


def links(village):
    return [(x.cell_id, x.start, x.end) for x in VillageCellLink.objects.filter(village=village)]


@pytest.mark.django_db
def test_the_district_page_lists_communes_and_villages_for_readers(tree, clients, places):
    url = f"/org/{tree.district.pk}/places/"
    page = clients["admin"].get(url).content.decode()
    assert "Xã An" in page and "Xã Bình" in page and "Bản Áng" in page and "Bản Bó" in page
    assert "Chi bộ bản Áng" in page  # the serving cell, by name
    assert "Thêm xã" in page and "Thêm thôn, bản" in page and 'name="households"' in page

    read_only = clients["analyst"].get(url)
    assert read_only.status_code == 200
    body = read_only.content.decode()
    assert "Bản Bó" in body and "Thêm xã" not in body and 'name="households"' not in body
    assert "Đặc biệt khó khăn" in body  # Áng's flag, shown as a badge

    for outsider in ("commune", "secretary_a", "secretary_b", "member_a"):
        assert clients[outsider].get(url).status_code == 404
    # A cell has no communes; the district page links to the list.
    assert clients["admin"].get(f"/org/{tree.cell_a.pk}/places/").status_code == 404
    assert url in clients["admin"].get(f"/org/{tree.district.pk}/").content.decode()


@pytest.mark.django_db
def test_commune_staff_write_their_own_villages_only(tree, clients, places):
    ang, bo = places
    page = clients["commune"].get(f"/org/{tree.commune_a.pk}/places/").content.decode()
    assert "Bản Áng" in page and "Bản Bó" not in page
    assert "Thêm thôn, bản" in page and "Thêm xã" not in page  # communes: the org board's
    assert clients["commune"].get(f"/org/village/{bo.pk}/").status_code == 404
    assert clients["commune"].get(f"/org/village/{bo.pk}/cell/").status_code == 404
    assert clients["commune"].get(f"/org/{tree.commune_a.pk}/places/commune/new/").status_code == (
        404
    )
    assert clients["secretary_b"].get(f"/org/village/{ang.pk}/").status_code == 404


@pytest.mark.django_db
def test_setting_the_serving_cell_from_a_date(tree, clients, places):
    ang, _bo = places
    url = f"/org/village/{ang.pk}/cell/"
    form = clients["commune"].get(url).content.decode()
    assert "Chi bộ bản Đông (XA-02)" in form  # by name and code
    assert "Chi bộ bản Bó" not in form and "Chi bộ bản Áng (XA-01)" not in form

    # A cell outside the commune, a bad date: the form says so and nothing changes.
    r = clients["commune"].post(url, {"cell": tree.cell_b.pk, "on": "01/06/2024"})
    assert r.status_code == 200 and "Hãy chọn một lựa chọn hợp lệ" in r.content.decode()
    r = clients["commune"].post(url, {"cell": tree.cell_a2.pk, "on": "31/02/2024"})
    assert r.status_code == 200 and "Ngày không hợp lệ" in r.content.decode()
    r = clients["commune"].post(url, {"cell": tree.cell_a2.pk, "on": "01/01/2015"})
    assert "phải sau ngày 01/01/2015" in r.content.decode()
    assert links(ang) == [(tree.cell_a.pk, D0, None)]

    assert clients["analyst"].post(
        url, {"cell": tree.cell_a2.pk, "on": "01/06/2024"}
    ).status_code == (404)
    r = clients["commune"].post(url, {"cell": tree.cell_a2.pk, "on": "01/06/2024"})
    assert r.status_code == 302 and r["Location"] == f"/org/village/{ang.pk}/"
    assert links(ang) == [
        (tree.cell_a.pk, D0, D(2024, 6, 1)),
        (tree.cell_a2.pk, D(2024, 6, 1), None),
    ]
    ang.refresh_from_db()
    assert ang.cell == tree.cell_a2
    history = clients["analyst"].get(f"/org/village/{ang.pk}/").content.decode()
    assert "01/06/2024" in history and "Chi bộ bản Áng" in history and "Đổi chi bộ" not in history

    r = clients["commune"].post(f"/org/village/{ang.pk}/unlink/", {"on": "01/01/2025"})
    assert r.status_code == 302
    ang.refresh_from_db()
    assert ang.cell is None and links(ang)[-1] == (tree.cell_a2.pk, D(2024, 6, 1), D(2025, 1, 1))


@pytest.mark.django_db
def test_creating_renaming_merging_a_village(tree, clients, personas, places):
    url = f"/org/{tree.commune_a.pk}/places/village/new/"
    form = clients["commune"].get(url).content.decode()
    assert "Xã An (C-A)" in form and "Bình" not in form
    data = {
        "commune": Commune.objects.get(code="C-A").pk,
        "code": "V-A2",
        "name": "Nà Sành",
        "kind": "ban",
        "cell": tree.cell_a2.pk,
        "valid_from": "01/03/2020",
        "especially_disadvantaged": "on",
        "households": "40",
    }
    r = clients["commune"].post(url, data)
    assert r.status_code == 302, r.content.decode()
    new = Village.objects.get(code="V-A2")
    assert (new.name, new.cell, new.households, new.especially_disadvantaged) == (
        "Nà Sành", tree.cell_a2, 40, True,
    )  # fmt: skip
    assert links(new) == [(tree.cell_a2.pk, D(2020, 3, 1), None)]
    assert AuditEvent.objects.filter(object_type="organizations.village", object_id=new.pk).exists()
    r = clients["commune"].post(url, {**data, "name": "Khác"})
    assert "V-A2 đã được dùng" in r.content.decode()

    r = clients["commune"].post(
        f"/org/village/{new.pk}/rename/", {"name": "Nà Sành Mới", "on": "01/01/2024"}
    )
    assert r.status_code == 302
    assert Village.objects.get(pk=new.pk).name == "Nà Sành Mới"

    ang = Village.objects.get(code="V-A1")
    r = clients["commune"].post(
        f"/org/village/{new.pk}/merge/", {"into": ang.pk, "on": "01/07/2024"}
    )
    assert r.status_code == 302
    new.refresh_from_db()
    assert (new.valid_to, new.cell) == (D(2024, 7, 1), None)
    assert links(new) == [(tree.cell_a2.pk, D(2020, 3, 1), D(2024, 7, 1))]
    # Closed: read still, written no more.
    assert clients["commune"].get(f"/org/village/{new.pk}/").status_code == 200
    assert clients["commune"].get(f"/org/village/{new.pk}/rename/").status_code == 404


@pytest.mark.django_db
def test_the_flag_and_households_from_the_list_with_htmx(tree, clients, places):
    ang, _bo = places
    url = f"/org/village/{ang.pk}/facts/"
    r = clients["commune"].post(url, {"households": "120"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    row = r.content.decode()
    assert row.startswith(f'<tr id="village-{ang.pk}">') and 'value="120"' in row
    ang.refresh_from_db()
    assert (ang.especially_disadvantaged, ang.households) == (False, 120)
    r = clients["commune"].post(url, {"households": "-3"}, HTTP_HX_REQUEST="true")
    row = r.content.decode()  # the row again, with the error, the number unchanged
    assert row.startswith("<tr") and "errorlist" in row and 'value="120"' in row
    assert Village.objects.get(pk=ang.pk).households == 120
    for huge in ("2147483648", "99999999999999999999"):  # a 500 on both databases before
        r = clients["commune"].post(url, {"households": huge}, HTTP_HX_REQUEST="true")
        assert r.status_code == 200 and "errorlist" in r.content.decode(), huge
    assert Village.objects.get(pk=ang.pk).households == 120
    # Twelve hundred as a commune writes it; a point that parts no thousands is no count.
    r = clients["commune"].post(url, {"households": "1.200"}, HTTP_HX_REQUEST="true")
    assert 'value="1200"' in r.content.decode() and 'inputmode="numeric"' in r.content.decode()
    assert Village.objects.get(pk=ang.pk).households == 1200
    r = clients["commune"].post(url, {"households": "1.5"}, HTTP_HX_REQUEST="true")
    assert "errorlist" in r.content.decode()
    assert Village.objects.get(pk=ang.pk).households == 1200
    assert clients["analyst"].post(url, {"households": "5"}).status_code == 404
    r = clients["commune"].post(url, {"especially_disadvantaged": "on", "households": ""})
    assert r.status_code == 302
    ang.refresh_from_db()
    assert (ang.especially_disadvantaged, ang.households) == (True, None)


@pytest.mark.django_db
def test_the_org_board_creates_renames_and_merges_communes(tree, clients, places):
    url = f"/org/{tree.district.pk}/places/commune/new/"
    form = clients["admin"].get(url).content.decode()
    assert "Đảng bộ xã An (XA)" in form
    assert clients["analyst"].get(url).status_code == 404
    r = clients["admin"].post(
        url,
        {
            "code": "C-C",
            "name": "Cò",
            "kind": "commune",
            "party_committee": tree.commune_b.pk,
            "valid_from": "01/01/2015",
        },
    )
    assert r.status_code == 302
    co = Commune.objects.get(code="C-C")
    assert (co.party_committee, co.valid_from) == (tree.commune_b, D0)

    r = clients["admin"].post(
        f"/org/commune/{co.pk}/rename/", {"name": "Cò Nòi", "on": "01/01/2024"}
    )
    assert r.status_code == 302 and Commune.objects.get(pk=co.pk).name == "Cò Nòi"
    assert clients["commune"].get(f"/org/commune/{co.pk}/rename/").status_code == 404

    binh = Commune.objects.get(code="C-B")
    r = clients["admin"].post(f"/org/commune/{binh.pk}/merge/", {"into": co.pk, "on": "01/07/2025"})
    assert r.status_code == 302
    binh.refresh_from_db()
    assert binh.valid_to == D(2025, 7, 1)
    b1 = Village.objects.get(code="V-B1")
    assert b1.commune == co
    page = clients["admin"].get(f"/org/{tree.district.pk}/places/").content.decode()
    assert "Xã Bình" not in page and "Xã Cò Nòi" in page
    # The village lay in Bình until the merger (dated: figures before it read Bình).
    assert list(b1.commune_links.values_list("commune", "start", "end")) == [
        (binh.pk, D0, D(2025, 7, 1)),
        (co.pk, D(2025, 7, 1), None),
    ]
    page = clients["admin"].get(f"/org/village/{b1.pk}/").content.decode()
    assert "Thuộc xã qua các thời kỳ" in page
    assert 'Xã Bình <span class="muted">C-B</span></td><td>01/01/2015</td><td>01/07/2025' in page

    url = f"/org/commune/{co.pk}/committee/"
    r = clients["admin"].post(url, {"party_committee": tree.commune_a.pk, "on": "01/01/2010"})
    assert r.status_code == 200 and "Ngày phải từ ngày 01/01/2015 trở đi" in r.content.decode()
    r = clients["admin"].post(url, {"party_committee": tree.commune_a.pk, "on": "01/07/2025"})
    assert r.status_code == 302 and Commune.objects.get(pk=co.pk).party_committee == tree.commune_a
    # The days before keep the committee that led them.
    assert list(
        CommuneCommitteeLink.objects.filter(commune=co).values_list("committee", "start", "end")
    ) == [(tree.commune_b.pk, D0, D(2025, 7, 1)), (tree.commune_a.pk, D(2025, 7, 1), None)]


def _grow(tree, n):
    """n more communes under the district, each with two villages served by a new cell."""
    from chibo.organizations import services as org_services

    for i in range(n):
        committee = org_services.org_create(
            code=f"XN{i}", name=f"Đảng bộ xã N{i}", kind="grassroots", grassroots_type="commune",
            parent=tree.district, valid_from=D0, actor=None,
        )  # fmt: skip
        cell = org_services.org_create(
            code=f"XN{i}-01", name=f"Chi bộ N{i}", kind="cell", cell_type="residential",
            parent=committee, valid_from=D0, actor=None,
        )  # fmt: skip
        commune = vs.commune_create(
            code=f"C-N{i}", name=f"N{i}", kind="commune", valid_from=D0, actor=None,
            party_committee=committee,
        )  # fmt: skip
        for k in range(2):
            vs.village_create(
                code=f"V-N{i}-{k}", name=f"Bản N{i}-{k}", kind="ban", commune=commune,
                cell=cell, valid_from=D0, actor=None,
            )  # fmt: skip


@pytest.mark.django_db
def test_the_list_reads_the_same_number_of_queries_at_two_sizes(tree, clients, places):
    url = f"/org/{tree.district.pk}/places/"
    client = clients["admin"]
    client.get(url)  # the session and the scope warmed

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    _grow(tree, 4)
    large = count()
    # session, the user with the roles held today, OTP device, the organization, the communes
    # with their committees, the villages with their cells, the top bar's unread notifications
    assert small == large == 7


@pytest.mark.django_db
def test_the_split_page_asks_which_new_cell_serves_each_village(tree, clients, places):
    ang, _bo = places
    url = f"/org/{tree.cell_a.pk}/split/"
    assert f'name="village_{ang.pk}"' in clients["admin"].get(url).content.decode()
    data = {
        "code_1": "XA-01A",
        "name_1": "Chi bộ bản Áng A",
        "on": "01/01/2024",
        f"member_{tree.member_a.pk}": "0",
        f"member_{tree.secretary_member_a.pk}": "0",
    }
    r = clients["admin"].post(url, data)  # everyone leaves, Áng has no new cell: refused
    assert r.status_code == 200 and "hãy chọn chi bộ mới phụ trách Bản Áng" in r.content.decode()
    r = clients["admin"].post(url, {**data, f"village_{ang.pk}": "0"})
    assert r.status_code == 302
    ang.refresh_from_db()
    assert ang.cell.code == "XA-01A"
    assert links(ang) == [(tree.cell_a.pk, D0, D(2024, 1, 1)), (ang.cell_id, D(2024, 1, 1), None)]
