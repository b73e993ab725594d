"""Grassroots cells (chi bộ cơ sở): cells directly under an upper committee, which are both a
grassroots organization and a cell."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chibo.accounts.scope import Scope
from chibo.committees.models import Title
from chibo.committees.positions import services as committee_services
from chibo.committees.positions.selectors import cell_reports, cells_by_parent
from chibo.core import indicators
from chibo.meetings import lifecycle as meeting_services
from chibo.meetings.models import CellMeeting
from chibo.meetings.officials.selectors import helpers_in_scope
from chibo.meetings.officials.support_services import eligible_helper
from chibo.meetings.oversight.overview import overview
from chibo.members.models import Member
from chibo.members.tests.test_spreadsheets import errors_of, media, row, upload, xlsx  # noqa: F401 (media: a fixture)
from chibo.organizations import services
from chibo.organizations.models import Organization
from conftest import D0, make_member

K = Organization.Kind
MOVED = datetime.date(2020, 1, 1)


def grassroots_orgs(org, on):
    return indicators.get("grassroots_orgs").compute(org, on).value


def new_agency_cell(parent, code="XA-CQ", name="Chi bộ Trạm y tế"):
    return services.org_create(
        code=code, name=name, kind=K.CELL, cell_type="agency", parent=parent,
        valid_from=D0, actor=None,
    )  # fmt: skip


def test_a_cell_counts_as_grassroots_from_the_day_it_moves_under_the_district(tree):
    cell = new_agency_cell(tree.commune_a)
    services.org_reparent(org=cell, new_parent=tree.district, on=MOVED, actor=None)
    day_before = MOVED - datetime.timedelta(days=1)
    assert grassroots_orgs(tree.district, day_before) == 2  # the two communes
    assert grassroots_orgs(tree.district, MOVED) == 3
    assert grassroots_orgs(tree.commune_a, day_before) == 1  # the commune itself
    # Not a village cell, before or after.
    village_cells = indicators.get("village_cells")
    assert village_cells.compute(tree.district, day_before).value == 3
    assert village_cells.compute(tree.district, MOVED).value == 3
    cell.refresh_from_db()
    assert cell.is_grassroots_cell and not tree.cell_a.is_grassroots_cell
    assert set(Organization.objects.grassroots_level()) == {tree.commune_a, tree.commune_b, cell}


def test_a_village_cell_cannot_sit_directly_under_the_district(tree):
    with pytest.raises(ValidationError, match="chi bộ cơ sở của cơ quan"):
        services.org_create(
            code="HU-B", name="Chi bộ bản", kind=K.CELL, cell_type="residential",
            parent=tree.district, valid_from=D0, actor=None,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="chi bộ cơ sở của cơ quan"):
        services.org_reparent(org=tree.cell_a2, new_parent=tree.district, on=MOVED, actor=None)
    assert tree.cell_a2.parent_id == tree.commune_a.pk


def test_a_grassroots_cell_holds_members_elects_a_committee_and_meets(tree):
    cell = new_agency_cell(tree.district, code="HU-THPT", name="Chi bộ Trường THPT")
    members = [make_member(cell, f"Giáo viên {i}", card=f"0300000{i}") for i in range(3)]
    assert set(Member.objects.filter(cell=cell)) == set(members)
    term = committee_services.term_create(
        organization=cell,
        name="2020–2025",
        start=datetime.date(2020, 9, 1),
        end=datetime.date(2025, 9, 1),
        actor=None,
    )
    position = committee_services.position_assign(
        organization=cell,
        member=members[0],
        title=Title.SECRETARY,
        start=datetime.date(2020, 9, 1),
        term=term,
        actor=None,
    )
    assert position.organization == cell
    created = meeting_services.meetings_generate(
        org=tree.district, month=datetime.date(2021, 3, 1), actor=None
    )
    meeting = CellMeeting.objects.get(cell=cell, month=datetime.date(2021, 3, 1))
    assert meeting in created and meeting.scheduled_date.day == 25  # agency cells: the 25th


def test_grassroots_lists_show_a_grassroots_cell_as_its_own_row(tree, personas):
    cell = new_agency_cell(tree.district, code="HU-TYT", name="Chi bộ Trung tâm Y tế")
    make_member(cell, "Bác sĩ Một", card="04000001")
    month = datetime.date(2021, 3, 1)
    names = [r.name for r in overview([tree.district], month).rows]
    assert sorted(names) == sorted(["Đảng bộ xã An", "Đảng bộ xã Bình", "Chi bộ Trung tâm Y tế"])
    row_of_cell = next(r for r in overview([tree.district], month).rows if r.org_id == cell.pk)
    assert row_of_cell.cells == 1
    groups = cells_by_parent(cell_reports(tree.district, month)[1])
    assert {g.name: g.total for g in groups} == {
        "Đảng bộ xã An": 2,
        "Đảng bộ xã Bình": 1,
        "Chi bộ Trung tâm Y tế": 1,
    }
    # A grassroots cell of an agency may help an especially disadvantaged village.
    assert eligible_helper(cell) and not eligible_helper(tree.cell_a)
    assert cell in helpers_in_scope(Scope.for_user(personas["admin"]))


# --- pages ----------------------------------------------------------------------------------


def test_the_district_offers_a_grassroots_cell_and_the_commune_does_not(tree, clients):
    page = clients["admin"].get(f"/org/{tree.district.pk}/new/").content.decode()
    assert "Chi bộ cơ sở" in page and 'value="grassroots_cell"' in page
    page = clients["admin"].get(f"/org/{tree.commune_a.pk}/new/").content.decode()
    assert "Chi bộ cơ sở" not in page and 'value="cell"' in page
    r = clients["admin"].post(
        f"/org/{tree.district.pk}/new/",
        {"code": "HU-THCS", "name": "Chi bộ Trường THCS", "kind": "grassroots_cell",
         "valid_from": "01/09/2020"},
    )  # fmt: skip
    cell = Organization.objects.get(code="HU-THCS")
    assert r.status_code == 302 and r["Location"] == f"/org/{cell.pk}/"
    assert (cell.kind, cell.cell_type, cell.parent, cell.grassroots_type) == (
        K.CELL,
        "agency",
        tree.district,
        "",
    )
    assert cell.valid_from == datetime.date(2020, 9, 1)


@pytest.mark.parametrize("persona", ["analyst", "commune", "secretary_b"])
def test_only_the_org_board_creates_a_grassroots_cell(tree, clients, persona):
    r = clients[persona].post(
        f"/org/{tree.district.pk}/new/",
        {"code": "HU-X", "name": "X", "kind": "grassroots_cell", "valid_from": "01/09/2020"},
    )
    assert r.status_code == 404
    assert not Organization.objects.filter(code="HU-X").exists()


def test_the_pages_name_a_grassroots_cell(tree, clients):
    cell = new_agency_cell(tree.district, code="HU-TYT", name="Chi bộ Trung tâm Y tế")
    page = clients["admin"].get(f"/org/{cell.pk}/").content.decode()
    assert "Chi bộ cơ sở" in page
    page = clients["admin"].get(f"/org/{tree.cell_a.pk}/").content.decode()
    assert "Chi bộ cơ sở" not in page
    part = clients["admin"].get(f"/org/?node={tree.district.pk}", HTTP_HX_REQUEST="true")
    part = part.content.decode()
    assert part.count("Chi bộ cơ sở") == 1 and "Chi bộ Trung tâm Y tế" in part


def test_the_member_import_explains_a_grassroots_code(tree, clients):
    lone = services.org_create(
        code="HU-K1", name="Đảng bộ Trường Dân tộc", kind=K.GRASSROOTS, grassroots_type="school",
        parent=tree.district, valid_from=D0, actor=None,
    )  # fmt: skip
    got = errors_of(upload(clients["admin"], xlsx([row(1, cell_code="HU-K1")])))
    assert len(got) == 1
    number, column, message = got[0]
    assert (number, column) == (2, "Mã chi bộ*")
    assert "đảng viên sinh hoạt ở chi bộ" in message
    assert f"{lone.name} chưa có chi bộ nào" in message and "«Chi bộ cơ sở»" in message
    got = errors_of(upload(clients["admin"], xlsx([row(1, cell_code="XA")])))
    assert "chưa có chi bộ nào" not in got[0][2]
