"""The member list's probationary/official filter and its bulk status change (issue 10, 7)."""

import datetime
import re

import pytest

from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.members import services
from chibo.members.models import Member, Membership, StatusChange
from chibo.members.rules import probation_end
from chibo.members.tests.test_views import listed, snapshot
from conftest import make_member

D = datetime.date
ON = "01/03/2024"


@pytest.fixture
def standing(tree):
    """A probationary member (admitted 3 months ago), one official since yesterday and one
    still probationary until tomorrow, besides the tree's three official members."""
    now = today()
    make_member(
        tree.cell_a2, "Đèo Văn Dự", official=False, admitted=now - datetime.timedelta(days=90)
    )
    # admitted so that probation ended yesterday, and became official that day
    admitted = D(now.year - 1, now.month, 1) if now.day > 1 else D(now.year - 2, 12, 1)
    m = make_member(tree.cell_a2, "Lò Văn Mới", admitted=admitted)
    Member.objects.filter(pk=m.pk).update(official_date=now - datetime.timedelta(days=1))
    m2 = make_member(tree.cell_a2, "Quàng Thị Sắp", admitted=admitted)
    Member.objects.filter(pk=m2.pk).update(official_date=now + datetime.timedelta(days=1))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("standing=probationary", ["Đèo Văn Dự", "Quàng Thị Sắp"]),
        ("standing=official", ["Nguyễn Văn An", "Lò Thị Ánh", "Cầm Văn Bình", "Lò Văn Mới"]),
        ("standing=official&org={commune_a}", ["Nguyễn Văn An", "Lò Thị Ánh", "Lò Văn Mới"]),
        ("standing=probationary&sex=female", ["Quàng Thị Sắp"]),
        ("", ["Nguyễn Văn An", "Lò Thị Ánh", "Cầm Văn Bình", "Đèo Văn Dự", "Lò Văn Mới",
              "Quàng Thị Sắp"]),
    ],
)  # fmt: skip
def test_standing_filter(query, expected, tree, standing, clients):
    Member.objects.filter(full_name="Quàng Thị Sắp").update(sex="female")
    url = "/members/?" + query.format(commune_a=tree.commune_a.pk)
    assert sorted(listed(clients["admin"].get(url))) == sorted(expected)


@pytest.mark.django_db
def test_standing_filter_shows_and_refuses_a_bad_value(tree, clients):
    body = clients["commune"].get("/members/?standing=official").content.decode()
    assert '<label for="id_standing">Dự bị / Chính thức:</label>' in body
    assert '<option value="official" selected>Chính thức</option>' in body
    r = clients["commune"].get("/members/?standing=maybe")
    assert r.status_code == 400 and "Bộ lọc không hợp lệ" in r.content.decode()
    # the export takes the same filters
    r = clients["commune"].get("/members/export.xlsx?standing=probationary")
    assert r.status_code == 200


@pytest.mark.django_db
def test_ethnicity_filter_takes_any_spelling_of_a_name(tree, clients):
    make_member(tree.cell_a2, "Giàng A Páo", ethnicity="H'Mông", card="01000020")
    assert listed(clients["admin"].get("/members/?ethnicity=hmong")) == ["Giàng A Páo"]
    assert listed(clients["admin"].get("/members/?ethnicity=M%C3%B4ng")) == ["Giàng A Páo"]
    body = clients["admin"].get("/members/").content.decode()
    assert "<option>Ơ Đu</option>" in body


# --- bulk status change ----------------------------------------------------------------------


def boxes(body):
    return sorted(int(v) for v in re.findall(r'name="members" value="(\d+)" form=', body))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("secretary_a", {"member_a", "secretary_member_a"}), ("commune", {"member_a",
      "secretary_member_a"}), ("admin", {"member_a", "secretary_member_a", "member_b"}),
     ("analyst", set()), ("official", set())],
)  # fmt: skip
def test_the_list_offers_boxes_for_the_members_one_may_write(persona, expected, tree, clients):
    body = clients[persona].get("/members/").content.decode()
    assert boxes(body) == sorted(getattr(tree, name).pk for name in expected)
    assert ('id="bulk-status"' in body) == bool(expected)
    if expected:
        assert '<option value="" selected>— Chọn —</option>' in body
        # the label holds the box and the name
        m = tree.member_a
        assert (
            f'<label class="check"><input type="checkbox" name="members" value="{m.pk}" '
            f'form="bulk-status"> <span><a href="/members/{m.pk}/">Nguyễn Văn An</a></span>'
            "</label>" in body
        )


def post(client, members, **data):
    return client.post(
        "/members/status/",
        {
            "members": [m.pk for m in members],
            "status": "exempt",
            "on": ON,
            "note": "Tuổi cao",
            **data,
        },
    )


