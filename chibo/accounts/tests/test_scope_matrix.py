"""Who may open which page: every persona against every page, in and out of scope.

The policy is the table below. Outside a persona's scope the answer is 404, the same as a
missing object; a read-only persona (analyst, official) asking for a write page also gets 404,
and so does a member asking for anything but their own record. Secretary B is the outsider for
everything of commune A.

Writes are checked on the database: an allowed POST changes exactly what it should and audits
it; a refused POST leaves every table as it was.
"""

import datetime

import pytest

from chibo.core.models import AuditEvent
from chibo.members.models import Member, Membership, StatusChange
from chibo.organizations.models import (
    Commune,
    Organization,
    OrganizationEvent,
    OrganizationPeriod,
    Village,
)

PERSONAS = ("admin", "analyst", "commune", "secretary_a", "member_a", "official", "secretary_b")

OK, NO = 200, 404


# GET of every page. One column per persona, in the order of PERSONAS:
#                   admin analyst commune sec_a member_a official sec_b
GET_POLICY = {
    "org_tree": (OK, OK, OK, OK, NO, OK, OK),
    "org_district": (OK, OK, NO, NO, NO, NO, NO),
    "org_commune_a": (OK, OK, OK, NO, NO, NO, NO),
    "org_cell_a": (OK, OK, OK, OK, NO, OK, NO),
    "org_cell_b": (OK, OK, NO, NO, NO, NO, OK),
    "member_list": (OK, OK, OK, OK, NO, OK, OK),
    # The count a search's page fetches after its rows, for an organization's subtree.
    "member_count": (OK, OK, OK, OK, NO, OK, OK),
    "member_count_commune_a": (OK, OK, OK, NO, NO, NO, NO),
    "member_a_detail": (OK, OK, OK, OK, OK, OK, NO),
    "member_b_detail": (OK, OK, NO, NO, NO, NO, OK),
    "member_a_edit": (OK, NO, OK, OK, NO, NO, NO),
    "member_a_transfer": (OK, NO, OK, OK, NO, NO, NO),
    "member_a_status": (OK, NO, OK, OK, NO, NO, NO),
    "member_create": (OK, NO, OK, OK, NO, NO, OK),
    # Structure changes belong to the org board admins alone.
    "org_rename_cell_a": (OK, NO, NO, NO, NO, NO, NO),
    "org_reparent_cell_a": (OK, NO, NO, NO, NO, NO, NO),
    "org_merge_cell_a": (OK, NO, NO, NO, NO, NO, NO),
    "org_split_cell_a": (OK, NO, NO, NO, NO, NO, NO),
    "org_close_cell_a2": (OK, NO, NO, NO, NO, NO, NO),
    "org_new_under_commune_a": (OK, NO, NO, NO, NO, NO, NO),
    # Communes and villages: read with the commune committee; villages written by the org board
    # and the commune staff, communes by the org board alone.
    "places_commune_a": (OK, OK, OK, NO, NO, NO, NO),
    "village_a1": (OK, OK, OK, NO, NO, NO, NO),
    "village_a1_cell": (OK, NO, OK, NO, NO, NO, NO),
    "commune_a_rename": (OK, NO, NO, NO, NO, NO, NO),
    # Spreadsheets: export is a read of a scoped list, import a write.
    "export_commune_a": (OK, OK, OK, NO, NO, NO, NO),
    "export_cell_a": (OK, OK, OK, OK, NO, OK, NO),
    "import": (OK, NO, OK, OK, NO, NO, OK),
}

# POST of every write page. 302 = done (redirect to the result), 200 = the form comes back
# with an error and nothing is written, 404 = refused like a missing page.
#                   admin analyst commune sec_a member_a official sec_b
POST_POLICY = {
    "member_a_edit": (302, NO, 302, 302, NO, NO, NO),
    # A cell secretary writes only in their cell: no other cell to move a member to.
    "member_a_transfer": (302, NO, 302, 200, NO, NO, NO),
    "member_a_status": (302, NO, 302, 302, NO, NO, NO),
    # Secretary B may add members, but only to cell B: cell A is not a choice.
    "member_create_in_cell_a": (302, NO, 302, 302, NO, NO, 200),
    "org_rename_cell_a": (302, NO, NO, NO, NO, NO, NO),
    "org_reparent_cell_a": (302, NO, NO, NO, NO, NO, NO),
    "org_merge_cell_a2": (302, NO, NO, NO, NO, NO, NO),
    "org_close_cell_a2": (302, NO, NO, NO, NO, NO, NO),
    "org_new_under_commune_a": (302, NO, NO, NO, NO, NO, NO),
}


