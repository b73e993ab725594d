"""Villages, communes and the dated links between villages and the cells that serve them: the
services refuse what would make two cells serve a village on one day, and a change never
rewrites a figure as of a day before it."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from chibo.committees.models import ConcurrentRole, Title
from chibo.committees.tests.conftest import fill, seat
from chibo.committees.villages.services import concurrent_role_assign
from chibo.core.indicators import compute_all
from chibo.core.models import AuditEvent
from chibo.members import services as member_services
from chibo.organizations import services as org_services
from chibo.organizations import services_villages as vs
from chibo.organizations.models import Commune, Organization, Village, VillageCellLink

D = datetime.date
START = D(2020, 6, 1)
MERGE = D(2023, 4, 1)
D0 = D(2015, 1, 1)


def links(village):
    return [(x.cell_id, x.start, x.end) for x in VillageCellLink.objects.filter(village=village)]


@pytest.fixture
def villages(tree):
    """V-A1 served by cell A (its secretary is the village head); V-A2 served by cell A2 (the
    head is not a member); V-A3 of commune A, no cell."""
    a1 = Village.objects.get(code="V-A1")
    commune = a1.commune
    a2 = vs.village_create(
        code="V-A2", name="Đông", kind="ban", commune=commune, cell=tree.cell_a2,
        valid_from=D0, actor=None,
    )  # fmt: skip
    a3 = vs.village_create(
        code="V-A3", name="Nà", kind="ban", commune=commune, cell=None, valid_from=D0,
        actor=None, especially_disadvantaged=True,
    )  # fmt: skip
    seat(tree.cell_a, tree.secretary_member_a, Title.SECRETARY)
    concurrent_role_assign(
        village=a1, kind="village_head", start=START, member=tree.secretary_member_a, actor=None
    )
    people = fill(tree.cell_a2, 9)
    seat(tree.cell_a2, people[0], Title.SECRETARY)
    concurrent_role_assign(
        village=a2, kind="village_head", start=START, person_name="Lường Văn Ngoài", actor=None
    )
    return a1, a2, a3


def figures(org, day):
    return {row["code"]: row for row in compute_all(org, day)}


@pytest.mark.django_db
def test_a_merge_keeps_every_figure_of_the_day_before(tree, personas, villages):
    a1, _a2, _a3 = villages
    eve = MERGE - datetime.timedelta(days=1)
    before = {org.code: figures(org, eve) for org in (tree.commune_a, tree.district)}
    assert before["XA"]["secretary_is_village_head"]["text"] == "1/2 (50%)"

    member_services.cells_merge(
        source=tree.cell_a, into=tree.cell_a2, on=MERGE, actor=personas["admin"]
    )

    after = {org.code: figures(org, eve) for org in (tree.commune_a, tree.district)}
    assert after == before
    a1.refresh_from_db()
    assert a1.cell == tree.cell_a2
    assert links(a1) == [(tree.cell_a.pk, D0, MERGE), (tree.cell_a2.pk, MERGE, None)]
    # From the merge on, cell A2's secretary is not the head of Áng: the figure of that day moves.
    assert figures(tree.commune_a, MERGE)["secretary_is_village_head"]["text"] == ("0/1 (0%)")


CHANGES = {
    "link": lambda t, a1, a2, actor: vs.village_link_cell(
        village=a1, cell=t.cell_a2, on=MERGE, actor=actor
    ),
    "unlink": lambda t, a1, a2, actor: vs.village_unlink(village=a1, on=MERGE, actor=actor),
    "village_merge": lambda t, a1, a2, actor: vs.village_merge(
        source=a1, into=a2, on=MERGE, actor=actor
    ),
    "cell_split": lambda t, a1, a2, actor: member_services.cell_split(
        source=t.cell_a,
        new_cells=[{"code": "XA-01B", "name": "Chi bộ bản Áng mới"}],
        assignment={t.member_a.pk: 0, t.secretary_member_a.pk: 0},
        villages={a1.pk: 0},
        on=MERGE,
        actor=actor,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_no_village_change_rewrites_the_day_before(tree, personas, villages, change):
    a1, a2, _a3 = villages
    eve = MERGE - datetime.timedelta(days=1)
    before = {org.code: figures(org, eve) for org in (tree.commune_a, tree.district)}
    assert before["XA"]["secretary_is_village_head"]["text"] == "1/2 (50%)"
    CHANGES[change](tree, a1, a2, personas["admin"])
    assert {org.code: figures(org, eve) for org in (tree.commune_a, tree.district)} == before


@pytest.mark.django_db
def test_link_cell_moves_the_village_from_a_date_and_audits(tree, personas, villages):
    a1 = villages[0]
    on = D(2024, 1, 1)
    vs.village_link_cell(village=a1, cell=tree.cell_a2, on=on, actor=personas["admin"])
    a1.refresh_from_db()
    assert a1.cell == tree.cell_a2
    assert links(a1) == [(tree.cell_a.pk, D0, on), (tree.cell_a2.pk, on, None)]
    event = AuditEvent.objects.filter(object_type="organizations.village", object_id=a1.pk)
    assert event.first().changes == {
        "cell": [tree.cell_a.pk, tree.cell_a2.pk],
        "on": [None, "2024-01-01"],
    }


@pytest.mark.django_db
def test_link_cell_refuses_what_would_make_the_past_wrong(tree, personas, villages):
    a1, _a2, a3 = villages
    admin = personas["admin"]
    agency = org_services.org_create(
        code="XA-CQ", name="Chi bộ cơ quan", kind=Organization.Kind.CELL, cell_type="agency",
        parent=tree.commune_a, valid_from=D0, actor=None,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Chỉ chi bộ thôn"):
        vs.village_link_cell(village=a1, cell=agency, on=D(2024, 1, 1), actor=admin)
    closed = org_services.org_create(
        code="XA-09", name="Chi bộ đã giải thể", kind=Organization.Kind.CELL,
        cell_type="residential", parent=tree.commune_a, valid_from=D0, actor=None,
    )  # fmt: skip
    org_services.org_close(org=closed, on=D(2020, 1, 1), actor=None)
    with pytest.raises(ValidationError, match="không có hiệu lực"):
        vs.village_link_cell(village=a1, cell=closed, on=D(2024, 1, 1), actor=admin)
    with pytest.raises(ValidationError, match="từ ngày 01/01/2015"):
        vs.village_link_cell(village=a1, cell=tree.cell_a2, on=D(2014, 1, 1), actor=admin)
    with pytest.raises(ValidationError, match="phải sau ngày 01/01/2015"):
        vs.village_link_cell(village=a1, cell=tree.cell_a2, on=D0, actor=admin)
    with pytest.raises(ValidationError, match="đang phụ trách"):
        vs.village_link_cell(village=a1, cell=tree.cell_a, on=D(2024, 1, 1), actor=admin)
    assert links(a1) == [(tree.cell_a.pk, D0, None)]

    # Unlinked on a date, a village takes a cell again from that date on, never before it.
    vs.village_unlink(village=a1, on=D(2024, 1, 1), actor=admin)
    a1.refresh_from_db()
    assert a1.cell is None
    with pytest.raises(ValidationError, match="sau ngày 01/06/2023"):
        vs.village_link_cell(village=a1, cell=tree.cell_a2, on=D(2023, 6, 1), actor=admin)
    vs.village_link_cell(village=a1, cell=tree.cell_a2, on=D(2024, 6, 1), actor=admin)
    assert links(a1) == [
        (tree.cell_a.pk, D0, D(2024, 1, 1)),
        (tree.cell_a2.pk, D(2024, 6, 1), None),
    ]
    with pytest.raises(ValidationError, match="chưa có chi bộ"):
        vs.village_unlink(village=a3, on=D(2024, 1, 1), actor=admin)


@pytest.mark.django_db
def test_village_merge_closes_the_source_and_ends_its_posts(tree, personas, villages):
    a1, a2, _a3 = villages
    vs.village_merge(source=a1, into=a2, on=MERGE, actor=personas["admin"])
    a1.refresh_from_db()
    assert (a1.valid_to, a1.cell) == (MERGE, None)
    assert links(a1) == [(tree.cell_a.pk, D0, MERGE)]
    head = ConcurrentRole.objects.get(village=a1)
    assert (head.start, head.end) == (START, MERGE)  # ended, kept
    with pytest.raises(ValidationError, match="hết hiệu lực"):
        vs.village_merge(source=a1, into=a2, on=D(2024, 1, 1), actor=personas["admin"])


@pytest.mark.django_db
def test_village_merge_is_refused_while_a_post_starts_on_or_after_the_day(personas, villages):
    """The committees app ends the posts as the village closes (committees.apps registers it)."""
    a1, a2, _a3 = villages
    with pytest.raises(ValidationError, match="trở đi"):
        vs.village_merge(source=a1, into=a2, on=START, actor=personas["admin"])
    a1.refresh_from_db()
    assert a1.valid_to is None
    assert ConcurrentRole.objects.get(village=a1).end is None


@pytest.mark.django_db
def test_commune_merge_moves_open_villages_and_keeps_past_figures(tree, personas, villages):
    admin = personas["admin"]
    an = Commune.objects.get(code="C-A")
    binh = vs.commune_create(
        code="C-B", name="Bình", kind="commune", valid_from=D0, actor=admin,
        party_committee=tree.commune_b,
    )  # fmt: skip
    vs.village_create(
        code="V-B1", name="Bó", kind="ban", commune=binh, cell=tree.cell_b, valid_from=D0,
        actor=admin,
    )  # fmt: skip
    eve = D(2025, 6, 30)
    before = figures(tree.district, eve)
    assert vs.commune_merge(source=binh, into=an, on=D(2025, 7, 1), actor=admin) == 1
    binh.refresh_from_db()
    assert binh.valid_to == D(2025, 7, 1)
    assert Village.objects.get(code="V-B1").commune == an
    assert figures(tree.district, eve) == before
    vs.commune_rename(commune=an, name="An Bình", on=D(2025, 7, 1), actor=admin)
    # Its committee led it until the merger; from then on it has none.
    binh.refresh_from_db()
    assert binh.party_committee is None
    assert list(binh.committee_links.values_list("committee", "start", "end")) == [
        (tree.commune_b.pk, D0, D(2025, 7, 1))
    ]
    with pytest.raises(ValidationError, match="hết hiệu lực"):
        vs.commune_set_party_committee(
            commune=binh, party_committee=tree.commune_a, on=D(2025, 8, 1), actor=admin
        )
    assert Commune.objects.get(code="C-A").name == "An Bình"
    assert AuditEvent.objects.filter(
        object_type="organizations.commune", changes__name=["An", "An Bình"]
    ).exists()


@pytest.mark.django_db
def test_the_data_migration_links_each_village_while_both_were_valid(tree):
    from importlib import import_module

    migration = import_module("chibo.organizations.migrations.0002_village_cell_links")
    commune = Commune.objects.get(code="C-A")
    old = org_services.org_create(
        code="XA-09", name="Chi bộ cũ", kind="cell", cell_type="residential",
        parent=tree.commune_a, valid_from=D(2018, 1, 1), actor=None,
    )  # fmt: skip
    org_services.org_close(org=old, on=D(2022, 1, 1), actor=None)
    served = Village.objects.create(
        code="V-O1", name="Cũ", commune=commune, cell=old, valid_from=D0
    )
    closed = Village.objects.create(
        code="V-O2", name="Đã nhập", commune=commune, cell=tree.cell_a2, valid_from=D0,
        valid_to=D(2021, 1, 1),
    )  # fmt: skip
    VillageCellLink.objects.all().delete()  # as before the migration (no link anywhere)

    migration.link_existing_villages(apps, None)

    assert links(served) == [(old.pk, D(2018, 1, 1), D(2022, 1, 1))]
    assert links(closed) == [(tree.cell_a2.pk, D0, D(2021, 1, 1))]
    assert links(Village.objects.get(code="V-A1")) == [(tree.cell_a.pk, D0, None)]
    served.refresh_from_db()
    closed.refresh_from_db()
    assert served.cell is None and closed.cell is None  # Village.cell: the open link's only
    assert Village.objects.get(code="V-A1").cell == tree.cell_a


@pytest.mark.django_db
def test_a_commune_changes_committee_on_a_date_and_keeps_its_past(tree, personas):
    """The committee that led a commune is dated: from the change, the new one; before it, the
    old one still (as villages_under and the other readers of a date read it)."""
    from chibo.committees.villages.selectors import villages_under
    from chibo.organizations.selectors import committees_on

    admin = personas["admin"]
    binh = vs.commune_create(
        code="C-B", name="Bình", kind="commune", valid_from=D0, actor=admin,
        party_committee=tree.commune_b,
    )  # fmt: skip
    vs.village_create(
        code="V-B1", name="Bó", kind="ban", commune=binh, cell=None, valid_from=D0, actor=admin
    )
    on, eve = D(2025, 7, 1), D(2025, 6, 30)
    with pytest.raises(ValidationError, match="đang lãnh đạo"):
        vs.commune_set_party_committee(
            commune=binh, party_committee=tree.commune_b, on=on, actor=admin
        )
    link = vs.commune_set_party_committee(
        commune=binh, party_committee=tree.commune_a, on=on, actor=admin
    )
    assert (link.committee, link.start, link.end) == (tree.commune_a, on, None)
    binh.refresh_from_db()
    assert binh.party_committee == tree.commune_a  # the mirror of the open link
    assert committees_on([binh.pk], eve) == {binh.pk: tree.commune_b.pk}
    assert committees_on([binh.pk], on) == {binh.pk: tree.commune_a.pk}
    assert [v.code for v in villages_under(tree.commune_b, eve)] == ["V-B1"]
    assert not villages_under(tree.commune_b, on).filter(code="V-B1").exists()
    with pytest.raises(ValidationError, match="phải sau ngày 01/07/2025"):
        vs.commune_set_party_committee(
            commune=binh, party_committee=tree.commune_b, on=eve, actor=admin
        )
    assert AuditEvent.objects.filter(
        object_type="organizations.commune", changes__party_committee=[
            tree.commune_b.pk, tree.commune_a.pk
        ],
    ).exists()  # fmt: skip
