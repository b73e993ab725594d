"""The foundation indicators and the `indicators` command on the small test tree (conftest)."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.admissions import services as admission_services
from chibo.core.indicators import all_indicators, compute_all, compute_many
from chibo.members import services as member_services
from chibo.members.indicators import cells_9plus_official, members
from chibo.organizations import selectors as org_selectors
from chibo.organizations import services as org_services
from chibo.organizations.indicators import grassroots_orgs, village_cells
from chibo.organizations.models import Organization
from conftest import D0, make_member

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 3, 31)
JAN_2022 = datetime.date(2022, 1, 10)
FOUNDATION = ["grassroots_orgs", "village_cells", "members", "cells_9plus_official"]


def fill(cell, n, *, official=True, prefix="Đảng viên", admitted=datetime.date(2012, 1, 9)):
    return [
        make_member(cell, f"{prefix} {i}", official=official, admitted=admitted) for i in range(n)
    ]


def test_registered_in_order():
    codes = [i.code for i in all_indicators()]
    assert [c for c in codes if c in FOUNDATION] == FOUNDATION


def test_tree_figures(tree):
    assert grassroots_orgs(tree.district, DAY).text == "2"
    assert grassroots_orgs(tree.commune_a, DAY).value == 1
    assert village_cells(tree.district, DAY).value == 3
    assert village_cells(tree.commune_a, DAY).value == 2
    assert members(tree.district, DAY).value == 3
    assert members(tree.commune_b, DAY).value == 1
    assert members(tree.cell_a, DAY).value == 2
    v = cells_9plus_official(tree.district, DAY)
    assert (v.value, v.of, v.text) == (0, 3, "0/3 (0%)")


def test_nothing_before_the_tree_existed(tree):
    before = D0 - datetime.timedelta(days=1)
    assert grassroots_orgs(tree.district, before).value == 0
    assert members(tree.district, before).value == 0
    assert cells_9plus_official(tree.district, before).of == 0


def test_nine_official_members_make_a_cell_count(tree):
    fill(tree.cell_a2, 8)
    assert cells_9plus_official(tree.district, DAY).value == 0
    # Probationary members do not count toward the nine.
    fill(tree.cell_a2, 3, official=False, prefix="Dự bị", admitted=datetime.date(2022, 9, 1))
    assert cells_9plus_official(tree.district, DAY).value == 0
    fill(tree.cell_a2, 1, prefix="Chính thức")
    v = cells_9plus_official(tree.district, DAY)
    assert (v.value, v.of, v.text) == (1, 3, "1/3 (33,3%)")
    assert cells_9plus_official(tree.commune_b, DAY).text == "0/1 (0%)"
    # Official from the official date on, not before.
    assert cells_9plus_official(tree.district, datetime.date(2012, 6, 1)).value == 0
    assert members(tree.district, DAY).value == 3 + 12


def test_agency_cells_are_not_village_cells(tree):
    agency = org_services.org_create(
        code="CQ",
        name="Đảng bộ Cơ quan huyện",
        kind="grassroots",
        grassroots_type="agency",
        parent=tree.district,
        valid_from=D0,
        actor=None,
    )
    cell = org_services.org_create(
        code="CQ-1",
        name="Chi bộ Văn phòng",
        kind="cell",
        cell_type="agency",
        parent=agency,
        valid_from=D0,
        actor=None,
    )
    fill(cell, 10)
    assert grassroots_orgs(tree.district, DAY).value == 3
    assert village_cells(tree.district, DAY).value == 3
    assert cells_9plus_official(tree.district, DAY).value == 0
    assert members(tree.district, DAY).value == 13


def test_as_of_follows_transfers_status_and_closures(tree):
    moved_on = datetime.date(2020, 6, 1)
    member_services.member_transfer(
        member=tree.member_a, to_cell=tree.cell_b, on=moved_on, actor=None
    )
    assert members(tree.commune_a, moved_on - datetime.timedelta(days=1)).value == 2
    assert members(tree.commune_a, moved_on).value == 1
    assert members(tree.commune_b, moved_on).value == 2
    died = datetime.date(2021, 2, 3)
    member_services.member_change_status(
        member=tree.member_b, status="deceased", on=died, actor=None
    )
    assert members(tree.district, died - datetime.timedelta(days=1)).value == 3
    assert members(tree.district, died).value == 2
    closed = datetime.date(2022, 1, 1)
    org_services.org_close(org=tree.cell_a2, on=closed, actor=None)
    assert village_cells(tree.district, closed - datetime.timedelta(days=1)).value == 3
    assert village_cells(tree.district, closed).value == 2
    assert cells_9plus_official(tree.district, closed).of == 2


def test_structure_of_the_date_after_reparenting(tree):
    on = datetime.date(2021, 1, 1)
    org_services.org_reparent(org=tree.cell_b, new_parent=tree.commune_a, on=on, actor=None)
    assert village_cells(tree.commune_a, on - datetime.timedelta(days=1)).value == 2
    assert village_cells(tree.commune_a, on).value == 3
    assert members(tree.commune_b, on - datetime.timedelta(days=1)).value == 1
    assert members(tree.commune_b, on).value == 0
    assert members(tree.commune_a, on).value == 3


def test_query_counts_do_not_grow_with_cells(tree, django_assert_num_queries):
    # grassroots_orgs, village_cells: the org's path on the date; the count.
    # members: the path; the count of distinct members.
    # cells_9plus_official: the path; the grouped count; the path again and the number of cells
    # (read once in a compute_all).
    def check():
        with django_assert_num_queries(2):
            grassroots_orgs(tree.district, DAY)
        with django_assert_num_queries(2):
            village_cells(tree.district, DAY)
        with django_assert_num_queries(2):
            members(tree.district, DAY)
        with django_assert_num_queries(4):
            cells_9plus_official(tree.district, DAY)

    check()
    for i in range(5):
        cell = org_services.org_create(
            code=f"XB-1{i}",
            name=f"Chi bộ bản {i}",
            kind="cell",
            cell_type="residential",
            parent=tree.commune_b,
            valid_from=D0,
            actor=None,
        )
        fill(cell, 10, prefix=f"Bản {i}")
    check()
    assert cells_9plus_official(tree.district, DAY).text == "5/8 (62,5%)"


def test_a_compute_all_reads_the_same_figures_from_listed_ids_as_from_subqueries(tree, monkeypatch):
    # In a compute_all the organizations under a small node are a list of ids read once; under a
    # large one (more than IDS_LISTED_MAX) the periods' subquery: both give the same figures.
    fill(tree.cell_b, 10, prefix="Bản")
    # an agency cell, and a grassroots cell (an agency one right under the district)
    for code, cell_type, parent in (
        ("XA-1", "agency", tree.commune_a),
        ("XG-1", "agency", tree.district),
    ):
        cell = org_services.org_create(
            code=code,
            name=f"Chi bộ {code}",
            kind="cell",
            cell_type=cell_type,
            parent=parent,
            valid_from=D0,
            actor=None,
        )
        fill(cell, 3, prefix=code)
    for org in (tree.district, tree.commune_a, tree.cell_b):
        listed = compute_all(org, DAY)
        monkeypatch.setattr(org_selectors, "IDS_LISTED_MAX", 0)
        assert compute_all(org, DAY) == listed
        monkeypatch.undo()
    assert any(row["value"] for row in listed)


def test_compute_many_gives_each_organizations_compute_all(tree):
    # The preloads read every organization's shared figures together: the same figures as one
    # organization at a time, on every date (before the tree existed too), for every kind.
    fill(tree.cell_b, 10, prefix="Bản")
    fill(tree.cell_a2, 3, official=False, prefix="Dự bị", admitted=datetime.date(2022, 6, 1))
    # A cell that admitted a member against its share of the year's target and closed once
    # the member had left it: on 31/12/2022 it counts where it stood on its last day.
    closed = org_services.org_create(
        code="XA-03",
        name="Chi bộ bản Đóng",
        kind="cell",
        cell_type="residential",
        parent=tree.commune_a,
        valid_from=D0,
        actor=None,
    )
    for org, value in ((tree.commune_a, 4), (closed, 1)):
        admission_services.target_set(
            actor=None, organization=org, year=2022, value=value, decided_on=JAN_2022
        )
    (admitted,) = fill(
        closed, 1, official=False, prefix="Kết nạp", admitted=datetime.date(2022, 3, 1)
    )
    member_services.member_transfer(
        member=admitted, to_cell=tree.cell_a, on=datetime.date(2022, 5, 1), actor=None
    )
    org_services.org_close(org=closed, on=datetime.date(2022, 7, 1), actor=None)
    orgs = list(Organization.objects.order_by("code"))
    for day in (D0 - datetime.timedelta(days=1), DAY, datetime.date(2022, 12, 31)):
        many = compute_many(orgs, day)
        assert many == {org.pk: compute_all(org, day) for org in orgs}
    assert any(row["value"] for rows in many.values() for row in rows)
    admissions = {r["code"]: (r["value"], r["of"]) for r in many[closed.pk]}["admissions_year"]
    assert admissions == (1, 1)


def test_compute_many_reads_once_what_compute_all_reads_per_organization(tree):
    orgs = list(Organization.objects.all())
    with CaptureQueriesContext(connection) as ctx:
        compute_many(orgs, DAY)
    many = len(ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        for org in orgs:
            compute_all(org, DAY)
    assert many < len(ctx.captured_queries) * 3 // 4


def test_compute_many_reads_as_much_for_five_organizations_as_for_two(tree):
    # Every app's preload reads its figures of the whole batch at once: the two communes and
    # their three cells cost the queries of the two communes alone.
    fill(tree.cell_b, 10, prefix="Bản")

    def queries(orgs):
        with CaptureQueriesContext(connection) as ctx:
            compute_many(orgs, DAY)
        return len(ctx.captured_queries)

    communes = [tree.commune_a, tree.commune_b]
    assert queries([*communes, tree.cell_a, tree.cell_a2, tree.cell_b]) == queries(communes)


def test_a_compute_all_reads_the_structure_once(tree):
    # The organizations under the node, their path and their counts are read once for every
    # indicator: the number of queries does not grow with the cells.
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            compute_all(tree.district, DAY)
        return len(ctx.captured_queries)

    before = queries()
    for i in range(3):
        cell = org_services.org_create(
            code=f"XB-2{i}",
            name=f"Chi bộ bản Mới {i}",
            kind="cell",
            cell_type="residential",
            parent=tree.commune_b,
            valid_from=D0,
            actor=None,
        )
        fill(cell, 9, prefix=f"Mới {i}")
    assert queries() == before


# --- the command ---------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_command_json_for_the_root(tree):
    payload = json.loads(run("--as-of", "2023-03-31", "--json"))
    assert payload["org"] == {"id": tree.district.pk, "code": "HU", "name": "Đảng bộ huyện Thử"}
    assert payload["as_of"] == "2023-03-31"
    rows = {r["code"]: r for r in payload["indicators"]}
    assert set(FOUNDATION) <= set(rows)
    assert rows["members"] == {
        "code": "members",
        "name": "Đảng viên",
        "value": 3,
        "of": None,
        "text": "3",
    }
    assert rows["cells_9plus_official"]["of"] == 3
    assert rows["cells_9plus_official"]["text"] == "0/3 (0%)"


def test_command_table_for_a_commune(tree):
    text = run("--org", "XA", "--as-of", "2023-03-31")
    assert "Đảng bộ xã An (XA)" in text and "31/03/2023" in text
    line = next(x for x in text.splitlines() if x.startswith("members "))
    assert line.split()[-1] == "2"
    assert "0/2 (0%)" in text


def test_command_default_root_is_the_first_valid_root(db):
    def root(code, name):
        return org_services.org_create(
            code=code,
            name=name,
            kind="district_committee",
            parent=None,
            valid_from=D0,
            actor=None,
        )

    old = root("OLD", "Đảng bộ cũ")
    org_services.org_close(org=old, on=datetime.date(2016, 1, 1), actor=None)
    root("NEW", "Đảng bộ mới")
    root("LATER", "Đảng bộ sau")
    assert json.loads(run("--json"))["org"]["code"] == "NEW"


def test_command_dd_mm_yyyy_is_accepted(tree):
    assert json.loads(run("--as-of", "31/03/2023", "--json"))["as_of"] == "2023-03-31"


@pytest.mark.parametrize("bad", ["2023-02-30", "yesterday", "2023/13/01"])
def test_command_bad_date(tree, bad):
    with pytest.raises(CommandError, match="Invalid date"):
        run("--as-of", bad)


def test_command_unknown_org(tree):
    with pytest.raises(CommandError, match="No organization with code 'NOPE'"):
        run("--org", "NOPE")


def test_command_org_not_valid_on_the_date(tree):
    with pytest.raises(CommandError, match="was not valid on 2001-01-01"):
        run("--org", "XA", "--as-of", "2001-01-01")


def test_command_empty_database(db):
    assert not Organization.objects.exists()
    with pytest.raises(CommandError, match="No organization yet"):
        run()