def _cases(policy):
    for page, row in policy.items():
        assert len(row) == len(PERSONAS), page
        for persona, expected in zip(PERSONAS, row, strict=True):
            yield pytest.param(persona, page, expected, id=f"{page}-{persona}")


def get_url(page, t):
    # (the village and the commune looked up for their own pages only)
    if page in ("village_a1", "village_a1_cell"):
        village = Village.objects.get(code="V-A1").pk
        return f"/org/village/{village}/" + ("cell/" if page == "village_a1_cell" else "")
    if page == "commune_a_rename":
        return f"/org/commune/{Commune.objects.get(code='C-A').pk}/rename/"
    return {
        "org_tree": "/org/",
        "org_district": f"/org/{t.district.pk}/",
        "org_commune_a": f"/org/{t.commune_a.pk}/",
        "org_cell_a": f"/org/{t.cell_a.pk}/",
        "org_cell_b": f"/org/{t.cell_b.pk}/",
        "member_list": "/members/",
        "member_count": "/members/count/?q=van",
        "member_count_commune_a": f"/members/count/?q=van&org={t.commune_a.pk}",
        "member_a_detail": f"/members/{t.member_a.pk}/",
        "member_b_detail": f"/members/{t.member_b.pk}/",
        "member_a_edit": f"/members/{t.member_a.pk}/edit/",
        "member_a_transfer": f"/members/{t.member_a.pk}/transfer/",
        "member_a_status": f"/members/{t.member_a.pk}/status/",
        "member_create": "/members/new/",
        "org_rename_cell_a": f"/org/{t.cell_a.pk}/rename/",
        "org_reparent_cell_a": f"/org/{t.cell_a.pk}/reparent/",
        "org_merge_cell_a": f"/org/{t.cell_a.pk}/merge/",
        "org_split_cell_a": f"/org/{t.cell_a.pk}/split/",
        "org_close_cell_a2": f"/org/{t.cell_a2.pk}/close/",
        "org_new_under_commune_a": f"/org/{t.commune_a.pk}/new/",
        "places_commune_a": f"/org/{t.commune_a.pk}/places/",
        "export_commune_a": f"/members/export.xlsx?org={t.commune_a.pk}",
        "export_cell_a": f"/members/export.xlsx?org={t.cell_a.pk}",
        "import": "/members/import/",
    }[page]


# What an allowed page shows, so a 200 is the right page and not an empty shell.
def _expected_text(page, t):
    return {
        "org_district": [t.district.name],
        "org_commune_a": [t.commune_a.name],
        "org_cell_a": [t.cell_a.name],
        "org_cell_b": [t.cell_b.name],
        "member_count_commune_a": ['<span class="muted" id="member-count">1 đảng viên</span>'],
        "member_a_detail": ["Nguyễn Văn An"],
        "member_b_detail": ["Cầm Văn Bình"],
        "member_a_edit": ["Nguyễn Văn An", 'name="version"'],
        "member_a_transfer": ["Chuyển sinh hoạt: Nguyễn Văn An"],
        "member_a_status": ["Đổi trạng thái: Nguyễn Văn An"],
        "member_create": ["Thêm đảng viên"],
        "org_rename_cell_a": ["Đổi tên: " + t.cell_a.name],
        "org_reparent_cell_a": ["Chuyển trực thuộc: " + t.cell_a.name],
        "org_merge_cell_a": ["Sáp nhập chi bộ: " + t.cell_a.name],
        "org_split_cell_a": ["Chia tách chi bộ"],
        "org_close_cell_a2": ["Giải thể: " + t.cell_a2.name],
        "org_new_under_commune_a": ["Thành lập tổ chức trực thuộc"],
        "places_commune_a": ["Xã An", "Bản Áng"],
        "village_a1": ["Bản Áng", "Chi bộ phụ trách qua các thời kỳ", t.cell_a.name],
        "village_a1_cell": ["Chi bộ phụ trách thôn, bản: Bản Áng", "Chi bộ bản Đông (XA-02)"],
        "commune_a_rename": ["Đổi tên xã: Xã An"],
    }.get(page, [])


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "page", "expected"), list(_cases(GET_POLICY)))
def test_get(persona, page, expected, tree, clients):
    response = clients[persona].get(get_url(page, tree))
    assert response.status_code == expected
    if expected == OK and page.startswith("export"):
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        )
        assert response.content[:2] == b"PK"  # a zip, i.e. an .xlsx
    elif expected == OK:
        body = response.content.decode()
        for text in _expected_text(page, tree):
            assert text in body, (page, text)
    else:
        # The 404 page says nothing about what is behind it.
        assert "Nguyễn Văn An" not in response.content.decode()


