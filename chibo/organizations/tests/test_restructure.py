"""Structure changes keep history: split, merge, rename and re-parenting, asked 'as of' a date."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chibo.core.models import AuditEvent
from chibo.members import services as member_services
from chibo.members.models import Member, Membership
from chibo.organizations import selectors, services
from chibo.organizations.models import Organization, OrganizationEvent, Village

ON = datetime.date(2023, 1, 1)


@pytest.mark.django_db
def test_split_moves_chosen_members_and_keeps_the_rest(tree, personas):
    admin = personas["admin"]
    created = member_services.cell_split(
        source=tree.cell_a,
        new_cells=[{"code": "XA-01B", "name": "Chi bộ bản Áng 2"}],
        assignment={tree.member_a.pk: 0},
        on=ON,
        actor=admin,
    )
    new = created[0]
    tree.member_a.refresh_from_db()
    assert tree.member_a.cell == new
    assert Member.objects.get(pk=tree.secretary_member_a.pk).cell == tree.cell_a
    ships = list(Membership.objects.filter(member=tree.member_a).order_by("start"))
    assert [(s.cell_id, s.end) for s in ships] == [(tree.cell_a.pk, ON), (new.pk, None)]
    tree.cell_a.refresh_from_db()
    assert tree.cell_a.valid_to is None  # someone stayed
    assert new.parent == tree.commune_a and new.path.startswith(tree.commune_a.path)
    assert OrganizationEvent.objects.filter(kind="split", organization=tree.cell_a).exists()
    assert AuditEvent.objects.filter(action="transfer", object_id=str(tree.member_a.pk)).exists()


@pytest.mark.django_db
def test_split_of_everyone_closes_the_source(tree, personas):
    village = Village.objects.get(code="V-A1")
    everyone = {tree.member_a.pk: 0, tree.secretary_member_a.pk: 1}
    split = {
        "source": tree.cell_a,
        "new_cells": [{"code": "N1", "name": "Mới 1"}, {"code": "N2", "name": "Mới 2"}],
        "assignment": everyone,
        "on": ON,
        "actor": personas["admin"],
    }
    with pytest.raises(ValidationError, match="phụ trách Bản Áng"):
        member_services.cell_split(**split)  # the closing cell's village needs a new cell
    assert not Organization.objects.filter(code="N1").exists()

    created = member_services.cell_split(**split, villages={village.pk: 1})
    tree.cell_a.refresh_from_db()
    assert tree.cell_a.valid_to == ON
    village.refresh_from_db()
    assert village.cell == created[1]
    assert [(link.cell_id, link.start, link.end) for link in village.cell_links.all()] == [
        (tree.cell_a.pk, datetime.date(2015, 1, 1), ON),
        (created[1].pk, ON, None),
    ]


@pytest.mark.django_db
def test_split_rejects_a_member_of_another_cell_and_writes_nothing(tree, personas):
    before = Organization.objects.count()
    with pytest.raises(ValidationError):
        member_services.cell_split(
            source=tree.cell_a,
            new_cells=[{"code": "N1", "name": "Mới 1"}],
            assignment={tree.member_b.pk: 0},
            on=ON,
            actor=personas["admin"],
        )
    assert Organization.objects.count() == before


@pytest.mark.django_db
def test_merge_and_as_of_subtree(tree, personas):
    moved = member_services.cells_merge(
        source=tree.cell_a2, into=tree.cell_a, on=ON, actor=personas["admin"]
    )
    assert moved == 0
    before = set(
        selectors.org_ids_under(tree.commune_a, datetime.date(2022, 12, 31)).values_list(
            "organization_id", flat=True
        )
    )
    after = set(
        selectors.org_ids_under(tree.commune_a, ON).values_list("organization_id", flat=True)
    )
    assert tree.cell_a2.pk in before and tree.cell_a2.pk not in after


@pytest.mark.django_db
def test_reparent_moves_the_subtree_and_keeps_the_old_place_in_history(tree, personas):
    services.org_reparent(
        org=tree.cell_a, new_parent=tree.commune_b, on=ON, actor=personas["admin"]
    )
    tree.cell_a.refresh_from_db()
    assert tree.cell_a.path.startswith(tree.commune_b.path)
    old = set(
        selectors.org_ids_under(tree.commune_a, datetime.date(2022, 6, 1)).values_list(
            "organization_id", flat=True
        )
    )
    new = set(selectors.org_ids_under(tree.commune_b, ON).values_list("organization_id", flat=True))
    assert tree.cell_a.pk in old and tree.cell_a.pk in new
    assert Member.objects.under(tree.commune_b).filter(pk=tree.member_a.pk).exists()


@pytest.mark.django_db
def test_split_page_for_admin_and_404_for_commune_staff(tree, clients):
    url = f"/org/{tree.cell_a.pk}/split/"
    assert clients["commune"].get(url).status_code == 404
    r = clients["admin"].get(url)
    assert r.status_code == 200 and "Nguyễn Văn An" in r.content.decode()
    r = clients["admin"].post(
        url,
        {
            "code_1": "S1",
            "name_1": "Chi bộ mới",
            "on": "01/01/2023",
            f"member_{tree.member_a.pk}": "0",
        },
    )
    assert r.status_code == 302
    assert Member.objects.get(pk=tree.member_a.pk).cell.code == "S1"
