"""The commune a village lies in is dated (VillageCommuneLink): the communes' merger moves the
villages from a day, a figure as of the day before is the same after it, and the services refuse
a day that would rewrite the past."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from chibo.committees.villages.selectors import village_roles, villages_under
from chibo.core.indicators import compute_all
from chibo.core.models import AuditEvent
from chibo.organizations import services_villages as vs
from chibo.organizations.models import Commune, Village, VillageCommuneLink
from chibo.plans import selectors as plans

D = datetime.date
D0 = D(2015, 1, 1)
ON, EVE = D(2025, 7, 1), D(2025, 6, 30)


def places(village):
    return [
        (x.commune.code, x.start, x.end)
        for x in VillageCommuneLink.objects.filter(village=village).select_related("commune")
    ]


@pytest.fixture
def binh(tree, personas):
    """Commune C-B, led by the commune committee B: V-B1 (no cell, especially disadvantaged,
    so it is under commune committee B through its commune alone) and V-B2 (served by cell B)."""
    admin = personas["admin"]
    binh = vs.commune_create(
        code="C-B", name="Bình", kind="commune", valid_from=D0, actor=admin,
        party_committee=tree.commune_b,
    )  # fmt: skip
    vs.village_create(
        code="V-B1", name="Bó", kind="ban", commune=binh, cell=None, valid_from=D0, actor=admin,
        especially_disadvantaged=True,
    )  # fmt: skip
    vs.village_create(
        code="V-B2", name="Pát", kind="ban", commune=binh, cell=tree.cell_b, valid_from=D0,
        actor=admin,
    )  # fmt: skip
    return binh


def seen(org, day):
    """Every figure of `org` on `day`, and the villages (with their commune and its committee
    then) its village lists read."""
    rows = village_roles(org, day)
    return (
        {row["code"]: row for row in compute_all(org, day)},
        [
            (r.village.code, r.village.commune.name, r.village.commune.party_committee_id)
            for r in rows
        ],
    )


@pytest.mark.django_db
def test_a_communes_merger_keeps_every_figure_of_the_day_before(tree, personas, binh):
    an = Commune.objects.get(code="C-A")
    orgs = (tree.district, tree.commune_a, tree.commune_b)
    before = {org.code: seen(org, EVE) for org in orgs}
    assert [v for v, *_ in before[tree.commune_b.code][1]] == ["V-B1", "V-B2"]
    assert before[tree.commune_b.code][0]["supported_villages"]["of"] == 1

    assert vs.commune_merge(source=binh, into=an, on=ON, actor=personas["admin"]) == 2

    assert {org.code: seen(org, EVE) for org in orgs} == before
    # From the merger, the villages lie in commune A, led by commune committee A.
    assert [v.code for v in villages_under(tree.commune_a, ON).order_by("code")] == [
        "V-A1", "V-B1", "V-B2"
    ]  # fmt: skip
    assert not villages_under(tree.commune_b, ON).filter(code="V-B1").exists()
    b1 = Village.objects.get(code="V-B1")
    assert b1.commune == an  # the mirror of the open link
    assert places(b1) == [("C-B", D0, ON), ("C-A", ON, None)]
    assert AuditEvent.objects.filter(
        object_type="organizations.village", object_id=str(b1.pk),
        changes__commune=[binh.pk, an.pk],
    ).exists()  # fmt: skip
    # A commune's page of a year lists the villages it had that year.
    assert [r.village.code for r in plans.commune_rows(binh, 2025)] == ["V-B1", "V-B2"]
    assert [r.village.code for r in plans.commune_rows(binh, 2026)] == []
    assert sorted(r.village.code for r in plans.commune_rows(an, 2026)) == ["V-A1", "V-B1", "V-B2"]


@pytest.mark.django_db
def test_a_merger_before_a_villages_first_day_in_the_commune_is_refused(tree, personas, binh):
    """A village that came to the commune after the day asked: nothing is written."""
    an = Commune.objects.get(code="C-A")
    late = vs.village_create(
        code="V-B3", name="Mới", kind="ban", commune=binh, cell=None, valid_from=D(2024, 1, 1),
        actor=None,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="phải sau ngày 01/01/2024"):
        vs.commune_merge(source=binh, into=an, on=D(2023, 6, 1), actor=personas["admin"])
    binh.refresh_from_db()
    assert binh.valid_to is None and binh.party_committee == tree.commune_b
    assert places(late) == [("C-B", D(2024, 1, 1), None)]
    assert places(Village.objects.get(code="V-B1")) == [("C-B", D0, None)]
    assert set(
        Village.objects.filter(code__startswith="V-B").values_list("commune", flat=True)
    ) == {binh.pk}


@pytest.mark.django_db
def test_a_village_merger_ends_its_link_to_the_commune(tree, personas, binh):
    b1, b2 = Village.objects.get(code="V-B1"), Village.objects.get(code="V-B2")
    vs.village_merge(source=b1, into=b2, on=D(2023, 4, 1), actor=personas["admin"])
    assert places(b1) == [("C-B", D0, D(2023, 4, 1))]
    b1.refresh_from_db()
    assert b1.commune == binh  # the commune it lay in last
    # The commune's merger after it moves only the open village.
    an = Commune.objects.get(code="C-A")
    assert vs.commune_merge(source=binh, into=an, on=ON, actor=None) == 1
    assert places(b1) == [("C-B", D0, D(2023, 4, 1))]


@pytest.mark.django_db
def test_the_data_migration_links_each_village_and_reads_past_mergers(tree, binh):
    """Before the links, commune_merge moved Village.commune in place and audited the day: the
    migration splits the village's link on it."""
    from importlib import import_module

    migration = import_module("chibo.organizations.migrations.0005_village_commune_links")
    an = Commune.objects.get(code="C-A")
    b1 = Village.objects.get(code="V-B1")
    closed = vs.village_create(
        code="V-B4", name="Cũ", kind="ban", commune=binh, cell=None, valid_from=D0, actor=None
    )
    Village.objects.filter(pk=closed.pk).update(valid_to=D(2020, 1, 1))
    Village.objects.filter(pk=b1.pk).update(commune=an)  # as commune_merge did
    AuditEvent.objects.create(
        action=AuditEvent.Action.RESTRUCTURE,
        object_type="organizations.village",
        object_id=str(b1.pk),
        object_repr=str(b1),
        changes={"commune": [binh.pk, an.pk], "on": [None, ON.isoformat()]},
    )
    VillageCommuneLink.objects.all().delete()  # as before the migration

    migration.link_existing_villages(apps, None)

    assert places(b1) == [("C-B", D0, ON), ("C-A", ON, None)]
    assert places(closed) == [("C-B", D0, D(2020, 1, 1))]
    assert places(Village.objects.get(code="V-A1")) == [("C-A", D0, None)]


@pytest.mark.django_db
def test_a_village_without_a_commune_on_the_day_is_listed_under_its_commune_now(tree, binh):
    """A gap in the links (an import that gave only part of a village's days) leaves a village
    served by a cell without a commune that day: the lists show the one it lies in now."""
    VillageCommuneLink.objects.filter(village__code="V-B2").update(start=D(2024, 1, 1))
    rows = village_roles(tree.commune_b, D(2023, 3, 31))
    assert [(r.village.code, r.village.commune.name) for r in rows] == [
        ("V-B1", "Bình"),
        ("V-B2", "Bình"),
    ]