# Names each persona may and may not see in the member list and the tree.
#                  admin analyst commune sec_a official sec_b
LIST_VISIBILITY = {
    "admin": {"Nguyễn Văn An", "Cầm Văn Bình"},
    "analyst": {"Nguyễn Văn An", "Cầm Văn Bình"},
    "commune": {"Nguyễn Văn An"},
    "secretary_a": {"Nguyễn Văn An"},
    "official": {"Nguyễn Văn An"},
    "secretary_b": {"Cầm Văn Bình"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(LIST_VISIBILITY))
def test_member_list_starts_from_the_scope(persona, tree, clients):
    body = clients[persona].get("/members/").content.decode()
    for name in ("Nguyễn Văn An", "Cầm Văn Bình"):
        assert (name in body) == (name in LIST_VISIBILITY[persona]), name
    # HTMX partial requests go through the same scope.
    partial = clients[persona].get("/members/?q=cam", HTTP_HX_REQUEST="true").content.decode()
    assert ("Cầm Văn Bình" in partial) == ("Cầm Văn Bình" in LIST_VISIBILITY[persona])


@pytest.mark.django_db
def test_outsider_tree_shows_only_their_branch(tree, clients):
    body = clients["secretary_b"].get("/org/").content.decode()
    assert tree.cell_b.name in body
    assert tree.commune_a.name not in body and tree.cell_a.name not in body
    # Expanding a node of commune A through HTMX is a 404, not an empty list.
    r = clients["secretary_b"].get(f"/org/?node={tree.commune_a.pk}", HTTP_HX_REQUEST="true")
    assert r.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["secretary_a", "commune", "secretary_b", "official"])
def test_member_list_org_filter_outside_scope_is_404(persona, tree, clients):
    allowed = {"secretary_a": False, "commune": True, "secretary_b": False, "official": False}
    r = clients[persona].get(f"/members/?org={tree.commune_a.pk}")
    assert r.status_code == (200 if allowed[persona] else 404)


# --- writes --------------------------------------------------------------------------------

ON = datetime.date(2024, 3, 1)
ON_TEXT = "01/03/2024"


def _vn(d):
    return d.strftime("%d/%m/%Y") if d else ""


def member_form_data(member, **overrides):
    data = {
        "full_name": member.full_name,
        "other_names": member.other_names,
        "sex": member.sex,
        "birth_date": _vn(member.birth_date),
        "birthplace": member.birthplace,
        "hometown": member.hometown,
        "residence": member.residence,
        "ethnicity": member.ethnicity,
        "religion": member.religion,
        "occupation": member.occupation,
        "citizen_id": member.citizen_id or "",
        "party_card_number": member.party_card_number or "",
        "admission_date": _vn(member.admission_date),
        "official_date": _vn(member.official_date),
        "education": member.education,
        "qualification": member.qualification,
        "theory_level": member.theory_level,
        "foreign_language": member.foreign_language,
        "it_level": member.it_level,
        "version": member.updated_at.isoformat() if member.updated_at else "",
    }
    data.update(overrides)
    return data


