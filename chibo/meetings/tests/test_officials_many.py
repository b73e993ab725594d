"""One official assigned to follow many cells at once: the page (filtered by commune), the
service (all or nothing, audited, the overlaps a single assignment refuses), every persona."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chibo.accounts.models import Role, RoleAssignment, User
from chibo.core.models import AuditEvent
from chibo.meetings.models import FollowAssignment
from chibo.meetings.officials import services

pytestmark = pytest.mark.django_db
D = datetime.date
START = "01/03/2023"


def url(org, **query):
    base = reverse("meetings:official_assign_many", args=[org.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def post(client, org, cells, query=None, **data):
    body = {"kind": "district_cadre", "start": START, "cells": [c.pk for c in cells], **data}
    return client.post(url(org, **(query or {})), body)


def follows(user):
    return set(
        FollowAssignment.objects.filter(official=user).values_list("cell__code", "start", "end")
    )


def cell_boxes(response):
    return {c.data["value"].value for c in response.context["form"]["cells"]}


def test_the_page_lists_the_cells_and_filters_by_commune(clients, tree):
    r = clients["admin"].get(url(tree.district))
    assert r.status_code == 200
    assert cell_boxes(r) == {tree.cell_a.pk, tree.cell_a2.pk, tree.cell_b.pk}
    html = r.content.decode()
    assert '<label class="tap"><input type="checkbox" name="cells"' in html
    assert "Chi bộ bản Áng (Đảng bộ xã An)" in html
    assert 'data-select-all="cells"' in html
    r = clients["admin"].get(url(tree.district, commune=tree.commune_a.pk))
    assert cell_boxes(r) == {tree.cell_a.pk, tree.cell_a2.pk}
    for bad in (tree.cell_a.pk, "x", 999999):
        assert clients["admin"].get(url(tree.district, commune=bad)).status_code == 400


def test_assigns_one_official_to_many_cells_audited(clients, personas, tree):
    official = personas["official"]
    audits = AuditEvent.objects.count()
    r = post(
        clients["admin"],
        tree.district,
        [tree.cell_a, tree.cell_a2, tree.cell_b],
        official=official.pk,
        end="01/03/2024",
    )
    assert r.status_code == 302 and r["Location"] == reverse(
        "meetings:officials", args=[tree.district.pk]
    )
    assert follows(official) == {
        (code, D(2023, 3, 1), D(2024, 3, 1)) for code in ("XA-01", "XA-02", "XB-01")
    }
    roles = RoleAssignment.objects.filter(
        user=official, role=Role.ASSIGNED_OFFICIAL, valid_from=D(2023, 3, 1)
    )
    assert {(r.organization.code, r.valid_to) for r in roles} == {
        (code, D(2024, 3, 1)) for code in ("XA-01", "XA-02", "XB-01")
    }
    created = AuditEvent.objects.filter(pk__gt=0).order_by("pk")[audits:]
    assert {(e.object_type, e.action, e.actor.username) for e in created} == {
        ("meetings.followassignment", "create", "admin"),
        ("accounts.roleassignment", "create", "admin"),
    }
    assert AuditEvent.objects.count() == audits + 6
    page = clients["admin"].get(r["Location"]).content.decode()
    assert "theo dõi 3 chi bộ từ 01/03/2023" in page


def test_a_new_account_is_created_once_for_every_cell(clients, tree):
    r = post(
        clients["admin"],
        tree.district,
        [tree.cell_a, tree.cell_b],
        full_name="Hà Văn Mới",
        username="havanmoi",
    )
    assert r.status_code == 302
    user = User.objects.get(username="havanmoi")
    assert {c for c, _s, _e in follows(user)} == {"XA-01", "XB-01"}
    assert not user.has_usable_password()


def test_an_overlap_refuses_every_cell_and_names_it(clients, personas, tree):
    official = personas["official"]
    services.follow_assign(
        official=official, cell=tree.cell_a2, kind="district_cadre", start=D(2023, 1, 1), actor=None
    )
    before = (
        FollowAssignment.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    )
    r = post(clients["admin"], tree.district, [tree.cell_a, tree.cell_a2], official=official.pk)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Chi bộ bản Đông:" in html and "trùng thời gian" in html
    assert "Chưa có gì được lưu" in html
    after = (
        FollowAssignment.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before
    assert follows(official) == {("XA-02", D(2023, 1, 1), None)}
    # The service says the same to a script; a bad interval is refused once, before any cell.
    with pytest.raises(ValidationError, match="Chi bộ bản Đông"):
        services.follow_assign_many(
            official=official, cells=[tree.cell_a, tree.cell_a2], kind="district_cadre",
            start=D(2023, 3, 1), actor=personas["admin"],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="phải sau ngày bắt đầu"):
        services.follow_assign_many(
            official=official, cells=[tree.cell_b], kind="district_cadre",
            start=D(2023, 3, 1), end=D(2023, 3, 1), actor=personas["admin"],
        )  # fmt: skip
    assert FollowAssignment.objects.count() == before[0]


def test_a_cell_outside_the_filtered_list_is_refused(clients, personas, tree):
    r = post(
        clients["admin"],
        tree.district,
        [tree.cell_a, tree.cell_b],
        query={"commune": tree.commune_a.pk},
        official=personas["official"].pk,
    )
    assert r.status_code == 200 and "không nằm trong danh sách" in r.content.decode()
    assert not FollowAssignment.objects.exists()


def test_commune_staff_assign_commune_cadres_in_their_commune(clients, personas, tree):
    client = clients["commune"]
    official = personas["official"]
    assert client.get(url(tree.district)).status_code == 404
    r = post(client, tree.commune_a, [tree.cell_a, tree.cell_a2], official=official.pk)
    assert r.status_code == 200  # a district cadre is the org board's to assign
    assert not FollowAssignment.objects.exists()
    r = post(
        client,
        tree.commune_a,
        [tree.cell_a, tree.cell_a2],
        official=official.pk,
        kind="commune_cadre",
    )
    assert r.status_code == 302
    assert {c for c, _s, _e in follows(official)} == {"XA-01", "XA-02"}
    # Cell B is not theirs: a forged call to the service is a 404.
    from django.http import Http404

    with pytest.raises(Http404):
        services.follow_assign_many(
            official=official, cells=[tree.cell_b], kind="commune_cadre",
            start=D(2023, 3, 1), actor=personas["commune"],
        )  # fmt: skip


@pytest.mark.parametrize(
    "persona", ["analyst", "secretary_a", "member_a", "official", "secretary_b"]
)
def test_everyone_else_gets_404(clients, personas, tree, persona):
    for org in (tree.district, tree.commune_a):
        assert clients[persona].get(url(org)).status_code == 404
        r = post(clients[persona], org, [tree.cell_a], official=personas["official"].pk)
        assert r.status_code == 404
    assert not FollowAssignment.objects.exists()
