"""Movements: each a dated event on the record, undone only by a later one; bad input refused
with nothing written; the pages allowed / read-only / outsider."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chibo.core.models import AuditEvent
from chibo.members.models import Member, Membership, StatusChange, TemporaryStay
from chibo.members.movements import services
from chibo.organizations import services as org_services
from chibo.organizations.models import Organization

D = datetime.date
K = StatusChange.Kind


def snapshot():
    return (
        sorted(Member.objects.values_list("pk", "cell_id", "status", "status_since")),
        sorted(Membership.objects.values_list("pk", "cell_id", "start", "end")),
        sorted(StatusChange.objects.values_list("pk", "status")),
        sorted(TemporaryStay.objects.values_list("pk", "end")),
        AuditEvent.objects.count(),
    )


def refused(call, field=None, text=None):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert snapshot() == before
    if field is not None:
        assert field in exc.value.message_dict, exc.value
    if text is not None:
        assert text in " ".join(exc.value.messages), exc.value.messages
    return exc.value


@pytest.mark.django_db
def test_exemption_then_return_are_dated_events(tree, personas):
    admin, m = personas["admin"], tree.member_a
    services.member_exempt(
        member=m, on=D(2023, 1, 10), until=D(2024, 1, 10), reason="Tuổi cao", actor=admin
    )
    m.refresh_from_db()
    assert (m.status, m.status_since) == ("exempt", D(2023, 1, 10))
    # Still on the cell's roll: the membership is open.
    assert Membership.objects.get(member=m, end__isnull=True).cell == tree.cell_a
    refused(lambda: services.member_end_exemption(member=m, on=D(2023, 1, 10), actor=admin), "on")
    services.member_end_exemption(member=m, on=D(2023, 6, 1), actor=admin)
    rows = list(StatusChange.objects.filter(member=m).values_list("kind", "status", "on", "reason"))
    assert rows == [
        (K.EXEMPTION, "exempt", D(2023, 1, 10), "Tuổi cao"),
        (K.RETURN, "active", D(2023, 6, 1), ""),
    ]
    assert AuditEvent.objects.filter(object_id=str(m.pk), action="status").count() == 2


@pytest.mark.django_db
def test_bad_exemptions_are_refused(tree, personas):
    admin, m = personas["admin"], tree.member_a
    refused(
        lambda: services.member_exempt(member=m, on=D(2023, 1, 1), reason=" ", actor=admin),
        "reason",
    )
    refused(
        lambda: services.member_exempt(
            member=m, on=D(2023, 1, 1), until=D(2023, 1, 1), reason="Ốm", actor=admin
        ),
        "until",
    )
    refused(
        lambda: services.member_exempt(member=m, on=D(2009, 1, 1), reason="Ốm", actor=admin), "on"
    )
    refused(
        lambda: services.member_exempt(member=m, on=D(2999, 1, 1), reason="Ốm", actor=admin), "on"
    )
    refused(lambda: services.member_end_exemption(member=m, on=D(2023, 1, 1), actor=admin))


@pytest.mark.django_db
def test_a_second_status_on_one_day_is_refused(tree, personas):
    admin, m = personas["admin"], tree.member_a
    services.member_exempt(member=m, on=D(2023, 3, 1), reason="Ốm", actor=admin)
    # The same day, or before the last change: refused, whatever the path.
    refused(
        lambda: services.member_record_death(member=m, on=D(2023, 3, 1), actor=admin),
        "on",
        "01/03/2023",
    )
    refused(lambda: services.member_record_death(member=m, on=D(2023, 2, 1), actor=admin), "on")
    from chibo.members import services as member_services

    refused(
        lambda: member_services.member_change_status(
            member=m, status="active", on=D(2023, 3, 1), actor=admin
        ),
        "on",
    )
    services.member_record_death(member=m, on=D(2023, 3, 2), actor=admin)


@pytest.mark.django_db
def test_transfer_to_a_cell_that_did_not_exist_that_day_is_refused(tree, personas):
    admin, m = personas["admin"], tree.member_a
    new_cell = org_services.org_create(
        code="XA-09",
        name="Chi bộ bản Mới",
        kind=Organization.Kind.CELL,
        cell_type="residential",
        parent=tree.commune_a,
        valid_from=D(2022, 1, 1),
        actor=None,
    )
    refused(
        lambda: services.member_transfer_within(
            member=m, to_cell=new_cell, on=D(2021, 6, 1), letter_number="12", actor=admin
        ),
        "to_cell",
        "không tồn tại vào ngày 01/06/2021",
    )
    refused(
        lambda: services.member_transfer_within(
            member=m, to_cell=new_cell, on=D(2022, 6, 1), letter_number="", actor=admin
        ),
        "letter_number",
    )
    services.member_transfer_within(
        member=m, to_cell=new_cell, on=D(2022, 6, 1), letter_number="12-GGT", actor=admin
    )
    ship = Membership.objects.get(member=m, end__isnull=True)
    assert (ship.cell, ship.start, ship.letter_number) == (new_cell, D(2022, 6, 1), "12-GGT")


@pytest.mark.django_db
def test_transfer_out_and_back_in(tree, personas):
    admin, m = personas["admin"], tree.member_a
    refused(
        lambda: services.member_transfer_out(
            member=m, on=D(2022, 1, 1), letter_number="", place="Đảng bộ xã Khác", actor=admin
        ),
        "letter_number",
    )
    services.member_transfer_out(
        member=m, on=D(2022, 1, 1), letter_number="05", place="Đảng bộ xã Khác", actor=admin
    )
    m.refresh_from_db()
    assert m.status == "transferred_out"
    assert not Membership.objects.filter(member=m, end__isnull=True).exists()
    # Back before the day they left, or to a cell not yet founded: refused.
    refused(
        lambda: services.member_transfer_in(
            member=m,
            to_cell=tree.cell_a2,
            on=D(2021, 12, 1),
            letter_number="9",
            place="Đảng bộ xã Khác",
            actor=admin,
        ),
        "on",
    )
    services.member_transfer_in(
        member=m,
        to_cell=tree.cell_a2,
        on=D(2023, 2, 1),
        letter_number="9",
        place="Đảng bộ xã Khác",
        actor=admin,
    )
    m.refresh_from_db()
    assert (m.status, m.cell_id) == ("active", tree.cell_a2.pk)
    ships = list(
        Membership.objects.filter(member=m).values_list("cell_id", "start", "end", "reason")
    )
    assert ships == [
        (tree.cell_a.pk, D(2010, 5, 19), D(2022, 1, 1), "admitted"),
        (tree.cell_a2.pk, D(2023, 2, 1), None, "transfer_in"),
    ]


@pytest.mark.django_db
def test_temporary_transfer_keeps_the_member_in_the_home_cell(tree, personas):
    admin, m = personas["admin"], tree.member_a
    refused(
        lambda: services.member_temporary_start(
            member=m, on=D(2023, 1, 1), letter_number="3", actor=admin
        ),
        "host_name",
    )
    refused(
        lambda: services.member_temporary_start(
            member=m, on=D(2023, 1, 1), letter_number="3", host_cell=tree.cell_a, actor=admin
        ),
        "host_cell",
    )
    stay = services.member_temporary_start(
        member=m, on=D(2023, 1, 1), letter_number="3", host_cell=tree.cell_b, actor=admin
    )
    refused(
        lambda: services.member_temporary_start(
            member=m, on=D(2023, 2, 1), letter_number="4", host_name="Hà Nội", actor=admin
        )
    )
    m.refresh_from_db()
    assert (m.status, m.cell_id) == ("active", tree.cell_a.pk)
    assert Membership.objects.get(member=m, end__isnull=True).cell_id == tree.cell_a.pk
    services.member_temporary_end(member=m, on=D(2023, 6, 1), actor=admin)
    stay.refresh_from_db()
    assert stay.end == D(2023, 6, 1)
    refused(lambda: services.member_temporary_end(member=m, on=D(2023, 7, 1), actor=admin))


@pytest.mark.django_db
def test_removal_and_expulsion_need_the_decision_and_can_be_annulled(tree, personas):
    admin, m = personas["admin"], tree.member_a
    refused(
        lambda: services.member_remove(
            member=m,
            on=D(2023, 1, 1),
            kind=K.EXPULSION,
            decided_by="",
            decision_number="",
            actor=admin,
        ),
        "decision_number",
    )
    refused(
        lambda: services.member_remove(
            member=m,
            on=D(2023, 1, 1),
            kind="exempt",
            decided_by="x",
            decision_number="1",
            actor=admin,
        ),
        "kind",
    )
    services.member_remove(
        member=m,
        on=D(2023, 1, 1),
        kind=K.EXPULSION,
        decided_by="Ủy ban Kiểm tra Huyện ủy",
        decision_number="15-QĐ/UBKT",
        reason="Vi phạm",
        actor=admin,
    )
    m.refresh_from_db()
    assert m.status == "removed"
    change = StatusChange.objects.get(member=m)
    assert (change.kind, change.decision_number) == (K.EXPULSION, "15-QĐ/UBKT")
    refused(
        lambda: services.member_reinstate(
            member=m, on=D(2023, 5, 1), decided_by="", decision_number="", actor=admin
        ),
        "decided_by",
    )
    services.member_reinstate(
        member=m, on=D(2023, 5, 1), decided_by="Huyện ủy", decision_number="20-QĐ/HU", actor=admin
    )
    m.refresh_from_db()
    assert m.status == "active"
    # The removal stays on the record: undone by a later event, never deleted.
    assert list(StatusChange.objects.filter(member=m).values_list("kind", flat=True)) == [
        K.EXPULSION,
        K.REINSTATEMENT,
    ]


@pytest.mark.django_db
def test_death_is_final(tree, personas):
    admin, m = personas["admin"], tree.member_a
    services.member_record_death(member=m, on=D(2023, 1, 1), actor=admin, note="Bệnh")
    refused(lambda: services.member_exempt(member=m, on=D(2023, 2, 1), reason="x", actor=admin))
    refused(
        lambda: services.member_transfer_out(
            member=m, on=D(2023, 2, 1), letter_number="1", place="x", actor=admin
        )
    )
    assert Member.objects.filter(pk=m.pk).exists()


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", 200),
        ("commune", 200),
        ("secretary_a", 200),
        ("analyst", 404),  # read-only
        ("official", 404),  # read-only
        ("member_a", 404),  # their own record, read-only
        ("secretary_b", 404),  # outsider
    ],
)
def test_movement_page_access(persona, expected, tree, clients):
    url = f"/members/{tree.member_a.pk}/movement/exempt/"
    assert clients[persona].get(url).status_code == expected
    before = snapshot()
    r = clients[persona].post(url, {"on": "01/02/2023", "reason": "Tuổi cao", "note": ""})
    if expected == 200:
        assert r.status_code == 302
        assert Member.objects.get(pk=tree.member_a.pk).status == "exempt"
    else:
        assert r.status_code == 404
        assert snapshot() == before


@pytest.mark.django_db
def test_movement_page_shows_errors_and_writes_nothing(tree, clients):
    url = f"/members/{tree.member_a.pk}/movement/remove/"
    before = snapshot()
    r = clients["admin"].post(url, {"kind": "expulsion", "on": "01/02/2023", "decided_by": ""})
    assert r.status_code == 200
    assert "Hãy sửa các lỗi bên dưới." in r.content.decode()
    assert snapshot() == before
    # A movement the status does not allow (a return for an active member), or unknown: 404.
    assert (
        clients["admin"].get(f"/members/{tree.member_a.pk}/movement/end-exemption/").status_code
        == 404
    )
    assert clients["admin"].get(f"/members/{tree.member_a.pk}/movement/nope/").status_code == 404


@pytest.mark.django_db
def test_member_page_lists_the_movements_for_writers_only(tree, clients):
    body = clients["secretary_a"].get(f"/members/{tree.member_a.pk}/").content.decode()
    assert f"/members/{tree.member_a.pk}/movement/exempt/" in body
    assert f"/members/{tree.member_a.pk}/movement/transfer-out/" in body
    assert "/movement/transfer-in/" not in body
    body = clients["analyst"].get(f"/members/{tree.member_a.pk}/").content.decode()
    assert "/movement/" not in body


# --- the generic status change: only what needs no document ---------------------------------

REMOVAL_NEEDS = "Xóa tên hoặc khai trừ cần cấp quyết định và số quyết định"
TRANSFER_NEEDS = "Chuyển sinh hoạt đi nơi khác cần số giấy giới thiệu"


@pytest.mark.django_db
def test_the_generic_change_refuses_what_a_movement_documents(tree, personas):
    from chibo.members import services as member_services

    admin, m = personas["admin"], tree.member_a

    def generic(status, on):
        return lambda: member_services.member_change_status(
            member=m, status=status, on=on, actor=admin, note="không có quyết định"
        )

    refused(generic("removed", D(2023, 1, 1)), "status", REMOVAL_NEEDS)
    refused(generic("transferred_out", D(2023, 1, 1)), "status", TRANSFER_NEEDS)
    refused(
        lambda: member_services.members_change_status_many(
            members=[m, tree.member_b], status="removed", on=D(2023, 1, 1), actor=admin
        ),
        text=REMOVAL_NEEDS,
    )
    # Undoing them needs their documents too: the reinstatement's decision, the letter.
    services.member_remove(
        member=m,
        on=D(2023, 1, 1),
        kind=K.REMOVAL,
        decided_by="Đảng ủy xã",
        decision_number="3-QĐ/ĐU",
        actor=admin,
    )
    refused(generic("active", D(2023, 2, 1)), "status", "Khôi phục đảng viên đã bị xóa tên")
    other = tree.member_b
    services.member_transfer_out(
        member=other, on=D(2023, 1, 1), letter_number="7", place="Đảng bộ tỉnh X", actor=admin
    )
    refused(
        lambda: member_services.member_change_status(
            member=other, status="active", on=D(2023, 2, 1), actor=admin
        ),
        "status",
        "Nhận đảng viên chuyển đến cần số giấy giới thiệu",
    )


@pytest.mark.django_db
def test_a_death_by_the_generic_change_is_the_death_movement(tree, personas):
    from chibo.members import services as member_services

    m = tree.member_a
    member_services.member_change_status(
        member=m, status="deceased", on=D(2023, 1, 1), actor=personas["admin"], note="Bệnh"
    )
    change = StatusChange.objects.get(member=m)
    assert (change.kind, change.status, change.note) == (K.DEATH, "deceased", "Bệnh")
    assert Membership.objects.get(member=m).end == D(2023, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "message"), [("removed", REMOVAL_NEEDS), ("transferred_out", TRANSFER_NEEDS)]
)
def test_the_status_pages_refuse_a_removal_with_the_movement_to_use(status, message, tree, clients):
    before = snapshot()
    url = f"/members/{tree.member_a.pk}/status/"
    body = clients["secretary_a"].get(url).content.decode()
    assert 'value="exempt"' in body and f'value="{status}"' not in body  # not offered
    r = clients["secretary_a"].post(url, {"status": status, "on": "01/02/2023", "note": "x"})
    assert r.status_code == 200 and message in r.content.decode()
    r = clients["secretary_a"].post(
        "/members/status/",
        {"members": [tree.member_a.pk], "status": status, "on": "01/02/2023", "note": ""},
    )
    assert r.status_code == 200 and message in r.content.decode()
    assert snapshot() == before
    # A removed member's record offers no generic change: the reinstatement is a movement.
    services.member_remove(
        member=tree.member_a,
        on=D(2023, 1, 1),
        kind=K.EXPULSION,
        decided_by="Ủy ban Kiểm tra Huyện ủy",
        decision_number="15-QĐ/UBKT",
        actor=None,
    )
    page = clients["secretary_a"].get(f"/members/{tree.member_a.pk}/").content.decode()
    assert f"/members/{tree.member_a.pk}/status/" not in page
    assert f"/members/{tree.member_a.pk}/movement/reinstate/" in page