def post_request(page, t):
    """(url, data) of the POST for a write page."""
    if page == "member_a_edit":
        return f"/members/{t.member_a.pk}/edit/", member_form_data(
            t.member_a, occupation="Nông dân", residence="Bản Áng"
        )
    if page == "member_a_transfer":
        return f"/members/{t.member_a.pk}/transfer/", {
            "to_cell": t.cell_a2.pk,
            "on": ON_TEXT,
            "note": "chuyển nhà",
        }
    if page == "member_a_status":
        return f"/members/{t.member_a.pk}/status/", {
            "status": "exempt",
            "on": ON_TEXT,
            "note": "tuổi cao",
        }
    if page == "member_create_in_cell_a":
        fresh = Member(
            full_name="Lường Văn Mới",
            sex="male",
            birth_date=datetime.date(1990, 1, 1),
            ethnicity="Thái",
            admission_date=datetime.date(2015, 6, 1),
            official_date=datetime.date(2016, 6, 1),  # none would be a warning to confirm
            citizen_id="014090000099",
            party_card_number="01000099",
        )
        data = member_form_data(fresh)
        del data["version"]
        data["cell"] = t.cell_a.pk
        return "/members/new/", data
    if page == "org_rename_cell_a":
        return f"/org/{t.cell_a.pk}/rename/", {"name": "Chi bộ bản Áng Mới", "on": ON_TEXT}
    if page == "org_reparent_cell_a":
        return f"/org/{t.cell_a.pk}/reparent/", {"new_parent": t.commune_b.pk, "on": ON_TEXT}
    if page == "org_merge_cell_a2":
        return f"/org/{t.cell_a2.pk}/merge/", {"into": t.cell_a.pk, "on": ON_TEXT}
    if page == "org_close_cell_a2":
        return f"/org/{t.cell_a2.pk}/close/", {"on": ON_TEXT, "note": "không còn đảng viên"}
    if page == "org_new_under_commune_a":
        return f"/org/{t.commune_a.pk}/new/", {
            "code": "XA-03",
            "name": "Chi bộ bản Mới",
            "kind": "cell",
            "cell_type": "residential",
            "valid_from": ON_TEXT,
        }
    raise KeyError(page)


def db_state():
    """Everything a write page could touch, as comparable values."""
    return {
        "members": sorted(
            Member.objects.values_list(
                "pk", "full_name", "cell_id", "status", "occupation", "residence", "updated_at"
            )
        ),
        "memberships": sorted(Membership.objects.values_list("pk", "member_id", "cell_id", "end")),
        "status_changes": StatusChange.objects.count(),
        "orgs": sorted(
            Organization.objects.values_list("pk", "name", "parent_id", "path", "valid_to")
        ),
        "periods": OrganizationPeriod.objects.count(),
        "org_events": OrganizationEvent.objects.count(),
        "audit": AuditEvent.objects.exclude(action=AuditEvent.Action.LOGIN).count(),
    }