@pytest.mark.django_db
def test_bulk_status_change_writes_each_member(tree, clients, personas):
    a, b = tree.member_a, tree.secretary_member_a
    r = post(
        clients["secretary_a"],
        [a, b],
        note="Tuổi cao",
        next="/members/?status=all&q=van",
    )
    assert r.status_code == 302 and r["Location"] == "/members/?status=all&q=van"
    for m in (a, b):
        m.refresh_from_db()
        assert (m.status, m.status_since) == ("exempt", D(2024, 3, 1))
        change = StatusChange.objects.get(member=m)
        assert (change.previous, change.note, change.actor) == (
            "active",
            "Tuổi cao",
            personas["secretary_a"],
        )
        assert AuditEvent.objects.filter(
            action="status", object_id=str(m.pk), actor=personas["secretary_a"]
        ).exists()
    # exemption keeps the membership open; the outsider's member is untouched
    assert Membership.objects.filter(member__in=[a, b], end__isnull=True).count() == 2
    tree.member_b.refresh_from_db()
    assert tree.member_b.status == "active"
    follow = clients["secretary_a"].get(r["Location"]).content.decode()
    assert "Đã đổi trạng thái của 2 đảng viên." in follow


@pytest.mark.django_db
def test_bulk_status_deceased_closes_the_memberships(tree, clients):
    post(clients["commune"], [tree.member_a, tree.secretary_member_a], status="deceased")
    ships = Membership.objects.filter(member__in=[tree.member_a, tree.secretary_member_a])
    assert set(ships.values_list("end", flat=True)) == {D(2024, 3, 1)}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["analyst", "official", "member_a", "secretary_b"])
def test_bulk_status_outside_the_write_scope_is_404(persona, tree, clients):
    before = snapshot()
    r = post(clients[persona], [tree.member_a])
    assert r.status_code == 404
    assert snapshot() == before


@pytest.mark.django_db
def test_one_member_outside_the_scope_makes_the_whole_a_404(tree, clients):
    before = snapshot()
    assert post(clients["secretary_a"], [tree.member_a, tree.member_b]).status_code == 404
    r = clients["secretary_a"].post(
        "/members/status/", {"members": [tree.member_a.pk, 999999], "status": "exempt", "on": ON}
    )
    assert r.status_code == 404
    assert snapshot() == before
    assert clients["secretary_a"].get("/members/status/").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["²", "١٢", "99999999999999999999"])
def test_a_member_id_that_is_no_number_is_refused(bad, tree, clients):
    """ "²" passed str.isdigit() and int() refused it: a 500."""
    before = snapshot()
    r = clients["secretary_a"].post(
        "/members/status/", {"members": [tree.member_a.pk, bad], "status": "exempt", "on": ON}
    )
    assert r.status_code in (200, 400) and snapshot() == before


@pytest.mark.django_db
def test_bulk_status_is_all_or_nothing_and_names_the_member(tree, clients):
    a, b = tree.member_a, tree.secretary_member_a
    services.member_change_status(
        member=b, status="exempt", on=D(2023, 1, 1), actor=None, note="Ốm"
    )
    before = snapshot()
    r = post(clients["secretary_a"], [a, b])
    body = r.content.decode()
    assert r.status_code == 200
    assert "Lò Thị Ánh: Đảng viên đã ở trạng thái này." in body
    assert "Chưa đổi trạng thái của đảng viên nào" in body
    # the page offers the same members again, ticked
    assert boxes(body.replace('" checked>', '" form=')) == sorted([a.pk, b.pk])
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"members": []}, "Hãy chọn ít nhất một đảng viên."),
        ({"members": ["x"]}, "Danh sách đảng viên không hợp lệ."),
        ({"members": [str(i) for i in range(1, 202)]}, "tối đa 200 đảng viên."),
        ({"on": "01/01/2099"}, "Ngày không được ở tương lai."),
        ({"on": "31/02/2024"}, "Ngày không hợp lệ (dd/mm/yyyy)."),
        ({"status": "bogus"}, "Hãy chọn một lựa chọn hợp lệ."),
        ({"status": ""}, "Trường này là bắt buộc."),
        ({"note": ""}, "Ghi lý do miễn sinh hoạt"),
    ],
)
def test_bulk_status_refusals(data, message, tree, clients):
    before = snapshot()
    r = clients["secretary_a"].post(
        "/members/status/",
        {"members": [tree.member_a.pk], "status": "exempt", "on": ON, "note": "Ốm", **data},
    )
    assert r.status_code == 200
    assert message in r.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
def test_bulk_service_rolls_back_every_member(tree):
    a, b = tree.member_a, tree.secretary_member_a
    # b was admitted after the date asked: refused, and a's change rolls back with it
    Member.objects.filter(pk=b.pk).update(
        admission_date=D(2024, 6, 1), official_date=probation_end(D(2024, 6, 1))
    )
    b.refresh_from_db()
    before = snapshot()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.members_change_status_many(
            members=[a, b], status="exempt", on=D(2024, 3, 1), actor=None, note="Tuổi cao"
        )
    assert exc.value.messages == ["Lò Thị Ánh: Ngày không được trước ngày vào Đảng."]
    assert snapshot() == before
    with pytest.raises(ValidationError):
        services.members_change_status_many(
            members=[], status="exempt", on=D(2024, 3, 1), actor=None
        )