def check_done(page, t, actor):
    """The database after an allowed write: the change itself and its audit row."""
    audits = AuditEvent.objects.filter(actor=actor)
    if page == "member_a_edit":
        m = Member.objects.get(pk=t.member_a.pk)
        assert (m.occupation, m.residence) == ("Nông dân", "Bản Áng")
        ev = audits.get(action="update", object_id=str(m.pk))
        assert ev.changes["occupation"] == ["", "Nông dân"]
    elif page == "member_a_transfer":
        m = Member.objects.get(pk=t.member_a.pk)
        assert m.cell_id == t.cell_a2.pk
        ships = list(m.memberships.order_by("start").values_list("cell_id", "end"))
        assert ships == [(t.cell_a.pk, ON), (t.cell_a2.pk, None)]
        assert audits.filter(action="transfer", object_id=str(m.pk)).count() == 1
    elif page == "member_a_status":
        m = Member.objects.get(pk=t.member_a.pk)
        assert (m.status, m.status_since) == ("exempt", ON)
        change = StatusChange.objects.get(member=m)
        assert (change.previous, change.status, change.on, change.actor) == (
            "active",
            "exempt",
            ON,
            actor,
        )
        # Exempt members stay in their cell: the membership is still open.
        assert m.memberships.get().end is None
        assert audits.filter(action="status", object_id=str(m.pk)).count() == 1
    elif page == "member_create_in_cell_a":
        m = Member.objects.get(party_card_number="01000099")
        assert (m.full_name, m.cell_id, m.given_name) == ("Lường Văn Mới", t.cell_a.pk, "Mới")
        assert m.memberships.get().cell_id == t.cell_a.pk
        assert audits.filter(action="create", object_id=str(m.pk)).count() == 1
    elif page == "org_rename_cell_a":
        org = Organization.objects.get(pk=t.cell_a.pk)
        assert org.name == "Chi bộ bản Áng Mới"
        names = list(org.periods.order_by("valid_from").values_list("name", "valid_to"))
        assert names == [("Chi bộ bản Áng", ON), ("Chi bộ bản Áng Mới", None)]
        assert org.events.filter(kind="renamed").count() == 1
        assert audits.filter(action="restructure", object_id=str(org.pk)).count() == 1
    elif page == "org_reparent_cell_a":
        org = Organization.objects.get(pk=t.cell_a.pk)
        assert org.parent_id == t.commune_b.pk and org.path.startswith(t.commune_b.path)
        assert org.events.filter(kind="reparented").count() == 1
        assert audits.filter(action="restructure", object_id=str(org.pk)).count() == 1
    elif page == "org_merge_cell_a2":
        org = Organization.objects.get(pk=t.cell_a2.pk)
        assert org.valid_to == ON
        assert org.events.filter(kind="merged").count() == 1
    elif page == "org_close_cell_a2":
        org = Organization.objects.get(pk=t.cell_a2.pk)
        assert org.valid_to == ON
        assert org.events.filter(kind="dissolved").count() == 1
        assert audits.filter(action="restructure", object_id=str(org.pk)).count() == 1
    elif page == "org_new_under_commune_a":
        org = Organization.objects.get(code="XA-03")
        assert (org.parent_id, org.kind, org.valid_from) == (t.commune_a.pk, "cell", ON)
        assert org.path.startswith(t.commune_a.path)
        assert audits.filter(action="create", object_id=str(org.pk)).count() == 1
    else:
        raise KeyError(page)


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "page", "expected"), list(_cases(POST_POLICY)))
def test_post(persona, page, expected, tree, personas, clients):
    url, data = post_request(page, tree)
    before = db_state()
    response = clients[persona].post(url, data)
    assert response.status_code == expected, response.content.decode()[:2000]
    if expected == 302:
        check_done(page, tree, personas[persona])
    else:
        assert db_state() == before
    if expected == 200:
        # The form came back: the refused choice is named, and nothing was saved.
        assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()


@pytest.mark.django_db
def test_edit_with_a_stale_version_is_refused_and_changes_nothing(tree, clients):
    stale = member_form_data(tree.member_a)
    # Someone else saves first.
    first = member_form_data(tree.member_a, occupation="Giáo viên")
    assert clients["commune"].post(f"/members/{tree.member_a.pk}/edit/", first).status_code == 302
    saved = db_state()
    stale["occupation"] = "Nông dân"
    r = clients["secretary_a"].post(f"/members/{tree.member_a.pk}/edit/", stale)
    assert r.status_code == 200
    assert "Hồ sơ này vừa được người khác sửa" in r.content.decode()
    assert db_state() == saved
    assert Member.objects.get(pk=tree.member_a.pk).occupation == "Giáo viên"


@pytest.mark.django_db
def test_outsider_post_to_a_missing_member_is_the_same_404(tree, clients):
    """Missing and forbidden answer alike, so ids of other cells are not revealed."""
    missing = Member.objects.order_by("-pk").first().pk + 1000
    forbidden = clients["secretary_b"].post(f"/members/{tree.member_a.pk}/status/", {})
    absent = clients["secretary_b"].post(f"/members/{missing}/status/", {})
    assert forbidden.status_code == absent.status_code == 404
    assert forbidden.content == absent.content


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(GET_POLICY))
def test_anonymous_is_sent_to_login(page, tree, client):
    """Without a session every page sends to the login page, never a 200 or a 404."""
    r = client.get(get_url(page, tree))
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
